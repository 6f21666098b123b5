package qrcode_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"

	"switchboard/core"
	"switchboard/core/qrcode"
)

func decode(t *testing.T, img image.Image, pure bool) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	if pure { // gozxing looks at the key's presence, not its value
		hints[gozxing.DecodeHintType_PURE_BARCODE] = true
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		t.Fatal(err)
	}
	return res.GetText()
}

var links = []string{
	core.LinkURL("http://127.0.0.1:8080", core.DevicePathPrefix, core.DeviceToken([]byte("k"), "FRZ-0042")),
	core.LinkURL("https://service.example.com/portal", core.TaskPathPrefix, core.NewToken()),
}

// TestPNGDecodesToLink: the printed sticker scans back to exactly the link.
func TestPNGDecodesToLink(t *testing.T) {
	for _, link := range links {
		b, err := qrcode.PNG(link, 6)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got := decode(t, img, true); got != link {
			t.Fatalf("PNG decodes to %q, want %q", got, link)
		}
	}
}

// TestTerminalDecodesToLink: the half-block drawing, read back cell by cell into
// an image (light "█", dark " ", "▀" light over dark, "▄" dark over light) on
// a dark terminal background, scans back to exactly the link.
func TestTerminalDecodesToLink(t *testing.T) {
	for _, link := range links {
		text := qrcode.Terminal(link)
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		w := 0
		for _, l := range lines {
			w = max(w, len([]rune(l)))
		}
		const px, border = 4, 4
		h := 2 * len(lines)
		img := image.NewGray(image.Rect(0, 0, (w+2*border)*px, (h+2*border)*px))
		// Around the drawing is the terminal's dark background.
		set := func(x, y int, dark bool) {
			c := color.Gray{Y: 255}
			if dark {
				c = color.Gray{}
			}
			for dy := range px {
				for dx := range px {
					img.SetGray((x+border)*px+dx, (y+border)*px+dy, c)
				}
			}
		}
		for row, l := range lines {
			for col, r := range []rune(l) {
				var top, bottom bool // dark?
				switch r {
				case ' ':
					top, bottom = true, true
				case '▀':
					top, bottom = false, true
				case '▄':
					top, bottom = true, false
				case '█':
				default:
					t.Fatalf("unexpected %q in terminal QR", r)
				}
				set(col, 2*row, top)
				set(col, 2*row+1, bottom)
			}
		}
		if got := decode(t, img, false); got != link {
			t.Fatalf("terminal QR decodes to %q, want %q", got, link)
		}
	}
}

// TestSheetDecodesEveryLink: each sticker on a printed sheet, cut out, scans back
// to exactly its link.
func TestSheetDecodesEveryLink(t *testing.T) {
	var st []qrcode.Sticker
	for i, code := range []string{"FRZ-0042", "AC-7", "PR-1000", "X.Y_Z"} {
		st = append(st, qrcode.Sticker{Link: core.LinkURL("https://svc.example.com", core.DevicePathPrefix, core.DeviceToken([]byte{byte(i)}, code)), Label: code})
	}
	b, err := qrcode.Sheet(st, 3, 6)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	side := (img.Bounds().Dx() - 16) / 3
	for i, s := range st {
		x, y := (i%3)*side, (i/3)*(side+24)
		sub := img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(x, y, x+side+16, y+side+16))
		if got := decode(t, sub, false); got != s.Link {
			t.Errorf("sticker %d decodes to %q, want %q", i, got, s.Link)
		}
	}
}
