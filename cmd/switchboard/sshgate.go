package main

import (
	"net"
	"os"
	"sync"
	"time"

	"github.com/charmbracelet/ssh"
)

// sshGate keeps the SSH listener from being used to exhaust the server: a
// connection must finish its handshake and log in within sshHandshake, at most
// sshPendingPerIP connections from one address and sshPending in all may be
// at that stage at once (more are closed as they arrive), and at most
// sshSessions consoles may be open. Ten thousand idle connections then cost
// nothing but the accepts: the web listener, the API and the consoles go on.
type sshGate struct {
	mu       sync.Mutex
	pending  int
	perIP    map[string]int
	sessions int

	handshake                         time.Duration
	maxPending, maxPerIP, maxSessions int
	refused                           func(why, remote string)
}

// The gate's limits (a deployment behind many NATed users raises per-IP with
// care: each pending connection is one file descriptor).
const (
	sshHandshake    = 10 * time.Second
	sshPending      = 64
	sshPendingPerIP = 8
	sshSessions     = 256
	sshIdle         = time.Hour
)

func newSSHGate(refused func(why, remote string)) *sshGate {
	g := &sshGate{perIP: map[string]int{}, handshake: sshHandshake, maxPending: sshPending, maxPerIP: sshPendingPerIP, maxSessions: sshSessions, refused: refused}
	// Tests shorten the handshake deadline.
	if d, err := time.ParseDuration(os.Getenv("SWITCHBOARD_SSH_HANDSHAKE")); err == nil && d > 0 {
		g.handshake = d
	}
	return g
}

const ctxGate sshCtxKey = "switchboard-gate"

// accept is the server's ConnCallback: it admits conn as a pending login, or
// closes it (nil) when its address or the server has too many.
func (g *sshGate) accept(ctx ssh.Context, conn net.Conn) net.Conn {
	ip := conn.RemoteAddr().String()
	if h, _, err := net.SplitHostPort(ip); err == nil {
		ip = h
	}
	g.mu.Lock()
	switch {
	case g.pending >= g.maxPending:
		g.mu.Unlock()
		g.refused("too many SSH connections are logging in at once", conn.RemoteAddr().String())
		return nil
	case g.perIP[ip] >= g.maxPerIP:
		g.mu.Unlock()
		g.refused("too many SSH connections from one address are logging in at once", conn.RemoteAddr().String())
		return nil
	}
	g.pending++
	g.perIP[ip]++
	g.mu.Unlock()
	gc := &gatedConn{Conn: conn, g: g, ip: ip}
	gc.timer = time.AfterFunc(g.handshake, func() {
		if gc.stillPending() {
			g.refused("no login within the handshake deadline", conn.RemoteAddr().String())
			_ = conn.Close()
		}
	})
	ctx.SetValue(ctxGate, gc)
	return gc
}

// loggedIn moves the connection in ctx from pending to open sessions; false
// when the server has as many consoles as it takes.
func (g *sshGate) loggedIn(ctx ssh.Context) bool {
	gc, ok := ctx.Value(ctxGate).(*gatedConn)
	if !ok {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if gc.state != statePending {
		return true // a second key offered on the same connection
	}
	if g.sessions >= g.maxSessions {
		return false
	}
	gc.timer.Stop()
	gc.state = stateSession
	g.releasePending(gc.ip)
	g.sessions++
	return true
}

func (g *sshGate) releasePending(ip string) {
	g.pending--
	if g.perIP[ip]--; g.perIP[ip] <= 0 {
		delete(g.perIP, ip)
	}
}

type connState int

const (
	statePending connState = iota
	stateSession
	stateClosed
)

// gatedConn is a connection the gate counts until it closes.
type gatedConn struct {
	net.Conn
	g     *sshGate
	ip    string
	timer *time.Timer
	state connState // guarded by g.mu
}

func (c *gatedConn) stillPending() bool {
	c.g.mu.Lock()
	defer c.g.mu.Unlock()
	return c.state == statePending
}

func (c *gatedConn) Close() error {
	c.g.mu.Lock()
	switch c.state {
	case statePending:
		c.g.releasePending(c.ip)
		c.timer.Stop()
	case stateSession:
		c.g.sessions--
	}
	c.state = stateClosed
	c.g.mu.Unlock()
	return c.Conn.Close()
}
