// Package intake is the console's intake section (R-IN-5, R-IN-6): the mail
// quarantine (messages that could not be read, with their raw bytes, to release
// or delete), the mail log (everything received and what became of it), the
// mail rules in priority order, and the integration API's keys.
package intake

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// view is one of the section's lists, switched with tab.
type view int

const (
	viewQuarantine view = iota
	viewLog
	viewRules
	viewKeys
	viewImport
	viewCount
)

var viewTitles = [viewCount]string{"Quarantine", "Mail log", "Mail rules", "API keys", "Import CSV"}

// mode is what the section is doing besides listing.
type mode int

const (
	modeList     mode = iota
	modeConfirm       // asking before deleting or revoking
	modeRuleForm      // adding or editing a mail rule
	modeKeyName       // typing a new API key's name
	modeSettings      // the mail settings form
)

type keyMap struct {
	up, down                                  key.Binding // the import report's problems
	nextView, prevView, open, reload, back    key.Binding
	release, force, del, confirm              key.Binding
	create, edit, toggle, moveUp, moveDown    key.Binding
	save, nextField, prevField, left, right   key.Binding
	keyName, confirmKeyName, closeSecret, raw key.Binding
	dryRun, editPath, encoding                key.Binding
	settings, keyRate                         key.Binding
}

// Model is the intake section.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int

	view view
	mode mode
	// lists are the four lists' cursors, windows and "/" filters; the
	// filtered rows are what they keep.
	lists       [viewImport]*common.List
	fQuarantine common.Filtered[core.MailRecord]
	fLog        common.Filtered[core.MailRecord]
	fRules      common.Filtered[core.Rule]
	fKeys       common.Filtered[core.APIKey]

	loaded     bool
	seq        int
	quarantine []core.MailRecord
	log        []core.MailRecord
	rules      []core.Rule
	apiKeys    []core.APIKey
	settings   core.MailSettings
	err        error
	busy       common.Busy

	// raw is the previewed quarantined message (enter), rawID its mail id.
	raw     []byte
	rawID   core.ID
	showRaw bool

	// failedRelease is the mail whose release failed because it still cannot be
	// read: F then takes it in as it is.
	failedRelease core.ID

	form *ruleForm
	// settingsForm is the mail settings form while open (s).
	settingsForm *common.Form
	// pendingRule is the rule the cursor lands on after the next load (a saved one).
	pendingRule core.ID
	keyName     textinput.Model
	// rateFor is the API key whose rate keyName is typing (0: a new key's name).
	rateFor core.ID
	// secret is a new API key, shown once until the next key press.
	secret    string
	secretFor core.APIKey

	// imp is the CSV import wizard.
	imp importer

	mayRules, mayKeys bool
	whyRules, whyKeys string
}

// New returns the intake section; Init loads it.
func New(c *common.Common) *Model {
	km := c.Keys
	back := km.Back
	open := km.Open
	open.SetHelp("enter", "open")
	del := km.Delete
	create := km.NewRule
	confirm := km.Confirm
	keyName := km.Open
	keyName.SetHelp("enter", "make the key")
	closeSecret := key.NewBinding(key.WithKeys(), key.WithHelp("any key", "hide the key"))
	raw := km.Open
	raw.SetHelp("enter", "show/hide raw")
	editPath := km.Open
	editPath.SetHelp("enter", "type the file path")
	in := textinput.New()
	in.Prompt = "integration name: "
	in.Placeholder = "e.g. ERP"
	common.StyleInput(&in, c.Styles)
	in.CharLimit = 60
	m := &Model{
		c: c,
		keys: keyMap{
			up: km.Up, down: km.Down,
			nextView: km.NextView, prevView: km.PrevView, open: open, reload: km.Reload, back: back,
			release: km.Release, force: km.ForceRelease, del: del, confirm: confirm,
			create: create, edit: km.Edit, toggle: km.Toggle, moveUp: km.MoveUp, moveDown: km.MoveDown,
			save: km.Save, nextField: km.NextField, prevField: km.PrevField, left: km.PrevChoice, right: common.Without(km.NextChoice, " "),
			keyName: keyName, confirmKeyName: keyName, closeSecret: closeSecret, raw: raw,
			dryRun: km.DryRun, editPath: editPath, settings: km.MailSettings,
			keyRate:  key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "set rate")),
			encoding: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "UTF-8 / GBK")),
		},
		busy:    common.NewBusy(c.Styles),
		keyName: in,
		imp:     newImporter(c),
	}
	for v, cols := range [viewImport][]common.Column{mailColumns, mailColumns, ruleColumns, keyColumns} {
		l := common.NewList(c, cols)
		l.NoTitle = true
		l.Y = 2 // under the tabs and the line that says what the view is
		l.KeyMap.PageDown = common.Without(l.KeyMap.PageDown, " ")
		m.lists[v] = l
	}
	m.lists[viewQuarantine].SetPlaceholder("from, subject, why")
	m.lists[viewLog].SetPlaceholder("from, subject, work order, outcome")
	m.lists[viewRules].SetPlaceholder("name, condition")
	m.lists[viewKeys].SetPlaceholder("name, key")
	m.mayRules, m.whyRules = c.MayDispatch("change mail rules or release quarantined mail")
	a := c.Actor
	m.mayKeys = a.Kind == core.SubmitterInternal && a.User.Has(core.RoleAdmin)
	if !m.mayKeys {
		m.whyKeys = "Only admins manage API keys."
	}
	return m
}

// Init loads the section.
func (m *Model) Init() tea.Cmd { return tea.Batch(m.reloadCmd(), m.busy.StartCmd()) }

func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	return loadCmd(m.c.Svc, m.seq)
}

// SetSize lays the section out.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.keyName.Width = max(10, w-30)
	m.imp.path.Width = max(10, w-12)
	if m.form != nil {
		m.form.setSize(w, h)
	}
	if m.settingsForm != nil {
		m.settingsForm.SetSize(w, h)
	}
	m.layout()
}

// layout gives the lists what the panel under them leaves.
func (m *Model) layout() {
	for _, l := range m.lists {
		l.SetSize(m.width, 1+m.listRoom())
	}
}

// list is the current view's list (nil for the import wizard).
func (m *Model) list() *common.List {
	if m.view >= viewImport {
		return nil
	}
	return m.lists[m.view]
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool {
	switch m.mode {
	case modeKeyName:
		return true
	case modeRuleForm:
		return m.form.capturing()
	case modeSettings:
		return m.settingsForm.Typing()
	}
	if l := m.list(); l != nil {
		return l.Filtering()
	}
	return m.view == viewImport && m.imp.editing
}

// Showing is the title of the list the section shows.
func (m *Model) Showing() string { return viewTitles[m.view] }

func (m *Model) rows() int {
	switch m.view {
	case viewQuarantine:
		return m.fQuarantine.Len()
	case viewLog:
		return m.fLog.Len()
	case viewRules:
		return m.fRules.Len()
	case viewKeys:
		return m.fKeys.Len()
	}
	return 0
}

// refilter applies every list's filter.
func (m *Model) refilter() {
	m.fQuarantine.Apply(m.lists[viewQuarantine].Filter())
	m.lists[viewQuarantine].SetLen(m.fQuarantine.Len())
	m.fLog.Apply(m.lists[viewLog].Filter())
	m.lists[viewLog].SetLen(m.fLog.Len())
	m.fRules.Apply(m.lists[viewRules].Filter())
	m.lists[viewRules].SetLen(m.fRules.Len())
	m.fKeys.Apply(m.lists[viewKeys].Filter())
	m.lists[viewKeys].SetLen(m.fKeys.Len())
	m.layout()
}

func (m *Model) selectedMail() (core.MailRecord, bool) {
	var r *core.MailRecord
	switch m.view {
	case viewQuarantine:
		r = m.fQuarantine.Ref(m.lists[viewQuarantine].Cursor())
	case viewLog:
		r = m.fLog.Ref(m.lists[viewLog].Cursor())
	}
	if r == nil {
		return core.MailRecord{}, false
	}
	return *r, true
}

func (m *Model) selectedRule() (core.Rule, bool) {
	r := m.fRules.Ref(m.lists[viewRules].Cursor())
	if m.view != viewRules || r == nil {
		return core.Rule{}, false
	}
	return *r, true
}

func (m *Model) selectedKey() (core.APIKey, bool) {
	k := m.fKeys.Ref(m.lists[viewKeys].Cursor())
	if m.view != viewKeys || k == nil {
		return core.APIKey{}, false
	}
	return *k, true
}

// Update handles keys, results and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case loadedMsg:
		if msg.seq != m.seq {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		keepRule := m.pendingRule
		if r, ok := m.selectedRule(); ok && keepRule == 0 {
			keepRule = r.ID
		}
		m.pendingRule = 0
		m.loaded, m.err = true, nil
		m.quarantine, m.log, m.rules, m.apiKeys, m.settings = msg.quarantine, msg.log, msg.rules, msg.keys, msg.settings
		mailText := func(r core.MailRecord) string {
			return strings.Join([]string{fmt.Sprint(r.ID), string(r.Outcome), r.Number, r.From, r.Subject, r.Reason}, " ")
		}
		m.fQuarantine.Set(m.quarantine, mailText)
		m.fLog.Set(m.log, mailText)
		m.fRules.Set(m.rules, func(r core.Rule) string { return r.Name + " " + r.When })
		m.fKeys.Set(m.apiKeys, func(k core.APIKey) string { return k.Name + " " + k.Prefix })
		m.refilter()
		if i := m.fRules.Index(func(r core.Rule) bool { return r.ID == keepRule }); i >= 0 && keepRule != 0 {
			m.lists[viewRules].Select(i)
		}
		return nil
	case rawMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.raw, m.rawID = msg.raw, msg.id
		return nil
	case doneMsg:
		m.busy.Stop()
		if msg.err != nil {
			if m.view == viewQuarantine && core.IsValidation(msg.err) && strings.Contains(msg.err.Error(), "--force") {
				if r, ok := m.selectedMail(); ok {
					m.failedRelease = r.ID
				}
				return tea.Batch(m.reloadCmd(), common.ErrorCmd(common.Sentence(strings.Replace(msg.err.Error(), "with --force", "with F", 1))))
			}
			return tea.Batch(m.reloadCmd(), common.ErrorCmd(msg.err))
		}
		if msg.secret != "" {
			m.secret, m.secretFor = msg.secret, msg.key
		}
		return tea.Batch(m.reloadCmd(), common.StatusCmd(msg.status))
	case importedMsg:
		return m.importedCmd(msg)
	case savedSettingsMsg:
		return m.settingsSavedCmd(msg)
	case savedRuleMsg:
		if m.form == nil {
			return nil
		}
		cmd := m.form.saved(msg)
		if msg.err == nil {
			m.form, m.mode = nil, modeList
			m.pendingRule = msg.rule.ID
			return tea.Batch(cmd, m.reloadCmd())
		}
		return cmd
	case common.IntakeChangedMsg, common.RulesChangedMsg:
		return m.reloadCmd()
	case common.WorkOrdersChangedMsg:
		if msg.All {
			return m.reloadCmd()
		}
		return nil
	case tea.MouseMsg:
		if l := m.list(); l != nil && m.mode == modeList {
			_, ev := l.Update(msg)
			if ev.Has(common.ListMoved) {
				m.showRaw = false
			}
		}
		return nil
	}
	cmds := []tea.Cmd{m.busy.Update(msg)}
	if l := m.list(); l != nil && m.mode == modeList {
		c, ev := l.Update(msg) // the cursor's blink in the filter
		if ev.Has(common.ListFilterChanged) {
			m.refilter()
		}
		cmds = append(cmds, c)
	}
	switch m.mode {
	case modeKeyName:
		var c tea.Cmd
		m.keyName, c = m.keyName.Update(msg)
		cmds = append(cmds, c)
	case modeRuleForm:
		cmds = append(cmds, m.form.update(msg))
	case modeSettings:
		c, _ := m.settingsForm.Update(msg)
		cmds = append(cmds, c)
	}
	if m.imp.editing {
		var c tea.Cmd
		m.imp.path, c = m.imp.path.Update(msg)
		cmds = append(cmds, c)
	}
	return tea.Batch(cmds...)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	if m.secret != "" {
		// The new key was seen: any key hides it for good.
		m.secret = ""
		return nil
	}
	switch m.mode {
	case modeSettings:
		return m.settingsKeyCmd(msg)
	case modeRuleForm:
		cmd, done := m.form.keyCmd(msg)
		if done {
			m.form, m.mode = nil, modeList
		}
		return cmd
	case modeKeyName:
		switch {
		case key.Matches(msg, m.keys.back):
			m.mode = modeList
			m.keyName.Blur()
			m.endRate()
			return nil
		case key.Matches(msg, m.keys.confirmKeyName):
			text := strings.TrimSpace(m.keyName.Value())
			m.mode = modeList
			m.keyName.Blur()
			m.keyName.SetValue("")
			if id := m.rateFor; id != 0 {
				m.endRate()
				return tea.Batch(setKeyRateCmd(m.c.Svc, m.c.Actor, id, text), m.busy.StartCmd())
			}
			return tea.Batch(addKeyCmd(m.c.Svc, m.c.Actor, text), m.busy.StartCmd())
		}
		var cmd tea.Cmd
		m.keyName, cmd = m.keyName.Update(msg)
		return cmd
	case modeConfirm:
		m.mode = modeList
		if !key.Matches(msg, m.keys.confirm) {
			return common.StatusCmd("Nothing changed.")
		}
		switch m.view {
		case viewQuarantine:
			if r, ok := m.selectedMail(); ok {
				return tea.Batch(deleteMailCmd(m.c.Svc, m.c.Actor, r.ID), m.busy.StartCmd())
			}
		case viewRules:
			if r, ok := m.selectedRule(); ok {
				return tea.Batch(deleteRuleCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
			}
		case viewKeys:
			if k, ok := m.selectedKey(); ok {
				return tea.Batch(revokeKeyCmd(m.c.Svc, m.c.Actor, k), m.busy.StartCmd())
			}
		}
		return nil
	}
	k := m.bindings()
	v := m.view
	if v == viewImport && (m.imp.editing || m.imp.confirm || !key.Matches(msg, k.nextView, k.prevView)) {
		return m.importKeyCmd(msg)
	}
	// K and J move mail rules: the list must not take them.
	if l := m.list(); l != nil && !key.Matches(msg, k.moveUp, k.moveDown) {
		if cmd, ev := l.Update(msg); ev.Has(common.ListHandled) {
			if ev.Has(common.ListFilterChanged) {
				m.refilter()
			}
			if ev.Has(common.ListMoved) {
				m.showRaw = false
			}
			return cmd
		}
	}
	switch {
	case key.Matches(msg, k.nextView):
		m.view = (m.view + 1) % viewCount
		m.showRaw = false
		return nil
	case key.Matches(msg, k.prevView):
		m.view = (m.view + viewCount - 1) % viewCount
		m.showRaw = false
		return nil
	case key.Matches(msg, k.reload):
		return tea.Batch(m.reloadCmd(), m.busy.StartCmd())
	case key.Matches(msg, k.settings):
		return m.openSettingsCmd()
	case key.Matches(msg, k.moveUp):
		return m.moveRuleCmd(-1)
	case key.Matches(msg, k.moveDown):
		return m.moveRuleCmd(1)
	case v == viewQuarantine && key.Matches(msg, k.raw):
		if r, ok := m.selectedMail(); ok {
			m.showRaw = !m.showRaw
			if m.showRaw && m.rawID != r.ID {
				m.raw = nil
				return rawCmd(m.c.Svc, r.ID)
			}
		}
	case v == viewLog && key.Matches(msg, k.open):
		if r, ok := m.selectedMail(); ok && r.Number != "" {
			return common.NavigateCmd(common.Push, common.DetailScreen, r.Number)
		}
	case key.Matches(msg, k.release):
		if r, ok := m.selectedMail(); ok {
			m.failedRelease = 0
			return tea.Batch(releaseCmd(m.c.Svc, m.c.Actor, r.ID, false), m.busy.StartCmd())
		}
	case key.Matches(msg, k.force):
		if r, ok := m.selectedMail(); ok {
			m.failedRelease = 0
			return tea.Batch(releaseCmd(m.c.Svc, m.c.Actor, r.ID, true), m.busy.StartCmd())
		}
	case key.Matches(msg, k.del):
		m.mode = modeConfirm
	case key.Matches(msg, k.toggle):
		if r, ok := m.selectedRule(); ok {
			return tea.Batch(toggleRuleCmd(m.c.Svc, m.c.Actor, r), m.busy.StartCmd())
		}
	case key.Matches(msg, k.create):
		if v == viewRules {
			return m.openFormCmd(nil)
		}
		m.mode = modeKeyName
		return m.keyName.Focus()
	case v == viewKeys && key.Matches(msg, k.keyRate):
		sel, ok := m.selectedKey()
		if !ok || !sel.Active() || !m.mayKeys {
			return nil
		}
		m.rateFor, m.mode = sel.ID, modeKeyName
		m.keyName.Prompt, m.keyName.Placeholder, m.keyName.CharLimit = fmt.Sprintf("requests a second for key %d (0: the server's default): ", sel.ID), "e.g. 500", 9
		m.keyName.SetValue(strconv.FormatFloat(sel.Rate, 'g', -1, 64))
		return m.keyName.Focus()
	case key.Matches(msg, k.edit):
		if r, ok := m.selectedRule(); ok {
			return m.openFormCmd(&r)
		}
	case m.refused(msg):
		if v == viewLog {
			return common.ErrorCmd(common.Sentence("Only admins change the mail settings."))
		}
		if v == viewKeys {
			return common.ErrorCmd(common.Sentence(m.whyKeys))
		}
		return common.ErrorCmd(common.Sentence(m.whyRules))
	case v == viewRules && m.list().Filter() != "" && key.Matches(msg, m.keys.moveUp, m.keys.moveDown):
		return common.ErrorCmd(common.Sentence("Mail rules are moved in the whole list: esc clears the filter first."))
	}
	return nil
}

// refused reports whether msg is a change key the user may not use here.
func (m *Model) refused(msg tea.KeyMsg) bool {
	k := m.keys
	switch m.view {
	case viewQuarantine:
		return !m.mayRules && key.Matches(msg, k.release, k.force, k.del)
	case viewLog:
		return !m.mayKeys && key.Matches(msg, k.settings)
	case viewRules:
		return !m.mayRules && key.Matches(msg, k.create, k.edit, k.toggle, k.del, k.moveUp, k.moveDown)
	case viewKeys:
		return !m.mayKeys && key.Matches(msg, k.create, k.del)
	}
	return false
}

// moveRuleCmd moves the selected mail rule one place (d = -1 up, 1 down).
func (m *Model) moveRuleCmd(d int) tea.Cmd {
	r, ok := m.selectedRule()
	i := m.lists[viewRules].Cursor() // without a filter, the index in m.rules
	j := i + d
	if !ok || j < 0 || j >= len(m.rules) || m.lists[viewRules].Filter() != "" {
		return nil
	}
	m.rules[i], m.rules[j] = m.rules[j], m.rules[i]
	for x := range m.rules {
		m.rules[x].Priority = x + 1
	}
	m.fRules.Set(m.rules, func(r core.Rule) string { return r.Name + " " + r.When })
	m.refilter()
	m.lists[viewRules].Select(j)
	return tea.Batch(moveRuleCmd(m.c.Svc, m.c.Actor, r.ID, j+1), m.busy.StartCmd())
}

func (m *Model) openFormCmd(r *core.Rule) tea.Cmd {
	m.form = newRuleForm(m.c, r)
	m.form.setSize(m.width, m.height)
	m.mode = modeRuleForm
	return m.form.initCmd()
}

// listRoom is how many rows the list shows.
func (m *Model) listRoom() int {
	return max(1, m.height-3-m.panelHeight())
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	switch {
	case m.secret != "":
		return []key.Binding{k.closeSecret}
	case m.mode == modeRuleForm:
		return m.form.shortHelp()
	case m.mode == modeSettings:
		return m.settingsForm.ShortHelp()
	case m.mode == modeKeyName:
		return []key.Binding{k.confirmKeyName, k.back}
	case m.mode == modeConfirm:
		c := k.confirm
		c.SetHelp("y", "yes")
		return []key.Binding{c, key.NewBinding(key.WithHelp("any other key", "keep"))}
	}
	if l := m.list(); l != nil && l.Filtering() {
		return l.ShortHelp()
	}
	var filter []key.Binding
	if l := m.list(); l != nil {
		filter = l.ShortHelp()
	}
	switch m.view {
	case viewQuarantine:
		return append([]key.Binding{k.nextView, k.raw, k.release, k.force, k.del, k.reload}, filter...)
	case viewLog:
		return append([]key.Binding{k.nextView, k.open, k.settings, k.reload}, filter...)
	case viewRules:
		return append([]key.Binding{k.nextView, k.moveUp, k.moveDown, k.edit, k.create, k.toggle, k.del}, filter...)
	}
	if m.view == viewImport {
		switch {
		case m.imp.editing:
			return []key.Binding{k.keyName, k.back}
		case m.imp.confirm:
			c := k.confirm
			c.SetHelp("y", "import")
			return []key.Binding{c, key.NewBinding(key.WithHelp("any other key", "cancel"))}
		}
		return []key.Binding{k.nextView, k.editPath, k.left, k.encoding, k.dryRun, k.save, k.down}
	}
	return append([]key.Binding{k.nextView, k.create, k.keyRate, k.del, k.reload}, filter...)
}

// FullHelp lists every key of the section.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.mode == modeRuleForm {
		return m.form.fullHelp()
	}
	if m.mode == modeSettings {
		return m.settingsForm.FullHelp()
	}
	if m.mode != modeList || m.secret != "" {
		return [][]key.Binding{m.ShortHelp()}
	}
	var nav []key.Binding
	if l := m.list(); l != nil {
		nav = l.FullHelp()
	}
	return [][]key.Binding{nav, {k.nextView, k.prevView, k.reload}, m.ShortHelp()[1:]}
}

// bindings are the keys with their state for the current view and user.
func (m *Model) bindings() keyMap {
	k := m.keys
	has := m.rows() > 0
	q := m.view == viewQuarantine
	k.raw.SetEnabled(q && has)
	k.release.SetEnabled(q && has && m.mayRules)
	k.force.SetEnabled(q && has && m.mayRules)
	k.open.SetEnabled(m.view == viewLog && has)
	k.settings.SetEnabled(m.view == viewLog && m.mayKeys)
	rules := m.view == viewRules
	ri := m.lists[viewRules].Cursor()
	whole := m.lists[viewRules].Filter() == ""
	k.moveUp.SetEnabled(rules && m.mayRules && has && whole && ri > 0)
	k.moveDown.SetEnabled(rules && m.mayRules && has && whole && ri < len(m.rules)-1)
	k.edit.SetEnabled(rules && m.mayRules && has)
	k.toggle.SetEnabled(rules && m.mayRules && has)
	if r, ok := m.selectedRule(); ok && r.Enabled {
		k.toggle.SetHelp(k.toggle.Help().Key, "disable")
	} else {
		k.toggle.SetHelp(k.toggle.Help().Key, "enable")
	}
	switch m.view {
	case viewQuarantine:
		k.del.SetHelp(k.del.Help().Key, "delete")
		k.del.SetEnabled(has && m.mayRules)
		k.create.SetEnabled(false)
	case viewLog:
		k.del.SetEnabled(false)
		k.create.SetEnabled(false)
	case viewRules:
		k.del.SetHelp(k.del.Help().Key, "delete")
		k.del.SetEnabled(has && m.mayRules)
		k.create.SetHelp("n", "new mail rule")
		k.create.SetEnabled(m.mayRules && m.loaded)
	case viewImport:
		k.left.SetHelp("←/→", "contacts / work orders")
		k.keyName.SetHelp("enter", "dry run")
		k.save.SetHelp("ctrl+s", "import")
		k.save.SetEnabled(m.imp.ready())
		k.dryRun.SetEnabled(strings.TrimSpace(m.imp.path.Value()) != "")
		k.down.SetHelp("↓/↑", "scroll problems")
		k.down.SetEnabled(m.imp.report != nil && len(m.imp.report.rep.Problems) > 0)
	case viewKeys:
		k.del.SetHelp(k.del.Help().Key, "revoke")
		sel, ok := m.selectedKey()
		k.del.SetEnabled(ok && sel.Active() && m.mayKeys)
		k.create.SetHelp("n", "new API key")
		k.create.SetEnabled(m.mayKeys && m.loaded)
		k.keyRate.SetEnabled(ok && sel.Active() && m.mayKeys)
	}
	return k
}

// endRate puts the text input back to naming a new key.
func (m *Model) endRate() {
	m.rateFor = 0
	m.keyName.Prompt, m.keyName.Placeholder, m.keyName.CharLimit = "integration name: ", "e.g. ERP", 60
}
