package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"sort"
	"sync"
	"syscall"
	"time"

	"switchboard/cmd/switchboard/internal/wire"
	"switchboard/core"
)

// The switchboard server (issue 9): the one process that has the database open.
// It listens on a unix socket next to the database; consoles and CLI commands of
// the same OS user attach to it there (see client.go and console_client.go), so
// many dispatchers work at once on one database and every console stays live.

// server is the running server: the database, the socket and who is attached.
type server struct {
	a       *app // the app that opened the database
	dbPath  string
	svc     *core.Service
	log     *slog.Logger
	sock    string
	sockFI  os.FileInfo // the socket file as created, to notice its removal
	ln      *net.UnixListener
	uid     int
	started time.Time
	build   string // buildID of the server's executable

	webURL, webProblem string
	sshAddr            string // the SSH console's address, when --ssh

	mu       sync.Mutex
	sessions map[int64]*session
	nextID   int64
	reason   string        // why the server stops
	stopping chan struct{} // closed when the server should stop
	stopOnce sync.Once
	running  sync.WaitGroup // sessions in progress
}

// session is one attached client.
type session struct {
	id     int64
	kind   string // wire.KindCLI or wire.KindConsole
	login  string // the acting Switchboard user, once known
	osUser string
	pid    int
	since  time.Time
	args   []string
	// end stops a console with a message for its user (nil for CLI commands,
	// which are let finish).
	end func(msg string)
}

// serverOptions are how `serve` and the background server differ.
type serverOptions struct {
	web webFlags
	// webRequired makes a web listener that cannot start an error (serve);
	// otherwise the server runs without it and consoles show why in the footer.
	webRequired bool
	// ready is called once clients can attach.
	ready func(s *server)
}

// runServer is the one startup path of every server, foreground (`serve`) or
// background (started by the console, `server start`): it opens the database,
// listens on the socket, starts the web listener, the outbox worker with the
// timers and the mail poller, serves clients until ctx ends or `server stop`,
// then ends the sessions and closes everything.
func (a *app) runServer(ctx context.Context, opt serverOptions) error {
	a.mayCreate = true // a console (or serve) on a new path starts its database
	if err := a.open(); err != nil {
		return err
	}
	throughputGC()
	// SWITCHBOARD_CPUPROFILE=FILE writes the server's CPU profile until it
	// stops (for the benchmarks of attached consoles: go tool pprof FILE).
	if p := a.getenv("SWITCHBOARD_CPUPROFILE"); p != "" {
		if f, err := os.Create(p); err == nil && pprof.StartCPUProfile(f) == nil {
			defer func() { pprof.StopCPUProfile(); f.Close() }()
		}
	}
	s := &server{a: a, dbPath: a.dbPath, svc: a.svc, log: a.log, uid: os.Geteuid(), started: time.Now(), build: buildID(),
		sessions: map[int64]*session{}, stopping: make(chan struct{})}
	if err := s.listen(); err != nil {
		return err
	}
	defer s.closeSocket()
	web, err := a.startWeb(opt.web)
	switch {
	case err != nil && opt.webRequired:
		return err
	case err != nil:
		s.webProblem = err.Error()
	default:
		s.webURL = web.URL()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			a.log.Info("web listener stopping")
			_ = web.Shutdown(sctx)
		}()
	}
	defer a.startOutbox()()
	defer a.startMailPoller()()
	if opt.web.ssh != "" {
		bound, stopSSH, err := a.startSSH(opt.web.ssh)
		if err != nil {
			return err
		}
		defer stopSSH()
		s.sshAddr = bound
	}
	go s.accept()
	go s.watchSocket()
	s.log.Info("server ready", "socket", s.sock, "pid", os.Getpid(), "web", s.webURL, "web_problem", s.webProblem)
	if opt.ready != nil {
		opt.ready(s)
	}
	select {
	case <-ctx.Done():
		s.stop("interrupted")
	case <-s.stopping:
	}
	s.shutdown()
	return nil
}

// socketPath is the server's socket for the database at db: db.sock next to it,
// or, when that path is too long for a unix socket, one in a private directory
// under the temporary directory named by a hash of the database path.
func socketPath(db string) string {
	if p := db + ".sock"; len(p) <= 100 {
		return p
	}
	sum := sha256.Sum256([]byte(db))
	return filepath.Join(os.TempDir(), fmt.Sprintf("switchboard-%d", os.Geteuid()), hex.EncodeToString(sum[:10])+".sock")
}

// privateDir makes sure dir exists, belongs to us and is ours alone (a directory
// in /tmp that someone else made could be used to impersonate our server).
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot make the socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("the socket directory %s is not a private directory of yours (mode 0700): remove it and try again", dir)
	}
	return nil
}

// listen creates the socket, owner-only (0600), replacing a stale one: the server
// holds the database lock, so a socket file already there belongs to a server
// that died. The socket is made under a temporary name and renamed into place so
// that it is never reachable with looser permissions.
func (s *server) listen() error {
	s.sock = socketPath(s.dbPath)
	if filepath.Dir(s.sock) != filepath.Dir(s.dbPath) {
		if err := privateDir(filepath.Dir(s.sock)); err != nil {
			return err
		}
	}
	tmp := s.sock + ".new"
	_ = os.Remove(tmp)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return fmt.Errorf("cannot listen on %s for other consoles: %w", s.sock, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		_ = os.Remove(tmp)
		return err
	}
	if _, err := os.Lstat(s.sock); err == nil {
		s.log.Info("replacing a stale socket (its server is gone)", "socket", s.sock)
	}
	if err := os.Rename(tmp, s.sock); err != nil {
		ln.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("cannot put the socket in place at %s: %w", s.sock, err)
	}
	s.ln = ln
	s.sockFI, _ = os.Lstat(s.sock)
	return nil
}

// closeSocket stops listening and removes the socket file if it is still ours.
func (s *server) closeSocket() {
	if s.ln == nil {
		return
	}
	_ = s.ln.Close()
	if fi, err := os.Lstat(s.sock); err == nil && s.sockFI != nil && os.SameFile(fi, s.sockFI) {
		_ = os.Remove(s.sock)
	}
}

// watchSocket stops the server when its socket file disappears or is replaced:
// nobody can reach it any more (its directory was removed, or someone deleted
// the socket to get rid of it).
func (s *server) watchSocket() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stopping:
			return
		case <-t.C:
			fi, err := os.Lstat(s.sock)
			if err != nil || !os.SameFile(fi, s.sockFI) {
				s.stop("its socket " + s.sock + " was removed")
				return
			}
		}
	}
}

// stop asks the server to stop, for reason.
func (s *server) stop(reason string) {
	s.stopOnce.Do(func() {
		s.mu.Lock()
		s.reason = reason
		s.mu.Unlock()
		s.log.Info("server stopping", "reason", reason)
		close(s.stopping)
	})
}

// shutdown stops accepting, ends the consoles with a message saying why, and
// waits (a while) for CLI commands in progress.
func (s *server) shutdown() {
	s.closeSocket()
	s.mu.Lock()
	msg := fmt.Sprintf("switchboard: the server stopped (%s); run switchboard again to start a new one", s.reason)
	for _, ss := range s.sessions {
		if ss.end != nil {
			ss.end(msg)
		}
	}
	s.mu.Unlock()
	done := make(chan struct{})
	go func() { s.running.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		s.log.Warn("sessions still running at shutdown")
	}
}

// accept serves clients until the listener closes.
func (s *server) accept() {
	for {
		c, err := s.ln.AcceptUnix()
		if err != nil {
			select {
			case <-s.stopping:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Warn("accept", "err", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		s.running.Add(1)
		go func() {
			defer s.running.Done()
			defer c.Close()
			s.serveConn(c)
		}()
	}
}

// serveConn checks who the client is and runs its session.
func (s *server) serveConn(c *net.UnixConn) {
	w := wire.NewWriter(stallGuard{c})
	peer, err := peerOf(c)
	if err != nil {
		s.log.Warn("cannot read the client's credentials", "err", err)
		_ = w.WriteExit(1, "switchboard: the server cannot tell which OS user you are ("+err.Error()+"), so it does not let you in.")
		return
	}
	// Read the hello before anything else, also from a client about to be
	// refused, so that it is not cut off in the middle of saying it.
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	f, err := wire.ReadFrame(c)
	_ = c.SetReadDeadline(time.Time{})
	if peer.UID != s.uid {
		// The socket is 0600, but its permissions may have been loosened (or
		// the client is root): only the owner's processes may attach.
		s.log.Warn("refused a client of another OS user", "uid", peer.UID, "pid", peer.PID)
		owner := osUserName(s.uid)
		_ = w.WriteExit(1, fmt.Sprintf("switchboard: the server for %s belongs to OS user %s; OS user %s may not attach to it. Log in as %s to use this database (see \"Remote dispatchers\" in the README).",
			s.dbPath, owner, osUserName(peer.UID), owner))
		return
	}
	if err != nil || f.Type != wire.Hello {
		_ = w.WriteExit(2, "switchboard: the client did not say hello; is it a switchboard of the same version?")
		return
	}
	h, err := wire.ParseHello(f.Payload)
	if err == nil && h.Version != wire.Version {
		err = fmt.Errorf("the client speaks protocol %d, this server %d: stop the server with the old binary (`switchboard server stop`) and start again", h.Version, wire.Version)
	}
	if err != nil {
		_ = w.WriteExit(2, "switchboard: "+err.Error())
		return
	}
	if note := s.otherBuild(h); note != "" && h.Kind == wire.KindCLI {
		// A new flag would be "unknown", a fix would not be there: say why.
		_, _ = fmt.Fprintf(w.Stream(wire.Stderr), "switchboard: %s, then run the command again.\n", note)
	}
	select {
	case <-s.stopping:
		_ = w.WriteExit(1, "switchboard: the server is stopping; run the command again in a moment")
		return
	default:
	}
	ss := &session{kind: h.Kind, osUser: osUserName(peer.UID), pid: peer.PID, since: time.Now(), args: h.Args}
	s.add(ss)
	defer s.remove(ss)
	if h.Kind == wire.KindConsole {
		s.runConsole(c, w, h, peer, ss)
		return
	}
	s.runCLI(c, w, h, peer, ss)
}

// otherBuild says, when the client is another build of switchboard than the
// server (upgraded while the server ran), that the server runs it with its
// own code and how to restart it; "" when they are the same.
func (s *server) otherBuild(h wire.HelloMsg) string {
	if h.Build == "" || s.build == "" || h.Build == s.build {
		return ""
	}
	return fmt.Sprintf("the server for %s is another build of switchboard than this command (it started %s, before an upgrade?): it runs the command with its own code. Restart it to use this one: `switchboard --db %s server stop`",
		s.dbPath, s.started.Format("2006-01-02 15:04"), quoteArg(s.dbPath))
}

func (s *server) add(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	ss.id = s.nextID
	s.sessions[ss.id] = ss
}

func (s *server) remove(ss *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, ss.id)
}

// clientEnv is the client's environment as the commands read it.
func clientEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// forwardedEnv are the environment variables a client sends along: the ones the
// commands read.
var forwardedEnv = []string{"SWITCHBOARD_DB", "SWITCHBOARD_USER", "XDG_DATA_HOME", "HOME", "TERM", "NO_COLOR", "TZ", "SWITCHBOARD_THEME"}

// statusJSON is `server status --json`.
type statusJSON struct {
	Running    bool         `json:"running"`
	PID        int          `json:"pid,omitempty"`
	DB         string       `json:"db"`
	Socket     string       `json:"socket,omitempty"`
	StartedAt  *time.Time   `json:"started_at,omitempty"`
	Uptime     string       `json:"uptime,omitempty"`
	WebURL     string       `json:"web_url,omitempty"`
	WebProblem string       `json:"web_problem,omitempty"`
	SSH        string       `json:"ssh,omitempty"`
	Clients    []clientJSON `json:"clients"`
}

type clientJSON struct {
	Kind   string    `json:"kind"`
	User   string    `json:"user"`
	OSUser string    `json:"os_user"`
	PID    int       `json:"pid"`
	Since  time.Time `json:"since"`
}

// status describes the server, leaving out the session asking.
func (s *server) status(self *app) statusJSON {
	started := s.started.UTC().Truncate(time.Second)
	st := statusJSON{Running: true, PID: os.Getpid(), DB: s.dbPath, Socket: s.sock, StartedAt: &started,
		Uptime: time.Since(s.started).Truncate(time.Second).String(), WebURL: s.webURL, WebProblem: s.webProblem, SSH: s.sshAddr, Clients: []clientJSON{}}
	s.mu.Lock()
	for _, ss := range s.sessions {
		if ss.login == "" || (self != nil && ss == self.session) {
			continue
		}
		st.Clients = append(st.Clients, clientJSON{Kind: ss.kind, User: ss.login, OSUser: ss.osUser, PID: ss.pid, Since: ss.since.UTC().Truncate(time.Second)})
	}
	s.mu.Unlock()
	sort.Slice(st.Clients, func(i, j int) bool { return st.Clients[i].Since.Before(st.Clients[j].Since) })
	return st
}

// stallTimeout is how long a write to a client may block: a client that stops
// reading (a frozen terminal, a suspended ssh) is cut off rather than holding its
// console, and a server stop, forever.
const stallTimeout = 30 * time.Second

// stallGuard is a connection whose every write has a deadline.
type stallGuard struct{ c net.Conn }

func (g stallGuard) Write(p []byte) (int, error) {
	_ = g.c.SetWriteDeadline(time.Now().Add(stallTimeout))
	return g.c.Write(p)
}

// throughputGC collects garbage less often, unless GOGC is set: for the
// server and batch writes (a dispatch run). Their heap is small (the
// database is mapped, not read in) and turns over fast: collecting it less
// often costs a few MB and gave a third more creates a second under 64 API
// clients.
func throughputGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
