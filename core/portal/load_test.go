package portal_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/core"
)

// loadResult is what one run of the load harness measured.
type loadResult struct {
	acked     int
	elapsed   time.Duration
	p50, p99  time.Duration
	perSecond float64
}

// runLoad has clients concurrent customers post total guest submissions to the
// real listener over TCP, then checks that every acknowledged submission (a 303
// to its receipt) is in the store, and that nothing else is.
func runLoad(tb testing.TB, e *env, clients, total int) loadResult {
	tb.Helper()
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	acked := make([][]string, clients) // receipt tokens
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := next.Add(1); n <= int64(total); n = next.Add(1) {
				nonce := core.NewToken()
				body := url.Values{"nonce": {nonce}, "name": {"Load"}, "phone": {"13800138000"}, "subject": {"冷柜不制冷 load"}, "description": {"load harness"}}.Encode()
				req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/submit", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				t0 := time.Now()
				resp, err := c.Do(req)
				d := time.Since(t0)
				if err != nil {
					tb.Errorf("client %d: %v", i, err)
					return
				}
				resp.Body.Close()
				lat[i] = append(lat[i], d)
				if resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == core.ReceiptPathPrefix+nonce+"?lang=en" {
					acked[i] = append(acked[i], nonce)
				} else {
					tb.Errorf("client %d: status %d, location %q", i, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := loadResult{elapsed: elapsed}
	if len(all) > 0 {
		r.p50, r.p99 = all[len(all)/2], all[min(len(all)-1, len(all)*99/100)]
	}
	numbers := map[string]bool{}
	for _, tokens := range acked {
		for _, tok := range tokens {
			rec, err := e.svc.Receipt(tok)
			if err != nil {
				tb.Fatalf("acknowledged submission %s not in the store: %v", tok, err)
			}
			if numbers[rec.Number] {
				tb.Fatalf("two receipts point at %s", rec.Number)
			}
			numbers[rec.Number] = true
			r.acked++
		}
	}
	if n := e.count(); n != r.acked {
		tb.Fatalf("%d work orders stored, %d acknowledged", n, r.acked)
	}
	r.perSecond = float64(r.acked) / elapsed.Seconds()
	return r
}

// TestLoad64Clients: 64 concurrent customers, every acknowledged submission is
// stored exactly once. (Figures: BenchmarkSubmit64Clients.)
func TestLoad64Clients(t *testing.T) {
	total := 640
	if testing.Short() {
		total = 128
	}
	e := newEnv(t, nil)
	r := runLoad(t, e, 64, total)
	if r.acked != total {
		t.Fatalf("%d of %d acknowledged", r.acked, total)
	}
	t.Logf("%d submissions by 64 clients in %s: %.0f/s, p50 %s, p99 %s", r.acked, r.elapsed.Round(time.Millisecond), r.perSecond, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond))
}

// BenchmarkSubmit64Clients measures web submissions by 64 concurrent clients
// through HTTP, the service and bbolt Batch on a real file with fsync:
//
//	go test ./core/portal -run XXX -bench Submit64 -benchtime 5000x
func BenchmarkSubmit64Clients(b *testing.B) {
	e := newEnv(b, nil)
	b.ResetTimer()
	r := runLoad(b, e, 64, b.N)
	b.StopTimer()
	b.ReportMetric(r.perSecond, "submissions/s")
	b.ReportMetric(float64(r.p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(r.p50.Microseconds())/1000, "p50-ms")
}
