package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/mailin"
)

// exTempFail is sendmail's EX_TEMPFAIL: a mail gateway (Postfix pipe, .forward)
// keeps the message and tries again later.
const exTempFail = 75

// tempFailError makes the command exit with EX_TEMPFAIL.
type tempFailError struct{ err error }

func (e *tempFailError) Error() string { return e.err.Error() }
func (e *tempFailError) Unwrap() error { return e.err }
func (e *tempFailError) ExitCode() int { return exTempFail }

func mailCmd(a *app) *cobra.Command {
	return group("mail", "Email to work order: take mail in, the quarantine, mail settings",
		mailIngestCmd(a),
		mailPollCmd(a),
		mailLogCmd(a),
		mailQuarantineCmd(a),
		mailReleaseCmd(a),
		mailSettingsCmd(a),
	)
}

// mailLine says in one line what became of a message.
func mailLine(r core.MailRecord) string {
	switch r.Outcome {
	case core.MailCreated:
		return fmt.Sprintf("accepted: created %s from %s (mail %d)", r.Number, r.From, r.ID)
	case core.MailAppended:
		return fmt.Sprintf("accepted: added to %s as a reply from %s (mail %d)", r.Number, r.From, r.ID)
	case core.MailReleased:
		return fmt.Sprintf("released: mail %d %s", r.ID, strings.Join(r.Log[max(0, len(r.Log)-1):], ""))
	case core.MailQuarantined:
		return fmt.Sprintf("quarantined as mail %d: %s (see `switchboard mail quarantine show %d`)", r.ID, r.Reason, r.ID)
	case core.MailDuplicate:
		return fmt.Sprintf("duplicate: recorded as mail %d; %s", r.ID, r.Reason)
	}
	return fmt.Sprintf("recorded as mail %d, not taken in (%s): %s", r.ID, r.Outcome, r.Reason)
}

func mailIngestCmd(a *app) *cobra.Command {
	var asJSON bool
	var source string
	cmd := &cobra.Command{
		Use:   "ingest [--json] < MESSAGE",
		Short: "Take in one email (RFC 5322) from stdin, as a mail gateway pipes it",
		Long: `Take in one email message read from stdin (R-IN-5): it becomes a work order
(channel email; mail rules choose record type, priority and region; the sender
is matched to a contact by address), or is added to a work order's history when
it answers one (In-Reply-To/References, or "[WO-000123]" in the subject).
Auto-replies, bounces, list mail and our own notifications coming back are
recorded and not taken in. A message that cannot be read is kept in the
quarantine with its raw bytes (` + "`switchboard mail quarantine`" + `).

Exit status: 0 when the message was accepted, recorded or quarantined — it is
safe with us; 75 (EX_TEMPFAIL) when the database could not be written (another
process holds it): the mail gateway keeps the message and retries; 1 when it is
larger than 25 MB (the gateway bounces it to the sender).

Postfix: in master.cf
  switchboard unix - n n - - pipe
    flags=Rq user=sb argv=/usr/local/bin/switchboard --db /var/lib/sb/sb.db mail ingest
and in transport: service@example.com switchboard:
While a console or ` + "`switchboard serve`" + ` holds the database, deliver to a Maildir
and let them poll it instead (` + "`switchboard mail settings --maildir DIR`" + `).`,
		Example: `  switchboard mail ingest < message.eml
  /usr/bin/procmail-style: | switchboard --db ~/sb.db mail ingest`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			raw, err := mailin.ReadMessage(cmd.InOrStdin())
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				if errors.Is(err, core.ErrForbidden) || errors.Is(err, core.ErrNotFound) {
					return err
				}
				return &tempFailError{err}
			}
			if source == "" {
				source = "stdin"
			}
			rec, err := mailin.Ingest(a.svc, raw, source)
			if err != nil {
				if core.IsValidation(err) {
					return err
				}
				a.log.Error("mail not taken in: the gateway should retry", "err", err)
				return &tempFailError{err}
			}
			a.log.Info("mail taken in", "id", rec.ID, "outcome", rec.Outcome, "number", rec.Number, "from", rec.From, "reason", rec.Reason)
			if asJSON {
				return writeJSON(a.stdout, rec)
			}
			fmt.Fprintln(a.stdout, mailLine(rec))
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the mail log entry as JSON")
	cmd.Flags().StringVar(&source, "source", "", "where the message came from, for the mail log (default stdin)")
	return cmd
}

func mailPollCmd(a *app) *cobra.Command {
	var dir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "poll [--maildir DIR] [--json]",
		Short: "Take in every message waiting in a Maildir's new/ folder, once",
		Long: `Take in every message in DIR/new (oldest first) and move each to DIR/cur
marked seen. A message that could not be stored stays in new/ for the next
pass. Without --maildir, the folder from ` + "`switchboard mail settings`" + ` is used; the
console and ` + "`switchboard serve`" + ` poll that folder by themselves.`,
		Example: `  switchboard mail poll --maildir ~/Maildir/.service`,
		Args:    noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			if dir == "" {
				set, err := a.svc.MailSettings()
				if err != nil {
					return err
				}
				if set.Maildir == "" {
					return core.Invalid("maildir", "No Maildir is set: give --maildir DIR, or save one with `switchboard mail settings --maildir DIR`.")
				}
				dir = set.Maildir
			}
			res, err := mailin.PollMaildir(a.svc, dir)
			if err != nil {
				return err
			}
			a.log.Info("mail poll", "maildir", dir, "taken", len(res.Taken), "left", len(res.Left))
			if asJSON {
				res.Taken, res.Left = nonNil(res.Taken), nonNil(res.Left)
				return writeJSON(a.stdout, res)
			}
			for _, r := range res.Taken {
				fmt.Fprintln(a.stdout, mailLine(r))
			}
			for _, l := range res.Left {
				fmt.Fprintln(a.stdout, "left: "+l)
			}
			if len(res.Taken)+len(res.Left) == 0 {
				fmt.Fprintf(a.stdout, "No new mail in %s.\n", dir)
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&dir, "maildir", "", "the Maildir `DIR` (default: the saved one)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print {taken, left} as JSON")
	return cmd
}

func writeMailTable(w io.Writer, rs []core.MailRecord, empty string) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, empty)
		return err
	}
	t := &table{head: []string{"ID", "RECEIVED", "OUTCOME", "WO", "FROM", "SUBJECT", "WHY"}, max: []int{0, 0, 0, 0, 36, 40, 60}}
	for _, r := range rs {
		t.add(fmt.Sprint(r.ID), when(r.ReceivedAt), string(r.Outcome), dash(r.Number), dash(r.From), dash(r.Subject), dash(r.Reason))
	}
	return t.write(w)
}

func mailLogCmd(a *app) *cobra.Command {
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log [--limit N] [--json]",
		Short: "List received mail, newest first, with what became of each",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return core.Invalid("limit", "--limit cannot be negative.")
			}
			if err := a.open(); err != nil {
				return err
			}
			rs, err := a.svc.MailLog(core.MailQuery{Limit: limit})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(rs))
			}
			return writeMailTable(a.stdout, rs, "No mail received yet.")
		}),
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "at most N entries (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return cmd
}

func mailQuarantineCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "quarantine [--json] | quarantine show ID [--raw] | quarantine delete ID",
		Short: "Mail that could not be read, kept with its raw bytes",
		Long: `List the messages in quarantine: mail that could not be read (broken MIME,
no sender, a corrupt encoding). Their raw bytes are kept until a person releases
them (` + "`switchboard mail release ID`" + `) or deletes them.`,
		Example: `  switchboard mail quarantine
  switchboard mail quarantine show 12 --raw > broken.eml
  switchboard mail release 12 --force
  switchboard mail quarantine delete 12`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			rs, err := a.svc.MailLog(core.MailQuery{Quarantined: true})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(rs))
			}
			return writeMailTable(a.stdout, rs, "The quarantine is empty.")
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")

	var raw, showJSON bool
	show := &cobra.Command{
		Use:   "show ID [--raw] [--json]",
		Short: "One received message: its log entry, and a quarantined one's raw bytes",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("mail", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			r, data, err := a.svc.Mail(id)
			if err != nil {
				return err
			}
			if raw {
				if data == nil {
					return core.Invalid("raw", "Mail %d is not in quarantine (it was %s): its raw bytes are not kept.", id, r.Outcome)
				}
				_, err := a.stdout.Write(data)
				return err
			}
			if showJSON {
				return writeJSON(a.stdout, r)
			}
			return writeMail(a.stdout, r, data)
		}),
	}
	show.Flags().BoolVar(&raw, "raw", false, "print the quarantined message's raw bytes")
	show.Flags().BoolVar(&showJSON, "json", false, "print the log entry as JSON")

	del := &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a quarantined message's raw bytes for good (the log keeps who did it)",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("mail", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			r, err := a.svc.DeleteQuarantined(a.actor, id)
			if err != nil {
				return err
			}
			a.log.Info("quarantined mail deleted", "id", id, "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "Deleted quarantined mail %d (%s).\n", r.ID, dash(r.Subject))
			return nil
		}),
	}
	cmd.AddCommand(show, del)
	return cmd
}

func writeMail(w io.Writer, r core.MailRecord, raw []byte) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mail %d  %s\n", r.ID, r.Outcome)
	line := func(k, v string) {
		if strings.TrimSpace(v) != "" {
			fmt.Fprintf(&b, "  %-11s %s\n", k, cell(v))
		}
	}
	line("Received", when(r.ReceivedAt)+" ("+r.Source+")")
	line("From", r.From)
	line("To", strings.Join(r.To, ", "))
	line("Subject", r.Subject)
	line("Message-ID", r.MessageID)
	line("Size", core.HumanBytes(int64(r.Size)))
	line("Work order", r.Number)
	line("Mail rule", r.Rule)
	line("Why", r.Reason)
	for _, l := range r.Log {
		line("Log", l)
	}
	if raw != nil {
		head := string(raw)
		if len(head) > 2000 {
			head = head[:2000] + "\n…"
		}
		fmt.Fprintf(&b, "\nRaw message (first 2,000 bytes; all of it with --raw)\n%s\n", strings.ToValidUTF8(head, "\uFFFD"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mailReleaseCmd(a *app) *cobra.Command {
	var force, asJSON bool
	cmd := &cobra.Command{
		Use:   "release ID [--force] [--json]",
		Short: "Take a quarantined message in again (admins and dispatchers)",
		Long: `Parse a quarantined message again and take it in like new mail (a work order
or a reply). If it still cannot be read, --force takes it in as it is: whatever
sender and subject can be read, the raw text as the description, and the
original attached to the work order as original-message.eml.`,
		Example: `  switchboard mail release 12
  switchboard mail release 12 --force`,
		Args: exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("mail", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			r, err := mailin.Release(a.svc, a.actor, id, force)
			if err != nil {
				return err
			}
			a.log.Info("quarantined mail released", "id", id, "outcome", r.Outcome, "number", r.Number, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, r)
			}
			fmt.Fprintln(a.stdout, mailLine(r))
			return nil
		}),
	}
	cmd.Flags().BoolVar(&force, "force", false, "take it in as it is when it still cannot be read")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the mail log entry as JSON")
	return cmd
}

func mailSettingsCmd(a *app) *cobra.Command {
	var maildir, maxAtt, mailboxes string
	var poll time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "settings [--maildir DIR] [--poll D] [--max-attachment SIZE] [--mailbox ADDR,…] [--json]",
		Short: "Show or change the email intake settings (changes: admins)",
		Long: `Without flags, show the settings. --maildir names a Maildir folder the console
and ` + "`switchboard serve`" + ` poll every --poll (default 1m); "" stops polling.
--max-attachment is the largest attachment kept (default 10MB): larger ones are
named in the work order's history but not stored. --mailbox lists the service's
own addresses besides the email channel's from: mail from them is a loop.`,
		Example: `  switchboard mail settings --maildir /var/mail/service --poll 30s
  switchboard mail settings --max-attachment 5MB --mailbox service@example.com,support@example.com`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if err := a.open(); err != nil {
				return err
			}
			set, err := a.svc.MailSettings()
			if err != nil {
				return err
			}
			changed := false
			if f.Changed("maildir") {
				changed = true
				if maildir != "" {
					if abs, err := a.abs(maildir); err == nil {
						maildir = abs
					}
					if err := mailin.CheckMaildir(maildir); err != nil {
						return err
					}
				}
				set.Maildir = maildir
			}
			if f.Changed("poll") {
				changed = true
				if poll < time.Second {
					return core.Invalid("poll", "--poll must be at least 1s, not %s.", poll)
				}
				set.PollSeconds = int(poll / time.Second)
			}
			if f.Changed("max-attachment") {
				changed = true
				if set.MaxAttachmentBytes, err = core.ParseSize("max-attachment", maxAtt); err != nil {
					return err
				}
			}
			if f.Changed("mailbox") {
				changed = true
				set.Mailboxes = strings.Split(mailboxes, ",")
			}
			if changed {
				if set, err = a.svc.SetMailSettings(a.actor, set); err != nil {
					return err
				}
				a.log.Info("mail settings changed", "maildir", set.Maildir, "poll", set.PollSeconds, "by", a.actor.Label())
			}
			if asJSON {
				return writeJSON(a.stdout, set)
			}
			fmt.Fprintf(a.stdout, "maildir         %s\npoll every      %s\nmax attachment  %s\nmailboxes       %s\n",
				dash(set.Maildir), time.Duration(set.PollSeconds)*time.Second, core.HumanBytes(set.MaxAttachmentBytes), dash(strings.Join(set.Mailboxes, ", ")))
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&maildir, "maildir", "", "the Maildir `DIR` to poll (\"\" stops polling)")
	f.DurationVar(&poll, "poll", time.Duration(core.DefaultMailPoll)*time.Second, "how often to poll, e.g. 30s")
	f.StringVar(&maxAtt, "max-attachment", "", "the largest attachment kept, e.g. 10MB")
	f.StringVar(&mailboxes, "mailbox", "", "the service's own `ADDR`esses, comma separated")
	f.BoolVar(&asJSON, "json", false, "print the settings as JSON")
	return cmd
}

// startMailPoller polls the saved Maildir in a long-running process (console,
// serve); the returned function stops it.
func (a *app) startMailPoller() func() {
	p := mailin.NewPoller(a.svc, a.log)
	p.Start()
	return p.Stop
}
