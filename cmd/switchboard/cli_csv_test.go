package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestImportContactsReportsEveryBadRow (R-IN-6 migration, issue 8): a file with bad
// rows names each (line, column, reason) and writes nothing; fixed, it imports.
func TestImportContactsReportsEveryBadRow(t *testing.T) {
	d := newDB(t)
	file := filepath.Join(d.home, "contacts.csv")
	bad := "\ufeffname,phone,email,account,terminal_user\n" +
		"王芳,138 0013 8000,,上海浦东仓储,yes\n" +
		",13900000000,,,no\n" +
		"Bob,12,,,no\n" +
		"\"Ann, Jr.\",,not-an-email,Acme,maybe\n" +
		"Dan,13700000000,dan@example.com,Acme,\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	r := d.run("import", "contacts", file)
	if r.code != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	// Every bad cell: line 5's email is reported next to its bad terminal_user.
	for _, want := range []string{"line 3, column name", "line 4, column phone", "line 5, column terminal_user", "line 5, column email", "4 problem(s) in 5 row(s); nothing was imported"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if out := d.ok("contact", "lookup", "13800138000"); strings.Contains(out, "王芳") {
		t.Fatal("a contact of a file with problems was written")
	}
	good := strings.Replace(strings.Replace(strings.Replace(bad, ",13900000000,", "Carl,13900000000,", 1), "Bob,12,", "Bob,13600000000,", 1), "maybe", "no", 1)
	good = strings.Replace(good, "not-an-email", "ann@acme.example.com", 1)
	if err := os.WriteFile(file, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := d.ok("import", "contacts", file, "--dry-run"); !strings.Contains(out, "would be imported") {
		t.Fatalf("dry run: %q", out)
	}
	if out := d.ok("contact", "lookup", "13800138000"); strings.Contains(out, "王芳") {
		t.Fatal("a dry run wrote a contact")
	}
	if out := d.ok("import", "contacts", file); !strings.Contains(out, "Imported 5 contacts") {
		t.Fatalf("import: %q", out)
	}
	var w map[string]any
	d.okJSON(&w, "wo", "create", "--subject", "x", "--phone", "13800138000")
	if w["out_owner"] == nil || !strings.Contains(w["out_owner_rule"].(string), "13800138000") {
		t.Errorf("the imported terminal user should be found by phone: %v %v", w["out_owner"], w["out_owner_rule"])
	}
}

// TestWorkOrdersCSVRoundTrip: export → import into another database gives the same
// work orders (new numbers, old ones in history); bad cells are all reported.
func TestWorkOrdersCSVRoundTrip(t *testing.T) {
	src := newDB(t)
	src.ok("demo", "--no-ui", "--work-orders", "60", "--now", "2026-11-02T09:30:00Z")
	file := filepath.Join(src.home, "wo.csv")
	if out := src.ok("export", "work-orders", "--csv", "--out", file); !strings.Contains(out, "Wrote 60 work orders") {
		t.Fatalf("export: %q", out)
	}
	if r := src.run("export", "work-orders", "--csv", "--out", file); r.code != 1 || !strings.Contains(r.stderr, "must not exist") {
		t.Fatalf("export over an existing file: exit %d %q", r.code, r.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "number,subject,description,record_type,priority,status,node,channel,account_id,contact_id,") {
		t.Fatalf("header: %q", strings.SplitN(string(data), "\n", 2)[0])
	}

	// The same company (same seed) in a second database, without work orders of its
	// own beyond the demo's: the ids in the file refer to the same people.
	dst := newDB(t)
	dst.ok("demo", "--no-ui", "--work-orders", "1", "--now", "2026-11-02T09:30:00Z")
	if out := dst.ok("import", "work-orders", file); !strings.Contains(out, "Imported 60 work orders (WO-000002 to WO-000061)") {
		t.Fatalf("import: %q", out)
	}
	var a, b []map[string]any
	src.okJSON(&a, "wo", "list", "--json", "--asc")
	dst.okJSON(&b, "wo", "list", "--json", "--asc")
	b = b[1:]
	if len(a) != len(b) {
		t.Fatalf("%d work orders exported, %d imported", len(a), len(b))
	}
	for i := range a {
		for _, k := range []string{"subject", "record_type", "priority", "status", "node", "channel", "account_name", "contact_name", "engineer_name", "phone", "region", "created_at"} {
			if a[i][k] != b[i][k] {
				t.Errorf("%s → %s: %s is %v, was %v", a[i]["number"], b[i]["number"], k, b[i][k], a[i][k])
			}
		}
	}
	var one map[string]any
	dst.okJSON(&one, "wo", "show", "WO-000002", "--json")
	if h := one["history"].([]any); !strings.Contains(h[len(h)-1].(map[string]any)["detail"].(string), "(there WO-000001)") {
		t.Errorf("the old number should be in the history: %v", h[len(h)-1])
	}

	broken := "subject,priority,status,created_at,field_outDealUser__c,colour\nA,urgent,new,,,\n"
	bad := filepath.Join(dst.home, "bad.csv")
	os.WriteFile(bad, []byte(broken), 0o600)
	if r := dst.run("import", "work-orders", bad); r.code != 1 || !strings.Contains(r.stderr, `unknown column "colour"`) {
		t.Fatalf("unknown column: exit %d %q", r.code, r.stderr)
	}
	broken = "subject,priority,status,created_at,field_outDealUser__c\n,urgent,new,,\nB,soon,open,yesterday,999\n\"C,high\n"
	os.WriteFile(bad, []byte(broken), 0o600)
	r := dst.run("import", "work-orders", bad)
	for _, want := range []string{"line 2, column subject", "line 3, column status", "line 3, column created_at", "line 3, column field_outDealUser__c", "line 3, column priority", "line 4:"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := len(dst.numbers()); got != 61 {
		t.Errorf("a file with problems wrote work orders: %d now", got)
	}
	if r := dst.run("--as", "nobody", "import", "work-orders", file); r.code != 1 {
		t.Errorf("unknown user importing: exit %d", r.code)
	}
}

// TestCSVFormulaInjection (issue 18, item 8): a customer's subject that a
// spreadsheet would run as a formula comes out of every CSV the product
// writes with a leading ' (OWASP), as do other cells starting with + - @ tab
// or CR; an import of the file gets the original text back.
func TestCSVFormulaInjection(t *testing.T) {
	d := newDB(t)
	evil := `=HYPERLINK("http://evil.example/x","Open invoice")`
	d.ok("wo", "create", "--subject", evil, "--description", "@SUM(1+1)", "--phone", "+86 138 0013 8000")
	file := filepath.Join(d.home, "wo.csv")
	d.ok("export", "work-orders", "--csv", "--out", file)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %v %v", recs, err)
	}
	cell := map[string]string{}
	for i, h := range recs[0] {
		cell[h] = recs[1][i]
	}
	if cell["subject"] != "'"+evil || cell["description"] != "'@SUM(1+1)" {
		t.Fatalf("cells not neutralised: subject %q, description %q", cell["subject"], cell["description"])
	}
	other := newDB(t)
	other.ok("import", "work-orders", file)
	var w map[string]any
	other.okJSON(&w, "wo", "show", "1", "--json")
	if w["subject"] != evil || w["description"] != "@SUM(1+1)" {
		t.Fatalf("import did not restore the text: %v / %v", w["subject"], w["description"])
	}
	// The CSAT report as CSV too.
	out := d.ok("evaluation", "report", "--csv")
	for _, line := range strings.Split(out, "\n") {
		for _, c := range strings.Split(line, ",") {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("CSAT CSV cell %q not neutralised", c)
			}
		}
	}
}

// TestCSVFromChineseExcel: Excel on Chinese Windows saves "CSV" as GBK and
// reads a UTF-8 CSV as UTF-8 only after a byte-order mark. Import names a GBK
// file's cause in one problem (it listed every cell as "not valid UTF-8")
// and takes it with --encoding gbk; a file that is neither is told to be
// saved as UTF-8; export --bom writes the mark, and such a file imports back.
func TestCSVFromChineseExcel(t *testing.T) {
	d := newDB(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("name,phone,email,account,terminal_user\n王芳,13800138000,,上海浦东仓储,yes\n李娜,13900139000,,,no\n")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(d.home, "excel.csv")
	if err := os.WriteFile(file, []byte(gbk), 0o600); err != nil {
		t.Fatal(err)
	}
	r := d.run("import", "contacts", file)
	if r.code != 1 || strings.Count(r.stderr, "line ") != 1 || !strings.Contains(r.stderr, "line 2: the file is not UTF-8 text; it reads as GBK") || !strings.Contains(r.stderr, "--encoding gbk") {
		t.Fatalf("a GBK file: exit %d\n%s", r.code, r.stderr)
	}
	latin := filepath.Join(d.home, "latin.csv")
	if err := os.WriteFile(latin, []byte("name,phone\nJos\xe9 P\xe9rez,13700137000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := d.run("import", "contacts", latin); r.code != 1 || !strings.Contains(r.stderr, "not UTF-8 text (nor GBK)") {
		t.Fatalf("a Latin-1 file: exit %d\n%s", r.code, r.stderr)
	}
	if r := d.run("import", "contacts", file, "--encoding", "big5"); r.code != 1 || !strings.Contains(r.stderr, "utf-8 or gbk") {
		t.Fatalf("--encoding big5: exit %d %s", r.code, r.stderr)
	}
	if out := d.ok("import", "contacts", file, "--encoding", "gbk"); !strings.Contains(out, "Imported 2 contacts") {
		t.Fatalf("import --encoding gbk: %q", out)
	}
	if out := d.ok("contact", "lookup", "13800138000"); !strings.Contains(out, "王芳") || !strings.Contains(out, "上海浦东仓储") {
		t.Fatalf("the GBK names did not come through: %q", out)
	}

	d.ok("wo", "create", "--subject", "冷柜不制冷", "--phone", "13800138000")
	out := filepath.Join(d.home, "for-excel.csv")
	d.ok("export", "work-orders", "--csv", "--bom", "--out", out)
	raw, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(raw), "\ufeffnumber,") || !strings.Contains(string(raw), "冷柜不制冷") {
		t.Fatalf("export --bom wrote %.40q (%v)", raw, err)
	}
	other := newDB(t)
	if got := other.ok("import", "work-orders", out); !strings.Contains(got, "Imported 1 work orders") {
		t.Fatalf("importing the file with its mark: %q", got)
	}
	if plain := d.ok("export", "work-orders", "--csv"); strings.HasPrefix(plain, "\ufeff") {
		t.Error("export without --bom wrote a byte-order mark")
	}
}
