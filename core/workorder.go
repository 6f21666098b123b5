package core

import (
	"slices"
	"strings"
	"time"
	"unicode"
)

// Status is where a work order stands for the customer.
type Status string

// Work-order statuses.
const (
	StatusNew        Status = "new"         // waiting for dispatch
	StatusAssigned   Status = "assigned"    // an engineer has it
	StatusInProgress Status = "in-progress" // past service, in later nodes
	StatusCompleted  Status = "completed"
	StatusTerminated Status = "terminated"
)

// AllStatuses lists statuses in lifecycle order.
var AllStatuses = []Status{StatusNew, StatusAssigned, StatusInProgress, StatusCompleted, StatusTerminated}

// Open reports whether work remains on a work order in this status.
func (s Status) Open() bool { return s != StatusCompleted && s != StatusTerminated }

// LoadMove is how a change of a work order's engineer or status moves the
// engineers' loads (their open work orders, Tx.EngineerLoad): from loses
// one, to gains one; 0 is nobody. Both stores keep the counters by it.
func LoadMove(oldEngineer ID, oldStatus Status, newEngineer ID, newStatus Status) (from, to ID) {
	wasOpen := oldEngineer != 0 && oldStatus.Open()
	isOpen := newEngineer != 0 && newStatus.Open()
	if wasOpen == isOpen && (!wasOpen || oldEngineer == newEngineer) {
		return 0, 0
	}
	if wasOpen {
		from = oldEngineer
	}
	if isOpen {
		to = newEngineer
	}
	return from, to
}

// MoveLoad applies LoadMove for w's change from engineer eng at status st
// with add, a store's way of moving one engineer's counter.
func MoveLoad(eng ID, st Status, w *WorkOrder, add func(engineer ID, d int) error) error {
	from, to := LoadMove(eng, st, w.FieldOutDealUser, w.Status)
	if from != 0 {
		if err := add(from, -1); err != nil {
			return err
		}
	}
	if to != 0 {
		return add(to, 1)
	}
	return nil
}

// Node is a process node a work order sits at (R-FLOW-1).
type Node string

// Process nodes.
const (
	NodeDispatch     Node = "dispatch"
	NodeService      Node = "service"
	NodeTerminalTask Node = "terminal-task"
	NodeEvaluation   Node = "evaluation"
	NodeFollowUp     Node = "follow-up"
	NodeEnd          Node = "end"
	NodeTerminated   Node = "terminated"
)

// AllNodes lists the process nodes in their usual order.
var AllNodes = []Node{NodeDispatch, NodeService, NodeTerminalTask, NodeEvaluation, NodeFollowUp, NodeEnd, NodeTerminated}

// Priority orders work; Rank gives its sort weight (higher is more urgent).
type Priority string

// Priorities.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// AllPriorities lists priorities from least to most urgent.
var AllPriorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh, PriorityUrgent}

// Rank is the priority's position in AllPriorities (0 for unknown).
func (p Priority) Rank() int { return slices.Index(AllPriorities, p) + 1 }

// Channel is how a work order was accepted (SPEC §3).
type Channel string

// Acceptance channels.
const (
	ChannelInternal    Channel = "internal"     // R-IN-1
	ChannelCallCenter  Channel = "call-center"  // R-IN-2
	ChannelWeb         Channel = "web"          // R-IN-3
	ChannelDeviceCode  Channel = "device-code"  // R-IN-4
	ChannelEmail       Channel = "email"        // R-IN-5
	ChannelAPI         Channel = "api"          // R-IN-6
	ChannelSmartForm   Channel = "smart-form"   // R-IN-7
	ChannelWeChat      Channel = "wechat"       // official account
	ChannelMiniProgram Channel = "mini-program" // WeChat mini program
	ChannelSystem      Channel = "system"       // timers, rules
)

// AllChannels lists the acceptance channels.
var AllChannels = []Channel{ChannelInternal, ChannelCallCenter, ChannelWeb, ChannelDeviceCode, ChannelEmail, ChannelAPI, ChannelSmartForm, ChannelWeChat, ChannelMiniProgram, ChannelSystem}

// DefaultRecordTypes are the work-order record types a new database starts with.
var DefaultRecordTypes = []string{"Repair", "Installation", "Maintenance", "Inspection"}

// Assignment ways for assign_way__c.
const (
	AssignAuto   = "auto"
	AssignManual = "manual"
)

// WorkOrder is the central record (R-WO-1, R-WO-2). JSON keys are the SPEC's.
type WorkOrder struct {
	ID          ID       `json:"id"`
	Number      string   `json:"number"`
	Subject     string   `json:"subject"`
	Description string   `json:"description"`
	RecordType  string   `json:"record_type"`
	Priority    Priority `json:"priority"`
	Status      Status   `json:"status"`
	Node        Node     `json:"node"`
	Channel     Channel  `json:"channel"`
	AccountID   ID       `json:"account_id"`
	AccountName string   `json:"account_name"`
	ContactID   ID       `json:"contact_id"`
	ContactName string   `json:"contact_name"`
	Phone       string   `json:"phone"`
	Email       string   `json:"email"`
	Region      string   `json:"region"`
	Address     string   `json:"address"`
	DeviceCode  string   `json:"device_code"`
	// PhoneCheck says whether a customer who submitted on a web form proved
	// the phone with an SMS code (R-IN-8): "verified", "unverified" (taken
	// as a guest, matched to nobody), or "" (not a web submission, or
	// verification off).
	PhoneCheck string `json:"phone_check,omitempty"`
	OutOwner   ID     `json:"out_owner"`
	// OutOwnerRule says which R-WO-4 case produced OutOwner, in words.
	OutOwnerRule string     `json:"out_owner_rule"`
	CreatedBy    string     `json:"created_by"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	DueAt        *time.Time `json:"due_at"`
	// NodeDueAt is when the current node completes by itself if nothing else
	// completes it first (its timeout, R-FLOW-3); nil when it has none.
	NodeDueAt *time.Time `json:"node_due_at,omitempty"`
	Version   uint64     `json:"version"`

	// Dispatch fields, named as the manual names them (R-WO-2).
	AssignUser                     string     `json:"assign_user"`
	AssignWay                      string     `json:"assign_way__c"`
	AssignTime                     *time.Time `json:"assign_time__c"`
	FieldPartner                   ID         `json:"field_partner__c"`
	FieldFwssf                     ID         `json:"field_fwssf__c"`
	FieldOutDealUser               ID         `json:"field_outDealUser__c"`
	FieldDownstreamOuterTenantName string     `json:"field_downstreamOuterTenantName__c"`
	FieldDownstreamOuterTenantID   string     `json:"field_downstreamOuterTenantId__c"`
	EngineerName                   string     `json:"engineer_name"`

	// Objects are the records customers created on its terminal task (a
	// payment fee, …: object types an admin defined).
	Objects []WorkOrderObject `json:"objects,omitempty"`

	// History is filled when a single work order is read; it is stored apart,
	// append-only (R-WO-3).
	History []Event `json:"history"`
}

// Event is one entry of a work order's history (R-WO-3).
type Event struct {
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Channel Channel   `json:"channel"`
	Kind    string    `json:"kind"`
	Detail  string    `json:"detail"`
}

// Event kinds.
const (
	EventCreated = "created"
	EventUpdated = "updated"
	EventOwner   = "owner"
)

// Row returns the compact summary of w that lists and search use.
func (w *WorkOrder) Row() WorkOrderRow {
	return WorkOrderRow{
		ID: w.ID, Number: w.Number, Subject: w.Subject, RecordType: w.RecordType,
		Priority: w.Priority, Status: w.Status, Node: w.Node, Channel: w.Channel,
		AccountName: w.AccountName, ContactName: w.ContactName, EngineerName: w.EngineerName,
		Phone: w.Phone, Region: w.Region, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
		Version: w.Version, EngineerID: w.FieldOutDealUser, PhoneUnverified: w.PhoneCheck == PhoneUnverified,
		OwnerID: w.OutOwner,
	}
}

// ListSubject is the subject as lists show it: marked when a web form's
// phone was not proven (R-IN-8) — a guest's claim, matched to no customer.
func (r *WorkOrderRow) ListSubject() string {
	if r.PhoneUnverified {
		return "[unverified] " + r.Subject
	}
	return r.Subject
}

// WorkOrderRow is the summary of a work order shown in lists.
type WorkOrderRow struct {
	ID           ID        `json:"id"`
	Number       string    `json:"number"`
	Subject      string    `json:"subject"`
	RecordType   string    `json:"record_type"`
	Priority     Priority  `json:"priority"`
	Status       Status    `json:"status"`
	Node         Node      `json:"node"`
	Channel      Channel   `json:"channel"`
	AccountName  string    `json:"account_name"`
	ContactName  string    `json:"contact_name"`
	EngineerName string    `json:"engineer_name"`
	Phone        string    `json:"phone"`
	Region       string    `json:"region"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      uint64    `json:"version"`
	// EngineerID is the assigned engineer (field_outDealUser__c), for the
	// store's indexes and counters; lists show EngineerName.
	EngineerID ID `json:"-"`
	// OwnerID is the external owner (out_owner: a terminal user), for the
	// store's index of a customer's work orders.
	OwnerID ID `json:"-"`
	// PhoneUnverified: a web submission whose phone nobody proved (R-IN-8);
	// lists mark it.
	PhoneUnverified bool `json:"phone_unverified,omitempty"`
}

// SearchText is what a text search looks in for r: number, subject,
// account, contact, engineer, phone and region, lower-cased, each ended by a
// NUL so that a needle never matches across two of them. Stores keep it with
// the row, so a keystroke compares bytes instead of folding every row again.
func (r *WorkOrderRow) SearchText() string {
	var b strings.Builder
	for _, s := range r.searched() {
		b.WriteString(strings.ToLower(s))
		b.WriteByte(0)
	}
	return b.String()
}

// searched are the fields SearchText is made of.
func (r *WorkOrderRow) searched() [7]string {
	return [7]string{r.Number, r.Subject, r.AccountName, r.ContactName, r.EngineerName, r.Phone, r.Region}
}

// SameSearchText reports whether r and o have the same search text, without
// making either (the same fields: a difference in case only may say false).
func (r *WorkOrderRow) SameSearchText(o *WorkOrderRow) bool { return r.searched() == o.searched() }

// SearchNeedle is q's text as SearchText is compared with it ("" for none).
func (q WorkOrderQuery) SearchNeedle() string { return strings.ToLower(strings.TrimSpace(q.Text)) }

// MatchesFilters reports whether r passes q's status and node filters.
func (q WorkOrderQuery) MatchesFilters(r *WorkOrderRow) bool {
	return (q.Status == "" || r.Status == q.Status) && (q.Node == "" || r.Node == q.Node)
}

// SortKey names a column a work-order list can be sorted by.
type SortKey string

// Sort keys.
const (
	SortCreated  SortKey = "created" // newest first unless Asc
	SortPriority SortKey = "priority"
	SortStatus   SortKey = "status"
	SortSubject  SortKey = "subject"
	SortAccount  SortKey = "account"
	SortUpdated  SortKey = "updated"
)

// WorkOrderQuery selects a page of work orders.
type WorkOrderQuery struct {
	Status Status
	Node   Node
	// Text matches, case-insensitively, number, subject, account, contact,
	// engineer, phone and region.
	Text   string
	Sort   SortKey
	Asc    bool
	Offset int
	Limit  int // 0 means no limit
}

// Plain reports whether q needs no text match and uses the natural order
// (newest first), so a backend can page by cursor without a full scan.
func (q WorkOrderQuery) Plain() bool {
	return strings.TrimSpace(q.Text) == "" && (q.Sort == "" || q.Sort == SortCreated) && !q.Asc
}

// WorkOrderPage is one page of a query plus the total number of matches.
type WorkOrderPage struct {
	Rows  []WorkOrderRow `json:"rows"`
	Total int            `json:"total"`
}

// Matches reports whether r passes q's status, node and text filters.
// needle must be strings.ToLower(strings.TrimSpace(q.Text)).
func (q WorkOrderQuery) Matches(r *WorkOrderRow, needle string) bool {
	if q.Status != "" && r.Status != q.Status {
		return false
	}
	if q.Node != "" && r.Node != q.Node {
		return false
	}
	if needle == "" {
		return true
	}
	return containsFold(r.Number, needle) || containsFold(r.Subject, needle) ||
		containsFold(r.AccountName, needle) || containsFold(r.ContactName, needle) ||
		containsFold(r.EngineerName, needle) || strings.Contains(r.Phone, needle) ||
		containsFold(r.Region, needle)
}

// RowKey is the part of a row a sort needs, small enough to sort 100,000 of them.
type RowKey struct {
	ID ID
	N  int64
	S  string
}

// Key returns r's sort key for q. S is set only for text sorts (subject, account)
// and is a fresh copy, so it may outlive r.
func (q WorkOrderQuery) Key(r *WorkOrderRow) RowKey {
	k := RowKey{ID: r.ID}
	switch q.Sort {
	case SortPriority:
		k.N = -int64(r.Priority.Rank()) // most urgent first
	case SortStatus:
		k.N = int64(slices.Index(AllStatuses, r.Status))
	case SortSubject:
		k.S = strings.ToLower(r.Subject)
	case SortAccount:
		k.S = strings.ToLower(r.AccountName)
	case SortUpdated:
		k.N = -r.UpdatedAt.UnixNano() // most recent first
	}
	return k
}

// Compare orders two keys for q: by the sort column (reversed when Asc), then newest
// first — or oldest first for an ascending sort by creation.
func (q WorkOrderQuery) Compare(a, b RowKey) int {
	c := 0
	switch {
	case a.N != b.N:
		c = cmpInt(a.N, b.N)
	case a.S != b.S:
		c = strings.Compare(a.S, b.S)
	}
	if q.Asc {
		c = -c
	}
	if c != 0 {
		return c
	}
	if q.Asc && (q.Sort == "" || q.Sort == SortCreated) {
		return cmpInt(int64(a.ID), int64(b.ID))
	}
	return cmpInt(int64(b.ID), int64(a.ID))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Less reports whether a sorts before b for q.
func (q WorkOrderQuery) Less(a, b *WorkOrderRow) bool {
	return q.Compare(q.Key(a), q.Key(b)) < 0
}

// containsFold is a case-insensitive substring test where needle is already lower case.
func containsFold(s, needle string) bool {
	if len(s) < len(needle) {
		return false
	}
	// Fast path for ASCII haystacks.
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		if strings.Contains(s, needle) {
			return true
		}
		// Lower-case a copy only when s has letters with case (not for CJK text).
		for _, r := range s {
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				return strings.Contains(strings.ToLower(s), needle)
			}
		}
		return false
	}
	n := len(needle)
outer:
	for i := 0; i+n <= len(s); i++ {
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				continue outer
			}
		}
		return true
	}
	return false
}
