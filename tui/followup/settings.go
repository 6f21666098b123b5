package followup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// The settings view of the Follow-up section (s from the queue): the plug-in
// switch (R-FU-1), the limits and the call integration, the teams with their
// rotation pointers and who is absent (R-FU-4), and the follow-up rules in
// priority order (R-FU-3) — the console twins of `followup enable|disable|set|
// dialer|rotate|absent` and `rule … --kind followup`. Admins change all of it;
// team leads mark absences; an agent marks themselves absent; the rest is read
// only, with the service's reason in the footer.

// settingsData is what the view shows, read in one go.
type settingsData struct {
	cfg    core.FollowUpConfig
	teams  []core.FollowUpTeam
	absent map[string]bool
	rules  []core.Rule
	types  []core.EvaluationType
}

// settingsMsg carries settingsData back; done, when set, is the footer's
// confirmation of the change that preceded the read.
type settingsMsg struct {
	data settingsData
	done string
	err  error
}

func readSettings(svc *core.Service) (settingsData, error) {
	var d settingsData
	var err error
	if d.cfg, err = svc.FollowUpConfig(); err != nil {
		return d, err
	}
	if d.teams, err = svc.FollowUpTeams(); err != nil {
		return d, err
	}
	abs, err := svc.Absences()
	if err != nil {
		return d, err
	}
	d.absent = make(map[string]bool, len(abs))
	for _, a := range abs {
		d.absent[a.Login] = true
	}
	if d.rules, err = svc.Rules(core.RuleFollowUp); err != nil {
		return d, err
	}
	d.types, err = svc.EvaluationTypes()
	return d, err
}

func settingsCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		d, err := readSettings(svc)
		return settingsMsg{data: d, err: err}
	}
}

// changeCmd runs a change, then reads the settings again. A refusal comes
// back as err with the settings as they are.
func changeCmd(svc *core.Service, done string, fn func() error) tea.Cmd {
	return func() tea.Msg {
		if err := fn(); err != nil {
			d, _ := readSettings(svc)
			return settingsMsg{data: d, err: err}
		}
		d, err := readSettings(svc)
		return settingsMsg{data: d, done: done, err: err}
	}
}

// settingKind is what a row of the settings view is.
type settingKind int

const (
	setPlugin  settingKind = iota // the plug-in switch
	setLimits                     // SLA, retry delay, attempt limit
	setDialer                     // the call integration
	setMember                     // one member of a team
	setRule                       // one follow-up rule
	setAddRule                    // "+ new rule"
)

// settingRow is one row the cursor can be on.
type settingRow struct {
	kind         settingKind
	team, member int // setMember
	rule         int // setRule
}

type settingsKeys struct {
	up, down, back, toggle, edit, next, absent, add, del, confirm, moveUp, moveDown, reload key.Binding
	newTeam, editTeam                                                                       key.Binding
}

// settings is the settings view.
type settings struct {
	c          *common.Common
	lead       bool // a team lead or an admin: marks anyone absent
	keys       settingsKeys
	data       settingsData
	loaded     bool
	err        error
	rows       []settingRow
	cur        int
	saving     bool
	confirming bool      // delete the rule (or team) under the cursor?
	form       *editForm // an open form (limits, dialer, rule), or nil
}

// newSettings opens the settings for the acting user; lead is core's word
// (the queue's Lead) on whether they lead a team or are an admin.
func newSettings(c *common.Common, lead bool) *settings {
	km := c.Keys
	up, down := km.Up, km.Down
	back := km.Back
	back.SetHelp("esc", "back to the queue")
	toggle := km.Toggle
	toggle.SetHelp("space", "on/off")
	edit := km.Edit
	next := km.Choose
	next.SetHelp("enter", "next up")
	absent := key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "absent/back"))
	add := km.NewRule
	del := km.Delete
	newTeam := key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "new team"))
	editTeam := key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit team"))
	return &settings{c: c, lead: lead, keys: settingsKeys{up: up, down: down, back: back, toggle: toggle, edit: edit, next: next, absent: absent,
		add: add, del: del, confirm: km.Confirm, moveUp: km.MoveUp, moveDown: km.MoveDown, reload: km.Reload,
		newTeam: newTeam, editTeam: editTeam}}
}

func (s *settings) initCmd() tea.Cmd { return settingsCmd(s.c.Svc) }

// capturing is true while a form is open.
func (s *settings) capturing() bool { return s.form != nil }

func (s *settings) admin() bool {
	ok, _ := s.c.MayAdminister("change follow-up settings")
	return ok
}

// build lays out the rows from the data, keeping the cursor on the same row.
func (s *settings) build() {
	var keep settingRow
	if s.cur >= 0 && s.cur < len(s.rows) {
		keep = s.rows[s.cur]
	}
	s.rows = []settingRow{{kind: setPlugin}, {kind: setLimits}, {kind: setDialer}}
	for ti, t := range s.data.teams {
		for mi := range t.Members {
			s.rows = append(s.rows, settingRow{kind: setMember, team: ti, member: mi})
		}
	}
	for i := range s.data.rules {
		s.rows = append(s.rows, settingRow{kind: setRule, rule: i})
	}
	s.rows = append(s.rows, settingRow{kind: setAddRule})
	if i := slices.Index(s.rows, keep); i >= 0 {
		s.cur = i
	}
	s.cur = max(0, min(s.cur, len(s.rows)-1))
}

func (s *settings) row() settingRow {
	if s.cur >= 0 && s.cur < len(s.rows) {
		return s.rows[s.cur]
	}
	return settingRow{}
}

// update handles the view's messages; back is true when esc leaves it.
func (s *settings) update(msg tea.Msg) (cmd tea.Cmd, back bool) {
	switch msg := msg.(type) {
	case settingsMsg:
		s.saving = false
		s.loaded = true
		if msg.err != nil && msg.data.types == nil {
			s.err = msg.err
			return common.ErrorCmd(msg.err), false
		}
		s.err = nil
		s.data = msg.data
		s.build()
		if msg.err != nil {
			if s.form != nil {
				s.form.setErrors(msg.err)
			}
			return common.ErrorCmd(msg.err), false
		}
		s.form = nil
		if msg.done != "" {
			return common.StatusCmd(msg.done), false
		}
		return nil, false
	case common.FollowUpChangedMsg, common.RulesChangedMsg:
		if s.form == nil && !s.saving {
			return settingsCmd(s.c.Svc), false
		}
		return nil, false
	case tea.KeyMsg:
		if s.form != nil {
			return s.formKey(msg), false
		}
		return s.key(msg)
	}
	if s.form != nil {
		return s.form.update(msg), false
	}
	return nil, false
}

func (s *settings) formKey(msg tea.KeyMsg) tea.Cmd {
	cmd, act := s.form.key(msg)
	switch act {
	case editClose:
		s.form = nil
		return common.StatusCmd("Nothing saved.")
	case editSave:
		if s.saving {
			return nil
		}
		if cmd = s.form.save(); cmd != nil {
			s.saving = !s.form.failed
		}
	}
	return cmd
}

func (s *settings) key(msg tea.KeyMsg) (tea.Cmd, bool) {
	k := s.bindings()
	if s.confirming {
		s.confirming = false
		r := s.row()
		if !key.Matches(msg, k.confirm) || (r.kind != setRule && r.kind != setMember) {
			return common.StatusCmd("Nothing deleted."), false
		}
		if r.kind == setMember {
			name := s.data.teams[r.team].Name
			return s.change(fmt.Sprintf("Follow-up team %s deleted.", name), func() error { return s.c.Svc.DeleteFollowUpTeam(s.c.Actor, name) }), false
		}
		rule := s.data.rules[r.rule]
		return s.change(fmt.Sprintf("Follow-up rule %q deleted.", rule.Name), func() error { return s.c.Svc.DeleteRule(s.c.Actor, rule.ID) }), false
	}
	svc, as := s.c.Svc, s.c.Actor
	r := s.row()
	switch {
	case key.Matches(msg, k.back):
		return nil, true
	case key.Matches(msg, k.up):
		s.cur = max(0, s.cur-1)
	case key.Matches(msg, k.down):
		s.cur = max(0, min(len(s.rows)-1, s.cur+1))
	case key.Matches(msg, k.reload):
		return settingsCmd(svc), false
	case key.Matches(msg, k.edit) && r.kind == setPlugin:
		on := !s.data.cfg.Enabled
		done := "The follow-up plug-in is off: follow-up nodes pass and the queue is hidden."
		if on {
			done = "The follow-up plug-in is on: follow-up nodes make calls for the queue."
		}
		return s.change(done, func() error { _, err := svc.SetFollowUpEnabled(as, on); return err }), false
	case key.Matches(msg, k.edit) && r.kind == setLimits:
		s.form = s.limitsForm()
		return s.form.focusCmd(), false
	case key.Matches(msg, k.edit) && r.kind == setDialer:
		s.form = s.dialerForm()
		return s.form.focusCmd(), false
	case key.Matches(msg, k.next) && r.kind == setMember:
		t := s.data.teams[r.team]
		login := t.Members[r.member]
		return s.change(fmt.Sprintf("Team %s: %s gets the next task.", t.Name, login), func() error {
			_, err := svc.RotateFollowUpTeam(as, t.Name, login)
			return err
		}), false
	case key.Matches(msg, k.absent) && r.kind == setMember:
		login := s.data.teams[r.team].Members[r.member]
		absent := !s.data.absent[login]
		done := fmt.Sprintf("%s is back: rotation and named staff include them again.", login)
		if absent {
			done = fmt.Sprintf("%s is absent: rotation and named staff skip them.", login)
		}
		return s.change(done, func() error { return svc.SetAbsent(as, login, absent) }), false
	case key.Matches(msg, k.toggle) && r.kind == setRule:
		rule := s.data.rules[r.rule]
		on := !rule.Enabled
		return s.change(fmt.Sprintf("Follow-up rule %q is %s.", rule.Name, onOff(on)), func() error {
			_, err := svc.UpdateRule(as, rule.ID, core.RulePatch{Enabled: &on})
			return err
		}), false
	case (key.Matches(msg, k.moveUp) || key.Matches(msg, k.moveDown)) && r.kind == setRule:
		rule := s.data.rules[r.rule]
		to := r.rule + 1 // 1-based position after the move
		if key.Matches(msg, k.moveUp) {
			to--
		} else {
			to++
		}
		s.cur += to - 1 - r.rule
		return s.change(fmt.Sprintf("Follow-up rule %q is now tried at position %d.", rule.Name, to), func() error {
			_, err := svc.MoveRule(as, rule.ID, to)
			return err
		}), false
	case key.Matches(msg, k.del) && (r.kind == setRule || r.kind == setMember):
		s.confirming = true
	case key.Matches(msg, k.newTeam):
		s.form = s.teamForm(nil)
		return s.form.focusCmd(), false
	case key.Matches(msg, k.editTeam) && r.kind == setMember:
		t := s.data.teams[r.team]
		s.form = s.teamForm(&t)
		return s.form.focusCmd(), false
	case key.Matches(msg, k.edit) && r.kind == setRule:
		rule := s.data.rules[r.rule]
		s.form = s.ruleForm(&rule)
		return s.form.focusCmd(), false
	case key.Matches(msg, k.add), key.Matches(msg, k.edit) && r.kind == setAddRule:
		s.form = s.ruleForm(nil)
		return s.form.focusCmd(), false
	}
	return nil, false
}

// change runs fn through the service and reads the settings again.
func (s *settings) change(done string, fn func() error) tea.Cmd {
	if s.saving {
		return nil
	}
	s.saving = true
	return changeCmd(s.c.Svc, done, fn)
}

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// bindings are the keys that apply to the row under the cursor.
func (s *settings) bindings() settingsKeys {
	k := s.keys
	r := s.row()
	admin := s.admin()
	idle := s.loaded && !s.saving && s.form == nil
	lead := admin || s.lead
	k.toggle.SetEnabled(idle && admin && r.kind == setRule)
	switch r.kind {
	case setPlugin:
		k.edit.SetHelp("enter", "switch on/off")
	case setLimits, setDialer:
		k.edit.SetHelp("enter", "edit")
	case setRule:
		k.edit.SetHelp("enter", "edit rule")
	case setAddRule:
		k.edit.SetHelp("enter", "new rule")
	}
	k.edit.SetEnabled(idle && admin && r.kind != setMember)
	k.next.SetEnabled(idle && admin && r.kind == setMember)
	self := r.kind == setMember && s.data.teams[r.team].Members[r.member] == s.c.Actor.User.Login
	k.absent.SetEnabled(idle && r.kind == setMember && (lead || self))
	k.add.SetEnabled(idle && admin)
	k.del.SetEnabled(idle && admin && (r.kind == setRule || r.kind == setMember))
	if r.kind == setMember {
		k.del.SetHelp(s.keys.del.Help().Key, "delete team")
	} else {
		k.del.SetHelp(s.keys.del.Help().Key, "delete rule")
	}
	k.newTeam.SetEnabled(idle && admin)
	k.editTeam.SetEnabled(idle && admin && r.kind == setMember)
	k.moveUp.SetEnabled(idle && admin && r.kind == setRule && r.rule > 0)
	k.moveDown.SetEnabled(idle && admin && r.kind == setRule && r.rule < len(s.data.rules)-1)
	k.confirm.SetEnabled(s.confirming)
	return k
}

func (s *settings) shortHelp() []key.Binding {
	if s.form != nil {
		return s.form.help()
	}
	k := s.bindings()
	return []key.Binding{k.edit, k.toggle, k.next, k.absent, k.editTeam, k.moveUp, k.moveDown, k.add, k.del, k.back}
}

func (s *settings) fullHelp() [][]key.Binding {
	if s.form != nil {
		return [][]key.Binding{s.form.help()}
	}
	k := s.bindings()
	return [][]key.Binding{{k.up, k.down, k.back, k.reload}, {k.edit, k.toggle, k.next, k.absent}, {k.newTeam, k.editTeam, k.moveUp, k.moveDown, k.add, k.del}}
}

// view draws the settings, or the open form.
func (s *settings) view(width, height int) string {
	if s.form != nil {
		return s.form.view(width)
	}
	st := s.c.Styles
	lines := []string{common.Truncate(st.Title.Render("Follow-up settings")+st.Muted.Render(" — the plug-in, the call integration, teams and follow-up rules"), width)}
	if !s.loaded {
		return strings.Join(append(lines, st.Muted.Render("  loading…")), "\n")
	}
	if s.err != nil {
		return strings.Join(append(lines, "", st.Error.Render(common.Truncate("  "+s.err.Error(), width))), "\n")
	}
	cfg := s.data.cfg
	loc := s.c.Location()
	at := 0 // the line the cursor is on
	mark := func(i int, text string) string {
		if i == s.cur {
			at = len(lines)
			return st.SelectedRow.Render(common.Fit("> "+text[2:], width))
		}
		return common.Truncate(text, width)
	}
	line := func(i int, label, value string) string {
		return mark(i, "  "+common.Fit(label, 18)+" "+common.Clean(value))
	}
	plugin := "off — follow-up nodes pass; agents see a note instead of the queue"
	if cfg.Enabled {
		plugin = "on"
	}
	if cfg.ChangedAt != nil {
		plugin += fmt.Sprintf(" (changed by %s at %s)", cfg.ChangedBy, common.FormatTime(*cfg.ChangedAt, loc))
	}
	lines = append(lines, "", st.Section.Render("General"))
	lines = append(lines, line(0, "Plug-in", plugin))
	lines = append(lines, line(1, "Limits", fmt.Sprintf("due %s after the task is made · retry %s after no answer or busy · closed after %d failed calls", cfg.SLA, cfg.RetryAfter, cfg.MaxAttempts)))
	dialer := "none: agents dial by hand"
	if cfg.Dialer.Configured() {
		dialer = cfg.Dialer.String()
		if cfg.Dialer.Timeout != 0 {
			dialer += fmt.Sprintf(" (timeout %s)", cfg.Dialer.Timeout)
		}
	}
	lines = append(lines, line(2, "Call integration", dialer))

	lines = append(lines, "", common.Truncate(st.Section.Render("Teams")+st.Muted.Render(" — members take turns; enter makes one next up, a marks absent; N new team, e edits, X deletes"), width))
	if len(s.data.teams) == 0 {
		lines = append(lines, st.Muted.Render(common.Truncate("  No teams yet: N makes one (or `switchboard followup team add --name East --members amy,bob --lead amy`).", width)))
	}
	for i, r := range s.rows {
		if r.kind != setMember {
			continue
		}
		t := s.data.teams[r.team]
		login := t.Members[r.member]
		name := ""
		if r.member == 0 {
			name = t.Name
		}
		var marks []string
		if t.NextUp() == login {
			marks = append(marks, "next up")
		}
		if login == t.Lead {
			marks = append(marks, "lead")
		}
		if s.data.absent[login] {
			marks = append(marks, "absent")
		}
		lines = append(lines, line(i, name, common.Fit(login, 16)+" "+strings.Join(marks, " · ")))
	}

	lines = append(lines, "", common.Truncate(st.Section.Render("Follow-up rules")+st.Muted.Render(" — for rule-based follow-up nodes: the first rule that matches picks the form and the people"), width))
	head := "  " + common.Fit("#", 3) + " " + common.Fit("NAME", 20) + " " + common.Fit("ON", 3) + " " + common.Fit("CONDITION", 34) + " " + common.Fit("FORM", 12) + " PEOPLE"
	lines = append(lines, st.TableHeader.Render(common.Truncate(head, width)))
	for i, r := range s.rows {
		switch r.kind {
		case setRule:
			rule := s.data.rules[r.rule]
			people := core.FollowUpPeople{Staff: rule.FollowUpStaff, Team: rule.FollowUpTeam}
			text := "  " + common.Fit(fmt.Sprint(rule.Priority), 3) + " " + common.Fit(common.Clean(rule.Name), 20) + " " + common.Fit(onOff(rule.Enabled), 3) + " " +
				common.Fit(common.Clean(rule.When), 34) + " " + common.Fit(rule.EvalType, 12) + " " + people.String()
			if i != s.cur && !rule.Enabled {
				lines = append(lines, st.Disabled.Render(common.Truncate(text, width)))
			} else {
				lines = append(lines, mark(i, text))
			}
		case setAddRule:
			if i == s.cur {
				lines = append(lines, mark(i, "  + new rule"))
			} else {
				lines = append(lines, st.Muted.Render("  + new rule"))
			}
		}
	}
	switch r := s.row(); {
	case s.confirming && r.kind == setRule:
		lines = append(lines, "", st.Banner.Render(common.Truncate(fmt.Sprintf("Delete the follow-up rule %q? y deletes, any other key keeps it.", s.data.rules[r.rule].Name), width)))
	case s.confirming && r.kind == setMember:
		lines = append(lines, "", st.Banner.Render(common.Truncate(fmt.Sprintf("Delete the follow-up team %s? y deletes, any other key keeps it.", s.data.teams[r.team].Name), width)))
	}
	if !s.admin() {
		lines = append(lines, "")
		_, why := s.c.MayAdminister("change follow-up settings")
		also := " You may mark yourself absent (a on your row)."
		if s.lead {
			also = " As a team lead you mark absences (a)."
		}
		for _, l := range common.Wrap("Read only: "+why+also, width-2) {
			lines = append(lines, st.Muted.Render(l))
		}
	}
	// Longer than the screen: the title stays, the rest scrolls with the cursor.
	if len(lines) > height && height > 2 {
		from := max(1, min(at-height/2, len(lines)-height+1))
		lines = append(lines[:1], lines[from:from+height-1]...)
	}
	return strings.Join(lines, "\n")
}

// limitsForm edits the SLA, the retry delay and the attempt limit.
func (s *settings) limitsForm() *editForm {
	cfg := s.data.cfg
	f := newEditForm(s.c, "Follow-up limits")
	sla := f.text("sla", "Due after", cfg.SLA.String(), "e.g. 24h, 2d", 16, func(v string) string {
		return durationHint(v, "a new task is due this long after it is made; past it, it shows overdue")
	})
	retry := f.text("retry", "Retry after", cfg.RetryAfter.String(), "e.g. 2h", 16, func(v string) string {
		return durationHint(v, "no answer or busy: the task comes back this long after the call")
	})
	attempts := f.text("max_attempts", "Failed calls", fmt.Sprint(cfg.MaxAttempts), "1 to 20", 3, func(string) string {
		return "this many no-answers or busy lines close the task unreached"
	})
	svc, as := s.c.Svc, s.c.Actor
	f.save = func() tea.Cmd {
		var p core.FollowUpPatch
		var errs core.ValidationErrors
		if d, err := parseDuration("sla", "The due time", sla.Value()); err != nil {
			errs = append(errs, err)
		} else {
			p.SLA = &d
		}
		if d, err := parseDuration("retry", "The retry delay", retry.Value()); err != nil {
			errs = append(errs, err)
		} else {
			p.RetryAfter = &d
		}
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(attempts.Value()), &n); err != nil {
			errs = append(errs, core.Invalid("max_attempts", "The attempt limit %q is not a number.", attempts.Value()))
		} else {
			p.MaxAttempts = &n
		}
		if err := errs.Err(); err != nil {
			return f.fail(err)
		}
		return changeCmd(svc, "Follow-up limits saved: new tasks and calls follow them.", func() error {
			_, err := svc.SetFollowUpConfig(as, p)
			return err
		})
	}
	return f
}

// parseDuration reads a duration typed into field, saying what is wrong in
// the words of what the field is.
func parseDuration(field, what, v string) (core.Duration, *core.ValidationError) {
	d, err := core.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, core.Invalid(field, "%s %q is not a duration: write e.g. 90m, 24h or 2d.", what, strings.TrimSpace(v))
	}
	return d, nil
}

func durationHint(v, what string) string {
	if strings.TrimSpace(v) == "" {
		return what
	}
	if _, err := parseDuration("", "This", v); err != nil {
		return err.Message
	}
	return what
}

// dialerForm edits the call integration: a command template, a webhook, or
// none.
func (s *settings) dialerForm() *editForm {
	d := s.data.cfg.Dialer
	f := newEditForm(s.c, "Call integration")
	kinds := []string{"none: agents dial by hand", "a command (e.g. a SIP softphone)", "an HTTP click-to-call webhook"}
	pick := 0
	switch {
	case d.Command != "":
		pick = 1
	case d.Webhook != "":
		pick = 2
	}
	kind := f.choice("dialer", "Dial with", kinds, pick)
	target := f.text("target", "Command or URL", d.Command+d.Webhook, `linphonec -c "call {phone}"  ·  https://pbx.example.com/click-to-call`, 500, func(string) string {
		switch kind.pick {
		case 1:
			return "run without a shell; {phone} becomes the customer's number (digits and a leading +)"
		case 2:
			return `POSTed {"phone", "task", "agent"} as JSON`
		}
		return "nothing to give: the call panel shows the number to dial"
	})
	target.hidden = func() bool { return kind.pick == 0 }
	timeout := f.text("timeout", "Timeout", d.Timeout.String(), "default 10s", 8, func(v string) string {
		return durationHint(v, "a dial that takes longer is given up (1s to 5m)")
	})
	timeout.hidden = target.hidden
	svc, as := s.c.Svc, s.c.Actor
	f.save = func() tea.Cmd {
		var nd core.DialerConfig
		if kind.pick != 0 {
			if v := strings.TrimSpace(timeout.Value()); v != "" {
				t, err := parseDuration("timeout", "The timeout", v)
				if err != nil {
					return f.fail(err)
				}
				nd.Timeout = t
			}
			v := strings.TrimSpace(target.Value())
			if v == "" {
				return f.fail(core.Invalid("target", "Give the command or the webhook's URL, or choose none."))
			}
			if kind.pick == 1 {
				nd.Command = v
			} else {
				nd.Webhook = v
			}
		}
		done := "Call integration removed: agents dial by hand."
		if nd.Configured() {
			done = "Call integration saved: " + nd.String() + "."
		}
		return changeCmd(svc, done, func() error {
			_, err := svc.SetFollowUpConfig(as, core.FollowUpPatch{Dialer: &nd})
			return err
		})
	}
	return f
}

// teamForm adds (t nil) or changes a team: its lead and its members in
// rotation order. The name of a team being changed stays (it is how rules and
// nodes name it).
func (s *settings) teamForm(t *core.FollowUpTeam) *editForm {
	title := "New follow-up team"
	var name, lead, members string
	if t != nil {
		title = "Follow-up team " + t.Name
		name, lead, members = t.Name, t.Lead, strings.Join(t.Members, ", ")
	}
	f := newEditForm(s.c, title)
	if t == nil {
		f.text("name", "Name", "", "e.g. East", 40, func(string) string { return "how rules and follow-up nodes name the team" })
	}
	f.text("members", "Members", members, "logins of follow-up agents, in rotation order", 500, func(string) string {
		return "comma-separated, in the order they take turns; the pointer stays on the same person if they remain"
	})
	f.text("lead", "Lead", lead, "a login · empty: none", 64, func(string) string {
		return "the lead sees every agent's queue, reassigns tasks and marks absences"
	})
	svc, as := s.c.Svc, s.c.Actor
	f.save = func() tea.Cmd {
		team := core.FollowUpTeam{Name: name, Lead: f.value("lead")}
		if t == nil {
			team.Name = strings.TrimSpace(f.value("name"))
			if slices.ContainsFunc(s.data.teams, func(x core.FollowUpTeam) bool { return strings.EqualFold(x.Name, team.Name) }) {
				return f.fail(core.Invalid("name", "There is a team %s already: esc, then e on one of its members changes it.", team.Name))
			}
		}
		for _, l := range strings.Split(f.value("members"), ",") {
			if l = strings.TrimSpace(l); l != "" {
				team.Members = append(team.Members, l)
			}
		}
		done := fmt.Sprintf("Follow-up team %s saved.", strings.TrimSpace(team.Name))
		return changeCmd(svc, done, func() error {
			_, err := svc.SaveFollowUpTeam(as, team)
			return err
		})
	}
	return f
}

// ruleForm adds (r nil) or edits a follow-up rule: name, condition (compiled
// as typed), form (record type) and people (a team or named staff).
func (s *settings) ruleForm(r *core.Rule) *editForm {
	title := "New follow-up rule"
	var name, when, typ, team string
	var staff []string
	if r != nil {
		title = fmt.Sprintf("Follow-up rule %q (id %d)", r.Name, r.ID)
		name, when, typ, team, staff = r.Name, r.When, r.EvalType, r.FollowUpTeam, r.FollowUpStaff
	}
	f := newEditForm(s.c, title)
	f.text("name", "Name", name, "e.g. Maintenance survey", 100, func(string) string { return "" })
	f.text("when", "Work orders", when, `e.g. record_type == "Maintenance" && region == "East"`, 2000, func(v string) string {
		if strings.TrimSpace(v) == "" {
			return "a condition over the work-order JSON keys, as dispatch rules have: " + strings.Join(core.RuleFields()[:6], ", ") + ", …"
		}
		if _, err := core.CompileCondition(v); err != nil {
			return err.Error()
		}
		return "✓ compiles"
	})
	var types []string
	for _, t := range s.data.types {
		types = append(types, t.Name)
	}
	f.choice("type", "Form", types, max(0, slices.IndexFunc(types, func(t string) bool { return strings.EqualFold(t, typ) })))
	people := []string{}
	for _, t := range s.data.teams {
		people = append(people, "team "+t.Name+" (rotation)")
	}
	people = append(people, "named staff")
	pick := len(people) - 1 // named staff
	if r == nil && len(s.data.teams) > 0 {
		pick = 0 // a new rule: the first team
	}
	if team != "" {
		pick = max(0, slices.IndexFunc(s.data.teams, func(t core.FollowUpTeam) bool { return strings.EqualFold(t.Name, team) }))
	}
	// core files people problems under "people": the staff field when it
	// shows, else the banner.
	who := f.choice("team", "People", people, pick)
	staffIn := f.text("people", "  staff", strings.Join(staff, ", "), "logins of follow-up agents, comma-separated", 500, func(string) string {
		return "the first of them who is not absent gets each task"
	})
	staffIn.hidden = func() bool { return who.pick != len(people)-1 }
	svc, as := s.c.Svc, s.c.Actor
	f.save = func() tea.Cmd {
		n, w := f.value("name"), f.value("when")
		typ := ""
		if t := f.field("type"); t.pick < len(types) {
			typ = types[t.pick]
		}
		var team string
		staff := []string{}
		if who.pick < len(s.data.teams) {
			team = s.data.teams[who.pick].Name
		} else {
			for _, l := range strings.Split(staffIn.Value(), ",") {
				if l = strings.TrimSpace(l); l != "" {
					staff = append(staff, l)
				}
			}
		}
		if r == nil {
			return changeCmd(svc, fmt.Sprintf("Follow-up rule %q added at the lowest priority.", strings.TrimSpace(n)), func() error {
				_, err := svc.AddRule(as, core.NewRule{Kind: core.RuleFollowUp, Name: n, When: w, EvalType: typ, FollowUpTeam: team, FollowUpStaff: staff})
				return err
			})
		}
		id := r.ID
		patch := core.RulePatch{Name: &n, When: &w, EvalType: &typ}
		if team != "" {
			patch.FollowUpTeam = &team
		} else {
			patch.FollowUpStaff = staff
		}
		return changeCmd(svc, fmt.Sprintf("Follow-up rule %q saved.", strings.TrimSpace(n)), func() error {
			_, err := svc.UpdateRule(as, id, patch)
			return err
		})
	}
	return f
}
