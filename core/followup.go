package core

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// --- the follow-up plug-in (R-FU-1) and its settings

// FollowUpConfig is the follow-up plug-in's company-wide settings: whether it
// is on (R-FU-1, off by default), the due time of new tasks (the follow-up
// SLA), when a failed call is tried again, how many failed calls close a task,
// and the call integration (R-FU-5).
type FollowUpConfig struct {
	Enabled   bool       `json:"enabled"`
	ChangedAt *time.Time `json:"changed_at,omitempty"`
	ChangedBy string     `json:"changed_by,omitempty"`
	// SLA: a new task is due this long after it is created.
	SLA Duration `json:"sla"`
	// RetryAfter: after no answer or a busy line the task is offered again
	// this long after the call.
	RetryAfter Duration `json:"retry_after"`
	// MaxAttempts failed calls (no answer, busy) close the task unreached.
	MaxAttempts int          `json:"max_attempts"`
	Dialer      DialerConfig `json:"dialer"`
}

// Follow-up defaults.
const (
	DefaultFollowUpSLA         = Duration(24 * time.Hour)
	DefaultFollowUpRetry       = Duration(2 * time.Hour)
	DefaultFollowUpMaxAttempts = 3
	MaxFollowUpAttempts        = 20
)

// withDefaults fills unset numbers with the shipped ones.
func (c FollowUpConfig) withDefaults() FollowUpConfig {
	if c.SLA <= 0 {
		c.SLA = DefaultFollowUpSLA
	}
	if c.RetryAfter <= 0 {
		c.RetryAfter = DefaultFollowUpRetry
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultFollowUpMaxAttempts
	}
	if c.Dialer.Timeout <= 0 {
		c.Dialer.Timeout = DefaultDialTimeout
	}
	return c
}

// FollowUpMode is how a follow-up node picks the template and the people (R-FU-3).
type FollowUpMode string

// Follow-up node modes.
const (
	FollowUpStandard FollowUpMode = "standard" // one record type and one set of people for all
	FollowUpRules    FollowUpMode = "rules"    // follow-up rules in priority order decide
)

// FollowUpPeople are who gets follow-up tasks (R-FU-4): named staff (the
// first one present gets the task), or rotation among a fixed team.
type FollowUpPeople struct {
	Staff []string `json:"staff,omitempty"`
	Team  string   `json:"team,omitempty"`
}

// Empty reports whether nobody is named.
func (p FollowUpPeople) Empty() bool { return len(p.Staff) == 0 && p.Team == "" }

// String says who in a few words ("team East (rotation)", "amy, bob").
func (p FollowUpPeople) String() string {
	switch {
	case p.Team != "":
		return "team " + p.Team + " (rotation)"
	case len(p.Staff) > 0:
		return strings.Join(p.Staff, ", ")
	}
	return "nobody (a team lead assigns)"
}

// FollowUpSettings configure a follow-up node (R-FU-3). nil is the standard
// follow-up with the first evaluation record type and no people (tasks wait
// unassigned for a team lead).
type FollowUpSettings struct {
	Mode FollowUpMode `json:"mode"`
	// Type is the Service Evaluation record type whose layout is the
	// follow-up form (standard mode; rules name their own).
	Type   string         `json:"type,omitempty"`
	People FollowUpPeople `json:"people,omitzero"`
	// Buttons are the agent's call buttons in the company's own words
	// (seed 002 §6.2 "Buttons: customizable"); empty keeps the default.
	Buttons FollowUpButtons `json:"buttons,omitzero"`
}

// FollowUpButtons are the labels of the call outcomes and the form's save.
type FollowUpButtons struct {
	Reached     string `json:"reached,omitempty"`
	NoAnswer    string `json:"no_answer,omitempty"`
	Busy        string `json:"busy,omitempty"`
	WrongNumber string `json:"wrong_number,omitempty"`
	CallBack    string `json:"call_back,omitempty"`
	Save        string `json:"save,omitempty"`
}

// Fields are the buttons by name, each with a pointer to its label, for
// validation and editors.
func (b *FollowUpButtons) Fields() []struct {
	Name string
	V    *string
} {
	return []struct {
		Name string
		V    *string
	}{{"reached", &b.Reached}, {"no_answer", &b.NoAnswer}, {"busy", &b.Busy}, {"wrong_number", &b.WrongNumber}, {"call_back", &b.CallBack}, {"save", &b.Save}}
}

func (f *FollowUpSettings) validate(where string) ValidationErrors {
	var errs ValidationErrors
	f.Mode = FollowUpMode(strings.ToLower(strings.TrimSpace(string(f.Mode))))
	switch f.Mode {
	case "":
		f.Mode = FollowUpStandard
	case FollowUpStandard, FollowUpRules:
	default:
		errs = append(errs, Invalid(where+".mode", "Follow-up mode %q is unknown: use standard (one template and one set of people) or rules (follow-up rules decide).", f.Mode))
	}
	f.Type = strings.TrimSpace(f.Type)
	if f.Mode == FollowUpRules && (f.Type != "" || !f.People.Empty()) {
		errs = append(errs, Invalid(where+".people", "With rule-based follow-up each follow-up rule names its record type and people; leave them out of the node."))
	}
	errs = append(errs, f.People.normalize(where+".people")...)
	for _, b := range f.Buttons.Fields() {
		v, verr := oneLine(where+".buttons."+b.Name, "The "+strings.ReplaceAll(b.Name, "_", " ")+" button", *b.V, false, 24)
		if verr != nil {
			errs = append(errs, verr)
		}
		*b.V = v
	}
	return errs
}

func (p *FollowUpPeople) normalize(where string) ValidationErrors {
	var errs ValidationErrors
	var staff []string
	for _, s := range p.Staff {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(staff, s) {
			staff = append(staff, s)
		}
	}
	p.Staff = staff
	p.Team = strings.TrimSpace(p.Team)
	if p.Team != "" && len(p.Staff) > 0 {
		errs = append(errs, Invalid(where, "Name staff or a team, not both: staff get tasks in the order listed (the first present), a team shares them by rotation."))
	}
	return errs
}

func (f *FollowUpSettings) describe() string {
	if f.Mode == FollowUpRules {
		return "follow-up rules decide"
	}
	t := f.Type
	if t == "" {
		t = "first record type"
	}
	return fmt.Sprintf("follow-up (%s) by %s", t, f.People)
}

// --- teams and absence (R-FU-4)

// FollowUpTeam is a fixed team that shares follow-up tasks by rotation. Next
// is the rotation pointer: the index in Members of who gets the next task. It
// is stored with the team, so it survives restarts; admins move it.
// Lead is the team lead: leads (and admins) see every agent's queue and
// reassign tasks.
type FollowUpTeam struct {
	Name      string    `json:"name"`
	Lead      string    `json:"lead,omitempty"`
	Members   []string  `json:"members"`
	Next      int       `json:"next"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// NextUp is the member the pointer names.
func (t *FollowUpTeam) NextUp() string {
	if len(t.Members) == 0 {
		return ""
	}
	return t.Members[t.Next%len(t.Members)]
}

// Absence marks a staff member absent: rotation and named staff skip them.
type Absence struct {
	Login string    `json:"login"`
	Since time.Time `json:"since"`
	By    string    `json:"by"`
}

// --- follow-up tasks

// FollowUpStatus is where a follow-up task stands.
type FollowUpStatus string

// Task states.
const (
	FollowUpOpen   FollowUpStatus = "open"   // in a queue
	FollowUpDone   FollowUpStatus = "done"   // the customer was reached and the form saved
	FollowUpClosed FollowUpStatus = "closed" // given up: wrong number or the attempt limit
)

// Outcome is what a call came to (R-FU-5).
type Outcome string

// Call outcomes.
const (
	OutcomeReached     Outcome = "reached"
	OutcomeNoAnswer    Outcome = "no-answer"
	OutcomeBusy        Outcome = "busy"
	OutcomeWrongNumber Outcome = "wrong-number"
	OutcomeCallback    Outcome = "callback"
)

// AllOutcomes lists the outcomes in the console's order.
var AllOutcomes = []Outcome{OutcomeReached, OutcomeNoAnswer, OutcomeBusy, OutcomeWrongNumber, OutcomeCallback}

// ParseOutcome reads an outcome as typed ("no answer", "call-back" too).
func ParseOutcome(s string) (Outcome, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	k = strings.NewReplacer(" ", "-", "_", "-").Replace(k)
	switch k {
	case "noanswer":
		k = "no-answer"
	case "call-back", "callback", "call-back-later":
		k = "callback"
	case "wrong", "wrongnumber":
		k = "wrong-number"
	}
	if slices.Contains(AllOutcomes, Outcome(k)) {
		return Outcome(k), nil
	}
	return "", Invalid("outcome", "Outcome %q is unknown: use %s.", s, joinNames(AllOutcomes))
}

// failed reports whether an outcome counts against the attempt limit.
func (o Outcome) failed() bool { return o == OutcomeNoAnswer || o == OutcomeBusy }

// FollowUpAttempt is one call and its outcome.
type FollowUpAttempt struct {
	At      time.Time  `json:"at"`
	By      string     `json:"by"`
	Outcome Outcome    `json:"outcome"`
	Until   *time.Time `json:"until,omitempty"` // callback: the agreed time
	Note    string     `json:"note,omitempty"`
}

// FollowUpTask is one follow-up call to make about a work order (R-FU-3): who
// makes it, by when, with which form, and every attempt so far.
type FollowUpTask struct {
	ID          ID     `json:"id"`
	WorkOrderID ID     `json:"work_order_id"`
	Number      string `json:"number"`
	Subject     string `json:"subject"`
	RecordType  string `json:"record_type"`
	Customer    string `json:"customer"`
	Phone       string `json:"phone"`
	// Type is the Service Evaluation record type of the follow-up form (R-FU-2).
	Type     string `json:"type"`
	RuleID   ID     `json:"rule_id,omitempty"`
	RuleName string `json:"rule_name,omitempty"`
	Team     string `json:"team,omitempty"`
	// Agent is the login whose queue holds the task; "" waits for a lead.
	Agent  string         `json:"agent"`
	Status FollowUpStatus `json:"status"`
	// DueAt is the task's due time (the SLA; a callback's agreed time): past
	// it an open task is overdue.
	DueAt time.Time `json:"due_at"`
	// NotBefore, when set, holds the task back until then (a callback, a retry).
	NotBefore   *time.Time        `json:"not_before,omitempty"`
	Attempts    []FollowUpAttempt `json:"attempts"`
	MaxAttempts int               `json:"max_attempts"`
	Outcome     Outcome           `json:"outcome,omitempty"`
	// ClosedWhy says why a task closed without its calls: its work order left
	// the follow-up node (completed, timed out, terminated).
	ClosedWhy    string `json:"closed_why,omitempty"`
	EvaluationID ID     `json:"evaluation_id,omitempty"`
	// Buttons are the node's call-button labels when the task was made.
	Buttons   FollowUpButtons `json:"buttons,omitzero"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Version   uint64          `json:"version"`
}

// FollowUpQueueEntry is an open task as the queue indexes hold it: enough to
// order, count and hold back tasks without reading their records.
type FollowUpQueueEntry struct {
	ID    ID
	DueAt time.Time
	// NotBefore is the task's NotBefore (a callback or a retry), if any.
	NotBefore *time.Time
}

// Overdue reports whether the entry's task is past its due time at now.
func (e FollowUpQueueEntry) Overdue(now time.Time) bool { return now.After(e.DueAt) }

// Ready reports whether the entry's task may be called at now.
func (e FollowUpQueueEntry) Ready(now time.Time) bool {
	return e.NotBefore == nil || !now.Before(*e.NotBefore)
}

// Overdue reports whether an open task is past its due time at now.
func (t *FollowUpTask) Overdue(now time.Time) bool {
	return t.Status == FollowUpOpen && now.After(t.DueAt)
}

// Ready reports whether the task may be called at now (not held back).
func (t *FollowUpTask) Ready(now time.Time) bool {
	return t.Status == FollowUpOpen && (t.NotBefore == nil || !now.Before(*t.NotBefore))
}

// Failed counts the attempts that count against the limit.
func (t *FollowUpTask) Failed() int {
	n := 0
	for _, a := range t.Attempts {
		if a.Outcome.failed() {
			n++
		}
	}
	return n
}

// AttemptsLine says the previous attempts in a line ("no-answer 10:02, busy 12:15").
func (t *FollowUpTask) AttemptsLine(loc *time.Location) string {
	if len(t.Attempts) == 0 {
		return "none"
	}
	parts := make([]string, len(t.Attempts))
	for i, a := range t.Attempts {
		parts[i] = fmt.Sprintf("%s %s", a.Outcome, a.At.In(loc).Format("01-02 15:04"))
	}
	return strings.Join(parts, ", ")
}

// Matches reports whether the task mentions text (number, customer, phone,
// subject, agent), ignoring case.
func (t *FollowUpTask) Matches(text string) bool {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return true
	}
	for _, s := range []string{t.Number, t.Customer, t.Phone, t.Subject, t.Agent, t.RecordType} {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	return false
}

// ParseCallbackTime reads a callback time as people type it: "+2h" or "+1d"
// (from now), "15:00" (today in loc, or tomorrow when that has passed),
// "tomorrow 15:00", "2026-11-03 15:00" or "2026-11-03T15:00" in loc, or RFC 3339.
func ParseCallbackTime(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := Invalid("at", "%q is not a time: write e.g. 15:00, tomorrow 9:30, 2026-11-03 15:00 or +2h.", s)
	if rest, ok := strings.CutPrefix(strings.ToLower(s), "tomorrow"); ok {
		t, err := time.ParseInLocation("15:04", strings.TrimSpace(rest), loc)
		if err != nil {
			return time.Time{}, bad
		}
		n := now.In(loc).AddDate(0, 0, 1)
		return time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, loc), nil
	}
	if strings.HasPrefix(s, "+") {
		d, err := ParseDuration(s[1:])
		if err != nil || d <= 0 {
			return time.Time{}, bad
		}
		return now.Add(time.Duration(d)), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("15:04", s, loc); err == nil {
		n := now.In(loc)
		at := time.Date(n.Year(), n.Month(), n.Day(), t.Hour(), t.Minute(), 0, 0, loc)
		if !at.After(n) {
			at = at.AddDate(0, 0, 1)
		}
		return at, nil
	}
	return time.Time{}, bad
}
