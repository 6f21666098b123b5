package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"switchboard/core/portal/apiload"
	"testing"

	"switchboard/store/postgres/pgtest"
)

// BenchmarkAPICreateServers (issue 21): API creates from 64 clients spread
// over 1, 2 and 3 `switchboard serve` processes on one PostgreSQL database,
// and over one server on a bbolt file (the anchor, same run), each on the
// demo company with 2,000 work orders. It reports creates/s, p50 and p99,
// and the ratio to bbolt's one server.
//
//	go test ./cmd/switchboard -run XXX -bench APICreateServers -benchtime 6000x
func BenchmarkAPICreateServers(b *testing.B) {
	var anchor float64
	for _, tc := range []struct {
		name    string
		pg      bool
		servers int
	}{{"bbolt-1", false, 1}, {"postgres-1", true, 1}, {"postgres-2", true, 2}, {"postgres-3", true, 3}} {
		b.Run(tc.name, func(b *testing.B) {
			perSec := benchServers(b, tc.pg, tc.servers)
			if !tc.pg {
				anchor = perSec
			} else if anchor > 0 {
				b.ReportMetric(perSec/anchor, "x-bbolt")
			}
		})
	}
}

func benchServers(b *testing.B, pg bool, n int) float64 {
	setup := b.TempDir()
	db := filepath.Join(setup, "bench.db")
	if pg {
		db = pgtest.DB(b)
	}
	sb := func(args ...string) string {
		cmd := exec.Command(binary, append([]string{"--db", db}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+setup, "XDG_DATA_HOME="+filepath.Join(setup, "data"), "TZ=UTC")
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("switchboard %s: %v %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	sb("demo", "--work-orders", "2000", "--no-ui", "--now", "2026-11-02T09:30:00Z")
	var key struct{ Key string }
	if err := json.Unmarshal([]byte(sb("apikey", "add", "--name", "bench", "--rate", "100000", "--json")), &key); err != nil {
		b.Fatal(err)
	}
	var urls []string
	for i := range n {
		urls = append(urls, serveOn(b, db, filepath.Join(setup, fmt.Sprint("server", i)), nil).url)
	}
	b.ResetTimer()
	res := apiload.Run(context.Background(), apiload.Options{URLs: urls, Key: key.Key, Clients: 64, Total: int64(b.N), Prefix: "erp",
		Body: func(k int64) string {
			return fmt.Sprintf(`{"subject":"ERP order %d: 冷柜不制冷","priority":"urgent","phone":"139%08d","region":"East"}`, k, k)
		}})
	b.StopTimer()
	if res.Failed > 0 || len(res.Latencies) == 0 {
		b.Fatalf("%d creates failed, the first: %v", res.Failed, res.FirstErr)
	}
	perSec := res.PerSecond()
	b.ReportMetric(perSec, "creates/s")
	b.ReportMetric(float64(res.Quantile(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.Quantile(0.99).Microseconds())/1000, "p99-ms")
	return perSec
}
