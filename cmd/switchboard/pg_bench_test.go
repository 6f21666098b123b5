package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

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
		home := filepath.Join(setup, fmt.Sprint("server", i))
		cmd := exec.Command(binary, "--db", db, "serve", "--listen", "127.0.0.1:0")
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+filepath.Join(home, "data"), "TZ=UTC")
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() })
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || !strings.Contains(line, "web listener on ") {
			b.Fatalf("server %d: %q %v", i, line, err)
		}
		urls = append(urls, strings.Fields(strings.SplitN(line, "web listener on ", 2)[1])[0])
		go func() { _, _ = io.Copy(io.Discard, out) }()
	}
	const clients = 64
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 60 * time.Second}
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := next.Add(1); k <= int64(b.N); k = next.Add(1) {
				body := fmt.Sprintf(`{"subject":"ERP order %d: 冷柜不制冷","priority":"urgent","phone":"139%08d","region":"East"}`, k, k)
				req, _ := http.NewRequest(http.MethodPost, urls[i%len(urls)]+"/api/v1/work-orders", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+key.Key)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Idempotency-Key", fmt.Sprintf("erp-%d", k))
				t0 := time.Now()
				resp, err := c.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) == 0 {
		b.Fatal("nothing was created")
	}
	perSec := float64(len(all)) / elapsed.Seconds()
	b.ReportMetric(perSec, "creates/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[min(len(all)-1, len(all)*99/100)].Microseconds())/1000, "p99-ms")
	return perSec
}
