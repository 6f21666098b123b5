package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/core/qrcode/qrtest"
)

// TestDevicesScreen: "7" opens the devices screen; the selected device's sticker
// link and its QR code show; ↓ moves to the next device's; esc goes back.
func TestDevicesScreen(t *testing.T) {
	f := newFixture(t)
	for _, d := range []core.NewDevice{{Code: "AC-7", Model: "Daikin FTXM"}, {Code: "FRZ-0042", Model: "Haier SC-240", AccountName: "北京华联商厦", Location: "B2"}} {
		if _, err := f.svc.AddDevice(f.admin, d); err != nil {
			t.Fatal(err)
		}
	}
	_, tok, _ := f.svc.DeviceLink("FRZ-0042")
	h := newHarness(t, f, f.admin, 120, 50)
	h.key("7")
	h.waitView("Devices", "AC-7", "Daikin FTXM", "/d/", "█")
	h.key("down")
	v := h.waitView("/d/" + tok)
	if !strings.Contains(v, "北京华联商厦") || !strings.Contains(v, "▀") {
		t.Fatalf("device card:\n%s", v)
	}
	h.key("1")
	h.waitFor("work-order list", func(v string) bool { return !strings.Contains(v, "/d/") })
}

// TestDevicesScreenEmpty: with no device yet the screen starts at its title,
// under the tabs, not two blank lines (for a link and a card) down.
func TestDevicesScreenEmpty(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 80, 24)
	h.key("7")
	v := h.waitView("No devices yet")
	if lines := strings.Split(v, "\n"); len(lines) < 2 || !strings.HasPrefix(lines[1], "Devices (R-IN-4)") {
		t.Fatalf("the screen's first lines:\n%s", strings.Join(lines[:min(4, len(lines))], "\n"))
	}
}

// TestDevicesScreenActions (issue 17): a device added elsewhere shows at once;
// n registers one in the form (core's refusal under its field); enter edits;
// p saves the selected sticker as a PNG where the person is, and it scans to
// the device's link.
func TestDevicesScreenActions(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 50)
	h.key("7")
	h.waitView("No devices yet")
	if _, err := f.svc.AddDevice(f.admin, core.NewDevice{Code: "AC-7", Model: "Daikin FTXM"}); err != nil {
		t.Fatal(err)
	}
	h.waitView("AC-7", "Daikin FTXM") // live, without a key

	h.key("n")
	h.waitView("New device")
	h.typeText("AC-7")
	h.key("ctrl+s")
	h.waitView("already registered")
	h.send(keyMsg("ctrl+u"))
	h.typeText("frz-0042")
	h.key("tab")
	h.typeText("Haier SC-240")
	h.key("tab")
	h.typeText("No Such Account")
	h.key("ctrl+s")
	h.waitView(`There is no account "No Such Account"`)
	h.send(keyMsg("ctrl+u"))
	h.typeText("北京华联商厦")
	h.key("ctrl+s")
	h.waitView("Device FRZ-0042 registered", "FRZ-0042 · Haier SC-240 · 北京华联商厦")

	h.key("enter")
	h.waitView("Edit device FRZ-0042")
	h.send(keyMsg("ctrl+u"))
	h.typeText("Haier SC-300")
	h.key("ctrl+s")
	h.waitView("Device FRZ-0042 saved.", "Haier SC-300")

	h.key("p")
	h.waitView("Save the sticker as", "FRZ-0042.png")
	h.key("enter")
	v := h.waitView("Saved the sticker of FRZ-0042:")
	path := filepath.Join(f.files.dir, "FRZ-0042.png")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no sticker at %s: %v\n%s", path, err, v)
	}
	_, tok, _ := f.svc.DeviceLink("FRZ-0042")
	if got, err := qrtest.DecodePNG(b); err != nil || !strings.HasSuffix(got, "/d/"+tok) {
		t.Fatalf("the sticker decodes to %q (%v), want the device's link", got, err)
	}
}
