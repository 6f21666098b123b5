package tui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestThemeSwitchRedrawsEveryScreen: `:theme light` typed on any screen
// draws that screen exactly as a console started with --theme light draws
// it — nothing kept from the dark theme (the open work order kept its
// near-white text on a light terminal until it was opened again). Every
// screen of TestGoldenScreens, at 80×24, both ways, once the footer no
// longer says the theme changed.
func TestThemeSwitchRedrawsEveryScreen(t *testing.T) {
	draw := func(t *testing.T, route func(*testing.T, *fixture, *harness), start, switchTo string) string {
		f := newFixture(t)
		fixLinkSecret(t, f)
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.ANSI256)
		opt := f.options()
		opt.Renderer, opt.Theme = r, start
		h := newHarnessWith(t, f, f.admin, 160, 50, opt)
		route(t, f, h)
		h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
		h.settle(50 * time.Millisecond)
		if switchTo != "" {
			h.run(h.m.setThemeCmd(switchTo))
		}
		h.settle(50 * time.Millisecond)
		h.m.clearFooter() // "Theme light. …", as after a few seconds
		return apiKeyPrefix.ReplaceAllString(h.m.View(), "sbk_xxxxxx")

	}
	for _, sc := range goldenScreens {
		t.Run(sc.name, func(t *testing.T) {
			for _, pair := range [][2]string{{"dark", "light"}, {"light", "dark"}} {
				switched := draw(t, sc.route, pair[0], pair[1])
				fresh := draw(t, sc.route, pair[1], "")
				if switched != fresh {
					sl, fl := strings.Split(switched, "\n"), strings.Split(fresh, "\n")
					for i := range min(len(sl), len(fl)) {
						if sl[i] != fl[i] {
							t.Errorf("switched from %s to %s, line %d is not drawn as a console started in %s draws it:\n%q\n%q", pair[0], pair[1], i+1, pair[1], sl[i], fl[i])
							break
						}
					}
				}
			}
		})
	}
}
