// Command loadtest measures the real server under API load (issue 19): it
// builds switchboard, fills a database with the demo company, starts
// `switchboard serve`, and has 64 clients create work orders through the
// integration API over loopback for a fixed time; then it measures bbolt by
// itself on a copy of the same file (Batch from 64 goroutines, 14 keys of
// about 4.3 KB an operation: a create's shape) and prints creates/s, p50, p99
// and the ratio to that anchor.
//
//	go run ./cmd/loadtest                       # 100,000 work orders, 20 s, the least-loaded rule
//	go run ./cmd/loadtest -rule none -duration 10s -work-orders 10000
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"switchboard/core/portal/apiload"
	"syscall"
	"time"

	"switchboard/store/testdb"
)

func main() {
	duration := flag.Duration("duration", 20*time.Second, "how long the clients create work orders")
	clients := flag.Int("clients", 64, "concurrent API clients")
	size := flag.Int("work-orders", 100_000, "work orders in the demo database before the run")
	rule := flag.String("rule", "least-loaded", `"least-loaded": every create is an urgent East repair the demo's least-loaded rule takes; "none": no rule matches`)
	keep := flag.String("dir", "", "keep the database and the server's log in this directory (default: a temporary one, removed)")
	flag.Parse()
	if *rule != "least-loaded" && *rule != "none" {
		fail("-rule is least-loaded or none, not %q", *rule)
	}
	if err := run(*duration, *clients, *size, *rule, *keep); err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadtest: "+format+"\n", args...)
	os.Exit(1)
}

func run(duration time.Duration, clients, size int, rule, keep string) error {
	dir := keep
	if dir == "" {
		d, err := os.MkdirTemp("", "switchboard-loadtest")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bin := filepath.Join(dir, "switchboard")
	step("building switchboard")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/switchboard").CombinedOutput(); err != nil {
		return fmt.Errorf("go build (run this from the repository): %v\n%s", err, out)
	}
	db := filepath.Join(dir, "load.db")
	env := append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "TZ=UTC")
	sb := func(args ...string) ([]byte, error) {
		cmd := exec.Command(bin, append([]string{"--db", db}, args...)...)
		cmd.Env = env
		return cmd.Output()
	}
	step(fmt.Sprintf("filling the demo company with %d work orders", size))
	if out, err := sb("demo", "--work-orders", fmt.Sprint(size), "--no-ui", "--now", "2026-11-02T09:30:00Z"); err != nil {
		return fmt.Errorf("demo: %v %s", err, out)
	}
	out, err := sb("apikey", "add", "--name", "loadtest", "--rate", "100000", "--json")
	if err != nil {
		return fmt.Errorf("apikey add: %v", err)
	}
	var key struct{ Key string }
	if err := json.Unmarshal(out, &key); err != nil || key.Key == "" {
		return fmt.Errorf("apikey add printed %q", out)
	}
	anchor := filepath.Join(dir, "anchor.db")
	if err := testdb.CopyFile(db, anchor); err != nil {
		return err
	}
	// The server starts on a file already on the disk, as a server does: not
	// one whose pages the demo left in the page cache for its first fsync.
	if err := testdb.SyncFile(db); err != nil {
		return err
	}

	// The anchor runs before the creates and again after them (the disk's
	// speed drifts within a minute); the ratio is to their mean.
	step("the anchor, before: bbolt's Batch by itself on a copy of the same file")
	cpu := testdb.ReadCPUTimes()
	rawBefore, err := testdb.RawBatch(anchor, clients, 20_000, 14, 4300)
	if err != nil {
		return err
	}

	step("starting switchboard serve")
	srv := exec.Command(bin, "--db", db, "serve", "--listen", "127.0.0.1:0")
	srv.Env = env
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = srv.Process.Signal(syscall.SIGTERM)
			_ = srv.Wait()
		}
	}
	defer stop()
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	go func() { <-interrupt; stop(); os.Exit(1) }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "web listener on ") {
		return fmt.Errorf("serve did not start: %q %v", line, err)
	}
	url := strings.Fields(strings.SplitN(line, "web listener on ", 2)[1])[0]

	region, priority := "East", "urgent"
	if rule == "none" {
		region, priority = "Atlantis", "low"
	}
	step(fmt.Sprintf("%d clients creating work orders on %s for %s (%s)", clients, url, duration, rule))
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	res := apiload.Run(ctx, apiload.Options{URLs: []string{url}, Key: key.Key, Clients: clients, Prefix: "load",
		Body: func(n int64) string {
			return fmt.Sprintf(`{"subject":"load %d: 冷柜不制冷","priority":%q,"phone":"139%08d","region":%q}`, n, priority, n, region)
		}})
	cancel()
	stop()
	if res.Failed > 0 {
		return fmt.Errorf("%d requests failed, the first: %v", res.Failed, res.FirstErr)
	}
	if len(res.Latencies) == 0 {
		return fmt.Errorf("no work order was created")
	}
	lat, creates, perSec := res.Latencies, res.Elapsed, res.PerSecond()

	step("the anchor, after")
	raw, err := testdb.RawBatch(anchor, clients, 20_000, 14, 4300)
	if err != nil {
		return err
	}
	drift := 100 * (raw.PerSecond - rawBefore.PerSecond) / rawBefore.PerSecond
	raw.PerSecond = (raw.PerSecond + rawBefore.PerSecond) / 2
	raw.P50, raw.P99 = max(raw.P50, rawBefore.P50), max(raw.P99, rawBefore.P99)
	fmt.Printf("\ncreates/s  %8.0f   (%d in %s, %d clients, %s)\n", perSec, len(lat), creates.Round(time.Millisecond), clients, rule)
	fmt.Printf("p50        %8.1f ms\n", ms(lat[len(lat)/2]))
	fmt.Printf("p99        %8.1f ms\n", ms(lat[min(len(lat)-1, len(lat)*99/100)]))
	fmt.Printf("raw Batch  %8.0f ops/s (%d goroutines, fsync, 14 keys, 4.3 KB; the mean of a run before and one after, %+.0f %% apart), p50 %.1f ms, p99 %.1f ms\n", raw.PerSecond, clients, drift, ms(raw.P50), ms(raw.P99))
	fmt.Printf("ratio      %8.2f × raw\n", perSec/raw.PerSecond)
	if st := testdb.ReadCPUTimes().StolenSince(cpu); st >= 0 {
		fmt.Printf("CPU stolen %8.0f %% of the machine's CPU time during the anchors and the run (by the hypervisor, for other machines)\n", 100*st)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func step(s string) { fmt.Fprintf(os.Stderr, "loadtest: %s\n", s) }
