package portal_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"switchboard/core"
	"switchboard/core/channels"
)

// TestBrowserCustomerSeesOwnRequests (issue 20.5, seed 003 "submit or
// query"), on a phone-sized Chromium: a customer signs in on /me with the
// phone and the SMS code, sees their requests — the one staff filed for
// their contact and the one they filed with a confirmed phone, not one a
// stranger filed with their number unconfirmed — opens one with its steps,
// and signs out; another customer cannot open it.
func TestBrowserCustomerSeesOwnRequests(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	gw := e.smsGateway(20)
	c, err := e.svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	staff, err := e.svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "Annual maintenance", ContactID: c.Contact.ID})
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := e.svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "Mallory", Phone: "13800138000", Subject: "stranger's request"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := e.svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "someone else's", Phone: "13900139000"})
	if err != nil {
		t.Fatal(err)
	}
	worker := channels.NewWorker(e.svc, channels.Options{})
	code := func() string {
		t.Helper()
		if _, err := worker.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		for _, m := range slices.Backward(gw.Sent()) {
			if m.TemplateCode == "SMS_CODE" {
				return m.Params["code"]
			}
		}
		t.Fatal("no code was texted")
		return ""
	}
	ctx := evalPhoneBrowser(t)
	var list string
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/?lang=en"),
		chromedp.Click(`#home-me`, chromedp.ByID),
		chromedp.WaitVisible(`#send-code`, chromedp.ByID),
		chromedp.SendKeys(`#phone`, "138 0013 8000", chromedp.ByID),
		chromedp.Click(`#send-code`, chromedp.ByID),
		chromedp.WaitVisible(`#code-sent`, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`#code`, code(), chromedp.ByID),
		chromedp.Click(`#sign-in`, chromedp.ByID),
		chromedp.WaitVisible(`#me`, chromedp.ByID),
		chromedp.Text(`main`, &list, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, staff.Number) || !strings.Contains(list, "Annual maintenance") || strings.Contains(list, stranger.Number) || strings.Contains(list, other.Number) {
		t.Fatalf("the list:\n%s", list)
	}
	var steps, stage string
	err = chromedp.Run(ctx,
		chromedp.Click(`a[href^="/me/wo/`+staff.Number+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#wo-steps`, chromedp.ByID),
		chromedp.Text(`#wo-steps`, &steps, chromedp.ByID),
		chromedp.Text(`#wo-stage`, &stage, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(steps, "Request received") || stage == "" {
		t.Fatalf("steps %q, stage %q", steps, stage)
	}
	var fits bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &fits)); err != nil || !fits {
		t.Errorf("the page is wider than the phone (%v)", err)
	}
	// Someone else's work order: the same page as an unknown link.
	var status int64
	if err := chromedp.Run(ctx, chromedp.Navigate(e.srv.URL+"/me/wo/"+other.Number+"?lang=en"),
		chromedp.Evaluate(`document.querySelector('#wo-number') ? 1 : 0`, &status)); err != nil || status != 0 {
		t.Fatalf("another's work order opened (%v)", err)
	}
	// Signing out ends the session: the list asks to sign in again.
	err = chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+"/me?lang=en"),
		chromedp.Click(`#sign-out`, chromedp.ByID),
		chromedp.WaitVisible(`#send-code`, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
}
