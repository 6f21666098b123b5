package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"switchboard/core"

	"github.com/charmbracelet/x/term"
	"github.com/muesli/termenv"

	"switchboard/cmd/switchboard/internal/wire"
	"switchboard/tui/common"
)

// console attaches this terminal to the server for database db ("" for the one
// the flags and environment name) as a console, starting a background server
// first when none runs (as tmux does). The console itself runs in the server;
// this process only carries keys, window sizes and the screen.
func (a *app) console(db string, web webFlags, cf consoleFlags) error {
	theme := cf.theme
	if theme == "" {
		theme = a.getenv("SWITCHBOARD_THEME")
	}
	if _, ok := common.ThemeByName(theme); !ok {
		return core.Invalid("theme", "There is no theme %q: use %s.", theme, strings.Join(common.ThemeNames, ", "))
	}
	if db == "" {
		var err error
		if db, _, err = a.resolveDB(); err != nil {
			return err
		}
	}
	c, err := dialServer(db)
	started := false
	if errors.Is(err, errNoServer) {
		if _, err = startServer(db, web); err != nil {
			return err
		}
		started = true
		c, err = dialServer(db)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	cwd, _ := os.Getwd()
	h := wire.HelloMsg{
		Version: wire.Version, Kind: wire.KindConsole, Args: a.args, Cwd: cwd, Build: buildID(), Env: clientEnvironment(),
		Term: a.getenv("TERM"), As: a.requestedLogin(), Theme: theme, NoMouse: cf.noMouse,
	}
	if !started && (web.listen != core.DefaultListen || web.publicURL != "" || web.ssh != "") {
		// The running server keeps its own listeners: the console says so.
		h.Listen, h.PublicURL, h.SSH = web.listen, web.publicURL, web.ssh
	}
	in, _ := a.stdin.(*os.File)
	out, _ := a.stdout.(*os.File)
	if in == nil || out == nil {
		return errors.New("the console needs a terminal")
	}
	if code := attachConsole(c, h, in, out, a.stderr); code != 0 {
		return exitStatus(code)
	}
	return nil
}

// resetTerminal undoes what a console that could not end by itself left on the
// screen: the alternate screen, a hidden cursor, mouse and paste modes, colours.
const resetTerminal = "\x1b[0m\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?25h\x1b[?1049l"

// attachConsole runs the terminal side of a console session: raw mode, keys to
// the server, the server's output to the screen, window sizes on SIGWINCH. It
// returns the exit status; when the server dies it restores the terminal and
// says so.
func attachConsole(c net.Conn, h wire.HelloMsg, in, out *os.File, stderr io.Writer) int {
	isTerm := term.IsTerminal(in.Fd())
	h.Width, h.Height = 80, 24
	if w, ht, err := term.GetSize(out.Fd()); err == nil && w > 0 && ht > 0 {
		h.Width, h.Height = w, ht
	}
	tout := termenv.NewOutput(out)
	h.Profile = int(tout.EnvColorProfile())
	h.Dark = true
	if isTerm {
		// Ask the terminal for its background before the keys go to the server.
		h.Dark = tout.HasDarkBackground()
	}
	restore := func() {}
	if isTerm {
		st, err := term.MakeRaw(in.Fd())
		if err != nil {
			fmt.Fprintf(stderr, "switchboard: cannot put the terminal in raw mode: %v\n", err)
			return 1
		}
		restore = func() { _ = term.Restore(in.Fd(), st) }
	}
	defer restore()

	w := wire.NewWriter(c)
	_ = w.WriteHello(h) // a refusal comes back as an exit frame below
	go sendStdin(w, in)
	files := newFileReceiver(w)
	defer files.abandon()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGWINCH, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		for sig := range sigs {
			if sig != syscall.SIGWINCH {
				// Our terminal is going away: detach; the server ends this console.
				_ = c.Close()
				continue
			}
			if wd, ht, err := term.GetSize(out.Fd()); err == nil {
				_ = w.WriteResize(wd, ht)
			}
		}
	}()
	for {
		f, err := wire.ReadFrame(c)
		if err != nil {
			_, _ = io.WriteString(out, resetTerminal)
			restore()
			fmt.Fprintf(stderr, "switchboard: the server stopped (%s); run switchboard again to start a new one\n", lostWhy(err))
			return 1
		}
		switch f.Type {
		case wire.Stdout:
			if _, err := out.Write(f.Payload); err != nil {
				return 1
			}
		case wire.Stderr:
			_, _ = stderr.Write(f.Payload)
		case wire.SaveFile:
			files.part(f.Payload)
		case wire.Exit:
			code, msg, _ := wire.ParseExit(f.Payload)
			if code != 0 {
				_, _ = io.WriteString(out, resetTerminal)
			}
			restore()
			if msg != "" {
				fmt.Fprintln(stderr, msg)
			}
			return code
		}
	}
}

// lostWhy says in a few words why the connection to the server ended.
func lostWhy(err error) string {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return "the connection to it ended without a goodbye: it was killed or crashed"
	case errors.Is(err, net.ErrClosed):
		return "this terminal closed"
	}
	return err.Error()
}
