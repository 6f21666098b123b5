package channels_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
	"switchboard/store"
)

const crashEnv = "SWITCHBOARD_OUTBOX_CRASH_DB"

// TestOutboxCrashChild is the process TestOutboxKilledMidDelivery kills; it
// does nothing unless started by it.
func TestOutboxCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("only runs as the child of TestOutboxKilledMidDelivery")
	}
	pem, err := os.ReadFile(os.Getenv(crashEnv + "_CA"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc := core.NewService(st)
	wk := channels.NewWorker(svc, channels.Options{TLSConfig: chantest.TrustPEM(pem), Concurrency: 4, Batch: 8})
	if err := wk.Start(); err != nil {
		t.Fatal(err)
	}
	fmt.Println("started")
	time.Sleep(time.Minute) // killed long before
}

// TestOutboxKilledMidDelivery: a worker process is killed with SIGKILL while it
// has messages on the wire; after a restart every message is delivered (the
// in-flight ones again, with the same Message-ID, so a mail system can drop the
// duplicate) and none is lost.
func TestOutboxKilledMidDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test starts a process")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "crash.db")
	srv := chantest.NewSMTPServer(t, "")
	srv.SetDelay(150 * time.Millisecond) // slow DATA: sends are in flight when the kill comes
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, srv.CertPEM, 0o600); err != nil {
		t.Fatal(err)
	}

	const n = 40
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	svc := core.NewService(st) // the real clock: the child uses it too
	if err := svc.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	admin, _ := svc.Login(core.BuiltinAdmin)
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, map[string]string{"host": srv.Host(), "port": srv.Port(),
		"username": srv.User, "password": srv.Password, "from": "service@huali.example"}); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for i := 0; i < n; i++ {
		w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: fmt.Sprintf("crash %d 电梯", i), Email: fmt.Sprintf("c%d@example.com", i)})
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := svc.OutboxFor(w.Number)
		keys[channels.MessageID(&ms[0], "service@huali.example")] = true
	}
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestOutboxCrashChild$", "-test.v=false")
	cmd.Env = append(os.Environ(), crashEnv+"="+path, crashEnv+"_CA="+ca)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	srv.WaitFor(t, 5, 20*time.Second) // some delivered and recorded, more on the wire
	time.Sleep(60 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	before := len(srv.Mails())

	st, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("reopen: %v\nchild said: %s", err, out.String())
	}
	defer st.Close()
	if errs := st.Check(); len(errs) > 0 {
		t.Fatalf("bbolt check: %v", errs)
	}
	svc = core.NewService(st)
	inFlight, _ := svc.Outbox(core.MessageQuery{State: core.MsgSending})
	queued, _ := svc.Outbox(core.MessageQuery{State: core.MsgQueued})
	t.Logf("killed with %d mails received, %d messages sending, %d still queued", before, len(inFlight), len(queued))
	if len(inFlight)+len(queued) == 0 {
		t.Fatal("the child finished everything before the kill; the test proves nothing")
	}

	srv.SetDelay(0)
	wk := channels.NewWorker(svc, channels.Options{TLSConfig: srv.ClientTLS})
	if err := wk.Start(); err != nil { // recovers what the dead process left sending
		t.Fatal(err)
	}
	if _, err := wk.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	wk.Stop()
	all, _ := svc.Outbox(core.MessageQuery{})
	for _, m := range all {
		if m.State != core.MsgSent {
			t.Errorf("message %d is %s after the restart: %s", m.ID, m.State, m.Reason)
		}
	}
	got := map[string]int{}
	for _, m := range srv.Mails() {
		r, err := mail.CreateReader(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		id, _ := r.Header.MessageID()
		got[id]++
	}
	for k := range keys {
		if got[k] == 0 {
			t.Errorf("message %s was never delivered", k)
		}
	}
	dups := 0
	for _, c := range got {
		dups += c - 1
	}
	t.Logf("%d messages delivered, %d resent after the crash with the same Message-ID", len(got), dups)
	if len(all) != n {
		t.Errorf("outbox has %d messages, want %d", len(all), n)
	}
}
