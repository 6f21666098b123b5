package main

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmuxSession is the real binary running in a detached tmux pane of a fixed size,
// on a tmux server of its own so tests never touch a user's sessions.
type tmuxSession struct {
	t      *testing.T
	socket string
}

// needTmux skips without tmux, except in CI (CI=true), where a missing tmux is a
// failure: the console's end-to-end tests must run there.
func needTmux(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed; CI must run the console end-to-end tests (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
}

// startTmux runs argv (the binary and its arguments) in a 140×40 pane. When the
// program ends, the pane prints "switchboard exited N" and stays up for inspection.
func startTmux(t *testing.T, home string, argv ...string) *tmuxSession {
	t.Helper()
	return startTmuxThen(t, home, "true", argv...)
}

// startTmuxThen is startTmux running the shell commands after (e.g. "stty -a")
// once the program has ended, before the pane sleeps.
func startTmuxThen(t *testing.T, home, after string, argv ...string) *tmuxSession {
	t.Helper()
	return startTmuxWith(t, home, tmuxOpts{after: after}, argv...)
}

// tmuxOpts are the less common settings of a tmux pane.
type tmuxOpts struct {
	// after runs in the pane's shell once the program has ended.
	after string
	// env are extra variables ("TERM=tmux-256color", "NO_COLOR=1") for the program.
	env []string
	// width and height default to 140×40.
	width, height int
	// dir is the program's working directory (the test's by default).
	dir string
}

// startTmuxWith runs argv in a pane set up by o.
func startTmuxWith(t *testing.T, home string, o tmuxOpts, argv ...string) *tmuxSession {
	t.Helper()
	needTmux(t)
	if o.after == "" {
		o.after = "true"
	}
	if o.width == 0 {
		o.width, o.height = 140, 40
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("sbtest-%d-%d", os.Getpid(), time.Now().UnixNano())}
	var quoted []string
	for _, kv := range env(t, home) {
		if strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "XDG_DATA_HOME=") || strings.HasPrefix(kv, "TZ=") {
			quoted = append(quoted, shellQuote(kv))
		}
	}
	for _, kv := range o.env {
		quoted = append(quoted, shellQuote(kv))
	}
	for _, a := range argv {
		quoted = append(quoted, shellQuote(a))
	}
	// Not CI: termenv takes a set CI to mean "no terminal" and draws no colour;
	// the program runs as a person's would.
	script := "env -u CI " + strings.Join(quoted, " ") + `; echo "switchboard exited $?"; ` + o.after + `; sleep 600`
	args := []string{"-L", s.socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(o.width), "-y", fmt.Sprint(o.height)}
	if o.dir != "" {
		args = append(args, "-c", o.dir)
	}
	cmd := exec.Command("tmux", append(args, script)...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("starting tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// screen is what the pane shows now.
func (s *tmuxSession) screen() string {
	out, err := exec.Command("tmux", "-L", s.socket, "capture-pane", "-p", "-t", "e2e").Output()
	if err != nil {
		s.t.Fatalf("capture-pane: %v", err)
	}
	return string(out)
}

// screenEscapes is what the pane shows now with its colours and attributes as
// escape sequences (capture-pane -e).
func (s *tmuxSession) screenEscapes() string {
	out, err := exec.Command("tmux", "-L", s.socket, "capture-pane", "-p", "-e", "-t", "e2e").Output()
	if err != nil {
		s.t.Fatalf("capture-pane -e: %v", err)
	}
	return string(out)
}

// keys sends tmux key names ("Enter", "Escape", "C-s") or literal text (with -l).
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	if out, err := exec.Command("tmux", append([]string{"-L", s.socket, "send-keys", "-t", "e2e"}, keys...)...).CombinedOutput(); err != nil {
		s.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

func (s *tmuxSession) text(text string) { s.keys("-l", text) }

// waitFor polls the pane until it contains want, or fails showing the screen.
func (s *tmuxSession) waitFor(want string) string {
	s.t.Helper()
	return s.waitForAll(want)
}

// waitForAll waits until the screen shows every one of wants at once (a screen's
// title appears before its rows are loaded).
func (s *tmuxSession) waitForAll(wants ...string) string {
	s.t.Helper()
	want := strings.Join(wants, `", "`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		scr := s.screen()
		all := true
		for _, w := range wants {
			all = all && strings.Contains(scr, w)
		}
		if all {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the console never showed %q; the screen is:\n%s", want, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitGone waits until the screen no longer shows text: a key that leaves a
// screen has been handled (an Escape followed at once by another key would
// reach the console as one alt+key).
func (s *tmuxSession) waitGone(text string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		scr := s.screen()
		if !strings.Contains(scr, text) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the console still shows %q; the screen is:\n%s", text, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var (
	cursorRow = regexp.MustCompile(`(?m)^> (WO-\d{6}) `)
	phoneLine = regexp.MustCompile(`(?m)^\s+Phone\s+(\d{5,15})\s*$`)
)

// TestConsoleEndToEnd is issue 2's end-to-end test: the real binary runs
// `switchboard demo` under tmux; the test navigates the list, opens details, finds
// a contact's phone there, creates a work order by quick entry (R-IN-2) and finds it
// with `switchboard wo list --json` once the console has quit.
func TestConsoleEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	s := startTmux(t, d.home, binary, "--db", d.path, "demo", "--work-orders", "300", "--now", "2026-11-02T09:30:00Z")

	scr := s.waitFor("of 300")
	if m := cursorRow.FindStringSubmatch(scr); m == nil || m[1] != "WO-000300" {
		t.Fatalf("the list should open on the newest work order; the screen is:\n%s", scr)
	}

	// Walk down the list, opening details until one has a contact phone.
	phone := ""
	for i := 0; i < 30 && phone == ""; i++ {
		s.keys("j")
		want := fmt.Sprintf("> WO-%06d ", 299-i)
		s.waitFor(want)
		s.keys("Enter")
		scr = s.waitFor("Summary")
		if !strings.Contains(scr, strings.TrimSpace(strings.TrimPrefix(want, ">"))) {
			t.Fatalf("enter on %s opened another work order:\n%s", want, scr)
		}
		if m := phoneLine.FindStringSubmatch(scr); m != nil {
			phone = m[1]
		}
		s.keys("Escape")
		s.waitFor("of 300")
	}
	if phone == "" {
		t.Fatal("none of 30 demo work orders showed a contact phone in its detail")
	}

	// Quick entry: the phone fills in the contact; subject; save with ctrl+s.
	s.keys("n")
	s.waitFor("New work order")
	s.text(phone)
	s.waitFor("●")
	s.keys("Tab")
	const subject = "E2E: walk-in freezer at -5 °C, should be -18"
	s.text(subject)
	s.keys("C-s")
	// The footer says "Created" before the detail has loaded: wait for both.
	scr = s.waitForAll("Created WO-000301", phone)
	if !strings.Contains(scr, phone) {
		t.Errorf("the new work order's detail does not show the caller's phone %s:\n%s", phone, scr)
	}
	s.keys("Escape")
	scr = s.waitFor("of 301")
	if !strings.Contains(scr, "WO-000301") {
		t.Errorf("the list does not show the new work order:\n%s", scr)
	}
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json", "--search", "walk-in freezer at -5")
	if len(rows) != 1 || rows[0]["number"] != "WO-000301" || rows[0]["subject"] != subject {
		t.Fatalf("wo list --json should find exactly the new work order, got %v", rows)
	}
	var wo map[string]any
	d.okJSON(&wo, "wo", "show", "WO-000301", "--json")
	if wo["contact_id"] == nil || wo["account_id"] == nil || wo["created_by"] != "admin" {
		t.Errorf("quick entry should have filled contact and account: %v", wo)
	}
}
