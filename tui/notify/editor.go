package notify

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textarea"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

type presetLoadedMsg struct {
	p   core.Preset
	err error
}

type previewMsg struct {
	seq int
	r   core.Rendered
	err error
}

type templateSavedMsg struct {
	p     core.Preset
	err   error
	reset bool // back to the shipped template
}

// Editor edits one preset's template with a live preview rendered against a
// chosen work order (R-NOTE-4). Unknown variables show in the preview and are
// refused on save.
type Editor struct {
	c             *common.Common
	width, height int
	ev            core.NoticeEvent
	ch            core.NoticeChannel
	loaded        bool
	subject, id   textinput.Model
	link, wo      textinput.Model
	body          textarea.Model
	focus         int
	seq           int
	preview       core.Rendered
	previewErr    error
	keys          struct{ next, prev, save, back, reset, confirm key.Binding }
	// confirming asks before going back to the shipped template.
	confirming bool
}

// editor fields, in tab order; which apply depends on the channel.
const (
	fieldSubject = iota
	fieldID
	fieldLink
	fieldBody
	fieldWO
	fieldCount
)

// NewEditor returns the editor of preset arg ("event/channel").
func NewEditor(c *common.Common, arg string) *Editor {
	evs, chs, _ := strings.Cut(arg, "/")
	m := &Editor{c: c, ev: core.NoticeEvent(evs), ch: core.NoticeChannel(chs)}
	ti := func(prompt, placeholder string) textinput.Model {
		t := textinput.New()
		t.Prompt = prompt
		t.Placeholder = placeholder
		return t
	}
	m.subject = ti("Subject      ", "[#WorkOrderNumber#] …")
	idLabel := "Template ID  "
	if m.ch == core.NoticeSMS {
		idLabel = "Template code"
	}
	m.id = ti(idLabel+" ", "from the provider's template library")
	linkLabel := "Link         "
	if m.ch == core.NoticeMiniProgram {
		linkLabel = "Page         "
	}
	m.link = ti(linkLabel, "#URL#")
	m.wo = ti("Preview with ", "newest work order (type a number)")
	m.body = textarea.New()
	m.body.ShowLineNumbers = false
	m.body.Prompt = "│ "
	m.body.CharLimit = 20000
	k := c.Keys
	m.keys.next, m.keys.prev, m.keys.save, m.keys.back = k.NextField, k.PrevField, k.Save, k.Back
	m.keys.reset, m.keys.confirm = k.ResetTemplate, k.Confirm
	m.focus = m.firstField()
	return m
}

func (m *Editor) applies(f int) bool {
	switch f {
	case fieldSubject:
		return m.ch == core.NoticeEmail
	case fieldID:
		return m.ch != core.NoticeEmail
	case fieldLink:
		return m.ch == core.NoticeWeChat || m.ch == core.NoticeMiniProgram
	}
	return true
}

func (m *Editor) firstField() int {
	for f := 0; f < fieldCount; f++ {
		if m.applies(f) {
			return f
		}
	}
	return fieldBody
}

// Init loads the preset.
func (m *Editor) Init() tea.Cmd {
	svc, ev, ch := m.c.Svc, m.ev, m.ch
	return func() tea.Msg {
		p, err := svc.Preset(ev, ch)
		return presetLoadedMsg{p, err}
	}
}

// SetSize lays the fields out: editor on top, preview below.
func (m *Editor) SetSize(w, h int) {
	m.width, m.height = w, h
	for _, t := range []*textinput.Model{&m.subject, &m.id, &m.link, &m.wo} {
		t.Width = max(10, w-16)
	}
	m.body.SetWidth(max(20, w-2))
	m.body.SetHeight(max(3, (h-8)/2))
}

// Capturing is true: every field takes text.
func (m *Editor) Capturing() bool { return true }

func (m *Editor) template() core.Template {
	t := core.Template{Subject: m.subject.Value(), TemplateID: m.id.Value(), Link: m.link.Value()}
	if m.ch == core.NoticeWeChat || m.ch == core.NoticeMiniProgram {
		t.Fields, _ = core.ParseTemplateFields(m.body.Value())
	} else {
		t.Body = m.body.Value()
	}
	return t
}

func (m *Editor) previewCmd() tea.Cmd {
	m.seq++
	svc, ev, ch, seq, number := m.c.Svc, m.ev, m.ch, m.seq, strings.TrimSpace(m.wo.Value())
	t := m.template()
	var fieldsErr error
	if m.ch == core.NoticeWeChat || m.ch == core.NoticeMiniProgram {
		_, fieldsErr = core.ParseTemplateFields(m.body.Value())
	}
	return func() tea.Msg {
		if fieldsErr != nil {
			return previewMsg{seq: seq, err: fieldsErr}
		}
		r, err := svc.PreviewTemplate(ev, ch, t, number)
		return previewMsg{seq: seq, r: r, err: err}
	}
}

func (m *Editor) focusField(f int) tea.Cmd {
	m.subject.Blur()
	m.id.Blur()
	m.link.Blur()
	m.wo.Blur()
	m.body.Blur()
	m.focus = f
	switch f {
	case fieldSubject:
		return m.subject.Focus()
	case fieldID:
		return m.id.Focus()
	case fieldLink:
		return m.link.Focus()
	case fieldWO:
		return m.wo.Focus()
	}
	return m.body.Focus()
}

// Update handles field navigation, typing, preview results and saving.
func (m *Editor) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case presetLoadedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		t := msg.p.Template
		m.subject.SetValue(t.Subject)
		m.id.SetValue(t.TemplateID)
		m.link.SetValue(t.Link)
		if m.ch == core.NoticeWeChat || m.ch == core.NoticeMiniProgram {
			var lines []string
			for _, f := range t.Fields {
				lines = append(lines, f.Key+"="+f.Value)
			}
			m.body.SetValue(strings.Join(lines, "\n"))
		} else {
			m.body.SetValue(t.Body)
		}
		m.loaded = true
		return tea.Batch(m.focusField(m.focus), m.previewCmd())
	case previewMsg:
		if msg.seq == m.seq {
			m.preview, m.previewErr = msg.r, msg.err
		}
		return nil
	case templateSavedMsg:
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		verb := "Saved"
		if msg.reset {
			verb = "Back to the shipped"
		}
		return common.BackWithStatus(fmt.Sprintf("%s %s template of %s.", verb, m.ch.Title(), m.ev.Title()))
	case tea.KeyMsg:
		if !m.loaded {
			return nil
		}
		k := m.keys
		if m.confirming {
			m.confirming = false
			if !key.Matches(msg, k.confirm) {
				return common.StatusCmd("Nothing changed.")
			}
			svc, as, ev, ch := m.c.Svc, m.c.Actor, m.ev, m.ch
			return func() tea.Msg {
				p, err := svc.ResetPresetTemplate(as, ev, ch)
				return templateSavedMsg{p: p, err: err, reset: true}
			}
		}
		switch {
		case key.Matches(msg, k.reset):
			m.confirming = true
			return nil
		case key.Matches(msg, k.back):
			return common.BackCmd
		case key.Matches(msg, k.save):
			svc, as, ev, ch, t := m.c.Svc, m.c.Actor, m.ev, m.ch, m.template()
			return func() tea.Msg {
				p, err := svc.SetPresetTemplate(as, ev, ch, t)
				return templateSavedMsg{p: p, err: err}
			}
		case key.Matches(msg, k.next), key.Matches(msg, k.prev):
			step := 1
			if key.Matches(msg, k.prev) {
				step = fieldCount - 1
			}
			f := m.focus
			for {
				f = (f + step) % fieldCount
				if m.applies(f) {
					break
				}
			}
			return m.focusField(f)
		}
		var cmd tea.Cmd
		switch m.focus {
		case fieldSubject:
			m.subject, cmd = m.subject.Update(msg)
		case fieldID:
			m.id, cmd = m.id.Update(msg)
		case fieldLink:
			m.link, cmd = m.link.Update(msg)
		case fieldWO:
			m.wo, cmd = m.wo.Update(msg)
		default:
			m.body, cmd = m.body.Update(msg)
		}
		return tea.Batch(cmd, m.previewCmd())
	}
	return nil
}

// View draws the fields and the preview.
func (m *Editor) View() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(common.Fit(st.Title.Render("Template")+st.Muted.Render(fmt.Sprintf("  %s · %s", m.ev.Title(), m.ch.Title())), m.width) + "\n")
	if m.confirming {
		b.WriteString(common.Truncate(st.Banner.Render("Go back to the shipped template? Your text is replaced. y resets, any other key keeps it."), m.width) + "\n")
	}
	if !m.loaded {
		return b.String() + st.Muted.Render("  loading…")
	}
	for _, f := range []int{fieldSubject, fieldID, fieldLink} {
		if !m.applies(f) {
			continue
		}
		t := map[int]*textinput.Model{fieldSubject: &m.subject, fieldID: &m.id, fieldLink: &m.link}[f]
		b.WriteString(common.Truncate(m.inputView(t), m.width) + "\n")
	}
	label := "Body (HTML)"
	switch m.ch {
	case core.NoticeSMS:
		label = "Text"
	case core.NoticeWeChat, core.NoticeMiniProgram:
		label = "Keyword fields (key=value per line)"
	}
	ls := st.FieldLabel
	if m.focus == fieldBody {
		ls = st.FocusedFieldLabel
	}
	b.WriteString(common.Truncate(ls.Render(label)+st.Muted.Render("  variables: #WorkOrderNumber# #Subject# #URL# #Customer# #Engineer# …"), m.width) + "\n")
	b.WriteString(common.AreaView(&m.body, st) + "\n")
	b.WriteString(common.Truncate(m.inputView(&m.wo), m.width) + "\n")
	b.WriteString(st.Section.Render("Preview") + "\n")
	if m.previewErr != nil {
		for _, l := range common.Wrap(m.previewErr.Error(), m.width-2) {
			b.WriteString("  " + st.Error.Render(l) + "\n")
		}
		return b.String()
	}
	r := m.preview
	var lines []string
	if r.Subject != "" {
		lines = append(lines, "Subject: "+r.Subject)
	}
	if m.ch == core.NoticeEmail {
		lines = append(lines, strings.Split(r.Text, "\n")...)
	} else {
		lines = append(lines, strings.Split(r.Text, "\n")...)
		if r.Link != "" {
			lines = append(lines, "→ "+r.Link)
		}
	}
	for _, l := range lines {
		for _, w := range common.Wrap(common.Clean(l), m.width-2) {
			b.WriteString("  " + st.Value.Render(w) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// ShortHelp lists the keys.
func (m *Editor) ShortHelp() []key.Binding {
	k := m.keys
	if m.confirming {
		return []key.Binding{k.confirm}
	}
	return []key.Binding{k.back, k.next, k.save, k.reset}
}

// FullHelp lists every key.
func (m *Editor) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{{k.next, k.prev, k.save, k.reset, k.back}}
}

// inputView draws a one-line field, its label the prompt, in the theme's styles.
func (m *Editor) inputView(t *textinput.Model) string {
	common.StyleInput(t, m.c.Styles)
	t.PromptStyle = m.c.Styles.FieldLabel
	return t.View()
}
