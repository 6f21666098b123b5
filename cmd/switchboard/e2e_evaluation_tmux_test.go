package main

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"switchboard/core"
)

// decodePane finds the QR code in a captured tmux pane (the lines made only of
// block characters and spaces), draws every cell as two modules (light "█",
// dark " ", "▀" light over dark, "▄" dark over light) and decodes it.
func decodePane(t *testing.T, pane string) string {
	t.Helper()
	var qr []string
	for _, l := range strings.Split(pane, "\n") {
		body := strings.TrimRight(l, " ")
		if strings.ContainsAny(body, "█▀▄") && strings.Trim(body, " █▀▄") == "" {
			qr = append(qr, body)
		} else if len(qr) > 0 {
			break
		}
	}
	if len(qr) < 10 {
		t.Fatalf("no QR code in the pane:\n%s", pane)
	}
	pad := len(qr[0])
	for _, l := range qr {
		pad = min(pad, len(l)-len(strings.TrimLeft(l, " ")))
	}
	w := 0
	for i := range qr {
		qr[i] = qr[i][pad:]
		w = max(w, len([]rune(qr[i])))
	}
	const px, border = 3, 6
	img := image.NewGray(image.Rect(0, 0, (w+2*border)*px, (2*len(qr)+2*border)*px))
	for row, l := range qr {
		for col, r := range []rune(l) {
			top, bottom := r == '█' || r == '▀', r == '█' || r == '▄'
			for i, light := range []bool{top, bottom} {
				c := color.Gray{}
				if light {
					c = color.Gray{Y: 255}
				}
				for dy := range px {
					for dx := range px {
						img.SetGray((col+border)*px+dx, (2*row+i+border)*px+dy, c)
					}
				}
			}
		}
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("the QR code in the pane does not decode (%v):\n%s", err, strings.Join(qr, "\n"))
	}
	return res.GetText()
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestEvaluationQRConsoleEndToEnd (R-EVAL-6, R-EVAL-4, issue 6 "done when"):
// the real binary under tmux shows a work order's evaluation QR code (e on the
// work order); the code captured from the pane decodes to the link it prints;
// two customers rate through the console's own web listener at that link and
// the count on the screen follows; f finishes the node.
func TestEvaluationQRConsoleEndToEnd(t *testing.T) {
	needTmux(t)
	d := newDB(t)
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储", "--terminal-user")
	d.ok("wo", "create", "--subject", "Freezer not cooling", "--contact", "1")
	toTaskNode(t, d, "1")
	d.ok("wo", "advance", "1")
	addr := freePort(t)
	s := startTmux(t, d.home, binary, "--db", d.path, "--listen", addr, "--public-url", "http://"+addr)
	s.waitFor("> WO-000001")
	s.keys("Enter")
	s.waitFor("e evaluation QR")
	s.keys("e")
	pane := s.waitFor("0 evaluations received")
	link := decodePane(t, pane)
	if !strings.HasPrefix(link, "http://"+addr+core.EvaluationPathPrefix) || !strings.Contains(pane, link) {
		t.Fatalf("the pane's QR code decodes to %q:\n%s", link, pane)
	}

	// Two customers scan it and rate on their phones.
	nonceRE := regexp.MustCompile(`name="nonce" value="([A-Z2-7]+)"`)
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, stars := range []string{"5", "3"} {
		r, err := c.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(r.Body)
		r.Body.Close()
		m := nonceRE.FindSubmatch(page)
		if r.StatusCode != 200 || m == nil {
			t.Fatalf("evaluation page: %d\n%s", r.StatusCode, page)
		}
		form := url.Values{"nonce": {string(m[1])}, "f.overall": {stars}, "f.comment": {fmt.Sprintf("customer %d", i+1)}}
		req, _ := http.NewRequest(http.MethodPost, link, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST: %d", resp.StatusCode)
		}
		s.waitFor(fmt.Sprintf("%d evaluation", i+1))
	}
	s.waitFor("2 evaluations received")
	s.keys("f")
	s.waitFor("now at the end node") // the follow-up plug-in is off, so that node passes (R-FU-1)
	s.keys("q")
	s.waitFor("switchboard exited 0")

	var st core.EvaluationStatus
	d.okJSON(&st, "eval", "list", "1", "--json")
	if st.Node != core.NodeEnd || len(st.Evaluations) != 2 || st.Evaluations[0].Score != 5 || st.Evaluations[1].Score != 3 {
		t.Fatalf("after the console: %+v", st)
	}
}
