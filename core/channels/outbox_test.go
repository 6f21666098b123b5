package channels_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
)

// threeChannels enables WeChat, SMS and email for a customer reachable on all three.
func threeChannels(t *testing.T) (*env, *chantest.WeChat, *chantest.AliyunSMS, *chantest.SMTPServer) {
	e := newEnv(t)
	wx, gw, srv := chantest.NewWeChat(t), chantest.NewAliyunSMS(t), chantest.NewSMTPServer(t, "")
	e.enableWeChat(wx)
	e.enableSMS(gw)
	e.enableEmail(srv)
	_, _ = e.svc.AddSMSCredits(e.admin, 100)
	e.customer("张伟", "13800138000", "zhang@example.cn", "oFollower1", "")
	return e, wx, gw, srv
}

func states(ms []core.Message) map[core.NoticeChannel]core.MessageState {
	out := map[core.NoticeChannel]core.MessageState{}
	for _, m := range ms {
		out[m.Channel] = m.State
	}
	return out
}

// TestFallbackInOrder: with message priority on, channels are tried in the
// configured order until one delivers; the rest are cancelled.
func TestFallbackInOrder(t *testing.T) {
	e, wx, gw, srv := threeChannels(t)
	wx.Followers = map[string]bool{} // the customer unfollowed: WeChat answers 43004
	e.must(e.svc.SetDeliveryPolicy(e.admin, core.DeliveryPolicy{Mode: core.PolicyFallback, Order: []core.NoticeChannel{core.NoticeWeChat, core.NoticeSMS, core.NoticeEmail}}))
	w := e.workOrder("fallback", "13800138000", "")
	got := states(e.messagesFor(w))
	if got[core.NoticeWeChat] != core.MsgQueued || got[core.NoticeSMS] != core.MsgHeld || got[core.NoticeEmail] != core.MsgHeld {
		t.Fatalf("queued as %v", got)
	}
	e.run(e.worker(channels.Options{TLSConfig: srv.ClientTLS}))
	got = states(e.messagesFor(w))
	want := map[core.NoticeChannel]core.MessageState{core.NoticeWeChat: core.MsgNotSent, core.NoticeSMS: core.MsgSent, core.NoticeEmail: core.MsgCancelled}
	for ch, st := range want {
		if got[ch] != st {
			t.Errorf("%s is %s, want %s", ch, got[ch], st)
		}
	}
	if len(gw.Sent()) != 1 || len(srv.Mails()) != 0 {
		t.Errorf("SMS sent %d, mails %d; want 1 and 0", len(gw.Sent()), len(srv.Mails()))
	}
	if m := e.only(w, core.NoticeEmail); !strings.Contains(m.Reason, "sms delivered first") {
		t.Errorf("cancelled email says %q", m.Reason)
	}
}

// TestAllAtOnce: with message priority off, every channel sends at once.
func TestAllAtOnce(t *testing.T) {
	e, wx, gw, srv := threeChannels(t)
	e.must(e.svc.SetDeliveryPolicy(e.admin, core.DeliveryPolicy{Mode: core.PolicyAllAtOnce}))
	w := e.workOrder("all at once", "13800138000", "")
	for ch, st := range states(e.messagesFor(w)) {
		if st != core.MsgQueued {
			t.Errorf("%s queued as %s", ch, st)
		}
	}
	e.run(e.worker(channels.Options{TLSConfig: srv.ClientTLS}))
	for ch, st := range states(e.messagesFor(w)) {
		if st != core.MsgSent {
			t.Errorf("%s is %s", ch, st)
		}
	}
	if len(wx.Sent()) != 1 || len(gw.Sent()) != 1 || len(srv.Mails()) != 1 {
		t.Errorf("sent wechat %d, sms %d, email %d", len(wx.Sent()), len(gw.Sent()), len(srv.Mails()))
	}
}

// TestChannelDownForAWhile: the SMTP server is down; messages wait with growing
// backoff and are all delivered once it is back on the same address (the
// server hangs up meanwhile but keeps its port, so no other test can take it).
func TestChannelDownForAWhile(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	srv.SetDown(true)
	var ws []core.WorkOrder
	for i := 0; i < 5; i++ {
		ws = append(ws, e.workOrder("outage", "", "maria@acme.example"))
	}
	wk := e.worker(channels.Options{TLSConfig: srv.ClientTLS, Retry: core.RetryPolicy{Base: 10 * time.Second, Max: time.Hour, MaxAttempts: 10}})
	var gaps []time.Duration
	for round := 0; round < 3; round++ {
		e.run(wk)
		m := e.only(ws[0], core.NoticeEmail)
		if m.State != core.MsgQueued || m.Attempts != round+1 {
			t.Fatalf("round %d: %s after %d attempts", round, m.State, m.Attempts)
		}
		gaps = append(gaps, m.NextAt.Sub(e.clk.T))
		e.clk.T = m.NextAt
	}
	if gaps[0] != 10*time.Second || gaps[1] != 20*time.Second || gaps[2] != 40*time.Second {
		t.Errorf("backoff = %v, want 10s 20s 40s", gaps)
	}
	srv.SetDown(false)
	e.run(wk)
	srv.WaitFor(t, 5, 5*time.Second)
	for _, w := range ws {
		if m := e.only(w, core.NoticeEmail); m.State != core.MsgSent || m.Attempts != 4 {
			t.Errorf("%s: %s after %d attempts", w.Number, m.State, m.Attempts)
		}
	}
}

// TestGivesUpWithReason: after MaxAttempts the message fails for good with the
// last error in its reason, and an admin's retry sends it.
func TestGivesUpWithReason(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	srv.SetDown(true)
	w := e.workOrder("never", "", "maria@acme.example")
	wk := e.worker(channels.Options{TLSConfig: srv.ClientTLS, Retry: core.RetryPolicy{Base: time.Second, Max: time.Second, MaxAttempts: 3}})
	for i := 0; i < 4; i++ {
		e.run(wk)
		e.clk.Advance(time.Second)
	}
	m := e.only(w, core.NoticeEmail)
	if m.State != core.MsgFailed || !strings.Contains(m.Reason, "gave up after 3 attempts") || !strings.Contains(m.Reason, "connect") {
		t.Fatalf("%s: %s", m.State, m.Reason)
	}
	srv.SetDown(false)
	if _, err := e.svc.RetryMessage(e.admin, m.ID); err != nil {
		t.Fatal(err)
	}
	e.run(wk)
	if m := e.only(w, core.NoticeEmail); m.State != core.MsgSent {
		t.Fatalf("after retry: %s: %s", m.State, m.Reason)
	}
}

// TestWorkerStartStop: the background worker delivers what is queued while it
// runs (woken by the service's change notice) and stops cleanly.
func TestWorkerStartStop(t *testing.T) {
	e := newEnv(t)
	srv := chantest.NewSMTPServer(t, "")
	e.enableEmail(srv)
	wk := channels.NewWorker(e.svc, channels.Options{TLSConfig: srv.ClientTLS, Poll: time.Hour})
	e.must(wk.Start())
	e.must(wk.Start()) // idempotent
	e.workOrder("live", "", "maria@acme.example")
	srv.WaitFor(t, 1, 5*time.Second)
	wk.Stop()
	wk.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if n, err := wk.Drain(ctx); n != 0 || err != nil {
		t.Errorf("after stop, %d messages were still due (%v)", n, err)
	}
}

// TestFallbackHandsOverDuringAnOutage (R-EVAL-3, issue 20.4): WeChat answers
// 503 for good; with message priority on, WeChat is retried only while the
// next try still falls within the handover time (10 minutes), then SMS takes
// over — the customer hears within minutes, not after a day of 30 retries.
func TestFallbackHandsOverDuringAnOutage(t *testing.T) {
	e, wx, gw, srv := threeChannels(t)
	wx.SetDown(true)
	e.must(e.svc.SetDeliveryPolicy(e.admin, core.DeliveryPolicy{Mode: core.PolicyFallback, Order: []core.NoticeChannel{core.NoticeWeChat, core.NoticeSMS, core.NoticeEmail}}))
	w := e.workOrder("outage", "13800138000", "")
	wk := e.worker(channels.Options{TLSConfig: srv.ClientTLS, Retry: core.DefaultRetryPolicy})
	start := e.clk.Now()
	for len(gw.Sent()) == 0 {
		e.run(wk)
		if e.clk.Now().Sub(start) > core.DefaultHandover {
			t.Fatalf("no SMS within %s: %v", core.DefaultHandover, states(e.messagesFor(w)))
		}
		e.clk.Advance(30 * time.Second)
	}
	got := states(e.messagesFor(w))
	if got[core.NoticeWeChat] != core.MsgFailed || got[core.NoticeSMS] != core.MsgSent || got[core.NoticeEmail] != core.MsgCancelled {
		t.Fatalf("after the handover: %v", got)
	}
	if m := e.only(w, core.NoticeWeChat); !strings.Contains(m.Reason, "handed over to sms") || m.Attempts < 2 {
		t.Fatalf("WeChat: %d attempts, %q", m.Attempts, m.Reason)
	}
	// A handover time of its own is taken; a silly one is refused.
	if err := e.svc.SetDeliveryPolicy(e.admin, core.DeliveryPolicy{Mode: core.PolicyFallback, Handover: core.Duration(10 * time.Second)}); err == nil {
		t.Fatal("a 10 s handover was taken")
	}
}
