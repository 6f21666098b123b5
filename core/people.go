package core

import (
	"slices"
	"strings"
	"time"
)

// Role is what an internal user may do (R-ROLE-1).
type Role string

// The internal roles.
const (
	RoleAdmin      Role = "admin"
	RoleDispatcher Role = "dispatcher"
	RoleCallCenter Role = "call-center"
	RoleFollowUp   Role = "follow-up"
	RoleEngineer   Role = "engineer"
)

// AllRoles lists the roles in the order they are shown.
var AllRoles = []Role{RoleAdmin, RoleDispatcher, RoleCallCenter, RoleFollowUp, RoleEngineer}

// ParseRoles reads "dispatcher,call-center" into roles, refusing unknown names.
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		r := Role(strings.ToLower(strings.TrimSpace(part)))
		if r == "" {
			continue
		}
		if !slices.Contains(AllRoles, r) {
			return nil, Invalid("role", "%q is not a role: use one or more of admin, dispatcher, call-center, follow-up, engineer, separated by commas.", part)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, Invalid("role", "A user needs at least one role: admin, dispatcher, call-center, follow-up or engineer.")
	}
	return out, nil
}

// User is an internal user of the company (R-ROLE-1).
type User struct {
	ID         ID        `json:"id"`
	Login      string    `json:"login"`
	Name       string    `json:"name"`
	Roles      []Role    `json:"roles"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	EngineerID ID        `json:"engineer_id,omitempty"`
	Disabled   bool      `json:"disabled,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// Keys are the SSH public keys the user logs in with (switchboard serve --ssh).
	Keys []UserKey `json:"keys,omitempty"`
	// OSUser is the operating-system user who acts as this user (issue 9).
	OSUser string `json:"os_user,omitempty"`
	// CallAccount is the follow-up agent's own call account — a SIP
	// extension or seat — given to the dialer with each call they place
	// (seed 002 §6.2: bind follow-up personnel to call accounts).
	CallAccount string `json:"call_account,omitempty"`
}

// Has reports whether u holds any of roles.
func (u User) Has(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(u.Roles, r) {
			return true
		}
	}
	return false
}

// Account is a customer company (or a person as a customer).
type Account struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	Region    string    `json:"region,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	Address   string    `json:"address,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Contact is a person at an account. TerminalUserID links the contact to the
// interconnection (terminal) user bound to it, if any (R-ROLE-3).
type Contact struct {
	ID             ID        `json:"id"`
	AccountID      ID        `json:"account_id"`
	Name           string    `json:"name"`
	Phone          string    `json:"phone,omitempty"`
	Email          string    `json:"email,omitempty"`
	TerminalUserID ID        `json:"terminal_user_id"`
	CreatedAt      time.Time `json:"created_at"`
	// Disabled contacts are no longer offered when a caller's phone is
	// looked up; their work orders keep them.
	Disabled bool `json:"disabled,omitempty"`
}

// TerminalUser is a customer's person who acts through links (R-ROLE-3).
// ContactID is set when the terminal user is bound to a contact.
type TerminalUser struct {
	ID        ID     `json:"id"`
	Name      string `json:"name"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
	ContactID ID     `json:"contact_id"`
	// WeChatOpenID is set for registered followers of the official account.
	WeChatOpenID string `json:"wechat_openid,omitempty"`
	// MiniProgramOpenID is set for users who submitted through the mini program.
	MiniProgramOpenID string    `json:"miniprogram_openid,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
}

// Provider is a service-provider partner enterprise, a downstream tenant (R-ROLE-2).
type Provider struct {
	ID        ID        `json:"id"`
	Name      string    `json:"name"`
	TenantID  string    `json:"tenant_id"`
	CreatedAt time.Time `json:"created_at"`
	// Disabled providers get no new work: none of their engineers is
	// dispatched to or offered in the pickers.
	Disabled bool `json:"disabled,omitempty"`
}

// Engineer is a provider's external user who does the field work (R-ROLE-2).
type Engineer struct {
	ID         ID        `json:"id"`
	ProviderID ID        `json:"provider_id"`
	Name       string    `json:"name"`
	Phone      string    `json:"phone,omitempty"`
	Email      string    `json:"email,omitempty"`
	Region     string    `json:"region,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	// Disabled engineers get no new work (rules pass over them, pickers
	// leave them out); what they have stays theirs.
	Disabled bool `json:"disabled,omitempty"`
}
