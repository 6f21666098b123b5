package process

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// nodeSections are the settings only one kind of node has: one function per
// node kind, each returning its section of the form for the node being edited
// (f.node). Settings a new kind of node gets (an evaluation block, say) are one
// more function and one more entry here; the rest of the form — rows, keys,
// validation, saving — needs no change.
var nodeSections = map[core.Node]func(*form) section{
	core.NodeTerminalTask: (*form).taskSection,
	core.NodeEvaluation:   (*form).evaluationSection,
	core.NodeFollowUp:     (*form).followUpSection,
}

// evaluationSection is the evaluation node's settings (R-EVAL-2): a QR code
// the engineer shows (its record type, handler, labels, skip, single or many
// submissions, mandatory) or evaluation rules; the links' life.
func (f *form) evaluationSection() section {
	if f.node.Evaluation == nil {
		f.node.Evaluation = core.DefaultEvaluationSettings()
	}
	e := f.node.Evaluation
	s := section{title: "Evaluation"}
	add := func(r row) {
		r.action = -1
		s.rows = append(s.rows, r)
	}
	modes := []core.EvaluationMode{core.EvalModeQR, core.EvalModeRules}
	add(row{kind: rowChoice, label: "Method", field: "evaluation.mode", options: []string{"QR code", "rule-based"},
		chosen: func() int { return max(0, slices.Index(modes, e.Mode)) },
		choose: func(i int) {
			e.Mode = modes[i]
			if e.Mode == core.EvalModeRules {
				e.Mandatory = false // each rule says it
			}
		},
		hint: func() string {
			if e.Mode == core.EvalModeRules {
				return "evaluation rules decide, in priority order (Ratings, u; or `switchboard rule add --kind evaluation`)"
			}
			return "the engineer shows a QR code on site (e on the work order); customers scan and rate"
		}})
	if e.Mode != core.EvalModeRules {
		types := f.evalTypes
		if len(types) == 0 {
			types = []string{cmp.Or(e.Type, core.EvalTypeStandard)} // until the record types arrive
		}
		add(row{kind: rowChoice, label: "Record type", field: "evaluation.type", options: types,
			chosen: func() int {
				return max(0, slices.IndexFunc(types, func(t string) bool { return strings.EqualFold(t, e.Type) }))
			},
			choose: func(i int) { e.Type = types[i] },
			hint: func() string {
				return "the Service Evaluation record type whose layout the customer fills in (Ratings, t)"
			}})
		add(row{kind: rowText, label: "Handler", field: "evaluation.handler",
			input:  f.input("evaluation.handler", e.Handler, "a login · empty: the work order's engineer", 64),
			onText: func(v string) { e.Handler = strings.TrimSpace(v) },
			hint:   func() string { return "who shows the QR code and completes the node" }})
		add(row{kind: rowToggle, label: "Hide skip", field: "evaluation.hide_skip",
			on: func() bool { return e.HideSkip }, flip: func() { e.HideSkip = !e.HideSkip },
			hint: func() string { return "takes the skip button off the engineer's screen" }})
		add(row{kind: rowToggle, label: "One only", field: "evaluation.single",
			on: func() bool { return e.Single }, flip: func() { e.Single = !e.Single },
			hint: func() string {
				if e.Single {
					return "the QR code takes one submission"
				}
				return "off: several customers may rate one work order (R-EVAL-4)"
			}})
		add(row{kind: rowToggle, label: "Mandatory", field: "evaluation.mandatory",
			on: func() bool { return e.Mandatory }, flip: func() { e.Mandatory = !e.Mandatory },
			hint: func() string {
				return "the work order cannot move on until an evaluation arrives (a timeout still skips, R-EVAL-5)"
			}})
		add(row{kind: rowText, label: "QR grace", field: "evaluation.qr_grace",
			input: f.input("evaluation.qr_grace", graceText(e.QRGrace), "empty: stops when the node ends · e.g. 30m", 16),
			onText: func(v string) {
				if strings.TrimSpace(v) == "" {
					e.QRGrace = 0
				} else if d, err := core.ParseDuration(v); err == nil {
					e.QRGrace = d
				}
			},
			hint: func() string { return "how long the QR code still takes ratings after the node ends (0 to 24h)" }})
		for _, l := range []struct {
			label, field string
			v            *string
			ph           string
		}{
			{"Title", "title", &e.Labels.Title, "Scan to rate our service"},
			{"Skip label", "skip", &e.Labels.Skip, "Skip evaluation"},
			{"Finish label", "finish", &e.Labels.Finish, "Finish"},
			{"Submit label", "submit", &e.Labels.Submit, "Send"},
		} {
			v := l.v
			add(row{kind: rowText, label: l.label, field: "evaluation.labels." + l.field,
				input:  f.input("evaluation.labels."+l.field, *v, "empty: "+l.ph, 40),
				onText: func(s string) { *v = strings.TrimSpace(s) },
				hint:   func() string { return "custom wording on the engineer's screen and the customer's page" }})
		}
	}
	add(row{kind: rowText, label: "Links work", field: "evaluation.link_ttl",
		input: f.input("evaluation.link_ttl", e.LinkTTL.String(), "empty: 28d · e.g. 7d", 16),
		onText: func(v string) {
			d, err := core.ParseDuration(v)
			if err == nil {
				e.LinkTTL = d
			}
		},
		hint: func() string { return "how long evaluation links work (1h to 90d)" }})
	return s
}

// followUpSection is the follow-up node's settings (R-FU-3, R-FU-4): standard
// (one form and one set of people for every work order) or rule-based
// (follow-up rules decide).
func (f *form) followUpSection() section {
	if f.node.FollowUp == nil {
		f.node.FollowUp = &core.FollowUpSettings{Mode: core.FollowUpStandard}
	}
	fu := f.node.FollowUp
	if fu.Mode == "" {
		fu.Mode = core.FollowUpStandard
	}
	s := section{title: "Follow-up"}
	add := func(r row) {
		r.action = -1
		s.rows = append(s.rows, r)
	}
	modes := []core.FollowUpMode{core.FollowUpStandard, core.FollowUpRules}
	add(row{kind: rowChoice, label: "Mode", field: "followup.mode", options: []string{"standard", "rule-based"},
		chosen: func() int { return max(0, slices.Index(modes, fu.Mode)) },
		choose: func(i int) {
			if fu.Mode == modes[i] {
				return
			}
			if modes[i] == core.FollowUpRules {
				// Rules name their own form and people; keep these for a way back.
				kept := *fu
				f.lastFollowUp = &kept
				*fu = core.FollowUpSettings{Mode: core.FollowUpRules}
				return
			}
			*fu = core.FollowUpSettings{Mode: core.FollowUpStandard}
			if f.lastFollowUp != nil {
				fu.Type, fu.People = f.lastFollowUp.Type, f.lastFollowUp.People
			}
		},
		hint: func() string {
			if fu.Mode == core.FollowUpRules {
				return "follow-up rules decide, in priority order (Follow-up section, s → rules; or `switchboard rule add --kind followup`); no match: the node passes"
			}
			return "every work order gets the same follow-up form and people"
		}})
	if fu.Mode == core.FollowUpRules {
		add(row{kind: rowNote, note: common.Fit("", labelWidth) + "Each follow-up rule names its form (record type) and its people."})
		return s
	}
	types := f.evalTypes
	if len(types) == 0 {
		types = []string{cmp.Or(fu.Type, core.EvalTypeStandard)} // until the record types arrive
	}
	add(row{kind: rowChoice, label: "Form", field: "followup.type", options: types,
		chosen: func() int {
			return max(0, slices.IndexFunc(types, func(t string) bool { return strings.EqualFold(t, fu.Type) }))
		},
		choose: func(i int) { fu.Type = types[i] },
		hint: func() string {
			return "the Service Evaluation record type whose layout the agent fills in (R-FU-2; edit layouts under Ratings, t)"
		}})
	people := []string{"nobody: a team lead assigns"}
	for _, t := range f.teams {
		people = append(people, "team "+t+" (rotation)")
	}
	if fu.People.Team != "" && !slices.ContainsFunc(f.teams, func(t string) bool { return strings.EqualFold(t, fu.People.Team) }) {
		people = append(people, "team "+fu.People.Team+" (rotation)") // until the teams arrive, or one that is gone
	}
	people = append(people, "named staff")
	chosenPeople := func() int {
		switch {
		case fu.People.Team != "":
			return max(1, slices.IndexFunc(people, func(p string) bool { return strings.EqualFold(p, "team "+fu.People.Team+" (rotation)") }))
		case fu.People.Staff != nil:
			return len(people) - 1
		}
		return 0
	}
	add(row{kind: rowChoice, label: "People", field: "followup.people", options: people,
		chosen: chosenPeople,
		choose: func(i int) {
			switch {
			case i == 0:
				fu.People = core.FollowUpPeople{}
			case i == len(people)-1:
				fu.People = core.FollowUpPeople{Staff: []string{}}
			default:
				name := strings.TrimSuffix(strings.TrimPrefix(people[i], "team "), " (rotation)")
				fu.People = core.FollowUpPeople{Team: name}
			}
		},
		hint: func() string {
			switch {
			case fu.People.Team != "":
				return "the team's members take turns (the pointer is kept; absent members are skipped); teams: `switchboard followup team`"
			case fu.People.Staff != nil:
				return "the first of them who is not absent gets each task"
			}
			return "tasks wait unassigned until a team lead reassigns them"
		}})
	if fu.People.Staff != nil {
		add(row{kind: rowText, label: "  staff", field: "followup.people.staff",
			input: f.input("followup.people.staff", strings.Join(fu.People.Staff, ", "), "logins of follow-up agents, comma-separated", 500),
			onText: func(v string) {
				staff := []string{}
				for _, l := range strings.Split(v, ",") {
					if l = strings.TrimSpace(l); l != "" {
						staff = append(staff, l)
					}
				}
				fu.People.Staff = staff
			},
			hint: func() string { return f.staffHint(fu.People.Staff) }})
	}
	// The agent's call buttons in the company's words (seed 002 §6.2).
	defaults := map[string]string{"reached": "reached: fill the form", "no_answer": "no answer", "busy": "busy", "wrong_number": "wrong number", "call_back": "call back at…", "save": "save"}
	for _, b := range fu.Buttons.Fields() {
		v, field := b.V, "followup.buttons."+b.Name
		add(row{kind: rowText, label: "Button " + strings.ReplaceAll(b.Name, "_", " "), field: field,
			input:  f.input(field, *v, "empty: "+defaults[b.Name], 24),
			onText: func(s string) { *v = strings.TrimSpace(s) },
			hint:   func() string { return "the agent's button in your own words, on the call panel (Follow-up section)" }})
	}
	return s
}

// staffHint checks follow-up staff logins as they are typed.
func (f *form) staffHint(staff []string) string {
	if f.users == nil || len(staff) == 0 {
		return "e.g. amy, bob: the first one present gets the task"
	}
	for _, l := range staff {
		u, ok := f.users[strings.ToLower(l)]
		switch {
		case !ok:
			return fmt.Sprintf("there is no user %q", l)
		case u.Disabled:
			return fmt.Sprintf("%s is disabled", u.Login)
		case !u.Has(core.RoleFollowUp, core.RoleAdmin):
			return fmt.Sprintf("%s is not a follow-up agent", u.Login)
		}
	}
	return "✓ " + strings.Join(staff, ", ")
}

// timeoutSection is the node's timeout (R-FLOW-3, R-TASK-4), parsed as typed.
func (f *form) timeoutSection() section {
	s := section{title: "Timeout"}
	if f.node.Node == core.NodeDispatch {
		s.rows = append(s.rows, row{kind: rowNote, action: -1,
			note: "The dispatch node cannot time out: a work order leaves it only when an engineer is assigned."})
		return s
	}
	in := f.input("timeout", f.node.Timeout.String(), "none · e.g. 90m, 48h, 3d", 16)
	s.rows = append(s.rows, row{kind: rowText, label: "Timeout", field: "timeout", action: -1, input: in,
		onText: func(v string) {
			d, err := core.ParseDuration(v)
			if err != nil {
				f.timeoutErr = err.Error()
				return
			}
			f.timeoutErr = ""
			f.node.Timeout = d
		},
		hint: func() string {
			if f.timeoutErr != "" || f.errs["timeout"] != "" {
				return ""
			}
			if f.node.Timeout == 0 {
				return "none: the node waits until someone completes it"
			}
			return fmt.Sprintf("✓ %s after a work order arrives the node completes by itself: only the status changes, no data is submitted", f.node.Timeout)
		}})
	return s
}

// taskSection is the terminal-task node's settings (R-TASK-1, R-TASK-2).
func (f *form) taskSection() section {
	t := f.node.Task
	s := section{title: "Terminal task"}
	add := func(r row) {
		r.action = -1
		s.rows = append(s.rows, r)
	}
	modes := []core.TaskMode{core.TaskInvite, core.TaskOnBehalf}
	add(row{kind: rowChoice, label: "Mode", field: "task.mode", options: []string{"invite the account", "act on their behalf"},
		chosen: func() int { return max(0, slices.Index(modes, t.Mode)) },
		choose: func(i int) { t.Mode = modes[i] },
		hint: func() string {
			if t.Mode == core.TaskOnBehalf {
				return "staff fill the customer's form in the console (or `switchboard wo task`)"
			}
			return "the customer gets a link and fills the form on their phone"
		}})
	add(row{kind: rowText, label: "Processor", field: "task.processor",
		input:  f.input("task.processor", t.Processor, "a login · empty: the assigned engineer", 64),
		onText: func(v string) { t.Processor = strings.TrimSpace(v) },
		hint: func() string {
			login := strings.TrimSpace(t.Processor)
			switch {
			case login == "":
				return "empty: the work order's engineer handles the node"
			case f.usersErr != "":
				return "cannot check the login now: " + f.usersErr
			case f.users == nil:
				return ""
			}
			if u, ok := f.users[strings.ToLower(login)]; ok && !u.Disabled {
				roles := make([]string, len(u.Roles))
				for i, r := range u.Roles {
					roles[i] = string(r)
				}
				return fmt.Sprintf("✓ %s (%s)", u.Name, strings.Join(roles, ", "))
			}
			return ""
		}})
	add(row{kind: rowMulti, label: "Invite by", field: "task.methods", options: names(core.AllInviteMethods),
		isOn:   func(i int) bool { return slices.Contains(t.Methods, core.AllInviteMethods[i]) },
		flipAt: func(i int) { t.Methods = flipIn(t.Methods, core.AllInviteMethods[i], core.AllInviteMethods) },
		hint: func() string {
			return "what \"Invite account\" offers: a link to pass on, WeChat (the contact's terminal user), SMS (uses credits), email"
		}})
	add(row{kind: rowToggle, label: "Automatic", field: "task.auto_invite",
		on:   func() bool { return t.AutoInvite },
		flip: func() { t.AutoInvite = !t.AutoInvite },
		hint: func() string {
			if t.AutoInvite {
				return "invitations go out by every method above but a bare link when a work order reaches the node"
			}
			return "off: staff press \"Invite account\" on the work order and pick a method"
		}})
	add(row{kind: rowMulti, label: "Customer edits", field: "task.edit_fields", options: labels(core.TaskEditableFields),
		isOn:   func(i int) bool { return slices.Contains(t.EditFields, core.TaskEditableFields[i]) },
		flipAt: func(i int) { t.EditFields = flipIn(t.EditFields, core.TaskEditableFields[i], core.TaskEditableFields) },
		hint:   func() string { return "the work-order fields the customer's form shows and lets them change" }})
	toggleLabel, toggleField := "Create a device", "task.create.object"
	if len(f.objects) > 0 {
		toggleLabel, toggleField = "Create an object", "task.create.on"
	}
	add(row{kind: rowToggle, label: toggleLabel, field: toggleField,
		on: func() bool { return t.Create != nil },
		flip: func() {
			if t.Create != nil {
				f.lastCreate, t.Create = t.Create, nil
				return
			}
			t.Create = f.lastCreate
			if t.Create == nil {
				t.Create = &core.CreateObject{Object: "device", Fields: []string{core.TaskObjects["device"][0]}}
			}
		},
		hint: func() string {
			return "the customer's form can register a device (R-IN-4), or create another object, with the fields below"
		}})
	if c := t.Create; c != nil && len(f.objects) > 0 {
		// The object to create: a device, or an object type an admin defined.
		names := []string{"device"}
		for _, o := range f.objects {
			names = append(names, o.Name)
		}
		add(row{kind: rowChoice, label: "Object", field: "task.create.object", options: names,
			chosen: func() int { return max(0, slices.Index(names, c.Object)) },
			choose: func(i int) {
				if names[i] != c.Object {
					c.Object, c.Fields = names[i], nil
					if i == 0 {
						c.Fields = []string{core.TaskObjects["device"][0]}
					}
				}
			},
			hint: func() string {
				return "a device, or an object type (`switchboard object add`): every field of it is asked for"
			}})
	}
	if c := t.Create; c != nil && c.Object == "device" {
		fields := core.TaskObjects[c.Object]
		add(row{kind: rowMulti, label: "Device fields", field: "task.create.fields", options: labels(fields),
			isOn:   func(i int) bool { return i == 0 || slices.Contains(c.Fields, fields[i]) },
			flipAt: func(i int) { c.Fields = flipIn(c.Fields, fields[i], fields) },
			locked: func(i int) string {
				if i == 0 {
					return fmt.Sprintf("%s is always asked for: a new %s needs it.", core.FieldLabel(fields[0]), c.Object)
				}
				return ""
			},
			hint: func() string { return fmt.Sprintf("%s is always asked for", core.FieldLabel(fields[0])) }})
	}
	return s
}

// postActionSection lists the node's post-actions (R-FLOW-2, R-NOTE-2), each
// with its kind, event, channels and recipients, and a row that adds one.
func (f *form) postActionSection() section {
	s := section{title: "Post-actions: sent when the node completes (not on a timeout)"}
	if len(f.node.PostActions) == 0 {
		s.rows = append(s.rows, row{kind: rowNote, action: -1, note: "None: nothing is sent when this node completes."})
	}
	for k := range f.node.PostActions {
		s.rows = append(s.rows, f.postActionRows(k)...)
	}
	if !f.readOnly {
		s.rows = append(s.rows, row{kind: rowButton, label: "+ Add a post-action", action: -1, press: f.addAction,
			hint: func() string { return "an external notification (the event's templates) or an SMS notification" }})
	}
	return s
}

var postKinds = []core.PostActionKind{core.PostNotify, core.PostSMS}

// postActionRows are the rows of post-action k.
func (f *form) postActionRows(k int) []row {
	a := &f.node.PostActions[k]
	n := &a.Notice
	at := fmt.Sprintf("post_actions[%d].", k)
	var rows []row
	add := func(r row) {
		r.action = k
		rows = append(rows, r)
	}
	add(row{kind: rowChoice, label: fmt.Sprintf("Action %d", k+1), field: at + "kind", options: []string{"external notification", "SMS notification"},
		chosen: func() int { return max(0, slices.Index(postKinds, a.Kind)) },
		choose: func(i int) {
			if a.Kind == postKinds[i] {
				return
			}
			a.Kind = postKinds[i]
			if a.Kind == core.PostSMS {
				n.Channels = []core.NoticeChannel{core.NoticeSMS}
			} else {
				n.Channels = nil
			}
		},
		hint: func() string { return "X deletes this post-action" }})
	events := make([]string, len(core.AllNoticeEvents))
	for i, e := range core.AllNoticeEvents {
		events[i] = e.Title()
	}
	add(row{kind: rowChoice, label: "  event", field: at + "notice.event", options: events,
		chosen: func() int { return max(0, slices.Index(core.AllNoticeEvents, n.Event)) },
		choose: func(i int) { n.Event = core.AllNoticeEvents[i] },
		hint:   func() string { return "whose templates it sends (edit them under Notices, key 5)" }})
	if a.Kind == core.PostSMS {
		add(row{kind: rowNote, note: common.Fit("  channels", labelWidth) + "SMS only (uses SMS credits)"})
	} else {
		titles := make([]string, len(core.AllNoticeChannels))
		for i, c := range core.AllNoticeChannels {
			titles[i] = c.Title()
		}
		add(row{kind: rowMulti, label: "  channels", field: at + "notice.channels", options: titles,
			isOn:   func(i int) bool { return slices.Contains(n.Channels, core.AllNoticeChannels[i]) },
			flipAt: func(i int) { n.Channels = flipIn(n.Channels, core.AllNoticeChannels[i], core.AllNoticeChannels) },
			hint: func() string {
				if len(n.Channels) == 0 {
					return "none ticked: every channel whose preset is on, in the delivery policy's order"
				}
				return "the ticked channels, even where the event's preset is off"
			}})
	}
	kinds := []string{core.RecipientOwner, core.RecipientEngineer}
	add(row{kind: rowMulti, label: "  recipients", field: at + "notice.recipients", options: []string{"external owner", "engineer"},
		isOn: func(i int) bool {
			// No recipients at all means the external owner (core's default).
			return slices.ContainsFunc(n.Recipients, func(r core.RecipientSpec) bool { return r.Kind == kinds[i] }) ||
				(kinds[i] == core.RecipientOwner && len(n.Recipients) == 0)
		},
		locked: func(i int) string {
			others := slices.ContainsFunc(n.Recipients, func(r core.RecipientSpec) bool { return r.Kind != core.RecipientOwner })
			if kinds[i] == core.RecipientOwner && !others {
				return "The external owner gets it while nobody else is chosen: tick the engineer or type an address first."
			}
			return ""
		},
		flipAt: func(i int) {
			if j := slices.IndexFunc(n.Recipients, func(r core.RecipientSpec) bool { return r.Kind == kinds[i] }); j >= 0 {
				n.Recipients = slices.Delete(n.Recipients, j, j+1)
			} else {
				n.Recipients = append(n.Recipients, core.RecipientSpec{Kind: kinds[i]})
			}
		},
		hint: func() string { return "the work order's external owner (R-WO-4) and/or its engineer" }})
	explicit := func() int {
		return slices.IndexFunc(n.Recipients, func(r core.RecipientSpec) bool { return r.Kind == core.RecipientExplicit })
	}
	addr := ""
	if j := explicit(); j >= 0 {
		addr = n.Recipients[j].Address
	}
	add(row{kind: rowText, label: "  also to", field: at + "notice.address",
		input: f.input(at+"notice.address", addr, "a mobile number or an email address", 254),
		onText: func(v string) {
			v = strings.TrimSpace(v)
			j := explicit()
			switch {
			case j >= 0 && v == "":
				n.Recipients = slices.Delete(n.Recipients, j, j+1)
			case j >= 0:
				n.Recipients[j].Address = v
			case v != "":
				n.Recipients = append(n.Recipients, core.RecipientSpec{Kind: core.RecipientExplicit, Address: v})
			}
		},
		hint: func() string { return "an explicit recipient, besides those ticked above" }})
	if kept := keptSettings(n, explicit()); kept != "" {
		add(row{kind: rowNote, note: "  kept as they are: " + kept + " (change them with `switchboard process export|import`)"})
	}
	return rows
}

// keptSettings names the parts of a post-action the form shows but does not
// edit: staff and further explicit recipients, the delivery mode and template
// overrides. Saving the form keeps them.
func keptSettings(n *core.NoticeAction, explicit int) string {
	var parts []string
	for j, r := range n.Recipients {
		switch {
		case r.Kind == core.RecipientStaff:
			parts = append(parts, "staff "+r.Login)
		case r.Kind == core.RecipientExplicit && j != explicit:
			parts = append(parts, r.Address)
		}
	}
	if n.Mode != "" {
		parts = append(parts, "delivery "+n.Mode)
	}
	for _, c := range core.AllNoticeChannels {
		if _, ok := n.Templates[c]; ok {
			parts = append(parts, "own "+c.Title()+" template")
		}
	}
	return strings.Join(parts, ", ")
}

// addAction adds an external notification of the "completed" event to the
// external owner, and puts the cursor on it.
func (f *form) addAction() tea.Cmd {
	f.node.PostActions = append(f.node.PostActions, core.PostAction{Kind: core.PostNotify, Notice: core.NoticeAction{
		Event: core.NoticeCompleted, Recipients: []core.RecipientSpec{{Kind: core.RecipientOwner}}}})
	f.want = fmt.Sprintf("post_actions[%d].kind", len(f.node.PostActions)-1)
	return f.changed(true)
}

// deleteAction deletes post-action k from the form (ctrl+s saves it so).
func (f *form) deleteAction(k int) tea.Cmd {
	if k < 0 || k >= len(f.node.PostActions) {
		return nil
	}
	f.node.PostActions = slices.Delete(f.node.PostActions, k, k+1)
	for name := range f.inputs {
		if strings.HasPrefix(name, "post_actions[") {
			delete(f.inputs, name) // made again from the node, with the new numbers
		}
	}
	return tea.Batch(f.changed(true), common.StatusCmd(fmt.Sprintf("Post-action %d deleted from the form: ctrl+s saves the node so, esc keeps it.", k+1)))
}

// flipIn adds x to list or takes it out, keeping the order of all.
func flipIn[T comparable](list []T, x T, all []T) []T {
	if slices.Contains(list, x) {
		return slices.DeleteFunc(slices.Clone(list), func(y T) bool { return y == x })
	}
	var out []T
	for _, y := range all {
		if y == x || slices.Contains(list, y) {
			out = append(out, y)
		}
	}
	for _, y := range list { // anything not in all stays, at the end
		if !slices.Contains(all, y) {
			out = append(out, y)
		}
	}
	return out
}

func names[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func labels(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.ToLower(core.FieldLabel(k))
	}
	return out
}

// graceText is a QR grace as typed: empty for none.
func graceText(d core.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
