package store_test

import (
	"path/filepath"
	"testing"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/testdb"
)

// BenchmarkReportJourney100k (R-REP-1, R-REP-2) measures one whole report
// journey on a database of 100,000 work orders (a copy of the shared bench
// database): fill the draft, complete service (generating v1 and its link),
// invite the customer by link, read the signing page's view, and sign — five
// transactions, each synced to disk.
func BenchmarkReportJourney100k(b *testing.B) {
	src := bench100k(b)
	dst := filepath.Join(b.TempDir(), "bench.db")
	if err := testdb.CopyFile(src, dst); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(dst, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := core.NewService(st)
	admin, err := svc.Login(core.BuiltinAdmin)
	if err != nil {
		b.Fatal(err)
	}
	in := core.ReportInput{WorkDone: "更换压缩机启动电容，补充冷媒", Parts: []core.ReportPart{{Name: "启动电容 35μF", Quantity: 1}, {Name: "R404A (kg)", Quantity: 1.5}}}
	n := 0
	b.ResetTimer()
	for b.Loop() {
		// Work orders 2, 7, 12, … wait at the service node in the bench database.
		number := core.FormatNumber(uint64(2 + 5*n))
		n++
		if _, err := svc.SaveReport(admin, number, in); err != nil {
			b.Fatal(err)
		}
		if _, err := svc.AdvanceWorkOrder(admin, number, 0, ""); err != nil {
			b.Fatal(err)
		}
		inv, err := svc.InviteReportSignature(admin, number, "link", 0)
		if err != nil {
			b.Fatal(err)
		}
		v, err := svc.OpenReportSigning(inv.Token)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: v.Shown.Version, SHA256: v.Shown.SHA256, Name: "王芳"}); err != nil {
			b.Fatal(err)
		}
	}
}
