package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/reportpdf"
)

// Service reports (R-REP-1, R-REP-2): the CLI twins of the console's report form,
// report view and "invite to sign" action.
func reportCmd(a *app) *cobra.Command {
	csat := evalReportCmd(a)
	csat.Use = "csat" + strings.TrimPrefix(csat.Use, "report")
	csat.Short = "The CSAT report of service evaluations (the same as `evaluation report`)"
	return group("report", "Service reports: fill, show (or PDF), invite the customer to sign; the CSAT report",
		reportFillCmd(a), reportShowCmd(a), reportInviteCmd(a), reportPhotoCmd(a), csat)
}

// reportPhotoCmd attaches photos for the service report (issue 20.6).
func reportPhotoCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "photo NUMBER FILE…",
		Short: "Attach photos (JPEG or PNG, at most 5 MB each, 12 a work order) for the service report",
		Long: `Attach photos of the work to a work order. The next report version generated
(report fill after service, or the service node's completion) carries them, on
its page and in its PDF, and its SHA-256 covers them.`,
		Example: `  switchboard report photo WO-000123 before.jpg after.jpg`,
		Args:    cobra.MinimumNArgs(2),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			for _, f := range args[1:] {
				p, err := a.abs(f)
				if err != nil {
					return err
				}
				data, err := readFileLimited(p, core.MaxPhotoBytes+1)
				if err != nil {
					return core.Invalid("photo", "%s: %v", f, err)
				}
				ph, err := a.svc.AddPhoto(a.actor, args[0], f, data)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s: photo %s attached (attachment %d).\n", args[0], ph.Filename, ph.ID)
			}
			return nil
		}),
	}
}

func reportFillCmd(a *app) *cobra.Command {
	var work, notes, started, finished string
	var parts []string
	var clearParts, asJSON bool
	cmd := &cobra.Command{
		Use:   "fill NUMBER [--work-done T] [--part NAME:QTY]… [--started T] [--finished T] [--notes T] [--json]",
		Short: "Fill the service report: a draft before service completes, a new version after",
		Long: `Fill a work order's service report (R-REP-1). Before the service node completes
this saves the draft, which completing the node (switchboard wo advance) turns into
version 1 and sends to the customer (the "service report" notification, with the
report's link). After that, every fill makes a new version: a signed version never
changes, the new one needs a new signature.

Flags you leave out keep what the draft or the newest version says. --part NAME:QTY
may be repeated and replaces the parts list ("压缩机:1", "R404A (kg):1.5"); --clear-parts
empties it. Times are local, "2026-11-02 09:30" or "09:30" for today (RFC 3339 works
too); left out, the start is the assignment time and the finish the moment service
completes.`,
		Example: `  switchboard report fill WO-000042 --work-done "更换压缩机启动电容" --part "启动电容 35μF:1" --part "R404A (kg):1.5" --started 09:30 --finished 11:10
  switchboard wo advance WO-000042         # generates v1 and sends it
  switchboard report fill 42 --notes "客户要求下周回访"   # v2`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := core.ParseNumber(args[0]); err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			pre, err := a.svc.ReportPrefill(args[0])
			if err != nil {
				return err
			}
			in := core.ReportInput{WorkDone: pre.WorkDone, Parts: pre.Parts, Notes: pre.Notes}
			f := cmd.Flags()
			if f.Changed("work-done") {
				in.WorkDone = work
			}
			if f.Changed("notes") {
				in.Notes = notes
			}
			if clearParts {
				in.Parts = nil
			}
			if f.Changed("part") {
				in.Parts = nil
				for _, p := range parts {
					part, err := core.ParsePart(p)
					if err != nil {
						return err
					}
					in.Parts = append(in.Parts, part)
				}
			}
			now := a.svc.Now()
			if in.StartedAt, err = core.ParseReportTime("started", started, now, time.Local); err != nil {
				return err
			}
			if in.FinishedAt, err = core.ParseReportTime("finished", finished, now, time.Local); err != nil {
				return err
			}
			res, err := a.svc.SaveReport(a.actor, args[0], in)
			if err != nil {
				return err
			}
			a.log.Info("service report filled", "number", res.Number, "draft", res.Draft, "version", res.Version, "by", a.actor.Label())
			if asJSON {
				res.Messages = nonNil(res.Messages)
				return writeJSON(a.stdout, res)
			}
			if res.Draft {
				fmt.Fprintf(a.stdout, "%s: report saved as a draft; completing the service node generates it (switchboard wo advance %s).\n", res.Number, res.Number)
				return nil
			}
			fmt.Fprintf(a.stdout, "%s: service report v%d (SHA-256 %s)\n%s\n", res.Number, res.Version, res.SHA256, res.URL)
			writeNotices(a.stdout, res.Messages)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&work, "work-done", "", "what was done")
	f.StringArrayVar(&parts, "part", nil, "a part used, `NAME:QTY` (repeat for each part)")
	f.BoolVar(&clearParts, "clear-parts", false, "no parts were used")
	f.StringVar(&started, "started", "", "when the work started (local `TIME`)")
	f.StringVar(&finished, "finished", "", "when the work finished (local `TIME`)")
	f.StringVar(&notes, "notes", "", "anything else for the customer")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

// writeNotices lists the notifications a command queued.
func writeNotices(out io.Writer, ms []core.Message) {
	for _, m := range ms {
		to := core.MaskAddress(m.Recipient.Address)
		if to == "" {
			to = dash(m.Recipient.Name)
		}
		line := fmt.Sprintf("%s notification by %s to %s: %s", m.Event.Title(), m.Channel, to, m.State)
		if m.Reason != "" {
			line += " (" + m.Reason + ")"
		}
		fmt.Fprintln(out, cell(line))
	}
}

func reportShowCmd(a *app) *cobra.Command {
	var version int
	var asJSON bool
	var pdfPath, sigPath string
	cmd := &cobra.Command{
		Use:   "show NUMBER [--version N] [--json] [--pdf FILE] [--signature-png FILE]",
		Short: "Show a work order's service report, its signature and versions; write it as PDF",
		Long: `Show the newest version of a work order's service report (or --version N): what
was done, parts, times, engineer and customer, the signature (signer, time, IP,
method) and whether the stored version still matches the SHA-256 it was made and
signed with. The status is one of none, draft, unsigned, signed,
changed-since-signing or tampered.

--pdf FILE writes the version as a printable PDF (Chinese included); --signature-png
FILE writes a drawn signature's image.`,
		Example: `  switchboard report show WO-000042
  switchboard report show 42 --version 1 --pdf WO-000042-v1.pdf
  switchboard report show 42 --json | jq .status`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := core.ParseNumber(args[0]); err != nil {
				return err
			}
			if version < 0 {
				return core.Invalid("version", "--version %d is not a version: versions count from 1.", version)
			}
			if err := a.open(); err != nil {
				return err
			}
			v, err := a.svc.Report(args[0], version)
			if err != nil {
				return err
			}
			if pdfPath != "" {
				if v.Shown == nil {
					return core.Invalid("pdf", "%s has no service report yet (status %s): there is nothing to write.", v.Number, v.Status.State)
				}
				photos, err := a.svc.ReportPhotos(v.Shown)
				if err != nil {
					return err
				}
				var b bytes.Buffer
				if err := reportpdf.WriteWithPhotos(&b, &v, v.Shown, time.Local, photos); err != nil {
					return err
				}
				if err := a.writeFile(pdfPath, b.Bytes(), 0o644); err != nil {
					return fmt.Errorf("cannot write %s: %w", pdfPath, err)
				}
			}
			if sigPath != "" {
				if v.Shown == nil || v.Shown.Signature == nil || len(v.Shown.Signature.PNG) == 0 {
					return core.Invalid("signature-png", "That report version has no drawn signature to write.")
				}
				if err := a.writeFile(sigPath, v.Shown.Signature.PNG, 0o644); err != nil {
					return fmt.Errorf("cannot write %s: %w", sigPath, err)
				}
			}
			if asJSON {
				v.Versions = nonNil(v.Versions)
				return writeJSON(a.stdout, v)
			}
			if err := writeReport(a.stdout, v); err != nil {
				return err
			}
			if pdfPath != "" {
				fmt.Fprintf(a.stdout, "\nPDF written to %s\n", pdfPath)
			}
			return nil
		}),
	}
	f := cmd.Flags()
	f.IntVar(&version, "version", 0, "show version `N` (default: the newest)")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	f.StringVar(&pdfPath, "pdf", "", "also write the version as a PDF to `FILE`")
	f.StringVar(&sigPath, "signature-png", "", "also write the drawn signature to `FILE`")
	return cmd
}

// writeReport prints a report version for a person.
func writeReport(out io.Writer, v core.ReportView) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\nservice report: %s\n", v.Number, cell(v.Subject), cell(v.Status.Summary()))
	r := v.Shown
	if r == nil {
		if d := v.Draft; d != nil {
			fmt.Fprintf(&b, "\ndraft (saved %s by %s)\n  work done  %s\n", when(d.UpdatedAt), d.UpdatedBy, cell(dash(d.WorkDone)))
			for _, p := range d.Parts {
				fmt.Fprintf(&b, "  part       %s × %s\n", cell(p.Name), core.QuantityText(p.Quantity))
			}
		}
		_, err := io.WriteString(out, b.String())
		return err
	}
	fmt.Fprintf(&b, "\nversion %d of %d, made %s by %s\n", r.Version, len(v.Versions), when(r.CreatedAt), r.CreatedBy)
	for _, f := range [][2]string{
		{"customer", r.Customer}, {"account", r.Account}, {"phone", r.Phone}, {"address", r.Address},
		{"device", r.DeviceCode}, {"engineer", r.Engineer}, {"provider", r.Provider},
		{"started", when(r.StartedAt)}, {"finished", when(r.FinishedAt)},
	} {
		if strings.TrimSpace(f[1]) != "" {
			fmt.Fprintf(&b, "  %-10s %s\n", f[0], cell(f[1]))
		}
	}
	fmt.Fprintf(&b, "\nwork done\n")
	for _, l := range strings.Split(dash(r.WorkDone), "\n") {
		fmt.Fprintf(&b, "  %s\n", cell(l))
	}
	if len(r.Parts) > 0 {
		fmt.Fprintf(&b, "\nparts\n")
		for _, p := range r.Parts {
			fmt.Fprintf(&b, "  %s × %s\n", cell(p.Name), core.QuantityText(p.Quantity))
		}
	}
	if r.Notes != "" {
		fmt.Fprintf(&b, "\nnotes\n")
		for _, l := range strings.Split(r.Notes, "\n") {
			fmt.Fprintf(&b, "  %s\n", cell(l))
		}
	}
	fmt.Fprintf(&b, "\nSHA-256 %s\n", r.SHA256)
	if s := r.Signature; s != nil {
		fmt.Fprintf(&b, "signed by %s at %s (%s signature) from %s\n  the signature covers SHA-256 %s\n", cell(s.Name), when(s.SignedAt), s.Method, dash(s.IP), s.ReportSHA256)
	} else {
		fmt.Fprintf(&b, "not signed\n")
	}
	if v.ShownProblem != "" {
		fmt.Fprintf(&b, "TAMPERED: %s\n", v.ShownProblem)
	} else {
		fmt.Fprintf(&b, "intact: the stored version matches its SHA-256%s\n", map[bool]string{true: " and its signature", false: ""}[r.Signature != nil])
	}
	if len(v.Versions) > 1 {
		fmt.Fprintf(&b, "\nversions\n")
		for _, x := range v.Versions {
			state := "unsigned"
			if x.Signature != nil {
				state = "signed by " + cell(x.Signature.Name) + " " + when(x.Signature.SignedAt)
			}
			fmt.Fprintf(&b, "  v%-3d %s  %s  %s\n", x.Version, when(x.CreatedAt), x.SHA256[:16], state)
		}
	}
	_, err := io.WriteString(out, b.String())
	return err
}

func reportInviteCmd(a *app) *cobra.Command {
	var via string
	var ttl time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "invite NUMBER --via link|sms|email|wechat|mini-program [--ttl D] [--json]",
		Short: "Invite the customer to sign the newest report version; prints the signing link",
		Long: `Issue a signing link for the newest version of the work order's service report
(R-REP-2) and print it. With --via sms, email, wechat or mini-program the "service
report signature" notification goes to the customer on that channel with the link
as #URL#; with --via link nothing is sent: pass the link on yourself (or show its QR
code). The customer sees the exact version, signs by drawing (or by typing the full
name without JavaScript), and that version is locked. The link works once, for
--ttl (7 days unless told), and is built on the saved public URL (serve --public-url).`,
		Example: `  switchboard report invite WO-000042 --via sms
  switchboard report invite 42 --via link --ttl 2h --json`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			inv, err := a.svc.InviteReportSignature(a.actor, args[0], via, ttl)
			if err != nil {
				return err
			}
			a.log.Info("report signature invitation", "number", inv.Number, "version", inv.Version, "via", inv.Via, "by", a.actor.Label())
			if asJSON {
				inv.Messages = nonNil(inv.Messages)
				return writeJSON(a.stdout, inv)
			}
			fmt.Fprintf(a.stdout, "%s\nsigns version %d of %s; expires %s (single use)\n", inv.URL, inv.Version, inv.Number, inv.ExpiresAt.Local().Format("2006-01-02 15:04 MST"))
			writeNotices(a.stdout, inv.Messages)
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&via, "via", "", "link (print it only), sms, email, wechat or mini-program")
	f.DurationVar(&ttl, "ttl", core.DefaultInviteTTL, "how long the link works, e.g. 48h (at most 90 days)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	_ = cmd.MarkFlagRequired("via")
	return cmd
}
