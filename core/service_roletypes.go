package core

import (
	"slices"
	"strings"
)

// Record types per role (seed 003 §1–2, "Assign Work Order Record Types to
// Roles"): which work-order record types each internal role may create — and
// the other doors: the API, email and the customers' web forms. A role with no
// list may create every type; admins always may. Enforced where work orders
// are made or change type: console, CLI, API, mail (and its rules), web.

const settingRoleTypes = "roles.record_types"

// Doors that create work orders without an internal user's roles.
const (
	DoorAPI   = "api"
	DoorEmail = "email"
	DoorWeb   = "web"
)

// TypeHolders are the roles and doors a record-type list can be set for.
func TypeHolders() []string {
	out := make([]string, 0, len(AllRoles)+3)
	for _, r := range AllRoles {
		if r != RoleAdmin {
			out = append(out, string(r))
		}
	}
	return append(out, DoorAPI, DoorEmail, DoorWeb)
}

func readRoleTypes(tx Tx) (map[string][]string, error) {
	m := map[string][]string{}
	_, err := getJSON(tx, settingRoleTypes, &m)
	return m, err
}

// RoleRecordTypes is the record types each role or door may create; one
// missing from the map may create all.
func (s *Service) RoleRecordTypes() (map[string][]string, error) {
	var m map[string][]string
	err := s.store.View(func(tx Tx) (err error) {
		m, err = readRoleTypes(tx)
		return err
	})
	return m, err
}

// SetRoleRecordTypes sets what holder (a role other than admin, or api,
// email, web) may create; nil or empty: every type (admins only).
func (s *Service) SetRoleRecordTypes(as Actor, holder string, types []string) ([]string, error) {
	if err := require(as, "choose the record types of roles", RoleAdmin); err != nil {
		return nil, err
	}
	holder = strings.ToLower(strings.TrimSpace(holder))
	if !slices.Contains(TypeHolders(), holder) {
		return nil, Invalid("role", "%q is not a role or door whose record types can be chosen: use %s (admins may always create every type).", holder, strings.Join(TypeHolders(), ", "))
	}
	var clean []string
	for _, t := range types {
		if strings.TrimSpace(t) == "" {
			continue
		}
		n, ok := recordTypeNamed(t)
		if !ok {
			return nil, Invalid("types", "Record type %q is unknown: use %s.", strings.TrimSpace(t), strings.Join(DefaultRecordTypes, ", "))
		}
		if !slices.Contains(clean, n) {
			clean = append(clean, n)
		}
	}
	err := s.store.Update(func(tx Tx) error {
		m, err := readRoleTypes(tx)
		if err != nil {
			return err
		}
		if len(clean) == 0 {
			delete(m, holder)
		} else {
			m[holder] = clean
		}
		return putJSON(tx, settingRoleTypes, m)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "users"})
	}
	return clean, err
}

// doorOf is the door a channel's work orders come through ("" for staff).
func doorOf(ch Channel) string {
	switch ch {
	case ChannelAPI:
		return DoorAPI
	case ChannelEmail:
		return DoorEmail
	case ChannelWeb, ChannelDeviceCode, ChannelSmartForm:
		return DoorWeb
	}
	return ""
}

// mayUseType refuses a record type as's roles (or ch's door) may not create.
func mayUseType(tx Tx, as Actor, ch Channel, recordType string) error {
	m, err := readRoleTypes(tx)
	if err != nil || len(m) == 0 {
		return err
	}
	if door := doorOf(ch); door != "" {
		if allowed, ok := m[door]; ok && !slices.Contains(allowed, recordType) {
			return Invalid("type", "Work orders that come in by %s may be %s, not %s: an admin chose so (`switchboard role types %s`).", door, strings.Join(allowed, ", "), recordType, door)
		}
		return nil
	}
	if as.Kind != SubmitterInternal || as.User.Has(RoleAdmin) {
		return nil
	}
	var may []string
	for _, r := range as.User.Roles {
		allowed, ok := m[string(r)]
		if !ok {
			return nil // a role without a list may create every type
		}
		if slices.Contains(allowed, recordType) {
			return nil
		}
		for _, t := range allowed {
			if !slices.Contains(may, t) {
				may = append(may, t)
			}
		}
	}
	if len(may) == 0 {
		return Invalid("type", "%s may not create %s work orders: ask an admin.", as.Label(), recordType)
	}
	return Invalid("type", "%s may create %s work orders, not %s: ask an admin to allow it (`switchboard role types ROLE --types …`).", as.Label(), strings.Join(may, ", "), recordType)
}

// AllowedRecordTypes is the types as may create through ch (every type when
// nothing restricts it): what a form offers.
func (s *Service) AllowedRecordTypes(as Actor, ch Channel) ([]string, error) {
	var out []string
	err := s.store.View(func(tx Tx) error {
		for _, t := range DefaultRecordTypes {
			if err := mayUseType(tx, as, ch, t); err == nil {
				out = append(out, t)
			} else if !IsValidation(err) {
				return err
			}
		}
		return nil
	})
	return out, err
}

// DescribeRoleTypes says a holder's list in words.
func DescribeRoleTypes(types []string) string {
	if len(types) == 0 {
		return "every type"
	}
	return strings.Join(types, ", ")
}
