package intake

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"switchboard/core"
	"switchboard/core/mailin"
	"switchboard/tui/common"
)

// The mail settings form (s, admins): the twin of `switchboard mail settings`.
// The console runs where the database is (in a client's session too), so the
// Maildir is checked on that machine: it must be a full path there with new/
// and cur/ in it.

type savedSettingsMsg struct {
	set core.MailSettings
	err error
}

func (m *Model) openSettingsCmd() tea.Cmd {
	s := m.settings
	poll := ""
	if s.PollSeconds > 0 {
		poll = (time.Duration(s.PollSeconds) * time.Second).String()
	}
	size := ""
	if s.MaxAttachmentBytes > 0 {
		size = sizeText(s.MaxAttachmentBytes)
	}
	m.settingsForm = common.NewForm(m.c, "Mail settings",
		common.NewTextField(m.c, "Maildir", "maildir", s.Maildir, 1000).WithPlaceholder("full path on the server, e.g. /var/mail/service/Maildir (empty: no polling)"),
		common.NewTextField(m.c, "Poll every", "poll", poll, 12).WithPlaceholder("e.g. 30s, 1m"),
		common.NewTextField(m.c, "Max attachment", "max-attachment", size, 12).WithPlaceholder("e.g. 10MB, 512KB"),
		common.NewTextField(m.c, "Own mailboxes", "mailbox", strings.Join(s.Mailboxes, ", "), 1000).WithPlaceholder("e.g. service@example.com, support@example.com"),
	)
	m.settingsForm.Note = "the console and `switchboard serve` poll the Maildir's new/ folder"
	m.settingsForm.Hints["max-attachment"] = "larger attachments are named in the work order's history but not stored"
	m.settingsForm.Hints["mailbox"] = "mail from these addresses is our own coming back, never a work order"
	m.settingsForm.SetSize(m.width, m.height)
	m.mode = modeSettings
	return m.settingsForm.Init()
}

// sizeText writes n as the form reads it back: 10MB, 512KB or bytes.
func sizeText(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%dKB", n>>10)
	}
	return fmt.Sprint(n)
}

func (m *Model) saveSettingsCmd() tea.Cmd {
	fs := m.settingsForm.Fields()
	val := func(i int) string { return strings.TrimSpace(fs[i].(interface{ Value() string }).Value()) }
	dir, poll, size, boxes := val(0), val(1), val(2), val(3)
	svc, as := m.c.Svc, m.c.Actor
	return func() tea.Msg {
		var set core.MailSettings
		var errs core.ValidationErrors
		if dir != "" {
			switch {
			case !filepath.IsAbs(dir):
				errs = append(errs, core.Invalid("maildir", "Type the Maildir's full path on the server (it starts with /), not %q.", dir))
			default:
				dir = filepath.Clean(dir)
				if err := mailin.CheckMaildir(dir); err != nil {
					errs = appendErr(errs, err)
				}
			}
		}
		set.Maildir = dir
		if poll != "" {
			d, err := time.ParseDuration(poll)
			if n, nerr := strconv.Atoi(poll); nerr == nil {
				d, err = time.Duration(n)*time.Second, nil
			}
			switch {
			case err != nil:
				errs = append(errs, core.Invalid("poll", "%q is not a duration: write it as 30s, 1m or 2h.", poll))
			case d < time.Second:
				errs = append(errs, core.Invalid("poll", "Poll at most once a second, not every %s.", d))
			default:
				set.PollSeconds = int(d / time.Second)
			}
		}
		if size != "" {
			n, err := core.ParseSize("max-attachment", size)
			if err != nil {
				errs = appendErr(errs, err)
			}
			set.MaxAttachmentBytes = n
		}
		for _, b := range strings.Split(boxes, ",") {
			if b = strings.TrimSpace(b); b != "" {
				set.Mailboxes = append(set.Mailboxes, b)
			}
		}
		if err := errs.Err(); err != nil {
			return savedSettingsMsg{err: err}
		}
		set, err := svc.SetMailSettings(as, set)
		return savedSettingsMsg{set: set, err: err}
	}
}

// appendErr adds err to errs as a validation error of its own field.
func appendErr(errs core.ValidationErrors, err error) core.ValidationErrors {
	var ve *core.ValidationError
	if errors.As(err, &ve) {
		return append(errs, ve)
	}
	return append(errs, core.Invalid("", "%s", err.Error()))
}

func (m *Model) settingsSavedCmd(msg savedSettingsMsg) tea.Cmd {
	if m.settingsForm == nil {
		return nil
	}
	if msg.err != nil {
		return m.settingsForm.Saved(msg.err)
	}
	m.settingsForm, m.mode = nil, modeList
	m.settings = msg.set
	text := "Mail settings saved: Maildir polling off."
	if msg.set.Maildir != "" {
		text = fmt.Sprintf("Mail settings saved: polling %s every %s.", msg.set.Maildir, time.Duration(msg.set.PollSeconds)*time.Second)
	}
	return tea.Batch(common.StatusCmd(text), m.reloadCmd())
}

func (m *Model) settingsKeyCmd(msg tea.KeyMsg) tea.Cmd {
	cmd, ev := m.settingsForm.Update(msg)
	switch ev {
	case common.FormCancel:
		m.settingsForm, m.mode = nil, modeList
		return nil
	case common.FormSave:
		return tea.Batch(m.settingsForm.StartSaving(), m.saveSettingsCmd())
	}
	return cmd
}
