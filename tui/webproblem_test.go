package tui

import (
	"strings"
	"testing"
)

// TestWebProblemMovesToTheHeader: a web listener that could not start (its
// port busy — every further database on the machine meets it) says why in the
// footer until the first key; then the header says "web off" and the footer
// (two lines of an 80-column screen) is the screen's again.
func TestWebProblemMovesToTheHeader(t *testing.T) {
	f := newFixture(t)
	opt := f.options()
	opt.WebProblem = "web listener off: 127.0.0.1:8080 is in use by another program; start with --listen ADDR to use another address"
	h := newHarnessWith(t, f, f.admin, 80, 24, opt)
	h.waitView("1 of 12", "is in use by another program")
	before := h.m.footerHeight()
	h.key("down")
	v := h.waitFor("the footer without the web problem", func(v string) bool { return !strings.Contains(v, "in use by another") })
	if head := strings.SplitN(v, "\n", 2)[0]; !strings.Contains(head, "web off") {
		t.Errorf("the header does not say the web listener is off: %q", head)
	}
	if after := h.m.footerHeight(); after >= before {
		t.Errorf("the footer is %d lines after the first key, %d before", after, before)
	}
}
