package core

import (
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"time"
)

// Settings the web listener's links depend on.
const (
	// settingLinkSecret is the per-database key device tokens are derived from.
	settingLinkSecret = "portal.link_secret"
	// settingPublicURL is the address customers reach the listener at.
	settingPublicURL = "portal.public_url"
)

// DefaultListen is where the web listener listens unless told otherwise.
const DefaultListen = "127.0.0.1:8080"

// How long links work unless the caller says otherwise.
const (
	DefaultInviteTTL = 7 * 24 * time.Hour
	ReceiptTTL       = 30 * 24 * time.Hour
	MaxInviteTTL     = 90 * 24 * time.Hour
)

// History kinds written by the web listener's commands.
const (
	EventInvitation   = "invitation"    // a terminal-task link was issued
	EventTerminalTask = "terminal-task" // the customer submitted the task form
)

// --- public URL

// PublicURL is the address links are built on: this process's web listener
// (SetWebURL), else the saved setting, else http://DefaultListen.
func (s *Service) PublicURL() (string, error) {
	var u string
	err := s.store.View(func(tx Tx) (err error) {
		u, err = s.publicURL(tx)
		return err
	})
	return u, err
}

// CheckPublicURL validates an absolute http(s) URL without query or fragment and
// returns it without a trailing slash.
func CheckPublicURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", Invalid("public-url", "Public URL %q is not usable: give the address customers open, e.g. https://service.example.com or http://192.168.1.20:8080.", raw)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// SetPublicURL saves the address links are built on (admins only).
func (s *Service) SetPublicURL(as Actor, raw string) error {
	if err := require(as, "set the public URL", RoleAdmin); err != nil {
		return err
	}
	u, err := CheckPublicURL(raw)
	if err != nil {
		return err
	}
	return s.store.Update(func(tx Tx) error { return tx.PutSetting(settingPublicURL, []byte(u)) })
}

// EntryLink is the general entry code's link on base: the customer form, or
// the guest form (seed 003 §3: a code not tied to a device).
func EntryLink(base string, guest bool) string {
	if guest {
		return strings.TrimRight(base, "/") + "/submit"
	}
	return strings.TrimRight(base, "/") + "/submit/customer"
}

// --- devices (R-IN-4)

// NewDevice is the input of AddDevice.
type NewDevice struct {
	Code, Model, AccountName, Location string
}

// AddDevice registers a device; its sticker link works from then on.
func (s *Service) AddDevice(as Actor, in NewDevice) (Device, error) {
	if err := require(as, "register devices", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return Device{}, err
	}
	var errs ValidationErrors
	code, err := NormalizeDeviceCode(in.Code)
	if err != nil {
		errs = append(errs, err.(*ValidationError))
	}
	model, verr := oneLine("model", "Model", in.Model, false, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	account, verr := oneLine("account", "Account name", in.AccountName, false, 200)
	if verr != nil {
		errs = append(errs, verr)
	}
	loc, verr := oneLine("location", "Location", in.Location, false, 300)
	if verr != nil {
		errs = append(errs, verr)
	}
	if err := errs.Err(); err != nil {
		return Device{}, err
	}
	now := s.Now()
	var d Device
	err = s.store.Update(func(tx Tx) error {
		if _, err := tx.Device(code); err == nil {
			return Invalid("code", "Device %s is already registered; list devices with `switchboard device list`.", code)
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		d = Device{Code: code, Model: model, Location: loc, CreatedAt: now, CreatedBy: as.Label()}
		if account != "" {
			a, err := tx.AccountByName(account)
			if errors.Is(err, ErrNotFound) {
				return Invalid("account", "There is no account %q: add it with a contact first (`switchboard contact add --account`), or leave the account empty.", account)
			} else if err != nil {
				return err
			}
			d.AccountID, d.AccountName = a.ID, a.Name
		}
		secret, err := linkSecret(tx, true)
		if err != nil {
			return err
		}
		if err := tx.PutDevice(&d); err != nil {
			return err
		}
		tok := DeviceToken(secret, code)
		return tx.PutLink(&Link{Hash: HashToken(tok), Purpose: PurposeDevice, DeviceCode: code, MultiUse: true, CreatedAt: now, CreatedBy: as.Label()})
	})
	if err != nil {
		return Device{}, err
	}
	s.broker.publish(Change{Kind: "device"})
	return d, nil
}

// DevicePatch changes a registered device; nil leaves a field as it is. The
// code is the device's identity (its sticker carries it) and cannot change.
type DevicePatch struct {
	Model, AccountName, Location *string
}

// EditDevice changes a device's model, account or location; its sticker and
// link stay the same.
func (s *Service) EditDevice(as Actor, code string, p DevicePatch) (Device, error) {
	if err := require(as, "edit devices", RoleAdmin, RoleDispatcher, RoleCallCenter); err != nil {
		return Device{}, err
	}
	c, err := NormalizeDeviceCode(code)
	if err != nil {
		return Device{}, err
	}
	var errs ValidationErrors
	field := func(v *string, name, label string, limit int) string {
		if v == nil {
			return ""
		}
		out, verr := oneLine(name, label, *v, false, limit)
		if verr != nil {
			errs = append(errs, verr)
		}
		return out
	}
	model := field(p.Model, "model", "Model", 100)
	account := field(p.AccountName, "account", "Account name", 200)
	loc := field(p.Location, "location", "Location", 300)
	if err := errs.Err(); err != nil {
		return Device{}, err
	}
	var d Device
	err = s.store.Update(func(tx Tx) error {
		var err error
		d, err = tx.Device(c)
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no device %s: list devices with `switchboard device list`.", c)
		} else if err != nil {
			return err
		}
		if p.Model != nil {
			d.Model = model
		}
		if p.Location != nil {
			d.Location = loc
		}
		if p.AccountName != nil {
			d.AccountID, d.AccountName = 0, ""
			if account != "" {
				a, err := tx.AccountByName(account)
				if errors.Is(err, ErrNotFound) {
					return Invalid("account", "There is no account %q: add it first (`switchboard account add`), or leave the account empty.", account)
				} else if err != nil {
					return err
				}
				d.AccountID, d.AccountName = a.ID, a.Name
			}
		}
		return tx.PutDevice(&d)
	})
	if err != nil {
		return Device{}, err
	}
	s.broker.publish(Change{Kind: "device"})
	return d, nil
}

// linkSecret reads the database's link secret, creating it when create is set.
func linkSecret(tx Tx, create bool) ([]byte, error) {
	v, err := tx.Setting(settingLinkSecret)
	if err != nil || len(v) > 0 || !create {
		return v, err
	}
	v = make([]byte, 32)
	_, _ = rand.Read(v) // never fails (crypto/rand)
	return v, tx.PutSetting(settingLinkSecret, v)
}

// Devices lists the registered devices in code order.
func (s *Service) Devices() ([]Device, error) {
	var out []Device
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.Devices()
		return err
	})
	return out, err
}

// DeviceLink returns a device and the token its sticker carries; the same device
// always gets the same token.
func (s *Service) DeviceLink(code string) (Device, string, error) {
	c, err := NormalizeDeviceCode(code)
	if err != nil {
		return Device{}, "", err
	}
	var d Device
	var secret []byte
	err = s.store.View(func(tx Tx) error {
		var err error
		if d, err = tx.Device(c); err != nil {
			return err
		}
		secret, err = linkSecret(tx, false)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return Device{}, "", NotFoundf("There is no device %s: register it with `switchboard device add --code %s`.", c, c)
	}
	if err != nil {
		return Device{}, "", err
	}
	return d, DeviceToken(secret, c), nil
}

// OpenDevice resolves a sticker token to its device, for the prefilled form.
func (s *Service) OpenDevice(token string) (Device, error) {
	var d Device
	err := s.store.View(func(tx Tx) error {
		var err error
		d, err = deviceByToken(tx, token, s.Now())
		return err
	})
	return d, err
}

func deviceByToken(tx Tx, token string, now time.Time) (Device, error) {
	l, err := usableLink(tx, token, PurposeDevice, now)
	if err != nil {
		return Device{}, err
	}
	d, err := tx.Device(l.DeviceCode)
	if errors.Is(err, ErrNotFound) {
		return Device{}, unusable("device removed")
	}
	return d, err
}

// usableLink finds the link of token and checks it may be used for purpose now.
// Every refusal is an ErrLinkUnusable, whatever the reason.
func usableLink(tx Tx, token string, purpose LinkPurpose, now time.Time) (Link, error) {
	_, hash, ok := ParseToken(token)
	if !ok {
		return Link{}, unusable("malformed")
	}
	l, err := tx.Link(hash)
	if errors.Is(err, ErrNotFound) {
		return Link{}, unusable("unknown")
	}
	if err != nil {
		return Link{}, err
	}
	return l, l.Usable(purpose, now)
}

// Receipt is what the customer sees after a submission; Token opens it again.
type Receipt struct {
	Token     string
	Number    string
	Subject   string
	Status    Status
	Task      bool // a terminal-task submission rather than a new work order
	At        time.Time
	Duplicate bool // the nonce had been submitted before: nothing new was written
	// Unverified: the customer's phone was not proven, so the work order is
	// a guest's, matched to no customer record (R-IN-8).
	Unverified bool
}

// putReceipt stores the receipt link of a submission under its nonce's hash.
func putReceipt(tx Tx, nonceHash []byte, wo ID, task bool, now time.Time) error {
	exp := now.Add(ReceiptTTL)
	by := "web"
	if task {
		by = "web task"
	}
	return tx.PutLink(&Link{Hash: nonceHash, Purpose: PurposeReceipt, WorkOrder: wo, ExpiresAt: &exp, MultiUse: true, CreatedAt: now, CreatedBy: by})
}

// existingReceipt returns the receipt stored under a nonce (ErrNotFound if none).
func existingReceipt(tx Tx, tok string, hash []byte, now time.Time) (Receipt, error) {
	l, err := tx.Link(hash)
	if err != nil {
		return Receipt{}, err
	}
	if err := l.Usable(PurposeReceipt, now); err != nil {
		// A nonce that collides with another kind of link, or an expired receipt:
		// refuse rather than write a second record under it.
		return Receipt{}, err
	}
	w, err := tx.WorkOrder(l.WorkOrder)
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{Token: tok, Number: w.Number, Subject: w.Subject, Status: w.Status, Task: l.CreatedBy == "web task", At: l.CreatedAt, Duplicate: true,
		Unverified: w.PhoneCheck == PhoneUnverified && l.CreatedBy != "web task"}, nil
}

// Receipt reads the receipt a receipt token opens. It changes nothing.
func (s *Service) Receipt(token string) (Receipt, error) {
	tok, hash, ok := ParseToken(token)
	if !ok {
		return Receipt{}, unusable("malformed")
	}
	var r Receipt
	err := s.store.View(func(tx Tx) error {
		var err error
		r, err = existingReceipt(tx, tok, hash, s.Now())
		if errors.Is(err, ErrNotFound) {
			return unusable("unknown")
		}
		return err
	})
	r.Duplicate = false
	return r, err
}

// --- web submissions (R-IN-3, R-IN-4, R-IN-7)

// WebForm says which customer form a submission came from.
type WebForm string

// The customer forms.
const (
	FormGuest    WebForm = "guest"    // public form, anonymous (channel web)
	FormTerminal WebForm = "terminal" // identifies the customer by phone (R-IN-3, channel web)
	FormDevice   WebForm = "device"   // opened from a device sticker (R-IN-4)
	FormSmart    WebForm = "smart"    // embedded in the company's own site (R-IN-7)
)

// WebSubmission is a work order submitted on a customer page.
type WebSubmission struct {
	Form WebForm
	// Nonce is the form's one-time value (a token); the same nonce twice gives one
	// work order and the first receipt.
	Nonce string
	// DeviceToken is the sticker token of a FormDevice submission.
	DeviceToken string
	Name        string
	Phone       string
	Email       string
	Subject     string
	Description string
	Address     string
	RecordType  string
	// Code is the SMS code the customer typed to prove Phone (R-IN-8); empty
	// sends the submission unverified.
	Code string
}

// Verifies reports whether a form offers phone verification: the forms
// that match a customer by phone (the customer form) or that a customer
// opens from their own device's sticker.
func (f WebForm) Verifies() bool { return f == FormTerminal || f == FormDevice }

// channel is the acceptance channel a form records (SPEC §3).
func (f WebForm) channel() Channel {
	switch f {
	case FormDevice:
		return ChannelDeviceCode
	case FormSmart:
		return ChannelSmartForm
	}
	return ChannelWeb
}

// SubmitWeb creates a work order from a customer page in one transaction: it finds
// the device of a sticker, identifies (or registers) a terminal user by phone on
// the terminal form so R-WO-4 makes them the external owner, runs dispatch and
// stores the receipt under the form's nonce. Many customers submit at once, so it
// writes with Batch.
func (s *Service) SubmitWeb(in WebSubmission) (Receipt, error) {
	nonceTok, nonceHash, ok := ParseToken(in.Nonce)
	if !ok {
		return Receipt{}, Invalid("nonce", "The form has expired; open it again.")
	}
	var errs ValidationErrors
	name, verr := oneLine("name", "Name", in.Name, in.Form == FormTerminal, 100)
	if verr != nil {
		errs = append(errs, verr)
	}
	nw := NewWorkOrder{Subject: in.Subject, Description: in.Description, RecordType: in.RecordType,
		Phone: in.Phone, Email: in.Email, Address: in.Address, Channel: in.Form.channel()}
	switch in.Form {
	case FormGuest, FormTerminal, FormDevice, FormSmart:
	default:
		return Receipt{}, Invalid("form", "Unknown form %q.", in.Form)
	}
	if in.Form == FormTerminal && strings.TrimSpace(in.Phone) == "" {
		errs = append(errs, Invalid("phone", "Your phone number is required: it finds your customer record."))
	}
	clean, verrs := validateNewWorkOrder(nw)
	errs = append(errs, verrs...)
	if in.Form != FormTerminal && name != "" {
		// Guests have no contact record: keep the name they gave with the text.
		clean.Description = strings.TrimSpace(clean.Description + "\n\n— " + name)
	}
	if err := errs.Err(); err != nil {
		return Receipt{}, err
	}
	verify, err := s.PhoneVerification()
	if err != nil {
		return Receipt{}, err
	}
	check := "" // verification off, or no phone: as before R-IN-8
	if verify.On && clean.Phone != "" {
		check = PhoneUnverified
		if in.Form.Verifies() && strings.TrimSpace(in.Code) != "" {
			if err := s.checkPhoneCode(clean.Phone, in.Code, nonceHash); err != nil {
				return Receipt{}, err
			}
			check = PhoneVerified
		}
	}
	clean.phoneCheck = check
	if in.Form == FormTerminal && check == PhoneUnverified && name != "" {
		clean.Description = strings.TrimSpace(clean.Description + "\n\n— " + name)
	}
	var r Receipt
	var w WorkOrder
	err = s.store.Batch(func(tx Tx) error {
		now := s.Now()
		r, w = Receipt{}, WorkOrder{}
		if dup, err := existingReceipt(tx, nonceTok, nonceHash, now); err == nil {
			r = dup
			return nil
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		nw := clean
		as := Actor{Kind: SubmitterGuest}
		if nw.phoneCheck == PhoneVerified {
			// The right code stands for this form only, for a while.
			ok, err := phoneVerifiedIn(tx, nw.Phone, nonceHash, now)
			if err != nil {
				return err
			}
			if !ok {
				nw.phoneCheck = PhoneUnverified
			}
		}
		// A customer is matched by phone only when the phone is proven, or
		// when verification is off (R-IN-8).
		identify := nw.Phone != "" && (nw.phoneCheck == PhoneVerified || (nw.phoneCheck == "" && in.Form == FormTerminal))
		var dev Device
		if in.Form == FormDevice {
			var err error
			if dev, err = deviceByToken(tx, in.DeviceToken, now); err != nil {
				return err
			}
			nw.DeviceCode = dev.Code // the device's account, region and place follow (fillFromDevice)
		}
		if identify && in.Form.Verifies() {
			tu, err := identifyTerminalUser(tx, name, nw.Phone, nw.Email, now)
			if err != nil {
				return err
			}
			as = Actor{Kind: SubmitterTerminal, TerminalUserID: tu.ID, Name: tu.Name}
			nw.ContactID = tu.ContactID
		}
		var err error
		if w, err = s.insertWorkOrder(tx, as, nw, now, nil); err != nil {
			return err
		}
		if w.PhoneCheck == PhoneVerified || (w.PhoneCheck == "" && in.Form == FormTerminal) {
			// Only to an identified customer: an anonymous form could
			// otherwise make Switchboard text or mail anyone a stranger's words.
			if err := s.enqueueEvent(tx, NoticeSubmitted, &w); err != nil {
				return err
			}
		}
		if err := s.autoDispatchNew(tx, &w, now); err != nil {
			return err
		}
		r = Receipt{Token: nonceTok, Number: w.Number, Subject: w.Subject, Status: w.Status, At: now, Unverified: w.PhoneCheck == PhoneUnverified}
		return putReceipt(tx, nonceHash, w.ID, false, now)
	})
	if err != nil {
		return Receipt{}, err
	}
	if !r.Duplicate {
		s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	}
	return r, nil
}

// identifyTerminalUser finds the terminal user with phone, or registers one
// (R-IN-3): bound to the contact with that phone when exactly one exists, so the
// work order gets that contact's account; otherwise unbound. Without SMS
// verification (it comes with notifications) a phone number is taken on trust.
func identifyTerminalUser(tx Tx, name, phone, email string, now time.Time) (TerminalUser, error) {
	tus, err := tx.TerminalUsersByPhone(phone)
	if err != nil || len(tus) > 0 {
		if len(tus) > 0 {
			return tus[0], nil
		}
		return TerminalUser{}, err
	}
	tu := TerminalUser{Name: name, Phone: phone, CreatedAt: now}
	if email != "" {
		if same, err := tx.TerminalUsersByEmail(email); err != nil {
			return tu, err
		} else if len(same) == 0 {
			tu.Email = email
		}
	}
	cs, err := tx.ContactsByPhone(phone)
	if err != nil {
		return tu, err
	}
	var contact *Contact
	if len(cs) == 1 {
		contact = &cs[0]
		if contact.TerminalUserID != 0 {
			// The contact's terminal user signs in with another number: it is
			// still this person.
			if t, err := tx.TerminalUser(contact.TerminalUserID); err == nil {
				return t, nil
			}
		}
		tu.ContactID = contact.ID
	}
	if err := tx.PutTerminalUser(&tu); err != nil {
		return tu, err
	}
	if contact != nil {
		contact.TerminalUserID = tu.ID
		if err := tx.PutContact(contact); err != nil {
			return tu, err
		}
	}
	return tu, nil
}
