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

// MayDispatch reports whether the acting user may do action (e.g. "assign work
// orders"), a dispatcher's job; when not, why is a sentence for the footer.
func (c *Common) MayDispatch(action string) (ok bool, why string) {
	a := c.Actor
	if a.Kind == core.SubmitterInternal && a.User.Has(DispatchRoles...) {
		return true, ""
	}
	if a.Kind != core.SubmitterInternal {
		return false, fmt.Sprintf("Only internal users can %s.", action)
	}
	roles := make([]string, len(a.User.Roles))
	for i, r := range a.User.Roles {
		roles[i] = string(r)
	}
	return false, fmt.Sprintf("%s (%s) may not %s: that needs the role admin or dispatcher.", a.User.Login, strings.Join(roles, ", "), action)
}

// AdminRoles are the roles that may change the company's configuration, such
// as each record type's process (R-FLOW-1).
var AdminRoles = []core.Role{core.RoleAdmin}

// MayAdminister reports whether the acting user may do action (e.g. "configure
// processes"), an admin's job; when not, why is a sentence for the footer. Like
// MayDispatch it only lets screens disable keys up front: the service decides.
func (c *Common) MayAdminister(action string) (ok bool, why string) {
	a := c.Actor
	if a.Kind == core.SubmitterInternal && a.User.Has(AdminRoles...) {
		return true, ""
	}
	if a.Kind != core.SubmitterInternal {
		return false, fmt.Sprintf("Only internal users can %s.", action)
	}
	roles := make([]string, len(a.User.Roles))
	for i, r := range a.User.Roles {
		roles[i] = string(r)
	}
	return false, fmt.Sprintf("%s (%s) may not %s: that needs the role admin.", a.User.Login, strings.Join(roles, ", "), action)
}
