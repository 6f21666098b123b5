package tui

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/muesli/termenv"
)

// goldenScreens are the console's screens, each reached the way a person
// reaches it, on the fixture's fixed data and clock.
var goldenScreens = []struct {
	name  string
	route func(t *testing.T, f *fixture, h *harness)
}{
	{"work-orders", twinRoutes["Work orders"]},
	{"new-work-order", func(t *testing.T, f *fixture, h *harness) {
		h.waitView("1 of 12")
		h.key("n")
		h.waitView("New work order")
	}},
	{"detail", twinRoutes["Work order at the service node"]},
	{"edit-work-order", func(t *testing.T, f *fixture, h *harness) {
		h.openDetail(serviceWO)
		h.key("E")
		h.waitView("Edit " + serviceWO)
	}},
	{"report-form", func(t *testing.T, f *fixture, h *harness) {
		h.openDetail(serviceWO)
		h.key("f")
		h.waitView("Work done")
	}},
	{"report-view", twinRoutes["Report view of a filled report"]},
	{"evaluation-qr", twinRoutes["Evaluation QR screen"]},
	{"board", twinRoutes["Dispatch"]},
	{"board-picker", func(t *testing.T, f *fixture, h *harness) {
		twinRoutes["Dispatch"](t, f, h)
		h.key("a")
		h.waitView("华东服务有限公司")
	}},
	{"rules", twinRoutes["Rules"]},
	{"rule-form", func(t *testing.T, f *fixture, h *harness) {
		twinRoutes["Rules"](t, f, h)
		h.key("n")
		h.waitView("New dispatch rule")
	}},
	{"tasks", twinRoutes["My tasks"]},
	{"notices", twinRoutes["Notices"]},
	{"template-editor", twinRoutes["Template editor"]},
	{"channels", twinRoutes["Channel settings"]},
	{"outbox", twinRoutes["Outbox"]},
	{"devices", twinRoutes["Devices"]},
	{"process", twinRoutes["Process"]},
	{"intake-quarantine", twinRoutes["Intake quarantine"]},
	{"intake-api-keys", twinRoutes["Intake API keys"]},
	{"ratings", twinRoutes["Ratings"]},
	{"follow-up-queue", twinRoutes["Follow-up"]},
	{"follow-up-call", twinRoutes["Follow-up call"]},
	{"follow-up-settings", twinRoutes["Follow-up settings"]},
	{"users", twinRoutes["Users"]},
	{"people", twinRoutes["People: contacts"]},
	{"help", func(t *testing.T, f *fixture, h *harness) {
		h.waitView("1 of 12")
		h.key("?")
		h.waitView("esc or ? closes")
	}},
	{"palette", func(t *testing.T, f *fixture, h *harness) {
		h.waitView("1 of 12")
		h.key(":")
		h.typeText("dis")
		h.waitView("Go to")
	}},
}

var apiKeyPrefix = regexp.MustCompile(`sbk_[a-z0-9]{6}`)

// TestGoldenScreens (issue 17): every screen at 80×24 and 120×40, in the
// light and the dark theme, drawn in 256 colours, matches
// testdata/TestGoldenScreens/<screen>/<size>-<theme>.golden (escapes shown
// quoted in a diff). Regenerate with: go test ./tui -run GoldenScreens -update
// and read the diff before committing it.
func TestGoldenScreens(t *testing.T) {
	sizes := []struct{ w, h int }{{80, 24}, {120, 40}}
	for _, sc := range goldenScreens {
		t.Run(sc.name, func(t *testing.T) {
			for _, theme := range []string{"light", "dark"} {
				for _, sz := range sizes {
					t.Run(fmt.Sprintf("%dx%d-%s", sz.w, sz.h, theme), func(t *testing.T) {
						f := newFixture(t)
						fixLinkSecret(t, f) // links and their QR codes come out the same every run
						r := lipgloss.NewRenderer(io.Discard)
						r.SetColorProfile(termenv.ANSI256)
						r.SetHasDarkBackground(theme == "dark")
						opt := f.options()
						opt.Renderer, opt.Theme = r, theme
						h := newHarnessWith(t, f, f.admin, 160, 50, opt)
						sc.route(t, f, h)
						h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
						h.settle(50 * time.Millisecond)
						v := h.m.View()
						lines := strings.Split(v, "\n")
						if len(lines) != sz.h {
							t.Errorf("the screen is %d lines, not %d", len(lines), sz.h)
						}
						for i, l := range lines {
							if w := ansi.StringWidth(l); w > sz.w {
								t.Errorf("line %d is %d cells wide, wider than the terminal's %d: %q", i+1, w, sz.w, ansi.Strip(l))
							}
						}
						v = apiKeyPrefix.ReplaceAllString(v, "sbk_xxxxxx") // a new key's prefix is random
						golden.RequireEqualEscape(t, []byte(v), true)
					})
				}
			}
		})
	}
}
