package tui

import (
	"image"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"switchboard/core"
	"switchboard/core/qrcode/qrtest"
	"switchboard/store/testdb"
	"switchboard/tui/common"
	"switchboard/tui/evalqr"
)

// evalNumber is the fixture's work order waiting at the evaluation node (李师傅's).
const evalNumber = "WO-000004"

// fixLinkSecret gives the fixture's database a fixed link secret, so the QR
// code's link — derived from it — is the same on every run (golden files).
func fixLinkSecret(t *testing.T, f *fixture) {
	t.Helper()
	err := f.st.Update(func(tx core.Tx) error {
		return tx.PutSetting("portal.link_secret", []byte("0123456789abcdef0123456789abcdef"))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// decodeScreen finds the QR code in a rendered screen — the run of lines made
// only of block characters and spaces — turns every cell into two pixels of
// modules (light "█", dark " ", "▀" light over dark, "▄" dark over light) on
// the terminal's dark background, and decodes it.
func decodeScreen(t *testing.T, view string) (string, int) {
	t.Helper()
	var qr []string
	for _, l := range strings.Split(ansi.Strip(view), "\n") {
		body := strings.TrimRight(l, " ")
		isQR := strings.ContainsAny(body, "█▀▄") && strings.Trim(body, " █▀▄") == ""
		if isQR {
			qr = append(qr, body)
		} else if len(qr) > 0 {
			break
		}
	}
	if len(qr) == 0 {
		t.Fatalf("no QR code on the screen:\n%s", view)
	}
	pad := len(qr[0])
	for _, l := range qr {
		pad = min(pad, len(l)-len(strings.TrimLeft(l, " ")))
	}
	w := 0
	for i, l := range qr {
		qr[i] = l[pad:] // the centring; the code itself starts with its light quiet zone
		w = max(w, len([]rune(qr[i])))
	}
	const px, border = 3, 6
	img := image.NewGray(image.Rect(0, 0, (w+2*border)*px, (2*len(qr)+2*border)*px))
	for i := range img.Pix {
		img.Pix[i] = 0 // the terminal's dark background
	}
	set := func(x, y int, light bool) {
		c := color.Gray{}
		if light {
			c = color.Gray{Y: 255}
		}
		for dy := range px {
			for dx := range px {
				img.SetGray((x+border)*px+dx, (y+border)*px+dy, c)
			}
		}
	}
	for row, l := range qr {
		for col, r := range []rune(l) {
			var top, bottom bool // light?
			switch r {
			case '█':
				top, bottom = true, true
			case '▀':
				top = true
			case '▄':
				bottom = true
			}
			set(col, 2*row, top)
			set(col, 2*row+1, bottom)
		}
	}
	text, err := qrtest.Decode(img, false)
	if err != nil {
		t.Fatalf("the QR code on the screen does not decode (%v):\n%s", err, strings.Join(qr, "\n"))
	}
	return text, w
}

// TestEvalQRScreenScans (R-EVAL-6): v on a work order at the evaluation node
// opens the QR screen; the code captured from the screen decodes to exactly
// the evaluation link, at the normal size and doubled on a big terminal; a
// small terminal gets the link as text instead. Customers' submissions show up
// live; f finishes the node and goes back.
func TestEvalQRScreenScans(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 30)
	h.waitView("WO-000012")
	h.send(common.NavigateMsg{Kind: common.Push, To: common.DetailScreen, Number: evalNumber})
	h.waitView(evalNumber+"  电梯门无法关闭", "e evaluation QR")
	h.key("e")
	v := h.waitView("Scan to rate our service", "0 evaluations received", "李娜 · 上海浦东国际机场")
	if _, ok := h.m.active().(*evalqr.Model); !ok {
		t.Fatalf("v opened %T", h.m.active())
	}
	qr, err := f.svc.EvaluationQR(f.admin, evalNumber)
	if err != nil {
		t.Fatal(err)
	}
	got, w := decodeScreen(t, v)
	if got != qr.URL || !strings.Contains(v, qr.URL) {
		t.Fatalf("screen QR decodes to %q, want %q", got, qr.URL)
	}

	// A big terminal draws every module twice as large.
	h.send(tea.WindowSizeMsg{Width: 200, Height: 70})
	got2, w2 := decodeScreen(t, h.m.View())
	if got2 != qr.URL || w2 != 2*w {
		t.Fatalf("large QR: %q, %d cells wide (normal %d)", got2, w2, w)
	}
	// A small one shows the link as text.
	h.send(tea.WindowSizeMsg{Width: 70, Height: 18})
	small := h.m.View()
	if !strings.Contains(small, "too small for a scannable QR code") || !strings.Contains(small, qr.URL) || strings.Contains(small, "▀") {
		t.Fatalf("small terminal:\n%s", small)
	}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 30})

	// Two customers scan; the count follows live.
	tok := qr.URL[strings.LastIndex(qr.URL, "/")+1:]
	for _, s := range []string{"5", "4"} {
		if _, err := f.svc.SubmitEvaluation(tok, core.EvaluationInput{Nonce: core.NewToken(), Answers: map[string][]string{"overall": {s}}}); err != nil {
			t.Fatal(err)
		}
	}
	h.waitView("2 evaluations received")
	h.key("f")
	h.waitView(evalNumber+"  电梯门无法关闭", "now at the end node")
	if _, ok := h.m.active().(*evalqr.Model); ok {
		t.Fatal("finish should go back to the work order")
	}
	w0, _ := f.svc.WorkOrder(evalNumber)
	if w0.Node != core.NodeEnd { // the follow-up plug-in is off (R-FU-1)
		t.Fatalf("after finish: %s", w0.Node)
	}
}

// TestEvalQRSkipAsks: s asks before skipping; any key but y keeps the node; y skips.
func TestEvalQRSkipAsks(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 50)
	h.waitView("WO-000012")
	h.send(common.NavigateMsg{Kind: common.Push, To: common.EvalQRScreen, Number: evalNumber})
	h.waitView("0 evaluations received", "s skip evaluation")
	if v := h.m.View(); strings.Contains(v, "f finish") {
		t.Errorf("finish offered before any evaluation:\n%s", v)
	}
	h.key("s")
	h.waitView("Skip evaluation? y to confirm")
	h.key("n")
	h.waitView("Skip cancelled.")
	if w, _ := f.svc.WorkOrder(evalNumber); w.Node != core.NodeEvaluation {
		t.Fatalf("cancelled skip moved the work order to %s", w.Node)
	}
	h.key("s")
	h.key("y")
	h.waitView("evaluation skipped")
	if w, _ := f.svc.WorkOrder(evalNumber); w.Node != core.NodeEnd {
		t.Fatalf("after skip: %s", w.Node)
	}
}

// TestEvalQRRefusals: a mandatory evaluation offers no skip; an engineer who is
// not the work order's handler is told who is.
func TestEvalQRRefusals(t *testing.T) {
	f := newFixture(t)
	nodes := core.DefaultProcessNodes()
	nodes[3].Evaluation = &core.EvaluationSettings{Mode: core.EvalModeQR, Mandatory: true}
	if _, err := f.svc.SetProcess(f.admin, core.Process{RecordType: "Inspection", Nodes: nodes}); err != nil {
		t.Fatal(err)
	}
	w := testdb.AtEvaluationNode(t, f.svc, core.NewWorkOrder{Subject: "Fire doors", RecordType: "Inspection"})
	h := newHarness(t, f, f.admin, 120, 50)
	h.waitView("WO-000012")
	h.send(common.NavigateMsg{Kind: common.Push, To: common.EvalQRScreen, Number: w.Number})
	v := h.waitView("0 evaluations received · Standard · mandatory")
	if strings.Contains(v, "skip evaluation") {
		t.Errorf("skip offered on a mandatory evaluation:\n%s", v)
	}
	h.key("s")
	if v := h.m.View(); strings.Contains(v, "y to confirm") {
		t.Errorf("s asked to skip a mandatory evaluation")
	}
	h.key("f")
	if w2, _ := f.svc.WorkOrder(w.Number); w2.Node != core.NodeEvaluation {
		t.Fatalf("finish without evaluations moved it to %s", w2.Node)
	}
	// The fixture's own work order reached the node before the change: it keeps
	// the default (skippable); another engineer may not show its code.
	sam := f.user(t, "sam", core.RoleEngineer)
	h2 := newHarness(t, f, sam, 120, 50)
	h2.waitView("WO-000012")
	h2.send(common.NavigateMsg{Kind: common.Push, To: common.EvalQRScreen, Number: evalNumber})
	h2.waitView("handled by its service engineer (李师傅)")
}

// TestGoldenEvalQR: the QR screen at 120×30 (R-EVAL-6).
func TestGoldenEvalQR(t *testing.T) {
	f := newFixture(t)
	fixLinkSecret(t, f)
	tm := startProgram(t, f)
	waitOutput(t, tm, "WO-000001")
	tm.Send(common.NavigateMsg{Kind: common.Push, To: common.DetailScreen, Number: evalNumber})
	waitOutput(t, tm, "Summary")
	tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("e")})
	waitOutput(t, tm, "received")
	time.Sleep(50 * time.Millisecond)
	teatest.RequireEqualOutput(t, finalView(t, tm))
}

// TestMandatoryRefusalNamesTheQRKey (issue 17): core's refusal of a mandatory
// evaluation tells the engineer which console key shows the QR code; it must
// be the key the console binds.
func TestMandatoryRefusalNamesTheQRKey(t *testing.T) {
	k := common.DefaultKeyMap().EvalQR.Keys()[0]
	f := newFixture(t)
	es := core.DefaultEvaluationSettings()
	es.Mandatory = true
	testdb.SetEvaluationNode(t, f.svc, "Repair", es)
	w := testdb.AtEvaluationNode(t, f.svc, core.NewWorkOrder{Subject: "Mandatory"})
	_, err := f.svc.AdvanceWorkOrder(f.admin, w.Number, 0, "")
	if err == nil || !strings.Contains(err.Error(), " "+k+" on the work order in the console") {
		t.Fatalf("the refusal should name the console key %q: %v", k, err)
	}
}
