// Package devices is the console's devices screen (R-IN-4): the registered
// devices (filtered with "/") and, for the selected one, its sticker link and
// QR code, large enough to scan from a phone. Devices are added and edited in
// a form; a sticker or a sheet of stickers is saved as a PNG where the person
// at the console is. The CLI twins are `switchboard device add|edit|qr|sheet`.
package devices

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"switchboard/core"
	"switchboard/core/qrcode"
	"switchboard/tui/common"
)

// loadedMsg carries the device list.
type loadedMsg struct {
	devices []core.Device
	err     error
}

// qrMsg carries the selected device's link and its drawing.
type qrMsg struct {
	code, link, qr string
	err            error
}

// savedMsg is the outcome of the form.
type savedMsg struct {
	device core.Device
	status string
	err    error
}

type keyMap struct {
	add, edit, sticker, sheet, reload key.Binding
	entry                             key.Binding
}

var columns = []common.Column{
	{Title: "code", Width: 12},
	{Title: "model", Weight: 2, Min: 8},
	{Title: "account", Weight: 2, Min: 8, Hide: 2},
	{Title: "location", Weight: 2, Min: 8, Hide: 1},
}

// listWidth is how wide the list is beside the QR code.
const listWidth = 52

// Model is the devices screen.
type Model struct {
	c             *common.Common
	keys          keyMap
	width, height int
	list          *common.List
	shown         common.Filtered[core.Device]
	loaded        bool
	qr            qrMsg
	err           error

	form    *common.Form
	editing string // the code edited; "" adds
	saveAs  common.SaveAs
	// saving is what the save-as prompt saves: "sticker" or "sheet".
	saving string
	// keep is the device the cursor goes to after the next load (one just
	// added or saved).
	keep string
}

// New returns the screen; Init loads the devices.
func New(c *common.Common) *Model {
	k := c.Keys
	add := k.New
	add.SetHelp("n", "new device")
	edit := k.Edit
	edit.SetHelp("enter", "edit")
	l := common.NewList(c, columns)
	l.SetPlaceholder("code, model, account, location")
	l.Empty = "No devices yet: press n to register one."
	return &Model{c: c, list: l, saveAs: common.NewSaveAs(c), keys: keyMap{
		add: add, edit: edit, reload: k.Reload,
		sticker: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "save sticker PNG")),
		entry:   key.NewBinding(key.WithKeys("G"), key.WithHelp("G", "save entry code")),
		sheet:   key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "save sheet (A4)")),
	}}
}

func loadCmd(svc *core.Service) tea.Cmd {
	return func() tea.Msg {
		ds, err := svc.Devices()
		return loadedMsg{ds, err}
	}
}

// link builds a device's sticker link.
func link(svc *core.Service, code string) (string, error) {
	base, err := svc.PublicURL()
	if err != nil {
		return "", err
	}
	_, tok, err := svc.DeviceLink(code)
	if err != nil {
		return "", err
	}
	return core.LinkURL(base, core.DevicePathPrefix, tok), nil
}

func qrCmd(svc *core.Service, code string) tea.Cmd {
	return func() tea.Msg {
		l, err := link(svc, code)
		if err != nil {
			return qrMsg{code: code, err: err}
		}
		return qrMsg{code: code, link: l, qr: qrcode.Terminal(l)}
	}
}

// Init loads the devices.
func (m *Model) Init() tea.Cmd { return loadCmd(m.c.Svc) }

// SetSize gives the screen its area.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.list.SetSize(m.listWidth(), h-1)
	if m.form != nil {
		m.form.SetSize(w, h)
	}
}

// side reports whether the QR code goes beside the list (else below it).
func (m *Model) side() bool { return m.width >= listWidth+2+lipgloss.Width(m.qr.qr) && m.qr.qr != "" }

func (m *Model) listWidth() int {
	if m.width >= listWidth+40 {
		return listWidth
	}
	return m.width
}

// Capturing is true while a text field has the keyboard.
func (m *Model) Capturing() bool {
	switch {
	case m.form != nil:
		return m.form.Typing()
	case m.saveAs.Active():
		return true
	}
	return m.list.Filtering()
}

func (m *Model) selected() *core.Device { return m.shown.Ref(m.list.Cursor()) }

func (m *Model) may() (bool, string) {
	return m.c.May("register and edit devices", common.DeskRoles...)
}

// bindings are the keys with what does not apply disabled.
func (m *Model) bindings() keyMap {
	k := m.keys
	may, _ := m.may()
	has := m.selected() != nil
	k.add.SetEnabled(may)
	k.edit.SetEnabled(may && has)
	k.sticker.SetEnabled(has)
	k.sheet.SetEnabled(m.shown.Len() > 0)
	return k
}

// ShortHelp lists the footer keys.
func (m *Model) ShortHelp() []key.Binding {
	switch {
	case m.form != nil:
		return m.form.ShortHelp()
	case m.saveAs.Active():
		return m.saveAs.Keys()
	case m.list.Filtering():
		return m.list.ShortHelp()
	}
	k := m.bindings()
	return append([]key.Binding{k.edit, k.add, k.sticker, k.sheet, k.entry}, m.list.ShortHelp()...)
}

// FullHelp lists the keys for "?".
func (m *Model) FullHelp() [][]key.Binding {
	if m.form != nil {
		return m.form.FullHelp()
	}
	k := m.bindings()
	return [][]key.Binding{m.list.FullHelp(), {k.edit, k.add, k.reload}, {k.sticker, k.sheet, k.entry}}
}

// Update handles keys, loaded data, saves and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case loadedMsg:
		m.loaded, m.err = true, msg.err
		keep := m.keep
		if d := m.selected(); d != nil && keep == "" {
			keep = d.Code
		}
		m.keep = ""
		m.shown.Set(msg.devices, func(d core.Device) string {
			return strings.Join([]string{d.Code, d.Model, d.AccountName, d.Location}, " ")
		})
		m.refilter(keep)
		return m.qrIfMoved()
	case common.DevicesChangedMsg, common.PeopleChangedMsg:
		return loadCmd(m.c.Svc)
	case qrMsg:
		if d := m.selected(); d != nil && msg.code == d.Code {
			m.qr = msg
		}
		return nil
	case savedMsg:
		if cmd := m.form.Saved(msg.err); msg.err != nil {
			return cmd
		}
		m.form, m.keep = nil, msg.device.Code
		return tea.Batch(common.StatusCmd(msg.status), loadCmd(m.c.Svc))
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case tea.MouseMsg:
		if m.form == nil {
			_, ev := m.list.Update(msg)
			if ev.Has(common.ListMoved) {
				return m.qrIfMoved()
			}
		}
		return nil
	}
	if m.form != nil {
		cmd, _ := m.form.Update(msg)
		return cmd
	}
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter("")
		return tea.Batch(cmd, m.qrIfMoved())
	}
	return cmd
}

// refilter shows the devices the filter keeps, the cursor on code keep.
func (m *Model) refilter(keep string) {
	m.shown.Apply(m.list.Filter())
	m.list.SetLen(m.shown.Len())
	if i := m.shown.Index(func(d core.Device) bool { return d.Code == keep }); keep != "" && i >= 0 {
		m.list.Select(i)
	}
}

// qrIfMoved asks for the selected device's QR code when it is not shown yet.
func (m *Model) qrIfMoved() tea.Cmd {
	d := m.selected()
	if d == nil || (m.qr.code == d.Code && m.qr.err == nil) {
		return nil
	}
	return qrCmd(m.c.Svc, d.Code)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	if m.form != nil {
		cmd, ev := m.form.Update(msg)
		switch ev {
		case common.FormCancel:
			m.form = nil
		case common.FormSave:
			return tea.Batch(m.form.StartSaving(), m.saveCmd())
		}
		return cmd
	}
	if m.saveAs.Active() {
		name, done, cmd := m.saveAs.Update(msg)
		if done && name != "" {
			return m.pngCmd(name)
		}
		return cmd
	}
	cmd, ev := m.list.Update(msg)
	if ev.Has(common.ListFilterChanged) {
		m.refilter("")
	}
	if ev.Has(common.ListHandled) {
		return tea.Batch(cmd, m.qrIfMoved())
	}
	k := m.bindings()
	switch {
	case key.Matches(msg, k.reload):
		return loadCmd(m.c.Svc)
	case key.Matches(msg, k.add):
		return m.openForm(nil)
	case key.Matches(msg, k.edit):
		return m.openForm(m.selected())
	case key.Matches(msg, k.sticker):
		m.saving = "sticker"
		return m.saveAs.Open("the sticker", m.selected().Code+".png")
	case key.Matches(msg, k.entry):
		m.saving = "entry"
		return m.saveAs.Open("the general entry code (opens the customer form)", "entry.png")
	case key.Matches(msg, k.sheet):
		m.saving = "sheet"
		return m.saveAs.Open(fmt.Sprintf("an A4 sheet of %d stickers (.pdf, or .png a page)", m.shown.Len()), "stickers.pdf")
	case key.Matches(msg, m.keys.add, m.keys.edit):
		_, why := m.may()
		return common.ErrorCmd(common.Sentence(why))
	}
	return nil
}

// openForm opens the add (d nil) or edit form.
func (m *Model) openForm(d *core.Device) tea.Cmd {
	c := m.c
	title, code := "New device", ""
	var cur core.Device
	if d != nil {
		cur, code, title = *d, d.Code, "Edit device "+d.Code
	}
	fields := []common.Field{}
	if d == nil {
		fields = append(fields, common.NewTextField(c, "Code", "code", "", 64).WithPlaceholder("printed on the sticker, e.g. FRZ-0042"))
	} else {
		fields = append(fields, common.NewStaticField("Code", code+" (its sticker stays valid)"))
	}
	fields = append(fields,
		common.NewTextField(c, "Model", "model", cur.Model, 100),
		common.NewTextField(c, "Account", "account", cur.AccountName, 200).WithPlaceholder("the customer account that owns it (must exist)"),
		common.NewTextField(c, "Location", "location", cur.Location, 300).WithPlaceholder("where it stands; prefills the address"),
	)
	m.form, m.editing = common.NewForm(c, title, fields...), code
	m.form.SetSize(m.width, m.height)
	if d != nil {
		return m.form.FocusOn(1)
	}
	return m.form.Init()
}

// value reads the form's field named name.
func (m *Model) value(name string) string {
	for _, f := range m.form.Fields() {
		if v, ok := f.(interface{ Value() string }); ok && f.Name() == name {
			return v.Value()
		}
	}
	return ""
}

func (m *Model) saveCmd() tea.Cmd {
	svc, as, code := m.c.Svc, m.c.Actor, m.editing
	model, account, location := m.value("model"), m.value("account"), m.value("location")
	if code == "" {
		in := core.NewDevice{Code: m.value("code"), Model: model, AccountName: account, Location: location}
		return func() tea.Msg {
			d, err := svc.AddDevice(as, in)
			return savedMsg{device: d, status: fmt.Sprintf("Device %s registered: its sticker works now (p saves it).", d.Code), err: err}
		}
	}
	return func() tea.Msg {
		d, err := svc.EditDevice(as, code, core.DevicePatch{Model: &model, AccountName: &account, Location: &location})
		return savedMsg{device: d, status: fmt.Sprintf("Device %s saved.", d.Code), err: err}
	}
}

// pngCmd saves the selected device's sticker, or a sheet of the devices
// shown, as name, through the person's own client.
func (m *Model) pngCmd(name string) tea.Cmd {
	svc := m.c.Svc
	if m.saving == "entry" {
		return common.SaveFileCmd(m.c, "the entry code", name, 0o644, func() ([]byte, error) {
			base, err := svc.PublicURL()
			if err != nil {
				return nil, err
			}
			return qrcode.PNG(core.EntryLink(base, false), 12)
		})
	}
	if m.saving == "sticker" {
		d := m.selected()
		if d == nil {
			return nil
		}
		code := d.Code
		return common.SaveFileCmd(m.c, "the sticker of "+code, name, 0o644, func() ([]byte, error) {
			l, err := link(svc, code)
			if err != nil {
				return nil, err
			}
			return qrcode.PNG(l, 8)
		})
	}
	codes := make([]string, m.shown.Len())
	for i := range codes {
		codes[i] = m.shown.At(i).Code
	}
	c := m.c
	return func() tea.Msg {
		st := make([]qrcode.Sticker, 0, len(codes))
		for _, code := range codes {
			l, err := link(svc, code)
			if err != nil {
				return common.ErrorMsg{Err: err}
			}
			st = append(st, qrcode.Sticker{Link: l, Label: code})
		}
		files, err := qrcode.SheetFiles(name, st, 3)
		if err != nil {
			return common.ErrorMsg{Err: err}
		}
		var saved []string
		for _, f := range files {
			p, err := c.SaveFile(f.Name, f.Data, 0o644)
			if err != nil {
				return common.ErrorMsg{Err: fmt.Errorf("the sheet was not saved: %w", err)}
			}
			saved = append(saved, p)
		}
		return common.StatusMsg{Text: fmt.Sprintf("Saved %d stickers on A4 (print at 100 %%): %s", len(codes), strings.Join(saved, ", "))}
	}
}

// View draws the list and the selected device's link and QR code: beside the
// list when there is room, else under it.
func (m *Model) View() string {
	st := m.c.Styles
	if m.form != nil {
		return m.form.View()
	}
	if m.err != nil {
		return st.Error.Render(common.Truncate(m.err.Error(), m.width))
	}
	title := st.Title.Render("Devices") + st.Muted.Render(" (R-IN-4)")
	if !m.loaded {
		return title
	}
	// The link first, on a line of its own across the screen: cut, it could
	// not be copied, so a link that does not fit says how to get it whole.
	linkLine := ""
	if d := m.selected(); d != nil && m.qr.code == d.Code {
		switch {
		case m.qr.err != nil:
			linkLine = st.Error.Render(common.Truncate(m.qr.err.Error(), m.width))
		case common.Width(m.qr.link) <= m.width:
			linkLine = m.qr.link
		default:
			linkLine = st.Muted.Render(common.Truncate("the link is wider than the window: p saves the sticker, or `switchboard device qr "+d.Code+"` prints it", m.width))
		}
	}
	if m.saveAs.Active() {
		linkLine = m.saveAs.View(st, m.width)
	}
	card := ""
	if d := m.selected(); d != nil {
		parts := []string{d.Code}
		for _, x := range []string{d.Model, d.AccountName, d.Location} {
			if x != "" {
				parts = append(parts, common.Clean(x))
			}
		}
		card = st.Value.Render(common.Truncate(strings.Join(parts, " · "), m.width))
	}
	// The link and the card lines only when there is something to show: an
	// empty list started two blank lines down.
	var head []string
	for _, l := range []string{linkLine, card} {
		if l != "" {
			head = append(head, l)
		}
	}
	listH := m.height - len(head)
	qr := ""
	if d := m.selected(); d != nil && m.qr.code == d.Code && m.qr.err == nil {
		qr = strings.TrimRight(m.qr.qr, "\n")
	}
	if !m.side() && qr != "" {
		listH = max(4, m.height-len(head)-lipgloss.Height(qr))
	}
	m.list.SetSize(m.listWidth(), listH)
	list := m.list.View(title, "", func(i int) common.Row {
		d := m.shown.At(i)
		return common.Row{Cells: []string{d.Code, common.OrDash(d.Model), common.OrDash(d.AccountName), common.OrDash(d.Location)}}
	})
	var body string
	switch {
	case qr == "":
		body = list
	case m.side():
		body = lipgloss.JoinHorizontal(lipgloss.Top, lipgloss.NewStyle().Width(m.listWidth()+2).Render(list), qr)
	default:
		body = list + "\n" + qr
	}
	return strings.Join(append(head, body), "\n")
}
