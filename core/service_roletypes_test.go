package core_test

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestRecordTypesPerRole (seed 003 §1–2, issue 20.10): a role with a list
// creates only those types — and cannot edit a work order into another —
// while a role without one, and admins, create every type; the API, email
// and web doors have lists of their own, and a mail rule that sets a type
// mail may not create is refused.
func TestRecordTypesPerRole(t *testing.T) {
	_, svc, _ := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	cc, err := svc.AddUser(admin, core.NewUser{Login: "cc", Name: "Call Center", Roles: []core.Role{core.RoleCallCenter}})
	if err != nil {
		t.Fatal(err)
	}
	both, err := svc.AddUser(admin, core.NewUser{Login: "both", Name: "Both", Roles: []core.Role{core.RoleCallCenter, core.RoleDispatcher}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SetRoleRecordTypes(admin, "call-center", []string{"repair", "Inspection"}); err != nil {
		t.Fatal(err)
	}
	asCC := core.Actor{Kind: core.SubmitterInternal, User: cc}
	if _, err := svc.CreateWorkOrder(asCC, core.NewWorkOrder{Subject: "s", RecordType: "Installation"}); core.FieldErrors(err)["type"] == "" || !strings.Contains(err.Error(), "Repair, Inspection") {
		t.Fatalf("call-center created an Installation: %v", err)
	}
	w, err := svc.CreateWorkOrder(asCC, core.NewWorkOrder{Subject: "s", RecordType: "Inspection"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.UpdateWorkOrder(asCC, w.Number, w.Version, core.WorkOrderPatch{RecordType: new("Maintenance")}); core.FieldErrors(err)["type"] == "" {
		t.Fatalf("call-center edited into Maintenance: %v", err)
	}
	// A second role without a list may create every type; admins always.
	if _, err := svc.CreateWorkOrder(core.Actor{Kind: core.SubmitterInternal, User: both}, core.NewWorkOrder{Subject: "s", RecordType: "Installation"}); err != nil {
		t.Fatalf("dispatcher too: %v", err)
	}
	if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "s", RecordType: "Installation"}); err != nil {
		t.Fatal(err)
	}
	// Doors.
	if _, err := svc.SetRoleRecordTypes(admin, "web", []string{"Repair"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitWeb(core.WebSubmission{Form: core.FormGuest, Nonce: core.NewToken(), Subject: "s", RecordType: "Installation"}); core.FieldErrors(err)["type"] == "" {
		t.Fatalf("the web form created an Installation: %v", err)
	}
	if got, _ := svc.AllowedRecordTypes(core.Actor{Kind: core.SubmitterGuest}, core.ChannelWeb); len(got) != 1 || got[0] != "Repair" {
		t.Fatalf("the web form offers %v", got)
	}
	if _, err := svc.SetRoleRecordTypes(admin, "email", []string{"Maintenance"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleMail, Name: "installs", When: "true", Mail: &core.MailAction{RecordType: "Installation"}}); core.FieldErrors(err)["type"] == "" {
		t.Fatalf("a mail rule for a type mail may not create: %v", err)
	}
	if _, err := svc.SetRoleRecordTypes(admin, "admin", []string{"Repair"}); err == nil {
		t.Fatal("admins were restricted")
	}
	if _, err := svc.SetRoleRecordTypes(asCC, "call-center", nil); err == nil {
		t.Fatal("a call-center agent changed the lists")
	}
	// --all again.
	if _, err := svc.SetRoleRecordTypes(admin, "call-center", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CreateWorkOrder(asCC, core.NewWorkOrder{Subject: "s", RecordType: "Installation"}); err != nil {
		t.Fatalf("after --all: %v", err)
	}
}
