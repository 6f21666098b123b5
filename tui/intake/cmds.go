package intake

import (
	"fmt"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/core/mailin"
)

// loadedMsg carries what the section shows, read in one go.
type loadedMsg struct {
	seq        int
	quarantine []core.MailRecord
	log        []core.MailRecord
	rules      []core.Rule
	keys       []core.APIKey
	settings   core.MailSettings
	err        error
}

// logLimit is how much of the mail log the console shows.
const logLimit = 500

func loadCmd(svc *core.Service, seq int) tea.Cmd {
	return func() tea.Msg {
		m := loadedMsg{seq: seq}
		if m.quarantine, m.err = svc.MailLog(core.MailQuery{Quarantined: true}); m.err != nil {
			return m
		}
		if m.log, m.err = svc.MailLog(core.MailQuery{Limit: logLimit}); m.err != nil {
			return m
		}
		if m.rules, m.err = svc.Rules(core.RuleMail); m.err != nil {
			return m
		}
		if m.keys, m.err = svc.APIKeys(); m.err != nil {
			return m
		}
		m.settings, m.err = svc.MailSettings()
		return m
	}
}

// rawMsg carries a quarantined message's raw bytes for the preview.
type rawMsg struct {
	id  core.ID
	raw []byte
	err error
}

func rawCmd(svc *core.Service, id core.ID) tea.Cmd {
	return func() tea.Msg {
		_, raw, err := svc.Mail(id)
		return rawMsg{id: id, raw: raw, err: err}
	}
}

// doneMsg is the outcome of a change: a sentence for the footer, or the error.
type doneMsg struct {
	status string
	err    error
	// secret is a new API key, shown once.
	secret string
	key    core.APIKey
}

func releaseCmd(svc *core.Service, as core.Actor, id core.ID, force bool) tea.Cmd {
	return func() tea.Msg {
		r, err := mailin.Release(svc, as, id, force)
		if err != nil {
			return doneMsg{err: err}
		}
		what := string(r.Outcome)
		if r.Number != "" {
			what = "taken in: " + r.Number
		}
		return doneMsg{status: fmt.Sprintf("Released mail %d (%s).", id, what)}
	}
}

func deleteMailCmd(svc *core.Service, as core.Actor, id core.ID) tea.Cmd {
	return func() tea.Msg {
		r, err := svc.DeleteQuarantined(as, id)
		return doneMsg{status: fmt.Sprintf("Deleted quarantined mail %d (%s).", id, r.Subject), err: err}
	}
}

func moveRuleCmd(svc *core.Service, as core.Actor, id core.ID, to int) tea.Cmd {
	return func() tea.Msg {
		rs, err := svc.MoveRule(as, id, to)
		name := ""
		for _, r := range rs {
			if r.ID == id {
				name = r.Name
			}
		}
		return doneMsg{status: fmt.Sprintf("Moved mail rule %q (id %d) to priority %d.", name, id, to), err: err}
	}
}

func toggleRuleCmd(svc *core.Service, as core.Actor, r core.Rule) tea.Cmd {
	on := !r.Enabled
	return func() tea.Msg {
		_, err := svc.UpdateRule(as, r.ID, core.RulePatch{Enabled: &on})
		word := "disabled"
		if on {
			word = "enabled"
		}
		return doneMsg{status: fmt.Sprintf("Mail rule %q (id %d) %s.", r.Name, r.ID, word), err: err}
	}
}

func deleteRuleCmd(svc *core.Service, as core.Actor, r core.Rule) tea.Cmd {
	return func() tea.Msg {
		err := svc.DeleteRule(as, r.ID)
		return doneMsg{status: fmt.Sprintf("Deleted mail rule %q (id %d).", r.Name, r.ID), err: err}
	}
}

// savedRuleMsg is the outcome of the rule form.
type savedRuleMsg struct {
	rule core.Rule
	err  error
}

func saveRuleCmd(svc *core.Service, as core.Actor, id core.ID, in core.NewRule) tea.Cmd {
	action := *in.Mail
	in.Mail = &action
	return func() tea.Msg {
		if id == 0 {
			r, err := svc.AddRule(as, in)
			return savedRuleMsg{rule: r, err: err}
		}
		on := !in.Disabled
		r, err := svc.UpdateRule(as, id, core.RulePatch{Name: &in.Name, When: &in.When, Enabled: &on, Mail: in.Mail})
		return savedRuleMsg{rule: r, err: err}
	}
}

func addKeyCmd(svc *core.Service, as core.Actor, name string) tea.Cmd {
	return func() tea.Msg {
		k, secret, err := svc.AddAPIKey(as, name)
		if err != nil {
			return doneMsg{err: err}
		}
		return doneMsg{status: fmt.Sprintf("API key %d for %q made: copy it now, it is shown only once.", k.ID, k.Name), secret: secret, key: k}
	}
}

func revokeKeyCmd(svc *core.Service, as core.Actor, k core.APIKey) tea.Cmd {
	return func() tea.Msg {
		_, err := svc.RevokeAPIKey(as, k.ID)
		return doneMsg{status: fmt.Sprintf("API key %d (%s) revoked.", k.ID, k.Name), err: err}
	}
}

// setKeyRateCmd sets an API key's rate, the twin of `apikey rate ID R`.
func setKeyRateCmd(svc *core.Service, as core.Actor, id core.ID, text string) tea.Cmd {
	return func() tea.Msg {
		r, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return doneMsg{err: core.Invalid("rate", "Type the requests a second as a number (0 for the server's default), not %q.", text)}
		}
		k, err := svc.SetAPIKeyRate(as, id, r)
		if err != nil {
			return doneMsg{err: err}
		}
		return doneMsg{status: fmt.Sprintf("API key %d (%s): %s.", k.ID, k.Name, core.RateText(k.Rate))}
	}
}
