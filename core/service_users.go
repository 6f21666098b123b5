package core

import (
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// UserKey is an SSH public key a user logs in with (R-ROLE-1: remote
// dispatchers reach the console over SSH as themselves).
type UserKey struct {
	// Fingerprint is the key's SHA-256 fingerprint as OpenSSH prints it
	// ("SHA256:…"); it identifies the key.
	Fingerprint string `json:"fingerprint"`
	Type        string `json:"type"`
	Comment     string `json:"comment,omitempty"`
	// AuthorizedKey is the key in authorized_keys form, without the comment.
	AuthorizedKey string    `json:"authorized_key"`
	AddedAt       time.Time `json:"added_at"`
	AddedBy       string    `json:"added_by"`
}

// User reads one internal user by login.
func (s *Service) User(login string) (User, error) {
	var u User
	err := s.store.View(func(tx Tx) error {
		var err error
		u, err = tx.UserByLogin(strings.TrimSpace(login))
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return u, noUser(login)
	}
	return u, err
}

func noUser(login string) error {
	return NotFoundf("There is no user %q: list users with `switchboard user list`.", login)
}

// SetUserDisabled disables or enables an internal user (admins only). A
// disabled user cannot log in: not in the console, the CLI or over SSH. The
// last enabled admin cannot be disabled, so the company never locks itself out.
func (s *Service) SetUserDisabled(as Actor, login string, disabled bool) (User, error) {
	verb := "enable users"
	if disabled {
		verb = "disable users"
	}
	if err := require(as, verb, RoleAdmin); err != nil {
		return User{}, err
	}
	return s.changeUser(login, func(tx Tx, u *User) error {
		if u.Disabled == disabled {
			state := "enabled"
			if disabled {
				state = "disabled"
			}
			return Invalid("login", "User %q is already %s.", u.Login, state)
		}
		before := *u
		u.Disabled = disabled
		return keepAnAdmin(tx, before, *u)
	})
}

// SetUserRoles replaces an internal user's roles (admins only). Taking the admin
// role from the last enabled admin is refused.
func (s *Service) SetUserRoles(as Actor, login string, roles []Role) (User, error) {
	if err := require(as, "change users' roles", RoleAdmin); err != nil {
		return User{}, err
	}
	var clean []Role
	for _, r := range roles {
		if !slices.Contains(AllRoles, r) {
			return User{}, Invalid("role", "%q is not a role: use one or more of admin, dispatcher, call-center, follow-up, engineer.", r)
		}
		if !slices.Contains(clean, r) {
			clean = append(clean, r)
		}
	}
	if len(clean) == 0 {
		return User{}, Invalid("role", "A user needs at least one role: admin, dispatcher, call-center, follow-up or engineer.")
	}
	return s.changeUser(login, func(tx Tx, u *User) error {
		before := *u
		u.Roles = clean
		return keepAnAdmin(tx, before, *u)
	})
}

// SetCallAccount binds a user to their own call account (admins only; empty
// unbinds): the follow-up dialer calls from it (seed 002 §6.2).
func (s *Service) SetCallAccount(as Actor, login, account string) (User, error) {
	if err := require(as, "bind users to call accounts", RoleAdmin); err != nil {
		return User{}, err
	}
	a, err := CheckCallAccount(account)
	if err != nil {
		return User{}, err
	}
	return s.changeUser(login, func(tx Tx, u *User) error {
		if a != "" {
			users, err := tx.Users()
			if err != nil {
				return err
			}
			for _, o := range users {
				if o.ID != u.ID && o.CallAccount == a {
					return Invalid("account", "Call account %s is %s's already: each agent calls from their own.", a, o.Login)
				}
			}
		}
		u.CallAccount = a
		return nil
	})
}

// changeUser reads the user login, lets change modify it and writes it back, in
// one transaction; then it tells the consoles (an open console of that user
// follows its new roles, or closes when it was disabled).
func (s *Service) changeUser(login string, change func(tx Tx, u *User) error) (User, error) {
	var u User
	err := s.store.Update(func(tx Tx) error {
		var err error
		u, err = tx.UserByLogin(strings.TrimSpace(login))
		if errors.Is(err, ErrNotFound) {
			return noUser(login)
		}
		if err != nil {
			return err
		}
		if err := change(tx, &u); err != nil {
			return err
		}
		return tx.PutUser(&u)
	})
	if err != nil {
		return User{}, err
	}
	s.broker.publish(Change{Kind: "user"})
	return u, nil
}

// enabledAdmin reports whether u counts as an admin who can log in.
func enabledAdmin(u User) bool { return !u.Disabled && u.Has(RoleAdmin) }

// keepAnAdmin refuses a change that would leave no enabled admin.
func keepAnAdmin(tx Tx, before, after User) error {
	if !enabledAdmin(before) || enabledAdmin(after) {
		return nil
	}
	users, err := tx.Users()
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != before.ID && enabledAdmin(o) {
			return nil
		}
	}
	return Invalid("login", "%s is the last enabled admin: make another user an admin first (`switchboard user roles LOGIN --role admin`), or nobody could manage users any more.", before.Login)
}

// ParseUserKey reads one public key in authorized_keys form ("ssh-ed25519
// AAAA… comment"), as in ~/.ssh/id_ed25519.pub.
func ParseUserKey(text string) (UserKey, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return UserKey{}, Invalid("key", "The key file is empty: give the user's public key, e.g. ~/.ssh/id_ed25519.pub (never the private key).")
	}
	if strings.Contains(text, "PRIVATE KEY") {
		return UserKey{}, Invalid("key", "That is a private key: give the public one (the .pub file next to it), and keep the private key secret.")
	}
	pk, comment, _, rest, err := ssh.ParseAuthorizedKey([]byte(text))
	if err != nil {
		return UserKey{}, Invalid("key", "That is not an SSH public key (%v): give one line like the .pub file ssh-keygen writes, e.g. \"ssh-ed25519 AAAA… you@host\".", err)
	}
	if strings.TrimSpace(string(rest)) != "" {
		return UserKey{}, Invalid("key", "The file holds more than one key: add them one at a time.")
	}
	return UserKey{
		Fingerprint:   ssh.FingerprintSHA256(pk),
		Type:          pk.Type(),
		Comment:       oneLineComment(comment),
		AuthorizedKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pk))),
	}, nil
}

func oneLineComment(c string) string {
	c = strings.Join(strings.Fields(c), " ")
	if r := []rune(c); len(r) > 100 {
		c = string(r[:100])
	}
	return c
}

// mayManageKeys: admins manage everyone's keys; a user may manage their own.
func mayManageKeys(as Actor, login string) error {
	if as.Kind == SubmitterInternal && as.User.Login == login {
		return nil
	}
	return require(as, "manage other users' SSH keys", RoleAdmin)
}

// AddUserKey gives user login an SSH public key to log in with (admins, or the
// user themselves). A key belongs to one user only.
func (s *Service) AddUserKey(as Actor, login, authorizedKey string) (UserKey, error) {
	login = strings.TrimSpace(login)
	if err := mayManageKeys(as, login); err != nil {
		return UserKey{}, err
	}
	k, err := ParseUserKey(authorizedKey)
	if err != nil {
		return UserKey{}, err
	}
	k.AddedAt, k.AddedBy = s.Now(), as.Label()
	err = s.store.Update(func(tx Tx) error {
		users, err := tx.Users()
		if err != nil {
			return err
		}
		for _, o := range users {
			for _, ok := range o.Keys {
				if ok.Fingerprint == k.Fingerprint {
					if o.Login == login {
						return Invalid("key", "User %q already has key %s.", login, k.Fingerprint)
					}
					return Invalid("key", "Key %s already belongs to user %q: one key logs in one user; remove it there first (`switchboard user key remove %s %s`).", k.Fingerprint, o.Login, o.Login, k.Fingerprint)
				}
			}
		}
		u, err := tx.UserByLogin(login)
		if errors.Is(err, ErrNotFound) {
			return noUser(login)
		} else if err != nil {
			return err
		}
		u.Keys = append(u.Keys, k)
		return tx.PutUser(&u)
	})
	if err != nil {
		return UserKey{}, err
	}
	s.broker.publish(Change{Kind: "user"})
	return k, nil
}

// RemoveUserKey takes key fingerprint (or the key's unique comment) from user
// login.
func (s *Service) RemoveUserKey(as Actor, login, fingerprint string) (UserKey, error) {
	login, fingerprint = strings.TrimSpace(login), strings.TrimSpace(fingerprint)
	if err := mayManageKeys(as, login); err != nil {
		return UserKey{}, err
	}
	var gone UserKey
	err := s.store.Update(func(tx Tx) error {
		u, err := tx.UserByLogin(login)
		if errors.Is(err, ErrNotFound) {
			return noUser(login)
		} else if err != nil {
			return err
		}
		i := slices.IndexFunc(u.Keys, func(k UserKey) bool { return k.Fingerprint == fingerprint })
		if i < 0 {
			have := make([]string, len(u.Keys))
			for j, k := range u.Keys {
				have[j] = k.Fingerprint
			}
			if len(have) == 0 {
				return Invalid("key", "User %q has no SSH keys.", login)
			}
			return Invalid("key", "User %q has no key %s; their keys are %s (`switchboard user key list %s`).", login, fingerprint, strings.Join(have, ", "), login)
		}
		gone = u.Keys[i]
		u.Keys = slices.Delete(u.Keys, i, i+1)
		return tx.PutUser(&u)
	})
	if err != nil {
		return UserKey{}, err
	}
	s.broker.publish(Change{Kind: "user"})
	return gone, nil
}

// LoginByKey resolves the user an SSH public key (by its fingerprint) belongs
// to. An unknown key is ErrNotFound and a disabled user ErrForbidden, each with
// a sentence to show the person at the other end.
func (s *Service) LoginByKey(fingerprint string) (Actor, error) {
	var found *User
	err := s.store.View(func(tx Tx) error {
		users, err := tx.Users()
		if err != nil {
			return err
		}
		for _, u := range users {
			if slices.ContainsFunc(u.Keys, func(k UserKey) bool { return k.Fingerprint == fingerprint }) {
				found = &u
				return nil
			}
		}
		return nil
	})
	if err != nil {
		return Actor{}, err
	}
	if found == nil {
		return Actor{}, NotFoundf("Your SSH key %s is not known to this Switchboard: ask an admin to run `switchboard user key add LOGIN KEYFILE` with your public key.", fingerprint)
	}
	if found.Disabled {
		return Actor{}, forbidden("User %q is disabled; ask an admin to enable it (`switchboard user enable %s`).", found.Login, found.Login)
	}
	return Actor{Kind: SubmitterInternal, User: *found, Name: found.Name}, nil
}

// ownWorkOrder lets an actor act on w when a role other than engineer allows
// the action, or when w is the engineer's own work order: its service engineer
// is the engineer record linked to the user, or, for a user not linked to one,
// the engineer with the user's name (as the task inbox matches them). others
// are the roles that may act on any work order.
func ownWorkOrder(as Actor, w *WorkOrder, action string, others ...Role) error {
	if as.User.Has(others...) {
		return nil
	}
	if as.User.EngineerID != 0 && as.User.EngineerID == w.FieldOutDealUser {
		return nil
	}
	if as.User.EngineerID == 0 && w.EngineerName != "" && strings.EqualFold(strings.TrimSpace(as.User.Name), strings.TrimSpace(w.EngineerName)) {
		return nil
	}
	who := w.EngineerName
	if who == "" {
		who = "no engineer yet"
	}
	return forbidden("%s (engineer) may not %s %s: it is not their work order (its engineer: %s). Engineers act only on their own work orders.", as.User.Login, action, w.Number, who)
}
