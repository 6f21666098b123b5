package channels_test

import (
	"net/url"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
)

// TestSMSCreditsDecreaseAndBlockAtZero: every SMS sent costs a credit; with none
// left the message is recorded as not sent with the reason; a top-up lets retries
// through.
func TestSMSCreditsDecreaseAndBlockAtZero(t *testing.T) {
	e := newEnv(t)
	gw := chantest.NewAliyunSMS(t)
	e.enableSMS(gw)
	e.customer("张伟", "13800138000", "", "", "")
	if _, err := e.svc.AddSMSCredits(e.admin, 2); err != nil {
		t.Fatal(err)
	}
	var ws []core.WorkOrder
	for _, s := range []string{"一", "二", "三"} {
		ws = append(ws, e.workOrder("工单"+s, "13800138000", ""))
	}
	wk := e.worker(channels.Options{})
	e.run(wk)
	if n, _ := e.svc.SMSCredits(); n != 0 {
		t.Errorf("credits after 2 sent = %d", n)
	}
	sent := gw.Sent()
	if len(sent) == 2 && !strings.Contains(sent[0].Params["content"], "WO-000001") {
		sent[0], sent[1] = sent[1], sent[0] // sends run concurrently
	}
	if len(sent) != 2 || sent[0].Phone != "13800138000" || sent[0].SignName != "华联服务" || sent[0].TemplateCode != "SMS_0001" ||
		!strings.Contains(sent[0].Params["content"], "WO-000001 - 工单一") || sent[0].OutID == "" {
		t.Fatalf("gateway got %+v", sent)
	}
	last := e.only(ws[2], core.NoticeSMS)
	if last.State != core.MsgNotSent || !strings.Contains(last.Reason, "no SMS credits left") {
		t.Fatalf("third SMS: %s: %s", last.State, last.Reason)
	}
	if _, err := e.svc.AddSMSCredits(e.admin, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RetryMessage(e.admin, last.ID); err != nil {
		t.Fatal(err)
	}
	e.run(wk)
	if m := e.only(ws[2], core.NoticeSMS); m.State != core.MsgSent {
		t.Fatalf("after top-up and retry: %s: %s", m.State, m.Reason)
	}
	if n, _ := e.svc.SMSCredits(); n != 4 {
		t.Errorf("credits = %d, want 4", n)
	}
}

// TestSMSNoMobile: no mobile number → not sent, with the reason, and no credit used.
func TestSMSNoMobile(t *testing.T) {
	e := newEnv(t)
	gw := chantest.NewAliyunSMS(t)
	e.enableSMS(gw)
	_, _ = e.svc.AddSMSCredits(e.admin, 10)
	landline := e.workOrder("landline", "010 6552 9988", "")
	none := e.workOrder("email only", "", "x@example.com")
	e.run(e.worker(channels.Options{}))
	if m := e.only(landline, core.NoticeSMS); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "not a mobile number") {
		t.Errorf("landline: %s: %s", m.State, m.Reason)
	}
	if m := e.only(none, core.NoticeSMS); m.State != core.MsgNotSent || !strings.Contains(m.Reason, "no mobile number") {
		t.Errorf("no phone: %s: %s", m.State, m.Reason)
	}
	if n, _ := e.svc.SMSCredits(); n != 10 {
		t.Errorf("credits = %d, want 10", n)
	}
}

// TestSMSRateLimitAndPermanentRefund: flow control backs off; a refused template
// fails for good and gives its credit back.
func TestSMSRateLimitAndPermanentRefund(t *testing.T) {
	e := newEnv(t)
	gw := chantest.NewAliyunSMS(t)
	e.enableSMS(gw)
	_, _ = e.svc.AddSMSCredits(e.admin, 10)
	e.customer("张伟", "13800138000", "", "", "")
	gw.RateLimit(1)
	w := e.workOrder("flow control", "13800138000", "")
	wk := e.worker(channels.Options{})
	e.run(wk)
	m := e.only(w, core.NoticeSMS)
	if m.State != core.MsgQueued || !strings.Contains(m.Reason, "isv.BUSINESS_LIMIT_CONTROL") || m.NextAt.Before(e.clk.T.Add(channels.RateLimitBackoff)) {
		t.Fatalf("after flow control: %s next %s: %s", m.State, m.NextAt, m.Reason)
	}
	e.clk.Advance(2 * channels.RateLimitBackoff)
	e.run(wk)
	if m := e.only(w, core.NoticeSMS); m.State != core.MsgSent || m.ProviderID == "" {
		t.Fatalf("after backoff: %s: %s", m.State, m.Reason)
	}
	if n, _ := e.svc.SMSCredits(); n != 9 {
		t.Errorf("credits = %d, want 9 (one charge despite two attempts)", n)
	}
	// A wrong secret is a signature mismatch: retried, not final.
	e.enable(core.NoticeSMS, map[string]string{"access_key_secret": "wrong"})
	w2 := e.workOrder("bad secret", "13800138000", "")
	e.run(wk)
	if m := e.only(w2, core.NoticeSMS); m.State != core.MsgQueued || !strings.Contains(m.Reason, "SignatureDoesNotMatch") {
		t.Fatalf("bad secret: %s: %s", m.State, m.Reason)
	}
}

// TestSignRPCMatchesDocumentedExample checks the signer against the worked
// example in Aliyun's RPC signature documentation.
func TestSignRPCMatchesDocumentedExample(t *testing.T) {
	q := url.Values{
		"AccessKeyId": {"testid"}, "Action": {"DescribeRegions"}, "Format": {"XML"},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureNonce": {"3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
		"SignatureVersion": {"1.0"}, "Timestamp": {"2016-02-23T12:46:24Z"}, "Version": {"2014-05-26"},
	}
	if got, want := channels.SignRPC("GET", "testsecret", q), "OLeaidS1JvxuMvnyHOwuJ+uX5qY="; got != want {
		t.Fatalf("signature = %s, want %s", got, want)
	}
}
