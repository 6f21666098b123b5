package core

import (
	"errors"
	"slices"
	"strings"
)

// The directory: customer accounts and contacts, service providers and their
// engineers, changed after they were added. Work orders keep the names they
// were made with (their history says who was who at the time); new work
// orders and the pickers see the changes at once.

// ContactRow is a contact with its account's name, for lists.
type ContactRow struct {
	Contact
	AccountName string `json:"account_name,omitempty"`
}

// Contacts lists every contact with its account's name, by name.
func (s *Service) Contacts() ([]ContactRow, error) {
	var out []ContactRow
	err := s.store.View(func(tx Tx) error {
		cs, err := tx.Contacts()
		if err != nil {
			return err
		}
		as, err := tx.Accounts()
		if err != nil {
			return err
		}
		names := make(map[ID]string, len(as))
		for _, a := range as {
			names[a.ID] = a.Name
		}
		out = make([]ContactRow, len(cs))
		for i, c := range cs {
			out[i] = ContactRow{Contact: c, AccountName: names[c.AccountID]}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b ContactRow) int { return strings.Compare(a.Name, b.Name) })
	return out, err
}

// dirRecord is how one kind of directory record is read, stored and
// announced, for changeRecord.
type dirRecord[T any] struct {
	what, kind, list string // "contact", its change kind, the command that lists them
	get              func(Tx, ID) (T, error)
	put              func(Tx, *T) error
}

var (
	accountRecord  = dirRecord[Account]{"account", "account", "switchboard account list", Tx.Account, Tx.PutAccount}
	contactRecord  = dirRecord[Contact]{"contact", "contact", "switchboard contact list", Tx.Contact, Tx.PutContact}
	providerRecord = dirRecord[Provider]{"provider", "provider", "switchboard provider list", Tx.Provider, Tx.PutProvider}
	engineerRecord = dirRecord[Engineer]{"engineer", "engineer", "switchboard engineer list", Tx.Engineer, Tx.PutEngineer}
)

// changeRecord reads record id, lets fn change it, stores it and announces the
// change, in one transaction; an unknown id says where to find the records.
func changeRecord[T any](s *Service, r dirRecord[T], id ID, fn func(tx Tx, v *T) error) (T, error) {
	var v T
	err := s.store.Update(func(tx Tx) error {
		var err error
		if v, err = r.get(tx, id); errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no %s %d: list them with `%s`.", r.what, id, r.list)
		} else if err != nil {
			return err
		}
		if err := fn(tx, &v); err != nil {
			return err
		}
		return r.put(tx, &v)
	})
	if err != nil {
		var zero T
		return zero, err
	}
	s.broker.publish(Change{Kind: r.kind})
	return v, nil
}

// patchContact checks a patched phone and email (nil: not patched).
func patchContact(errs *ValidationErrors, phone, email *string) (string, string) {
	var ph, em string
	if phone != nil {
		v, err := NormalizePhone(*phone)
		if err != nil {
			*errs = append(*errs, err.(*ValidationError))
		}
		ph = v
	}
	if email != nil {
		v, err := NormalizeEmail(*email)
		if err != nil {
			*errs = append(*errs, err.(*ValidationError))
		}
		em = v
	}
	return ph, em
}

// AccountPatch changes an account; nil leaves a field as it is.
type AccountPatch struct {
	Name, Region, Phone, Address *string
}

// EditAccount changes a customer account's name, region, phone or address.
func (s *Service) EditAccount(as Actor, id ID, p AccountPatch) (Account, error) {
	if err := require(as, "edit accounts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return Account{}, err
	}
	var errs ValidationErrors
	name := patchLine(&errs, p.Name, "name", "Account name", true, 200)
	region := patchLine(&errs, p.Region, "region", "Region", false, 60)
	address := patchLine(&errs, p.Address, "address", "Address", false, 300)
	phone, _ := patchContact(&errs, p.Phone, nil)
	if err := errs.Err(); err != nil {
		return Account{}, err
	}
	return changeRecord(s, accountRecord, id, func(tx Tx, a *Account) error {
		if p.Name != nil && !strings.EqualFold(name, a.Name) {
			if o, err := tx.AccountByName(name); err == nil && o.ID != a.ID {
				return Invalid("name", "Account %d is already named %q: account names identify accounts.", o.ID, o.Name)
			} else if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		setIf(&a.Name, p.Name, name)
		setIf(&a.Region, p.Region, region)
		setIf(&a.Address, p.Address, address)
		setIf(&a.Phone, p.Phone, phone)
		return nil
	})
}

// ContactPatch changes a contact; nil leaves a field as it is. AccountName
// "" takes the contact off its account; a name that has no account yet makes
// one (as adding a contact does).
type ContactPatch struct {
	Name, Phone, Email, AccountName *string
}

// EditContact changes a contact's name, phone, email or account.
func (s *Service) EditContact(as Actor, id ID, p ContactPatch) (ContactRow, error) {
	if err := require(as, "edit contacts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return ContactRow{}, err
	}
	var errs ValidationErrors
	name := patchLine(&errs, p.Name, "name", "Name", true, 100)
	account := patchLine(&errs, p.AccountName, "account", "Account name", false, 200)
	phone, email := patchContact(&errs, p.Phone, p.Email)
	if err := errs.Err(); err != nil {
		return ContactRow{}, err
	}
	accountName := ""
	c, err := changeRecord(s, contactRecord, id, func(tx Tx, c *Contact) error {
		setIf(&c.Name, p.Name, name)
		setIf(&c.Phone, p.Phone, phone)
		setIf(&c.Email, p.Email, email)
		if p.AccountName != nil {
			c.AccountID = 0
			if account != "" {
				a, err := tx.AccountByName(account)
				switch {
				case errors.Is(err, ErrNotFound):
					a = Account{Name: account, CreatedAt: s.Now()}
					if err := tx.PutAccount(&a); err != nil {
						return err
					}
				case err != nil:
					return err
				}
				c.AccountID = a.ID
			}
		}
		if c.AccountID != 0 {
			if a, err := tx.Account(c.AccountID); err == nil {
				accountName = a.Name
			}
		}
		return nil
	})
	return ContactRow{Contact: c, AccountName: accountName}, err
}

// SetContactDisabled disables a contact (no longer offered for a caller's
// phone) or enables it again.
func (s *Service) SetContactDisabled(as Actor, id ID, disabled bool) (Contact, error) {
	if err := require(as, "disable contacts", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return Contact{}, err
	}
	return changeRecord(s, contactRecord, id, func(_ Tx, c *Contact) error { c.Disabled = disabled; return nil })
}

// ProviderPatch changes a service provider; nil leaves a field as it is.
type ProviderPatch struct {
	Name, TenantID *string
}

// EditProvider changes a provider's name or external tenant ID (R-ROLE-2).
func (s *Service) EditProvider(as Actor, id ID, p ProviderPatch) (Provider, error) {
	if err := require(as, "edit service providers", RoleAdmin); err != nil {
		return Provider{}, err
	}
	var errs ValidationErrors
	name := patchLine(&errs, p.Name, "name", "Provider name", true, 200)
	tenant := patchLine(&errs, p.TenantID, "tenant-id", "Tenant ID", true, 64)
	if err := errs.Err(); err != nil {
		return Provider{}, err
	}
	return changeRecord(s, providerRecord, id, func(tx Tx, pr *Provider) error {
		if p.TenantID != nil && tenant != pr.TenantID {
			ps, err := tx.Providers()
			if err != nil {
				return err
			}
			for _, o := range ps {
				if o.ID != id && o.TenantID == tenant {
					return Invalid("tenant-id", "Provider %d (%s) already has tenant ID %s.", o.ID, o.Name, tenant)
				}
			}
		}
		setIf(&pr.Name, p.Name, name)
		setIf(&pr.TenantID, p.TenantID, tenant)
		return nil
	})
}

// SetProviderDisabled disables a provider — none of its engineers gets new
// work — or enables it again.
func (s *Service) SetProviderDisabled(as Actor, id ID, disabled bool) (Provider, error) {
	if err := require(as, "disable service providers", RoleAdmin); err != nil {
		return Provider{}, err
	}
	return changeRecord(s, providerRecord, id, func(_ Tx, p *Provider) error { p.Disabled = disabled; return nil })
}

// EngineerPatch changes an engineer; nil (0 for the provider) leaves a field
// as it is.
type EngineerPatch struct {
	Name, Phone, Email, Region *string
	ProviderID                 ID
}

// EditEngineer changes an engineer's name, phone, email, region or provider.
func (s *Service) EditEngineer(as Actor, id ID, p EngineerPatch) (Engineer, error) {
	if err := require(as, "edit engineers", RoleAdmin); err != nil {
		return Engineer{}, err
	}
	var errs ValidationErrors
	name := patchLine(&errs, p.Name, "name", "Name", true, 100)
	region := patchLine(&errs, p.Region, "region", "Region", false, 60)
	phone, email := patchContact(&errs, p.Phone, p.Email)
	if err := errs.Err(); err != nil {
		return Engineer{}, err
	}
	return changeRecord(s, engineerRecord, id, func(tx Tx, e *Engineer) error {
		if p.ProviderID != 0 {
			if _, err := tx.Provider(p.ProviderID); errors.Is(err, ErrNotFound) {
				return Invalid("provider", "There is no provider %d; list them with `switchboard provider list`.", p.ProviderID)
			} else if err != nil {
				return err
			}
			e.ProviderID = p.ProviderID
		}
		setIf(&e.Name, p.Name, name)
		setIf(&e.Phone, p.Phone, phone)
		setIf(&e.Email, p.Email, email)
		setIf(&e.Region, p.Region, region)
		return nil
	})
}

// SetEngineerDisabled disables an engineer — rules pass over them and the
// pickers leave them out; what they have stays theirs — or enables them again.
func (s *Service) SetEngineerDisabled(as Actor, id ID, disabled bool) (Engineer, error) {
	if err := require(as, "disable engineers", RoleAdmin); err != nil {
		return Engineer{}, err
	}
	return changeRecord(s, engineerRecord, id, func(_ Tx, e *Engineer) error { e.Disabled = disabled; return nil })
}

// patchLine checks a patched one-line value (nil: not patched).
func patchLine(errs *ValidationErrors, v *string, field, label string, required bool, limit int) string {
	if v == nil {
		return ""
	}
	out, verr := oneLine(field, label, *v, required, limit)
	if verr != nil {
		*errs = append(*errs, verr)
	}
	return out
}

// setIf sets *dst to v when the patch p is set.
func setIf(dst *string, p *string, v string) {
	if p != nil {
		*dst = v
	}
}
