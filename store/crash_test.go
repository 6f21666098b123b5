package store_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
)

const crashEnv = "SWITCHBOARD_CRASH_CHILD_DB"

// TestCrashChild is the writer the crash test kills; it does nothing unless the
// parent test started it.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("only runs as the child of TestCrashKill9")
	}
	st, err := store.Open(path, store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	svc := core.NewService(st)
	if err := svc.Bootstrap(); err != nil {
		fmt.Println("bootstrap:", err)
		os.Exit(3)
	}
	admin, _ := svc.Login(core.BuiltinAdmin)
	// Three engineers to give work to (made once; the first round's child).
	d, _ := svc.Directory()
	if len(d.Engineers) == 0 {
		p, err := svc.AddProvider(admin, "Crash Provider", "T-CRASH")
		if err != nil {
			fmt.Println("provider:", err)
			os.Exit(3)
		}
		for _, name := range []string{"A", "B", "C"} {
			if _, err := svc.AddEngineer(admin, core.NewEngineer{Name: name, ProviderID: p.ID}); err != nil {
				fmt.Println("engineer:", err)
				os.Exit(3)
			}
		}
		d, _ = svc.Directory()
	}
	// Integrations create at the same time, through Batch (grouped commits),
	// each with an Idempotency-Key whose answer must survive with the work order.
	keys, _ := svc.APIKeys()
	if len(keys) == 0 {
		if _, _, err := svc.AddAPIKey(admin, "crash"); err != nil {
			fmt.Println("apikey:", err)
			os.Exit(3)
		}
		keys, _ = svc.APIKeys()
	}
	var outMu sync.Mutex
	say := func(line string) {
		outMu.Lock()
		fmt.Println(line)
		outMu.Unlock()
	}
	for g := range 4 {
		go func() {
			for i := 0; ; i++ {
				idem := fmt.Sprintf("crash-%d-%d-%d", os.Getpid(), g, i)
				r, err := svc.APICreateWorkOrder(keys[0], core.APIRequest{IdempotencyKey: idem, Fingerprint: idem},
					core.NewWorkOrder{Subject: fmt.Sprintf("api %d/%d", g, i), Phone: "13900139000"})
				if err != nil {
					say("api create: " + err.Error())
					os.Exit(3)
				}
				say(fmt.Sprintf("ok %s %d %s", r.WorkOrder.Number, keys[0].ID, idem))
			}
		}()
	}
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), 3))
	for i := 0; ; i++ {
		w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: fmt.Sprintf("crash %d 电梯", i), Description: strings.Repeat("x", i%500), Phone: "13800138000"})
		if err != nil {
			fmt.Println("create:", err)
			os.Exit(3)
		}
		// Acknowledged only after CreateWorkOrder returned (the commit is fsynced).
		say("ok " + w.Number)
		// Give work out, take it back, end it: the engineers' load counters
		// change in the same transactions.
		n, _ := svc.CountWorkOrders()
		target := core.FormatNumber(uint64(1 + rng.IntN(n)))
		switch rng.IntN(3) {
		case 0, 1:
			_, _ = svc.AssignWorkOrder(admin, target, 0, d.Engineers[rng.IntN(len(d.Engineers))].ID)
		case 2:
			_, _ = svc.TerminateWorkOrder(admin, target, 0, "crash test")
		}
	}
}

// TestCrashKill9: a child writing work orders — creating, assigning,
// terminating — is killed with SIGKILL again and again; after every reopen
// bbolt's Check is clean, every work order whose create returned is there with
// its history, the indexes agree with the records, and every engineer's load
// counter equals a recount (issue 19).
func TestCrashKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test is slow")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	rng := rand.New(rand.NewPCG(1, 2))
	acked := map[string]string{} // number → "API-KEY-ID IDEMPOTENCY-KEY" for API creates
	for round := 0; round < 8; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v=false")
		cmd.Env = append(os.Environ(), crashEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let it acknowledge a few writes, then kill it at a random moment.
		deadline := time.After(time.Duration(50+rng.IntN(250)) * time.Millisecond)
		got := 0
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("round %d: child exited early", round)
				}
				if rest, ok := strings.CutPrefix(l, "ok "); ok {
					num, idem, _ := strings.Cut(rest, " ")
					acked[num] = idem
					got++
				} else if l != "" {
					t.Fatalf("round %d: child said %q", round, l)
				}
			case <-deadline:
				if got > 0 {
					break wait
				}
				deadline = time.After(20 * time.Millisecond)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			if rest, ok := strings.CutPrefix(l, "ok "); ok {
				num, idem, _ := strings.Cut(rest, " ")
				acked[num] = idem
			}
		}
		_ = cmd.Wait()

		st, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatalf("round %d: reopen: %v", round, err)
		}
		if errs := st.Check(); len(errs) > 0 {
			t.Fatalf("round %d: bbolt check: %v", round, errs)
		}
		svc := core.NewService(st)
		apiCreates := 0
		for num, idem := range acked {
			w, err := svc.WorkOrder(num)
			if err != nil || len(w.History) < 2 {
				t.Fatalf("round %d: acknowledged %s lost: %v", round, num, err)
			}
			if idem == "" {
				continue
			}
			// An API create's answer is kept with it: a retry gets the same number.
			apiCreates++
			var key core.ID
			var k string
			if _, err := fmt.Sscanf(idem, "%d %s", &key, &k); err != nil {
				t.Fatalf("round %d: %q: %v", round, idem, err)
			}
			_ = st.View(func(tx core.Tx) error {
				r, err := tx.Idempotency(key, k)
				if err != nil || r.Number != num || !strings.Contains(string(r.Body), num) {
					t.Fatalf("round %d: the answer to %s (%s) is lost: %+v %v", round, k, num, r, err)
				}
				return nil
			})
		}
		if round == 7 && apiCreates == 0 {
			t.Fatal("no API create was ever acknowledged: grouped commits were not tested")
		}
		n, _ := svc.CountWorkOrders()
		page, err := svc.ListWorkOrders(core.WorkOrderQuery{})
		if err != nil || page.Total != n || n < len(acked) {
			t.Fatalf("round %d: count %d, listed %d, acknowledged %d (%v)", round, n, page.Total, len(acked), err)
		}
		load := map[core.ID]int{}
		for i := 1; i <= n; i++ {
			w, err := svc.WorkOrder(fmt.Sprint(i))
			if err != nil {
				t.Fatalf("round %d: committed work order %d has no number index: %v", round, i, err)
			}
			if w.FieldOutDealUser != 0 && w.Status.Open() {
				load[w.FieldOutDealUser]++
			}
		}
		// The engineers' load counters equal a recount after the kill.
		total := 0
		for _, n := range load {
			total += n
		}
		if round == 7 && total == 0 {
			t.Fatal("no work order was ever assigned: the load check checked nothing")
		}
		d, _ := svc.Directory()
		_ = st.View(func(tx core.Tx) error {
			for _, e := range d.Engineers {
				if got, _ := tx.EngineerLoad(e.ID); got != load[e.ID] {
					t.Fatalf("round %d: engineer %d's load is %d, a recount says %d", round, e.ID, got, load[e.ID])
				}
			}
			return nil
		})
		// Rows, search texts and indexes agree with the work orders.
		if err := store.IndexesAgree(st); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		st.Close()
	}
	t.Logf("%d acknowledged work orders survived 8 SIGKILLs", len(acked))
}
