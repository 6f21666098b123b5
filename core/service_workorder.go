package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// NewWorkOrder is the input of CreateWorkOrder (R-IN-1, R-IN-2).
type NewWorkOrder struct {
	Subject     string
	Description string
	RecordType  string   // default Repair
	Priority    Priority // default normal
	ContactID   ID
	Phone       string
	Email       string
	Region      string
	Address     string
	DeviceCode  string
	Channel     Channel // default internal
	DueAt       *time.Time
	// phoneCheck is the web form's phone verification (WorkOrder.PhoneCheck).
	phoneCheck string
}

// CreateWorkOrder validates in, numbers the work order, resolves its external owner
// (R-WO-4), places it at the dispatch node and records its first history events —
// all in one transaction.
func (s *Service) CreateWorkOrder(as Actor, in NewWorkOrder) (WorkOrder, error) {
	if as.Kind == SubmitterInternal {
		if err := require(as, "create work orders", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
			return WorkOrder{}, err
		}
	}
	if in.Channel == "" {
		in.Channel = ChannelInternal
	}
	var w WorkOrder
	now := s.Now()
	err := s.store.Update(func(tx Tx) error {
		var err error
		if w, err = s.insertWorkOrder(tx, as, in, now, nil); err != nil {
			return err
		}
		// A work order entering the dispatch node meets the automatic rules at once.
		if err := s.autoDispatchNew(tx, &w, now); err != nil {
			return err
		}
		if err := s.enqueueEvent(tx, NoticeSubmitted, &w); err != nil {
			return err
		}
		w.History, err = tx.Events(w.ID)
		return err
	})
	if err != nil {
		return WorkOrder{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return w, nil
}

// validateNewWorkOrder checks and normalizes in; every problem is reported at once.
func validateNewWorkOrder(in NewWorkOrder) (NewWorkOrder, ValidationErrors) {
	var errs ValidationErrors
	add := func(v *ValidationError) {
		if v != nil {
			errs = append(errs, v)
		}
	}
	var v *ValidationError
	in.Subject, v = oneLine("subject", "Subject", in.Subject, true, 200)
	add(v)
	in.Description, v = cleanText("description", "Description", in.Description, false, 10000)
	add(v)
	if strings.TrimSpace(in.RecordType) == "" {
		in.RecordType = DefaultRecordTypes[0]
	} else if t, ok := recordTypeNamed(in.RecordType); ok {
		in.RecordType = t
	} else {
		add(Invalid("type", "Record type %q is unknown: use one of %s.", in.RecordType, strings.Join(DefaultRecordTypes, ", ")))
	}
	if in.Priority == "" {
		in.Priority = PriorityNormal
	} else if p := Priority(strings.ToLower(strings.TrimSpace(string(in.Priority)))); slices.Contains(AllPriorities, p) {
		in.Priority = p
	} else {
		add(Invalid("priority", "Priority %q is unknown: use low, normal, high or urgent.", in.Priority))
	}
	if !slices.Contains(AllChannels, in.Channel) {
		names := make([]string, len(AllChannels))
		for i, c := range AllChannels {
			names[i] = string(c)
		}
		add(Invalid("channel", "Channel %q is unknown: use %s.", in.Channel, strings.Join(names, ", ")))
	}
	if p, err := NormalizePhone(in.Phone); err != nil {
		add(err.(*ValidationError))
	} else {
		in.Phone = p
	}
	if e, err := NormalizeEmail(in.Email); err != nil {
		add(err.(*ValidationError))
	} else {
		in.Email = e
	}
	in.Region, v = oneLine("region", "Region", in.Region, false, 60)
	add(v)
	in.Address, v = oneLine("address", "Address", in.Address, false, 300)
	add(v)
	in.DeviceCode, v = oneLine("device", "Device code", in.DeviceCode, false, 64)
	add(v)
	return in, errs
}

// recordTypeNamed finds a record type by name, ignoring case and spaces.
func recordTypeNamed(s string) (string, bool) {
	i := slices.IndexFunc(DefaultRecordTypes, func(t string) bool { return strings.EqualFold(t, strings.TrimSpace(s)) })
	if i < 0 {
		return "", false
	}
	return DefaultRecordTypes[i], true
}

// OrNone is s, or "none" when s is empty (history details).
func OrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// resolveOwner sets w's external owner from own (R-WO-4): it looks up the
// terminal users with the phone and email of the work order or its contact.
func resolveOwner(tx Tx, w *WorkOrder, own OwnerInput) error {
	phone, email := own.Phone, own.Email
	if c := own.Contact; c != nil {
		if phone == "" {
			phone = c.Phone
		}
		if email == "" {
			email = c.Email
		}
	}
	var err error
	if phone != "" {
		if own.ByPhone, err = tx.TerminalUsersByPhone(phone); err != nil {
			return err
		}
	}
	if email != "" {
		if own.ByEmail, err = tx.TerminalUsersByEmail(email); err != nil {
			return err
		}
	}
	res := ResolveOwner(own)
	w.OutOwner, w.OutOwnerRule = res.OutOwner, res.Rule
	if res.Case > 0 {
		w.OutOwnerRule = fmt.Sprintf("R-WO-4 case %d: %s", res.Case, res.Rule)
	}
	return nil
}

// resolveOwnerOf resolves the external owner of an edited work order, as an
// internal user's work order (cases 2–5) with its contact, phone and email.
func resolveOwnerOf(tx Tx, w *WorkOrder, contact *Contact) error {
	return resolveOwner(tx, w, OwnerInput{Submitter: SubmitterInternal, Contact: contact, Phone: w.Phone, Email: w.Email})
}

// fillFromDevice gives a work order without a customer the account, region and
// address of its registered device; an unregistered code changes nothing.
func fillFromDevice(tx Tx, w *WorkOrder) error {
	code, err := NormalizeDeviceCode(w.DeviceCode)
	if err != nil {
		return nil
	}
	d, err := tx.Device(code)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil
	case err != nil:
		return err
	}
	if w.Address == "" {
		w.Address = d.Location
	}
	if d.AccountID == 0 {
		return nil
	}
	a, err := tx.Account(d.AccountID)
	switch {
	case errors.Is(err, ErrNotFound):
		w.AccountID, w.AccountName = d.AccountID, d.AccountName
		return nil
	case err != nil:
		return err
	}
	w.AccountID, w.AccountName = a.ID, a.Name
	if w.Region == "" {
		w.Region = a.Region
	}
	if w.Address == "" {
		w.Address = a.Address
	}
	return nil
}

// insertWorkOrder is the body shared by CreateWorkOrder and ImportWorkOrders.
// extra, when set, supplies fields and history for imported records.
func (s *Service) insertWorkOrder(tx Tx, as Actor, in NewWorkOrder, now time.Time, extra *ImportedWorkOrder) (WorkOrder, error) {
	in, errs := validateNewWorkOrder(in)
	var contact *Contact
	var account Account
	if in.ContactID != 0 {
		c, err := tx.Contact(in.ContactID)
		switch {
		case errors.Is(err, ErrNotFound):
			errs = append(errs, Invalid("contact", "There is no contact %d: find the contact's id with the phone lookup, or leave the contact empty.", in.ContactID))
		case err != nil:
			return WorkOrder{}, err
		default:
			contact = &c
			if c.AccountID != 0 {
				if account, err = tx.Account(c.AccountID); err != nil && !errors.Is(err, ErrNotFound) {
					return WorkOrder{}, err
				}
			}
		}
	}
	if err := errs.Err(); err != nil {
		return WorkOrder{}, err
	}
	if extra == nil {
		// Imports and the demo bring history as it was; new work orders obey
		// the record types of the creator's roles (seed 003 §1–2).
		if err := mayUseType(tx, as, in.Channel, in.RecordType); err != nil {
			return WorkOrder{}, err
		}
	}
	proc, err := sharedProcess(tx, in.RecordType)
	if err != nil {
		return WorkOrder{}, err
	}
	n, err := tx.NextWorkOrderNumber()
	if err != nil {
		return WorkOrder{}, err
	}
	first := proc.First()
	w := WorkOrder{
		Number: FormatNumber(n), Subject: in.Subject, Description: in.Description,
		RecordType: in.RecordType, Priority: in.Priority, Status: statusAtNode(first), Node: first,
		Channel: in.Channel, Phone: in.Phone, Email: in.Email, Region: in.Region,
		Address: in.Address, DeviceCode: in.DeviceCode, CreatedBy: as.Label(),
		CreatedAt: now, UpdatedAt: now, DueAt: in.DueAt, Version: 1, PhoneCheck: in.phoneCheck,
	}
	if contact != nil {
		w.ContactID, w.ContactName = contact.ID, contact.Name
		if w.Phone == "" && w.Email == "" {
			w.Phone, w.Email = contact.Phone, contact.Email
		}
		w.AccountID, w.AccountName = account.ID, account.Name
		if w.Region == "" {
			w.Region = account.Region
		}
		if w.Address == "" {
			w.Address = account.Address
		}
	}
	if w.AccountID == 0 && w.DeviceCode != "" {
		// A device knows whose it is and where it stands (R-IN-4): its account
		// and that account's region, so region rules match a sticker's work order.
		if err := fillFromDevice(tx, &w); err != nil {
			return WorkOrder{}, err
		}
	}
	own := OwnerInput{Submitter: as.Kind, TerminalUserID: as.TerminalUserID, Contact: contact, Phone: in.Phone, Email: in.Email}
	if as.Kind == "" {
		own.Submitter = SubmitterInternal
	}
	if err := resolveOwner(tx, &w, own); err != nil {
		return WorkOrder{}, err
	}

	events := []Event{
		{At: now, By: as.Label(), Channel: in.Channel, Kind: EventCreated, Detail: fmt.Sprintf("created %s (%s, %s priority) at the %s node", w.Number, w.RecordType, w.Priority, w.Node)},
		{At: now, By: "system", Channel: ChannelSystem, Kind: EventOwner, Detail: "external owner: " + ownerText(w.OutOwner) + " — " + w.OutOwnerRule},
	}
	switch w.PhoneCheck {
	case PhoneVerified:
		events = append(events, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventOwner, Detail: fmt.Sprintf("phone %s verified with an SMS code (R-IN-8)", MaskAddress(w.Phone))})
	case PhoneUnverified:
		events = append(events, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventOwner, Detail: fmt.Sprintf("phone %s NOT verified: taken as a guest, matched to no customer (R-IN-8)", MaskAddress(w.Phone))})
	}
	if extra != nil {
		extra.apply(&w)
		events = append(events, extra.History...)
	} else {
		w.NodeDueAt = nodeDue(proc, w.Node, now)
	}
	if err := tx.PutWorkOrder(&w); err != nil {
		return WorkOrder{}, err
	}
	for _, e := range events {
		if err := tx.AppendEvent(w.ID, e); err != nil {
			return WorkOrder{}, err
		}
	}
	if extra == nil {
		// The work order enters its first node: its timer, automatic invitations.
		if err := s.afterMove(tx, &w, nodeMove{proc: proc, to: w.Node, enterNew: true}, now); err != nil {
			return WorkOrder{}, err
		}
	}
	if extra != nil && w.FieldOutDealUser != 0 && w.Status.Open() && w.AssignTime != nil {
		// An imported open assignment is in its engineer's inbox, as if dispatched here.
		if err := tx.PutTask(&Task{EngineerID: w.FieldOutDealUser, WorkOrderID: w.ID, Number: w.Number, Subject: w.Subject, Kind: "assigned",
			Detail: fmt.Sprintf("%s assigned to you (%s)", w.Number, w.AssignWay), At: *w.AssignTime}); err != nil {
			return WorkOrder{}, err
		}
	}
	w.History = events
	return w, nil
}

func ownerText(id ID) string {
	if id == 0 {
		return "none"
	}
	return fmt.Sprintf("terminal user %d", id)
}

// ImportedWorkOrder is a work order brought in whole — by the demo company or a
// data import — with a later state and history than a new one has.
type ImportedWorkOrder struct {
	NewWorkOrder
	// SubmittedBy is who submitted it: an internal user, a terminal user, a guest,
	// or a named system (Kind empty, e.g. the email mailbox). It sets created_by, the
	// first history event and the submitter branch of R-WO-4. The zero Actor stands
	// for the importing admin.
	SubmittedBy Actor
	CreatedAt   time.Time
	Status      Status
	Node        Node
	// Dispatch fields (R-WO-2), applied as given.
	AssignUser string
	AssignWay  string
	AssignTime *time.Time
	Provider   *Provider
	Engineer   *Engineer
	History    []Event
}

func (x *ImportedWorkOrder) apply(w *WorkOrder) {
	if x.Status != "" {
		w.Status = x.Status
	}
	if x.Node != "" {
		w.Node = x.Node
	}
	w.AssignUser, w.AssignWay, w.AssignTime = x.AssignUser, x.AssignWay, x.AssignTime
	if x.Provider != nil {
		w.FieldPartner, w.FieldFwssf = x.Provider.ID, x.Provider.ID
		w.FieldDownstreamOuterTenantName, w.FieldDownstreamOuterTenantID = x.Provider.Name, x.Provider.TenantID
	}
	if x.Engineer != nil {
		w.FieldOutDealUser, w.EngineerName = x.Engineer.ID, x.Engineer.Name
	}
	if len(x.History) > 0 {
		w.UpdatedAt = x.History[len(x.History)-1].At
		w.Version += uint64(len(x.History))
	}
}

// ImportWorkOrders writes many work orders in one transaction (all or none), for the
// demo company and data imports. Each gets the next number and a resolved owner.
// Only an admin may import: the admin vouches for the named submitters.
func (s *Service) ImportWorkOrders(as Actor, items []ImportedWorkOrder) ([]WorkOrder, error) {
	if err := require(as, "import work orders", RoleAdmin); err != nil {
		return nil, err
	}
	out := make([]WorkOrder, 0, len(items))
	err := s.store.Update(func(tx Tx) error {
		out = out[:0]
		for i := range items {
			it := &items[i]
			at := it.CreatedAt
			if at.IsZero() {
				at = s.Now()
			}
			if it.Channel == "" {
				it.Channel = ChannelInternal
			}
			by := it.SubmittedBy
			if by.Kind == "" && by.Name == "" {
				by = as
			}
			w, err := s.insertWorkOrder(tx, by, it.NewWorkOrder, at.UTC(), it)
			if err != nil {
				return fmt.Errorf("item %d (%q): %w", i+1, it.Subject, err)
			}
			w.History = nil
			out = append(out, w)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.broker.publish(Change{Kind: "work-order"})
	return out, nil
}

// WorkOrder reads one work order by number ("WO-000123" or "123") with its history.
func (s *Service) WorkOrder(number string) (WorkOrder, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	num := FormatNumber(n)
	var w WorkOrder
	err = s.store.View(func(tx Tx) error {
		var err error
		if w, err = tx.WorkOrderByNumber(num); err != nil {
			return err
		}
		w.History, err = tx.Events(w.ID)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return WorkOrder{}, NotFoundf("There is no work order %s: list work orders with `switchboard wo list`.", num)
	}
	return w, err
}

// ListWorkOrders returns one page of work-order rows for q.
func (s *Service) ListWorkOrders(q WorkOrderQuery) (WorkOrderPage, error) {
	if q.Status != "" && !slices.Contains(AllStatuses, q.Status) {
		return WorkOrderPage{}, Invalid("status", "Status %q is unknown: use new, assigned, in-progress, completed or terminated.", q.Status)
	}
	if q.Node != "" && !slices.Contains(AllNodes, q.Node) {
		return WorkOrderPage{}, Invalid("node", "Node %q is unknown: use dispatch, service, terminal-task, evaluation, follow-up, end or terminated.", q.Node)
	}
	if q.Offset < 0 || q.Limit < 0 {
		return WorkOrderPage{}, Invalid("limit", "Offset and limit cannot be negative.")
	}
	var p WorkOrderPage
	err := s.store.View(func(tx Tx) error {
		var err error
		p, err = tx.QueryWorkOrders(q)
		return err
	})
	return p, err
}

// Counts returns the number of work orders per status (for the console's header).
func (s *Service) CountWorkOrders() (int, error) {
	var n int
	err := s.store.View(func(tx Tx) error {
		var err error
		n, err = tx.CountWorkOrders()
		return err
	})
	return n, err
}

// WorkOrderPatch changes the editable fields of a work order (R-WO-5); nil
// means unchanged.
type WorkOrderPatch struct {
	Subject     *string
	Description *string
	Priority    *Priority
	Region      *string
	Address     *string
	// RecordType changes the process the work order follows from its next
	// node on; the node it is at stays.
	RecordType *string
	// ContactID changes the customer (0: none): the account follows the
	// contact, and the external owner is resolved again (R-WO-4).
	ContactID *ID
	Phone     *string
	Email     *string
	// DeviceCode is the device (asset) code.
	DeviceCode *string
	// DueAt sets the due time; ClearDue removes it.
	DueAt    *time.Time
	ClearDue bool
}

// Empty reports whether the patch changes nothing at all.
func (p WorkOrderPatch) Empty() bool {
	return p.Subject == nil && p.Description == nil && p.Priority == nil && p.Region == nil && p.Address == nil &&
		p.RecordType == nil && p.ContactID == nil && p.Phone == nil && p.Email == nil && p.DeviceCode == nil &&
		p.DueAt == nil && !p.ClearDue
}

// UpdateWorkOrder applies patch to the work order if it is still at version; if
// someone changed it since, it fails with a *ConflictError saying who and what.
func (s *Service) UpdateWorkOrder(as Actor, number string, version uint64, patch WorkOrderPatch) (WorkOrder, error) {
	if err := require(as, "edit work orders", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return WorkOrder{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	var w WorkOrder
	now := s.Now()
	err = s.store.Update(func(tx Tx) error {
		var err error
		w, _, err = s.patchWorkOrder(tx, as, ChannelInternal, FormatNumber(n), version, patch, now)
		return err
	})
	if err != nil {
		return WorkOrder{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return s.WorkOrder(w.Number)
}

// patchWorkOrder is UpdateWorkOrder's transaction body, shared with the API:
// it checks the version, applies the patch, and records one history event
// through channel ch. changed is false when the patch changed nothing.
func (s *Service) patchWorkOrder(tx Tx, as Actor, ch Channel, number string, version uint64, patch WorkOrderPatch, now time.Time) (w WorkOrder, changed bool, err error) {
	if w, err = loadForChange(tx, number, version); err != nil {
		return w, false, err
	}
	var changes []string
	var errs ValidationErrors
	setText := func(dst *string, p *string, field, label string, max int, multi bool) {
		if p == nil {
			return
		}
		var v string
		var verr *ValidationError
		if multi {
			v, verr = cleanText(field, label, *p, field == "subject", max)
		} else {
			v, verr = oneLine(field, label, *p, field == "subject", max)
		}
		if verr != nil {
			errs = append(errs, verr)
			return
		}
		if v != *dst {
			changes = append(changes, fmt.Sprintf("%s: %q → %q", field, *dst, v))
			*dst = v
		}
	}
	setText(&w.Subject, patch.Subject, "subject", "Subject", 200, false)
	setText(&w.Description, patch.Description, "description", "Description", 10000, true)
	setText(&w.Region, patch.Region, "region", "Region", 60, false)
	setText(&w.Address, patch.Address, "address", "Address", 300, false)
	setText(&w.DeviceCode, patch.DeviceCode, "device", "Device code", 64, false)
	if patch.RecordType != nil {
		if t, ok := recordTypeNamed(*patch.RecordType); !ok {
			errs = append(errs, Invalid("type", "Record type %q is unknown: use %s.", *patch.RecordType, strings.Join(DefaultRecordTypes, ", ")))
		} else if t != w.RecordType {
			if err := mayUseType(tx, as, ch, t); IsValidation(err) {
				errs = append(errs, err.(*ValidationError))
			} else if err != nil {
				return w, false, err
			}
			changes = append(changes, fmt.Sprintf("record type: %s → %s", w.RecordType, t))
			w.RecordType = t
		}
	}
	reowner := false
	if patch.Phone != nil {
		if p, err := NormalizePhone(*patch.Phone); err != nil {
			errs = append(errs, err.(*ValidationError))
		} else if p != w.Phone {
			changes = append(changes, fmt.Sprintf("phone: %q → %q", w.Phone, p))
			w.Phone, reowner = p, true
		}
	}
	if patch.Email != nil {
		if e, err := NormalizeEmail(*patch.Email); err != nil {
			errs = append(errs, err.(*ValidationError))
		} else if e != w.Email {
			changes = append(changes, fmt.Sprintf("email: %q → %q", w.Email, e))
			w.Email, reowner = e, true
		}
	}
	var contact *Contact
	if patch.ContactID != nil && *patch.ContactID != w.ContactID {
		if id := *patch.ContactID; id == 0 {
			changes = append(changes, fmt.Sprintf("contact: %s → none", OrNone(w.ContactName)))
			w.ContactID, w.ContactName, w.AccountID, w.AccountName = 0, "", 0, ""
			reowner = true
		} else if c, err := tx.Contact(id); errors.Is(err, ErrNotFound) {
			errs = append(errs, Invalid("contact", "There is no contact %d: find the contact's id with `switchboard contact list --search`.", id))
		} else if err != nil {
			return w, false, err
		} else {
			contact = &c
			changes = append(changes, fmt.Sprintf("contact: %s → %s", OrNone(w.ContactName), c.Name))
			w.ContactID, w.ContactName, w.AccountID, w.AccountName = c.ID, c.Name, 0, ""
			if c.AccountID != 0 {
				if a, err := tx.Account(c.AccountID); err == nil {
					w.AccountID, w.AccountName = a.ID, a.Name
				}
			}
			reowner = true
		}
	} else if w.ContactID != 0 && reowner {
		if c, err := tx.Contact(w.ContactID); err == nil {
			contact = &c
		}
	}
	switch {
	case patch.ClearDue && w.DueAt != nil:
		changes = append(changes, fmt.Sprintf("due: %s → none", w.DueAt.UTC().Format("2006-01-02 15:04 MST")))
		w.DueAt = nil
	case patch.DueAt != nil && (w.DueAt == nil || !w.DueAt.Equal(*patch.DueAt)):
		d := patch.DueAt.UTC().Truncate(time.Minute)
		was := "none"
		if w.DueAt != nil {
			was = w.DueAt.UTC().Format("2006-01-02 15:04 MST")
		}
		changes = append(changes, fmt.Sprintf("due: %s → %s", was, d.Format("2006-01-02 15:04 MST")))
		w.DueAt = &d
	}
	if patch.Priority != nil {
		p := Priority(strings.ToLower(string(*patch.Priority)))
		if !slices.Contains(AllPriorities, p) {
			errs = append(errs, Invalid("priority", "Priority %q is unknown: use low, normal, high or urgent.", *patch.Priority))
		} else if p != w.Priority {
			changes = append(changes, fmt.Sprintf("priority: %s → %s", w.Priority, p))
			w.Priority = p
		}
	}
	if err := errs.Err(); err != nil {
		return w, false, err
	}
	if len(changes) == 0 {
		return w, false, nil
	}
	if reowner && !strings.HasPrefix(w.OutOwnerRule, "R-WO-4 case 1") {
		// The customer changed: find the external owner again (R-WO-4). A
		// terminal user's own submission (case 1) stays theirs.
		before := w.OutOwner
		if err := resolveOwnerOf(tx, &w, contact); err != nil {
			return w, false, err
		}
		if w.OutOwner != before {
			changes = append(changes, fmt.Sprintf("external owner: %d → %d (%s)", before, w.OutOwner, w.OutOwnerRule))
		}
	}
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(&w); err != nil {
		return w, false, err
	}
	return w, true, tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ch, Kind: EventUpdated, Detail: strings.Join(changes, "; ")})
}

// loadForChange reads a work order inside a write transaction and checks that the
// caller's version is current (version 0 skips the check).
func loadForChange(tx Tx, number string, version uint64) (WorkOrder, error) {
	w, err := tx.WorkOrderByNumber(number)
	if errors.Is(err, ErrNotFound) {
		return w, NotFoundf("There is no work order %s.", number)
	}
	if err != nil {
		return w, err
	}
	if version != 0 && w.Version != version {
		last, err := lastChange(tx, w.ID)
		if err != nil {
			return w, err
		}
		return w, &ConflictError{Number: number, Have: version, Current: w.Version, By: last.By, What: last.Detail, Kind: last.Kind, At: last.At.Local().Format("15:04:05")}
	}
	return w, nil
}

// lastChange is the event that made a work order's latest change: a command's
// own event, not the system's notices that follow it (messages queued or
// delivered, the evaluation node's decision on arrival).
func lastChange(tx Tx, wo ID) (Event, error) {
	h, err := tx.Events(wo)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Event{}, err
	}
	if len(h) == 0 {
		return Event{}, nil
	}
	i := len(h) - 1
	for i > 0 && h[i].By == "system" && (h[i].Kind == EventNotified || h[i].Kind == EventEvaluationRequest) {
		i--
	}
	return h[i], nil
}

// autoDispatchNew runs automatic dispatch on a new work order that starts at the
// dispatch node (R-DISP-1, R-DISP-3: a process without one has no rules to run).
func (s *Service) autoDispatchNew(tx Tx, w *WorkOrder, now time.Time) error {
	if w.Node != NodeDispatch {
		return nil
	}
	d, err := s.newDispatcher(tx)
	if err != nil {
		return err
	}
	if _, err := d.dispatchOne(w, now); err != nil {
		return err
	}
	return d.flush()
}
