package core

import (
	"strings"
	"testing"
)

// TestResolveOwner covers R-WO-4: all five cases, ties and the silent corners.
func TestResolveOwner(t *testing.T) {
	linked := &Contact{ID: 1, Name: "Li Na", Phone: "13800138000", TerminalUserID: 7}
	unlinked := &Contact{ID: 2, Name: "Zhang Wei", Phone: "13900139000", Email: "zw@example.com"}
	noPhone := &Contact{ID: 3, Name: "Ann", Email: "ann@example.com"}
	tu := func(id ID) TerminalUser { return TerminalUser{ID: id} }

	tests := []struct {
		name     string
		in       OwnerInput
		want     ID
		wantCase int
		ruleHas  string
	}{
		{"R-WO-4 case 1: terminal user submits", OwnerInput{Submitter: SubmitterTerminal, TerminalUserID: 9, Contact: linked}, 9, 1, "terminal user"},
		{"case 1 ignores contact link and phone", OwnerInput{Submitter: SubmitterTerminal, TerminalUserID: 9, Phone: "1", ByPhone: []TerminalUser{tu(4)}}, 9, 1, ""},
		{"R-WO-4 case 2: internal, contact linked", OwnerInput{Submitter: SubmitterInternal, Contact: linked, ByPhone: []TerminalUser{tu(4)}}, 7, 2, "linked"},
		{"R-WO-4 case 3: contact unlinked, phone match", OwnerInput{Submitter: SubmitterInternal, Contact: unlinked, Phone: "13900139000", ByPhone: []TerminalUser{tu(5)}}, 5, 3, "phone"},
		{"case 3 uses the contact's phone when the work order has none", OwnerInput{Submitter: SubmitterInternal, Contact: unlinked, ByPhone: []TerminalUser{tu(5)}}, 5, 3, "13900139000"},
		{"case 3 phone wins over email", OwnerInput{Submitter: SubmitterInternal, Contact: unlinked, Phone: "13900139000", Email: "zw@example.com", ByPhone: []TerminalUser{tu(5)}, ByEmail: []TerminalUser{tu(6)}}, 5, 3, ""},
		{"case 3 no phone match: empty, no fallback to email", OwnerInput{Submitter: SubmitterInternal, Contact: unlinked, Phone: "13900139000", Email: "zw@example.com", ByEmail: []TerminalUser{tu(6)}}, 0, 3, "no terminal user has phone"},
		{"R-WO-4 case 4: phone empty, email match", OwnerInput{Submitter: SubmitterInternal, Contact: noPhone, ByEmail: []TerminalUser{tu(8)}}, 8, 4, "email"},
		{"case 4 without contact", OwnerInput{Submitter: SubmitterInternal, Email: "x@example.com", ByEmail: []TerminalUser{tu(8)}}, 8, 4, "no contact"},
		{"case 4 no match", OwnerInput{Submitter: SubmitterInternal, Email: "x@example.com"}, 0, 4, "no terminal user has email"},
		{"R-WO-4 case 5: guest", OwnerInput{Submitter: SubmitterGuest, Contact: linked, Phone: "13800138000", ByPhone: []TerminalUser{tu(4)}}, 0, 5, "guest"},
		{"tie on phone: no owner rather than a stranger", OwnerInput{Submitter: SubmitterInternal, Contact: unlinked, Phone: "13900139000", ByPhone: []TerminalUser{tu(5), tu(6)}}, 0, 3, "2 terminal users share it"},
		{"tie on email", OwnerInput{Submitter: SubmitterInternal, Email: "x@example.com", ByEmail: []TerminalUser{tu(5), tu(6), tu(7)}}, 0, 4, "3 terminal users"},
		{"no contact, phone: matched by phone", OwnerInput{Submitter: SubmitterInternal, Phone: "13900139000", ByPhone: []TerminalUser{tu(5)}}, 5, 3, "no contact"},
		{"nothing to match on", OwnerInput{Submitter: SubmitterInternal}, 0, 0, "no phone and no email"},
		{"terminal submitter without id", OwnerInput{Submitter: SubmitterTerminal}, 0, 0, "unknown terminal user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResolveOwner(tt.in)
			if got.OutOwner != tt.want || got.Case != tt.wantCase {
				t.Fatalf("ResolveOwner = owner %d case %d (%s); want owner %d case %d", got.OutOwner, got.Case, got.Rule, tt.want, tt.wantCase)
			}
			if !strings.Contains(got.Rule, tt.ruleHas) {
				t.Fatalf("rule %q does not mention %q", got.Rule, tt.ruleHas)
			}
		})
	}
}

// TestNormalizePhone: equal numbers in different spellings normalize alike; bad
// phones are refused with a sentence naming the problem.
func TestNormalizePhone(t *testing.T) {
	good := map[string]string{
		"13800138000":        "13800138000",
		"+86 138 0013 8000":  "13800138000",
		"0086-138-0013-8000": "13800138000",
		"(021) 6234.5678":    "02162345678",
		"+44 20 7946 0000":   "+442079460000",
		"":                   "",
		"  ":                 "",
	}
	for in, want := range good {
		got, err := NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"abc":               `"a"`,
		"138-0013-8000 x2":  `"x"`,
		"1234":              "4 digits",
		"+1234567890123456": "16 digits",
		"12+345678":         `"+"`,
		"１３８００１３８０００":       "in it", // full-width digits are refused, not silently mangled
	}
	for in, has := range bad {
		_, err := NormalizePhone(in)
		if err == nil || !strings.Contains(err.Error(), has) || !IsValidation(err) {
			t.Errorf("NormalizePhone(%q) error = %v; want a validation error mentioning %s", in, err, has)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{"Ann@Example.COM": "ann@example.com", " a.b@c.cn ": "a.b@c.cn", "": ""} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"ann", "Ann <ann@example.com>", "a@b", "a@@b.com", "a b@c.com"} {
		if _, err := NormalizeEmail(in); !IsValidation(err) {
			t.Errorf("NormalizeEmail(%q) accepted", in)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for in, want := range map[string]uint64{"WO-000123": 123, "wo-7": 7, " 42 ": 42} {
		if got, err := ParseNumber(in); err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "WO-", "WO-abc", "-1", "0", "WX-12"} {
		if _, err := ParseNumber(in); !IsValidation(err) {
			t.Errorf("ParseNumber(%q) accepted", in)
		}
	}
	if FormatNumber(123) != "WO-000123" || FormatNumber(1234567) != "WO-1234567" {
		t.Error("FormatNumber")
	}
}

func TestQueryMatchesAndLess(t *testing.T) {
	a := WorkOrderRow{ID: 1, Number: "WO-000001", Subject: "Boiler LEAK", Priority: PriorityLow, Status: StatusNew, AccountName: "上海华东制冷"}
	b := WorkOrderRow{ID: 2, Number: "WO-000002", Subject: "aircon", Priority: PriorityUrgent, Status: StatusAssigned}
	q := WorkOrderQuery{}
	if !q.Matches(&a, "leak") || q.Matches(&b, "leak") || !q.Matches(&a, "华东") || !q.Matches(&b, "wo-000002") {
		t.Error("text match")
	}
	if (WorkOrderQuery{Status: StatusAssigned}).Matches(&a, "") {
		t.Error("status filter")
	}
	if !q.Less(&b, &a) { // newest first
		t.Error("default order")
	}
	if !(WorkOrderQuery{Sort: SortPriority}).Less(&b, &a) {
		t.Error("urgent first")
	}
	if !(WorkOrderQuery{Sort: SortPriority, Asc: true}).Less(&a, &b) {
		t.Error("asc")
	}
	if !(WorkOrderQuery{Sort: SortSubject}).Less(&b, &a) {
		t.Error("subject case-insensitive")
	}
}
