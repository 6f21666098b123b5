package core

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
)

// NewUser is the input of AddUser.
type NewUser struct {
	Login, Name  string
	Roles        []Role
	Phone, Email string
	// EngineerID links an engineer user to their engineer record, so the
	// console shows their tasks and they may act on their work orders.
	EngineerID ID
	// OSUser links the user to an operating-system user (see Identify).
	OSUser string
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9._-]{1,31}$`)

// AddUser creates an internal user (admins only).
func (s *Service) AddUser(as Actor, in NewUser) (User, error) {
	if err := require(as, "add users", RoleAdmin); err != nil {
		return User{}, err
	}
	var errs ValidationErrors
	login := strings.TrimSpace(in.Login)
	if !loginPattern.MatchString(login) {
		errs = append(errs, Invalid("login", "Login %q is not usable: use 2–32 lower-case letters, digits, dot, dash or underscore, starting with a letter.", in.Login))
	}
	name, verr := oneLine("name", "Name", in.Name, true, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	if len(in.Roles) == 0 {
		errs = append(errs, Invalid("role", "A user needs at least one role: admin, dispatcher, call-center, follow-up or engineer."))
	}
	phone, err := NormalizePhone(in.Phone)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	email, err := NormalizeEmail(in.Email)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	if err := errs.Err(); err != nil {
		return User{}, err
	}
	u := User{Login: login, Name: name, Roles: slices.Clone(in.Roles), Phone: phone, Email: email, EngineerID: in.EngineerID, CreatedAt: s.Now()}
	err = s.store.Update(func(tx Tx) error {
		if in.EngineerID != 0 {
			if _, err := tx.Engineer(in.EngineerID); errors.Is(err, ErrNotFound) {
				return Invalid("engineer", "There is no engineer %d: list them with `switchboard engineer list`.", in.EngineerID)
			} else if err != nil {
				return err
			}
		}
		if _, err := tx.UserByLogin(login); err == nil {
			return Invalid("login", "A user with login %q already exists; choose another login.", login)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		if err := u.linkOSUser(tx, in.OSUser); err != nil {
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

// Users lists internal users by login.
func (s *Service) Users() ([]User, error) {
	var out []User
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.Users()
		return err
	})
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Login, b.Login) })
	return out, err
}

// NewContact is the input of AddContact.
type NewContact struct {
	Name, Phone, Email string
	// AccountName finds the account (case-insensitively) or creates it.
	AccountName string
	// TerminalUser also creates a terminal user bound to the contact.
	TerminalUser bool
}

// ContactResult is what AddContact made.
type ContactResult struct {
	Contact        Contact       `json:"contact"`
	Account        *Account      `json:"account,omitempty"`
	AccountCreated bool          `json:"account_created"`
	TerminalUser   *TerminalUser `json:"terminal_user,omitempty"`
}

// AddContact creates a contact, optionally its account and its linked terminal user.
func (s *Service) AddContact(as Actor, in NewContact) (ContactResult, error) {
	if err := require(as, "add contacts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return ContactResult{}, err
	}
	var res ContactResult
	err := s.store.Update(func(tx Tx) error {
		var err error
		res, err = s.addContact(tx, in, s.Now())
		return err
	})
	if err != nil {
		return ContactResult{}, err
	}
	s.broker.publish(Change{Kind: "contact"})
	return res, nil
}

// addContact validates and writes one contact inside tx.
func (s *Service) addContact(tx Tx, in NewContact, now time.Time) (ContactResult, error) {
	name, phone, email, errs := personFields(in.Name, in.Phone, in.Email)
	account, verr := oneLine("account", "Account name", in.AccountName, false, 200)
	if verr != nil {
		errs = append(errs, verr)
	}
	if in.TerminalUser && phone == "" && email == "" {
		errs = append(errs, Invalid("phone", "A terminal user needs a phone number or an email to sign in with: give one of them."))
	}
	if err := errs.Err(); err != nil {
		return ContactResult{}, err
	}
	res := ContactResult{Contact: Contact{Name: name, Phone: phone, Email: email, CreatedAt: now}}
	if account != "" {
		a, err := tx.AccountByName(account)
		switch {
		case errors.Is(err, ErrNotFound):
			a = Account{Name: account, CreatedAt: now}
			if err := tx.PutAccount(&a); err != nil {
				return res, err
			}
			res.AccountCreated = true
		case err != nil:
			return res, err
		}
		res.Account = &a
		res.Contact.AccountID = a.ID
	}
	if err := tx.PutContact(&res.Contact); err != nil {
		return res, err
	}
	if in.TerminalUser {
		if err := uniqueTerminalUser(tx, phone, email); err != nil {
			return res, err
		}
		tu := TerminalUser{Name: name, Phone: phone, Email: email, ContactID: res.Contact.ID, CreatedAt: now}
		if err := tx.PutTerminalUser(&tu); err != nil {
			return res, err
		}
		res.Contact.TerminalUserID = tu.ID
		res.TerminalUser = &tu
		return res, tx.PutContact(&res.Contact)
	}
	return res, nil
}

// NewTerminalUser is the input of AddTerminalUser.
type NewTerminalUser struct {
	Name, Phone, Email string
	WeChatOpenID       string
	MiniProgramOpenID  string
}

// AddTerminalUser creates a terminal user not bound to any contact.
func (s *Service) AddTerminalUser(as Actor, in NewTerminalUser) (TerminalUser, error) {
	if err := require(as, "add terminal users", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return TerminalUser{}, err
	}
	name, phone, email, errs := personFields(in.Name, in.Phone, in.Email)
	if phone == "" && email == "" && len(errs) == 0 {
		errs = append(errs, Invalid("phone", "A terminal user needs a phone number or an email to sign in with: give one of them."))
	}
	if err := errs.Err(); err != nil {
		return TerminalUser{}, err
	}
	tu := TerminalUser{Name: name, Phone: phone, Email: email, WeChatOpenID: strings.TrimSpace(in.WeChatOpenID), MiniProgramOpenID: strings.TrimSpace(in.MiniProgramOpenID), CreatedAt: s.Now()}
	err := s.store.Update(func(tx Tx) error {
		if err := uniqueTerminalUser(tx, phone, email); err != nil {
			return err
		}
		return tx.PutTerminalUser(&tu)
	})
	if err != nil {
		return TerminalUser{}, err
	}
	s.broker.publish(Change{Kind: "terminal-user"})
	return tu, nil
}

// TerminalUsers lists every terminal user by name (the People section).
func (s *Service) TerminalUsers() ([]TerminalUser, error) {
	var out []TerminalUser
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.TerminalUsers()
		return err
	})
	slices.SortStableFunc(out, func(a, b TerminalUser) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// uniqueTerminalUser refuses a second terminal user with the same phone or email:
// a terminal user signs in by them, so they identify one person.
func uniqueTerminalUser(tx Tx, phone, email string) error {
	if phone != "" {
		got, err := tx.TerminalUsersByPhone(phone)
		if err != nil {
			return err
		}
		if len(got) > 0 {
			return Invalid("phone", "Terminal user %d (%s) already has phone %s; a phone number identifies one terminal user.", got[0].ID, got[0].Name, phone)
		}
	}
	if email != "" {
		got, err := tx.TerminalUsersByEmail(email)
		if err != nil {
			return err
		}
		if len(got) > 0 {
			return Invalid("email", "Terminal user %d (%s) already has email %s; an email identifies one terminal user.", got[0].ID, got[0].Name, email)
		}
	}
	return nil
}

func personFields(name, phone, email string) (string, string, string, ValidationErrors) {
	var errs ValidationErrors
	n, verr := oneLine("name", "Name", name, true, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	p, err := NormalizePhone(phone)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	e, err := NormalizeEmail(email)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	return n, p, e, errs
}

// AddAccount creates a customer account.
func (s *Service) AddAccount(as Actor, name, region string) (Account, error) {
	if err := require(as, "add accounts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return Account{}, err
	}
	n, verr := oneLine("name", "Account name", name, true, 200)
	if verr != nil {
		return Account{}, verr
	}
	r, verr := oneLine("region", "Region", region, false, 60)
	if verr != nil {
		return Account{}, verr
	}
	a := Account{Name: n, Region: r, CreatedAt: s.Now()}
	err := s.store.Update(func(tx Tx) error {
		if _, err := tx.AccountByName(n); err == nil {
			return Invalid("name", "An account named %q already exists.", n)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.PutAccount(&a)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "account"})
	}
	return a, err
}

// CallerMatch is a contact found by phone, with its account and terminal user.
type CallerMatch struct {
	Contact      Contact       `json:"contact"`
	Account      *Account      `json:"account,omitempty"`
	TerminalUser *TerminalUser `json:"terminal_user,omitempty"`
}

// LookupCaller finds the contacts with phone (R-IN-2 quick entry). An empty or
// incomplete number gives no matches and no error.
func (s *Service) LookupCaller(phone string) ([]CallerMatch, error) {
	p, err := NormalizePhone(phone)
	if err != nil || p == "" {
		return nil, nil
	}
	var out []CallerMatch
	err = s.store.View(func(tx Tx) error {
		cs, err := tx.ContactsByPhone(p)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Disabled {
				continue
			}
			m := CallerMatch{Contact: c}
			if c.AccountID != 0 {
				if a, err := tx.Account(c.AccountID); err == nil {
					m.Account = &a
				}
			}
			if c.TerminalUserID != 0 {
				if t, err := tx.TerminalUser(c.TerminalUserID); err == nil {
					m.TerminalUser = &t
				}
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// AddProvider creates a service provider (R-ROLE-2).
func (s *Service) AddProvider(as Actor, name, tenantID string) (Provider, error) {
	if err := require(as, "add service providers", RoleAdmin); err != nil {
		return Provider{}, err
	}
	var errs ValidationErrors
	n, verr := oneLine("name", "Provider name", name, true, 200)
	if verr != nil {
		errs = append(errs, verr)
	}
	t, verr := oneLine("tenant-id", "Tenant ID", tenantID, true, 64)
	if verr != nil {
		errs = append(errs, verr)
	}
	if err := errs.Err(); err != nil {
		return Provider{}, err
	}
	p := Provider{Name: n, TenantID: t, CreatedAt: s.Now()}
	err := s.store.Update(func(tx Tx) error {
		ps, err := tx.Providers()
		if err != nil {
			return err
		}
		for _, o := range ps {
			if o.TenantID == t {
				return Invalid("tenant-id", "Provider %d (%s) already has tenant ID %s.", o.ID, o.Name, t)
			}
		}
		return tx.PutProvider(&p)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "provider"})
	}
	return p, err
}

// NewEngineer is the input of AddEngineer.
type NewEngineer struct {
	Name, Phone, Email, Region string
	ProviderID                 ID
}

// AddEngineer creates a provider's engineer (R-ROLE-2).
func (s *Service) AddEngineer(as Actor, in NewEngineer) (Engineer, error) {
	if err := require(as, "add engineers", RoleAdmin); err != nil {
		return Engineer{}, err
	}
	name, phone, email, errs := personFields(in.Name, in.Phone, in.Email)
	region, verr := oneLine("region", "Region", in.Region, false, 60)
	if verr != nil {
		errs = append(errs, verr)
	}
	if err := errs.Err(); err != nil {
		return Engineer{}, err
	}
	e := Engineer{ProviderID: in.ProviderID, Name: name, Phone: phone, Email: email, Region: region, CreatedAt: s.Now()}
	err := s.store.Update(func(tx Tx) error {
		if _, err := tx.Provider(in.ProviderID); errors.Is(err, ErrNotFound) {
			return Invalid("provider", "There is no provider %d; list them with `switchboard provider list`.", in.ProviderID)
		} else if err != nil {
			return err
		}
		return tx.PutEngineer(&e)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "engineer"})
	}
	return e, err
}

// Directory is everything a picker needs: accounts, providers and engineers.
type Directory struct {
	Accounts  []Account  `json:"accounts"`
	Providers []Provider `json:"providers"`
	Engineers []Engineer `json:"engineers"`
}

// Directory reads the accounts, providers and engineers.
func (s *Service) Directory() (Directory, error) {
	var d Directory
	err := s.store.View(func(tx Tx) error {
		var err error
		if d.Accounts, err = tx.Accounts(); err != nil {
			return err
		}
		if d.Providers, err = tx.Providers(); err != nil {
			return err
		}
		d.Engineers, err = tx.Engineers()
		return err
	})
	return d, err
}

// Contact reads one contact.
func (s *Service) Contact(id ID) (Contact, error) {
	var c Contact
	err := s.store.View(func(tx Tx) error {
		var err error
		c, err = tx.Contact(id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return c, NotFoundf("There is no contact %d.", id)
	}
	return c, err
}

// TerminalUser reads one terminal user.
func (s *Service) TerminalUser(id ID) (TerminalUser, error) {
	var t TerminalUser
	err := s.store.View(func(tx Tx) error {
		var err error
		t, err = tx.TerminalUser(id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return t, NotFoundf("There is no terminal user %d.", id)
	}
	return t, err
}
