package portal

import (
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
)

// limiter keeps one token bucket per network prefix — a /24 for IPv4, a /64
// for IPv6 (one household, office or phone gets a /64, so counting its 2^64
// addresses apart would be no limit at all) — and, optionally, one bucket
// every request also draws from: a ceiling no crowd of addresses can pass.
//
// Its memory is bounded: a bucket that has filled up again behaves exactly
// like a new one, so sweeps drop those, and when maxKeys prefixes are still
// busy every further newcomer shares one "crowd" bucket until room frees up.
type limiter struct {
	r       rate.Limit
	burst   int
	maxKeys int
	mu      sync.Mutex
	keys    map[string]*rate.Limiter
	crowd   *rate.Limiter
	ceiling *rate.Limiter // nil: none
	swept   time.Time
}

// limiterKeys bounds a limiter's buckets: about 120 bytes each, so a flood
// from every address there is costs the listener at most a few megabytes.
const limiterKeys = 20_000

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{r: r, burst: burst, maxKeys: limiterKeys, keys: map[string]*rate.Limiter{}, crowd: rate.NewLimiter(r, burst)}
}

// withCeiling adds the bucket every request also draws from.
func (l *limiter) withCeiling(r rate.Limit, burst int) *limiter {
	if r > 0 && r != rate.Inf && !l.off() {
		l.ceiling = rate.NewLimiter(r, burst)
	}
	return l
}

// off reports whether the limiter lets everything through (load tests).
func (l *limiter) off() bool { return l.r < 0 || l.r == rate.Inf }

// bucket is the bucket of ip's prefix, made when needed; l.mu is held.
func (l *limiter) bucket(ip string, now time.Time, create bool) *rate.Limiter {
	k := prefixKey(ip)
	if b := l.keys[k]; b != nil {
		return b
	}
	if !create {
		return nil
	}
	if since := now.Sub(l.swept); since > time.Minute || (len(l.keys) >= l.maxKeys && since > time.Second) {
		l.sweep(now) // full: at most once a second, so a flood cannot make every request a sweep
	}
	if len(l.keys) >= l.maxKeys {
		return l.crowd
	}
	b := rate.NewLimiter(l.r, l.burst)
	l.keys[k] = b
	return b
}

// sweep drops the buckets that are full again: forgetting them changes nothing.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.keys {
		if b.TokensAt(now) >= float64(l.burst) {
			delete(l.keys, k)
		}
	}
	l.swept = now
}

// allow reports whether ip may make one more request now, and takes it.
func (l *limiter) allow(ip string) bool {
	if l.off() {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.bucket(ip, now, true).AllowN(now, 1) {
		return false
	}
	return l.ceiling == nil || l.ceiling.AllowN(now, 1)
}

// spent reports whether ip's prefix has nothing left, without taking anything.
func (l *limiter) spent(ip string) bool {
	if l.off() {
		return false
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(ip, now, false)
	return b != nil && b.TokensAt(now) < 1
}

// size is how many prefixes the limiter remembers.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// prefixKey is the network an address is counted by: its /24 (IPv4, and
// IPv4 mapped into IPv6) or its /64 (IPv6). Anything else counts as itself.
func prefixKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	bits := 64
	if a.Is4() {
		bits = 24
	}
	p, err := a.Prefix(bits)
	if err != nil {
		return ip
	}
	return p.String()
}

// clientIP is the peer's address. X-Forwarded-For is not trusted: behind a proxy
// every customer shares the proxy's bucket (see README).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// secure sets the headers every response carries, rate-limits by client IP and
// caps request bodies. embed marks the smart form, the only page others may frame.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		fa := "'none'"
		if r.URL.Path == "/embed" || strings.HasPrefix(r.URL.Path, core.ReceiptPathPrefix) {
			// The smart form and the receipt it leads to (which has nothing
			// to click) may be framed by the sites an admin named (R-IN-7).
			fa = s.frameAncestors()
		}
		if fa == "'none'" {
			h.Set("X-Frame-Options", "DENY")
		}
		script := ""
		if strings.HasPrefix(r.URL.Path, core.SignPathPrefix) {
			script = "script-src 'self'; " // the signature pad (static/sign.js), on the signing page only
		}
		h.Set("Content-Security-Policy", "default-src 'none'; "+script+"style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors "+fa)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		lim := s.views
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			lim = s.posts
		}
		if !lim.allow(clientIP(r)) {
			s.cfg.Log.Warn("rate limited", "ip", clientIP(r), "method", r.Method, "path", r.URL.Path)
			h.Set("Retry-After", strconv.Itoa(retryAfter(lim)))
			s.problem(w, r, http.StatusTooManyRequests, "slow")
			return
		}
		if r.Body != nil {
			limit := s.cfg.MaxBody
			if strings.HasPrefix(r.URL.Path, core.SignPathPrefix) {
				limit = max(limit, signBodyLimit) // a drawn signature is a PNG
			}
			if strings.HasPrefix(r.URL.Path, core.TaskPathPrefix) {
				limit = max(limit, taskBodyLimit) // the customer's photos
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// frameAncestors is the smart form's frame-ancestors: the configured sites
// and the ones an admin saved, else 'none'.
func (s *Server) frameAncestors() string {
	all := slices.Clone(s.cfg.FrameAncestors)
	if saved, err := s.svc.EmbedOrigins(); err == nil {
		all = append(all, saved...)
	} else {
		s.cfg.Log.Error("reading the embed origins", "err", err)
	}
	if len(all) == 0 {
		return "'none'"
	}
	return strings.Join(all, " ")
}

func retryAfter(l *limiter) int {
	if l.r <= 0 {
		return 1
	}
	return max(1, int(1/float64(l.r)+0.5))
}
