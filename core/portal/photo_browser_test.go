package portal_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"switchboard/core"
)

// TestBrowserPhotosFromTaskToReport (issue 20.6), on a phone-sized
// Chromium: the customer picks a photo on their task page and sends it; the
// report generated afterwards shows it on the customer's report page, loaded.
func TestBrowserPhotosFromTaskToReport(t *testing.T) {
	e := newEnv(t, nil)
	admin := e.admin()
	w, path := e.taskLink(&core.TaskSettings{Mode: core.TaskInvite, Methods: []core.InviteMethod{core.InviteLink}}, "Compressor noise")
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	for y := range 600 {
		for x := range 800 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "noise.jpg")
	if err := os.WriteFile(photo, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := evalPhoneBrowser(t)
	err := chromedp.Run(ctx,
		chromedp.Navigate(e.srv.URL+path+"?lang=en"),
		chromedp.WaitVisible(`#photos`, chromedp.ByID),
		chromedp.SetUploadFiles(`#photos`, []string{photo}, chromedp.ByID),
		chromedp.Click(`#confirm`, chromedp.ByID),
		chromedp.WaitVisible(`#receipt-number`, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.SaveReport(admin, w.Number, core.ReportInput{WorkDone: "tightened the compressor mounts"})
	if err != nil {
		t.Fatal(err)
	}
	var loaded bool
	err = chromedp.Run(ctx,
		chromedp.Navigate(res.URL[:0]+e.srv.URL+res.URL[strings.Index(res.URL, core.ReportPathPrefix):]+"?lang=en"),
		chromedp.WaitVisible(`#photos img`, chromedp.ByQuery),
		chromedp.Poll(`document.querySelector('#photos img').complete && document.querySelector('#photos img').naturalWidth === 800`, &loaded),
	)
	if err != nil || !loaded {
		t.Fatalf("the photo on the report page: %v %v", loaded, err)
	}
	var fits bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth <= window.innerWidth`, &fits)); err != nil || !fits {
		t.Errorf("the report page with a photo is wider than the phone (%v)", err)
	}
}
