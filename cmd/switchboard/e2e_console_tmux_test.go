package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sgrColour matches an escape sequence that sets a foreground or background
// colour (8, 16, 256 or true colour), as tmux capture-pane -e writes them.
var sgrColour = regexp.MustCompile(`\x1b\[(?:[0-9]+;)*(?:3[0-7]|38;[25]|4[0-7]|48;[25]|9[0-7]|10[0-7])[;m]`)

// TestConsoleColourLocally is issue 17's colour check: a local console (the real
// binary under tmux, attached to its background server) draws in colour when
// TERM says 256 colours, and draws none with NO_COLOR=1. The console runs in
// the server, so its colour profile must come from the client's terminal.
func TestConsoleColourLocally(t *testing.T) {
	d := newDB(t)
	d.ok("demo", "--work-orders", "40", "--no-ui", "--now", "2026-11-02T09:30:00Z")
	for _, tc := range []struct {
		name   string
		env    []string
		colour bool
	}{
		{"256 colours", []string{"TERM=tmux-256color", "COLORTERM="}, true},
		{"true colour", []string{"TERM=tmux-256color", "COLORTERM=truecolor"}, true},
		{"NO_COLOR", []string{"TERM=tmux-256color", "COLORTERM=truecolor", "NO_COLOR=1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startTmuxWith(t, d.home, tmuxOpts{env: tc.env}, binary, "--db", d.path, "--listen", "127.0.0.1:0")
			s.waitFor("of 40")
			esc := s.screenEscapes()
			if got := sgrColour.MatchString(esc); got != tc.colour {
				t.Errorf("with %v the console drew colour = %v, want %v; the screen with its escapes:\n%q", tc.env, got, tc.colour, esc)
			}
			s.keys("q")
			s.waitFor("switchboard exited 0")
		})
	}
}

// TestSecondDemoShowsItsDatabase (issue 17): a second `switchboard demo` fills
// demo.db while the first demo's server still holds the default database; its
// console must be on demo.db — header and rows — not attach to the old server.
func TestSecondDemoShowsItsDatabase(t *testing.T) {
	home := t.TempDir()
	dir := filepath.Join(home, "data", "switchboard")
	for _, p := range []string{filepath.Join(dir, "switchboard.db"), filepath.Join(dir, "demo.db")} {
		t.Cleanup(func() { _ = exec.Command(binary, "--db", p, "server", "stop").Run() })
	}
	first := startTmuxWith(t, home, tmuxOpts{}, binary, "demo", "--work-orders", "20", "--listen", "127.0.0.1:0")
	first.waitFor("of 20")
	first.keys("q")
	first.waitFor("switchboard exited 0")

	second := startTmuxWith(t, home, tmuxOpts{}, binary, "demo", "--work-orders", "30", "--listen", "127.0.0.1:0")
	scr := second.waitFor("of 30")
	if !strings.Contains(scr, "demo.db") {
		t.Errorf("the second demo's console does not name demo.db in its header:\n%s", scr)
	}
	second.keys("q")
	second.waitFor("switchboard exited 0")
}
