package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	gzqr "github.com/makiuchi-d/gozxing/qrcode"
)

// TestDeviceAndInviteCLI: device add|list|qr (the PNG scans back to the printed
// link), invite --via link prints a task link with its expiry at the terminal-task
// node, and methods the node does not offer are refused.
func TestDeviceAndInviteCLI(t *testing.T) {
	d := newDB(t)
	d.ok("contact", "add", "--name", "王芳", "--phone", "13800138000", "--account", "上海浦东仓储")
	d.ok("device", "add", "--code", "frz-0042", "--model", "Haier SC-240", "--account", "上海浦东仓储")
	var list []struct {
		Code        string `json:"code"`
		AccountName string `json:"account_name"`
	}
	d.okJSON(&list, "device", "list", "--json")
	if len(list) != 1 || list[0].AccountName != "上海浦东仓储" {
		t.Fatalf("device list %+v", list)
	}
	file := filepath.Join(t.TempDir(), "frz.png")
	out := d.ok("device", "qr", "FRZ-0042", "--png", file, "--public-url", "https://svc.example.com")
	link := strings.SplitN(out, "\n", 2)[0]
	if !strings.HasPrefix(link, "https://svc.example.com/d/") {
		t.Fatalf("link %q", link)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil || res.GetText() != link {
		t.Fatalf("PNG decodes to %v, %v; want %q", res, err, link)
	}
	if again := d.ok("device", "qr", "frz-0042"); !strings.Contains(again, link[len("https://svc.example.com"):]) {
		t.Fatalf("the same device printed another link:\n%s", again)
	}

	sheet := filepath.Join(t.TempDir(), "sheet.png")
	if out := d.ok("device", "sheet", sheet, "--public-url", "https://svc.example.com"); !strings.Contains(out, "1 stickers on A4 at 300 dpi written") {
		t.Fatalf("device sheet: %s", out)
	}
	if raw, err := os.ReadFile(sheet); err != nil || !bytes.HasPrefix(raw, []byte("\x89PNG")) {
		t.Fatalf("sheet is not a PNG: %v", err)
	}
	if r := d.run("device", "sheet", sheet, "--codes", "NOPE-1"); r.code != 1 {
		t.Fatalf("sheet of an unknown device: %d %q", r.code, r.stderr)
	}
	// The general entry code (issue 20.1): no device, the customer form.
	entry := filepath.Join(t.TempDir(), "entry.png")
	if out := d.ok("device", "entry", "--png", entry, "--public-url", "https://svc.example.com"); !strings.Contains(out, "https://svc.example.com/submit/customer") {
		t.Fatalf("device entry: %s", out)
	}
	raw, _ = os.ReadFile(entry)
	img, err = png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ = gozxing.NewBinaryBitmapFromImage(img)
	if res, err := gzqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}); err != nil || res.GetText() != "https://svc.example.com/submit/customer" {
		t.Fatalf("the entry code decodes to %v, %v", res, err)
	}
	if out := d.ok("device", "entry", "--guest", "--public-url", "https://svc.example.com"); !strings.Contains(out, "https://svc.example.com/submit\n") {
		t.Fatalf("device entry --guest: %q", out)
	}

	d.ok("wo", "create", "--subject", "Install compressor")
	r := d.run("invite", "1", "--via", "link")
	if r.code != 1 || !strings.Contains(r.stderr, "not the terminal-task node") {
		t.Fatalf("invite at the dispatch node: %d %q", r.code, r.stderr)
	}
	toTaskNode(t, d, "1")
	var inv struct {
		Number    string    `json:"number"`
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	d.okJSON(&inv, "invite", "1", "--via", "link", "--ttl", "48h", "--json")
	if inv.Number != "WO-000001" || !strings.Contains(inv.URL, "/task/") || time.Until(inv.ExpiresAt) < 47*time.Hour {
		t.Fatalf("invite %+v", inv)
	}
	r = d.run("invite", "1", "--via", "sms")
	if r.code != 1 || !strings.Contains(r.stderr, "not one of this node's methods") {
		t.Fatalf("invite --via sms: %d %q", r.code, r.stderr)
	}
	r = d.run("invite", "1", "--via", "pigeon")
	if r.code != 1 || !strings.Contains(r.stderr, "link, wechat, sms or email") {
		t.Fatalf("invite --via pigeon: %d %q", r.code, r.stderr)
	}
}
