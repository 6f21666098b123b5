package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/core/channels/chantest"
	"switchboard/store/postgres/pgtest"
)

// TestThreeServersOnePostgres (issue 21): three `switchboard serve` processes
// on one PostgreSQL database take API creates from twelve clients at once;
// one server is killed with SIGKILL in the middle and its clients go on
// through another, retrying with the same Idempotency-Key. Every
// acknowledged create is in the database exactly once, and every one's
// "submitted" mail reaches the SMTP server once (the outbox is at-least-once:
// a mail the dead server handed over but had not recorded would come again
// under its Message-ID; the lease is 5 s here). Meanwhile 24 work orders wait
// at a node with a one-minute timeout: each completes by its timer exactly
// once, fired by whichever server got there first.
func TestThreeServersOnePostgres(t *testing.T) {
	dsn := pgtest.DB(t)
	smtp := chantest.NewSMTPServer(t, "")
	setup := t.TempDir()
	ca := filepath.Join(setup, "ca.pem")
	if err := os.WriteFile(ca, smtp.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	extra := []string{"SSL_CERT_FILE=" + ca, "SWITCHBOARD_EMAIL_PASSWORD=" + smtp.Password, "SWITCHBOARD_OUTBOX_LEASE=5s"}
	sb := func(args ...string) result {
		r := sbEnv(t, setup, extra, append([]string{"--db", dsn}, args...)...)
		if r.code != 0 {
			t.Fatalf("switchboard %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	sb("notify", "channel", "set", "email", "--enable", "host=127.0.0.1", "port="+smtp.Port(), "username="+smtp.User, "from=service@example.com")
	var key struct{ Key string }
	if err := json.Unmarshal([]byte(sb("apikey", "add", "--name", "erp", "--rate", "100000", "--json").stdout), &key); err != nil || key.Key == "" {
		t.Fatalf("apikey add: %v", err)
	}
	// Work orders at the service node, whose one-minute timeout the servers fire.
	var procs struct {
		Processes []map[string]any `json:"processes"`
	}
	if err := json.Unmarshal([]byte(sb("process", "export").stdout), &procs); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs.Processes {
		for _, n := range p["nodes"].([]any) {
			if node := n.(map[string]any); node["node"] == "service" {
				node["timeout"] = "1m"
			}
		}
	}
	pf := filepath.Join(setup, "processes.json")
	raw, _ := json.Marshal(procs)
	if err := os.WriteFile(pf, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	sb("process", "import", pf)
	var prov, eng struct{ ID int64 }
	_ = json.Unmarshal([]byte(sb("provider", "add", "--name", "FixIt", "--tenant-id", "T-1").stdout), &prov)
	_ = json.Unmarshal([]byte(sb("engineer", "add", "--name", "Li", "--provider", fmt.Sprint(prov.ID)).stdout), &eng)
	var timed []string
	for i := range 24 {
		var w struct{ Number string }
		if err := json.Unmarshal([]byte(sb("wo", "create", "--subject", fmt.Sprintf("timer %d", i)).stdout), &w); err != nil || w.Number == "" {
			t.Fatalf("wo create: %v", err)
		}
		sb("dispatch", "assign", w.Number, "--engineer", fmt.Sprint(eng.ID))
		timed = append(timed, w.Number)
	}
	timersDue := time.Now().Add(time.Minute)

	// Three servers, each with a home of its own (as on three machines).
	var servers []*serving
	for range 3 {
		servers = append(servers, serveOn(t, dsn, t.TempDir(), extra))
	}

	var mu sync.Mutex
	acked := map[string]string{} // Idempotency-Key → work-order number
	var dead sync.WaitGroup
	killed := make(chan struct{})
	create := func(url, idem, email string) (string, error) {
		body := fmt.Sprintf(`{"subject":"ERP %s: 电梯困人","email":%q,"region":"East"}`, idem, email)
		req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/work-orders", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key.Key)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", idem)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		var w struct{ Number string }
		if err := json.NewDecoder(resp.Body).Decode(&w); err != nil || resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("status %d %v", resp.StatusCode, err)
		}
		return w.Number, nil
	}
	stop := time.Now().Add(4 * time.Second)
	var wg sync.WaitGroup
	for c := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				idem := fmt.Sprintf("erp-%d-%d", c, i)
				email := fmt.Sprintf("c%d.%d@example.com", c, i)
				var num string
				var err error
				// A client whose server died retries the same request on the
				// next one: the key makes it safe.
				for try, s := 0, c%3; try < 3; try, s = try+1, (s+1)%3 {
					if num, err = create(servers[s].url, idem, email); err == nil {
						break
					}
				}
				if err != nil {
					t.Errorf("%s failed on every server: %v", idem, err)
					return
				}
				mu.Lock()
				acked[idem] = num
				mu.Unlock()
			}
		}()
	}
	dead.Add(1)
	go func() {
		defer dead.Done()
		time.Sleep(1500 * time.Millisecond)
		_ = servers[0].cmd.Process.Signal(syscall.SIGKILL)
		close(killed)
	}()
	wg.Wait()
	dead.Wait()
	<-killed
	if len(acked) < 30 {
		t.Fatalf("only %d creates were acknowledged", len(acked))
	}

	// Nothing lost, nothing twice: each key's work order exists once.
	r := sb("wo", "list", "--json", "--limit", "0")
	var rows []struct{ Number, Subject string }
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("wo list --json: %v\n%s", err, r.stdout)
	}
	bySubject := map[string][]string{}
	for _, row := range rows {
		bySubject[row.Subject] = append(bySubject[row.Subject], row.Number)
	}
	for idem, num := range acked {
		got := bySubject[fmt.Sprintf("ERP %s: 电梯困人", idem)]
		if len(got) != 1 || got[0] != num {
			t.Errorf("%s: acknowledged as %s, the database holds %v", idem, num, got)
		}
	}
	if len(rows) != len(acked)+len(timed) {
		t.Errorf("%d work orders stored, %d acknowledged and %d made before", len(rows), len(acked), len(timed))
	}

	// Every create's mail arrives (the dead server's claims after their lease).
	smtp.WaitFor(t, len(acked), 60*time.Second)
	time.Sleep(2 * time.Second) // a second copy, if any, would come now
	mails := smtp.Mails()
	ids := map[string]int{}
	to := map[string]int{}
	for _, m := range mails {
		msg, err := mail.ReadMessage(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Fatal(err)
		}
		ids[msg.Header.Get("Message-Id")]++
		to[m.To[0]]++
	}
	repeats := 0
	for addr, n := range to {
		if n > 1 {
			repeats++
			t.Logf("%s got %d copies", addr, n)
		}
	}
	if len(to) != len(acked) || len(ids) != len(acked) {
		t.Errorf("%d creates, mail to %d addresses with %d Message-IDs: each create's mail once, under one Message-ID", len(acked), len(to), len(ids))
	}
	t.Logf("%d creates through 3 servers (one killed); %d mails, %d sent again after the kill with the same Message-ID", len(acked), len(mails), repeats)

	// Every timer fires once (the two live servers fire due timers every 5 s).
	time.Sleep(time.Until(timersDue.Add(12 * time.Second)))
	for _, num := range timed {
		var w struct {
			Node    string
			History []struct{ Kind string }
		}
		if err := json.Unmarshal([]byte(sb("wo", "show", num, "--json").stdout), &w); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range w.History {
			if e.Kind == "timeout" {
				n++
			}
		}
		if n != 1 || w.Node == "service" {
			t.Errorf("%s: %d timeout events, at the %s node; want exactly one, past the service node", num, n, w.Node)
		}
	}
}

// TestConsoleSeesOtherServersChanges (issue 21): a console attached to one
// server shows, as it happens, a work order an integration created through
// another server on the same PostgreSQL database (LISTEN/NOTIFY).
func TestConsoleSeesOtherServersChanges(t *testing.T) {
	needTmux(t)
	dsn := pgtest.DB(t)
	setup := t.TempDir()
	var key struct{ Key string }
	r := sbEnv(t, setup, nil, "--db", dsn, "apikey", "add", "--name", "erp", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &key); err != nil || key.Key == "" {
		t.Fatalf("apikey add: %v %s", err, r.stderr)
	}
	home1, home2 := t.TempDir(), t.TempDir()
	serveOn(t, dsn, home1, nil)
	two := serveOn(t, dsn, home2, nil)
	console := startTmux(t, home1, binary, "--db", dsn) // attaches to server 1
	console.waitFor("0 of 0")
	body := `{"subject":"冷柜不制冷 via server two","region":"East"}`
	req, _ := http.NewRequest(http.MethodPost, two.url+"/api/v1/work-orders", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create through server 2: %v %v", resp, err)
	}
	resp.Body.Close()
	console.waitFor("via server two")
}
