package portal

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestPrefixKey (issue 18.5): addresses count by /24 (IPv4, mapped too) and
// by /64 (IPv6); a zone or garbage does not escape the rule.
func TestPrefixKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":              "203.0.113.0/24",
		"203.0.113.250":            "203.0.113.0/24",
		"::ffff:203.0.113.7":       "203.0.113.0/24",
		"2001:db8:1:2:aaaa::1":     "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff:ffff::": "2001:db8:1:2::/64",
		"fe80::1%eth0":             "fe80::/64",
		"not an address":           "not an address",
	} {
		if got := prefixKey(in); got != want {
			t.Errorf("prefixKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLimiterMemoryIsBounded (issue 18.5): 100,000 networks hitting the
// limiter keep at most limiterKeys buckets (a few MB) — newcomers past that
// share one strict bucket — and buckets that have filled again are dropped.
func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter(rate.Every(time.Hour), 2)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	allowed := 0
	for i := range 100_000 {
		if l.allow(fmt.Sprintf("10.%d.%d.1", i/256%256, i%256)) {
			allowed++
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := l.size(); n > limiterKeys {
		t.Fatalf("%d buckets kept", n)
	}
	grew := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if grew > 8<<20 {
		t.Fatalf("the limiter grew the heap by %d bytes", grew)
	}
	t.Logf("100,000 networks: %d buckets kept, heap +%.1f MB, %d requests allowed", l.size(), float64(grew)/(1<<20), allowed)
	// The crowd bucket let through its burst only.
	if want := 2*limiterKeys + 2; allowed > want {
		t.Fatalf("%d allowed, want at most %d", allowed, want)
	}
	// A bucket full again is forgotten on the next sweep.
	fast := newLimiter(1e9, 1)
	for i := range 1000 {
		fast.allow(fmt.Sprintf("10.0.%d.1", i%256))
	}
	time.Sleep(10 * time.Millisecond)
	fast.mu.Lock()
	fast.sweep(time.Now())
	fast.mu.Unlock()
	if n := fast.size(); n != 0 {
		t.Fatalf("%d full buckets kept after a sweep", n)
	}
}

// FuzzPrefixKey (issue 18.5): any client address string gives a key without
// panicking; a real address gives the prefix that holds it, /24 or /64, and
// every address of that prefix gives the same key.
func FuzzPrefixKey(f *testing.F) {
	for _, s := range []string{"203.0.113.7", "::ffff:10.1.2.3", "2001:db8::1", "fe80::1%eth0", "", "1.2.3", "::", "[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := prefixKey(s)
		a, err := netip.ParseAddr(s)
		if err != nil {
			if k != s {
				t.Fatalf("prefixKey(%q) = %q for a non-address", s, k)
			}
			return
		}
		p, err := netip.ParsePrefix(k)
		if err != nil {
			t.Fatalf("prefixKey(%q) = %q, not a prefix", s, k)
		}
		a = a.Unmap().WithZone("")
		if !p.Contains(a) || (a.Is4() && p.Bits() != 24) || (a.Is6() && p.Bits() != 64) {
			t.Fatalf("prefixKey(%q) = %q", s, k)
		}
		if prefixKey(p.Addr().String()) != k {
			t.Fatalf("the prefix's own address has another key")
		}
	})
}
