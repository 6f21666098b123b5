package core

import "fmt"

// SubmitterKind says who submitted a work order, which decides R-WO-4's first branch.
type SubmitterKind string

// Submitter kinds.
const (
	SubmitterInternal SubmitterKind = "internal" // an internal user (console, CLI, API, email)
	SubmitterTerminal SubmitterKind = "terminal" // a terminal user, directly
	SubmitterGuest    SubmitterKind = "guest"    // an anonymous visitor of a public link
)

// OwnerInput is everything R-WO-4 looks at. The candidate lists are the terminal users
// whose normalized phone (or email) equals the work order's; the caller looks them up.
type OwnerInput struct {
	Submitter      SubmitterKind
	TerminalUserID ID       // the submitting terminal user, for SubmitterTerminal
	Contact        *Contact // the work order's contact, if set
	Phone          string   // normalized work-order phone ("" if none)
	Email          string   // normalized work-order email ("" if none)
	ByPhone        []TerminalUser
	ByEmail        []TerminalUser
}

// OwnerResult is the external owner and the words that explain how it was found.
type OwnerResult struct {
	OutOwner ID
	Case     int // the R-WO-4 case that applied (1–5), 0 when none did
	Rule     string
}

// ResolveOwner implements R-WO-4 exactly, in this order:
//  1. submitted by a terminal user directly → that terminal user;
//  2. submitted by an internal user, contact set and linked → the linked terminal user;
//  3. contact set but not linked → the terminal user with the same phone number;
//  4. no link, phone empty but email set → the terminal user with the same email;
//  5. guest submissions → empty.
//
// Where the manual is silent: a work order with no contact but a phone is matched by
// phone like case 3 (a call-center caller not yet on file); when several terminal users
// share the phone or email the owner stays empty rather than guess a stranger, and the
// rule says so.
func ResolveOwner(in OwnerInput) OwnerResult {
	switch in.Submitter {
	case SubmitterTerminal:
		if in.TerminalUserID != 0 {
			return OwnerResult{OutOwner: in.TerminalUserID, Case: 1, Rule: "submitted by the terminal user"}
		}
		return OwnerResult{Rule: "submitted by an unknown terminal user: no owner"}
	case SubmitterGuest:
		return OwnerResult{Case: 5, Rule: "guest submission: no external owner (guests get no WeChat notifications)"}
	}
	if in.Contact != nil && in.Contact.TerminalUserID != 0 {
		return OwnerResult{OutOwner: in.Contact.TerminalUserID, Case: 2, Rule: fmt.Sprintf("contact %s is linked to the terminal user", in.Contact.Name)}
	}
	phone, email := in.Phone, in.Email
	if in.Contact != nil {
		if phone == "" {
			phone = in.Contact.Phone
		}
		if email == "" {
			email = in.Contact.Email
		}
	}
	subject := "no contact"
	if in.Contact != nil {
		subject = "contact not linked"
	}
	if phone != "" {
		return pick(in.ByPhone, 3, fmt.Sprintf("%s; matched by phone %s", subject, phone), fmt.Sprintf("%s; no terminal user has phone %s", subject, phone))
	}
	if email != "" {
		return pick(in.ByEmail, 4, fmt.Sprintf("%s, no phone; matched by email %s", subject, email), fmt.Sprintf("%s, no phone; no terminal user has email %s", subject, email))
	}
	return OwnerResult{Rule: subject + ", no phone and no email: no external owner"}
}

func pick(cands []TerminalUser, c int, found, none string) OwnerResult {
	switch len(cands) {
	case 0:
		return OwnerResult{Case: c, Rule: none}
	case 1:
		return OwnerResult{OutOwner: cands[0].ID, Case: c, Rule: found}
	default:
		return OwnerResult{Case: c, Rule: fmt.Sprintf("%s, but %d terminal users share it: no owner set (link the contact to the right one)", found, len(cands))}
	}
}
