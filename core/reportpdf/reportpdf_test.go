package reportpdf_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/font/sfnt"

	"switchboard/core"
	"switchboard/core/reportpdf"
	"switchboard/store/testdb"
)

// pdftotext finds Debian's poppler-utils extractor; without it the test skips
// locally and fails in CI (.ci/run installs it).
func pdftotext(t *testing.T) string {
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("pdftotext is not installed (apt-get install -y poppler-utils); CI needs the PDF tests")
	}
	t.Skip("pdftotext is not installed; skipping the PDF test (CI=true makes this fail)")
	return ""
}

// signedReport makes a work order whose report has two versions, the second
// signed, all in Chinese.
func signedReport(t testing.TB) (*core.Service, string) {
	t.Helper()
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	p, _ := svc.AddProvider(admin, "北方维保服务有限公司", "T-NORTH")
	e, _ := svc.AddEngineer(admin, core.NewEngineer{Name: "张伟", ProviderID: p.ID})
	c, err := svc.AddContact(admin, core.NewContact{Name: "王芳", Phone: "13800138000", AccountName: "上海浦东仓储有限公司", TerminalUser: true})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "冷库温度过高", ContactID: c.Contact.ID, Address: "上海市浦东新区川沙路 88 号 3 号冷库", DeviceCode: "FRZ-0042"})
	if _, err := svc.AssignWorkOrder(admin, w.Number, 0, e.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(3 * time.Hour)
	if _, err := svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "检查制冷系统，发现压缩机启动电容损坏。更换启动电容并补充冷媒，试机两小时，库温降至零下十八度。",
		Parts: []core.ReportPart{{Name: "压缩机启动电容 35μF", Quantity: 1}, {Name: "R404A 冷媒（公斤）", Quantity: 1.5}}, Notes: "建议客户每季度清洗冷凝器。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	inv, _ := svc.InviteReportSignature(admin, w.Number, "link", 0)
	v, _ := svc.Report(w.Number, 0)
	if _, err := svc.SignReport(core.ReportSigning{Token: inv.Token, Nonce: core.NewToken(), Version: v.Shown.Version, SHA256: v.Shown.SHA256, Name: "王芳", IP: "203.0.113.9"}); err != nil {
		t.Fatal(err)
	}
	return svc, w.Number
}

// TestPDFHasTheChineseText (R-REP-1): the PDF opens in poppler and its text —
// as a reader would copy it — has the Chinese content, the signer and the
// signed version's SHA-256.
func TestPDFHasTheChineseText(t *testing.T) {
	exe := pdftotext(t)
	svc, number := signedReport(t)
	v, err := svc.Report(number, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := reportpdf.Write(&b, &v, v.Shown, time.FixedZone("CST", 8*3600)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b.Bytes()[:min(20, b.Len())])
	}
	path := filepath.Join(t.TempDir(), reportpdf.FileName(v.Shown))
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext could not read the PDF: %v\n%s", err, out)
	}
	// pdftotext may break long lines anywhere: compare without whitespace.
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{
		"服务报告", number, "冷库温度过高", "王芳", "上海浦东仓储有限公司", "张伟", "北方维保服务有限公司",
		"检查制冷系统，发现压缩机启动电容损坏。", "库温降至零下十八度。", "压缩机启动电容35μF", "R404A冷媒（公斤）", "1.5",
		"建议客户每季度清洗冷凝器。", "上海市浦东新区川沙路88号3号冷库", "Signedby王芳", v.Shown.SHA256,
	} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsRune(string(out), '\uFFFD') {
		t.Errorf("the PDF's text has replacement characters:\n%s", out)
	}
	if p := os.Getenv("REPORT_PDF_OUT"); p != "" {
		_ = os.WriteFile(p, b.Bytes(), 0o600)
	}
	// The same version renders to the same bytes.
	var again bytes.Buffer
	if err := reportpdf.Write(&again, &v, v.Shown, time.FixedZone("CST", 8*3600)); err != nil || !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Errorf("rendering v%d twice gave different PDFs (%v)", v.Shown.Version, err)
	}
}

// TestFontCoversReports (R-REP-1): text extraction reads a PDF's character map,
// not its glyphs, so a font without a character would still pass the test above
// while printing boxes. Every character a report prints, and every common
// Chinese character, must have a glyph in the embedded font.
func TestFontCoversReports(t *testing.T) {
	check := glyphCheck(t, "font/WenQuanYiMicroHei-subset.ttf")
	for _, r := range "服务报告 Service report · WO-000001 version 1 of 2 — 35μF R404A 冷媒（公斤）：×1.5 °C 2026-11-02 17:30 CST SHA-256 abcdef0123456789 王芳 张伟 “签字” ←→ ①" {
		check(r)
	}
	for r := rune(0x4E00); r <= 0x9FA5; r++ { // the CJK Unified Ideographs of GB 18030's core
		check(r)
	}
	for r := rune(0x20); r < 0x7F; r++ {
		check(r)
	}
}

// TestExtensionAPrints (issue 20.6): CJK Extension A ideographs (e.g. 䶮,
// in names) print with glyphs — the Extension A font covers the whole block
// and the PDF uses it for them, in paragraphs, field values and part names.
func TestExtensionAPrints(t *testing.T) {
	check := glyphCheck(t, "font/NotoSansCJKsc-ExtA.ttf")
	for r := rune(0x3400); r <= 0x4DB5; r++ { // the 6,582 of Unicode 3.0
		check(r)
	}
	exe := pdftotext(t)
	_, svc, clk := testdb.Open(t)
	admin := testdb.Admin(t, svc)
	p, _ := svc.AddProvider(admin, "北方维保", "T-N")
	e, _ := svc.AddEngineer(admin, core.NewEngineer{Name: "张伟", ProviderID: p.ID})
	c, err := svc.AddContact(admin, core.NewContact{Name: "刘䶮", Phone: "13800138000", AccountName: "䶮记冷链"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "冷库温度过高", ContactID: c.Contact.ID})
	if _, err := svc.AssignWorkOrder(admin, w.Number, 0, e.ID); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if _, err := svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "按客户刘䶮的要求更换了冷凝风扇。", Parts: []core.ReportPart{{Name: "䶮牌风扇", Quantity: 1}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AdvanceWorkOrder(admin, w.Number, 0, ""); err != nil {
		t.Fatal(err)
	}
	v, _ := svc.Report(w.Number, 0)
	var b bytes.Buffer
	if err := reportpdf.Write(&b, &v, v.Shown, time.UTC); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if p := os.Getenv("REPORT_PDF_OUT"); p != "" {
		path = p
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"刘䶮", "䶮记冷链", "按客户刘䶮的要求更换了冷凝风扇。", "䶮牌风扇"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, out)
		}
	}
	fonts, err := exec.Command(filepath.Join(filepath.Dir(exe), "pdffonts"), path).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fonts), "report-ext-a") {
		t.Fatalf("the Extension A font is not in the PDF:\n%s", fonts)
	}
	var again bytes.Buffer
	if err := reportpdf.Write(&again, &v, v.Shown, time.UTC); err != nil || !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Errorf("rendering twice with two fonts gave different PDFs (%v)", err)
	}
}

// glyphCheck returns a check that the font file at path has a glyph for a
// rune (an error names the rune otherwise).
func glyphCheck(t *testing.T, path string) func(rune) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sfnt.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	return func(r rune) {
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			t.Errorf("%s has no glyph for %q (U+%04X)", path, r, r)
		}
	}
}
