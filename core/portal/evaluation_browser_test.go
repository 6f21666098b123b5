package portal_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"switchboard/core"
	"switchboard/store/testdb"
)

// evalPhoneBrowser starts headless Chromium on a phone-sized touch viewport.
func evalPhoneBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profileDir(t)),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelA)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// star is the selector of the star radio worth n.
func star(n string) string { return `input[name="f.overall"][value="` + n + `"]` }

// starLabel is the star the customer taps.
func starLabel(n string) string { return `label[for="f.overall-` + n + `"]` }

// TestBrowserEvaluation (R-EVAL-1, R-EVAL-4, R-ROLE-4) drives real headless
// Chromium on a phone: two customers rate one work order through the engineer's
// QR code on the 10-point Detailed layout (touch), another work order is rated
// on the 5-point Standard layout with the keyboard and JavaScript switched off;
// the ratings are stored as numbers. A guest on a customers-only type is refused
// with a clear page.
func TestBrowserEvaluation(t *testing.T) {
	ctx := evalPhoneBrowser(t)
	e := newEnv(t, nil)
	fits := func(t *testing.T) {
		t.Helper()
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &ok)); err != nil || !ok {
			t.Errorf("page wider than the phone (%v)", err)
		}
	}
	w10, path10 := e.qrPath("Detailed", core.NewWorkOrder{Subject: "Freezer not cooling"})

	t.Run("10-point rating by touch", func(t *testing.T) {
		var score, number string
		var checked []string
		err := chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+path10),
			chromedp.WaitVisible(`#evaluation`, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		fits(t)
		var starsOnOneLine bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const ls = [...document.querySelectorAll('.stars label')];
			return ls.length === 10 && ls.every(l => l.getBoundingClientRect().top === ls[0].getBoundingClientRect().top &&
				l.getBoundingClientRect().right <= window.innerWidth && l.getBoundingClientRect().width >= 24) })()`, &starsOnOneLine)); err != nil || !starsOnOneLine {
			t.Errorf("the ten stars are not one row of tappable stars on the phone (%v)", err)
		}
		err = chromedp.Run(ctx,
			chromedp.Click(starLabel("8"), chromedp.ByQuery),
			chromedp.Click(`label[for="f.resolved-0"]`, chromedp.ByQuery),
			chromedp.Click(`label[for="f.liked-2"]`, chromedp.ByQuery),
			chromedp.Click(`label[for="f.on_time-yes"]`, chromedp.ByQuery),
			chromedp.SendKeys(`#f\.comment`, "工程师很专业", chromedp.ByQuery),
			chromedp.Evaluate(`[...document.querySelectorAll('.stars input:checked')].map(i => i.value)`, &checked),
		)
		if err != nil {
			t.Fatal(err)
		}
		if len(checked) != 1 || checked[0] != "8" {
			t.Fatalf("tapping the eighth star checked %v", checked)
		}
		// The eighth star and the seven before it light up; the last two do not.
		var lit int
		if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('.stars label')].filter(l => getComputedStyle(l).color === 'rgb(245, 165, 36)').length`, &lit)); err != nil || lit != 8 {
			t.Errorf("%d stars lit after choosing 8 (%v)", lit, err)
		}
		err = chromedp.Run(ctx,
			chromedp.Click(`#send-evaluation`, chromedp.ByID),
			chromedp.WaitVisible(`#receipt-score`, chromedp.ByID),
			chromedp.Text(`#receipt-score`, &score, chromedp.ByID),
			chromedp.Text(`#receipt-number`, &number, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		fits(t)
		if score != "8/10" || number != w10.Number {
			t.Fatalf("receipt %q for %q", score, number)
		}
	})

	t.Run("the same phone cannot rate twice (issue 18.7)", func(t *testing.T) {
		var alert string
		err := chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+path10+"?lang=en"),
			chromedp.WaitVisible(`#evaluation`, chromedp.ByID),
			chromedp.Click(starLabel("1"), chromedp.ByQuery),
			chromedp.Click(`label[for="f.resolved-1"]`, chromedp.ByQuery),
			chromedp.Click(`#send-evaluation`, chromedp.ByID),
			chromedp.WaitVisible(`#eval-alert`, chromedp.ByID),
			chromedp.Text(`#eval-alert`, &alert, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(alert, "already rated this service") {
			t.Fatalf("a second rating from one browser: %q", alert)
		}
	})

	t.Run("a second customer on the same QR code, missing answer first", func(t *testing.T) {
		var alert, score string
		// Another phone: a browser without the first one's cookie.
		if err := chromedp.Run(ctx, network.ClearBrowserCookies()); err != nil {
			t.Fatal(err)
		}
		err := chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+path10+"?lang=zh"),
			chromedp.WaitVisible(`#evaluation`, chromedp.ByID),
			chromedp.Click(starLabel("10"), chromedp.ByQuery),
			chromedp.Click(`#send-evaluation`, chromedp.ByID), // "resolved" is required
			chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
			chromedp.Text(`#q-resolved .err`, &alert, chromedp.ByQuery),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(alert, "请回答") {
			t.Errorf("missing answer message %q", alert)
		}
		var kept bool
		err = chromedp.Run(ctx,
			chromedp.Evaluate(`document.querySelector('`+star("10")+`').checked`, &kept),
			chromedp.Click(`label[for="f.resolved-1"]`, chromedp.ByQuery),
			chromedp.Click(`#send-evaluation`, chromedp.ByID),
			chromedp.WaitVisible(`#receipt-score`, chromedp.ByID),
			chromedp.Text(`#receipt-score`, &score, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !kept || score != "10/10" {
			t.Fatalf("rating kept %v, receipt %q", kept, score)
		}
	})

	st, err := e.svc.Evaluations(w10.Number)
	if err != nil || len(st.Evaluations) != 2 {
		t.Fatalf("evaluations of %s: %+v %v", w10.Number, st.Evaluations, err)
	}
	// Both came from loopback: the second is marked, not refused.
	if st.Evaluations[0].Repeat != "" || !strings.Contains(st.Evaluations[1].Repeat, "same network") {
		t.Fatalf("repeat marks: %q, %q", st.Evaluations[0].Repeat, st.Evaluations[1].Repeat)
	}
	for i, want := range []int{8, 10} {
		ev := st.Evaluations[i]
		if ev.Score != want || ev.Scale != 10 || ev.Answers[0].Number == nil || *ev.Answers[0].Number != want || ev.Via != core.EvalViaQR {
			t.Errorf("evaluation %d stored as %+v", i, ev)
		}
	}
	if c := st.Evaluations[0].Answers[len(st.Evaluations[0].Answers)-1]; c.Text != "工程师很专业" {
		t.Errorf("comment %+v", c)
	}

	t.Run("5-point rating by keyboard without JavaScript", func(t *testing.T) {
		testdb.SetEvaluationNode(t, e.svc, "Repair", &core.EvaluationSettings{Mode: core.EvalModeQR, Type: "Standard"})
		w5 := testdb.AtEvaluationNode(t, e.svc, core.NewWorkOrder{Subject: "Door sensor"})
		qr, err := e.svc.EvaluationQR(e.admin(), w5.Number)
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(true)); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false))
		var score string
		err = chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+evalPath(t, qr.URL)),
			chromedp.WaitVisible(`#evaluation`, chromedp.ByID),
			chromedp.Focus(star("2"), chromedp.ByQuery),
			chromedp.KeyEvent(" "),           // choose the focused star: 2
			chromedp.KeyEvent(kb.ArrowRight), // one more: 3
			chromedp.KeyEvent(kb.ArrowRight), // 4
			chromedp.Focus(`#f\.comment`, chromedp.ByQuery),
			chromedp.SendKeys(`#f\.comment`, "Quick and tidy", chromedp.ByQuery),
			chromedp.Click(`#send-evaluation`, chromedp.ByID),
			chromedp.WaitVisible(`#receipt-score`, chromedp.ByID),
			chromedp.Text(`#receipt-score`, &score, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		if score != "4/5" {
			t.Fatalf("keyboard rating gave %q, want 4/5 (→ should raise the rating)", score)
		}
		st, _ := e.svc.Evaluations(w5.Number)
		if len(st.Evaluations) != 1 || st.Evaluations[0].Score != 4 || st.Evaluations[0].Scale != 5 || *st.Evaluations[0].Answers[0].Number != 4 {
			t.Fatalf("stored %+v", st.Evaluations)
		}
	})

	t.Run("a guest without permission is refused", func(t *testing.T) {
		ts := core.DefaultEvaluationTypes()
		ts[0].Guests = false
		if _, err := e.svc.SetEvaluationTypes(e.admin(), ts); err != nil {
			t.Fatal(err)
		}
		w, path := e.qrPath("Standard", core.NewWorkOrder{Subject: "Gate"})
		var msg string
		var forms int
		err := chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+path),
			chromedp.WaitVisible(`#problem`, chromedp.ByID),
			chromedp.Text(`#problem`, &msg, chromedp.ByID),
			chromedp.Evaluate(`document.forms.length`, &forms),
		)
		if err != nil {
			t.Fatal(err)
		}
		fits(t)
		if !strings.Contains(msg, "registered customers only") || forms != 0 {
			t.Fatalf("guest page: %q, %d forms", msg, forms)
		}
		if st, _ := e.svc.Evaluations(w.Number); len(st.Evaluations) != 0 {
			t.Fatal("evaluation stored for a refused guest")
		}
	})
}
