package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
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

// TestConsoleAllDayEndToEnd is issue 17's tour of the console as a dispatcher
// keeps it open, on the real binary under tmux attached to its server: ? opens
// help and esc closes it; : jumps to a work order by number; E edits it while
// the CLI changes it underneath, and the console says who changed what, keeps
// the typing, and saves over it on a second ctrl+s; / filters the board; the
// report's PDF is saved by the person's own client in the directory they
// started the console in (not the server's).
func TestConsoleAllDayEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("provider", "add", "--name", "北方维保", "--tenant-id", "T-N")
	d.ok("engineer", "add", "--name", "张伟", "--provider", "1")
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储", "--terminal-user")
	d.ok("wo", "create", "--subject", "冷库温度过高", "--contact", "1")
	d.ok("wo", "create", "--subject", "Freezer door seal", "--contact", "1")
	d.ok("wo", "create", "--subject", "Boiler pressure low", "--phone", "13900139000")
	d.ok("dispatch", "assign", "1", "--engineer", "1")
	d.ok("report", "fill", "1", "--work-done", "更换压缩机启动电容")
	d.ok("wo", "advance", "1")

	work := t.TempDir()
	s := startTmuxWith(t, d.home, tmuxOpts{dir: work, width: 120, height: 40}, binary, "--db", d.path, "--listen", "127.0.0.1:0")
	s.waitFor("WO-000003")

	// Help: ? opens it over the screen, esc closes it.
	s.keys("?")
	s.waitForAll("Keys", "esc or ? closes", "People")
	s.keys("Escape")
	scr := s.waitFor("WO-000003")
	if strings.Contains(scr, "esc or ? closes") {
		t.Fatalf("esc did not close help:\n%s", scr)
	}

	// The palette jumps to a work order by number.
	s.keys(":")
	s.waitFor("Go to")
	s.text("WO-000002")
	s.waitFor("> WO-000002")
	s.keys("Enter")
	s.waitForAll("WO-000002  Freezer door seal", "Summary")

	// Edit it while the CLI changes it underneath.
	s.keys("E")
	s.waitFor("Edit WO-000002")
	s.keys("C-u")
	s.text("Freezer door seal torn at dock 3")
	d.ok("wo", "edit", "2", "--priority", "high")
	s.keys("C-s")
	s.waitForAll("WO-000002 was changed by admin", "your changes are still here")
	s.keys("C-s")
	s.waitFor("WO-000002 saved (version")
	var w map[string]any
	d.okJSON(&w, "wo", "show", "2", "--json")
	if w["subject"] != "Freezer door seal torn at dock 3" || w["priority"] != "high" {
		t.Fatalf("after saving over the CLI's change: subject %v, priority %v (both changes must stay)", w["subject"], w["priority"])
	}

	// The board filters with /.
	s.keys("2")
	s.waitForAll("Manual queue", "WO-000003", "WO-000002")
	s.keys("/")
	s.text("boiler")
	scr = s.waitFor("Boiler pressure low")
	s.keys("Enter")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(scr, "WO-000002") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		scr = s.screen()
	}
	if strings.Contains(scr, "WO-000002") || !strings.Contains(scr, "WO-000003") {
		t.Fatalf("the board's filter does not narrow the queue:\n%s", scr)
	}

	// The report's PDF lands where the person is.
	s.keys(":")
	s.text("WO-000001")
	s.waitFor("> WO-000001")
	s.keys("Enter")
	s.waitFor("WO-000001  冷库温度过高")
	s.keys("v")
	s.waitFor("Service report · WO-000001")
	s.keys("p")
	s.waitFor("Save the PDF as")
	s.keys("Enter")
	s.waitFor("Saved the PDF of WO-000001 v1:")
	pdfs, _ := filepath.Glob(filepath.Join(work, "*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("the PDF is not in the console's working directory %s: %v", work, pdfs)
	}
	b, err := os.ReadFile(pdfs[0])
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF (%v)", pdfs[0], err)
	}
	if stray, _ := filepath.Glob(filepath.Join(d.home, "*.pdf")); len(stray) > 0 {
		t.Fatalf("a PDF also landed in the server's directory: %v", stray)
	}
	s.keys("q")
	s.waitFor("switchboard exited 0")
}
