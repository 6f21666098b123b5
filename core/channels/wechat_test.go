package channels_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
)

// TestWeChatTemplateMessage: a follower gets the template message with the
// mapped keywords, the link and a client_msg_id; one token serves many sends.
func TestWeChatTemplateMessage(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	e.enableWeChat(wx)
	e.must(e.svc.SetPublicURL(e.admin, "https://sb.example/"))
	e.customer("张伟", "13800138000", "", "oFollower1", "")
	w1 := e.workOrder("电梯门无法关闭", "13800138000", "")
	w2 := e.workOrder("Second", "13800138000", "")
	e.run(e.worker(channels.Options{}))
	sent := wx.Sent()
	if len(sent) != 2 || wx.Tokens() != 1 {
		t.Fatalf("sent %d messages with %d tokens, want 2 with 1", len(sent), wx.Tokens())
	}
	s := sent[0]
	if s.Data["keyword1"] != "WO-000001" {
		s = sent[1] // sends run concurrently
	}
	if s.Path != "/cgi-bin/message/template/send" || s.ToUser != "oFollower1" || s.TemplateID != "TPL-submitted" ||
		s.Data["keyword1"] != "WO-000001" || s.Data["keyword2"] != "电梯门无法关闭" || s.Data["first"] != "Work order received" ||
		!strings.HasPrefix(s.URL, "https://sb.example/s/") || len(s.ClientMsgID) != 32 {
		t.Errorf("template message = %+v", s)
	}
	for _, w := range []core.WorkOrder{w1, w2} {
		if m := e.only(w, core.NoticeWeChat); m.State != core.MsgSent || m.ProviderID == "" {
			t.Errorf("%s: %s (%s)", w.Number, m.State, m.Reason)
		}
	}
}

// TestWeChatExpiredTokenRefreshes: 42001/40001 make the sender fetch a new token
// and send again at once, within the same attempt.
func TestWeChatExpiredTokenRefreshes(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	e.enableWeChat(wx)
	e.customer("张伟", "13800138000", "", "oFollower1", "")
	wk := e.worker(channels.Options{})
	e.workOrder("one", "13800138000", "")
	e.run(wk)
	wx.ExpireToken()
	w := e.workOrder("two", "13800138000", "")
	e.run(wk)
	m := e.only(w, core.NoticeWeChat)
	if m.State != core.MsgSent || m.Attempts != 1 {
		t.Fatalf("after an expired token: %s in %d attempts (%s)", m.State, m.Attempts, m.Reason)
	}
	if wx.Tokens() != 2 || len(wx.Sent()) != 2 {
		t.Fatalf("tokens %d, sent %d; want 2 and 2", wx.Tokens(), len(wx.Sent()))
	}
}

// TestWeChatRateLimitBacksOff: 45009 reschedules the message no sooner than the
// rate-limit backoff; it goes out when that has passed.
func TestWeChatRateLimitBacksOff(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	e.enableWeChat(wx)
	e.customer("张伟", "13800138000", "", "oFollower1", "")
	wx.RateLimit(1)
	w := e.workOrder("busy", "13800138000", "")
	wk := e.worker(channels.Options{})
	e.run(wk)
	m := e.only(w, core.NoticeWeChat)
	if m.State != core.MsgQueued || !strings.Contains(m.Reason, "45009") || m.NextAt.Before(e.clk.T.Add(channels.RateLimitBackoff)) {
		t.Fatalf("after 45009: %s, next at %s (now %s): %s", m.State, m.NextAt, e.clk.T, m.Reason)
	}
	e.clk.Advance(channels.RateLimitBackoff / 2)
	if n := e.run(wk); n != 0 {
		t.Fatalf("the worker retried %d messages before the backoff passed", n)
	}
	e.clk.Advance(channels.RateLimitBackoff)
	e.run(wk)
	if m := e.only(w, core.NoticeWeChat); m.State != core.MsgSent || m.Attempts != 2 {
		t.Fatalf("after the backoff: %s in %d attempts", m.State, m.Attempts)
	}
}

// TestWeChatOnlyFollowers (R-NOTE-1): a terminal user without a follower open ID
// gets a not-sent record with the reason; one who unfollowed (43004) too.
func TestWeChatOnlyFollowers(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	wx.Followers = map[string]bool{"oFollower1": true}
	e.enableWeChat(wx)
	e.customer("Not Following", "13900139000", "", "", "")
	e.customer("Unfollowed", "13700137000", "", "oGone", "")
	guest, err := e.svc.CreateWorkOrder(core.Actor{Kind: core.SubmitterGuest}, core.NewWorkOrder{Subject: "guest"})
	e.must(err)
	w1 := e.workOrder("no openid", "13900139000", "")
	w2 := e.workOrder("unfollowed", "13700137000", "")
	if m := e.only(w1, core.NoticeWeChat); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "not a registered follower") {
		t.Errorf("no open ID: %s: %s", m.State, m.Reason)
	}
	if m := e.only(guest, core.NoticeWeChat); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "no external owner") {
		t.Errorf("guest: %s: %s", m.State, m.Reason)
	}
	e.run(e.worker(channels.Options{}))
	if m := e.only(w2, core.NoticeWeChat); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "43004") {
		t.Errorf("unfollowed: %s: %s", m.State, m.Reason)
	}
	if n := len(wx.Sent()); n != 0 {
		t.Errorf("%d messages reached non-followers", n)
	}
}

// TestMiniProgramSubscribeMessage: subscribe/send with the page, the state and
// keyword values cut to their documented limits; only mini-program users.
func TestMiniProgramSubscribeMessage(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	e.enableMini(wx)
	e.customer("张伟", "13800138000", "", "", "oMini1")
	e.customer("Web only", "13900139000", "", "", "")
	w := e.workOrder("冷库温度报警，请尽快安排工程师上门检查压缩机和冷媒", "13800138000", "")
	web := e.workOrder("web", "13900139000", "")
	e.run(e.worker(channels.Options{}))
	sent := wx.Sent()
	if len(sent) != 1 {
		t.Fatalf("sent %d", len(sent))
	}
	s := sent[0]
	if s.Path != "/cgi-bin/message/subscribe/send" || s.ToUser != "oMini1" || s.TemplateID != "MINI-TPL" || s.State != "trial" ||
		s.Page != "pages/workorder/detail?number=WO-000001" || s.Data["character_string1"] != "WO-000001" || len([]rune(s.Data["thing2"])) != 20 {
		t.Errorf("subscribe message = %+v", s)
	}
	if m := e.only(w, core.NoticeMiniProgram); m.State != core.MsgSent {
		t.Errorf("%s: %s", m.State, m.Reason)
	}
	if m := e.only(web, core.NoticeMiniProgram); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "did not submit through the mini program") {
		t.Errorf("web user: %s: %s", m.State, m.Reason)
	}
}

// TestWeChatDownThenBack: HTTP 503 is retried with backoff until WeChat answers.
func TestWeChatDownThenBack(t *testing.T) {
	e := newEnv(t)
	wx := chantest.NewWeChat(t)
	e.enableWeChat(wx)
	e.customer("张伟", "13800138000", "", "oFollower1", "")
	wx.SetDown(true)
	w := e.workOrder("down", "13800138000", "")
	wk := e.worker(channels.Options{HTTPClient: &http.Client{Timeout: 5 * time.Second}})
	for i := 0; i < 3; i++ {
		e.run(wk)
		e.clk.Advance(time.Minute)
	}
	if m := e.only(w, core.NoticeWeChat); m.State != core.MsgQueued || m.Attempts != 3 || !strings.Contains(m.Reason, "503") {
		t.Fatalf("while down: %s after %d attempts: %s", m.State, m.Attempts, m.Reason)
	}
	wx.SetDown(false)
	e.run(wk)
	if m := e.only(w, core.NoticeWeChat); m.State != core.MsgSent {
		t.Fatalf("after recovery: %s: %s", m.State, m.Reason)
	}
}
