package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"switchboard/cmd/switchboard/internal/wire"
)

// errNoServer: no server listens for the database (no socket, or a stale one).
var errNoServer = errors.New("no switchboard server runs for the database")

// dialServer connects to the server for the database at db.
func dialServer(db string) (*net.UnixConn, error) {
	sock := socketPath(db)
	c, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: sock, Net: "unix"})
	switch {
	case err == nil:
		if err := verifyServer(c, db, sock); err != nil {
			_ = c.Close()
			return nil, err
		}
		return c, nil
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ENOTDIR):
		return nil, errNoServer
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		if fi, serr := os.Stat(sock); serr == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				owner := osUserName(int(st.Uid))
				return nil, fmt.Errorf("the switchboard server for %s belongs to OS user %s and its socket %s is theirs alone: log in as %s to use this database (see \"Remote dispatchers\" in the README)", db, owner, sock, owner)
			}
		}
		return nil, fmt.Errorf("the switchboard server for %s belongs to another OS user (you may not reach its socket %s): log in as that user to use this database (see \"Remote dispatchers\" in the README)", db, sock)
	}
	return nil, fmt.Errorf("cannot reach the switchboard server at %s: %w", sock, err)
}

// verifyServer makes sure the program that answered at sock is the
// database's server before anything is sent to it — a command's arguments,
// its input, a console's keys. Its process must run as the OS user who owns
// the database file (or root), and the socket's directory must be theirs (or
// root's) and not open to others' writes unless sticky (like /tmp): another
// user who put a socket there first would otherwise receive every command.
func verifyServer(c *net.UnixConn, db, sock string) error {
	peer, err := peerOf(c)
	if err != nil {
		return fmt.Errorf("cannot tell who serves %s (%v): nothing was sent to it", sock, err)
	}
	owner := os.Geteuid() // a database not there yet: only our own server may answer for it
	if fi, err := os.Stat(db); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			owner = int(st.Uid)
		}
	}
	if peer.UID != owner && peer.UID != 0 {
		return fmt.Errorf("the program answering at %s runs as OS user %s, but the database %s belongs to OS user %s: it is not this database's server, so nothing was sent to it. Remove %s if it is not yours to keep, or ask %s what it is", sock, osUserName(peer.UID), db, osUserName(owner), sock, osUserName(peer.UID))
	}
	dir := filepath.Dir(sock)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot check the socket directory %s: %v", dir, err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if int(st.Uid) != peer.UID && st.Uid != 0 {
		return fmt.Errorf("the socket directory %s belongs to OS user %s, not to the server's user %s: anyone owning it could put another program in the server's place, so nothing was sent. Keep the database (and its socket) in a directory of %s's", dir, osUserName(int(st.Uid)), osUserName(peer.UID), osUserName(peer.UID))
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("others may write in the socket directory %s (mode %#o), so they could put another program in the server's place: nothing was sent. Make it writable by its owner only (chmod go-w %s)", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// serverUp reports whether a server answers for db.
func serverUp(db string) bool {
	c, err := dialServer(db)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// isLocal reports whether cmd runs in this process even when a server runs.
func isLocal(cmd *cobra.Command) bool {
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[localOnly] != "" {
			return true
		}
	}
	return !cmd.HasParent() || cmd.Name() == "help"
}

// dbArg finds --db on a command line (before "--").
func dbArg(args []string) (string, bool) {
	for i, s := range args {
		switch {
		case s == "--":
			return "", false
		case s == "--db" && i+1 < len(args):
			return args[i+1], true
		case strings.HasPrefix(s, "--db="):
			return strings.TrimPrefix(s, "--db="), true
		}
	}
	return "", false
}

// clientEnvironment is the part of this process's environment a server needs to
// run a command as this process would.
func clientEnvironment() map[string]string {
	env := map[string]string{}
	for _, k := range forwardedEnv {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// forward sends the command line to the server for its database when one runs and
// the command is not one that runs here; ok is false when the command should run
// in this process.
func forward(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int, ok bool) {
	a := newLocalApp(args, stdin, stdout, stderr)
	root := newRoot(a)
	cmd, _, err := root.Find(args)
	if err != nil || isLocal(cmd) {
		return 0, false
	}
	flag, set := dbArg(args)
	db, _, err := resolveDBPath(flag, set, os.Getenv, "")
	if err != nil {
		return 0, false
	}
	c, err := dialServer(db)
	if errors.Is(err, errNoServer) {
		return 0, false
	}
	if err != nil {
		fmt.Fprintln(stderr, "switchboard: "+oneLine(err.Error()))
		return 1, true
	}
	defer c.Close()
	cwd, _ := os.Getwd()
	code = runRemote(c, wire.HelloMsg{
		Version: wire.Version, Kind: wire.KindCLI, Args: args, Cwd: cwd, Build: buildID(),
		Env: clientEnvironment(), StdoutWidth: stdoutWidth(stdout),
	}, stdin, stdout, stderr)
	if code == 0 && cmd.Name() == "stop" && cmd.Parent() != nil && cmd.Parent().Name() == "server" {
		// Return once the server is gone, so that the next command opens the
		// database itself.
		for deadline := time.Now().Add(15 * time.Second); serverUp(db) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
		}
	}
	return code, true
}

// runRemote runs one command on the server: stdout and stderr come back as
// frames, stdin goes there when the command reads it, the exit status is last.
func runRemote(c net.Conn, h wire.HelloMsg, stdin io.Reader, stdout, stderr io.Writer) int {
	w := wire.NewWriter(c)
	// A failed hello is reported by the read below: a server that refuses the
	// client may have said why and closed before the hello was written.
	_ = w.WriteHello(h)
	sending := false
	files := newFileReceiver(w)
	defer files.abandon()
	for {
		f, err := wire.ReadFrame(c)
		if err != nil {
			fmt.Fprintf(stderr, "switchboard: the server stopped while running this command (%v); check whether it took effect before running it again\n", err)
			return 1
		}
		switch f.Type {
		case wire.Stdout:
			_, _ = stdout.Write(f.Payload)
		case wire.Stderr:
			_, _ = stderr.Write(f.Payload)
		case wire.SaveFile:
			files.part(f.Payload)
		case wire.WantStdin:
			if !sending && stdin != nil {
				sending = true
				go sendStdin(w, stdin)
			}
		case wire.Exit:
			code, msg, err := wire.ParseExit(f.Payload)
			if err != nil {
				fmt.Fprintf(stderr, "switchboard: the server sent a bad exit status: %v\n", err)
				return 1
			}
			if msg != "" {
				fmt.Fprintln(stderr, msg)
			}
			return code
		}
	}
}

// sendStdin copies stdin to the server, then says it ended.
func sendStdin(w *wire.Writer, stdin io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := stdin.Read(buf)
		if n > 0 {
			if werr := w.Write(wire.Stdin, buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			_ = w.Write(wire.StdinEOF, nil)
			return
		}
	}
}

// startServer starts the background server for db (`server daemon`, in a session
// of its own, stdio on /dev/null, logging to the log file) and waits until it
// listens or says why it cannot.
func startServer(db string, web webFlags) (readyInfo, error) {
	exe, err := os.Executable()
	if err != nil {
		return readyInfo{}, fmt.Errorf("cannot find the switchboard program to start a server: %w", err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return readyInfo{}, err
	}
	defer pr.Close()
	args := []string{"--db", db, "server", "daemon", "--listen", web.listen}
	if web.ssh != "" {
		args = append(args, "--ssh", web.ssh)
	}
	if web.publicURL != "" {
		args = append(args, "--public-url", web.publicURL)
	}
	cmd := exec.Command(exe, args...)
	for _, kv := range os.Environ() {
		// The server acts as its owner; who acts in a console is the console's matter.
		if !strings.HasPrefix(kv, "SWITCHBOARD_USER=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Dir = "/"
	// A crash of the server (a Go panic goes to stderr) lands in its log.
	_ = os.MkdirAll(filepath.Dir(db), 0o700)
	if f, err := os.OpenFile(logPath(db), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
		defer f.Close()
		cmd.Stderr = f
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.ExtraFiles = []*os.File{pw}
	if err := cmd.Start(); err != nil {
		pw.Close()
		return readyInfo{}, fmt.Errorf("cannot start the switchboard server: %w", err)
	}
	pw.Close()
	go func() { _ = cmd.Wait() }() // reap it if it ends while we run
	info, err := readReady(pr, 30*time.Second)
	if err != nil {
		return readyInfo{}, fmt.Errorf("the switchboard server for %s did not start: %w (log: %s)", db, err, logPath(db))
	}
	if info.PID == 0 && !info.Running {
		return readyInfo{}, errors.New("the switchboard server answered without its pid " + strconv.Quote(fmt.Sprint(info)))
	}
	return info, nil
}
