package channels_test

import (
	"context"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
	"switchboard/store"
	"switchboard/store/testdb"
)

// env is a real service on a real bbolt file with a settable clock.
type env struct {
	t     testing.TB
	st    *store.Bolt
	svc   *core.Service
	clk   *testdb.Clock
	admin core.Actor
}

func newEnv(t testing.TB) *env {
	t.Helper()
	st, svc, clk := testdb.Open(t)
	return &env{t: t, st: st, svc: svc, clk: clk, admin: testdb.Admin(t, svc)}
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// enable switches ch on with settings.
func (e *env) enable(ch core.NoticeChannel, set map[string]string) {
	e.t.Helper()
	on := true
	_, err := e.svc.SetChannelConfig(e.admin, ch, &on, set)
	e.must(err)
}

func (e *env) enableEmail(s *chantest.SMTPServer) {
	e.enable(core.NoticeEmail, map[string]string{"host": s.Host(), "port": s.Port(), "tls": "starttls",
		"username": s.User, "password": s.Password, "from": "service@huali.example", "from_name": "华联客服"})
}

func (e *env) enableWeChat(w *chantest.WeChat) {
	e.enable(core.NoticeWeChat, map[string]string{"base_url": w.URL, "app_id": w.AppID, "app_secret": w.Secret})
	for _, ev := range core.AllNoticeEvents {
		p, err := e.svc.Preset(ev, core.NoticeWeChat)
		e.must(err)
		p.Template.TemplateID = "TPL-" + string(ev)
		_, err = e.svc.SetPresetTemplate(e.admin, ev, core.NoticeWeChat, p.Template)
		e.must(err)
	}
}

func (e *env) enableMini(w *chantest.WeChat) {
	e.enable(core.NoticeMiniProgram, map[string]string{"base_url": w.URL, "app_id": w.AppID, "app_secret": w.Secret, "state": "trial"})
	p, err := e.svc.Preset(core.NoticeSubmitted, core.NoticeMiniProgram)
	e.must(err)
	p.Template.TemplateID = "MINI-TPL"
	_, err = e.svc.SetPresetTemplate(e.admin, core.NoticeSubmitted, core.NoticeMiniProgram, p.Template)
	e.must(err)
}

func (e *env) enableSMS(g *chantest.AliyunSMS) {
	e.enable(core.NoticeSMS, map[string]string{"base_url": g.URL, "access_key_id": g.KeyID, "access_key_secret": g.KeySecret,
		"sign_name": "华联服务", "template_code": "SMS_0001"})
}

// customer adds a terminal user; work orders with its phone belong to it (R-WO-4 case 3).
func (e *env) customer(name, phone, email, openid, mini string) core.TerminalUser {
	e.t.Helper()
	tu, err := e.svc.AddTerminalUser(e.admin, core.NewTerminalUser{Name: name, Phone: phone, Email: email, WeChatOpenID: openid, MiniProgramOpenID: mini})
	e.must(err)
	return tu
}

func (e *env) workOrder(subject, phone, email string) core.WorkOrder {
	e.t.Helper()
	w, err := e.svc.CreateWorkOrder(e.admin, core.NewWorkOrder{Subject: subject, Phone: phone, Email: email})
	e.must(err)
	return w
}

func (e *env) worker(opt channels.Options) *channels.Worker {
	if opt.Retry.MaxAttempts == 0 {
		opt.Retry = core.RetryPolicy{Base: time.Second, Max: time.Minute, MaxAttempts: 5}
	}
	opt.SendTimeout = 10 * time.Second
	return channels.NewWorker(e.svc, opt)
}

func (e *env) run(w *channels.Worker) int {
	e.t.Helper()
	n, err := w.Drain(context.Background())
	e.must(err)
	return n
}

func (e *env) outbox(q core.MessageQuery) []core.Message {
	e.t.Helper()
	ms, err := e.svc.Outbox(q)
	e.must(err)
	return ms
}

func (e *env) messagesFor(w core.WorkOrder) []core.Message {
	return e.outbox(core.MessageQuery{WorkOrder: w.ID})
}

func (e *env) only(w core.WorkOrder, ch core.NoticeChannel) core.Message {
	e.t.Helper()
	var got []core.Message
	for _, m := range e.messagesFor(w) {
		if m.Channel == ch {
			got = append(got, m)
		}
	}
	if len(got) != 1 {
		e.t.Fatalf("%s has %d %s messages, want 1: %+v", w.Number, len(got), ch, got)
	}
	return got[0]
}
