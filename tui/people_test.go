package tui

import (
	"strings"
	"testing"

	"switchboard/core"
	"switchboard/tui/common"
)

// TestPeopleSection (issue 17, R-ROLE-2, R-ROLE-3): the People section lists
// accounts, contacts, providers, engineers and terminal users; n adds, enter
// edits, d disables (a disabled engineer is not offered by dispatch), / filters;
// a terminal user without a phone or an email is refused under the phone field.
func TestPeopleSection(t *testing.T) {
	f := newFixture(t)
	h := newHarness(t, f, f.admin, 120, 40)
	h.goTo(common.PeopleScreen)
	h.waitView("[Accounts (3)]", "Contacts", "Engineers", "Terminal users (1)")

	// Contacts: add one on a new account, then edit its phone.
	h.key("tab")
	h.waitView("[Contacts")
	h.key("n")
	h.waitView("New contact")
	h.typeText("陈静")
	h.key("tab")
	h.typeText("13700137000")
	h.key("tab")
	h.key("tab")
	h.typeText("和平里医院")
	h.key("ctrl+s")
	h.waitView("Contact 陈静 added")
	h.key("/")
	h.typeText("陈静")
	h.waitView("陈静", "和平里医院")
	h.key("enter")
	h.key("enter")
	h.waitView("Edit contact")
	h.key("tab")
	h.send(keyMsg("ctrl+u"))
	h.typeText("13700137001")
	h.key("ctrl+s")
	h.waitView("Contact 陈静 saved.", "13700137001")

	// Engineers: disable the first; dispatch no longer offers them.
	h.key("esc") // clear the filter
	h.key("tab")
	h.key("tab")
	h.waitView("[Engineers")
	h.key("d")
	h.waitView("is disabled: it gets no new work")
	var off core.Engineer
	d, err := f.svc.Directory()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range d.Engineers {
		if e.Disabled {
			off = e
		}
	}
	if off.ID == 0 {
		t.Fatal("no engineer was disabled")
	}
	w, err := f.svc.CreateWorkOrder(f.admin, core.NewWorkOrder{Subject: "Needs an engineer"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AssignWorkOrder(f.admin, w.Number, 0, off.ID); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("a disabled engineer was assigned: %v", err)
	}

	// Terminal users: add one; without phone and email it is refused.
	h.key("tab")
	h.waitView("[Terminal users")
	h.key("n")
	h.waitView("New terminal user")
	h.typeText("Walk-in customer")
	h.key("ctrl+s")
	h.waitView("needs a phone number or an email", "Nothing was saved")
	h.typeText("13600136000") // the refused field has the keyboard
	h.key("ctrl+s")
	h.waitView("Terminal user Walk-in customer added", "13600136000")
	h.key("enter")
	h.waitView("changes through their contact")
}
