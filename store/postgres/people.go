package postgres

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"switchboard/core"
)

// --- users

func (t *tx) PutUser(u *core.User) error {
	if err := t.assign("users", &u.ID); err != nil {
		return err
	}
	raw, err := encode(u)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO users (id, login, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET login = excluded.login, doc = excluded.doc`, u.ID, u.Login, raw)
}

func (t *tx) User(id core.ID) (core.User, error) {
	return one[core.User](t, notFound("There is no user %d.", id), `SELECT doc FROM users WHERE id = $1`, id)
}

func (t *tx) UserByLogin(login string) (core.User, error) {
	return one[core.User](t, notFound("There is no user %q.", login), `SELECT doc FROM users WHERE login = $1 ORDER BY id DESC LIMIT 1`, login)
}

func (t *tx) Users() ([]core.User, error) {
	return many[core.User](t, `SELECT doc FROM users ORDER BY id`)
}

// --- accounts

func (t *tx) PutAccount(a *core.Account) error {
	if err := t.assign("accounts", &a.ID); err != nil {
		return err
	}
	raw, err := encode(a)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO accounts (id, name_lower, doc) VALUES ($1, $2, $3)
		ON CONFLICT (id) DO UPDATE SET name_lower = excluded.name_lower, doc = excluded.doc`, a.ID, strings.ToLower(a.Name), raw)
}

func (t *tx) Account(id core.ID) (core.Account, error) {
	return one[core.Account](t, notFound("There is no account %d.", id), `SELECT doc FROM accounts WHERE id = $1`, id)
}

func (t *tx) AccountByName(name string) (core.Account, error) {
	return one[core.Account](t, notFound("There is no account named %q.", name),
		`SELECT doc FROM accounts WHERE name_lower = $1 ORDER BY id DESC LIMIT 1`, strings.ToLower(strings.TrimSpace(name)))
}

func (t *tx) Accounts() ([]core.Account, error) {
	return many[core.Account](t, `SELECT doc FROM accounts ORDER BY id`)
}

// --- contacts and terminal users

func (t *tx) PutContact(c *core.Contact) error {
	if err := t.assign("contacts", &c.ID); err != nil {
		return err
	}
	raw, err := encode(c)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO contacts (id, phone, email, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, email = excluded.email, doc = excluded.doc`, c.ID, c.Phone, c.Email, raw)
}

func (t *tx) Contact(id core.ID) (core.Contact, error) {
	return one[core.Contact](t, notFound("There is no contact %d.", id), `SELECT doc FROM contacts WHERE id = $1`, id)
}

func (t *tx) ContactsByPhone(phone string) ([]core.Contact, error) {
	if phone == "" {
		return nil, nil
	}
	return many[core.Contact](t, `SELECT doc FROM contacts WHERE phone = $1 ORDER BY id`, phone)
}

func (t *tx) ContactsByEmail(email string) ([]core.Contact, error) {
	if email == "" {
		return nil, nil
	}
	return many[core.Contact](t, `SELECT doc FROM contacts WHERE email = $1 ORDER BY id`, email)
}

func (t *tx) Contacts() ([]core.Contact, error) {
	return many[core.Contact](t, `SELECT doc FROM contacts ORDER BY id`)
}

func (t *tx) PutTerminalUser(u *core.TerminalUser) error {
	if err := t.assign("terminal_users", &u.ID); err != nil {
		return err
	}
	raw, err := encode(u)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO terminal_users (id, phone, email, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET phone = excluded.phone, email = excluded.email, doc = excluded.doc`, u.ID, u.Phone, u.Email, raw)
}

func (t *tx) TerminalUser(id core.ID) (core.TerminalUser, error) {
	return one[core.TerminalUser](t, notFound("There is no terminal user %d.", id), `SELECT doc FROM terminal_users WHERE id = $1`, id)
}

func (t *tx) TerminalUsers() ([]core.TerminalUser, error) {
	return many[core.TerminalUser](t, `SELECT doc FROM terminal_users ORDER BY id`)
}

func (t *tx) TerminalUsersByPhone(phone string) ([]core.TerminalUser, error) {
	if phone == "" {
		return nil, nil
	}
	return many[core.TerminalUser](t, `SELECT doc FROM terminal_users WHERE phone = $1 ORDER BY id`, phone)
}

func (t *tx) TerminalUsersByEmail(email string) ([]core.TerminalUser, error) {
	if email == "" {
		return nil, nil
	}
	return many[core.TerminalUser](t, `SELECT doc FROM terminal_users WHERE email = $1 ORDER BY id`, email)
}

func (t *tx) TerminalUsersByOpenID(openid string) ([]core.TerminalUser, error) {
	if openid == "" {
		return nil, nil
	}
	return many[core.TerminalUser](t, `SELECT doc FROM terminal_users WHERE doc->>'wechat_openid' = $1 OR doc->>'miniprogram_openid' = $1 ORDER BY id`, openid)
}

// --- providers and engineers

func (t *tx) PutProvider(p *core.Provider) error {
	if err := t.putDoc("providers", &p.ID, p); err != nil {
		return err
	}
	return t.bumpDispatchGen()
}

func (t *tx) Provider(id core.ID) (core.Provider, error) {
	return one[core.Provider](t, notFound("There is no provider %d.", id), `SELECT doc FROM providers WHERE id = $1`, id)
}

func (t *tx) Providers() ([]core.Provider, error) {
	return many[core.Provider](t, `SELECT doc FROM providers ORDER BY id`)
}

func (t *tx) PutEngineer(e *core.Engineer) error {
	if err := t.putDoc("engineers", &e.ID, e); err != nil {
		return err
	}
	return t.bumpDispatchGen()
}

func (t *tx) Engineer(id core.ID) (core.Engineer, error) {
	return one[core.Engineer](t, notFound("There is no engineer %d.", id), `SELECT doc FROM engineers WHERE id = $1`, id)
}

func (t *tx) Engineers() ([]core.Engineer, error) {
	return many[core.Engineer](t, `SELECT doc FROM engineers ORDER BY id`)
}

// putDoc upserts a record kept only as (id, doc) in table.
func (t *tx) putDoc(table string, id *core.ID, v any) error {
	if err := t.assign(table, id); err != nil {
		return err
	}
	raw, err := encode(v)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO `+table+` (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`, *id, raw)
}

// --- settings and the dispatch generation

// Setting reads a setting once a transaction: a create reads a dozen (record
// types, notices, verification, …), each a round trip to the server
// otherwise. The transaction's own PutSetting keeps the copy current.
func (t *tx) Setting(name string) ([]byte, error) {
	if v, ok := t.settings[name]; ok {
		return bytes.Clone(v), nil
	}
	var v []byte
	err := t.queryRow(`SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v, err = nil, nil
	case err != nil:
		return nil, err
	case len(v) == 0:
		v = nil // as in bbolt: an empty setting reads as unset
	}
	t.remember(name, v)
	return bytes.Clone(v), nil
}

func (t *tx) remember(name string, v []byte) {
	if t.settings == nil {
		t.settings = map[string][]byte{}
	}
	t.settings[name] = v
}

func (t *tx) PutSetting(name string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	if err := t.exec(`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
		return err
	}
	if len(value) == 0 {
		t.remember(name, nil)
	} else {
		t.remember(name, bytes.Clone(value))
	}
	if strings.HasPrefix(name, core.DispatchSettingPrefix) {
		return t.bumpDispatchGen()
	}
	return nil
}

func (t *tx) DispatchGeneration() (uint64, error) {
	var v []byte
	err := t.queryRow(`SELECT value FROM meta WHERE name = 'dispatch_generation'`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) || len(v) != 8 {
		return 0, nil
	}
	return binary.BigEndian.Uint64(v), err
}

// bumpDispatchGen gives the dispatch generation a new random value: unlike a
// counter, a value from a transaction that rolled back never comes back.
func (t *tx) bumpDispatchGen() error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	return t.exec(`INSERT INTO meta (name, value) VALUES ('dispatch_generation', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, b[:])
}
