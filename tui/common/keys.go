package common

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key binding of the console, in one place. Screens copy the
// bindings they use (a key.Binding is a value) and enable or disable their copies,
// so help is always generated from what actually applies.
type KeyMap struct {
	// Global.
	Quit      key.Binding // outside text fields
	ForceQuit key.Binding // everywhere, also inside text fields
	Help      key.Binding
	Back      key.Binding
	// Palette opens the command palette: go to a section, a work order, a
	// customer; switch the theme; recall a saved view.
	Palette key.Binding
	// Sections switch between the top-level screens from anywhere outside a
	// text field: Sections[0] is "1", Sections[9] is "0". The root names them (tui/sections.go) and
	// disables the digits no section uses.
	Sections [10]key.Binding

	// Moving around lists and documents.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Home     key.Binding
	End      key.Binding

	// Work-order list.
	Open         key.Binding
	New          key.Binding
	Search       key.Binding
	AcceptSearch key.Binding
	ClearSearch  key.Binding
	StatusFilter key.Binding
	NodeFilter   key.Binding
	ClearFilters key.Binding
	Sort         key.Binding
	Reverse      key.Binding
	Reload       key.Binding
	// ExportCSV saves the list as it is filtered and sorted as a CSV file.
	ExportCSV key.Binding
	// SaveView saves the list's filter and sort under a name; SavedViews
	// lists them (in the palette) to recall one.
	SaveView   key.Binding
	SavedViews key.Binding

	// Notification screens (they share Toggle and Edit with the rules screen).
	Left     key.Binding
	Right    key.Binding
	Channels key.Binding
	Retry    key.Binding
	SendTest key.Binding
	// ResetTemplate goes back to the shipped template (asks first).
	ResetTemplate key.Binding

	// Forms.
	NextField  key.Binding
	PrevField  key.Binding
	PrevChoice key.Binding
	NextChoice key.Binding
	Save       key.Binding

	// Dispatch board.
	Select      key.Binding
	SelectAll   key.Binding
	Assign      key.Binding
	RunDispatch key.Binding
	// Picker.
	Choose key.Binding

	// Dispatch rules.
	NewRule  key.Binding
	Edit     key.Binding
	Toggle   key.Binding
	MoveUp   key.Binding
	MoveDown key.Binding
	Test     key.Binding
	WhatIf   key.Binding
	Delete   key.Binding
	Confirm  key.Binding
	RunTest  key.Binding

	// Task inbox.
	PickEngineer key.Binding
	// Work-order actions on the detail screen.
	CompleteNode key.Binding
	Invite       key.Binding
	TaskForm     key.Binding
	// EditWorkOrder opens the edit form (R-WO-5); Terminate ends the work
	// order with a reason.
	EditWorkOrder key.Binding
	Terminate     key.Binding
	// SaveAttachment saves one of the work order's attachments where the
	// person is; StartFollowUp opens the follow-up node's task.
	SaveAttachment key.Binding
	StartFollowUp  key.Binding

	// Service reports (detail screen, report view and form).
	ViewReport      key.Binding
	FillReport      key.Binding
	CompleteService key.Binding
	InviteSign      key.Binding
	OlderVersion    key.Binding
	NewerVersion    key.Binding
	SavePDF         key.Binding

	// Intake (mail quarantine, mail log, mail rules, API keys).
	NextView     key.Binding
	PrevView     key.Binding
	Release      key.Binding
	ForceRelease key.Binding
	DryRun       key.Binding
	// MailSettings opens the mail settings form (admins).
	MailSettings key.Binding

	// Service evaluation (R-EVAL-2, R-EVAL-6): EvalQR opens the engineer's QR
	// screen from a work order; the QR screen skips, finishes or reminds.
	EvalQR     key.Binding
	EvalSkip   key.Binding
	EvalFinish key.Binding
	EvalRemind key.Binding
	// The ratings section: grouping, period, views.
	ReportBy     key.Binding
	ReportPeriod key.Binding
	EvalTypes    key.Binding
	EvalReport   key.Binding
	EvalRules    key.Binding
	ToggleGuests key.Binding
	ToggleUsers  key.Binding
	NewType      key.Binding

	// NextSection and PrevSection cycle through the sections the user sees,
	// also those beyond the tenth that have no digit (outside text fields).
	NextSection key.Binding
	PrevSection key.Binding
	// Users screen (admins): new user, change roles, disable or enable.
	NewUser       key.Binding
	EditRoles     key.Binding
	ToggleEnabled key.Binding
	// SSHKeys opens the selected user's SSH keys; LinkOSUser links them to an
	// OS user.
	SSHKeys    key.Binding
	LinkOSUser key.Binding
	// Follow-up (R-FU-5): the call queue, the call panel's outcomes, the form.
	NextCall    key.Binding
	CallTask    key.Binding
	Dial        key.Binding
	Reached     key.Binding
	NoAnswer    key.Binding
	Busy        key.Binding
	WrongNumber key.Binding
	CallBack    key.Binding
	AllQueues   key.Binding
	Reassign    key.Binding
	// FollowUpSettings opens the plug-in, teams and follow-up rules.
	FollowUpSettings key.Binding
}

// DefaultKeyMap returns the console's key bindings.
func DefaultKeyMap() KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	k := KeyMap{
		Quit:      b("q", "quit", "q", "ctrl+c"),
		ForceQuit: b("ctrl+c", "quit", "ctrl+c"),
		Help:      b("?", "help", "?"),
		Palette:   b(":", "go to…", ":"),
		Back:      b("esc", "back", "esc"),

		Up:       b("↑/k", "up", "up", "k"),
		Down:     b("↓/j", "down", "down", "j"),
		PageUp:   b("pgup/b", "page up", "pgup", "b", "ctrl+b"),
		PageDown: b("pgdn/f", "page down", "pgdown", "f", "ctrl+f", " "),
		Home:     b("g/home", "first", "g", "home"),
		End:      b("G/end", "last", "G", "end"),

		Open:         b("enter", "open", "enter"),
		New:          b("n", "new work order", "n"),
		Search:       b("/", "search", "/"),
		AcceptSearch: b("enter", "keep search", "enter"),
		ClearSearch:  b("esc", "clear search", "esc"),
		StatusFilter: b("s/S", "status filter", "s", "S"),
		NodeFilter:   b("p/P", "node filter", "p", "P"),
		ClearFilters: b("c", "clear filters", "c"),
		Sort:         b("o", "sort by", "o"),
		Reverse:      b("r", "reverse sort", "r"),
		ExportCSV:    b("x", "export CSV", "x"),
		SaveView:     b("v", "save view", "v"),
		SavedViews:   b("V", "saved views", "V"),
		Reload:       b("ctrl+r", "reload", "ctrl+r"),

		Left:     b("←/h", "left", "left", "h"),
		Right:    b("→/l", "right", "right", "l"),
		Channels: b("c", "channel settings", "c"),
		Retry:    b("r", "retry", "r"),
		SendTest: b("t", "send test", "t"),

		NextField:  b("tab", "next field", "tab"),
		PrevField:  b("shift+tab", "previous field", "shift+tab"),
		PrevChoice: b("←", "previous choice", "left"),
		NextChoice: b("→/space", "next choice", "right", " "),
		Save:       b("ctrl+s", "save", "ctrl+s"),

		Select:      b("space", "select", " "),
		SelectAll:   b("ctrl+a", "select all / none", "ctrl+a"),
		Assign:      b("a", "assign", "a"),
		RunDispatch: b("d", "dispatch now", "d"),
		Choose:      b("enter", "choose", "enter"),

		NewRule:  b("n", "new rule", "n"),
		Edit:     b("enter", "edit", "enter"),
		Toggle:   b("space", "enable/disable", " "),
		MoveUp:   b("K/shift+↑", "move up", "K", "shift+up"),
		MoveDown: b("J/shift+↓", "move down", "J", "shift+down"),
		Test:     b("t", "test on a work order", "t"),
		WhatIf:   b("w", "what if", "w"),
		Delete:   b("X/del", "delete", "X", "delete"),
		Confirm:  b("y", "yes", "y"),
		RunTest:  b("ctrl+t", "test now", "ctrl+t"),

		PickEngineer: b("e", "engineer", "e"),

		CompleteNode:    b("c", "complete node", "c"),
		Invite:          b("i", "invite account", "i"),
		TaskForm:        b("t", "task on behalf", "t"),
		EditWorkOrder:   b("E", "edit", "E"),
		Terminate:       b("T", "terminate", "T"),
		SaveAttachment:  b("a", "save attachment", "a"),
		StartFollowUp:   b("S", "start follow-up calls", "S"),
		ViewReport:      b("v", "report", "v"),
		FillReport:      b("f", "fill report", "f"),
		CompleteService: b("c", "complete service", "c"),
		InviteSign:      b("i", "invite to sign", "i"),
		OlderVersion:    b("[", "older version", "["),
		NewerVersion:    b("]", "newer version", "]"),
		SavePDF:         b("p", "save PDF", "p"),
		NextView:        b("tab", "next view", "tab"),
		PrevView:        b("shift+tab", "previous view", "shift+tab"),
		Release:         b("r", "release", "r"),
		ForceRelease:    b("F", "release as it is", "F"),
		DryRun:          b("d", "dry run", "d"),
		MailSettings:    b("s", "mail settings", "s"),
		ResetTemplate:   b("ctrl+x", "shipped template", "ctrl+x"),
		EvalQR:          b("e", "evaluation QR", "e"),
		EvalSkip:        b("s", "skip evaluation", "s"),
		EvalFinish:      b("f", "finish", "f"),
		EvalRemind:      b("r", "send reminder", "r"),

		ReportBy:     b("b/B", "group by", "b", "B"),
		ReportPeriod: b("p/P", "period", "p", "P"),
		EvalTypes:    b("t", "record types", "t"),
		EvalReport:   b("c", "CSAT report", "c"),
		EvalRules:    b("u", "evaluation rules", "u"),
		ToggleGuests: b("g", "guests may create", "g"),
		ToggleUsers:  b("m", "customers may create", "m"),
		NewType:      b("N", "new record type", "N"),

		NextSection:      b(">", "next section", ">"),
		PrevSection:      b("<", "previous section", "<"),
		NewUser:          b("n", "new user", "n"),
		EditRoles:        b("r", "roles", "r"),
		ToggleEnabled:    b("d", "disable/enable", "d"),
		SSHKeys:          b("s", "SSH keys", "s"),
		LinkOSUser:       b("o", "OS user link", "o"),
		NextCall:         b("n", "next call", "n"),
		CallTask:         b("enter", "call this one", "enter"),
		Dial:             b("d", "dial again", "d"),
		Reached:          b("r", "reached: fill the form", "r"),
		NoAnswer:         b("a", "no answer", "a"),
		Busy:             b("b", "busy", "b"),
		WrongNumber:      b("w", "wrong number", "w"),
		CallBack:         b("c", "call back at…", "c"),
		AllQueues:        b("t", "all agents / mine", "t"),
		Reassign:         b("R", "reassign", "R"),
		FollowUpSettings: b("s", "settings", "s"),
	}
	for i := range k.Sections {
		d := SectionDigit(i)
		k.Sections[i] = b(d, "section "+d, d)
	}
	return k
}

// Without returns b without keys; a screen that gives space a meaning of its own
// takes it out of the paging keys it copies.
func Without(b key.Binding, keys ...string) key.Binding {
	var kept []string
	for _, k := range b.Keys() {
		drop := false
		for _, x := range keys {
			drop = drop || k == x
		}
		if !drop {
			kept = append(kept, k)
		}
	}
	b.SetKeys(kept...)
	return b
}

// Backward reports whether a cycling key was pressed with shift ("S" cycles the
// status filter the other way from "s").
func Backward(k string) bool {
	return len(k) == 1 && k[0] >= 'A' && k[0] <= 'Z'
}

// SectionDigit is the key of the i-th section (0-based): "1"…"9", then "0".
func SectionDigit(i int) string {
	if i == 9 {
		return "0"
	}
	return string(rune('1' + i))
}
