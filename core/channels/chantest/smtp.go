// Package chantest runs real local stand-ins for the providers the channels talk
// to, for tests: an SMTP server (emersion/go-smtp) with STARTTLS and PLAIN auth on
// loopback, and httptest servers that follow WeChat's and Aliyun SMS's documented
// request and response formats, including their error codes.
package chantest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	From string
	To   []string
	Data []byte
	TLS  bool // the session ran under STARTTLS
	User string
}

// SMTPServer is a real SMTP server on 127.0.0.1 that requires STARTTLS and PLAIN
// authentication with User/Password and keeps what it receives.
type SMTPServer struct {
	Addr           string
	User, Password string
	// ClientTLS trusts the server's self-signed certificate; CertPEM is that
	// certificate for a child process (TrustPEM turns it back into a config).
	ClientTLS *tls.Config
	CertPEM   []byte
	delay     time.Duration

	srv      *smtp.Server
	down     atomic.Bool
	mu       sync.Mutex
	mails    []Mail
	received chan struct{}
	tlsCfg   *tls.Config
}

// NewSMTPServer starts a server on a free loopback port (addr "" ) or on addr.
func NewSMTPServer(tb testing.TB, addr string) *SMTPServer {
	tb.Helper()
	s := &SMTPServer{User: "mailer", Password: "s3cret-pass", received: make(chan struct{}, 1<<16)}
	cert, pool := selfSigned(tb)
	s.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.ClientTLS = &tls.Config{RootCAs: pool}
	if err := s.Start(addr); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Start listens (again) on addr, or a free port when addr is "".
func (s *SMTPServer) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, c: c}, nil
	}))
	srv.Domain = "localhost"
	srv.TLSConfig = s.tlsCfg
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.MaxMessageBytes = 10 << 20
	s.mu.Lock()
	s.srv, s.Addr = srv, l.Addr().String()
	s.mu.Unlock()
	go func() { _ = srv.Serve(gate{l, &s.down}) }()
	return nil
}

// SetDown starts (true) or ends an outage in which the server hangs up on
// every new connection. Unlike Stop it keeps its port, so nothing else on the
// machine (a parallel test's connection) can take it meanwhile.
func (s *SMTPServer) SetDown(down bool) { s.down.Store(down) }

// gate is a listener that hangs up on connections while down is set.
type gate struct {
	net.Listener
	down *atomic.Bool
}

func (g gate) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil || !g.down.Load() {
			return c, err
		}
		c.Close()
	}
}

// Stop closes the listener and every connection (an outage).
func (s *SMTPServer) Stop() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// Host and Port split Addr.
func (s *SMTPServer) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// Port is the listening port.
func (s *SMTPServer) Port() string { _, p, _ := net.SplitHostPort(s.Addr); return p }

// SetDelay holds every DATA command this long (crash and outage tests).
func (s *SMTPServer) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// Mails returns what was received so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// WaitFor waits until n mails arrived in total, or fails after d.
func (s *SMTPServer) WaitFor(tb testing.TB, n int, d time.Duration) []Mail {
	tb.Helper()
	deadline := time.After(d)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.received:
		case <-deadline:
			tb.Fatalf("the SMTP server received %d mails, want %d", len(s.Mails()), n)
		}
	}
}

type session struct {
	s    *SMTPServer
	c    *smtp.Conn
	user string
	m    Mail
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != x.s.User || pass != x.s.Password {
			return smtp.ErrAuthFailed
		}
		x.user = user
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.user == "" {
		return smtp.ErrAuthRequired
	}
	x.m = Mail{From: from, User: x.user}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == "nobody@invalid.example" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	}
	x.m.To = append(x.m.To, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	delay := x.s.delay
	x.s.mu.Unlock()
	time.Sleep(delay)
	_, x.m.TLS = x.c.TLSConnectionState()
	x.m.Data = bytes.Clone(b)
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, x.m)
	x.s.mu.Unlock()
	select {
	case x.s.received <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.m = Mail{} }
func (x *session) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and localhost and a pool that trusts it.
func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: c}, pool
}

// TrustPEM returns a TLS client configuration that trusts the PEM certificate.
func TrustPEM(certPEM []byte) *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return &tls.Config{RootCAs: pool}
}

// ErrClosed is returned by a stopped fake.
var ErrClosed = errors.New("chantest: server stopped")
