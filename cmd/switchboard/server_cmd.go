package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"

	"switchboard/core"
	"switchboard/store"
)

// localOnly marks commands that never go to a running server: the console (a
// client of its own kind), demo, serve and starting a server.
const localOnly = "switchboard/local-only"

func markLocal(c *cobra.Command) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[localOnly] = "yes"
	return c
}

func serverCmd(a *app) *cobra.Command {
	return group("server", "The server that owns the database: consoles and commands attach to it",
		serverStartCmd(a),
		serverStatusCmd(a),
		serverStopCmd(a),
		serverDaemonCmd(a),
	)
}

// readyInfo is what a starting background server tells the process that started it.
type readyInfo struct {
	PID        int    `json:"pid"`
	Socket     string `json:"socket"`
	WebURL     string `json:"web_url"`
	WebProblem string `json:"web_problem"`
	Running    bool   `json:"running"` // another server was already there
}

func serverStartCmd(a *app) *cobra.Command {
	var w webFlags
	cmd := &cobra.Command{
		Use:   "start [--listen ADDR] [--public-url URL]",
		Short: "Start the server for the database in the background (the console does this itself)",
		Long: `Start a background server for the database, as the console does when none runs:
it holds the database and runs the web listener, the outbox, timers and the mail
poller until ` + "`switchboard server stop`" + `. Consoles and commands on the database
attach to it. Nothing happens when a server already runs.`,
		Args: noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			db, _, err := a.resolveDB()
			if err != nil {
				return err
			}
			info := readyInfo{Running: serverUp(db)}
			if !info.Running {
				if info, err = startServer(db, w); err != nil {
					return err
				}
			}
			if info.Running {
				_, err = fmt.Fprintf(a.stdout, "switchboard: a server already runs for %s\n", db)
				return err
			}
			web := info.WebURL
			if web == "" {
				web = "not running: " + info.WebProblem
			}
			_, err = fmt.Fprintf(a.stdout, "switchboard: server started (pid %d) for %s; web listener %s\n", info.PID, db, web)
			return err
		}),
	}
	addWebFlags(cmd, &w)
	return markLocal(cmd)
}

// serverDaemonCmd is the background server itself, started by startServer with
// the ready pipe as file descriptor 3.
func serverDaemonCmd(a *app) *cobra.Command {
	var w webFlags
	cmd := &cobra.Command{
		Use:    "daemon",
		Short:  "Run the server in the background (internal: the console and `server start` run it)",
		Hidden: true,
		Args:   noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if _, err := unix.FcntlInt(3, unix.F_GETFD, 0); err != nil {
				return usagef("server daemon is started by switchboard itself; use `switchboard server start`.")
			}
			ready := os.NewFile(3, "ready")
			if db, _, err := a.resolveDB(); err == nil && serverUp(db) {
				b, _ := json.Marshal(readyInfo{Running: true})
				fmt.Fprintf(ready, "ok %s\n", b)
				return nil
			}
			// Wait for a command that has the database open for a moment.
			a.lockTimeout = 10 * time.Second
			signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			told := false
			err := a.runServer(ctx, serverOptions{web: w, ready: func(s *server) {
				b, _ := json.Marshal(readyInfo{PID: os.Getpid(), Socket: s.sock, WebURL: s.webURL, WebProblem: s.webProblem})
				fmt.Fprintf(ready, "ok %s\n", b)
				ready.Close()
				told = true
			}})
			if err != nil && !told {
				var locked *store.LockedError
				if db, _, rerr := a.resolveDB(); rerr == nil && errors.As(err, &locked) && serverUp(db) {
					b, _ := json.Marshal(readyInfo{Running: true})
					fmt.Fprintf(ready, "ok %s\n", b)
					return nil
				}
				fmt.Fprintf(ready, "err %s\n", oneLine(err.Error()))
			}
			return err
		}),
	}
	addWebFlags(cmd, &w)
	return markLocal(cmd)
}

func serverStatusCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status [--json]",
		Short: "Whether a server runs for the database: its pid, socket, uptime, web listener and attached clients",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			var st statusJSON
			if a.srv == nil {
				db, _, err := a.resolveDB()
				if err != nil {
					return err
				}
				st = statusJSON{DB: db, Clients: []clientJSON{}}
			} else {
				if err := a.open(); err != nil {
					return err
				}
				st = a.srv.status(a)
			}
			if asJSON {
				return writeJSON(a.stdout, st)
			}
			if !st.Running {
				_, err := fmt.Fprintf(a.stdout, "No switchboard server runs for %s; `switchboard` (the console) or `switchboard server start` starts one.\n", st.DB)
				return err
			}
			web := st.WebURL
			if web == "" {
				web = "not running: " + st.WebProblem
			}
			fmt.Fprintf(a.stdout, "Server pid %d for %s, up %s\nsocket  %s\nweb     %s\n", st.PID, displayDB(st.DB), st.Uptime, st.Socket, web)
			if st.SSH != "" {
				fmt.Fprintf(a.stdout, "ssh     %s\n", st.SSH)
			}
			if len(st.Clients) == 0 {
				_, err := fmt.Fprintln(a.stdout, "No other clients attached.")
				return err
			}
			t := &table{head: []string{"KIND", "USER", "OS USER", "PID", "SINCE"}}
			for _, c := range st.Clients {
				t.add(c.Kind, c.User, c.OSUser, fmt.Sprint(c.PID), c.Since.Local().Format("2006-01-02 15:04:05"))
			}
			return t.write(a.stdout)
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"running", "pid", "db", "socket", "uptime", "web_url", "ssh", "clients": [...]} as JSON`)
	return cmd
}

func serverStopCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "Stop the server (admins): attached consoles end with a message, running commands finish first",
		Args:  noArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if a.srv == nil {
				db, _, err := a.resolveDB()
				if err != nil {
					return err
				}
				return core.NotFoundf("No switchboard server runs for %s, so there is none to stop.", db)
			}
			if err := a.open(); err != nil {
				return err
			}
			if !a.actor.User.Has(core.RoleAdmin) {
				return forbiddenError(fmt.Sprintf("Stopping the server ends everyone's console: only admins may, and %s is not one.", a.actor.Label()))
			}
			st := a.srv.status(a)
			consoles := 0
			for _, c := range st.Clients {
				if c.Kind == "console" {
					consoles++
				}
			}
			srv, who := a.srv, a.actor.Label()
			a.afterExit = func() { srv.stop(fmt.Sprintf("stopped by %s with `switchboard server stop`", who)) }
			_, err := fmt.Fprintf(a.stdout, "Stopping the switchboard server (pid %d) for %s; %d console(s) attached.\n", st.PID, st.DB, consoles)
			return err
		}),
	}
}

// readReady reads the background server's one line on the ready pipe.
func readReady(r *os.File, timeout time.Duration) (readyInfo, error) {
	type res struct {
		line string
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		ch <- res{line, err}
	}()
	select {
	case got := <-ch:
		line := strings.TrimSpace(got.line)
		if rest, ok := strings.CutPrefix(line, "ok "); ok {
			var info readyInfo
			if err := json.Unmarshal([]byte(rest), &info); err != nil {
				return readyInfo{}, fmt.Errorf("the server said %q", line)
			}
			return info, nil
		}
		if rest, ok := strings.CutPrefix(line, "err "); ok {
			return readyInfo{}, errors.New(rest)
		}
		return readyInfo{}, errors.New("the server ended before it was ready; its log has the details")
	case <-time.After(timeout):
		return readyInfo{}, fmt.Errorf("the server did not get ready within %s; its log has the details", timeout)
	}
}

// refuseIfServed stops a command that must open the database itself (what) when a
// server holds it, saying what to do.
func (a *app) refuseIfServed(what, why string) error {
	db, _, err := a.resolveDB()
	if err != nil {
		return err
	}
	if !serverUp(db) {
		return nil
	}
	return fmt.Errorf("a switchboard server runs for %s (see `switchboard server status`): %s; to run %s anyway, stop the server first: switchboard server stop", db, why, what)
}
