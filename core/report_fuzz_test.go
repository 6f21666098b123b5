package core

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"
)

// FuzzParsePart (R-REP-1): any typed part parses or is refused with a
// validation error; an accepted part prints back (PartsText) to the same part.
func FuzzParsePart(f *testing.F) {
	for _, s := range []string{"compressor:1", "启动电容：2", "R404A (kg): 1.5", "a:b:3", ":", "x:NaN", "x:+Inf", "x:1e3", "x:-0", "x:0.0005", "门封条"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePart(s)
		if err != nil {
			if !IsValidation(err) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		if !(p.Quantity > 0 && p.Quantity <= maxPartQuantity) || strings.TrimSpace(p.Name) == "" {
			t.Fatalf("accepted %+v from %q", p, s)
		}
		again, err := ParseParts(PartsText([]ReportPart{p}))
		if err != nil || len(again) != 1 || again[0] != p {
			t.Fatalf("%+v printed as %q reads back as %+v, %v", p, PartsText([]ReportPart{p}), again, err)
		}
	})
}

// FuzzSignaturePNG (R-REP-2): whatever bytes a signing page posts as the drawn
// signature, the check answers with a validation error or accepts a PNG of a
// sane size — it never panics.
func FuzzSignaturePNG(f *testing.F) {
	img := image.NewNRGBA(image.Rect(0, 0, 300, 120))
	for x := 10; x < 290; x++ {
		img.Set(x, 60, color.NRGBA{0, 0, 0, 255})
		img.Set(x, 61, color.NRGBA{0, 0, 0, 255})
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:len(b.Bytes())/2])
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		err := checkSignaturePNG(data)
		if err != nil {
			if !IsValidation(err) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		cfg, derr := png.DecodeConfig(bytes.NewReader(data))
		if derr != nil || cfg.Width > maxSignatureSide || cfg.Height > maxSignatureSide {
			t.Fatalf("accepted a signature that is not a sane PNG: %v %+v", derr, cfg)
		}
	})
}

// FuzzParseReportTime: never panics; an accepted time formats back to itself.
func FuzzParseReportTime(f *testing.F) {
	for _, s := range []string{"2026-11-02 09:30", "09:30", "2026-11-02T09:30:00+08:00", "24:00", "2026-02-30 10:00", "", "明天"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	loc := time.FixedZone("CST", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseReportTime("started", s, now, loc)
		if err != nil {
			if !IsValidation(err) {
				t.Fatalf("non-validation error %v", err)
			}
			return
		}
		if strings.TrimSpace(s) == "" != tm.IsZero() {
			t.Fatalf("%q parsed to %v", s, tm)
		}
	})
}
