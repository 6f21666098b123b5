package common

import (
	"fmt"
	"strings"

	"switchboard/core"
)

// DispatchRoles are the roles that may assign work orders, run dispatch and change
// dispatch rules (R-ROLE-1). The service enforces the same; the console uses this
// only to disable keys up front and say why, instead of letting a user fill a
// picker or a form for nothing.
var DispatchRoles = []core.Role{core.RoleAdmin, core.RoleDispatcher}

// AdminRoles are the roles that may change the company's configuration, such
// as each record type's process (R-FLOW-1).
var AdminRoles = []core.Role{core.RoleAdmin}

// DeskRoles are the roles that take customers' calls and keep their records:
// create and edit work orders, accounts, contacts and devices.
var DeskRoles = []core.Role{core.RoleAdmin, core.RoleDispatcher, core.RoleCallCenter}

// MayDispatch reports whether the acting user may do action (e.g. "assign work
// orders"), a dispatcher's job; when not, why is a sentence for the footer.
func (c *Common) MayDispatch(action string) (ok bool, why string) {
	return c.May(action, DispatchRoles...)
}

// MayAdminister reports whether the acting user may do action (e.g. "configure
// processes"), an admin's job; when not, why is a sentence for the footer. Like
// MayDispatch it only lets screens disable keys up front: the service decides.
func (c *Common) MayAdminister(action string) (ok bool, why string) {
	return c.May(action, AdminRoles...)
}

// May reports whether the acting user holds one of roles for action; when
// not, why names the roles that would do.
func (c *Common) May(action string, roles ...core.Role) (ok bool, why string) {
	a := c.Actor
	if a.Kind == core.SubmitterInternal && a.User.Has(roles...) {
		return true, ""
	}
	if a.Kind != core.SubmitterInternal {
		return false, fmt.Sprintf("Only internal users can %s.", action)
	}
	have := make([]string, len(a.User.Roles))
	for i, r := range a.User.Roles {
		have[i] = string(r)
	}
	need := make([]string, len(roles))
	for i, r := range roles {
		need[i] = string(r)
	}
	what := "the role " + need[0]
	if n := len(need); n > 1 {
		what = "the role " + strings.Join(need[:n-1], ", ") + " or " + need[n-1]
	}
	return false, fmt.Sprintf("%s (%s) may not %s: that needs %s.", a.User.Login, strings.Join(have, ", "), action, what)
}
