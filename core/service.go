package core

import (
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"time"
)

// Service is the application service: every state change by the console, the CLI
// or the web listener is one of its commands, and each command is one storage
// transaction that writes the record and appends its history.
type Service struct {
	store  Store
	now    func() time.Time
	broker broker
	conds  conditionCache
	// dispatch keeps what automatic dispatch reads, decoded, per generation.
	dispatch dispatchCache
	// rules keeps the mail, evaluation and follow-up rules, decoded, per
	// generation (rulesOf).
	rules ruleCache
	// webURL is the public address of the web listener running in this
	// process, when one runs; links are built on it (SetWebURL).
	webURL atomic.Pointer[string]
	// dialer places follow-up calls (SetDialer).
	dialer atomic.Pointer[Dialer]
}

// SetWebURL tells the service where this process's web listener is reached
// (its --public-url, saved public URL or actual address), so links in
// invitations and notifications open it. "" forgets it.
func (s *Service) SetWebURL(u string) {
	if u == "" {
		s.webURL.Store(nil)
		return
	}
	u = strings.TrimRight(u, "/")
	s.webURL.Store(&u)
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces time.Now (tests use a fixed clock).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// NewService returns a service over st.
func NewService(st Store, opts ...Option) *Service {
	s := &Service{store: st, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	if f, ok := st.(Feed); ok {
		s.broker.feed = f
		f.Follow(s.broker.deliver)
	}
	return s
}

// Now is the service clock, truncated to the microsecond so times survive JSON.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Subscribe returns a channel of changes and a function that ends the subscription.
func (s *Service) Subscribe() (<-chan Change, func()) { return s.broker.subscribe() }

// Backup writes a consistent copy of the live database to w.
func (s *Service) Backup(w io.Writer) (int64, error) { return s.store.Backup(w) }

// BuiltinAdmin is the login of the user created on a fresh database.
const BuiltinAdmin = "admin"

// Bootstrap prepares a fresh database: it creates the built-in admin user when there
// are no users yet. It is safe to call on every start.
func (s *Service) Bootstrap() error {
	return s.store.Update(func(tx Tx) error {
		if _, err := tx.UserByLogin(BuiltinAdmin); err == nil {
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		users, err := tx.Users()
		if err != nil || len(users) > 0 {
			return err
		}
		return tx.PutUser(&User{Login: BuiltinAdmin, Name: "Administrator", Roles: []Role{RoleAdmin}, CreatedAt: s.Now()})
	})
}

// Actor is who is acting: an internal user, a terminal user, a guest or the system.
type Actor struct {
	Kind           SubmitterKind
	User           User // for internal actors
	TerminalUserID ID   // for terminal actors
	Name           string
}

// Label is how the actor appears in history ("by").
func (a Actor) Label() string {
	switch a.Kind {
	case SubmitterInternal:
		return a.User.Login
	case SubmitterTerminal:
		return "terminal user " + a.Name
	case SubmitterGuest:
		return "guest"
	}
	if a.Name != "" {
		return a.Name
	}
	return "system"
}

// SystemActor acts for timers and rules.
var SystemActor = Actor{Name: "system"}

// Login resolves an internal user's login into an Actor.
func (s *Service) Login(login string) (Actor, error) {
	var u User
	err := s.store.View(func(tx Tx) error {
		var err error
		u, err = tx.UserByLogin(login)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Actor{}, NotFoundf("There is no user %q: list users with `switchboard user list`, or add one with `switchboard user add`.", login)
	}
	if err != nil {
		return Actor{}, err
	}
	if u.Disabled {
		return Actor{}, forbidden("User %q is disabled; ask an admin to enable it.", login)
	}
	return Actor{Kind: SubmitterInternal, User: u, Name: u.Name}, nil
}

// require checks that an internal actor holds one of roles.
func require(as Actor, action string, roles ...Role) error {
	if as.Kind != SubmitterInternal {
		return forbidden("Only internal users can %s.", action)
	}
	if !as.User.Has(roles...) {
		names := make([]string, len(roles))
		for i, r := range roles {
			names[i] = string(r)
		}
		return forbidden("%s (%s) may not %s: that needs the role %s.", as.User.Login, joinRoles(as.User.Roles), action, orList(names))
	}
	return nil
}

func joinRoles(rs []Role) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += ", "
		}
		out += string(r)
	}
	return out
}

func orList(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	out := ""
	for i, x := range xs {
		switch {
		case i == 0:
		case i == len(xs)-1:
			out += " or "
		default:
			out += ", "
		}
		out += x
	}
	return out
}
