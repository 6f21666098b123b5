package core

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// NoticeTaskInvitation invites a terminal user to their task (R-TASK-2). It is
// not one of the manual's seven presets, but it has templates like them so an
// admin can word the WeChat, SMS and email invitations.
const NoticeTaskInvitation NoticeEvent = "task-invitation"

// TaskField is one field of a terminal-task form with its current value.
type TaskField struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
	Long  bool   `json:"long,omitempty"` // a multi-line text
}

// TaskInput is what the customer (or staff on their behalf) submits on a
// terminal task: values of the editable work-order fields, values of the
// associated object's fields, a comment, and the form's nonce.
type TaskInput struct {
	Nonce   string
	Comment string
	Fields  map[string]string // work-order JSON key → new value
	Object  map[string]string // associated object field → value
	// Photos the customer adds for the service report (at most
	// MaxTaskPhotos; issue 20.6).
	Photos []PhotoUpload
}

// PhotoUpload is one photo as uploaded.
type PhotoUpload struct {
	Name string
	Data []byte
}

// MaxTaskPhotos is how many photos one task form takes.
const MaxTaskPhotos = 3

// taskMaxLen is the longest value of each editable field.
var taskMaxLen = map[string]int{"subject": 200, "description": 10000, "address": 300, "region": 60, "device_code": 64, "model": 120, "location": 300, "code": 64}

// taskFields lists the editable fields of ts with w's current values.
func taskFields(ts *TaskSettings, w *WorkOrder) []TaskField {
	var out []TaskField
	for _, k := range ts.EditFields {
		out = append(out, TaskField{Key: k, Label: FieldLabel(k), Value: woField(w, k), Long: k == "description"})
	}
	return out
}

func woField(w *WorkOrder, key string) string {
	switch key {
	case "subject":
		return w.Subject
	case "description":
		return w.Description
	case "phone":
		return w.Phone
	case "email":
		return w.Email
	case "address":
		return w.Address
	case "region":
		return w.Region
	case "device_code":
		return w.DeviceCode
	}
	return ""
}

// setWOField validates v for key and sets it on w; it says whether it changed.
func setWOField(w *WorkOrder, key, v string) (bool, *ValidationError) {
	label := FieldLabel(key)
	var err *ValidationError
	switch key {
	case "description":
		v, err = cleanText(key, label, v, false, taskMaxLen[key])
	case "phone":
		p, e := NormalizePhone(v)
		if e != nil {
			return false, Invalid(key, "%s", e.Error())
		}
		v = p
	case "email":
		p, e := NormalizeEmail(v)
		if e != nil {
			return false, Invalid(key, "%s", e.Error())
		}
		v = p
	case "device_code":
		if strings.TrimSpace(v) != "" {
			c, e := NormalizeDeviceCode(v)
			if e != nil {
				return false, Invalid(key, "%s", e.Error())
			}
			v = c
		}
	default:
		v, err = oneLine(key, label, v, key == "subject", taskMaxLen[key])
	}
	if err != nil {
		return false, err
	}
	old := woField(w, key)
	if old == v {
		return false, nil
	}
	switch key {
	case "subject":
		w.Subject = v
	case "description":
		w.Description = v
	case "phone":
		w.Phone = v
	case "email":
		w.Email = v
	case "address":
		w.Address = v
	case "region":
		w.Region = v
	case "device_code":
		w.DeviceCode = v
	}
	return true, nil
}

// TaskView is what a terminal-task page (or the console's on-behalf form)
// shows: the work order read-only, then only what the node allows (R-TASK-3).
type TaskView struct {
	Number      string
	Subject     string
	Description string
	RecordType  string
	Status      Status
	Address     string
	DeviceCode  string
	AccountName string
	ContactName string
	Engineer    string
	ExpiresAt   *time.Time
	Version     uint64
	// Fields are the work-order fields the customer may edit.
	Fields []TaskField
	// Object names the associated object the customer may create ("device",
	// or an object type's name), with its fields (empty values);
	// ObjectLabel is an object type's label.
	Object       string
	ObjectLabel  string
	ObjectFields []TaskField
	Mode         TaskMode
}

func taskView(tx Tx, w *WorkOrder, ts *TaskSettings) (TaskView, error) {
	v := TaskView{Number: w.Number, Subject: w.Subject, Description: w.Description, RecordType: w.RecordType,
		Status: w.Status, Address: w.Address, DeviceCode: w.DeviceCode, AccountName: w.AccountName,
		ContactName: w.ContactName, Engineer: w.EngineerName, Version: w.Version, Mode: ts.Mode}
	v.Fields = taskFields(ts, w)
	if ts.Create != nil {
		v.Object = ts.Create.Object
		var custom *ObjectType
		if v.Object != "device" {
			types, err := readObjectTypes(tx)
			if err != nil {
				return v, err
			}
			if t, ok := findObjectType(types, v.Object); ok {
				custom, v.ObjectLabel = &t, t.Label
			}
		}
		for _, f := range ts.Create.Fields {
			label := FieldLabel(f)
			if custom != nil {
				for _, cf := range custom.Fields {
					if cf.Key == f {
						label = cf.Label
						if cf.Required {
							label += " *"
						}
					}
				}
			}
			v.ObjectFields = append(v.ObjectFields, TaskField{Key: f, Label: label})
		}
	}
	return v, nil
}

// taskSettingsAt returns the terminal-task settings of w's process; the error
// says plainly when w is not at a terminal-task node.
func taskSettingsAt(tx Tx, w *WorkOrder) (Process, *TaskSettings, error) {
	p, err := readProcess(tx, w.RecordType)
	if err != nil {
		return Process{}, nil, err
	}
	if !w.Status.Open() {
		return p, nil, Invalid("number", "%s is %s: there is nothing left for the customer to do.", w.Number, w.Status)
	}
	if w.Node != NodeTerminalTask {
		return p, nil, Invalid("number", "%s is at the %s node, not the terminal-task node: customers are invited when the work order reaches it.", w.Number, w.Node)
	}
	pn, ok := p.Find(NodeTerminalTask)
	if !ok || pn.Task == nil {
		pn.Task = DefaultTaskSettings()
	}
	return p, pn.Task, nil
}

// TaskFor returns the terminal task of a work order at its terminal-task node,
// as the console's on-behalf form and "Invite account" show it.
func (s *Service) TaskFor(number string) (TaskView, TaskSettings, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return TaskView{}, TaskSettings{}, err
	}
	var v TaskView
	var ts TaskSettings
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if err != nil {
			return err
		}
		_, t, err := taskSettingsAt(tx, &w)
		if err != nil {
			return err
		}
		v, ts = TaskView{}, *t
		v, err = taskView(tx, &w, t)
		return err
	})
	return v, ts, err
}

// --- invitations (R-TASK-2)

// Invitation is an issued terminal-task invitation.
type Invitation struct {
	Number    string    `json:"number"`
	Via       string    `json:"via"`
	Token     string    `json:"-"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	// Messages are the outbox messages queued for a WeChat, SMS or email
	// invitation (one may be "not sent", with its reason).
	Messages []Message `json:"messages,omitempty"`
}

// InviteByLink issues a single-use terminal-task link (InviteAccount by link).
func (s *Service) InviteByLink(as Actor, number string, ttl time.Duration) (Invitation, error) {
	return s.InviteAccount(as, number, InviteLink, ttl)
}

// InviteAccount is "Invite account" on a work order at its terminal-task node
// (R-TASK-2): it issues a single-use link valid for ttl (DefaultInviteTTL when
// zero) and, for WeChat, SMS or email, queues the invitation in the outbox to the
// work order's external owner. Only the node's configured methods are offered.
func (s *Service) InviteAccount(as Actor, number string, via InviteMethod, ttl time.Duration) (Invitation, error) {
	if err := require(as, "invite customers", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleEngineer); err != nil {
		return Invitation{}, err
	}
	if _, err := ParseInviteMethod(string(via)); err != nil {
		return Invitation{}, err
	}
	ttl, err := linkTTL(ttl)
	if err != nil {
		return Invitation{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return Invitation{}, err
	}
	now := s.Now()
	var inv Invitation
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), 0); err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "invite the customer of", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
			return err
		}
		_, ts, err := taskSettingsAt(tx, &w)
		if err != nil {
			return err
		}
		if ts.Mode == TaskOnBehalf {
			return Invalid("via", "The terminal task of %s work orders is set to act on the customer's behalf: fill it in the console (the work order's \"Task\" action) or with `switchboard wo task %s`.", w.RecordType, w.Number)
		}
		if !slices.Contains(ts.Methods, via) {
			return Invalid("via", "Inviting by %s is not one of this node's methods (%s): change the terminal-task node's settings to add it.", via, joinNames(ts.Methods))
		}
		if via != InviteLink {
			if on, err := channelOn(tx, NoticeChannel(via)); err != nil {
				return err
			} else if !on {
				return Invalid("via", "The %s channel is switched off: switch it on in Notices → Channels (or `switchboard notify channel set %s --enable`), or invite by link.", NoticeChannel(via).Title(), via)
			}
		}
		inv, err = s.invite(tx, as, &w, []InviteMethod{via}, ttl, now, "")
		return err
	})
	if err != nil {
		return Invitation{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return inv, nil
}

func channelOn(tx Tx, ch NoticeChannel) (bool, error) {
	cfg, err := readChannel(tx, ch)
	return cfg.Enabled, err
}

// invite issues one single-use task link for w and sends it by every method in
// via (a link alone is just issued), recording the invitation in w's history.
func (s *Service) invite(tx Tx, as Actor, w *WorkOrder, via []InviteMethod, ttl time.Duration, now time.Time, how string) (Invitation, error) {
	inv := Invitation{Number: w.Number, Via: joinNames(via), Token: NewToken(), ExpiresAt: now.Add(ttl)}
	exp := inv.ExpiresAt
	hash := HashToken(inv.Token)
	if err := tx.PutLink(&Link{Hash: hash, Purpose: PurposeTerminalTask, WorkOrder: w.ID, ExpiresAt: &exp, CreatedAt: now, CreatedBy: as.Label()}); err != nil {
		return inv, err
	}
	base, err := s.publicURL(tx)
	if err != nil {
		return inv, err
	}
	inv.URL = base + TaskPathPrefix + inv.Token
	sum := sha256.Sum256(hash)
	for _, m := range via {
		if m == InviteLink {
			continue
		}
		msgs, err := s.enqueueNotice(tx, NoticeAction{
			Event: NoticeTaskInvitation, Channels: []NoticeChannel{NoticeChannel(m)}, Mode: PolicyAllAtOnce,
			Values: map[string]string{"URL": inv.URL}, Once: "inv-" + hex.EncodeToString(sum[:6]),
		}, w)
		if err != nil {
			return inv, err
		}
		inv.Messages = append(inv.Messages, msgs...)
	}
	if how != "" {
		how += " "
	}
	detail := fmt.Sprintf("%sinvitation to the terminal task by %s (single-use link, expires %s)", how, inv.Via, exp.Format("2006-01-02 15:04 MST"))
	var off []string
	for _, m := range via {
		if m == InviteLink {
			continue
		}
		sent := false
		for _, msg := range inv.Messages {
			sent = sent || msg.Channel == NoticeChannel(m)
		}
		if !sent {
			off = append(off, NoticeChannel(m).Title())
		}
	}
	if len(off) > 0 {
		detail += fmt.Sprintf("; nothing went out by %s: the channel is switched off (Notices → Channels)", orList(off))
	}
	return inv, tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventInvitation, Detail: detail})
}

// linkTTL is how long an invitation link works: ttl, or DefaultInviteTTL when
// zero; between a minute and MaxInviteTTL.
func linkTTL(ttl time.Duration) (time.Duration, error) {
	if ttl == 0 {
		return DefaultInviteTTL, nil
	}
	if ttl < time.Minute || ttl > MaxInviteTTL {
		return 0, Invalid("ttl", "A link must work for between a minute and 90 days, not %s.", ttl)
	}
	return ttl, nil
}

// publicURL is the base address links are built on: the web listener of this
// process, else the saved public URL, else the default address.
func (s *Service) publicURL(tx Tx) (string, error) {
	if u := s.webURL.Load(); u != nil {
		return *u, nil
	}
	v, err := tx.Setting(settingPublicURL)
	if err != nil || len(v) == 0 {
		return "http://" + DefaultListen, err
	}
	return strings.TrimRight(string(v), "/"), nil
}

// InvitationStatus is one terminal-task link issued for a work order, as the
// console and `wo show` show it: open, used or expired.
type InvitationStatus struct {
	IssuedAt  time.Time  `json:"issued_at"`
	IssuedBy  string     `json:"issued_by"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
	State     string     `json:"state"` // open, used, expired, closed
	// Why says why a closed link no longer opens.
	Why string `json:"why,omitempty"`
}

// Invitations lists the terminal-task links issued for a work order, newest first.
func (s *Service) Invitations(number string) ([]InvitationStatus, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []InvitationStatus
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if err != nil {
			return err
		}
		ls, err := tx.LinksFor(w.ID)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, l := range ls {
			if l.Purpose != PurposeTerminalTask {
				continue
			}
			st := InvitationStatus{IssuedAt: l.CreatedAt, IssuedBy: l.CreatedBy, ExpiresAt: l.ExpiresAt, UsedAt: l.UsedAt, State: "open"}
			switch {
			case l.Uses > 0:
				st.State = "used"
			case l.ExpiresAt != nil && !now.Before(*l.ExpiresAt):
				st.State = "expired"
			case w.Status == StatusTerminated:
				// What the link answers: it opens only at the node (OpenTask).
				st.State, st.Why = "closed", "the work order was terminated"
			case w.Node != NodeTerminalTask:
				st.State, st.Why = "closed", "the work order has left the terminal-task node (now at "+string(w.Node)+")"
			}
			out = append(out, st)
		}
		slices.SortFunc(out, func(a, b InvitationStatus) int { return b.IssuedAt.Compare(a.IssuedAt) })
		return nil
	})
	return out, err
}

// --- completing the task (R-TASK-3)

// OpenTask reads the task a terminal-task token opens. It changes nothing.
func (s *Service) OpenTask(token string) (TaskView, error) {
	var v TaskView
	err := s.store.View(func(tx Tx) error {
		l, err := usableLink(tx, token, PurposeTerminalTask, s.Now())
		if err != nil {
			return err
		}
		w, err := tx.WorkOrder(l.WorkOrder)
		if err != nil {
			return err
		}
		_, ts, err := taskSettingsAt(tx, &w)
		if err != nil {
			return unusable("the work order has left the terminal-task node")
		}
		if v, err = taskView(tx, &w, ts); err != nil {
			return err
		}
		v.ExpiresAt = l.ExpiresAt
		return nil
	})
	return v, err
}

// CompleteTask records the customer's answer on the task a token opens — the
// allowed field edits, the associated object, a comment — uses the token up,
// completes the terminal-task node and returns the receipt. in.Nonce is the
// form's one-time value: submitting the same form twice returns the first receipt.
func (s *Service) CompleteTask(token string, in TaskInput) (Receipt, error) {
	nonceTok, nonceHash, ok := ParseToken(in.Nonce)
	if !ok {
		return Receipt{}, Invalid("nonce", "The form has expired; open the link again.")
	}
	var r Receipt
	var w WorkOrder
	err := s.store.Batch(func(tx Tx) error {
		now := s.Now()
		r, w = Receipt{}, WorkOrder{}
		if dup, err := existingReceipt(tx, nonceTok, nonceHash, now); err == nil {
			r = dup
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		l, err := usableLink(tx, token, PurposeTerminalTask, now)
		if err != nil {
			return err
		}
		if w, err = tx.WorkOrder(l.WorkOrder); err != nil {
			return err
		}
		p, ts, err := taskSettingsAt(tx, &w)
		if err != nil {
			return unusable("the work order has left the terminal-task node")
		}
		by := "terminal user (invited by link)"
		if w.OutOwner != 0 {
			if tu, err := tx.TerminalUser(w.OutOwner); err == nil {
				by = Actor{Kind: SubmitterTerminal, TerminalUserID: tu.ID, Name: tu.Name}.Label()
			}
		}
		if err := s.taskPhotos(tx, &w, in.Photos, by, now); err != nil {
			return err
		}
		if err := s.applyTask(tx, &w, p, ts, in, by, ChannelWeb, now); err != nil {
			return err
		}
		l.Uses++
		l.UsedAt = &now
		if err := tx.PutLink(&l); err != nil {
			return err
		}
		r = Receipt{Token: nonceTok, Number: w.Number, Subject: w.Subject, Status: w.Status, Task: true, At: now}
		return putReceipt(tx, nonceHash, w.ID, true, now)
	})
	if err != nil {
		return Receipt{}, err
	}
	if !r.Duplicate {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	}
	return r, nil
}

// CompleteTaskOnBehalf is "act on their behalf" (R-TASK-1): an internal user
// fills the customer's task form in the console; the same rules apply.
func (s *Service) CompleteTaskOnBehalf(as Actor, number string, version uint64, in TaskInput) (WorkOrder, error) {
	if err := require(as, "act on a customer's behalf", RoleAdmin, RoleDispatcher, RoleCallCenter, RoleEngineer); err != nil {
		return WorkOrder{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	now := s.Now()
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), version); err != nil {
			return err
		}
		if err := ownWorkOrder(as, &w, "act on the customer's behalf on", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
			return err
		}
		p, ts, err := taskSettingsAt(tx, &w)
		if err != nil {
			return err
		}
		if ts.Processor != "" && as.User.Login != ts.Processor && !as.User.Has(RoleAdmin) {
			return forbidden("The terminal task of %s work orders is processed by %s; ask them, or an admin.", w.RecordType, ts.Processor)
		}
		return s.applyTask(tx, &w, p, ts, in, as.Label()+" on the customer's behalf", ChannelInternal, now)
	})
	if err != nil {
		return WorkOrder{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return s.WorkOrder(w.Number)
}

// applyTask checks in against the node's settings, applies the field edits,
// creates the associated object, records it all and completes the node.
func (s *Service) applyTask(tx Tx, w *WorkOrder, p Process, ts *TaskSettings, in TaskInput, by string, ch Channel, now time.Time) error {
	var errs ValidationErrors
	comment, verr := cleanText("comment", "Comment", in.Comment, false, 2000)
	if verr != nil {
		errs = append(errs, verr)
	}
	var changes []string
	for k, v := range in.Fields {
		if !slices.Contains(ts.EditFields, k) {
			errs = append(errs, Invalid(k, "The field %s cannot be changed on this task.", FieldLabel(k)))
			continue
		}
		old := woField(w, k)
		changed, verr := setWOField(w, k, v)
		if verr != nil {
			errs = append(errs, verr)
		} else if changed {
			changes = append(changes, fmt.Sprintf("%s %q → %q", k, old, woField(w, k)))
		}
	}
	slices.Sort(changes)
	var dev *Device
	var obj *WorkOrderObject
	if ts.Create != nil && in.Object != nil && ts.Create.Object != "device" {
		types, err := readObjectTypes(tx)
		if err != nil {
			return err
		}
		t, ok := findObjectType(types, ts.Create.Object)
		if !ok {
			return fmt.Errorf("the terminal task creates %q objects, which are no longer defined", ts.Create.Object)
		}
		o, verrs := taskObject(t, ts.Create, in.Object, by, now)
		errs = append(errs, verrs...)
		obj = o
	} else if ts.Create != nil && in.Object != nil {
		d, verrs := taskDevice(tx, ts.Create, in.Object, w, by, now)
		errs = append(errs, verrs...)
		dev = d
	} else if len(in.Object) > 0 {
		errs = append(errs, Invalid("object", "This task does not create records."))
	}
	if len(errs) > 0 {
		return errs
	}
	if dev != nil {
		if err := tx.PutDevice(dev); err != nil {
			return err
		}
	}
	if obj != nil {
		w.Objects = append(w.Objects, *obj)
	}
	m := moveOn(p, w, now)
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	detail := "the terminal task was completed"
	if len(changes) > 0 {
		detail += "; changed " + strings.Join(changes, ", ")
	}
	if dev != nil {
		detail += fmt.Sprintf("; created device %s", dev.Code)
		if dev.Model != "" {
			detail += " (" + dev.Model + ")"
		}
	}
	if obj != nil {
		detail += "; created " + obj.Summary()
	}
	if comment != "" {
		detail += ": " + comment
	}
	detail += fmt.Sprintf(" → %s", m.to)
	if err := tx.AppendEvent(w.ID, Event{At: now, By: by, Channel: ch, Kind: EventTerminalTask, Detail: detail}); err != nil {
		return err
	}
	return s.afterMove(tx, w, m, now)
}

// taskDevice builds the device a terminal task creates (nil when the customer
// left every device field empty: creating one is optional).
func taskDevice(tx Tx, c *CreateObject, vals map[string]string, w *WorkOrder, by string, now time.Time) (*Device, ValidationErrors) {
	var errs ValidationErrors
	empty := true
	for k, v := range vals {
		if !slices.Contains(c.Fields, k) {
			errs = append(errs, Invalid("object."+k, "A new %s has no field %s here.", c.Object, FieldLabel(k)))
		}
		if strings.TrimSpace(v) != "" {
			empty = false
		}
	}
	if empty || len(errs) > 0 {
		return nil, errs
	}
	code, err := NormalizeDeviceCode(vals["code"])
	if err != nil {
		return nil, ValidationErrors{Invalid("object.code", "%s", err.Error())}
	}
	if _, err := tx.Device(code); err == nil {
		return nil, ValidationErrors{Invalid("object.code", "Device %s is already registered: check the code on its label.", code)}
	}
	model, v1 := oneLine("object.model", "Model", vals["model"], false, taskMaxLen["model"])
	loc, v2 := oneLine("object.location", "Location", vals["location"], false, taskMaxLen["location"])
	for _, v := range []*ValidationError{v1, v2} {
		if v != nil {
			errs = append(errs, v)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &Device{Code: code, Model: model, AccountID: w.AccountID, AccountName: w.AccountName, Location: loc, CreatedAt: now, CreatedBy: by}, nil
}

// --- status links

// StatusLinkTTL is how long a work order's status link in a notification works.
const StatusLinkTTL = 180 * 24 * time.Hour

// statusLink issues a read-only, multi-use link to w's status page, for
// notifications whose #URL# has no page of its own (submitted, completed,
// terminated).
func (s *Service) statusLink(tx Tx, w *WorkOrder, now time.Time) (string, error) {
	tok := NewToken()
	exp := now.Add(StatusLinkTTL)
	if err := tx.PutLink(&Link{Hash: HashToken(tok), Purpose: PurposeStatus, WorkOrder: w.ID, ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: "notification"}); err != nil {
		return "", err
	}
	base, err := s.publicURL(tx)
	if err != nil {
		return "", err
	}
	return base + StatusPathPrefix + tok, nil
}

// StatusView is what a work order's status page shows a customer: no internal
// notes, only where their work order stands.
type StatusView struct {
	Number     string
	Subject    string
	RecordType string
	Status     Status
	Node       Node
	Engineer   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// OpenStatus reads the status page a status token opens. It changes nothing.
func (s *Service) OpenStatus(token string) (StatusView, error) {
	var v StatusView
	err := s.store.View(func(tx Tx) error {
		l, err := usableLink(tx, token, PurposeStatus, s.Now())
		if err != nil {
			return err
		}
		w, err := tx.WorkOrder(l.WorkOrder)
		if err != nil {
			return unusable("work order gone")
		}
		v = StatusView{Number: w.Number, Subject: w.Subject, RecordType: w.RecordType, Status: w.Status, Node: w.Node,
			Engineer: w.EngineerName, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
		return nil
	})
	return v, err
}

// taskPhotos keeps the photos a customer sent with their task, for the
// service report, checked like an engineer's.
func (s *Service) taskPhotos(tx Tx, w *WorkOrder, photos []PhotoUpload, by string, now time.Time) error {
	if len(photos) == 0 {
		return nil
	}
	if len(photos) > MaxTaskPhotos {
		return Invalid("photos", "Send at most %d photos.", MaxTaskPhotos)
	}
	all, err := tx.Attachments(w.ID)
	if err != nil {
		return err
	}
	count := 0
	for _, a := range all {
		if a.Source == PhotoSource {
			count++
		}
	}
	var names []string
	for _, p := range photos {
		name := filepath.Base(strings.TrimSpace(p.Name))
		if name == "" || name == "." || name == "/" {
			name = "photo"
		}
		name, verr := oneLine("photos", "The file name", name, true, 200)
		if verr != nil {
			return verr
		}
		ct, _, _, err := CheckPhoto(name, p.Data)
		if err != nil {
			return Invalid("photos", "%s", strings.TrimSuffix(err.Error(), "."))
		}
		if count >= MaxPhotosPerWO {
			return Invalid("photos", "This work order has all the photos it can hold (%d).", MaxPhotosPerWO)
		}
		sum := sha256.Sum256(p.Data)
		a := Attachment{WorkOrderID: w.ID, Filename: name, ContentType: ct, Size: int64(len(p.Data)), SHA256: hex.EncodeToString(sum[:]), At: now, Source: PhotoSource}
		if err := tx.PutAttachment(&a, p.Data); err != nil {
			return err
		}
		count++
		names = append(names, name)
	}
	return tx.AppendEvent(w.ID, Event{At: now, By: by, Channel: ChannelWeb, Kind: EventUpdated,
		Detail: "photos added by the customer for the service report: " + strings.Join(names, ", ")})
}
