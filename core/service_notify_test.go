package core_test

import (
	"errors"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

func enableEmail(t *testing.T, svc *core.Service, admin core.Actor) {
	t.Helper()
	on := true
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, &on, map[string]string{"host": "127.0.0.1", "from": "service@example.com"}); err != nil {
		t.Fatal(err)
	}
}

// TestSubmittedQueuedWithWorkOrder: creating a work order queues the "submitted"
// notification in the same transaction and notes it in the history; a disabled
// preset or a switched-off channel queues nothing.
func TestSubmittedQueuedWithWorkOrder(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "channel off", Email: "a@example.com"})
	if ms, _ := svc.OutboxFor(w.Number); len(ms) != 0 {
		t.Fatalf("a switched-off channel queued %d messages", len(ms))
	}
	enableEmail(t, svc, admin)
	w, _ = svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "on", Email: "a@example.com"})
	ms, _ := svc.OutboxFor(w.Number)
	if len(ms) != 1 || ms[0].State != core.MsgQueued || ms[0].Event != core.NoticeSubmitted || ms[0].Content.Subject != "[WO-000002] Work order received: on" {
		t.Fatalf("queued %+v", ms)
	}
	if h := w.History[len(w.History)-1]; h.Kind != core.EventNotified || !strings.Contains(h.Detail, "email to a***@example.com queued") {
		t.Errorf("history = %+v", h)
	}
	if _, err := svc.SetPresetEnabled(admin, core.NoticeSubmitted, core.NoticeEmail, false); err != nil {
		t.Fatal(err)
	}
	w, _ = svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "disabled", Email: "a@example.com"})
	if ms, _ := svc.OutboxFor(w.Number); len(ms) != 0 {
		t.Fatalf("a disabled preset queued %d messages", len(ms))
	}
	ps, _ := svc.Presets()
	if len(ps) != 32 {
		t.Errorf("the matrix has %d cells, want (7 presets + the task invitation) × 4 channels", len(ps))
	}
}

func TestPresetTemplateValidation(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	_, err := svc.SetPresetTemplate(admin, core.NoticeCompleted, core.NoticeSMS, core.Template{Body: "Done: #WorkOrderNumber# #Bogus#"})
	if !core.IsValidation(err) || !strings.Contains(err.Error(), "#Bogus#") {
		t.Fatalf("unknown variable: %v", err)
	}
	p, err := svc.SetPresetTemplate(admin, core.NoticeCompleted, core.NoticeSMS, core.Template{Body: " Done: #WorkOrderNumber# "})
	if err != nil || !p.Custom || p.Template.Body != "Done: #WorkOrderNumber#" {
		t.Fatalf("save: %+v %v", p, err)
	}
	agent := mustUser(t, svc, admin, "amy", core.RoleCallCenter)
	if _, err := svc.SetPresetEnabled(agent, core.NoticeCompleted, core.NoticeSMS, false); !errors.Is(err, core.ErrForbidden) {
		t.Errorf("a call-center agent changed a preset: %v", err)
	}
	if _, err := svc.SetPresetTemplate(admin, core.NoticeCompleted, core.NoticeEmail, core.Template{Subject: "x"}); !core.IsValidation(err) {
		t.Errorf("an email template without a body was saved: %v", err)
	}
	r, err := svc.PreviewTemplate(core.NoticeCompleted, core.NoticeEmail, core.Template{Subject: "#Subject#", Body: `<a href="#URL#">#Subject#</a>`}, "")
	if err != nil || r.Subject != "" || r.HTML != `<a href=""></a>` {
		t.Errorf("preview with no work orders: %+v %v", r, err)
	}
	if _, err := svc.SetChannelConfig(admin, core.NoticeEmail, nil, map[string]string{"colour": "red"}); !core.IsValidation(err) {
		t.Errorf("an unknown channel setting was accepted: %v", err)
	}
}

func TestRetryOnlyFinalFailures(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	enableEmail(t, svc, admin)
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "x", Email: "a@example.com"})
	ms, _ := svc.OutboxFor(w.Number)
	if _, err := svc.RetryMessage(admin, ms[0].ID); !core.IsValidation(err) {
		t.Errorf("retrying a queued message: %v", err)
	}
	if _, err := svc.RetryMessage(admin, 999); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("retrying a missing message: %v", err)
	}
}

// TestNoticeActionIdempotent: a post-action that runs twice for the same work-order
// version queues its messages once.
func TestNoticeActionIdempotent(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	enableEmail(t, svc, admin)
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "x", Email: "a@example.com"})
	a := core.NoticeAction{Event: core.NoticeEvaluationInvite, Channels: []core.NoticeChannel{core.NoticeEmail},
		Recipients: []core.RecipientSpec{{Kind: core.RecipientOwner}, {Kind: core.RecipientExplicit, Address: "boss@example.com"}},
		Values:     map[string]string{"URL": "https://portal.example/e/abc"}}
	first, err := svc.Notify(admin, w.Number, a)
	if err != nil || len(first) != 2 || !strings.Contains(first[0].Content.HTML, "https://portal.example/e/abc") {
		t.Fatalf("first run: %v %+v", err, first)
	}
	again, err := svc.Notify(admin, w.Number, a)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run queued %d more (%v)", len(again), err)
	}
}

func TestRetryPolicyDelay(t *testing.T) {
	p := core.RetryPolicy{Base: 30e9, Max: 3600e9, MaxAttempts: 30}
	want := []float64{30, 60, 120, 240, 480, 960, 1920, 3600, 3600}
	for i, w := range want {
		if got := p.Delay(i + 1).Seconds(); got != w {
			t.Errorf("Delay(%d) = %vs, want %vs", i+1, got, w)
		}
	}
}
