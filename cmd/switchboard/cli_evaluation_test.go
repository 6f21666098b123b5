package main

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"switchboard/core"
	"switchboard/store"
)

// withService opens the test's database in this process (the binary is not
// running), for what only customers do: submit evaluations on the web page.
func (d *db) withService(fn func(*core.Service)) {
	d.t.Helper()
	st, err := store.Open(d.path, store.Options{})
	if err != nil {
		d.t.Fatal(err)
	}
	defer st.Close()
	fn(core.NewService(st))
}

// TestEvaluationCLI (R-EVAL-2..6, R-APP-3): evaluation qr prints the link and
// writes a PNG that scans back to exactly that link; customers' ratings show in
// evaluation list and the CSAT report (table, JSON, CSV); skip and finish
// complete the node; the record types export and import.
func TestEvaluationCLI(t *testing.T) {
	d := newDB(t)
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储", "--terminal-user")
	d.ok("wo", "create", "--subject", "Freezer not cooling", "--contact", "1")
	toTaskNode(t, d, "1")
	r := d.run("evaluation", "qr", "1")
	if r.code != 1 || !strings.Contains(r.stderr, "not the evaluation node") {
		t.Fatalf("qr at the terminal-task node: %d %q", r.code, r.stderr)
	}
	d.ok("wo", "advance", "1")

	file := filepath.Join(t.TempDir(), "qr.png")
	out := d.ok("evaluation", "qr", "WO-000001", "--png", file, "--public-url", "https://svc.example.com")
	link := strings.SplitN(out, "\n", 2)[0]
	if !strings.HasPrefix(link, "https://svc.example.com"+core.EvaluationPathPrefix) {
		t.Fatalf("link %q", link)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil || res.GetText() != link {
		t.Fatalf("PNG decodes to %v, %v; want %q", res, err, link)
	}
	var qr core.EvaluationQRView
	d.okJSON(&qr, "eval", "qr", "1", "--json")
	if !strings.HasSuffix(link, qr.URL[strings.Index(qr.URL, core.EvaluationPathPrefix):]) || qr.Customer != "王芳 · 上海浦东仓储" || !qr.CanSkip || qr.Count != 0 {
		t.Fatalf("qr --json %+v (link %s)", qr, link)
	}
	if term := d.ok("eval", "qr", "1"); !strings.Contains(term, "▀") || !strings.Contains(term, qr.URL) || !strings.Contains(term, "0 received") {
		t.Fatalf("terminal QR:\n%s", term)
	}
	r = d.run("eval", "finish", "1")
	if r.code != 1 || !strings.Contains(r.stderr, "Nobody has evaluated") {
		t.Fatalf("finish before any evaluation: %d %q", r.code, r.stderr)
	}

	tok := qr.URL[strings.LastIndex(qr.URL, "/")+1:]
	d.withService(func(svc *core.Service) {
		for _, s := range []string{"5", "3"} {
			if _, err := svc.SubmitEvaluation(tok, core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{"overall": {s}, "comment": {"ok " + s}}}); err != nil {
				t.Fatal(err)
			}
		}
	})
	var st core.EvaluationStatus
	d.okJSON(&st, "eval", "list", "1", "--json")
	if len(st.Evaluations) != 2 || st.Evaluations[0].Score != 5 || st.Evaluations[1].Scale != 5 || st.Request == nil || st.Request.Type != "Standard" {
		t.Fatalf("list --json %+v", st)
	}
	if txt := d.ok("eval", "list", "1"); !strings.Contains(txt, "5/5") || !strings.Contains(txt, "comment=ok 3") {
		t.Fatalf("list:\n%s", txt)
	}
	var rep core.CSATReport
	d.okJSON(&rep, "evaluation", "report", "--json")
	if rep.Total.Count != 2 || rep.Total.Average != 4 || len(rep.Groups) != 1 || rep.Groups[0].Name != "Ann" || rep.Groups[0].SatisfiedPct != 50 {
		t.Fatalf("report --json %+v", rep)
	}
	rows, err := csv.NewReader(strings.NewReader(d.ok("evaluation", "report", "--by", "provider", "--csv"))).ReadAll()
	if err != nil || len(rows) != 3 || rows[1][0] != "Acme" || rows[1][3] != "4.00" || rows[2][0] != "all" {
		t.Fatalf("report --csv %v %v", rows, err)
	}
	if tbl := d.ok("evaluation", "report", "--from", "2000-01-01", "--to", "2000-01-31"); !strings.Contains(tbl, "No rated evaluations") {
		t.Fatalf("empty period:\n%s", tbl)
	}
	if r := d.run("evaluation", "report", "--from", "yesterday"); r.code != 1 || !strings.Contains(r.stderr, "not a date") {
		t.Fatalf("bad date: %d %q", r.code, r.stderr)
	}
	if r := d.run("evaluation", "report", "--by", "region"); r.code != 1 || !strings.Contains(r.stderr, "engineer, provider, type or form") {
		t.Fatalf("bad grouping: %d %q", r.code, r.stderr)
	}
	if out := d.ok("eval", "finish", "1"); !strings.Contains(out, "now at the end node") { // the follow-up plug-in is off (R-FU-1)
		t.Fatalf("finish: %s", out)
	}

	// Record types round-trip through a file.
	tf := filepath.Join(t.TempDir(), "types.json")
	d.ok("evaluation", "type", "export", "--out", tf)
	b, _ := os.ReadFile(tf)
	if err := os.WriteFile(tf, []byte(strings.Replace(string(b), `"scale": 5`, `"scale": 10`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	d.ok("evaluation", "type", "import", tf)
	var ts []core.EvaluationType
	d.okJSON(&ts, "evaluation", "type", "list", "--json")
	if ts[0].Fields[0].Scale != 10 {
		t.Fatalf("imported types %+v", ts[0])
	}
	if err := os.WriteFile(tf, []byte(strings.Replace(string(b), `"scale": 5`, `"scale": 7`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := d.run("evaluation", "type", "import", tf); r.code != 1 || !strings.Contains(r.stderr, "use 5 or 10") {
		t.Fatalf("bad import: %d %q", r.code, r.stderr)
	}
	if list := d.ok("evaluation", "type", "list"); !strings.Contains(list, "stars (1–10)") || !strings.Contains(list, "terminal users and guests") {
		t.Fatalf("type list:\n%s", list)
	}
}

// TestEvaluationRuleCLI (R-EVAL-3): evaluation rules through the rule commands,
// and a mandatory evaluation holding a work order with the reminder command in
// the refusal.
func TestEvaluationRuleCLI(t *testing.T) {
	d := newDB(t)
	var r1, r2 core.Rule
	d.okJSON(&r1, "rule", "add", "--kind", "evaluation", "--name", "everyone", "--when", "true", "--via", "qr")
	d.okJSON(&r2, "rule", "add", "--kind", "evaluation", "--name", "VIP", "--when", `priority == "urgent"`, "--type", "detailed", "--via", "qr,sms,email", "--message-priority", "--mandatory")
	if r2.Priority != 2 || r2.EvalType != "Detailed" || len(r2.EvalInvites) != 3 || !r2.MessagePriority || !r2.Mandatory || r2.Kind != core.RuleEvaluation {
		t.Fatalf("rule %+v", r2)
	}
	d.ok("rule", "move", itoa(int(r2.ID)), "--to", "1")
	var rs []core.Rule
	d.okJSON(&rs, "rule", "list", "--kind", "evaluation", "--json")
	if len(rs) != 2 || rs[0].ID != r2.ID {
		t.Fatalf("evaluation rules %+v", rs)
	}
	if list := d.ok("rule", "list", "--kind", "evaluation"); !strings.Contains(list, "qr, sms, email") || !strings.Contains(list, "in order") {
		t.Fatalf("rule list:\n%s", list)
	}
	var dispatch []core.Rule
	d.okJSON(&dispatch, "rule", "list", "--json")
	if len(dispatch) != 0 {
		t.Fatalf("evaluation rules listed as dispatch rules: %+v", dispatch)
	}
	for _, bad := range [][]string{
		{"rule", "add", "--kind", "evaluation", "--name", "x", "--when", "true"},
		{"rule", "add", "--kind", "evaluation", "--name", "x", "--when", "true", "--via", "qr", "--engineer", "1"},
		{"rule", "add", "--kind", "dispatch", "--name", "x", "--when", "true", "--via", "qr"},
	} {
		if r := d.run(bad...); r.code != 2 {
			t.Errorf("%v: exit %d %q", bad, r.code, r.stderr)
		}
	}
	if r := d.run("rule", "add", "--kind", "evaluation", "--name", "x", "--when", "true", "--via", "pigeon"); r.code != 1 || !strings.Contains(r.stderr, "qr, wechat, sms or email") {
		t.Fatalf("unknown method: %d %q", r.code, r.stderr)
	}
	var test core.RuleTest
	d.ok("wo", "create", "--subject", "Lift stuck", "--priority", "urgent", "--phone", "13800138000")
	d.okJSON(&test, "rule", "test", itoa(int(r2.ID)), "1", "--json")
	if !test.Matches {
		t.Fatalf("rule test %+v", test)
	}

	// Rule-based evaluation with a mandatory rule holds the work order.
	pf := filepath.Join(t.TempDir(), "p.json")
	os.WriteFile(pf, []byte(`{"processes": [{"record_type": "Repair", "nodes": [{"node": "dispatch"}, {"node": "service"}, {"node": "evaluation", "evaluation": {"mode": "rules"}}, {"node": "follow-up"}]}]}`), 0o644)
	d.ok("process", "import", pf)
	toTaskNode(t, d, "1") // assigns and completes the service node: now at evaluation
	r := d.run("wo", "advance", "1")
	if r.code != 1 || !strings.Contains(r.stderr, "needs a customer evaluation") || !strings.Contains(r.stderr, "switchboard evaluation remind WO-000001") {
		t.Fatalf("advance past a mandatory evaluation: %d %q", r.code, r.stderr)
	}
	var st core.EvaluationStatus
	d.okJSON(&st, "eval", "list", "1", "--json")
	if st.Request == nil || st.Request.RuleID != r2.ID || !st.Request.Mandatory {
		t.Fatalf("request %+v", st.Request)
	}
	r = d.run("eval", "remind", "1", "--via", "email")
	if r.code != 1 || !strings.Contains(r.stderr, "switched off") {
		t.Fatalf("remind by a switched-off channel: %d %q", r.code, r.stderr)
	}
	r = d.run("eval", "skip", "1")
	if r.code != 1 || !strings.Contains(r.stderr, "needs a customer evaluation") {
		t.Fatalf("skip a mandatory evaluation: %d %q", r.code, r.stderr)
	}
}
