package main

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testPhoto writes a w×h photo (a gradient) as JPEG or PNG.
func testPhoto(t *testing.T, path string, w, h int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 120, 255})
		}
	}
	var b bytes.Buffer
	var err error
	if strings.HasSuffix(path, ".png") {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestReportPhotosCLI (R-REP-1, issue 20.6): the engineer's photos go with
// the next report version — listed in it, covered by its hash, printed in its
// PDF (pdfimages counts them) — and what is not a photo is refused.
func TestReportPhotosCLI(t *testing.T) {
	d := newDB(t)
	d.ok("provider", "add", "--name", "北方维保", "--tenant-id", "T-N")
	d.ok("engineer", "add", "--name", "张伟", "--provider", "1")
	d.ok("wo", "create", "--subject", "冷库温度过高")
	d.ok("dispatch", "assign", "1", "--engineer", "1")
	before, after := filepath.Join(d.home, "before.jpg"), filepath.Join(d.home, "after.png")
	testPhoto(t, before, 640, 480)
	testPhoto(t, after, 300, 600)
	notPhoto := filepath.Join(d.home, "notes.txt")
	if err := os.WriteFile(notPhoto, []byte("not a photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := d.run("report", "photo", "1", notPhoto); r.code != 1 || !strings.Contains(r.stderr, "not a JPEG or PNG") {
		t.Fatalf("a text file: %d %s", r.code, r.stderr)
	}
	if out := d.ok("report", "photo", "1", before, after); strings.Count(out, "attached") != 2 {
		t.Fatalf("report photo: %s", out)
	}
	if r := d.run("report", "photo", "1", before); r.code != 1 || !strings.Contains(r.stderr, "has this photo already") {
		t.Fatalf("the same photo twice: %d %s", r.code, r.stderr)
	}
	d.ok("report", "fill", "1", "--work-done", "更换压缩机启动电容")
	d.ok("wo", "advance", "1")
	var v struct {
		Report struct {
			SHA256 string `json:"sha256"`
			Photos []struct {
				Filename string `json:"filename"`
				Width    int    `json:"width"`
			} `json:"photos"`
		} `json:"report"`
		Problem string `json:"problem"`
	}
	d.okJSON(&v, "report", "show", "1", "--json")
	if len(v.Report.Photos) != 2 || v.Report.Photos[0].Filename != "before.jpg" || v.Report.Photos[0].Width != 640 || v.Problem != "" {
		t.Fatalf("the report version: %+v", v)
	}
	pdf := filepath.Join(d.home, "r.pdf")
	d.ok("report", "show", "1", "--pdf", pdf)
	exe, err := exec.LookPath("pdfimages")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdfimages (poppler-utils) is needed")
		}
		t.Skip("pdfimages is not installed")
	}
	out, err := exec.Command(exe, "-list", pdf).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v %s", err, out)
	}
	// Two header lines, then one line per image.
	if n := len(strings.Split(strings.TrimSpace(string(out)), "\n")) - 2; n != 2 {
		t.Fatalf("the PDF holds %d images, want the 2 photos:\n%s", n, out)
	}
}
