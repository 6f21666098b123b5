package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/channels/chantest"
)

// TestBrowserPhoneVerification (R-IN-8, issue 18.3), on a phone-sized
// Chromium: a customer asks for a code on the customer form, the outbox
// worker texts it through the (fake, wire-format) Aliyun gateway, the
// customer types it and the work order is theirs. Someone without the code
// is told on the receipt that the request is not linked to a customer; the
// device sticker's form offers the code too.
func TestBrowserPhoneVerification(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	gw := e.smsGateway(10)
	c, err := e.svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AddDevice(admin, core.NewDevice{Code: "FRZ-0042", AccountName: "上海浦东仓储"}); err != nil {
		t.Fatal(err)
	}
	worker := channels.NewWorker(e.svc, channels.Options{})
	ctx := evalPhoneBrowser(t)

	var sent, note string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/submit/customer?lang=en"),
		chromedp.WaitVisible(`#send-code`, chromedp.ByID),
		chromedp.SendKeys(`#name`, "王芳", chromedp.ByID),
		chromedp.SendKeys(`#phone`, "138 0013 8000", chromedp.ByID),
		chromedp.SendKeys(`#subject`, "冷库温度过高", chromedp.ByID),
		chromedp.Click(`#send-code`, chromedp.ByID),
		chromedp.WaitVisible(`#code-sent`, chromedp.ByID),
		chromedp.Text(`#code-sent`, &sent, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sent, "138****8000") {
		t.Fatalf("code sent to %q: the number should be masked", sent)
	}
	if _, err := worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := gw.Sent()
	if len(msgs) != 1 || msgs[0].TemplateCode != "SMS_CODE" || len(msgs[0].Params["code"]) != 6 || msgs[0].Phone != "13800138000" {
		t.Fatalf("the gateway got %+v", msgs)
	}
	code := msgs[0].Params["code"]
	var number, subject string
	err = chromedp.Run(ctx,
		// The form kept what was typed.
		chromedp.Value(`#subject`, &subject, chromedp.ByID),
		chromedp.SendKeys(`#code`, code, chromedp.ByID),
		chromedp.Click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`#receipt-number`, chromedp.ByID),
		chromedp.Text(`#receipt-number`, &number, chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("unverified") ? "shown" : ""`, &note),
	)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "冷库温度过高" || note != "" {
		t.Fatalf("subject kept %q, unverified note %q", subject, note)
	}
	w, err := e.svc.WorkOrder(number)
	if err != nil {
		t.Fatal(err)
	}
	if w.PhoneCheck != core.PhoneVerified || w.ContactID != c.Contact.ID || w.OutOwner == 0 {
		t.Fatalf("verified customer's work order: %+v", w)
	}

	// Someone else, no code: accepted, and told it is not linked.
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/submit/customer?lang=en"),
		chromedp.WaitVisible(`#send-code`, chromedp.ByID),
		chromedp.SendKeys(`#name`, "Mallory", chromedp.ByID),
		chromedp.SendKeys(`#phone`, "13800138000", chromedp.ByID),
		chromedp.SendKeys(`#subject`, "cancel everything", chromedp.ByID),
		chromedp.Click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`#unverified`, chromedp.ByID),
		chromedp.Text(`#receipt-number`, &number, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := e.svc.WorkOrder(number); w.OutOwner != 0 || w.ContactID != 0 || w.PhoneCheck != core.PhoneUnverified {
		t.Fatalf("unverified work order matched: %+v", w)
	}

	// The device sticker's form: a code, then a wrong one is named under the
	// field, and the rest stays typed.
	_, devTok, _ := e.svc.DeviceLink("FRZ-0042")
	e.clk.Advance(time.Minute) // one code a minute per phone
	var codeErr string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+core.DevicePathPrefix+devTok+"?lang=en"),
		chromedp.WaitVisible(`#send-code`, chromedp.ByID),
		chromedp.SendKeys(`#phone`, "13800138000", chromedp.ByID),
		chromedp.SendKeys(`#subject`, "compressor noise", chromedp.ByID),
		chromedp.Click(`#send-code`, chromedp.ByID),
		chromedp.WaitVisible(`#code-sent`, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	wrong := "000000"
	if gw.Sent()[len(gw.Sent())-1].Params["code"] == wrong {
		wrong = "111111"
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#code`, wrong, chromedp.ByID),
		chromedp.Click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`.verify .err`, chromedp.ByQuery),
		chromedp.Text(`.verify .err`, &codeErr, chromedp.ByQuery),
		chromedp.Value(`#subject`, &subject, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(codeErr, "4 tries left") || subject != "compressor noise" {
		t.Fatalf("wrong code: %q, subject %q", codeErr, subject)
	}
	var fits bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &fits)); err != nil || !fits {
		t.Errorf("the verification form is wider than the phone (%v)", err)
	}
}

// smsGateway switches SMS on through a fake Aliyun gateway (with a
// verification template) and gives it credits.
func (e *env) smsGateway(credits int) *chantest.AliyunSMS {
	e.t.Helper()
	gw := chantest.NewAliyunSMS(e.t)
	on := true
	if _, err := e.svc.SetChannelConfig(e.admin(), core.NoticeSMS, &on, map[string]string{"base_url": gw.URL, "access_key_id": gw.KeyID,
		"access_key_secret": gw.KeySecret, "sign_name": "华联服务", "template_code": "SMS_100", "verify_template_code": "SMS_CODE"}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.AddSMSCredits(e.admin(), credits); err != nil {
		e.t.Fatal(err)
	}
	return gw
}
