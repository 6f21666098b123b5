package qrcode_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
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

// zbarimg returns every code zbarimg reads in the image files, as a phone's
// scanner would (zbar-tools; CI installs it).
func zbarimg(t *testing.T, files ...string) []string {
	t.Helper()
	exe, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("zbarimg (zbar-tools) is needed")
		}
		t.Skip("zbarimg is not installed")
	}
	out, err := exec.Command(exe, append([]string{"--raw", "-q", "-Sdisable", "-Sqrcode.enable"}, files...)...).Output()
	if err != nil {
		t.Fatalf("zbarimg %v: %v", files, err)
	}
	return strings.Fields(string(out))
}

// TestSheetDecodesEveryLink (R-IN-4, issue 20.1): a sheet of 14 stickers is
// two A4 pages at 300 dpi; zbarimg reads every code on them, each exactly
// its device's link — as PNG pages and as the PDF rasterised back.
func TestSheetDecodesEveryLink(t *testing.T) {
	var st []qrcode.Sticker
	want := map[string]bool{}
	for i := range 14 {
		code := fmt.Sprintf("FRZ-%04d", i)
		l := core.LinkURL("https://svc.example.com", core.DevicePathPrefix, core.DeviceToken([]byte{byte(i)}, code))
		st = append(st, qrcode.Sticker{Link: l, Label: code})
		want[l] = true
	}
	dir := t.TempDir()
	files, err := qrcode.SheetFiles(filepath.Join(dir, "stickers.png"), st, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.HasSuffix(files[1].Name, "stickers-2.png") {
		t.Fatalf("files %d: %v", len(files), files[len(files)-1].Name)
	}
	var names []string
	for _, f := range files {
		cfg, err := png.DecodeConfig(bytes.NewReader(f.Data))
		if err != nil || cfg.Width != 2480 || cfg.Height != 3508 {
			t.Fatalf("%s is %dx%d (%v), want A4 at 300 dpi", f.Name, cfg.Width, cfg.Height, err)
		}
		if !bytes.Contains(f.Data[:64], []byte("pHYs")) {
			t.Fatalf("%s has no resolution", f.Name)
		}
		if err := os.WriteFile(f.Name, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		names = append(names, f.Name)
	}
	check := func(how string, got []string) {
		t.Helper()
		seen := map[string]bool{}
		for _, g := range got {
			if !want[g] {
				t.Errorf("%s: read %q, not a sticker's link", how, g)
			}
			seen[g] = true
		}
		if len(seen) != len(want) {
			t.Errorf("%s: zbarimg read %d of %d codes", how, len(seen), len(want))
		}
	}
	check("PNG pages", zbarimg(t, names...))

	pdf, err := qrcode.SheetFiles(filepath.Join(dir, "stickers.pdf"), st, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(pdf) != 1 || !bytes.HasPrefix(pdf[0].Data, []byte("%PDF")) {
		t.Fatalf("pdf: %d files", len(pdf))
	}
	if err := os.WriteFile(pdf[0].Name, pdf[0].Data, 0o600); err != nil {
		t.Fatal(err)
	}
	ppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm (poppler-utils) is needed")
		}
		t.Skip("pdftoppm is not installed")
	}
	// Printed at 150 dpi, half the resolution: still read.
	if out, err := exec.Command(ppm, "-r", "150", "-png", pdf[0].Name, filepath.Join(dir, "printed")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	printed, _ := filepath.Glob(filepath.Join(dir, "printed*.png"))
	check("the PDF printed at 150 dpi", zbarimg(t, printed...))
	// Too many columns to scan is refused with a sentence.
	if _, err := qrcode.Sheet(st, 40); err == nil || !strings.Contains(err.Error(), "too small to scan") {
		t.Fatalf("40 columns: %v", err)
	}
}
