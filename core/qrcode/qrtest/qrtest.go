// Package qrtest reads QR codes back in tests: from PNG bytes, and from the
// half-block drawing the console shows (as captured from a screen), so a test can
// check that what a phone would scan is exactly the link.
package qrtest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"strings"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Decode scans img; pure says the image is just the code (a PNG sticker).
func Decode(img image.Image, pure bool) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	if pure { // gozxing looks at the key's presence, not its value
		hints[gozxing.DecodeHintType_PURE_BARCODE] = true
	}
	res, err := gzqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		// gozxing misses a valid code now and then (a drawing of a random
		// link that zbar, like a phone, reads at once failed one CI run in
		// many): ask zbarimg, when it is there, before saying it does not scan.
		if text, zerr := zbar(img); zerr == nil {
			return text, nil
		}
		return "", err
	}
	return res.GetText(), nil
}

// zbar reads img with zbarimg (zbar-tools; CI installs it).
func zbar(img image.Image) (string, error) {
	exe, err := exec.LookPath("zbarimg")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp("", "qrtest-*.png")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	out, err := exec.Command(exe, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", f.Name()).Output()
	if err != nil {
		return "", fmt.Errorf("zbarimg: %w", err)
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// DecodePNG scans a PNG file's bytes.
func DecodePNG(b []byte) (string, error) {
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	return Decode(img, true)
}

// Image turns half-block text into pixels the way a dark terminal shows it:
// "█" light, " " dark, "▀" light over dark, "▄" dark over light.
func Image(lines []string) (image.Image, error) {
	w := 0
	for _, l := range lines {
		w = max(w, len([]rune(l)))
	}
	const px, border = 4, 4
	h := 2 * len(lines)
	img := image.NewGray(image.Rect(0, 0, (w+2*border)*px, (h+2*border)*px))
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
		runes := []rune(l)
		for col := 0; col < w; col++ {
			r := ' '
			if col < len(runes) {
				r = runes[col]
			}
			var top, bottom bool // dark?
			switch r {
			case ' ':
				top, bottom = true, true
			case '▀':
				bottom = true
			case '▄':
				top = true
			case '█':
			default:
				return nil, fmt.Errorf("unexpected %q in a terminal QR code", r)
			}
			set(col, 2*row, top)
			set(col, 2*row+1, bottom)
		}
	}
	return img, nil
}

// FromScreen finds the QR drawing in a captured screen — the longest run of
// lines made only of half blocks and spaces, with trailing padding trimmed —
// and decodes it.
func FromScreen(screen string) (string, error) {
	var best, cur []string
	isQR := func(l string) bool {
		l = strings.TrimRight(l, " ")
		if l == "" {
			return false
		}
		blocks := 0
		for _, r := range l {
			switch r {
			case '█', '▀', '▄':
				blocks++
			case ' ':
			default:
				return false
			}
		}
		return blocks > 0
	}
	for _, l := range strings.Split(screen, "\n") {
		if isQR(l) {
			cur = append(cur, strings.TrimRight(l, " "))
			if len(cur) > len(best) {
				best = cur
			}
		} else {
			cur = nil
		}
	}
	if len(best) == 0 {
		return "", fmt.Errorf("no QR code on the screen")
	}
	// The drawing may be indented: cut the common leading spaces.
	indent := -1
	for _, l := range best {
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	lines := make([]string, len(best))
	for i, l := range best {
		lines[i] = l[indent:]
	}
	img, err := Image(lines)
	if err != nil {
		return "", err
	}
	return Decode(img, false)
}
