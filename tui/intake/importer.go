package intake

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/tui/common"
)

// The import wizard (issue 8, item 4): choose contacts or work orders, type the
// CSV file's path, read the dry-run report of every bad cell (line, column,
// reason), and import only once the file is clean — all or nothing, as
// `switchboard import` does.

var importKinds = []string{"contacts", "work-orders"}

// maxImportFile bounds what the wizard reads (as the CLI does).
const maxImportFile = 512 << 20

// importedMsg is a dry run's or an import's report.
type importedMsg struct {
	seq    int
	kind   string
	path   string
	enc    string
	dryRun bool
	rep    core.ImportReport
	err    error
}

func importCmd(svc *core.Service, as core.Actor, seq int, kind, path, enc string, dryRun bool) tea.Cmd {
	return func() tea.Msg {
		out := importedMsg{seq: seq, kind: kind, path: path, enc: enc, dryRun: dryRun}
		f, err := os.Open(path)
		if err != nil {
			out.err = common.Sentence(fmt.Sprintf("Cannot read %s: %v.", path, unwrapPath(err)))
			return out
		}
		defer f.Close()
		r, err := core.CSVReader(io.LimitReader(f, maxImportFile), enc)
		if err != nil {
			out.err = err
			return out
		}
		if kind == "contacts" {
			out.rep, out.err = svc.ImportContactsCSV(as, r, dryRun)
		} else {
			out.rep, out.err = svc.ImportWorkOrdersCSV(as, r, dryRun)
		}
		return out
	}
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// importer is the wizard's state.
type importer struct {
	kind    int
	enc     int // core.CSVEncodings: e switches
	path    textinput.Model
	editing bool
	seq     int
	running bool
	// report is the last report, for report.kind and report.path.
	report  *importedMsg
	scroll  int
	confirm bool
}

func newImporter(c *common.Common) importer {
	in := textinput.New()
	in.Prompt = ""
	in.Placeholder = "the CSV file's path, e.g. ~/customers.csv"
	common.StyleInput(&in, c.Styles)
	in.CharLimit = 1000
	return importer{path: in}
}

// cleanPath expands ~ and makes the path absolute.
func cleanPath(p string) string {
	p = strings.TrimSpace(p)
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if abs, err := filepath.Abs(p); err == nil && p != "" {
		return abs
	}
	return p
}

// ready reports whether the last dry run was clean for what the wizard shows now.
func (im *importer) ready() bool {
	r := im.report
	return r != nil && r.err == nil && r.dryRun && len(r.rep.Problems) == 0 && r.rep.Rows > 0 &&
		r.kind == importKinds[im.kind] && r.path == cleanPath(im.path.Value()) && r.enc == core.CSVEncodings[im.enc]
}

func (m *Model) runImportCmd(dryRun bool) tea.Cmd {
	im := &m.imp
	path := cleanPath(im.path.Value())
	if path == "" {
		return common.ErrorCmd(common.Sentence("Type the CSV file's path first: enter edits it."))
	}
	im.seq++
	im.running, im.confirm, im.scroll = true, false, 0
	return tea.Batch(importCmd(m.c.Svc, m.c.Actor, im.seq, importKinds[im.kind], path, core.CSVEncodings[im.enc], dryRun), m.busy.StartCmd())
}

// importKeyCmd handles a key in the import view.
func (m *Model) importKeyCmd(msg tea.KeyMsg) tea.Cmd {
	im := &m.imp
	k := m.keys
	if im.editing {
		switch {
		case key.Matches(msg, k.back):
			im.editing = false
			im.path.Blur()
			return nil
		case key.Matches(msg, k.open):
			im.editing = false
			im.path.Blur()
			return m.runImportCmd(true)
		}
		var cmd tea.Cmd
		im.path, cmd = im.path.Update(msg)
		return cmd
	}
	if im.confirm {
		im.confirm = false
		if key.Matches(msg, k.confirm) && im.ready() {
			return m.runImportCmd(false)
		}
		return common.StatusCmd("Nothing imported.")
	}
	switch {
	case key.Matches(msg, k.open):
		im.editing = true
		im.path.CursorEnd()
		return im.path.Focus()
	case key.Matches(msg, k.left), key.Matches(msg, k.right):
		im.kind = 1 - im.kind
		if strings.TrimSpace(im.path.Value()) != "" {
			return m.runImportCmd(true)
		}
	case key.Matches(msg, k.encoding):
		im.enc = (im.enc + 1) % len(core.CSVEncodings)
		if strings.TrimSpace(im.path.Value()) != "" {
			return m.runImportCmd(true)
		}
	case key.Matches(msg, k.dryRun):
		return m.runImportCmd(true)
	case key.Matches(msg, k.save):
		if im.ready() {
			im.confirm = true
			return nil
		}
		return common.ErrorCmd(common.Sentence("Run a dry run first (d): only a clean file is imported."))
	case key.Matches(msg, k.up):
		im.scroll = max(0, im.scroll-1)
	case key.Matches(msg, k.down):
		im.scroll++
	}
	return nil
}

func (m *Model) importedCmd(msg importedMsg) tea.Cmd {
	im := &m.imp
	if msg.seq != im.seq {
		return nil
	}
	m.busy.Stop()
	im.running = false
	im.report = &msg
	if msg.err != nil {
		return common.ErrorCmd(msg.err)
	}
	r := msg.rep
	switch {
	case !msg.dryRun && len(r.Problems) == 0:
		what := fmt.Sprintf("%d contacts", r.Imported)
		if msg.kind == "work-orders" {
			what = fmt.Sprintf("%d work orders (%s to %s)", r.Imported, r.First, r.Last)
		}
		return tea.Batch(common.StatusCmd("Imported "+what+"."), m.reloadCmd())
	case len(r.Problems) > 0:
		return common.ErrorCmd(common.Sentence(fmt.Sprintf("%d problem(s) in %s: nothing was imported; fix them and run d again.", len(r.Problems), filepath.Base(msg.path))))
	}
	return common.StatusCmd(fmt.Sprintf("Dry run: %d rows are clean; ctrl+s imports them.", r.Rows))
}

// importLines draws the wizard.
func (m *Model) importLines(h int) []string {
	st := m.c.Styles
	im := &m.imp
	var out []string
	add := func(s string) { out = append(out, common.Truncate(s, m.width)) }
	label := func(s string) string { return st.Label.Render(common.Fit(s, 8)) + " " }
	var kinds []string
	for i, kd := range importKinds {
		if i == im.kind {
			kinds = append(kinds, st.SelectedChoice.Render("["+kd+"]"))
		} else {
			kinds = append(kinds, st.Muted.Render(" "+kd+" "))
		}
	}
	add(label("Import") + strings.Join(kinds, ""))
	add(label("File") + common.InputView(&im.path, st))
	var encs []string
	for i, e := range core.CSVEncodings {
		name := map[string]string{"utf-8": "UTF-8", "gbk": "GBK (Excel's CSV on Chinese Windows)"}[e]
		if i == im.enc {
			encs = append(encs, st.SelectedChoice.Render("["+name+"]"))
		} else {
			encs = append(encs, st.Muted.Render(" "+name+" "))
		}
	}
	add(label("Text") + strings.Join(encs, ""))
	cols := core.ContactCSVColumns
	if im.kind == 1 {
		cols = core.WorkOrderCSVColumns
	}
	add(st.Muted.Render("Columns (first line): " + strings.Join(cols, ", ")))
	add("")
	r := im.report
	switch {
	case im.running:
		add(st.Muted.Render("Reading the file…"))
	case r == nil:
		add(st.Muted.Render("enter types the path and runs a dry run: every bad cell is listed; nothing is written until the file is clean."))
	case r.err != nil:
		add(st.Error.Render(r.err.Error()))
	default:
		verb := "Dry run of"
		if !r.dryRun {
			verb = "Import of"
		}
		head := fmt.Sprintf("%s %s (%s): %d rows, %d problems", verb, filepath.Base(r.path), r.kind, r.rep.Rows, len(r.rep.Problems))
		if !r.dryRun && len(r.rep.Problems) == 0 {
			head += fmt.Sprintf(" — imported %d", r.rep.Imported)
			if r.rep.First != "" {
				head += fmt.Sprintf(" (%s to %s)", r.rep.First, r.rep.Last)
			}
		}
		add(st.Section.Render(head))
		if len(r.rep.Problems) == 0 && r.dryRun {
			if im.ready() {
				add(st.Match.Render("The file is clean: ctrl+s imports it (all or nothing)."))
			} else {
				add(st.Muted.Render("The kind or the path changed since: d runs the dry run again."))
			}
		}
		room := max(1, h-len(out)-2)
		probs := r.rep.Problems
		im.scroll = max(0, min(im.scroll, len(probs)-room))
		for _, p := range probs[im.scroll:min(len(probs), im.scroll+room)] {
			add(st.FieldError.Render("  " + p.String()))
		}
		if rest := len(probs) - im.scroll - room; rest > 0 {
			add(st.Muted.Render(fmt.Sprintf("  … %d more (↓ scrolls)", rest)))
		}
	}
	if im.confirm && r != nil {
		add("")
		add(st.Banner.Render(fmt.Sprintf("Import %d %s from %s? y imports, any other key keeps the database as it is.", r.rep.Rows, r.kind, filepath.Base(r.path))))
	}
	return out
}
