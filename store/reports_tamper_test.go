package store_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"switchboard/core"
	"switchboard/store/testdb"
)

// TestReportTamperedInTheFile (R-REP-2): someone edits the database file behind
// the service's back — the signed version 1's text and the unsigned version 2's.
// The service finds both: the status says tampered and names the version, the
// signed version no longer matches its signature, and the changed version 2 can
// be neither sent for signing nor signed.
func TestReportTamperedInTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sb.db")
	st, svc, _ := testdb.OpenAt(t, path)
	admin := testdb.Admin(t, svc)
	p, _ := svc.AddProvider(admin, "Acme", "T-1")
	e, _ := svc.AddEngineer(admin, core.NewEngineer{Name: "Ann", ProviderID: p.ID})
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "冷库温度过高"})
	if _, err := svc.AssignWorkOrder(admin, w.Number, 0, e.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "更换启动电容"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	inv, _ := svc.InviteReportSignature(admin, w.Number, "link", 0)
	v, _ := svc.Report(w.Number, 0)
	if _, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: 1, SHA256: v.Shown.SHA256, Name: "王芳"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "更换启动电容，补充冷媒"}); err != nil {
		t.Fatal(err)
	}
	inv2, err := svc.InviteReportSignature(admin, w.Number, "link", 0)
	if err != nil {
		t.Fatal(err)
	}
	v2, _ := svc.Report(w.Number, 2)
	st.Close()

	edit := func(version byte, work string) {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		err = db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("reports"))
			key := append(make([]byte, 7), byte(w.ID), 0, 0, 0, 0, 0, 0, 0, version)
			var r map[string]any
			if err := json.Unmarshal(b.Get(key), &r); err != nil {
				return err
			}
			r["work_done"] = work
			raw, _ := json.Marshal(r)
			return b.Put(key, raw)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	edit(1, "什么也没做")
	edit(2, "免费更换整机")

	_, svc, _ = testdb.OpenAt(t, path)
	admin = testdb.Admin(t, svc)
	v, err = svc.Report(w.Number, 1)
	if err != nil || v.Status.State != core.ReportTampered || !strings.Contains(v.Status.Problem, "version 1") || !strings.Contains(v.ShownProblem, "changed after it was made") {
		t.Fatalf("tampered signed version: status %+v, shown problem %q, %v", v.Status, v.ShownProblem, err)
	}
	if _, err := svc.InviteReportSignature(admin, w.Number, "link", 0); err == nil || !strings.Contains(err.Error(), "cannot be sent for signing") {
		t.Errorf("invite on a tampered version: %v", err)
	}
	_, err = svc.SignReport(core.ReportSigning{Token: inv2.Token, Nonce: core.NewToken(), Version: 2, SHA256: v2.Shown.SHA256, Name: "王芳"})
	if err == nil || !strings.Contains(err.Error(), "does not match its record") {
		t.Errorf("signing a tampered version: %v", err)
	}
}
