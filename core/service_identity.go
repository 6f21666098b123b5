package core

import (
	"errors"
	"regexp"
	"strings"
)

// OSIdentity is who runs a command as the operating system knows them: the user of
// the process that opened the database, or the peer of the server's socket
// (SO_PEERCRED).
type OSIdentity struct {
	// Name is the OS user name (e.g. "li.na"); UID is its numeric id.
	Name string
	UID  int
	// OwnsDB is true when this OS user owns the database file.
	OwnsDB bool
}

// osUserPattern is what an OS user name may look like (POSIX portable names, plus
// the '@' and '\' some directory services use).
var osUserPattern = regexp.MustCompile(`^[A-Za-z0-9._][A-Za-z0-9._@\\-]{0,63}$`)

// Identify turns an OS identity into the acting internal user (issue 9, R-ROLE-1):
// the user linked to the OS user (`user link LOGIN --os-user NAME`), else the user
// whose login is the OS user's name, else — for the OS user who owns the database —
// the built-in admin. asLogin (from --as or SWITCHBOARD_USER; "" for none) is
// honoured only when that user is an admin: anyone else acting as another user
// would be a way around the roles.
func (s *Service) Identify(id OSIdentity, asLogin string) (Actor, error) {
	users, err := s.Users()
	if err != nil {
		return Actor{}, err
	}
	var self *User
	for i := range users {
		if users[i].OSUser != "" && users[i].OSUser == id.Name {
			self = &users[i]
			break
		}
	}
	if self == nil {
		for i := range users {
			if users[i].Login == id.Name && users[i].OSUser == "" {
				self = &users[i]
				break
			}
		}
	}
	login := ""
	switch {
	case self != nil:
		login = self.Login
	case id.OwnsDB:
		login = BuiltinAdmin
	default:
		return Actor{}, forbidden("OS user %q has no Switchboard user: an admin links one with `switchboard user link LOGIN --os-user %s`.", id.Name, id.Name)
	}
	base, err := s.Login(login)
	if err != nil {
		return Actor{}, err
	}
	if asLogin == "" || asLogin == base.User.Login {
		return base, nil
	}
	if !base.User.Has(RoleAdmin) {
		return Actor{}, forbidden("Only admins may act as another user: you are %s (OS user %s), so --as/SWITCHBOARD_USER %q is not allowed; drop it to act as yourself.", base.User.Login, id.Name, asLogin)
	}
	return s.Login(asLogin)
}

// LinkOSUser links an internal user to an OS user, so that the person logged in as
// that OS user acts as this user in the console and the CLI (admins only). An empty
// osUser removes the link. One OS user links to at most one internal user.
func (s *Service) LinkOSUser(as Actor, login, osUser string) (User, error) {
	if err := require(as, "link users to OS users", RoleAdmin); err != nil {
		return User{}, err
	}
	var u User
	err := s.store.Update(func(tx Tx) error {
		var err error
		u, err = tx.UserByLogin(login)
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no user %q: list users with `switchboard user list`.", login)
		}
		if err != nil {
			return err
		}
		u.OSUser = ""
		if err := u.linkOSUser(tx, osUser); err != nil {
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

// osUserFree fails when another user than id is linked to osUser.
func osUserFree(tx Tx, osUser string, id ID) error {
	users, err := tx.Users()
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.OSUser == osUser && o.ID != id {
			return Invalid("os-user", "OS user %q is already linked to %s; unlink it first with `switchboard user link %s --os-user \"\"`.", osUser, o.Login, o.Login)
		}
	}
	return nil
}

// linkOSUser sets u's OS user for a new user, checking the name and that no other
// user has it.
func (u *User) linkOSUser(tx Tx, osUser string) error {
	osUser = strings.TrimSpace(osUser)
	if osUser == "" {
		return nil
	}
	if !osUserPattern.MatchString(osUser) {
		return Invalid("os-user", "%q is not an OS user name: give the name `id -un` prints for that person.", osUser)
	}
	if err := osUserFree(tx, osUser, u.ID); err != nil {
		return err
	}
	u.OSUser = osUser
	return nil
}
