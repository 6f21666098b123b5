package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"switchboard/cmd/switchboard/internal/wire"
	"switchboard/tui"
)

// runCLI runs one command for a client, in this process on the open database,
// exactly as the client's own process would have: the same command tree, the
// client's arguments, environment, working directory and stdin, with stdout and
// stderr streamed back and the exit status last.
func (s *server) runCLI(c net.Conn, w *wire.Writer, h wire.HelloMsg, peer peerCred, ss *session) {
	pr, pw := io.Pipe()
	defer pr.Close()
	files := newClientFiles(w)
	go func() {
		defer files.close()
		for {
			f, err := wire.ReadFrame(c)
			if err != nil {
				pw.CloseWithError(io.ErrUnexpectedEOF)
				return
			}
			switch f.Type {
			case wire.FileSaved:
				files.deliver(f.Payload)
			case wire.Stdin:
				if _, err := pw.Write(f.Payload); err != nil {
					return
				}
			case wire.StdinEOF:
				pw.Close()
			}
		}
	}()
	a := &app{
		stdout:      w.Stream(wire.Stdout),
		stderr:      w.Stream(wire.Stderr),
		stdin:       &lazyStdin{w: w, r: pr},
		args:        h.Args,
		getenv:      clientEnv(h.Env),
		cwd:         h.Cwd,
		srv:         s,
		session:     ss,
		peerUID:     peer.UID,
		clientWidth: h.StdoutWidth,
		files:       files,
	}
	code := s.runProtected(a)
	s.log.Info("client command", "args", h.Args, "user", ss.login, "os_user", ss.osUser, "pid", peer.PID, "exit", code)
	_ = w.WriteExit(code, "")
	if a.afterExit != nil {
		a.afterExit()
	}
}

// runProtected runs the command; a panic ends this command, not the server with
// every console attached to it.
func (s *server) runProtected(a *app) (code int) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("command panicked", "args", a.args, "panic", r, "stack", string(debug.Stack()))
			fmt.Fprintf(a.stderr, "switchboard: internal error running this command (%v); the server's log %s has the details\n", r, logPath(s.dbPath))
			code = 1
		}
	}()
	return run(a)
}

// lazyStdin asks the client for its stdin on the first read: most commands never
// read it, and a client must not take keystrokes from a terminal for nothing.
type lazyStdin struct {
	w    *wire.Writer
	r    io.Reader
	once sync.Once
}

func (l *lazyStdin) Read(p []byte) (int, error) {
	l.once.Do(func() { _ = l.w.Write(wire.WantStdin, nil) })
	return l.r.Read(p)
}

// runConsole runs a console for a client's terminal: a Bubble Tea program of its
// own whose input is the client's keys and whose output goes back to it, drawn in
// the client's colour profile and background, on the one shared service (so each
// change shows on every console at once).
func (s *server) runConsole(c net.Conn, w *wire.Writer, h wire.HelloMsg, peer peerCred, ss *session) {
	actor, err := s.svc.Identify(osIdentity(peer.UID, s.dbPath), h.As)
	if err != nil {
		_ = w.WriteExit(1, "switchboard: "+oneLine(err.Error()))
		return
	}
	s.mu.Lock()
	ss.login = actor.Label()
	s.mu.Unlock()
	s.log.Info("console attached", "user", ss.login, "os_user", ss.osUser, "pid", peer.PID, "size", fmt.Sprintf("%dx%d", h.Width, h.Height))

	out := w.Stream(wire.Stdout)
	profile := termenv.Profile(h.Profile)
	if profile < termenv.TrueColor || profile > termenv.Ascii {
		profile = termenv.Ascii
	}
	// The profile is set on the renderer itself: an output option is ignored,
	// and guessing from the socket would give no colour at all.
	r := lipgloss.NewRenderer(out)
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(h.Dark)
	in, inW := io.Pipe()
	files := newClientFiles(w)
	problem := s.webProblem
	if h.Listen != "" || h.PublicURL != "" || h.SSH != "" {
		web := s.webURL
		if web == "" {
			web = "not running"
		}
		problem = strings.TrimSpace(problem + fmt.Sprintf(" Listener flags ignored: the server already runs (web %s); `switchboard server stop` first to change them.", web))
	}
	if s.otherBuild(h) != "" {
		problem = strings.TrimSpace(problem + fmt.Sprintf(" This console is served by another build of switchboard (server started %s): `switchboard server stop`, then start the console again.", s.started.Format("15:04")))
	}
	p, done := tui.Program(s.svc, actor, tui.Options{
		DBPath: displayDB(s.dbPath), WebURL: s.webURL, WebProblem: problem,
		Input: in, Output: out, Renderer: r, Files: consoleFiles{files, h.Cwd}, Theme: h.Theme, Mouse: !h.NoMouse,
		ProgramOptions: []tea.ProgramOption{tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=" + h.Term})},
	})
	var endMu sync.Mutex
	endMsg := ""
	end := func(msg string) {
		endMu.Lock()
		if endMsg == "" {
			endMsg = msg
		}
		endMu.Unlock()
		p.Kill()
	}
	s.mu.Lock()
	ss.end = end
	s.mu.Unlock()

	go func() {
		defer inW.Close()
		defer files.close()
		for {
			f, err := wire.ReadFrame(c)
			if err != nil {
				// The client went away (quit, closed its terminal, was killed).
				p.Kill()
				return
			}
			switch f.Type {
			case wire.FileSaved:
				files.deliver(f.Payload)
			case wire.Stdin:
				if _, err := inW.Write(f.Payload); err != nil {
					return
				}
			case wire.Resize:
				if wd, ht, err := wire.ParseResize(f.Payload); err == nil {
					go p.Send(tea.WindowSizeMsg{Width: wd, Height: ht})
				}
			}
		}
	}()
	go p.Send(tea.WindowSizeMsg{Width: h.Width, Height: h.Height})
	_, err = p.Run()
	done()
	_ = in.Close()
	endMu.Lock()
	msg := endMsg
	endMu.Unlock()
	switch {
	case msg != "":
		_ = w.WriteExit(1, msg)
	case err != nil && !errors.Is(err, tea.ErrProgramKilled):
		s.log.Error("console failed", "user", ss.login, "err", err)
		_ = w.WriteExit(1, "switchboard: the console failed: "+err.Error())
	default:
		_ = w.WriteExit(0, "")
	}
	s.log.Info("console detached", "user", ss.login, "os_user", ss.osUser, "pid", peer.PID)
}

// consoleFiles saves a console's files through its client, never over a file
// already there, and reads the files its person names (a photo to attach)
// relative to their working directory. The server reads them itself: only
// its own OS user's clients reach it (SO_PEERCRED), so it reads what they can.
type consoleFiles struct {
	c   *clientFiles
	cwd string
}

// ReadFile reads name (relative to the client's working directory), at most
// limit bytes.
func (f consoleFiles) ReadFile(name string, limit int64) ([]byte, error) {
	p, err := absIn(f.cwd, name)
	if err != nil {
		return nil, err
	}
	return readFileLimited(p, limit)
}

// SaveFile has the client write data as name.
func (f consoleFiles) SaveFile(name string, data []byte, mode os.FileMode) (string, error) {
	return f.c.Save(name, data, mode, false)
}
