package core_test

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestTerminalTaskCreatesAnObject (seed 000 "create associated objects",
// issue 20.12): an admin defines a payment-fee object; the terminal-task node
// lets the customer create one; it is kept with the work order and in its
// history; a required field is required; the type cannot go while a process
// uses it; an undefined type cannot be chosen.
func TestTerminalTaskCreatesAnObject(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	if _, err := svc.SaveObjectType(admin, core.ObjectType{Name: "Payment", Label: "Payment fee", Fields: []core.ObjectField{
		{Key: "amount", Label: "Amount", Required: true}, {Key: "method", Label: "Method"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveObjectType(admin, core.ObjectType{Name: "device", Fields: []core.ObjectField{{Key: "x"}}}); err == nil {
		t.Fatal("device was redefined")
	}
	nodes := core.DefaultProcessNodes()
	nodes[2].Task = &core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}, Create: &core.CreateObject{Object: "refund"}}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err == nil || !strings.Contains(err.Error(), "define it first") {
		t.Fatalf("an undefined object: %v", err)
	}
	nodes[2].Task.Create = &core.CreateObject{Object: "payment"}
	if _, err := svc.SetProcess(admin, core.Process{RecordType: "Repair", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtTaskNode(t, svc, core.NewWorkOrder{Subject: "Install compressor"})
	inv, err := svc.InviteByLink(admin, w.Number, 0)
	if err != nil {
		t.Fatal(err)
	}
	tok := inv.URL[strings.LastIndex(inv.URL, "/")+1:]
	v, err := svc.OpenTask(tok)
	if err != nil || v.ObjectLabel != "Payment fee" || len(v.ObjectFields) != 2 || v.ObjectFields[0].Label != "Amount *" {
		t.Fatalf("the task page: %+v %v", v, err)
	}
	if _, err := svc.CompleteTask(tok, core.TaskInput{Nonce: core.NewToken(), Object: map[string]string{"method": "cash"}}); core.FieldErrors(err)["object.amount"] == "" {
		t.Fatalf("without the required amount: %v", err)
	}
	if _, err := svc.CompleteTask(tok, core.TaskInput{Nonce: core.NewToken(), Object: map[string]string{"amount": "120", "method": "cash"}}); err != nil {
		t.Fatal(err)
	}
	got, _ := svc.WorkOrder(w.Number)
	if len(got.Objects) != 1 || got.Objects[0].Type != "payment" || got.Objects[0].Values[0].Value != "120" || !historyHas(got, "created Payment fee: Amount 120; Method cash") {
		t.Fatalf("the work order: %+v", got.Objects)
	}
	if err := svc.RemoveObjectType(admin, "payment"); err == nil || !strings.Contains(err.Error(), "Repair process") {
		t.Fatalf("removed while used: %v", err)
	}
}
