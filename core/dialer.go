package core

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// DialerConfig is the call integration (R-FU-5): a command template run
// without a shell (a SIP softphone, `linphonec -c "call {phone}"`), or an HTTP
// click-to-call webhook that receives {phone, task, agent} as JSON.
type DialerConfig struct {
	Command string   `json:"command,omitempty"`
	Webhook string   `json:"webhook,omitempty"`
	Timeout Duration `json:"timeout,omitempty"`
}

// Configured reports whether a call integration is set.
func (d DialerConfig) Configured() bool { return d.Command != "" || d.Webhook != "" }

// String says what the integration does.
func (d DialerConfig) String() string {
	switch {
	case d.Command != "":
		return "command: " + d.Command
	case d.Webhook != "":
		return "webhook: " + d.Webhook
	}
	return "none"
}

// DefaultDialTimeout bounds a dial command or webhook call.
const DefaultDialTimeout = Duration(10 * time.Second)

// PhoneToken is what the command template replaces with the phone number.
const PhoneToken = "{phone}"

// DialCall is one call the integration places.
type DialCall struct {
	Phone string `json:"phone"`
	Task  ID     `json:"task"`
	Agent string `json:"agent"`
	// Account is the agent's own call account ("" when none is bound):
	// the seat or extension the call goes out from.
	Account string `json:"account,omitempty"`
}

// AccountToken is what the command template replaces with the agent's call
// account.
const AccountToken = "{account}"

// Dialer places calls through the configured integration. core/channels
// implements it (it runs the command and posts to the webhook); the service
// checks the phone and builds the argv first.
type Dialer interface {
	Dial(ctx context.Context, cfg DialerConfig, call DialCall) (string, error)
}

// SetDialer gives the service its call integration (nil: calls are refused
// with a sentence saying so).
func (s *Service) SetDialer(d Dialer) { s.dialer.Store(&d) }

const maxPhone = 40

// DialablePhone checks a customer's phone number as stored on a work order —
// digits, "+", "-", spaces and parentheses only, with 3 to 20 digits — and
// returns what is dialled: the digits, with the leading "+" when there is one.
// Anything else is refused: it never reaches a command or a webhook.
func DialablePhone(phone string) (string, error) {
	p := strings.TrimSpace(phone)
	if p == "" {
		return "", Invalid("phone", "This work order has no phone number to call: add one to the work order (or its contact) first.")
	}
	if len(p) > maxPhone || !utf8.ValidString(p) {
		return "", Invalid("phone", "The phone number is too long to be one: fix it on the work order before calling.")
	}
	var b strings.Builder
	digits := 0
	for i, r := range p {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
			digits++
		case r == '+':
			if i != 0 {
				return "", Invalid("phone", "The phone number %q has a + that is not at its start: fix it on the work order before calling.", p)
			}
			b.WriteRune(r)
		case r == '-' || r == ' ' || r == '(' || r == ')':
		default:
			return "", Invalid("phone", "The phone number %q has a character a phone number cannot have (%q): only digits, +, -, spaces and parentheses are dialled. Fix it on the work order.", p, r)
		}
	}
	if digits < 3 || digits > 20 {
		return "", Invalid("phone", "The phone number %q has %d digits; a phone number has 3 to 20.", p, digits)
	}
	return b.String(), nil
}

// shells are programs that would interpret their arguments as a script.
var shells = []string{"sh", "bash", "dash", "zsh", "ksh", "csh", "tcsh", "fish", "busybox", "env", "cmd", "cmd.exe", "powershell", "pwsh"}

// SplitCommand splits a command template into argv the way a shell would
// split words — spaces separate, single quotes keep everything, double quotes
// keep spaces and honour \" and \\, a backslash outside quotes escapes the
// next character — but nothing else: no variables, globs, pipes or
// substitutions, and no shell ever runs it.
func SplitCommand(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	const (
		plain = iota
		single
		double
	)
	state := plain
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch state {
		case single:
			if r == '\'' {
				state = plain
			} else {
				cur.WriteRune(r)
			}
		case double:
			switch {
			case r == '"':
				state = plain
			case r == '\\' && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '\\'):
				i++
				cur.WriteRune(rs[i])
			default:
				cur.WriteRune(r)
			}
		default:
			switch {
			case r == ' ' || r == '\t':
				if inWord {
					out = append(out, cur.String())
					cur.Reset()
					inWord = false
				}
			case r == '\n' || r == '\r' || r < 0x20 || r == 0x7f:
				return nil, Invalid("command", "The dial command is one line without control characters.")
			case r == '\'':
				state, inWord = single, true
			case r == '"':
				state, inWord = double, true
			case r == '\\':
				if i+1 >= len(rs) {
					return nil, Invalid("command", "The dial command ends in a lone backslash.")
				}
				i++
				cur.WriteRune(rs[i])
				inWord = true
			default:
				cur.WriteRune(r)
				inWord = true
			}
		}
	}
	if state != plain {
		return nil, Invalid("command", "The dial command has a quote that is never closed.")
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// CheckDialCommand checks a command template: it splits, names a program
// that is not a shell, and has {phone} in an argument (never the program).
func CheckDialCommand(tmpl string) ([]string, error) {
	argv, err := SplitCommand(tmpl)
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, Invalid("command", "The dial command is empty: give the softphone's command with {phone} where the number goes, e.g. linphonec -c 'call {phone}'.")
	}
	if strings.Contains(argv[0], PhoneToken) {
		return nil, Invalid("command", "The program to run cannot be the phone number: put {phone} in an argument.")
	}
	if slices.Contains(shells, strings.ToLower(filepath.Base(argv[0]))) {
		return nil, Invalid("command", "The dial command runs %s, a shell: switchboard runs the softphone directly, without a shell, so name the softphone itself.", argv[0])
	}
	found := false
	for _, a := range argv[1:] {
		found = found || strings.Contains(a, PhoneToken)
	}
	if !found {
		return nil, Invalid("command", "The dial command has no {phone}: put it where the number goes, e.g. linphonec -c 'call {phone}'.")
	}
	return argv, nil
}

// DialArgv builds the argv of a call: the template split into words first,
// then {phone} replaced inside each word by the checked number, so a phone
// number can never add, remove or split arguments, and no shell reads it.
func DialArgv(tmpl, phone string) ([]string, error) {
	return DialArgvFrom(tmpl, phone, "")
}

// DialArgvFrom is DialArgv with {account} replaced by the agent's call
// account (checked like a phone's characters: letters, digits, . _ - @ +).
func DialArgvFrom(tmpl, phone, account string) ([]string, error) {
	argv, err := CheckDialCommand(tmpl)
	if err != nil {
		return nil, err
	}
	p, err := DialablePhone(phone)
	if err != nil {
		return nil, err
	}
	if strings.Contains(tmpl, AccountToken) && account == "" {
		return nil, Invalid("account", "The dial command needs the agent's call account ({account}), and this agent has none: an admin binds one with `switchboard user call-account LOGIN ACCOUNT`.")
	}
	if _, err := CheckCallAccount(account); err != nil {
		return nil, err
	}
	for i := 1; i < len(argv); i++ {
		argv[i] = strings.ReplaceAll(argv[i], PhoneToken, p)
		argv[i] = strings.ReplaceAll(argv[i], AccountToken, account)
	}
	return argv, nil
}

// CheckCallAccount checks a call account: a SIP extension, seat or address of
// letters, digits and . _ - @ + : (at most 64), so it never adds or splits a
// dial command's arguments.
func CheckCallAccount(a string) (string, error) {
	a = strings.TrimSpace(a)
	if len(a) > 64 {
		return "", Invalid("account", "A call account is at most 64 characters.")
	}
	for _, r := range a {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@+:", r)
		if !ok {
			return "", Invalid("account", "A call account is letters, digits and . _ - @ + : only (a SIP extension such as 8001 or sip:8001@pbx), not %q.", a)
		}
	}
	return a, nil
}

// CheckWebhook checks a click-to-call webhook address.
func CheckWebhook(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", Invalid("webhook", "The webhook %q is not an http:// or https:// address.", raw)
	}
	if u.User != nil {
		return "", Invalid("webhook", "Put no password in the webhook address; use a token in its path or query instead.")
	}
	return u.String(), nil
}
