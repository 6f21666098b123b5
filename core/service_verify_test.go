package core_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store/testdb"
)

// smsOn switches the SMS channel on with credits, so phone codes are sent.
func smsOn(t *testing.T, svc *core.Service, admin core.Actor) {
	t.Helper()
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeSMS, &on, map[string]string{"access_key_id": "LTAI", "access_key_secret": "s", "sign_name": "华联服务", "template_code": "SMS_1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddSMSCredits(admin, 100); err != nil {
		t.Fatal(err)
	}
}

var codeRE = regexp.MustCompile(`\b\d{6}\b`)

// lastCode delivers the queued verification codes, as the outbox worker
// does, and returns the newest one sent to phone — what the customer reads
// on their phone. Staff reading the outbox see the code masked.
func lastCode(t *testing.T, svc *core.Service, phone string) string {
	t.Helper()
	ms, err := svc.Outbox(core.MessageQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Event == core.NoticeVerifyCode && codeRE.MatchString(m.Content.Text) {
			t.Fatalf("the outbox shows a code to staff: %q", m.Content.Text)
		}
	}
	claimed, err := svc.ClaimMessages(100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	code := ""
	var done []core.DeliveryResult
	for _, m := range claimed {
		done = append(done, core.DeliveryResult{ID: m.ID, ProviderID: "biz"})
		if m.Event == core.NoticeVerifyCode && m.Recipient.Address == phone {
			code = codeRE.FindString(m.Content.Text)
		}
	}
	if err := svc.FinishMessages(done, core.DefaultRetryPolicy); err != nil {
		t.Fatal(err)
	}
	if code == "" {
		t.Fatalf("no code queued for %s", phone)
	}
	return code
}

// TestPhoneVerifiedBeforeMatching (R-IN-8, issue 18.3): a stranger who types
// a customer's phone on the customer form files a guest's work order —
// matched to nobody, no external owner, marked unverified, no SMS to that
// phone — while the customer who types the code sent to the phone is matched
// to their contact and owns the work order.
func TestPhoneVerifiedBeforeMatching(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	c, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储"})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := svc.PhoneVerification()
	if v.On || v.Mode != core.VerifyAuto {
		t.Fatalf("without SMS: %+v", v)
	}
	smsOn(t, svc, admin)
	if v, _ = svc.PhoneVerification(); !v.On {
		t.Fatalf("auto with SMS on should verify: %+v", v)
	}

	// The stranger: no code.
	r, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "Mallory", Phone: "13800138000", Subject: "cancel my contract"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := svc.WorkOrder(r.Number)
	if !r.Unverified || w.PhoneCheck != core.PhoneUnverified || w.OutOwner != 0 || w.ContactID != 0 || w.AccountID != 0 {
		t.Fatalf("unverified submission matched: receipt %+v, wo phone_check=%q owner=%d contact=%d account=%d", r, w.PhoneCheck, w.OutOwner, w.ContactID, w.AccountID)
	}
	if !strings.Contains(w.Description, "Mallory") || !historyHas(w, "NOT verified") {
		t.Fatalf("the guest's name or the mark is missing: %q %+v", w.Description, w.History)
	}
	if ms, _ := svc.OutboxFor(w.Number); len(ms) != 0 {
		t.Fatalf("an unverified phone got messages: %+v", ms)
	}
	// Lists mark it for the dispatcher.
	if page, _ := svc.ListWorkOrders(core.WorkOrderQuery{Limit: 1}); len(page.Rows) != 1 || !page.Rows[0].PhoneUnverified || page.Rows[0].ListSubject() != "[unverified] cancel my contract" {
		t.Fatalf("the list row: %+v", page.Rows)
	}

	// The customer: a code, a wrong guess, then the right one.
	nonce := core.NewToken()
	sent, err := svc.SendPhoneCode("138 0013 8000")
	if err != nil || sent.To == "" || strings.Contains(sent.To, "0013") {
		t.Fatalf("send: %+v %v", sent, err)
	}
	code := lastCode(t, svc, "13800138000")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	_, err = svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: nonce, Name: "王芳", Phone: "13800138000", Subject: "冷库温度过高", Code: wrong})
	if fe := core.FieldErrors(err); fe["code"] == "" || !strings.Contains(fe["code"], "4 tries left") {
		t.Fatalf("a wrong code: %v", err)
	}
	r, err = svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: nonce, Name: "王芳", Phone: "13800138000", Subject: "冷库温度过高", Code: " " + code[:3] + " " + code[3:]})
	if err != nil {
		t.Fatal(err)
	}
	w, _ = svc.WorkOrder(r.Number)
	if r.Unverified || w.PhoneCheck != core.PhoneVerified || w.ContactID != c.Contact.ID || w.OutOwner == 0 || !historyHas(w, "verified with an SMS code") {
		t.Fatalf("verified submission: receipt %+v, wo %+v", r, w)
	}
	if ms, _ := svc.OutboxFor(w.Number); len(ms) == 0 {
		t.Fatal("the verified customer got no submitted notification")
	}
	// The code was used up: another form cannot reuse it.
	_, err = svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "Mallory", Phone: "13800138000", Subject: "again", Code: code})
	if fe := core.FieldErrors(err); fe["code"] == "" {
		t.Fatalf("a used code worked again: %v", err)
	}
}

// TestPhoneCodeLimits (R-IN-8): codes are 6 digits, stored only hashed, good
// for 10 minutes and 5 tries, at most one a minute and 5 an hour per phone;
// the outbox forgets the code once the message is finished.
func TestPhoneCodeLimits(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	smsOn(t, svc, admin)
	const phone = "13900139000"
	if _, err := svc.SendPhoneCode(phone); err != nil {
		t.Fatal(err)
	}
	code := lastCode(t, svc, phone)
	if _, err := svc.SendPhoneCode(phone); core.FieldErrors(err)["code"] == "" || !strings.Contains(err.Error(), "wait") {
		t.Fatalf("a second code at once: %v", err)
	}
	// Five wrong tries lock the code, even the right one after.
	sub := func(code string) error {
		_, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "x", Phone: phone, Subject: "s", Code: code})
		return err
	}
	for i := range core.PhoneCodeTries {
		guess := "000000"
		if guess == code {
			guess = "999999"
		}
		if err := sub(guess); core.FieldErrors(err)["code"] == "" {
			t.Fatalf("wrong guess %d accepted: %v", i, err)
		}
	}
	if err := sub(code); err == nil || !strings.Contains(err.Error(), "Too many wrong codes") {
		t.Fatalf("the right code after 5 wrong ones: %v", err)
	}
	// A short code is not a guess.
	clk.Advance(time.Minute)
	if _, err := svc.SendPhoneCode(phone); err != nil {
		t.Fatal(err)
	}
	code = lastCode(t, svc, phone)
	if err := sub("12"); err == nil || !strings.Contains(err.Error(), "6 digits") {
		t.Fatalf("short code: %v", err)
	}
	// Expired after 10 minutes.
	clk.Advance(core.PhoneCodeTTL)
	if err := sub(code); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired code: %v", err)
	}
	// Five an hour.
	for range 3 {
		clk.Advance(time.Minute)
		if _, err := svc.SendPhoneCode(phone); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(time.Minute)
	if _, err := svc.SendPhoneCode(phone); err == nil || !strings.Contains(err.Error(), "in the last hour") {
		t.Fatalf("a sixth code in an hour: %v", err)
	}
	// Not a mobile: refused before anything is sent.
	if _, err := svc.SendPhoneCode("021 5555 1234"); core.FieldErrors(err)["phone"] == "" {
		t.Fatalf("landline: %v", err)
	}
	// A sent code message forgets its code (the worker's view, claimed again
	// after a lease, would otherwise still carry it).
	lastCode(t, svc, phone)
	clk.Advance(time.Hour)
	if claimed, _ := svc.ClaimMessages(100, time.Minute); len(claimed) != 0 {
		t.Fatalf("sent messages claimed again: %+v", claimed)
	}
	// A code the gateway could not take within its 10 minutes is given up.
	clk.Advance(time.Hour)
	if _, err := svc.SendPhoneCode(phone); err != nil {
		t.Fatal(err)
	}
	clk.Advance(core.PhoneCodeTTL)
	claimed, _ := svc.ClaimMessages(100, time.Minute)
	if len(claimed) != 1 {
		t.Fatalf("claimed %d", len(claimed))
	}
	if err := svc.FinishMessages([]core.DeliveryResult{{ID: claimed[0].ID, Err: errors.New("gateway down")}}, core.DefaultRetryPolicy); err != nil {
		t.Fatal(err)
	}
	m, _ := svc.OutboxMessage(claimed[0].ID)
	if m.State != core.MsgFailed || !strings.Contains(m.Reason, "expired") || strings.Contains(m.Content.Text, "•") {
		t.Fatalf("an expired code's message: %+v", m)
	}
}

// TestPhoneVerificationSetting (R-IN-8): off takes phones on trust (the
// customer form matches as before); sms without the SMS channel asks for
// codes it cannot send, and says so.
func TestPhoneVerificationSetting(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000"}); err != nil {
		t.Fatal(err)
	}
	smsOn(t, svc, admin)
	if _, err := svc.SetPhoneVerification(admin, "maybe"); core.FieldErrors(err)["mode"] == "" {
		t.Fatalf("bad mode: %v", err)
	}
	v, err := svc.SetPhoneVerification(admin, core.VerifyOff)
	if err != nil || v.On {
		t.Fatalf("off: %+v %v", v, err)
	}
	r, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "王芳", Phone: "13800138000", Subject: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if w, _ := svc.WorkOrder(r.Number); w.OutOwner == 0 || w.PhoneCheck != "" {
		t.Fatalf("verification off should match on trust: %+v", w)
	}
	if _, err := svc.SendPhoneCode("13800138000"); core.FieldErrors(err)["code"] == "" {
		t.Fatalf("a code while off: %v", err)
	}
	if _, err := svc.SetPhoneVerification(core.Actor{Kind: core.SubmitterGuest}, core.VerifySMS); err == nil {
		t.Fatal("a guest changed the setting")
	}
}

func historyHas(w core.WorkOrder, s string) bool {
	for _, e := range w.History {
		if strings.Contains(e.Detail, s) {
			return true
		}
	}
	return false
}

// TestCustomerSession (issue 20.5): a customer signs in with the SMS code,
// sees the phone's work orders while the session lasts (30 days), not after
// signing out; a wrong code or verification off opens nothing.
func TestCustomerSession(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.SignIn("13800138000", "123456", core.NewToken()); core.FieldErrors(err)["phone"] == "" {
		t.Fatalf("sign-in without SMS codes: %v", err)
	}
	smsOn(t, svc, admin)
	w, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "mine", Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SendPhoneCode("13800138000"); err != nil {
		t.Fatal(err)
	}
	code := lastCode(t, svc, "13800138000")
	nonce := core.NewToken()
	if _, err := svc.SignIn("13800138000", "000000"[:5]+"x", nonce); core.FieldErrors(err)["code"] == "" {
		t.Fatalf("a bad code: %v", err)
	}
	sess, err := svc.SignIn("138 0013 8000", code, nonce)
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.CustomerWorkOrders(sess.Token)
	if err != nil || len(v.WorkOrders) != 1 || v.WorkOrders[0].Number != w.Number || v.WorkOrders[0].Steps[0].Kind != "created" {
		t.Fatalf("the customer's view: %+v %v", v, err)
	}
	clk.Advance(core.CustomerSessionTTL)
	if _, err := svc.CustomerWorkOrders(sess.Token); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("a session past 30 days: %v", err)
	}
	clk.Advance(-core.CustomerSessionTTL + time.Hour)
	if err := svc.SignOut(sess.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CustomerWorkOrders(sess.Token); !errors.Is(err, core.ErrLinkUnusable) {
		t.Fatalf("after signing out: %v", err)
	}
}

// TestCustomerSessionListsWhatTheyOwn: a customer's page lists the work
// orders their terminal user owns whatever phone those carry — one made from
// their email has none, one they filed with a colleague's number has that —
// and nobody else's (it searched for the phone's text before, and missed
// both).
func TestCustomerSessionListsWhatTheyOwn(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", Email: "wang.fang@example.com", TerminalUser: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddContact(admin, core.NewContact{Name: "李雷", Phone: "13900139000", Email: "li.lei@example.com", TerminalUser: true}); err != nil {
		t.Fatal(err)
	}
	smsOn(t, svc, admin)
	byEmail, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "from her email", Email: "wang.fang@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	byPhone, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "by her phone", Phone: "13800138000"})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Minute)
	if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "someone else's", Phone: "13900139000", Email: "li.lei@example.com"}); err != nil {
		t.Fatal(err)
	}
	if w, _ := svc.WorkOrder(byEmail.Number); w.OutOwner == 0 || w.Phone != "" {
		t.Fatalf("the email work order should be hers with no phone: owner %d, phone %q", w.OutOwner, w.Phone)
	}
	if _, err := svc.SendPhoneCode("13800138000"); err != nil {
		t.Fatal(err)
	}
	nonce := core.NewToken()
	sess, err := svc.SignIn("13800138000", lastCode(t, svc, "13800138000"), nonce)
	if err != nil {
		t.Fatal(err)
	}
	v, err := svc.CustomerWorkOrders(sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range v.WorkOrders {
		got = append(got, w.Number)
	}
	if want := []string{byPhone.Number, byEmail.Number}; !slices.Equal(got, want) {
		t.Fatalf("her page lists %v, want %v (newest first, hers only)", got, want)
	}
	if _, err := svc.CustomerWorkOrder(sess.Token, byEmail.Number); err != nil {
		t.Fatalf("opening the email work order from her page: %v", err)
	}
}

// TestAnonymousFormsNotifyNobody (R-IN-8): the "received" notification goes
// to an identified customer only — never to an address typed on an
// anonymous form, which anyone could aim at a stranger.
func TestAnonymousFormsNotifyNobody(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, nil); err != nil {
		t.Fatal(err)
	}
	r, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: core.NewToken(), Email: "victim@example.com", Subject: "buy pills"})
	if err != nil {
		t.Fatal(err)
	}
	if ms, _ := svc.OutboxFor(r.Number); len(ms) != 0 {
		t.Fatalf("a guest form mailed a typed address: %+v", ms)
	}
	r, err = svc.SubmitWeb(core.WebSubmission{Form: core.FormTerminal, Nonce: core.NewToken(), Name: "王芳", Phone: "13800138000", Email: "wang@example.com", Subject: "冷库温度过高"})
	if err != nil {
		t.Fatal(err)
	}
	if ms, _ := svc.OutboxFor(r.Number); len(ms) == 0 {
		t.Fatal("the customer form (verification off) got no received notification")
	}
}
