package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/qrcode"
)

// evaluationCmd is the CLI twin of the evaluation screens (R-EVAL-1..6, R-APP-3).
func evaluationCmd(a *app) *cobra.Command {
	c := group("evaluation", "Service evaluation: the QR code, evaluations, reminders, skip/finish, the CSAT report, record types",
		evalQRCmd(a), evalListCmd(a), evalRemindCmd(a), evalSkipFinishCmd(a, true), evalSkipFinishCmd(a, false), evalReportCmd(a), evalTypeCmd(a))
	c.Aliases = []string{"eval"}
	return c
}

func evalQRCmd(a *app) *cobra.Command {
	var pngPath, pub string
	var scale int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "qr NUMBER [--png FILE] [--json]",
		Short: "Show the evaluation QR code of a work order at the evaluation node (R-EVAL-6), or write it as a PNG",
		Long: `Print the work order's evaluation link and its QR code for customers to scan
(R-EVAL-2, R-EVAL-6), or with --png write the QR code as a PNG. The link is the
same every time; it accepts several submissions unless the node says one.
Only the node's handler (by default the work order's service engineer),
dispatchers and admins may show it.`,
		Example: `  switchboard evaluation qr WO-000042
  switchboard eval qr 42 --png wo42.png`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			v, err := a.svc.EvaluationQR(a.actor, args[0])
			if err != nil {
				return err
			}
			if pub != "" {
				base, err := a.linkBase(pub)
				if err != nil {
					return err
				}
				v.URL = base + v.URL[strings.Index(v.URL, core.EvaluationPathPrefix):]
			}
			switch {
			case asJSON:
				return writeJSON(a.stdout, v)
			case pngPath != "":
				b, err := qrcode.PNG(v.URL, scale)
				if err != nil {
					return err
				}
				if err := a.writeFile(pngPath, b, 0o644); err != nil {
					return fmt.Errorf("cannot write %s: %w", pngPath, err)
				}
				fmt.Fprintf(a.stdout, "%s\n%s: evaluation QR code written to %s\n", v.URL, v.Number, pngPath)
				return nil
			}
			fmt.Fprint(a.stdout, qrcode.Terminal(v.URL))
			fmt.Fprintln(a.stdout, v.URL)
			fmt.Fprintf(a.stdout, "%s · %s · %s evaluation · %d received · link works until %s\n", v.Number, dash(v.Customer), v.Type, v.Count, when(v.ExpiresAt))
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&pngPath, "png", "", "write the QR code to this PNG `FILE` instead of the terminal")
	f.IntVar(&scale, "scale", 8, "pixels per QR module in the PNG")
	f.StringVar(&pub, "public-url", "", "build the link on this `URL` instead of the saved public URL")
	f.BoolVar(&asJSON, "json", false, "print the link and the screen's facts as JSON")
	return cmd
}

func evalListCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list NUMBER [--json]",
		Short: "A work order's evaluations and what its evaluation node decided",
		Args:  exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			st, err := a.svc.Evaluations(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, st)
			}
			if r := st.Request; r != nil {
				how := "QR code"
				if r.Mode == core.EvalModeRules {
					how = fmt.Sprintf("rule #%d %q", r.RuleID, r.RuleName)
					if r.RuleID == 0 {
						how = "rules (none matched)"
					}
				}
				var inv []string
				for _, m := range r.Invites {
					inv = append(inv, string(m))
				}
				fmt.Fprintf(a.stdout, "%s: %s evaluation by %s via %s%s%s\n", st.Number, r.Type, how, dash(strings.Join(inv, ", ")),
					map[bool]string{true: ", message priority", false: ""}[r.Fallback], map[bool]string{true: ", mandatory", false: ""}[r.Mandatory])
			} else {
				fmt.Fprintf(a.stdout, "%s has not reached the evaluation node (it is at %s).\n", st.Number, st.Node)
			}
			if len(st.Evaluations) == 0 {
				fmt.Fprintln(a.stdout, "No evaluations yet.")
				return nil
			}
			t := &table{head: []string{"ID", "SUBMITTED", "TYPE", "RATING", "VIA", "BY", "ANSWERS"}, fitTo: 160, flex: 6}
			for _, e := range st.Evaluations {
				rating := "-"
				if e.Scale > 0 && e.Score > 0 {
					rating = fmt.Sprintf("%d/%d", e.Score, e.Scale)
				}
				var ans []string
				for _, x := range e.Answers {
					ans = append(ans, x.Key+"="+x.Value())
				}
				t.add(fmt.Sprint(e.ID), when(e.SubmittedAt), e.Type, rating, e.Via, e.By, strings.Join(ans, "; "))
			}
			return t.write(a.stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the request and the evaluations as JSON")
	return cmd
}

func evalRemindCmd(a *app) *cobra.Command {
	var via string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "remind NUMBER [--via sms,email,wechat] [--json]",
		Short: "Send the customer a new personal evaluation link (the rule's channels, or --via)",
		Long: `Send a work order waiting at the evaluation node a new personal, single-use
evaluation link by the matched rule's channels with its message priority, or by
the channels given with --via. Earlier links keep working until they expire.`,
		Example: `  switchboard evaluation remind WO-000042
  switchboard eval remind 42 --via sms`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var chs []core.NoticeChannel
			for _, p := range strings.Split(via, ",") {
				if strings.TrimSpace(p) == "" {
					continue
				}
				ch, err := core.ParseNoticeChannel(p)
				if err != nil {
					return err
				}
				chs = append(chs, ch)
			}
			if err := a.open(); err != nil {
				return err
			}
			inv, err := a.svc.RemindEvaluation(a.actor, args[0], chs)
			if err != nil {
				return err
			}
			a.log.Info("evaluation reminder", "number", inv.Number, "channels", inv.Channels, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, inv)
			}
			fmt.Fprintf(a.stdout, "%s: evaluation link sent by %s (%s); it works until %s.\n", inv.Number, strings.Join(inv.Channels, ", "), inv.Mode, when(inv.ExpiresAt))
			for _, m := range inv.Messages {
				fmt.Fprintf(a.stdout, "  %s: %s%s\n", m.Channel, m.State, map[bool]string{true: " (" + m.Reason + ")", false: ""}[m.Reason != ""])
			}
			fmt.Fprintln(a.stdout, inv.URL)
			return nil
		}),
	}
	cmd.Flags().StringVar(&via, "via", "", "channels `LIST` to send by (wechat, sms, email), in order; default: the rule's")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the invitation as JSON")
	return cmd
}

func evalSkipFinishCmd(a *app, skip bool) *cobra.Command {
	var version uint64
	var asJSON bool
	use, short := "finish", "Complete the evaluation node once customers have evaluated (the QR screen's Finish)"
	if skip {
		use, short = "skip", "Skip the evaluation: complete the node without one (unless hidden or mandatory)"
	}
	cmd := &cobra.Command{
		Use:   use + " NUMBER [--version V] [--json]",
		Short: short,
		Args:  exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			do := a.svc.FinishEvaluation
			if skip {
				do = a.svc.SkipEvaluation
			}
			w, err := do(a.actor, args[0], version)
			if err != nil {
				return err
			}
			a.log.Info("evaluation "+use, "number", w.Number, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, w)
			}
			fmt.Fprintf(a.stdout, "%s is now at the %s node (%s).\n", w.Number, w.Node, w.Status)
			return nil
		}),
	}
	cmd.Flags().Uint64Var(&version, "version", 0, "the version `V` you read; refuse if it changed since")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the work order as JSON")
	return cmd
}

// parseDay reads a date (2006-01-02) in the local time zone.
func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), time.Local)
	if err != nil {
		return time.Time{}, core.Invalid(flag, "--%s %q is not a date: write it as 2026-11-30.", flag, s)
	}
	return t, nil
}

func evalReportCmd(a *app) *cobra.Command {
	var by, from, to, period string
	var asJSON, asCSV, onlyCustomers, repeats bool
	cmd := &cobra.Command{
		Use:   "report [--by engineer|provider|type|form] [--from DATE] [--to DATE] [--period day|week|month] [--json|--csv]",
		Short: "Customer satisfaction (CSAT) by engineer, provider or type over a period",
		Long: `Customer satisfaction over the evaluations submitted from --from to --to
(inclusive dates; default: all): per engineer (or provider, work-order record
type, evaluation record type) the number of rated evaluations, the average rating
normalised to five stars (a 10-point 7 counts 3.5), the share satisfied (4 of 5
or 8 of 10 and up) and the distribution over 1–5 stars; best first, with the
trend per week (or day, month).`,
		Example: `  switchboard evaluation report --from 2026-11-01 --to 2026-11-30
  switchboard eval report --by provider --json`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return usagef("evaluation report takes --json or --csv, not both.")
			}
			b, err := core.ParseCSATBy(by)
			if err != nil {
				return err
			}
			f, err := parseDay("from", from)
			if err != nil {
				return err
			}
			t, err := parseDay("to", to)
			if err != nil {
				return err
			}
			if !t.IsZero() {
				t = t.AddDate(0, 0, 1) // through the whole --to day
			}
			if err := a.open(); err != nil {
				return err
			}
			rep, err := a.svc.CSATReport(core.CSATQuery{From: f, To: t, By: b, Period: period, Loc: time.Local, OnlyCustomers: onlyCustomers, Repeats: repeats})
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return writeJSON(a.stdout, rep)
			case asCSV:
				return writeCSATCSV(a.stdout, rep)
			}
			return writeCSATTable(a.stdout, rep)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&by, "by", "engineer", "group by engineer, provider, type (work-order record type) or form (evaluation record type)")
	f.StringVar(&from, "from", "", "first `DATE` (2006-01-02) of the period")
	f.StringVar(&to, "to", "", "last `DATE` of the period, inclusive")
	f.StringVar(&period, "period", "week", "trend per day, week or month")
	f.BoolVar(&asJSON, "json", false, "print the report as JSON")
	f.BoolVar(&asCSV, "csv", false, "print the groups as CSV")
	f.BoolVar(&onlyCustomers, "customers-only", false, "leave out guests' ratings (QR codes, links of work orders without a customer)")
	f.BoolVar(&repeats, "with-repeats", false, "count QR ratings marked as a repeat from the same network (left out by default)")
	return cmd
}

func writeCSATTable(w io.Writer, rep core.CSATReport) error {
	if rep.Total.Count == 0 {
		fmt.Fprintln(w, "No rated evaluations in this period.")
		return nil
	}
	t := &table{head: []string{strings.ToUpper(string(rep.By)), "RATED", "AVERAGE /5", "SATISFIED", "1★", "2★", "3★", "4★", "5★"}}
	row := func(name string, s core.CSATStat) {
		cells := []string{name, strconv.Itoa(s.Count), fmt.Sprintf("%.2f", s.Average), fmt.Sprintf("%.1f%%", s.SatisfiedPct)}
		for _, n := range s.Distribution {
			cells = append(cells, strconv.Itoa(n))
		}
		t.add(cells...)
	}
	for _, g := range rep.Groups {
		row(g.Name, g.CSATStat)
	}
	row("all", rep.Total)
	if err := t.write(w); err != nil {
		return err
	}
	if rep.Unrated > 0 {
		fmt.Fprintf(w, "%d evaluation(s) without a rating are not counted.\n", rep.Unrated)
	}
	if rep.Guests > 0 {
		fmt.Fprintf(w, "%d guest rating(s) left out (--customers-only).\n", rep.Guests)
	}
	if rep.Repeats > 0 {
		fmt.Fprintf(w, "%d QR rating(s) marked as a repeat from the same network left out (--with-repeats counts them).\n", rep.Repeats)
	}
	var trend []string
	for _, p := range rep.Trend {
		v := "-"
		if p.Count > 0 {
			v = fmt.Sprintf("%.2f (%d)", p.Average, p.Count)
		}
		trend = append(trend, p.Start.Format("2006-01-02")+" "+v)
	}
	_, err := fmt.Fprintf(w, "Trend per %s: %s\n", rep.Period, strings.Join(trend, " · "))
	return err
}

func writeCSATCSV(w io.Writer, rep core.CSATReport) error {
	cw := core.NewCSVWriter(w)
	_ = cw.Write([]string{string(rep.By), "id", "rated", "average", "satisfied", "satisfied_pct", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5"})
	row := func(name, id string, s core.CSATStat) {
		r := []string{name, id, strconv.Itoa(s.Count), strconv.FormatFloat(s.Average, 'f', 2, 64), strconv.Itoa(s.Satisfied), strconv.FormatFloat(s.SatisfiedPct, 'f', 1, 64)}
		for _, n := range s.Distribution {
			r = append(r, strconv.Itoa(n))
		}
		_ = cw.Write(r)
	}
	for _, g := range rep.Groups {
		id := ""
		if g.ID != 0 {
			id = fmt.Sprint(g.ID)
		}
		row(g.Name, id, g.CSATStat)
	}
	row("all", "", rep.Total)
	cw.Flush()
	return cw.Error()
}

func evalTypeCmd(a *app) *cobra.Command {
	var asJSON bool
	list := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the evaluation record types with their layouts and who may create them (R-EVAL-1, R-ROLE-4)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.EvaluationTypes()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, ts)
			}
			for i, t := range ts {
				if i > 0 {
					fmt.Fprintln(a.stdout)
				}
				var who []string
				if t.TerminalUsers {
					who = append(who, "terminal users")
				}
				if t.Guests {
					who = append(who, "guests")
				}
				fmt.Fprintf(a.stdout, "%s — created by %s\n", t.Name, dash(strings.Join(who, " and ")))
				tb := &table{head: []string{"KEY", "KIND", "REQUIRED", "LABEL", "OPTIONS"}}
				for _, f := range t.Fields {
					kind := string(f.Kind)
					if f.Kind == core.EvalStars {
						kind = fmt.Sprintf("stars (1–%d)", f.Scale)
					}
					tb.add(f.Key, kind, map[bool]string{true: "yes", false: "-"}[f.Required], f.Label, dash(strings.Join(f.Options, " | ")))
				}
				if err := tb.write(a.stdout); err != nil {
					return err
				}
			}
			return nil
		}),
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print the record types as JSON")

	var out string
	export := &cobra.Command{
		Use:   "export [--out FILE]",
		Short: "Write the evaluation record types as JSON, to edit and import",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			b, err := a.svc.ExportEvaluationTypes()
			if err != nil {
				return err
			}
			if out == "" {
				_, err = a.stdout.Write(b)
				return err
			}
			if err := a.writeFile(out, b, 0o644); err != nil {
				return fmt.Errorf("cannot write %s: %w", out, err)
			}
			fmt.Fprintf(a.stdout, "Evaluation record types written to %s.\n", out)
			return nil
		}),
	}
	export.Flags().StringVar(&out, "out", "", "write to `FILE` instead of standard output")

	imp := &cobra.Command{
		Use:   "import FILE",
		Short: "Replace the evaluation record types with a file's (admins; all or nothing)",
		Long: `Replace every evaluation record type and layout with those in FILE (as written
by export). Each field has a key, a label (and label_zh), a kind — stars (scale
5 or 10, stored as a number), single, multiple (with options and options_zh),
text or yes-no — and required; each type says whether terminal_users and guests
may create evaluations of it (R-ROLE-4). A type still used by a process's
evaluation node or an evaluation rule cannot be removed.`,
		Example: `  switchboard evaluation type export --out types.json
  switchboard evaluation type import types.json`,
		Args: exactArgs("FILE"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			data, err := a.readFile(args[0])
			if err != nil {
				return core.Invalid("file", "Cannot read %s: %v.", args[0], err)
			}
			if err := a.open(); err != nil {
				return err
			}
			ts, err := a.svc.ImportEvaluationTypes(a.actor, data)
			if err != nil {
				return err
			}
			a.log.Info("evaluation types imported", "types", len(ts), "by", a.actor.Label())
			fmt.Fprintf(a.stdout, "%d evaluation record type(s) saved.\n", len(ts))
			return nil
		}),
	}
	return group("type", "Evaluation record types and layouts: list, export, import", list, export, imp)
}
