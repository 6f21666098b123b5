// Package portal is the web listener for customers (terminal users and guests):
// the pages their links open. It calls core.Service for everything it reads or
// writes, exactly as the console and the CLI do, so submissions land in the same
// transactions and history and appear live in every open console.
package portal

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
)

// Config tunes the listener; the zero value (plus a service) is right for the product.
type Config struct {
	// Listen is the address to listen on (default core.DefaultListen).
	Listen string
	// PublicURL is where customers reach the listener (behind a proxy it differs
	// from Listen); default http://Listen.
	PublicURL string
	// FrameAncestors are the origins allowed to embed the smart form (R-IN-7),
	// e.g. "https://www.example.com". Empty: nobody may frame any page.
	FrameAncestors []string
	// Contact is whom a customer should contact when a link does not work, shown
	// on the problem page, e.g. "Service hotline 400-800-1234".
	Contact string
	// MaxBody caps request bodies (default 32 KiB); larger posts get 413.
	MaxBody int64
	// Per client network (a /24 for IPv4, a /64 for IPv6): page views (GET)
	// and submissions (POST) per second and burst. Zero means the defaults
	// (5/s burst 30; 1 every 3 s, burst 10); negative or rate.Inf switches
	// the limit off (load tests).
	ViewRate, SubmitRate   rate.Limit
	ViewBurst, SubmitBurst int
	// WriteCeiling caps the posts of all anonymous visitors together, whatever
	// their addresses (default 10/s, burst 100); it is off when SubmitRate is.
	WriteCeiling      rate.Limit
	WriteCeilingBurst int
	// BadKeyRate is how many requests with a wrong API key one network may
	// make (default 10 a minute, burst 10); past it the API answers 429
	// before looking at the key.
	BadKeyRate  rate.Limit
	BadKeyBurst int
	// Log receives one line per submission and per refusal (default slog.Default()).
	Log *slog.Logger
	// APIRate and APIBurst limit each API key's requests (R-IN-6); zero means
	// 50/s, burst 100; negative switches the limit off (load tests).
	APIRate  rate.Limit
	APIBurst int
	// APIMaxBody caps API request bodies (default 1 MiB); larger ones get 413.
	APIMaxBody int64
	// WeChat binds customers' WeChat identities when they open their links
	// in WeChat (nil: never).
	WeChat WeChatAuth
}

func (c *Config) defaults() {
	if c.Listen == "" {
		c.Listen = core.DefaultListen
	}
	if c.MaxBody == 0 {
		c.MaxBody = 32 << 10
	}
	if c.ViewRate == 0 {
		c.ViewRate, c.ViewBurst = 5, 30
	}
	if c.SubmitRate == 0 {
		c.SubmitRate, c.SubmitBurst = rate.Every(3*time.Second), 10
	}
	if c.WriteCeiling == 0 {
		c.WriteCeiling, c.WriteCeilingBurst = 10, 100
	}
	if c.BadKeyRate == 0 {
		c.BadKeyRate, c.BadKeyBurst = rate.Every(6*time.Second), 10
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.APIRate == 0 {
		c.APIRate, c.APIBurst = 50, 100
	}
	if c.APIMaxBody == 0 {
		c.APIMaxBody = 1 << 20
	}
}

// Server is the web listener.
type Server struct {
	svc   *core.Service
	cfg   Config
	pages *pages
	views *limiter
	posts *limiter
	// badKeys counts requests with a wrong API key, per network.
	badKeys *limiter
	// codes limits SMS codes per network: 5, then one every 2 minutes, and
	// 30 a minute from everyone together.
	codes *limiter
	http  *http.Server
	ln    net.Listener
}

// New returns a listener over svc; it does not listen until Start.
func New(svc *core.Service, cfg Config) *Server {
	cfg.defaults()
	s := &Server{svc: svc, cfg: cfg, pages: mustPages(), views: newLimiter(cfg.ViewRate, cfg.ViewBurst),
		posts:   newLimiter(cfg.SubmitRate, cfg.SubmitBurst).withCeiling(cfg.WriteCeiling, cfg.WriteCeilingBurst),
		badKeys: newLimiter(cfg.BadKeyRate, cfg.BadKeyBurst),
		codes:   newLimiter(rate.Every(2*time.Minute), 5).withCeiling(rate.Every(2*time.Second), 30)}
	if cfg.APIRate < 0 {
		s.badKeys = newLimiter(-1, 0) // load tests
	}
	s.http = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      20 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	return s
}

// Start listens on the configured address and serves in the background. A busy
// port is reported here, before anything is served.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return &ListenError{Addr: s.cfg.Listen, Err: err}
	}
	s.ln = ln
	if s.cfg.PublicURL == "" {
		s.cfg.PublicURL = listenURL(ln.Addr())
	}
	s.cfg.Log.Info("web listener started", "listen", ln.Addr().String(), "public_url", s.cfg.PublicURL)
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.cfg.Log.Error("web listener stopped", "err", err)
		}
	}()
	return nil
}

// listenURL is the URL of a listener's actual address. A wildcard address
// (":8080", "0.0.0.0:8080") is named by this machine's host name, which other
// devices are likelier to reach than a loopback address.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// URL is the public address of the listener (after Start).
func (s *Server) URL() string { return s.cfg.PublicURL }

// Shutdown stops accepting requests and waits for those in flight.
func (s *Server) Shutdown(ctx context.Context) error { return s.http.Shutdown(ctx) }

// ListenError says the listener could not take its address, in words.
type ListenError struct {
	Addr string
	Err  error
}

func (e *ListenError) Error() string {
	if errors.Is(e.Err, errAddrInUse) || strings.Contains(e.Err.Error(), "address already in use") {
		return "web listener off: " + e.Addr + " is in use by another program; start with --listen ADDR to use another address"
	}
	return "web listener off: cannot listen on " + e.Addr + ": " + e.Err.Error()
}

func (e *ListenError) Unwrap() error { return e.Err }

var errAddrInUse = errors.New("address already in use")
