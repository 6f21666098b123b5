// Package apiload drives the integration API with many concurrent clients
// creating work orders, as an ERP would: the API benchmarks and
// cmd/loadtest use it.
package apiload

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options say who loads what.
type Options struct {
	// URLs are the servers' web listeners; client i uses URLs[i%len(URLs)].
	URLs    []string
	Key     string // the API key's secret
	Clients int
	// Total stops after this many creates (0: when ctx ends).
	Total int64
	// Body is request n's JSON; its Idempotency-Key is Prefix-n.
	Body   func(n int64) string
	Prefix string
}

// Result is what a run did.
type Result struct {
	Elapsed   time.Duration
	Latencies []time.Duration // of the acknowledged creates, sorted
	Failed    int
	FirstErr  error
}

// PerSecond is acknowledged creates a second.
func (r Result) PerSecond() float64 { return float64(len(r.Latencies)) / r.Elapsed.Seconds() }

// Quantile is the q-th latency (0.5: the median), 0 when none.
func (r Result) Quantile(q float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[min(len(r.Latencies)-1, int(float64(len(r.Latencies))*q))]
}

// Run creates work orders until Total or ctx ends; a client whose request
// fails stops.
func Run(ctx context.Context, opt Options) Result {
	tr := &http.Transport{MaxIdleConns: opt.Clients, MaxIdleConnsPerHost: opt.Clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var next atomic.Int64
	var mu sync.Mutex
	res := Result{}
	fail := func(err error) {
		mu.Lock()
		res.Failed++
		if res.FirstErr == nil {
			res.FirstErr = err
		}
		mu.Unlock()
	}
	lat := make([][]time.Duration, opt.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range opt.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			url := opt.URLs[i%len(opt.URLs)] + "/api/v1/work-orders"
			for ctx.Err() == nil {
				n := next.Add(1)
				if opt.Total > 0 && n > opt.Total {
					return
				}
				req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(opt.Body(n)))
				req.Header.Set("Authorization", "Bearer "+opt.Key)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("%s-%d", opt.Prefix, n))
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					fail(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					fail(fmt.Errorf("request %d: status %d", n, resp.StatusCode))
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Latencies = slices.Concat(lat...)
	slices.Sort(res.Latencies)
	return res
}
