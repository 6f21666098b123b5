// Package report is the console's service report (R-REP-1, R-REP-2): the report
// view of a work order (every version, its signature and whether it still
// matches the hash it was signed with), the form that fills it, the invitation
// to sign and the PDF.
package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/core/qrcode"
	"switchboard/core/reportpdf"
	"switchboard/tui/common"
)

// loadedMsg carries a report view back from the service.
type loadedMsg struct {
	number string
	seq    int
	view   core.ReportView
	wo     core.WorkOrder
	err    error
}

// invitedMsg carries an issued signing invitation and its QR code.
type invitedMsg struct {
	number string
	inv    core.ReportInvitation
	qr     string
	err    error
}

func loadCmd(svc *core.Service, number string, version, seq int) tea.Cmd {
	return func() tea.Msg {
		msg := loadedMsg{number: number, seq: seq}
		if msg.wo, msg.err = svc.WorkOrder(number); msg.err != nil {
			return msg
		}
		msg.view, msg.err = svc.Report(number, version)
		return msg
	}
}

func inviteCmd(svc *core.Service, as core.Actor, number, via string) tea.Cmd {
	return func() tea.Msg {
		inv, err := svc.InviteReportSignature(as, number, via, 0)
		msg := invitedMsg{number: number, inv: inv, err: err}
		if err == nil {
			msg.qr = qrcode.Terminal(inv.URL)
		}
		return msg
	}
}

// pdfCmd saves the shown version as a PDF named name, through the person's
// own client (their working directory, their permissions).
func pdfCmd(c *common.Common, v core.ReportView, name string, loc *time.Location) tea.Cmd {
	what := fmt.Sprintf("the PDF of %s v%d", v.Number, v.Shown.Version)
	return common.SaveFileCmd(c, what, name, 0o644, func() ([]byte, error) {
		photos, err := c.Svc.ReportPhotos(v.Shown)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		err = reportpdf.WriteWithPhotos(&b, &v, v.Shown, loc, photos)
		return b.Bytes(), err
	})
}

// vias are the ways to invite the customer to sign, as the picker offers them.
var vias = []struct{ via, label string }{
	{"link", "link only (show it, with its QR code)"},
	{"sms", "SMS"},
	{"email", "email"},
	{"wechat", "WeChat official account"},
	{"mini-program", "WeChat mini program"},
}

type keyMap struct {
	up, down, pageUp, pageDown, home, end, back, reload key.Binding
	older, newer, fill, invite, pdf, choose             key.Binding
	photo                                               key.Binding
}

// Model is the report view of one work order.
type Model struct {
	c      *common.Common
	keys   keyMap
	number string
	// version is the version shown (0: the newest).
	version int
	width   int
	height  int

	view *core.ReportView
	wo   core.WorkOrder
	err  error
	seq  int
	busy common.Busy
	vp   viewport.Model

	picking bool
	pick    int
	invite  *invitedMsg
	// inviteLine is where the invitation starts in the content.
	inviteLine int
	// saveAs asks where the PDF goes; photo which file to attach.
	saveAs common.SaveAs
	photo  common.Prompt
}

// New returns the report view of work order number; Init loads it.
func New(c *common.Common, number string) *Model {
	km := c.Keys
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{}
	return &Model{
		c: c, number: number, busy: common.NewBusy(c.Styles), vp: vp, saveAs: common.NewSaveAs(c), photo: common.NewPrompt(c),
		keys: keyMap{
			up: km.Up, down: km.Down, pageUp: km.PageUp, pageDown: PageDownKey(km), home: km.Home, end: km.End,
			back: km.Back, reload: km.Reload, older: km.OlderVersion, newer: km.NewerVersion,
			fill: km.FillReport, invite: km.InviteSign, pdf: km.SavePDF, choose: km.Choose,
			photo: key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "add photo")),
		},
	}
}

// Number is the work order the screen shows.
func (m *Model) Number() string { return m.number }

// Init loads the report.
func (m *Model) Init() tea.Cmd { return m.reloadCmd() }

func (m *Model) reloadCmd() tea.Cmd {
	m.seq++
	return tea.Batch(loadCmd(m.c.Svc, m.number, m.version, m.seq), m.busy.StartCmd())
}

// SetSize fits the viewport under the title and status lines.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.vp.Width = width
	m.vp.Height = max(1, height-2)
	m.rebuild()
}

// Capturing is true while the PDF's name is typed.
func (m *Model) Capturing() bool { return m.saveAs.Active() || m.photo.Active() }

// Update handles keys, loads, invitations and change notices.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return m.keyCmd(msg)
	case loadedMsg:
		if msg.number != m.number || msg.seq != m.seq {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			m.err = msg.err
			return common.ErrorCmd(msg.err)
		}
		m.err = nil
		v := msg.view
		m.view, m.wo = &v, msg.wo
		m.rebuild()
		return nil
	case invitedMsg:
		if msg.number != m.number {
			return nil
		}
		m.busy.Stop()
		if msg.err != nil {
			return common.ErrorCmd(msg.err)
		}
		m.invite = &msg
		m.rebuild()
		m.vp.SetYOffset(m.inviteLine) // the link first; the QR code follows
		text := fmt.Sprintf("Signing link for v%d issued (%s).", msg.inv.Version, msg.inv.Via)
		for _, x := range msg.inv.Messages {
			text = fmt.Sprintf("Invitation to sign v%d: %s %s.", msg.inv.Version, x.Channel, x.State)
			if x.Reason != "" {
				text += " " + x.Reason
			}
		}
		return common.StatusCmd(text)
	case common.WorkOrdersChangedMsg:
		if msg.Touches(m.number) {
			return m.reloadCmd()
		}
		return nil
	case common.ThemeChangedMsg:
		m.rebuild() // drawn in the old colours
		return nil
	}
	return m.busy.Update(msg)
}

func (m *Model) keyCmd(msg tea.KeyMsg) tea.Cmd {
	k := m.bindings()
	if m.saveAs.Active() {
		name, done, cmd := m.saveAs.Update(msg)
		if done && name != "" && m.view != nil && m.view.Shown != nil {
			return pdfCmd(m.c, *m.view, name, m.c.Location())
		}
		return cmd
	}
	if m.photo.Active() {
		name, done, cmd := m.photo.Update(msg)
		if done && name != "" {
			return photoCmd(m.c, m.number, name)
		}
		return cmd
	}
	if m.picking {
		switch {
		case key.Matches(msg, k.back):
			m.picking = false
		case key.Matches(msg, k.up):
			m.pick = (m.pick + len(vias) - 1) % len(vias)
		case key.Matches(msg, k.down):
			m.pick = (m.pick + 1) % len(vias)
		case key.Matches(msg, k.choose):
			m.picking = false
			return tea.Batch(inviteCmd(m.c.Svc, m.c.Actor, m.number, vias[m.pick].via), m.busy.StartCmd())
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.back):
		return common.BackCmd
	case key.Matches(msg, k.up):
		m.vp.ScrollUp(1)
	case key.Matches(msg, k.down):
		m.vp.ScrollDown(1)
	case key.Matches(msg, k.pageUp):
		m.vp.PageUp()
	case key.Matches(msg, k.pageDown):
		m.vp.PageDown()
	case key.Matches(msg, k.home):
		m.vp.GotoTop()
	case key.Matches(msg, k.end):
		m.vp.GotoBottom()
	case key.Matches(msg, k.reload):
		return m.reloadCmd()
	case key.Matches(msg, k.older):
		m.version = m.view.Shown.Version - 1
		return m.reloadCmd()
	case key.Matches(msg, k.newer):
		m.version = m.view.Shown.Version + 1
		if m.version >= m.view.Status.Latest {
			m.version = 0
		}
		return m.reloadCmd()
	case key.Matches(msg, k.fill):
		return OpenFormCmd(m.number, false)
	case key.Matches(msg, k.invite):
		m.picking, m.pick = true, 0
	case key.Matches(msg, k.pdf):
		return m.saveAs.Open("the PDF", reportpdf.FileName(m.view.Shown))
	case key.Matches(msg, k.photo):
		m.photo.SetPlaceholder("a JPEG or PNG, e.g. ~/photos/after.jpg (yours, relative to where you started switchboard)")
		return m.photo.Open("Attach the photo", "")
	}
	return nil
}

// photoCmd reads a photo the person names, through their console, and
// attaches it for the report (the twin of `report photo`).
func photoCmd(c *common.Common, number, name string) tea.Cmd {
	return func() tea.Msg {
		data, err := c.ReadFile(name, core.MaxPhotoBytes+1)
		if err != nil {
			return common.ErrorMsg{Err: core.Invalid("photo", "%s: %v", name, err)}
		}
		a, err := c.Svc.AddPhoto(c.Actor, number, name, data)
		if err != nil {
			return common.ErrorMsg{Err: err}
		}
		return common.StatusMsg{Text: fmt.Sprintf("Photo %s attached to %s: the next report version carries it (f fills the report).", a.Filename, number)}
	}
}

// mayWrite reports whether the acting user may fill reports.
func (m *Model) mayWrite() bool {
	a := m.c.Actor
	return a.Kind == core.SubmitterInternal && a.User.Has(ReportRoles...)
}

func (m *Model) bindings() keyMap {
	k := m.keys
	scrolls := m.vp.TotalLineCount() > m.vp.Height
	for _, b := range []*key.Binding{&k.up, &k.down, &k.pageUp, &k.pageDown, &k.home, &k.end} {
		b.SetEnabled(scrolls || m.picking)
	}
	shown := m.view != nil && m.view.Shown != nil
	k.older.SetEnabled(shown && m.view.Shown.Version > 1)
	k.newer.SetEnabled(shown && m.view.Shown.Version < m.view.Status.Latest)
	open := m.view != nil && m.wo.Node != core.NodeDispatch && m.wo.Status != core.StatusTerminated
	k.fill.SetEnabled(open && m.mayWrite())
	a := m.c.Actor
	latestSigned := m.view != nil && (m.view.Status.State == core.ReportSigned || m.view.Status.State == core.ReportTampered)
	k.invite.SetEnabled(m.view != nil && m.view.Status.Latest > 0 && !latestSigned && a.Kind == core.SubmitterInternal &&
		a.User.Has(core.RoleAdmin, core.RoleDispatcher, core.RoleCallCenter, core.RoleEngineer))
	k.pdf.SetEnabled(shown)
	k.photo.SetEnabled(open && a.Kind == core.SubmitterInternal && a.User.Has(core.RoleAdmin, core.RoleDispatcher, core.RoleEngineer))
	k.choose.SetEnabled(m.picking)
	if m.picking {
		k.back.SetHelp("esc", "cancel")
		k.up.SetHelp("↑/k", "previous way")
		k.down.SetHelp("↓/j", "next way")
		k.choose.SetHelp("enter", "invite")
	}
	return k
}

// ShortHelp lists the keys that apply now.
func (m *Model) ShortHelp() []key.Binding {
	k := m.bindings()
	if m.saveAs.Active() {
		return m.saveAs.Keys()
	}
	if m.photo.Active() {
		return m.photo.Keys()
	}
	if m.picking {
		return []key.Binding{k.choose, k.up, k.down, k.back}
	}
	return []key.Binding{k.back, k.fill, k.photo, k.invite, k.pdf, k.older, k.newer, k.pageDown}
}

// FullHelp lists every key of the screen.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.bindings()
	if m.picking {
		return [][]key.Binding{{k.up, k.down, k.choose, k.back}}
	}
	return [][]key.Binding{{k.up, k.down, k.pageUp, k.pageDown, k.home, k.end}, {k.older, k.newer, k.fill, k.photo, k.invite, k.pdf}, {k.back, k.reload}}
}

// rebuild renders the content for the current width.
func (m *Model) rebuild() {
	if m.view == nil || m.width <= 0 {
		return
	}
	off := m.vp.YOffset
	m.vp.SetContent(m.content())
	m.vp.SetYOffset(off)
}

// View draws the title, the status line and the scrollable report.
func (m *Model) View() string {
	st := m.c.Styles
	title := st.Title.Render("Service report · "+m.number) + "  "
	switch {
	case m.view != nil:
		title += st.Value.Render(common.Clean(m.view.Subject))
		if s := m.view.Shown; s != nil {
			title += st.Muted.Render(fmt.Sprintf("  v%d of %d", s.Version, len(m.view.Versions)))
		}
	case m.err == nil:
		title += st.Muted.Render("loading… ") + m.busy.View()
	}
	title = common.Fit(common.Truncate(title, m.width), m.width)
	switch {
	case m.err != nil && m.view == nil:
		return title + "\n\n" + st.Error.Render(common.Truncate("  "+m.err.Error(), m.width)) +
			"\n" + st.Muted.Render(common.Truncate("  esc goes back; ctrl+r tries again.", m.width))
	case m.view == nil:
		return title
	}
	status := m.statusLine()
	if m.saveAs.Active() {
		status = m.saveAs.View(m.c.Styles, m.width)
	}
	if m.photo.Active() {
		status = m.photo.View(m.c.Styles, m.width)
	}
	if m.picking {
		return title + "\n" + status + "\n" + m.pickerView()
	}
	return title + "\n" + status + "\n" + m.vp.View()
}

// statusLine is signed / unsigned / changed since signing / tampered, for the
// version shown and the report as a whole.
func (m *Model) statusLine() string {
	st := m.c.Styles
	v := m.view
	s := v.Status
	var line string
	style := st.Value
	switch s.State {
	case core.ReportSigned:
		style = st.Match
		line = fmt.Sprintf("SIGNED · v%d signed by %s", s.Latest, s.Signer)
	case core.ReportUnsigned:
		style = st.Overdue
		line = fmt.Sprintf("UNSIGNED · v%d not signed yet", s.Latest)
	case core.ReportChanged:
		style = st.Overdue
		line = fmt.Sprintf("CHANGED SINCE SIGNING · v%d not signed; v%d was signed by %s", s.Latest, s.SignedVersion, s.Signer)
	case core.ReportTampered:
		style = st.Error
		line = "TAMPERED · " + s.Problem
	case core.ReportDrafted:
		line = "DRAFT · generated when the service node completes"
	default:
		line = "NO REPORT YET · f fills it; completing the service node generates it"
	}
	if sh := v.Shown; sh != nil && sh.Version != s.Latest {
		what := "unsigned"
		if sh.Signed() {
			what = "signed by " + sh.Signature.Name
		}
		line = fmt.Sprintf("viewing v%d (%s) · ", sh.Version, what) + line
	}
	return style.Render(common.Truncate(common.Clean(line), m.width))
}

func (m *Model) pickerView() string {
	st := m.c.Styles
	var b strings.Builder
	b.WriteString(st.Section.Render(fmt.Sprintf("Invite the customer to sign version %d", m.view.Status.Latest)) + "\n")
	for i, v := range vias {
		line := "  " + v.label
		if i == m.pick {
			b.WriteString(st.SelectedRow.Render(common.Fit("> "+v.label, m.width)) + "\n")
			continue
		}
		b.WriteString(st.Row.Render(common.Truncate(line, m.width)) + "\n")
	}
	b.WriteString(st.Muted.Render(common.Truncate("  The link works once, for 7 days; SMS, email and WeChat send the \"service report signature\" notice.", m.width)))
	return b.String()
}

// content renders the shown version, its signature, the versions and any
// invitation issued here.
func (m *Model) content() string {
	st := m.c.Styles
	v := m.view
	loc := m.c.Location()
	var b strings.Builder
	r := v.Shown
	if r == nil {
		if d := v.Draft; d != nil {
			m.section(&b, "Draft", [][2]string{
				{"Work done", d.WorkDone}, {"Parts", core.PartsText(d.Parts)}, {"Notes", d.Notes},
				{"Saved", common.FormatTime(d.UpdatedAt, loc) + " by " + d.UpdatedBy},
			})
		} else {
			b.WriteString(st.Muted.Render("  Nothing filled yet.") + "\n")
		}
		return strings.TrimRight(b.String(), "\n")
	}
	dur := ""
	if d := core.DurationText(r.StartedAt, r.FinishedAt); d != "" {
		dur = " (" + d + ")"
	}
	m.section(&b, fmt.Sprintf("Version %d", r.Version), [][2]string{
		{"Made", common.FormatTime(r.CreatedAt, loc) + " by " + r.CreatedBy},
		{"Customer", r.Customer}, {"Account", r.Account}, {"Phone", r.Phone}, {"Address", r.Address}, {"Device", r.DeviceCode},
		{"Engineer", strings.Trim(r.Engineer+" · "+r.Provider, " ·")},
		{"Started", common.FormatTime(r.StartedAt, loc)}, {"Finished", common.FormatTime(r.FinishedAt, loc) + dur},
	})
	m.section(&b, "Work done", [][2]string{{"", common.OrDash(r.WorkDone)}})
	var parts [][2]string
	for _, p := range r.Parts {
		parts = append(parts, [2]string{"×" + core.QuantityText(p.Quantity), p.Name})
	}
	if len(parts) == 0 {
		parts = [][2]string{{"", "none"}}
	}
	m.section(&b, "Parts used", parts)
	if len(r.Photos) > 0 {
		var rows [][2]string
		for _, ph := range r.Photos {
			rows = append(rows, [2]string{ph.Filename, fmt.Sprintf("%d×%d · SHA-256 %s…", ph.Width, ph.Height, ph.SHA256[:12])})
		}
		m.section(&b, "Photos (in the PDF and on the customer's page)", rows)
	}
	if r.Notes != "" {
		m.section(&b, "Notes", [][2]string{{"", r.Notes}})
	}
	integrity := "intact: the stored version matches its SHA-256"
	if v.ShownProblem != "" {
		integrity = "TAMPERED: " + v.ShownProblem
	}
	sig := [][2]string{{"SHA-256", r.SHA256}}
	if s := r.Signature; s != nil {
		method := "typed full name"
		if s.Method == core.SignatureDrawn {
			method = fmt.Sprintf("drawn (%d-byte PNG)", len(s.PNG))
		}
		sig = append(sig, [2]string{"Signed by", s.Name}, [2]string{"Signed at", common.FormatTime(s.SignedAt, loc)},
			[2]string{"Signature", method}, [2]string{"From IP", s.IP}, [2]string{"Covers", "v" + fmt.Sprint(s.Version) + " SHA-256 " + s.ReportSHA256})
		if r.Check() == nil {
			integrity += " and its signature"
		}
	} else {
		sig = append(sig, [2]string{"Signed", "not signed"})
	}
	sig = append(sig, [2]string{"Check", integrity})
	m.section(&b, "Signature", sig)
	if len(v.Versions) > 1 {
		var rows [][2]string
		for _, x := range slices.Backward(v.Versions) {
			state := "unsigned"
			if x.Signature != nil {
				state = "signed by " + x.Signature.Name + " " + common.FormatTime(x.Signature.SignedAt, loc)
			}
			rows = append(rows, [2]string{fmt.Sprintf("v%d", x.Version), common.FormatTime(x.CreatedAt, loc) + "  " + state})
		}
		m.section(&b, fmt.Sprintf("Versions (%d) · [ ] to move between them", len(v.Versions)), rows)
	}
	if inv := m.invite; inv != nil {
		m.inviteLine = strings.Count(b.String(), "\n")
		rows := [][2]string{{"Link", inv.inv.URL}, {"Expires", common.FormatTime(inv.inv.ExpiresAt, loc) + " (single use)"}}
		for _, x := range inv.inv.Messages {
			line := fmt.Sprintf("%s to %s: %s", x.Channel, common.OrDash(core.MaskAddress(x.Recipient.Address)), x.State)
			if x.Reason != "" {
				line += " (" + x.Reason + ")"
			}
			rows = append(rows, [2]string{"Sent", line})
		}
		m.section(&b, fmt.Sprintf("Invitation to sign v%d", inv.inv.Version), rows)
		if inv.qr != "" && common.Width(strings.SplitN(inv.qr, "\n", 2)[0]) <= m.width {
			b.WriteString(inv.qr + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// section writes a heading and label/value rows; values wrap under themselves.
func (m *Model) section(b *strings.Builder, title string, rows [][2]string) {
	st := m.c.Styles
	b.WriteString(st.Section.Render(common.Truncate(title, m.width)) + "\n")
	labelW := 0
	for _, r := range rows {
		labelW = max(labelW, common.Width(r[0]))
	}
	if labelW > 0 {
		labelW += 2
	}
	valueW := max(10, m.width-2-labelW)
	for _, r := range rows {
		if strings.TrimSpace(r[1]) == "" {
			continue
		}
		for i, l := range common.Wrap(r[1], valueW) {
			label := ""
			if i == 0 {
				label = r[0]
			}
			b.WriteString("  " + st.Label.Render(common.Fit(label, labelW)) + st.Value.Render(l) + "\n")
		}
	}
	b.WriteByte('\n')
}
