package tui

import (
	"strings"
	"testing"

	"switchboard/core"
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
