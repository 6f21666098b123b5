package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/channels"
)

// startOutbox starts the outbox worker for a long-running process (the console,
// later `serve`); the returned function stops it.
// It also starts the process timers (R-FLOW-3).
func (a *app) startOutbox() func() {
	stopTimers := a.startTimers()
	opt := channels.Options{Log: a.log}
	// SWITCHBOARD_OUTBOX_LEASE: how long a message a server claimed stays
	// its own; when that server dies, another sends it after this (default
	// 2m). With several servers on one PostgreSQL database, a shorter lease
	// resends sooner; one too short for a slow provider sends twice.
	if v := a.getenv("SWITCHBOARD_OUTBOX_LEASE"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d >= time.Second {
			opt.Lease = d
		} else {
			a.log.Warn("SWITCHBOARD_OUTBOX_LEASE is not a duration of at least 1s; using the default", "value", v)
		}
	}
	w := channels.NewWorker(a.svc, opt)
	if err := w.Start(); err != nil {
		a.log.Error("outbox worker did not start", "err", err)
		return stopTimers
	}
	return func() { w.Stop(); stopTimers() }
}

func notifyCmd(a *app) *cobra.Command {
	return group("notify", "External notifications: presets, templates, channels, the outbox",
		notifyPresetsCmd(a),
		notifyToggleCmd(a, true),
		notifyToggleCmd(a, false),
		notifyTemplateCmd(a),
		notifyOutboxCmd(a),
		notifyRetryCmd(a),
		notifyChannelCmd(a),
		notifyPolicyCmd(a),
		notifyVerifyCmd(a),
		notifyDeliverCmd(a),
	)
}

func eventChannel(args []string) (core.NoticeEvent, core.NoticeChannel, error) {
	ev, err := core.ParseNoticeEvent(args[0])
	if err != nil {
		return "", "", err
	}
	ch, err := core.ParseNoticeChannel(args[1])
	return ev, ch, err
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func notifyPresetsCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "presets [--json]",
		Short: "Show the preset matrix: events × channels, on or off (* a customised template)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ps, err := a.svc.Presets()
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, ps)
			}
			head := []string{"EVENT"}
			for _, ch := range core.AllNoticeChannels {
				head = append(head, strings.ToUpper(string(ch)))
			}
			t := &table{head: head}
			for i := 0; i < len(ps); i += len(core.AllNoticeChannels) {
				row := []string{string(ps[i].Event)}
				for _, p := range ps[i : i+len(core.AllNoticeChannels)] {
					c := onOff(p.Enabled)
					if p.Custom {
						c += "*"
					}
					row = append(row, c)
				}
				t.add(row...)
			}
			if err := t.write(a.stdout); err != nil {
				return err
			}
			cfgs, err := a.svc.ChannelConfigs()
			if err != nil {
				return err
			}
			var off []string
			for _, c := range cfgs {
				if !c.Enabled {
					off = append(off, string(c.Channel))
				}
			}
			if len(off) > 0 {
				fmt.Fprintf(a.stdout, "Channels switched off (nothing is queued on them): %s. Switch one on with `switchboard notify channel set CHANNEL --enable`.\n", strings.Join(off, ", "))
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the 28 presets with their templates as JSON")
	return cmd
}

func notifyToggleCmd(a *app, on bool) *cobra.Command {
	verb := "disable"
	if on {
		verb = "enable"
	}
	return &cobra.Command{
		Use:     verb + " EVENT CHANNEL",
		Short:   strings.ToUpper(verb[:1]) + verb[1:] + " one preset notification (admins only)",
		Example: "  switchboard notify " + verb + " submitted sms\n  events: submitted, completed, terminated, evaluation-invitation, evaluation-success, service-report, report-signature\n  channels: wechat, mini-program, sms, email",
		Args:    exactArgs("EVENT", "CHANNEL"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ev, ch, err := eventChannel(args)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			p, err := a.svc.SetPresetEnabled(a.actor, ev, ch, on)
			if err != nil {
				return err
			}
			a.log.Info("preset "+verb+"d", "event", ev, "channel", ch, "by", a.actor.Label())
			_, err = fmt.Fprintf(a.stdout, "%s on %s is %s.\n", ev.Title(), ch.Title(), onOff(p.Enabled))
			return err
		}),
	}
}

func notifyTemplateCmd(a *app) *cobra.Command {
	var file, subject, templateID, link string
	set := &cobra.Command{
		Use:   "set EVENT CHANNEL --file F",
		Short: "Replace a preset's template (admins only); unknown #Variables# are refused",
		Long: `Replace a preset's template. The file holds, per channel:
  email         the HTML body (give the subject with --subject)
  sms           the text, e.g. "Your [Work Order #WorkOrderNumber# - #Subject#] is completed. Please evaluate: #URL#"
  wechat        keyword lines key=value (first=…, keyword1=…, remark=…); --template-id, --link
  mini-program  keyword lines key=value (thing1=…, time2=…); --template-id, --link (page path)
or a whole template as JSON ({"subject","body","text","template_id","fields":[{"key","value"}],"link"}).
Parts not given keep their current value. Variables: ` + variableList(),
		Example: `  switchboard notify template set completed sms --file completed.txt
  switchboard notify template set completed email --file completed.html --subject "[#WorkOrderNumber#] Completed"
  switchboard notify template set submitted wechat --file keywords.txt --template-id TM00001`,
		Args: exactArgs("EVENT", "CHANNEL"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ev, ch, err := eventChannel(args)
			if err != nil {
				return err
			}
			raw, err := a.readFile(file)
			if err != nil {
				return core.Invalid("file", "Cannot read the template file %s: %v.", file, err)
			}
			if err := a.open(); err != nil {
				return err
			}
			cur, err := a.svc.Preset(ev, ch)
			if err != nil {
				return err
			}
			t := cur.Template
			text := string(raw)
			switch {
			case strings.HasPrefix(strings.TrimSpace(text), "{"):
				t = core.Template{}
				if err := json.Unmarshal(raw, &t); err != nil {
					return core.Invalid("file", "The template file %s is not valid JSON: %v.", file, err)
				}
			case ch == core.NoticeWeChat || ch == core.NoticeMiniProgram:
				if t.Fields, err = core.ParseTemplateFields(text); err != nil {
					return err
				}
			default:
				t.Body = text
			}
			f := cmd.Flags()
			if f.Changed("subject") {
				t.Subject = subject
			}
			if f.Changed("template-id") {
				t.TemplateID = templateID
			}
			if f.Changed("link") {
				t.Link = link
			}
			p, err := a.svc.SetPresetTemplate(a.actor, ev, ch, t)
			if err != nil {
				return err
			}
			a.log.Info("preset template saved", "event", ev, "channel", ch, "by", a.actor.Label())
			return writeJSON(a.stdout, p)
		}),
	}
	f := set.Flags()
	f.StringVar(&file, "file", "", "the template `FILE` (required)")
	f.StringVar(&subject, "subject", "", "email subject")
	f.StringVar(&templateID, "template-id", "", "WeChat / mini-program template ID, or SMS template code")
	f.StringVar(&link, "link", "", "WeChat URL or mini-program page the message opens")
	_ = set.MarkFlagRequired("file")

	var number string
	show := &cobra.Command{
		Use:   "show EVENT CHANNEL [--wo NUMBER]",
		Short: "Show a preset's template and a preview against a work order (the newest by default)",
		Args:  exactArgs("EVENT", "CHANNEL"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ev, ch, err := eventChannel(args)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			p, err := a.svc.Preset(ev, ch)
			if err != nil {
				return err
			}
			r, err := a.svc.PreviewTemplate(ev, ch, p.Template, number)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, map[string]any{"preset": p, "preview": r})
		}),
	}
	show.Flags().StringVar(&number, "wo", "", "preview against work order `NUMBER`")

	reset := &cobra.Command{
		Use:   "reset EVENT CHANNEL",
		Short: "Go back to the shipped template (admins only)",
		Args:  exactArgs("EVENT", "CHANNEL"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ev, ch, err := eventChannel(args)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			p, err := a.svc.ResetPresetTemplate(a.actor, ev, ch)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, p)
		}),
	}
	return group("template", "Preset templates", set, show, reset)
}

func variableList() string {
	names := make([]string, len(core.TemplateVariables))
	for i, v := range core.TemplateVariables {
		names[i] = "#" + v.Name + "#"
	}
	return strings.Join(names, " ") + " (## is a literal #)."
}

func notifyOutboxCmd(a *app) *cobra.Command {
	var state, channel, number string
	var limit int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "outbox [--state S] [--channel C] [--wo NUMBER] [--json]",
		Short: "The delivery log: every message with its outcome, newest first",
		Example: `  switchboard notify outbox --state failed
  switchboard notify outbox --wo WO-000123 --json`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var q core.MessageQuery
			var err error
			if state != "" {
				if q.State, err = core.ParseMessageState(state); err != nil {
					return err
				}
			}
			if channel != "" {
				if q.Channel, err = core.ParseNoticeChannel(channel); err != nil {
					return err
				}
			}
			if !cmd.Flags().Changed("limit") && !asJSON {
				limit = defaultTableLimit
			}
			q.Limit = limit
			if err := a.open(); err != nil {
				return err
			}
			if number != "" {
				w, err := a.svc.WorkOrder(number)
				if err != nil {
					return err
				}
				q.WorkOrder = w.ID
			}
			ms, err := a.svc.Outbox(q)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, nonNil(ms))
			}
			if len(ms) == 0 {
				_, err := fmt.Fprintln(a.stdout, "No messages match.")
				return err
			}
			t := &table{head: []string{"ID", "STATE", "CHANNEL", "EVENT", "WORK ORDER", "TO", "TRIES", "UPDATED", "REASON"}, max: []int{0, 0, 0, 0, 0, 24, 0, 0, 60}}
			for _, m := range ms {
				to := core.MaskAddress(m.Recipient.Address)
				if to == "" {
					to = m.Recipient.Name
				}
				t.add(strconv.FormatUint(uint64(m.ID), 10), string(m.State), string(m.Channel), string(m.Event), dash(m.Number), dash(to), strconv.Itoa(m.Attempts), when(m.UpdatedAt), dash(m.Reason))
			}
			return t.write(a.stdout)
		}),
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "only this `STATE`: queued, sending, held, sent, failed, not-sent or cancelled")
	f.StringVar(&channel, "channel", "", "only this `CHANNEL`: wechat, mini-program, sms or email")
	f.StringVar(&number, "wo", "", "only messages of work order `NUMBER`")
	f.IntVar(&limit, "limit", 0, "at most `N` messages (default 50 in the table, all with --json)")
	f.BoolVar(&asJSON, "json", false, "print a JSON array of messages")
	return cmd
}

func notifyRetryCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "retry ID",
		Short: "Queue a failed or not-sent message again (admins only)",
		Args:  exactArgs("ID"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			id, err := core.ParseID("id", args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			m, err := a.svc.RetryMessage(a.actor, id)
			if err != nil {
				return err
			}
			a.log.Info("message retried", "id", id, "by", a.actor.Label())
			_, err = fmt.Fprintf(a.stdout, "Message %d is queued again; the console or `switchboard serve` delivers it (or run `switchboard notify deliver`).\n", m.ID)
			return err
		}),
	}
}

func notifyChannelCmd(a *app) *cobra.Command {
	var enable, disable bool
	set := &cobra.Command{
		Use:   "set CHANNEL [--enable|--disable] [KEY=VALUE…]",
		Short: "Configure a channel (admins only); KEY= removes a setting",
		Long: `Configure a channel. Settings (any of them may instead come from the
environment as SWITCHBOARD_<CHANNEL>_<KEY>, e.g. SWITCHBOARD_EMAIL_PASSWORD):
` + channelSettingsHelp() + `
Give a secret as KEY=- to type it (or pipe it) on standard input, or as
KEY=@FILE to read it from a file: a value on the command line shows in the
process list while the command runs.`,
		Example: `  switchboard notify channel set email --enable host=smtp.example.com port=587 username=svc from=service@example.com
  switchboard notify channel set email password=- < smtp-password.txt
  switchboard notify channel set sms access_key_secret=@/run/secrets/aliyun
  SWITCHBOARD_EMAIL_PASSWORD=… switchboard   # the password from the environment, never stored
  switchboard notify channel set wechat --enable app_id=wx123 app_secret=… 
  switchboard notify channel set sms --enable access_key_id=LTAI… access_key_secret=… sign_name=华联服务 template_code=SMS_123`,
		Args: cobra.MinimumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ch, err := core.ParseNoticeChannel(args[0])
			if err != nil {
				return err
			}
			if enable && disable {
				return usagef("notify channel set takes --enable or --disable, not both.")
			}
			kv := map[string]string{}
			stdinUsed := false
			for _, arg := range args[1:] {
				k, v, ok := strings.Cut(arg, "=")
				if !ok || k == "" {
					return core.Invalid("settings", "%q is not KEY=VALUE, e.g. host=smtp.example.com.", arg)
				}
				switch {
				case v == "-":
					if stdinUsed {
						return core.Invalid("settings", "Only one setting can be read from standard input; give the others as KEY=@FILE.")
					}
					stdinUsed = true
					b, err := readAllLimited(cmd.InOrStdin(), 64<<10)
					if err != nil {
						return err
					}
					v = strings.TrimRight(string(b), "\r\n")
				case strings.HasPrefix(v, "@"):
					p, err := a.abs(v[1:])
					if err != nil {
						return err
					}
					b, err := readFileLimited(p, 64<<10)
					if err != nil {
						return core.Invalid("settings", "%s=@%s: %v", k, v[1:], err)
					}
					v = strings.TrimRight(string(b), "\r\n")
				}
				kv[strings.ToLower(k)] = v
			}
			var on *bool
			if enable || disable {
				on = &enable
			}
			if err := a.open(); err != nil {
				return err
			}
			c, err := a.svc.SetChannelConfig(a.actor, ch, on, kv)
			if err != nil {
				return err
			}
			a.log.Info("channel configured", "channel", ch, "keys", len(kv), "by", a.actor.Label())
			return writeJSON(a.stdout, shownChannel(c))
		}),
	}
	set.Flags().BoolVar(&enable, "enable", false, "switch the channel on")
	set.Flags().BoolVar(&disable, "disable", false, "switch the channel off (nothing is queued on it)")

	var asJSON bool
	show := &cobra.Command{
		Use:   "show [CHANNEL] [--json]",
		Short: "Show channel settings; secrets are masked",
		Args:  cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			cfgs, err := a.svc.ChannelConfigs()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				ch, err := core.ParseNoticeChannel(args[0])
				if err != nil {
					return err
				}
				c, _ := a.svc.ChannelConfig(ch)
				cfgs = []core.ChannelConfig{c}
			}
			var out []channelView
			for _, c := range cfgs {
				out = append(out, shownChannel(c))
			}
			if asJSON {
				return writeJSON(a.stdout, out)
			}
			t := &table{head: []string{"CHANNEL", "ON", "SETTING", "VALUE", "FROM"}}
			for _, c := range out {
				for i, s := range c.Settings {
					name, on := "", ""
					if i == 0 {
						name, on = string(c.Channel), onOff(c.Enabled)
					}
					t.add(name, on, s.Key, dash(s.Value), dash(s.From))
				}
			}
			return t.write(a.stdout)
		}),
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print JSON")

	var to string
	test := &cobra.Command{
		Use:   "test CHANNEL --to ADDRESS",
		Short: "Send a test message now and print its outcome (admins only)",
		Args:  exactArgs("CHANNEL"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			ch, err := core.ParseNoticeChannel(args[0])
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			m, err := a.svc.SendTest(a.actor, ch, to)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			w := channels.NewWorker(a.svc, channels.Options{Log: a.log})
			if _, err := w.Drain(ctx); err != nil {
				return err
			}
			m, err = a.svc.OutboxMessage(m.ID)
			if err != nil {
				return err
			}
			if m.State != core.MsgSent {
				return core.Invalid("to", "The test message %d was not delivered (%s): %s.", m.ID, m.State, strings.TrimSuffix(m.Reason, "."))
			}
			_, err = fmt.Fprintf(a.stdout, "Test message %d delivered to %s (provider id %s).\n", m.ID, core.MaskAddress(m.Recipient.Address), dash(m.ProviderID))
			return err
		}),
	}
	test.Flags().StringVar(&to, "to", "", "the `ADDRESS`: an email, a mobile number or an open ID (required)")
	_ = test.MarkFlagRequired("to")
	return group("channel", "Channel settings: email, WeChat, mini program, SMS", set, show, test)
}

type channelView struct {
	Channel  core.NoticeChannel  `json:"channel"`
	Enabled  bool                `json:"enabled"`
	Settings []core.ShownSetting `json:"settings"`
}

func shownChannel(c core.ChannelConfig) channelView {
	return channelView{Channel: c.Channel, Enabled: c.Enabled, Settings: c.Masked(os.Getenv)}
}

func channelSettingsHelp() string {
	var b strings.Builder
	for _, ch := range core.AllNoticeChannels {
		fmt.Fprintf(&b, "  %s:\n", ch)
		for _, s := range core.ChannelSettings[ch] {
			d := ""
			if s.Default != "" {
				d = " (default " + s.Default + ")"
			}
			fmt.Fprintf(&b, "    %-18s %s%s\n", s.Key, s.Help, d)
		}
	}
	return b.String()
}

func notifyPolicyCmd(a *app) *cobra.Command {
	var mode, order, publicURL, handover string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "policy [--mode fallback|all] [--order C,C…] [--handover D] [--public-url URL]",
		Short: "Message priority (fallback in order, or all at once) and the base of #URL#",
		Example: `  switchboard notify policy --mode fallback --order wechat,sms,email
  switchboard notify policy --public-url https://service.example.com`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ns, err := a.svc.NotifySettings()
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if f.Changed("mode") || f.Changed("order") || f.Changed("handover") {
				p := ns.Policy
				if f.Changed("handover") {
					d, err := core.ParseDuration(handover)
					if err != nil {
						return core.Invalid("handover", "--handover %q is not a duration: e.g. 10m or 1h.", handover)
					}
					p.Handover = d
				}
				if f.Changed("mode") {
					p.Mode = strings.ToLower(strings.TrimSpace(mode))
				}
				if f.Changed("order") {
					p.Order = nil
					for _, s := range strings.Split(order, ",") {
						ch, err := core.ParseNoticeChannel(s)
						if err != nil {
							return err
						}
						p.Order = append(p.Order, ch)
					}
				}
				if err := a.svc.SetDeliveryPolicy(a.actor, p); err != nil {
					return err
				}
			}
			if f.Changed("public-url") {
				if err := a.svc.SetPublicURL(a.actor, publicURL); err != nil {
					return err
				}
			}
			if ns, err = a.svc.NotifySettings(); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, ns)
			}
			order := make([]string, len(ns.Policy.Order))
			for i, c := range ns.Policy.Order {
				order[i] = string(c)
			}
			_, err = fmt.Fprintf(a.stdout, "mode:       %s\norder:      %s\nhandover:   %s (fallback: the next channel takes over after that)\npublic url: %s\nsms credits: %d\n",
				ns.Policy.Mode, strings.Join(order, ", "), core.Duration(ns.Policy.HandoverAfter()), dash(ns.PublicURL), ns.SMSCredits)
			return err
		}),
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "", "fallback (try channels in order until one delivers) or all (every channel at once)")
	f.StringVar(&order, "order", "", "channel order, e.g. wechat,sms,email")
	f.StringVar(&handover, "handover", "", "in fallback mode, how long a channel has to deliver before the next takes over (default 10m)")
	f.StringVar(&publicURL, "public-url", "", "the web listener's public address, the base of #URL#")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func notifyDeliverCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "deliver",
		Short: "Deliver every message that is due now, then exit (the console and serve do this continuously)",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			n, err := channels.NewWorker(a.svc, channels.Options{Log: a.log}).Drain(ctx)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "%d message(s) attempted; see `switchboard notify outbox`.\n", n)
			return err
		}),
	}
}

func smsCmd(a *app) *cobra.Command {
	var add int
	var asJSON bool
	credits := &cobra.Command{
		Use:   "credits [--add N] [--json]",
		Short: "Show the SMS credit balance, or top it up (admins only); each SMS sent costs one",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			var n int
			var err error
			if cmd.Flags().Changed("add") {
				n, err = a.svc.AddSMSCredits(a.actor, add)
				if err == nil {
					a.log.Info("sms credits added", "n", add, "balance", n, "by", a.actor.Label())
				}
			} else {
				n, err = a.svc.SMSCredits()
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, map[string]int{"credits": n})
			}
			_, err = fmt.Fprintf(a.stdout, "%d SMS credits\n", n)
			return err
		}),
	}
	credits.Flags().IntVar(&add, "add", 0, "add `N` credits")
	credits.Flags().BoolVar(&asJSON, "json", false, `print {"credits": N}`)
	return group("sms", "SMS service: credits", credits)
}

// notifyVerifyCmd shows or sets phone verification (R-IN-8).
func notifyVerifyCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify [sms|off|auto] [--json]",
		Short: "Phone verification by SMS code on the customer forms (R-IN-8): show, or set sms, off or auto",
		Long: `A customer who gives a phone number on the customer form or a device
sticker's form proves it with a 6-digit code sent by SMS before the request
is matched to their contact or terminal user. Without the code the request is
still accepted, as a guest's (matched to nobody, marked unverified).

  sms   always ask for a code
  off   take a typed phone number on trust
  auto  sms while the SMS channel is switched on (the default)`,
		Example: `  switchboard notify verify
  switchboard notify verify sms`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.open(); err != nil {
				return err
			}
			var v core.PhoneVerification
			var err error
			if len(args) == 1 {
				v, err = a.svc.SetPhoneVerification(a.actor, core.VerifyMode(args[0]))
			} else {
				v, err = a.svc.PhoneVerification()
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(a.stdout, v)
			}
			_, err = fmt.Fprintf(a.stdout, "Phone verification: %s — %s.\n", v.Mode, v.Why)
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
