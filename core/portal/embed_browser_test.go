package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserEmbedFramesOnlyOnNamedSites (R-IN-7, issue 20.2): an admin
// names the company's site; in Chromium the smart form shows in an iframe on
// that site, while on any other site the browser refuses to show it (the
// receipt the form leads to carries the same policy: TestSecurityHeaders).
func TestBrowserEmbedFramesOnlyOnNamedSites(t *testing.T) {
	e := newEnv(t, nil)
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Shop</title><h1>Our shop</h1><iframe id="sb" src="%s/embed?lang=en" width="380" height="1200"></iframe>`, e.srv.URL)
	}))
	t.Cleanup(shop.Close)
	port := shop.URL[strings.LastIndex(shop.URL, ":")+1:]
	if _, err := e.svc.SetEmbedOrigins(e.admin(), []string{"http://127.0.0.1:" + port}); err != nil {
		t.Fatal(err)
	}
	ctx := evalPhoneBrowser(t)

	// frameURL is the iframe's document URL as the browser has it: the
	// form's, or Chromium's error page when framing was refused.
	frameURL := func(t *testing.T, parent string) string {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Navigate(parent), chromedp.WaitReady(`#sb`, chromedp.ByID)); err != nil {
			t.Fatal(err)
		}
		var got string
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			var tree *page.FrameTree
			if err := chromedp.Run(ctx, chromedp.ActionFunc(func(c context.Context) (err error) {
				tree, err = page.GetFrameTree().Do(c)
				return err
			})); err != nil {
				t.Fatal(err)
			}
			got = fmt.Sprintf("%d frames", len(tree.ChildFrames))
			if len(tree.ChildFrames) == 1 {
				f := tree.ChildFrames[0].Frame
				got = f.URL + " " + f.UnreachableURL
				if strings.Contains(got, "/embed") || strings.Contains(got, "chrome-error") {
					return got
				}
			}
		}
		return got
	}
	if got := frameURL(t, shop.URL); !strings.HasPrefix(got, e.srv.URL+"/embed") {
		t.Fatalf("on the named site the frame holds %q", got)
	}
	// On another site (localhost is another origin than 127.0.0.1) the
	// browser refuses: the console says which policy, and the frame never
	// holds the form.
	refused := make(chan string, 4)
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*cdplog.EventEntryAdded); ok && strings.Contains(e.Entry.Text, "frame-ancestors") {
			select {
			case refused <- e.Entry.Text:
			default:
			}
		}
	})
	if err := chromedp.Run(ctx, cdplog.Enable()); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate("http://localhost:"+port), chromedp.WaitReady(`#sb`, chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	select {
	case msg := <-refused:
		t.Logf("refused: %s", msg)
	case <-time.After(10 * time.Second):
		t.Fatal("no refusal on another site")
	}
	var tree *page.FrameTree
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(c context.Context) (err error) {
		tree, err = page.GetFrameTree().Do(c)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, f := range tree.ChildFrames {
		if strings.HasPrefix(f.Frame.URL, e.srv.URL+"/embed") {
			t.Fatalf("on another site the frame holds %q", f.Frame.URL)
		}
	}
}
