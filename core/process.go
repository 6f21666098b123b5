package core

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Process is the ordered list of nodes a work order of one record type moves
// through (R-FLOW-1). The end node is implicit: completing the last listed node
// completes the work order.
type Process struct {
	RecordType string        `json:"record_type"`
	Nodes      []ProcessNode `json:"nodes"`
}

// ProcessNode is one node of a process with its settings.
type ProcessNode struct {
	Node Node `json:"node"`
	// Timeout, when set, auto-completes the node that long after a work order
	// reaches it (R-FLOW-3, R-TASK-4): only the status changes.
	Timeout Duration `json:"timeout,omitempty"`
	// PostActions run when the node completes (R-FLOW-2, R-NOTE-2).
	PostActions []PostAction `json:"post_actions,omitempty"`
	// Task configures a terminal-task node (R-TASK-1, R-TASK-2).
	Task *TaskSettings `json:"task,omitempty"`
	// Evaluation configures an evaluation node (R-EVAL-2); nil: the default
	// QR-code evaluation.
	Evaluation *EvaluationSettings `json:"evaluation,omitempty"`
	// FollowUp configures a follow-up node (R-FU-3); nil: the standard
	// follow-up with the first evaluation record type and no named people.
	FollowUp *FollowUpSettings `json:"followup,omitempty"`
}

// PostActionKind names what a post-action does.
type PostActionKind string

// Post-action kinds (R-FLOW-2).
const (
	// PostNotify is an "external notification": the event's templates on the
	// chosen channels (or every enabled channel), to the chosen recipients.
	PostNotify PostActionKind = "external-notification"
	// PostSMS is an "SMS notification": the SMS channel only.
	PostSMS PostActionKind = "sms-notification"
)

// PostAction is a notification sent when a node completes. Notice holds its
// customisable parameters: the event whose templates it uses, channels,
// delivery mode, recipients and template overrides.
type PostAction struct {
	Kind   PostActionKind `json:"kind"`
	Notice NoticeAction   `json:"notice"`
}

// TaskMode says who fills a terminal task's form (R-TASK-1).
type TaskMode string

// Terminal-task modes.
const (
	TaskInvite   TaskMode = "invite"    // invite the account to handle it through a link
	TaskOnBehalf TaskMode = "on-behalf" // an internal user acts on the customer's behalf
)

// InviteMethod is a way of sending a terminal-task invitation (R-TASK-2).
type InviteMethod string

// Invitation methods.
const (
	InviteLink   InviteMethod = "link"
	InviteWeChat InviteMethod = "wechat"
	InviteSMS    InviteMethod = "sms"
	InviteEmail  InviteMethod = "email"
)

// AllInviteMethods lists the invitation methods in the manual's order.
var AllInviteMethods = []InviteMethod{InviteLink, InviteWeChat, InviteSMS, InviteEmail}

// ParseInviteMethod reads a method name as typed.
func ParseInviteMethod(s string) (InviteMethod, error) {
	m := InviteMethod(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(AllInviteMethods, m) {
		return m, nil
	}
	return "", Invalid("via", "Invitation method %q is unknown: use %s.", s, joinNames(AllInviteMethods))
}

// TaskSettings configure a terminal-task node (R-TASK-1, R-TASK-2).
type TaskSettings struct {
	Mode TaskMode `json:"mode"`
	// Processor is the login of the internal user who handles the node
	// (invites, or acts on the customer's behalf); empty: the assigned engineer.
	Processor string `json:"processor,omitempty"`
	// EditFields are the work-order fields the customer may edit (JSON keys).
	EditFields []string `json:"edit_fields,omitempty"`
	// Create, when set, lets the customer create an associated object.
	Create *CreateObject `json:"create,omitempty"`
	// Methods are the invitation methods offered by "Invite account".
	Methods []InviteMethod `json:"methods,omitempty"`
	// AutoInvite sends invitations by every method when the node is reached.
	AutoInvite bool `json:"auto_invite,omitempty"`
}

// CreateObject is an associated object a terminal task lets the customer create.
type CreateObject struct {
	Object string   `json:"object"` // "device"
	Fields []string `json:"fields"` // which of the object's fields the form shows
}

// TaskEditableFields are the work-order fields a terminal task may open for
// editing, by their JSON keys, in form order.
var TaskEditableFields = []string{"subject", "description", "phone", "email", "address", "region", "device_code"}

// TaskObjects are the associated objects a terminal task may create, with the
// fields each can show (the first is required).
var TaskObjects = map[string][]string{
	"device": {"code", "model", "location"},
}

// FieldLabel is how a work-order or object field reads on forms.
func FieldLabel(key string) string {
	switch key {
	case "device_code":
		return "Device code"
	case "code":
		return "Code"
	}
	if key == "" {
		return ""
	}
	return strings.ToUpper(key[:1]) + key[1:]
}

// Duration is a timeout as people write it: "90m", "48h", "3d" (days are 24h).
type Duration time.Duration

// ParseDuration reads "90m", "48h", "3d", "1d12h"; "" and "0" are no timeout.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return 0, nil
	}
	var days time.Duration
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.Atoi(s[:i])
		if err != nil || n < 0 {
			return 0, Invalid("timeout", "Timeout %q is not a duration: write e.g. 90m, 48h or 3d.", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		s = s[i+1:]
	}
	var rest time.Duration
	if s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			return 0, Invalid("timeout", "Timeout %q is not a duration: write e.g. 90m, 48h or 3d.", s)
		}
		rest = d
	}
	return Duration(days + rest), nil
}

// String writes the duration the way ParseDuration reads it ("3d", "1d2h", "90m").
func (d Duration) String() string {
	if d <= 0 {
		return ""
	}
	t := time.Duration(d)
	day := 24 * time.Hour
	var b strings.Builder
	if t >= day {
		fmt.Fprintf(&b, "%dd", t/day)
		t %= day
	}
	if t > 0 {
		s := t.String()
		if strings.HasSuffix(s, "m0s") {
			s = s[:len(s)-2]
		}
		if strings.HasSuffix(s, "h0m") {
			s = s[:len(s)-2]
		}
		b.WriteString(s)
	}
	return b.String()
}

// MarshalJSON writes the duration as a string ("48h").
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string ("48h", "3d").
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a timeout is a string like \"48h\" or \"3d\"")
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Limits on process settings.
const (
	MinNodeTimeout = time.Minute
	MaxNodeTimeout = 365 * 24 * time.Hour
)

// ConfigurableNodes are the nodes a process may list, in their usual order.
var ConfigurableNodes = []Node{NodeDispatch, NodeService, NodeTerminalTask, NodeEvaluation, NodeFollowUp}

// DefaultProcessNodes is the process every record type follows until an admin
// changes it.
func DefaultProcessNodes() []ProcessNode {
	return []ProcessNode{
		{Node: NodeDispatch},
		{Node: NodeService},
		{Node: NodeTerminalTask, Task: DefaultTaskSettings()},
		{Node: NodeEvaluation},
		{Node: NodeFollowUp},
	}
}

// DefaultTaskSettings: invite the account by link, manually, to confirm.
func DefaultTaskSettings() *TaskSettings {
	return &TaskSettings{Mode: TaskInvite, Methods: []InviteMethod{InviteLink}}
}

// Find returns the settings of node n in p.
func (p Process) Find(n Node) (ProcessNode, bool) {
	for _, x := range p.Nodes {
		if x.Node == n {
			return x, true
		}
	}
	return ProcessNode{}, false
}

// First is the node a new work order of this process starts at (the end node
// for an empty process, which validation refuses).
func (p Process) First() Node {
	if len(p.Nodes) == 0 {
		return NodeEnd
	}
	return p.Nodes[0].Node
}

// Next is the node after n: the end node after the last one; false when n is
// not in the process (a work order left at a node an admin has since removed
// moves to the end).
func (p Process) Next(n Node) (Node, bool) {
	for i, x := range p.Nodes {
		if x.Node == n {
			if i+1 < len(p.Nodes) {
				return p.Nodes[i+1].Node, true
			}
			return NodeEnd, true
		}
	}
	return NodeEnd, false
}

// Validate checks a process and normalises it (trimmed names, default task
// settings, sorted-free de-duplicated lists). Problems come back together, each
// naming the node.
func (p *Process) Validate() error {
	var errs ValidationErrors
	add := func(field, format string, a ...any) { errs = append(errs, Invalid(field, format, a...)) }
	i := slices.IndexFunc(DefaultRecordTypes, func(t string) bool { return strings.EqualFold(t, strings.TrimSpace(p.RecordType)) })
	if i < 0 {
		add("record_type", "Record type %q is unknown: use one of %s.", p.RecordType, strings.Join(DefaultRecordTypes, ", "))
	} else {
		p.RecordType = DefaultRecordTypes[i]
	}
	if n := len(p.Nodes); n > 0 && p.Nodes[n-1].Node == NodeEnd {
		p.Nodes = p.Nodes[:n-1] // the end node is implicit; accept it written out
	}
	if len(p.Nodes) == 0 {
		add("nodes", "The %s process has no nodes: list at least one of %s (the end node follows the last).", p.RecordType, joinNames(ConfigurableNodes))
	}
	seen := map[Node]int{}
	for i := range p.Nodes {
		n := &p.Nodes[i]
		n.Node = Node(strings.ToLower(strings.TrimSpace(string(n.Node))))
		where := fmt.Sprintf("nodes[%d]", i)
		if !slices.Contains(ConfigurableNodes, n.Node) {
			add(where, "Node %d (%q) is not a process node: use one of %s; the end node is implicit and termination is not a node you list.", i+1, n.Node, joinNames(ConfigurableNodes))
			continue
		}
		if j, dup := seen[n.Node]; dup {
			add(where, "The %s node is listed twice (positions %d and %d): a node appears once per process.", n.Node, j+1, i+1)
		}
		seen[n.Node] = i
		if t := time.Duration(n.Timeout); t != 0 && (t < MinNodeTimeout || t > MaxNodeTimeout) {
			add(where+".timeout", "The %s node's timeout %s is out of range: use between 1m and 365d, or none.", n.Node, n.Timeout)
		}
		if n.Node == NodeDispatch && n.Timeout != 0 {
			add(where+".timeout", "The dispatch node cannot time out: a work order leaves it only when an engineer is assigned.")
		}
		if n.Node == NodeTerminalTask {
			if n.Task == nil {
				n.Task = DefaultTaskSettings()
			}
			errs = append(errs, n.Task.validate(where+".task")...)
		} else if n.Task != nil {
			add(where+".task", "Task settings belong to the terminal-task node, not the %s node.", n.Node)
		}
		if n.Node == NodeEvaluation && n.Evaluation != nil {
			errs = append(errs, n.Evaluation.validate(where+".evaluation")...)
		} else if n.Evaluation != nil {
			add(where+".evaluation", "Evaluation settings belong to the evaluation node, not the %s node.", n.Node)
		}
		if n.Node == NodeFollowUp && n.FollowUp != nil {
			errs = append(errs, n.FollowUp.validate(where+".followup")...)
		} else if n.FollowUp != nil {
			add(where+".followup", "Follow-up settings belong to the follow-up node, not the %s node.", n.Node)
		}
		for k := range n.PostActions {
			errs = append(errs, n.PostActions[k].validate(fmt.Sprintf("%s.post_actions[%d]", where, k), n.Node)...)
		}
	}
	if d, ok := seen[NodeDispatch]; ok && d != 0 {
		add("nodes", "The dispatch node must come first: a work order is assigned before anything else happens to it.")
	}
	if s, ok := seen[NodeService]; ok {
		if d, ok := seen[NodeDispatch]; !ok || d > s {
			add("nodes", "The service node needs the dispatch node before it: someone has to assign the engineer who does the service.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (t *TaskSettings) validate(where string) ValidationErrors {
	var errs ValidationErrors
	add := func(field, format string, a ...any) { errs = append(errs, Invalid(field, format, a...)) }
	switch t.Mode {
	case "":
		t.Mode = TaskInvite
	case TaskInvite, TaskOnBehalf:
	default:
		add(where+".mode", "Task mode %q is unknown: use invite (the customer handles it through a link) or on-behalf (staff fill it in the console).", t.Mode)
	}
	t.Processor = strings.TrimSpace(t.Processor)
	var fields []string
	for _, f := range t.EditFields {
		f = strings.ToLower(strings.TrimSpace(f))
		if !slices.Contains(TaskEditableFields, f) {
			add(where+".edit_fields", "Field %q cannot be edited by a customer: choose from %s.", f, strings.Join(TaskEditableFields, ", "))
			continue
		}
		if !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	t.EditFields = fields
	if t.Create != nil {
		t.Create.Object = strings.ToLower(strings.TrimSpace(t.Create.Object))
		allowed, ok := TaskObjects[t.Create.Object]
		switch {
		case !ok && objectNameRE.MatchString(t.Create.Object):
			// An object type an admin defined: checked against the saved
			// types when the process is saved (checkTaskObject).
			for i, f := range t.Create.Fields {
				t.Create.Fields[i] = strings.ToLower(strings.TrimSpace(f))
			}
		case !ok:
			add(where+".create.object", "A terminal task cannot create %q: the associated object it can create is device, or an object type (`switchboard object list`).", t.Create.Object)
		default:
			var fs []string
			for _, f := range append([]string{allowed[0]}, t.Create.Fields...) {
				f = strings.ToLower(strings.TrimSpace(f))
				if !slices.Contains(allowed, f) {
					add(where+".create.fields", "A %s has no field %q: choose from %s.", t.Create.Object, f, strings.Join(allowed, ", "))
					continue
				}
				if !slices.Contains(fs, f) {
					fs = append(fs, f)
				}
			}
			t.Create.Fields = fs
		}
	}
	var methods []InviteMethod
	for _, m := range t.Methods {
		m2, err := ParseInviteMethod(string(m))
		if err != nil {
			add(where+".methods", "Invitation method %q is unknown: use %s.", m, joinNames(AllInviteMethods))
			continue
		}
		if !slices.Contains(methods, m2) {
			methods = append(methods, m2)
		}
	}
	t.Methods = methods
	if t.Mode == TaskInvite && len(t.Methods) == 0 {
		add(where+".methods", "A task that invites the account needs at least one invitation method: %s.", joinNames(AllInviteMethods))
	}
	if t.Mode == TaskOnBehalf && t.AutoInvite {
		add(where+".auto_invite", "Automatic invitation needs mode invite: with on-behalf, staff fill the task in the console.")
	}
	return errs
}

func (a *PostAction) validate(where string, node Node) ValidationErrors {
	var errs ValidationErrors
	add := func(field, format string, args ...any) { errs = append(errs, Invalid(field, format, args...)) }
	switch a.Kind {
	case PostNotify:
	case PostSMS:
		a.Notice.Channels = []NoticeChannel{NoticeSMS}
	default:
		add(where+".kind", "Post-action %q is unknown: use external-notification or sms-notification.", a.Kind)
	}
	if _, err := ParseNoticeEvent(string(a.Notice.Event)); err != nil {
		add(where+".notice.event", "The post-action on the %s node needs the event whose templates it sends: one of %s.", node, joinNames(AllNoticeEvents))
	}
	for _, ch := range a.Notice.Channels {
		if _, err := ParseNoticeChannel(string(ch)); err != nil {
			add(where+".notice.channels", "Channel %q is unknown: use %s.", ch, joinNames(AllNoticeChannels))
		}
	}
	if m := a.Notice.Mode; m != "" && m != PolicyFallback && m != PolicyAllAtOnce {
		add(where+".notice.mode", "Delivery mode %q is unknown: use fallback or all.", m)
	}
	for ch, t := range a.Notice.Templates {
		t = cleanTemplate(t)
		if err := checkTemplate(ch, &t); err != nil {
			add(where+".notice.templates."+string(ch), "%s", err.Error())
		}
		a.Notice.Templates[ch] = t
	}
	for _, r := range a.Notice.Recipients {
		switch r.Kind {
		case RecipientOwner, RecipientEngineer:
		case RecipientStaff:
			if strings.TrimSpace(r.Login) == "" {
				add(where+".notice.recipients", "A staff recipient needs a login.")
			}
		case RecipientExplicit:
			if strings.TrimSpace(r.Address) == "" {
				add(where+".notice.recipients", "An explicit recipient needs an address (a mobile number or an email address).")
			}
		default:
			add(where+".notice.recipients", "Recipient kind %q is unknown: use %s, %s, %s or %s.", r.Kind, RecipientOwner, RecipientEngineer, RecipientStaff, RecipientExplicit)
		}
	}
	return errs
}

// Timer is a stored node timeout: when At passes and the work order is still at
// Node, the node completes by itself (R-FLOW-3, R-TASK-4, R-EVAL-5).
type Timer struct {
	At        time.Time `json:"at"`
	WorkOrder ID        `json:"work_order"`
	Number    string    `json:"number"`
	Node      Node      `json:"node"`
	SetAt     time.Time `json:"set_at"`
}

// DescribeNode says in a few words what a node's settings do ("times out after
// 2d; 1 post-action; invite by link, sms (automatic)").
func DescribeNode(n ProcessNode) string {
	var parts []string
	if n.Timeout > 0 {
		parts = append(parts, "times out after "+n.Timeout.String())
	}
	if t := n.Task; t != nil {
		if t.Mode == TaskOnBehalf {
			parts = append(parts, "staff act on the customer's behalf")
		} else {
			s := "invite by " + joinNames(t.Methods)
			if t.AutoInvite {
				s += " (automatic)"
			}
			parts = append(parts, s)
		}
		if len(t.EditFields) > 0 {
			parts = append(parts, "customer edits "+strings.Join(t.EditFields, ", "))
		}
		if t.Create != nil {
			parts = append(parts, "customer may add a "+t.Create.Object)
		}
		if t.Processor != "" {
			parts = append(parts, "processor "+t.Processor)
		}
	}
	if n.Evaluation != nil {
		parts = append(parts, n.Evaluation.describe())
	}
	if n.FollowUp != nil {
		parts = append(parts, n.FollowUp.describe())
	}
	if k := len(n.PostActions); k > 0 {
		names := make([]string, k)
		for i, a := range n.PostActions {
			names[i] = string(a.Kind) + " (" + string(a.Notice.Event) + ")"
		}
		parts = append(parts, "then "+strings.Join(names, ", "))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, "; ")
}
