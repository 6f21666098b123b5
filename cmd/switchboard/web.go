package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"switchboard/core"
	"switchboard/core/channels"
	"switchboard/core/portal"
)

// webFlags are the web listener's flags, on the console, the demo and serve.
type webFlags struct {
	listen, publicURL string
	ssh               string // --ssh: also serve the console over SSH on this address
}

// consoleFlags are how a console looks and takes input.
type consoleFlags struct {
	theme   string
	noMouse bool
}

func addConsoleFlags(cmd *cobra.Command, c *consoleFlags) {
	f := cmd.Flags()
	f.StringVar(&c.theme, "theme", "", "colours: auto (follow the terminal), dark, light or high-contrast (env SWITCHBOARD_THEME); NO_COLOR=1 for none")
	f.BoolVar(&c.noMouse, "no-mouse", false, "leave the mouse to the terminal (select and copy text as usual)")
}

func addWebFlags(cmd *cobra.Command, w *webFlags) {
	f := cmd.Flags()
	f.StringVar(&w.listen, "listen", core.DefaultListen, "web listener `ADDR` for customers' links")
	f.StringVar(&w.publicURL, "public-url", "", "the `URL` customers reach the listener at (behind a proxy); saved for links made later")
	f.StringVar(&w.ssh, "ssh", "", "also serve the console over SSH on `ADDR` (e.g. 127.0.0.1:2222 or :2222); users log in with keys added by `user key add`")
}

// publicURL is the address links are built on: --public-url (saved for later
// commands when the actor may), else the saved one, else empty: the address the
// listener takes.
func (a *app) publicURL(w webFlags) (string, error) {
	if w.publicURL != "" {
		u, err := core.CheckPublicURL(w.publicURL)
		if err != nil {
			return "", err
		}
		if err := a.svc.SetPublicURL(a.actor, u); err != nil {
			a.log.Warn("public URL not saved", "err", err)
		}
		return u, nil
	}
	saved, err := a.svc.PublicURL()
	if err != nil {
		return "", err
	}
	if saved != "http://"+core.DefaultListen || w.listen == "" {
		return saved, nil
	}
	// Empty: the listener names the address it actually took (a port of 0
	// becomes the one the kernel chose).
	return "", nil
}

// startWeb starts the web listener on the open database.
func (a *app) startWeb(w webFlags) (*portal.Server, error) {
	pub, err := a.publicURL(w)
	if err != nil {
		return nil, err
	}
	srv := portal.New(a.svc, portal.Config{Listen: w.listen, PublicURL: pub, Log: a.log,
		WeChat: &channels.WeChatAuth{Svc: a.svc, Client: &http.Client{Timeout: 15 * time.Second}}})
	if err := srv.Start(); err != nil {
		a.log.Warn("web listener not started", "err", err)
		return nil, err
	}
	a.svc.SetWebURL(srv.URL())
	return srv, nil
}

func serveCmd(a *app) *cobra.Command {
	var w webFlags
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--public-url URL] [--ssh ADDR]",
		Short: "Run the web listener for customers' links without a console",
		Long: `Run the web listener (customer forms, task links, device stickers) on the
database until interrupted, with the notification outbox worker, the process
timers and the mail poller. This is the server the console starts in the
background, in the foreground: consoles and commands on the database attach to
it while it runs (see ` + "`switchboard server`" + `).`,
		Example: `  switchboard serve
  switchboard serve --listen 0.0.0.0:8080 --public-url https://service.example.com
  switchboard serve --ssh :2222        # and the console over SSH: ssh -p 2222 host`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if err := a.refuseIfServed("serve", "it already runs the web listener, the outbox and the timers"); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return a.runServer(ctx, serverOptions{web: w, webRequired: true, ready: func(s *server) {
				fmt.Fprintf(a.stdout, "switchboard: web listener on %s (db %s); ctrl+c stops it\n", s.webURL, displayDB(a.dbPath))
				if s.sshAddr != "" {
					fmt.Fprintf(a.stdout, "switchboard: SSH console on %s (users log in with keys: switchboard user key add LOGIN KEYFILE)\n", s.sshAddr)
				}
			}})
		}),
	}
	addWebFlags(cmd, &w)
	return markLocal(cmd)
}

func inviteCmd(a *app) *cobra.Command {
	var via, pub string
	var ttl time.Duration
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "invite NUMBER --via link|wechat|sms|email [--ttl D] [--json]",
		Short: "Invite the customer to the work order's terminal task; prints the link and its expiry",
		Long: `"Invite account" (R-TASK-2) on a work order at its terminal-task node: issue a
single-use link to the task and, with --via wechat, sms or email, queue the
invitation to the work order's external owner in the outbox (SMS uses credits).
Only the methods the terminal-task node offers are allowed (see
switchboard wo task NUMBER --show). The invitation is recorded in the history.`,
		Example: `  switchboard invite WO-000123 --via link
  switchboard invite 123 --via sms --ttl 48h --json`,
		Args: exactArgs("NUMBER"),
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			m, err := core.ParseInviteMethod(via)
			if err != nil {
				return err
			}
			if err := a.open(); err != nil {
				return err
			}
			base := ""
			if pub != "" {
				if base, err = a.linkBase(pub); err != nil {
					return err
				}
			}
			inv, err := a.svc.InviteAccount(a.actor, args[0], m, ttl)
			if err != nil {
				return err
			}
			if base != "" {
				inv.URL = core.LinkURL(base, core.TaskPathPrefix, inv.Token)
			}
			a.log.Info("invitation issued", "number", inv.Number, "via", inv.Via, "expires", inv.ExpiresAt, "by", a.actor.Label())
			if asJSON {
				return writeJSON(a.stdout, inv)
			}
			fmt.Fprintf(a.stdout, "%s\nexpires %s (single use)\n", inv.URL, inv.ExpiresAt.Local().Format("2006-01-02 15:04 MST"))
			for _, msg := range inv.Messages {
				fmt.Fprintf(a.stdout, "%s message #%d to %s: %s", msg.Channel.Title(), msg.ID, core.MaskAddress(msg.Recipient.Address), msg.State)
				if msg.Reason != "" {
					fmt.Fprintf(a.stdout, " — %s", msg.Reason)
				}
				fmt.Fprintln(a.stdout)
			}
			return nil
		}),
	}
	f := cmd.Flags()
	f.StringVar(&via, "via", "", "invitation method: link, wechat, sms or email")
	f.DurationVar(&ttl, "ttl", core.DefaultInviteTTL, "how long the link works, e.g. 48h (at most 90 days)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.StringVar(&pub, "public-url", "", "print the link on this `URL` instead of the saved public URL (messages use the saved one)")
	_ = cmd.MarkFlagRequired("via")
	return cmd
}

// linkBase is --public-url when given, else the saved public URL.
func (a *app) linkBase(flag string) (string, error) {
	if flag != "" {
		return core.CheckPublicURL(flag)
	}
	u, err := a.svc.PublicURL()
	if err != nil {
		return "", errors.New("cannot read the public URL: " + err.Error())
	}
	return u, nil
}

// openLinkBase opens the database and returns linkBase(flag).
func (a *app) openLinkBase(flag string) (string, error) {
	if err := a.open(); err != nil {
		return "", err
	}
	return a.linkBase(flag)
}
