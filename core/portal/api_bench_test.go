package portal_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"switchboard/core/portal"
	"switchboard/store/testdb"
)

// BenchmarkAPICreate64Clients measures work orders created through the
// integration API (R-IN-6) by 64 concurrent clients over HTTP on loopback, each
// request with its own Idempotency-Key, into the demo company with 100,000 work
// orders, with durable writes (bbolt Batch, fsync on). "least-loaded": every
// request is an urgent East repair, which the demo's least-loaded rule takes
// (four engineers with hundreds of open work orders each); "no-rule": no rule
// matches and each waits in the manual queue. The anchor, measured in the same
// run on a copy of the same file: bbolt's Batch by itself, 64 goroutines,
// writing 14 keys of about 4.3 KB together per operation (a create's shape);
// x-raw is creates/s as a fraction of it.
//
//	go test ./core/portal -run XXX -bench APICreate64 -benchtime 5000x
func BenchmarkAPICreate64Clients(b *testing.B) {
	for _, tc := range []struct{ name, region, priority string }{
		{"least-loaded", "East", "urgent"},
		{"no-rule", "Atlantis", "low"},
	} {
		b.Run(tc.name, func(b *testing.B) { benchAPICreate(b, tc.region, tc.priority) })
	}
}

func benchAPICreate(b *testing.B, region, priority string) {
	st, svc, _ := testdb.Demo100k(b)
	// The server runs with GOGC=400 unless GOGC is set (runServer in
	// cmd/switchboard/server.go); so does this benchmark of its API.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	admin := testdb.Admin(b, svc)
	_, secret, err := svc.AddAPIKey(admin, "bench")
	if err != nil {
		b.Fatal(err)
	}
	// The anchor's file: a copy of the same database, made before the run.
	anchor := filepath.Join(b.TempDir(), "anchor.db")
	if err := testdb.CopyFile(st.Path(), anchor); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(portal.New(svc, portal.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), APIRate: -1}).Handler())
	defer srv.Close()
	before, _ := svc.CountWorkOrders()
	if before != 100_000 {
		b.Fatalf("the database holds %d work orders, want 100,000", before)
	}
	const clients = 64
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var acked atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := next.Add(1); n <= int64(b.N); n = next.Add(1) {
				body := fmt.Sprintf(`{"subject":"ERP order %d: 冷柜不制冷","priority":%q,"phone":"139%08d","region":%q}`, n, priority, n, region)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/work-orders", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+secret)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("erp-%d", n))
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = append(lat[i], time.Since(t0))
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	after, _ := svc.CountWorkOrders()
	if after-before != int(acked.Load()) {
		b.Fatalf("%d acknowledged, %d stored", acked.Load(), after-before)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(all[min(len(all)-1, len(all)*99/100)].Microseconds())/1000, "p99-ms")
	}
	creates := float64(acked.Load()) / elapsed.Seconds()
	b.ReportMetric(creates, "creates/s")
	raw, err := testdb.RawBatch(anchor, clients, max(b.N, 2000), 14, 4300)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(raw, "raw-ops/s")
	b.ReportMetric(creates/raw, "x-raw")
}
