package portal

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"switchboard/core"
)

// limiter keeps one token bucket per client IP. Buckets idle for ten minutes are
// dropped on the next sweep, so a crowd of addresses cannot grow it for ever.
type limiter struct {
	r     rate.Limit
	burst int
	mu    sync.Mutex
	ips   map[string]*visitor
	swept time.Time
}

type visitor struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(r rate.Limit, burst int) *limiter {
	return &limiter{r: r, burst: burst, ips: map[string]*visitor{}}
}

// allow reports whether ip may make one more request now.
func (l *limiter) allow(ip string) bool {
	if l.r < 0 {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, v := range l.ips {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.ips, k)
			}
		}
		l.swept = now
	}
	v := l.ips[ip]
	if v == nil {
		v = &visitor{lim: rate.NewLimiter(l.r, l.burst)}
		l.ips[ip] = v
	}
	v.seen = now
	return v.lim.AllowN(now, 1)
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
	frame := "'none'"
	if len(s.cfg.FrameAncestors) > 0 {
		frame = strings.Join(s.cfg.FrameAncestors, " ")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		fa := "'none'"
		if r.URL.Path == "/embed" {
			fa = frame
		} else {
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
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

func retryAfter(l *limiter) int {
	if l.r <= 0 {
		return 1
	}
	return max(1, int(1/float64(l.r)+0.5))
}
