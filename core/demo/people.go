package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"switchboard/core"
)

// How a contact relates to terminal users, which decides R-WO-4 for its work orders.
type contactKind int

const (
	linkedContact     contactKind = iota // bound to its terminal user: case 2
	phoneMatchContact                    // not bound; a terminal user has its phone: case 3
	emailMatchContact                    // not bound, no phone; a terminal user has its email: case 4
	plainContact                         // not bound, nobody matches: no owner
	deskContact                          // a shared desk with neither phone nor email: no owner
)

// contactRef is a contact with what the work-order generator needs to know about it.
type contactRef struct {
	core.Contact
	Account  int // index into cast.accounts
	Kind     contactKind
	Terminal *core.TerminalUser // the linked or matching terminal user, if any
}

// cast is everybody the demo work orders are about.
type cast struct {
	accounts          []core.Account
	specs             []accountSpec // parallel to accounts
	contacts          []contactRef
	contactsByAccount [][]int
	terminals         []terminalRef // every terminal user, for self-submissions
	registered        []terminalRef // terminal users who are no contact (registered by phone)
	walkIns           []string      // phones of callers who are nobody on file
	admins            []core.Actor
	dispatchers       []core.Actor
	callCenter        []core.Actor
	followUp          []core.Actor
	creators          []core.Actor // who creates work orders in the console: dispatchers, admins
	terminators       []core.Actor // who terminates them: dispatchers, call-center agents
	providers         []core.Provider
	engineers         []core.Engineer
	engineersByRegion map[string][]int
	terminalCount     int
	rules             *core.RuleSet // the demo's dispatch rules, for waiting work orders
	openLoad          map[core.ID]int
}

// terminalRef is a terminal user and the contact it is bound to or matches, if any.
type terminalRef struct {
	core.TerminalUser
	Contact int // index into cast.contacts, -1 when none
}

// people makes up and stores the demo company's staff, customers and providers.
type people struct {
	svc    *core.Service
	admin  core.Actor
	r      *rand.Rand
	phones map[string]bool
	emails map[string]bool
	c      cast
}

func (p *people) build() (cast, error) {
	p.phones, p.emails = map[string]bool{}, map[string]bool{}
	p.c.engineersByRegion = map[string][]int{}
	p.c.openLoad = map[core.ID]int{}
	p.c.admins = append(p.c.admins, p.admin)
	steps := []func() error{p.users, p.providers, p.rules, p.processes, p.accounts, p.contacts, p.selfRegistered}
	for _, step := range steps {
		if err := step(); err != nil {
			return cast{}, err
		}
	}
	p.c.creators = append(append([]core.Actor{}, p.c.dispatchers...), p.c.admins...)
	p.c.terminators = append(append([]core.Actor{}, p.c.dispatchers...), p.c.callCenter...)
	return p.c, nil
}

func (p *people) users() error {
	for _, u := range userSpecs {
		p.phones[u.Phone] = true
		roles, err := core.ParseRoles(u.Roles)
		if err != nil {
			return err
		}
		if _, err := p.svc.AddUser(p.admin, core.NewUser{Login: u.Login, Name: u.Name, Roles: roles, Phone: u.Phone, Email: u.Email}); err != nil {
			return fmt.Errorf("user %s: %w", u.Login, err)
		}
		a, err := p.svc.Login(u.Login)
		if err != nil {
			return err
		}
		for _, r := range roles {
			switch r {
			case core.RoleAdmin:
				p.c.admins = append(p.c.admins, a)
			case core.RoleDispatcher:
				p.c.dispatchers = append(p.c.dispatchers, a)
			case core.RoleCallCenter:
				p.c.callCenter = append(p.c.callCenter, a)
			case core.RoleFollowUp:
				p.c.followUp = append(p.c.followUp, a)
			}
		}
	}
	return nil
}

func (p *people) providers() error {
	for _, ps := range providerSpecs {
		pv, err := p.svc.AddProvider(p.admin, ps.Name, ps.TenantID)
		if err != nil {
			return fmt.Errorf("provider %s: %w", ps.Name, err)
		}
		p.c.providers = append(p.c.providers, pv)
		for _, es := range ps.Engineers {
			e, err := p.svc.AddEngineer(p.admin, core.NewEngineer{Name: es.Name, Phone: p.mobile(), Region: es.Region, ProviderID: pv.ID})
			if err != nil {
				return fmt.Errorf("engineer %s: %w", es.Name, err)
			}
			p.c.engineersByRegion[es.Region] = append(p.c.engineersByRegion[es.Region], len(p.c.engineers))
			p.c.engineers = append(p.c.engineers, e)
		}
	}
	return nil
}

func (p *people) accounts() error {
	for _, as := range accountSpecs {
		a, err := p.svc.AddAccount(p.admin, as.Name, as.Region)
		if err != nil {
			return fmt.Errorf("account %s: %w", as.Name, err)
		}
		p.c.accounts = append(p.c.accounts, a)
		p.c.specs = append(p.c.specs, as)
	}
	p.c.contactsByAccount = make([][]int, len(p.c.accounts))
	return nil
}

// contacts gives every account two to four people, of every contactKind, and a
// shared desk to about one account in three.
func (p *people) contacts() error {
	for ai, spec := range p.c.specs {
		n := 2 + p.r.IntN(3)
		for range n {
			kind := pickKind(p.r)
			if err := p.contact(ai, spec, kind); err != nil {
				return err
			}
		}
		if p.r.IntN(3) == 0 {
			if err := p.contact(ai, spec, deskContact); err != nil {
				return err
			}
		}
	}
	return nil
}

func pickKind(r *rand.Rand) contactKind {
	switch x := r.IntN(100); {
	case x < 35:
		return linkedContact
	case x < 55:
		return phoneMatchContact
	case x < 72:
		return emailMatchContact
	default:
		return plainContact
	}
}

func (p *people) contact(ai int, spec accountSpec, kind contactKind) error {
	name, local := p.personName(spec.Chinese)
	var phone, email string
	switch kind {
	case deskContact:
		name = deskNames[p.r.IntN(len(deskNames))]
	case emailMatchContact:
		email = p.email(local, spec.Domain)
	default:
		phone = p.mobile()
		if p.r.IntN(3) > 0 {
			email = p.email(local, spec.Domain)
		}
	}
	res, err := p.svc.AddContact(p.admin, core.NewContact{Name: name, Phone: phone, Email: email, AccountName: spec.Name, TerminalUser: kind == linkedContact})
	if err != nil {
		return fmt.Errorf("contact %s: %w", name, err)
	}
	ref := contactRef{Contact: res.Contact, Account: ai, Kind: kind, Terminal: res.TerminalUser}
	switch kind {
	case phoneMatchContact:
		// The person registered on the portal with the same phone, before or after
		// the contact was entered; nobody bound the two.
		tu, err := p.svc.AddTerminalUser(p.admin, core.NewTerminalUser{Name: name, Phone: phone, WeChatOpenID: p.openID("oWx")})
		if err != nil {
			return fmt.Errorf("terminal user %s: %w", name, err)
		}
		ref.Terminal = &tu
	case emailMatchContact:
		tu, err := p.svc.AddTerminalUser(p.admin, core.NewTerminalUser{Name: name, Email: email})
		if err != nil {
			return fmt.Errorf("terminal user %s: %w", name, err)
		}
		ref.Terminal = &tu
	}
	ci := len(p.c.contacts)
	p.c.contacts = append(p.c.contacts, ref)
	p.c.contactsByAccount[ai] = append(p.c.contactsByAccount[ai], ci)
	if ref.Terminal != nil {
		p.c.terminals = append(p.c.terminals, terminalRef{TerminalUser: *ref.Terminal, Contact: ci})
		p.c.terminalCount++
	}
	return nil
}

// selfRegistered adds terminal users who signed up on the portal by phone but are
// no contact of any account, and phones of callers nobody knows.
func (p *people) selfRegistered() error {
	for i := range 12 {
		name, _ := p.personName(i%2 == 0)
		in := core.NewTerminalUser{Name: name, Phone: p.mobile()}
		if i%3 == 0 {
			in.MiniProgramOpenID = p.openID("oMp")
		}
		tu, err := p.svc.AddTerminalUser(p.admin, in)
		if err != nil {
			return fmt.Errorf("terminal user %s: %w", name, err)
		}
		p.c.terminals = append(p.c.terminals, terminalRef{TerminalUser: tu, Contact: -1})
		p.c.registered = append(p.c.registered, terminalRef{TerminalUser: tu, Contact: -1})
		p.c.terminalCount++
	}
	for range 30 {
		p.c.walkIns = append(p.c.walkIns, p.mobile())
	}
	return nil
}

// personName returns a display name and the local part of an email address.
func (p *people) personName(chinese bool) (name, local string) {
	if chinese {
		s, g := surnames[p.r.IntN(len(surnames))], givenNames[p.r.IntN(len(givenNames))]
		return s.Han + g.Han, s.Pinyin + "." + g.Pinyin
	}
	f, l := firstNames[p.r.IntN(len(firstNames))], lastNames[p.r.IntN(len(lastNames))]
	return f + " " + l, strings.ToLower(f + "." + l)
}

// mobile returns a Chinese mobile number nobody else in the demo has.
func (p *people) mobile() string {
	prefixes := []string{"130", "131", "135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "187", "188", "189"}
	for {
		n := prefixes[p.r.IntN(len(prefixes))] + fmt.Sprintf("%08d", p.r.IntN(100_000_000))
		if !p.phones[n] {
			p.phones[n] = true
			return n
		}
	}
}

// email returns local@domain, numbered when the address is taken.
func (p *people) email(local, domain string) string {
	for i := 1; ; i++ {
		e := local + "@" + domain
		if i > 1 {
			e = fmt.Sprintf("%s%d@%s", local, i, domain)
		}
		if !p.emails[e] {
			p.emails[e] = true
			return e
		}
	}
}

const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// openID returns a WeChat-style open ID for about half the people asked about.
func (p *people) openID(prefix string) string {
	if p.r.IntN(2) == 0 {
		return ""
	}
	b := []byte(prefix)
	for range 25 {
		b = append(b, openIDChars[p.r.IntN(len(openIDChars))])
	}
	return string(b)
}
