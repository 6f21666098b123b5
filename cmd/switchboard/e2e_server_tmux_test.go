package main

import (
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dispatchDB is a database with one service provider, one engineer and one work
// order waiting at the dispatch node.
func dispatchDB(t *testing.T) *db {
	t.Helper()
	d := newDB(t)
	var p map[string]any
	d.okJSON(&p, "provider", "add", "--name", "East Field Service", "--tenant-id", "T-EAST")
	d.ok("engineer", "add", "--name", "Sam Porter", "--provider", fmt.Sprint(p["id"]))
	d.ok("wo", "create", "--subject", "Freezer at -5 C, should be -18")
	return d
}

var assignedRow = regexp.MustCompile(`WO-000001\s+assigned`)

// TestTwoConsolesAndCLI is issue 9's test of many dispatchers on one database
// (R-APP-4, R-APP-3): two consoles under tmux and the CLI at once. An assignment
// made in the first console shows in the second within a second; `wo list
// --json` works while both are open; quitting the first leaves the second
// working and live.
func TestTwoConsolesAndCLI(t *testing.T) {
	needTmux(t)
	d := dispatchDB(t)
	one := startTmux(t, d.home, binary, "--db", d.path, "--listen", "127.0.0.1:0")
	one.waitFor("1 of 1")
	// The second console's --listen cannot apply to the running server: it says so.
	two := startTmux(t, d.home, binary, "--db", d.path, "--listen", "127.0.0.1:0")
	two.waitForAll("1 of 1", "Listener flags ignored: the server already runs")
	if strings.Contains(one.screen(), "Listener flags ignored") {
		t.Fatalf("the console that started the server used its flags:\n%s", one.screen())
	}
	if scr := two.screen(); !strings.Contains(scr, "WO-000001") || assignedRow.MatchString(scr) {
		t.Fatalf("console 2 should show WO-000001 not yet assigned:\n%s", scr)
	}
	st := d.serverStatus()
	if consoles := countKind(st, "console"); consoles != 2 {
		t.Fatalf("server status should list two consoles, has %+v", st.Clients)
	}

	// Console 1: dispatch board, assign WO-000001 to Sam Porter.
	one.keys("2")
	one.waitFor("why WO-000001 waits")
	one.keys("a")
	one.waitFor("Choose the service provider")
	one.keys("Enter")
	one.waitFor("Sam Porter")
	one.keys("Enter")
	pressed := time.Now()
	one.waitFor("Assigned WO-000001 to Sam Porter")
	// Console 2 shows it within a second of the key press.
	deadline := pressed.Add(time.Second)
	for !assignedRow.MatchString(two.screen()) {
		if time.Now().After(deadline) {
			t.Fatalf("console 2 did not show the assignment within a second:\n%s", two.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The CLI works while both consoles are open, and sees the same.
	var rows []map[string]any
	d.okJSON(&rows, "wo", "list", "--json")
	if len(rows) != 1 || rows[0]["status"] != "assigned" || rows[0]["engineer_name"] != "Sam Porter" {
		t.Fatalf("wo list --json while two consoles are open: %v", rows)
	}

	// Quit console 1; console 2 keeps working and stays live.
	one.keys("q")
	one.waitFor("switchboard exited 0")
	d.ok("wo", "create", "--subject", "Lift stuck after quit")
	two.waitFor("Lift stuck after quit")
	two.keys("j")
	two.waitFor("> WO-000001 ")
	two.keys("Enter")
	two.waitForAll("WO-000001  Freezer at -5 C", "Dispatch method (assign_way__c)")
	if st := d.serverStatus(); countKind(st, "console") != 1 {
		t.Fatalf("after one quit, server status should list one console: %+v", st.Clients)
	}
	two.keys("Escape")
	// Back on the list before q: an Escape and a q arriving in one read are
	// alt+q to a terminal program.
	two.waitFor("> WO-000001 ")
	two.keys("q")
	two.waitFor("switchboard exited 0")
	// The server outlives its consoles, like tmux's.
	if st := d.serverStatus(); !st.Running || len(st.Clients) != 0 {
		t.Fatalf("the server should run on with no clients: %+v", st)
	}
}

func countKind(st statusJSON, kind string) int {
	n := 0
	for _, c := range st.Clients {
		if c.Kind == kind {
			n++
		}
	}
	return n
}

var (
	canonOn = regexp.MustCompile(`(^|\s)icanon(\s|$)`)
	echoOn  = regexp.MustCompile(`(^|\s)echo(\s|$)`)
)

// TestServerKilledUnderConsoles is issue 9's crash test: SIGKILL the server while
// two consoles are attached. Both say so clearly and exit non-zero with the
// terminal restored (the shell's stty shows icanon and echo again, the normal
// screen is back); the next `switchboard` starts a new server; nothing written
// before the kill is lost.
func TestServerKilledUnderConsoles(t *testing.T) {
	needTmux(t)
	d := dispatchDB(t)
	consoles := []*tmuxSession{
		startTmuxThen(t, d.home, "stty -a", binary, "--db", d.path, "--listen", "127.0.0.1:0"),
	}
	consoles[0].waitFor("1 of 1")
	consoles = append(consoles, startTmuxThen(t, d.home, "stty -a", binary, "--db", d.path))
	consoles[1].waitFor("1 of 1")
	var wo map[string]any
	d.okJSON(&wo, "wo", "create", "--subject", "Written just before the kill")
	for _, c := range consoles {
		c.waitFor("Written just before the kill")
	}
	st := d.serverStatus()
	if err := syscall.Kill(st.PID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for i, c := range consoles {
		scr := c.waitFor("switchboard exited 1")
		flat := strings.ReplaceAll(scr, "\n", "") // the message wraps at the pane's width
		if !strings.Contains(flat, "switchboard: the server stopped (") || !strings.Contains(flat, "run switchboard again to start a new one") {
			t.Errorf("console %d should say the server stopped:\n%s", i+1, scr)
		}
		scr = c.waitFor("speed")
		if !canonOn.MatchString(scr) || !echoOn.MatchString(scr) {
			t.Errorf("console %d left the terminal raw (stty -a shows no icanon/echo):\n%s", i+1, scr)
		}
		if strings.Contains(scr, "Written just before the kill") {
			t.Errorf("console %d: the console's screen is still up after exit (alternate screen not left):\n%s", i+1, scr)
		}
	}
	waitGone(t, st.PID)

	again := startTmux(t, d.home, binary, "--db", d.path, "--listen", "127.0.0.1:0")
	again.waitForAll("of 2", "Written just before the kill")
	st2 := d.serverStatus()
	if !st2.Running || st2.PID == st.PID {
		t.Fatalf("the next switchboard should have started a new server: %+v (old pid %d)", st2, st.PID)
	}
	var got map[string]any
	d.okJSON(&got, "wo", "show", fmt.Sprint(wo["number"]), "--json")
	if got["subject"] != "Written just before the kill" {
		t.Fatalf("the work order written before the kill: %v", got)
	}
	again.keys("q")
	again.waitFor("switchboard exited 0")
}
