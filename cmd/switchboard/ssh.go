package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"switchboard/tui"
	"switchboard/tui/common"
)

// hostKeyName is the SSH server's host key, next to the database: generated on
// the first start, owner-only, and the same ever after so clients' known_hosts
// stay valid.
const hostKeyName = "ssh_host_ed25519_key"

// Context keys of an SSH connection.
type sshCtxKey string

const (
	ctxFingerprint sshCtxKey = "switchboard-key"  // the accepted key's fingerprint
	ctxRefusal     sshCtxKey = "switchboard-why"  // why the last key was refused
	ctxTold        sshCtxKey = "switchboard-told" // the refusal was shown
)

// startSSH serves the console over SSH on addr (issue 9 item 4): each user logs
// in with a public key added by `switchboard user key add`, and gets the console
// as themselves in their terminal. Unknown keys and disabled users are refused
// with a sentence saying so. It returns the address it listens on and a
// function that stops the server (open consoles are told to quit).
func (a *app) startSSH(addr string) (bound string, stop func(), err error) {
	key, keyPath, err := hostKey(a.dbPath)
	if err != nil {
		return "", nil, err
	}
	a.sshGate = newSSHGate(func(why, remote string) { a.log.Warn("ssh connection closed", "why", why, "remote", remote) })
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(key),
		wish.WithPublicKeyAuth(a.sshKeyAuth),
		wish.WithKeyboardInteractiveAuth(sshRefusal),
		wish.WithMiddleware(a.sshConsole),
		wish.WithIdleTimeout(sshIdle),
	)
	if err != nil {
		return "", nil, err
	}
	srv.ConnCallback = a.sshGate.accept
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("the SSH server cannot listen on %s (%v): choose another address with --ssh, e.g. 127.0.0.1:2222", addr, err)
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, ssh.ErrServerClosed) {
			a.log.Error("ssh server", "err", err)
		}
	}()
	a.log.Info("ssh server started", "addr", ln.Addr().String(), "host_key", keyPath)
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		a.log.Info("ssh server stopped")
	}, nil
}

// sshKeyAuth accepts a key that belongs to an enabled user. A refused key's
// reason is kept for sshRefusal, which shows it to the person connecting.
func (a *app) sshKeyAuth(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	as, err := a.svc.LoginByKey(fp)
	if err != nil {
		ctx.SetValue(ctxRefusal, err.Error())
		a.log.Info("ssh key refused", "fingerprint", fp, "remote", ctx.RemoteAddr().String(), "err", err)
		return false
	}
	if a.sshGate != nil && !a.sshGate.loggedIn(ctx) {
		ctx.SetValue(ctxRefusal, "This server has as many consoles open as it takes; try again later, or ask an admin.")
		a.log.Warn("ssh login refused: too many consoles", "login", as.User.Login, "remote", ctx.RemoteAddr().String())
		return false
	}
	ctx.SetValue(ctxFingerprint, fp)
	a.log.Info("ssh key accepted", "fingerprint", fp, "login", as.User.Login, "remote", ctx.RemoteAddr().String())
	return true
}

// sshRefusal is the keyboard-interactive step an SSH client tries after its keys
// were refused: it asks nothing, only shows why (clients print the instruction),
// and refuses.
func sshRefusal(ctx ssh.Context, challenge gossh.KeyboardInteractiveChallenge) bool {
	if ctx.Value(ctxTold) != nil {
		return false // OpenSSH asks again; once is enough
	}
	ctx.SetValue(ctxTold, true)
	why, _ := ctx.Value(ctxRefusal).(string)
	if why == "" {
		why = "Switchboard logs users in with SSH keys only: ask an admin to add your public key with `switchboard user key add LOGIN KEYFILE`."
	}
	_, _ = challenge("", "switchboard: "+why, nil, nil)
	return false
}

// sshConsole runs the console for one SSH session as the key's user.
func (a *app) sshConsole(next ssh.Handler) ssh.Handler {
	return func(s ssh.Session) {
		fp, _ := s.Context().Value(ctxFingerprint).(string)
		// Again: an admin may have disabled the user or removed the key since.
		as, err := a.svc.LoginByKey(fp)
		if err != nil {
			wish.Fatalln(s, "switchboard: "+err.Error())
			return
		}
		pty, windows, ok := s.Pty()
		if !ok {
			wish.Fatalln(s, "switchboard: the SSH server opens the console, which needs a terminal: connect with `ssh -t`, without a command (scripts use the switchboard CLI where the database is).")
			return
		}
		a.log.Info("ssh console", "login", as.User.Login, "remote", s.RemoteAddr().String(), "term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height)
		opts := append(bubbletea.MakeOptions(s), tea.WithoutSignalHandler())
		web, _ := a.svc.PublicURL() // the header shows it; none is fine
		// The theme comes with the session (ssh -o SetEnv=SWITCHBOARD_THEME=light):
		// the background cannot be asked for safely. The mouse stays off: a
		// remote terminal keeps selecting and copying text as usual. There is
		// no program of the user's here to save files: Files stays nil.
		theme := sshEnviron(s.Environ()).Getenv("SWITCHBOARD_THEME")
		if _, ok := common.ThemeByName(theme); !ok {
			theme = ""
		}
		p, done := tui.Program(a.svc, as, tui.Options{
			DBPath:         displayDB(a.dbPath),
			Output:         s,
			Renderer:       sshRenderer(s, pty),
			WebURL:         web,
			Theme:          theme,
			ProgramOptions: opts,
		})
		ctx, cancel := context.WithCancel(s.Context())
		go func() {
			p.Send(tea.WindowSizeMsg{Width: pty.Window.Width, Height: pty.Window.Height})
			for {
				select {
				case <-ctx.Done():
					p.Quit()
					return
				case w := <-windows:
					p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
				}
			}
		}()
		final, err := p.Run()
		p.Kill() // restores the terminal if the console crashed
		cancel()
		done()
		a.log.Info("ssh console closed", "login", as.User.Login, "err", err)
		switch {
		case err != nil && !errors.Is(err, tea.ErrProgramKilled):
			wish.Fatalln(s, "switchboard: the console failed: "+err.Error())
			return
		case tui.Ended(final) != nil:
			wish.Fatalln(s, "switchboard: "+tui.Ended(final).Error())
			return
		}
		_ = s.Exit(0)
		next(s)
	}
}

// sshRenderer draws for the session's terminal: the colour profile from its
// TERM (sent with the pty request) and COLORTERM. It asks the terminal nothing:
// a client that never answers a background-colour query would hang the session
// (wish's MakeRenderer waits for one), so the background is taken as dark.
func sshRenderer(s ssh.Session, pty ssh.Pty) *lipgloss.Renderer {
	env := sshEnviron(append(s.Environ(), "TERM="+pty.Term))
	var r *lipgloss.Renderer
	if pty.Slave != nil && !s.EmulatedPty() {
		r = lipgloss.NewRenderer(pty.Slave, termenv.WithEnvironment(env), termenv.WithColorCache(true))
	} else {
		r = lipgloss.NewRenderer(s, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	}
	r.SetHasDarkBackground(true)
	return r
}

// sshEnviron is the SSH client's environment for termenv.
type sshEnviron []string

// Environ returns the variables.
func (e sshEnviron) Environ() []string { return e }

// Getenv returns one variable ("" when unset); the last setting wins.
func (e sshEnviron) Getenv(k string) string {
	v := ""
	for _, kv := range e {
		if rest, ok := strings.CutPrefix(kv, k+"="); ok {
			v = rest
		}
	}
	return v
}

// hostKey reads the SSH host key next to the database, generating it (0600) on
// the first start. A key others can read is refused, as OpenSSH does.
func hostKey(dbPath string) (pemBytes []byte, path string, err error) {
	path = filepath.Join(filepath.Dir(dbPath), hostKeyName)
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		if fi.Mode().Perm()&0o077 != 0 {
			return nil, path, fmt.Errorf("the SSH host key %s can be read by others (mode %o): make it private with `chmod 600 %s`", path, fi.Mode().Perm(), path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, path, err
		}
		if _, err := gossh.ParsePrivateKey(data); err != nil {
			return nil, path, fmt.Errorf("the SSH host key %s is not a private key (%v): move it away and a new one is made on the next start (clients then see a new host key)", path, err)
		}
		return data, path, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, path, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, path, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "switchboard host key")
	if err != nil {
		return nil, path, err
	}
	data := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, path, fmt.Errorf("cannot write the SSH host key %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, path, err
	}
	if err := f.Close(); err != nil {
		return nil, path, err
	}
	return data, path, nil
}
