package core_test

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestProcessQueuesPresetNotices (R-FLOW-1 default order, R-NOTE-3): completing the
// last node queues the "completed" preset and terminating queues "terminated"
// with the reason, in the same transaction as the change.
func TestProcessQueuesPresetNotices(t *testing.T) {
	_, svc, clk := testdb.Open(t)
	f := newFieldCo(t, svc, clk)
	on := true
	if _, err := svc.SetChannelConfig(f.admin, core.NoticeEmail, &on, map[string]string{"host": "127.0.0.1", "port": "2525", "from": "service@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddTerminalUser(f.admin, core.NewTerminalUser{Name: "王芳", Email: "wang.fang@example.com"}); err != nil {
		t.Fatal(err)
	}
	events := func(number string) map[core.NoticeEvent]core.Message {
		ms, err := svc.OutboxFor(number)
		if err != nil {
			t.Fatal(err)
		}
		out := map[core.NoticeEvent]core.Message{}
		for _, m := range ms {
			out[m.Event] = m
		}
		return out
	}

	w := f.create(t, core.NewWorkOrder{Subject: "冷柜不制冷", Email: "wang.fang@example.com"})
	if w.OutOwner == 0 {
		t.Fatalf("owner by email (R-WO-4 case 4): %s", w.OutOwnerRule)
	}
	if _, err := svc.AssignWorkOrder(f.dispatcher, w.Number, 0, f.ann.ID); err != nil {
		t.Fatal(err)
	}
	// service, terminal task, evaluation; the follow-up node does not run
	// while its plug-in is off (R-FU-1).
	for i := 0; i < 3; i++ {
		if _, ok := events(w.Number)[core.NoticeCompleted]; ok {
			t.Fatalf("completed notice queued after %d of 3 steps", i)
		}
		if _, err := svc.AdvanceWorkOrder(f.dispatcher, w.Number, 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	m, ok := events(w.Number)[core.NoticeCompleted]
	if !ok || m.Recipient.Address != "wang.fang@example.com" {
		t.Fatalf("completed notice: %+v %v", m, ok)
	}

	x := f.create(t, core.NewWorkOrder{Subject: "重复报修", Email: "wang.fang@example.com"})
	if _, err := svc.TerminateWorkOrder(f.desk, x.Number, 0, "与 "+w.Number+" 重复"); err != nil {
		t.Fatal(err)
	}
	m, ok = events(x.Number)[core.NoticeTerminated]
	if !ok || !strings.Contains(m.Content.Text+m.Content.HTML, "与 "+w.Number+" 重复") {
		t.Fatalf("terminated notice should carry the reason: %+v", m)
	}
}
