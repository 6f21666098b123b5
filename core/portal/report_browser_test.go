package portal_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"switchboard/core"
)

// phoneBrowser starts headless Chromium (see browser_test.go) and returns a tab
// emulating a phone.
func phoneBrowser(t *testing.T) (context.Context, func()) {
	return evalPhoneBrowser(t), func() {}
}

// shot saves a screenshot when REPORT_SHOTS names a directory (to look at).
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("REPORT_SHOTS")
	if dir == "" {
		return
	}
	var b []byte
	if err := chromedp.Run(ctx, chromedp.FullScreenshot(&b, 100)); err == nil {
		_ = os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
}

// TestBrowserSignsReport (R-REP-2): on a phone, the customer opens the
// invitation, reads the exact version and signs it with a finger on the canvas;
// after a change, the new version is signed again in a browser without
// JavaScript, by typing the full name. The store keeps each signature on its
// version: the drawn PNG, the name, the time, the IP and the version's SHA-256.
func TestBrowserSignsReport(t *testing.T) {
	e := newReportEnv(t)
	ctx, stop := phoneBrowser(t)
	defer stop()
	fits := func(t *testing.T, ctx context.Context) {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &ok)); err != nil || !ok {
			t.Errorf("page wider than the phone (%v)", err)
		}
	}

	t.Run("drawn on the canvas", func(t *testing.T) {
		var shownHash string
		err := chromedp.Run(ctx,
			chromedp.Navigate(e.srv.URL+core.SignPathPrefix+e.signToken+"?lang=zh"),
			chromedp.WaitVisible(`#pad`, chromedp.ByID),
			chromedp.Text(`#sha256`, &shownHash, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		fits(t, ctx)
		var box struct{ X, Y, W, H float64 }
		if err := chromedp.Run(ctx,
			chromedp.ScrollIntoView(`#pad`, chromedp.ByID),
			chromedp.Evaluate(`(() => { const r = document.getElementById("pad").getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`, &box),
		); err != nil {
			t.Fatal(err)
		}
		if box.W < 200 || box.H < 100 {
			t.Fatalf("signature box %+v is too small to sign on", box)
		}
		// A finger stroke: a wave across the box.
		var stroke []chromedp.Action
		pt := func(i int) []*input.TouchPoint {
			x := box.X + box.W*0.1 + float64(i)*box.W*0.04
			y := box.Y + box.H*0.5 + float64((i%4)-2)*box.H*0.12
			return []*input.TouchPoint{{X: x, Y: y}}
		}
		stroke = append(stroke, input.DispatchTouchEvent(input.TouchStart, pt(0)))
		for i := 1; i <= 20; i++ {
			stroke = append(stroke, input.DispatchTouchEvent(input.TouchMove, pt(i)))
		}
		stroke = append(stroke, input.DispatchTouchEvent(input.TouchEnd, []*input.TouchPoint{}))
		if err := chromedp.Run(ctx, stroke...); err != nil {
			t.Fatal(err)
		}
		err = chromedp.Run(ctx,
			chromedp.SendKeys(`#name`, "王芳", chromedp.ByID),
			chromedp.Click(`#agree`, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, "sign-drawn")
		var signer string
		err = chromedp.Run(ctx,
			chromedp.Click(`#sign`, chromedp.ByID),
			chromedp.WaitVisible(`#signer`, chromedp.ByID),
			chromedp.Text(`#signer`, &signer, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, "signed-drawn")
		fits(t, ctx)
		v, _ := e.svc.Report(e.number, 1)
		s := v.Shown.Signature
		if signer != "王芳" || s == nil || s.Method != core.SignatureDrawn || s.Name != "王芳" || s.ReportSHA256 != shownHash || s.Version != 1 || s.IP != "127.0.0.1" {
			t.Fatalf("signer %q; stored %+v; page showed %s", signer, s, shownHash)
		}
		img, err := png.Decode(bytes.NewReader(s.PNG))
		if err != nil || img.Bounds().Dx() < 200 {
			t.Fatalf("the drawn signature is not a signature-sized PNG: %v", err)
		}
		var loaded bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelector("#signature img").naturalWidth > 0`, &loaded)); err != nil || !loaded {
			t.Errorf("the signed report does not show the drawn signature (%v)", err)
		}
	})

	t.Run("typed without JavaScript", func(t *testing.T) {
		admin := e.admin()
		if _, err := e.svc.SaveReport(admin, e.number, core.ReportInput{WorkDone: "更换压缩机启动电容，补充冷媒 1.5 公斤。"}); err != nil {
			t.Fatal(err)
		}
		inv, err := e.svc.InviteReportSignature(admin, e.number, "link", 0)
		if err != nil {
			t.Fatal(err)
		}
		nctx, cancel := chromedp.NewContext(ctx) // a new tab, scripts off
		defer cancel()
		phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile, chromedp.EmulateTouch)
		var drawVisible, typedVisible bool
		err = chromedp.Run(nctx, phone, emulation.SetScriptExecutionDisabled(true),
			chromedp.Navigate(inv.URL),
			chromedp.WaitVisible(`#name`, chromedp.ByID),
			chromedp.Evaluate(`false`, nil), // no-op: Evaluate is allowed from the protocol, page scripts are not
			chromedp.Evaluate(`!document.getElementById("draw").hidden`, &drawVisible),
			chromedp.Evaluate(`!document.getElementById("typed-note").hidden`, &typedVisible),
		)
		if err != nil {
			t.Fatal(err)
		}
		if drawVisible || !typedVisible {
			t.Errorf("without JavaScript the canvas shows (%v) or the typed-name note hides (%v)", drawVisible, typedVisible)
		}
		fits(t, nctx)
		var signer string
		err = chromedp.Run(nctx,
			chromedp.SendKeys(`#name`, "王芳", chromedp.ByID),
			chromedp.Click(`#agree`, chromedp.ByID),
			chromedp.Click(`#sign`, chromedp.ByID),
			chromedp.WaitVisible(`#signer`, chromedp.ByID),
			chromedp.Text(`#signer`, &signer, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		shot(t, nctx, "signed-typed")
		v, _ := e.svc.Report(e.number, 0)
		s := v.Shown.Signature
		if signer != "王芳" || v.Shown.Version != 2 || s == nil || s.Method != core.SignatureTyped || len(s.PNG) != 0 || s.ReportSHA256 != v.Shown.SHA256 || v.Status.State != core.ReportSigned {
			t.Fatalf("signer %q; v%d stored %+v; status %+v", signer, v.Shown.Version, s, v.Status)
		}
		v1, _ := e.svc.Report(e.number, 1)
		if v1.Shown.Signature == nil || v1.Shown.Signature.Method != core.SignatureDrawn || v1.Shown.Check() != nil {
			t.Errorf("version 1's drawn signature changed: %+v", v1.Shown.Signature)
		}
	})
}
