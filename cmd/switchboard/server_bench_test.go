package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/muesli/termenv"

	"switchboard/cmd/switchboard/internal/wire"
	"switchboard/store/testdb"
)

// benchConsole is one attached console that only reads: it notes when each
// update's marker first reaches it.
type benchConsole struct {
	mu   sync.Mutex
	seen map[int]time.Time
	err  error
	tail []byte // the last bytes received, to show when a marker never comes
}

var updateMarker = regexp.MustCompile(`upd-(\d{6})`)

func (c *benchConsole) read(conn net.Conn) {
	carry := ""
	for {
		f, err := wire.ReadFrame(conn)
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		if f.Type == wire.Exit {
			c.mu.Lock()
			c.err = fmt.Errorf("console ended: %q", f.Payload)
			c.mu.Unlock()
			return
		}
		if f.Type != wire.Stdout {
			continue
		}
		now := time.Now()
		text := carry + string(f.Payload)
		c.mu.Lock()
		c.tail = append(c.tail, f.Payload...)
		c.tail = c.tail[max(0, len(c.tail)-4096):]
		for _, m := range updateMarker.FindAllStringSubmatch(text, -1) {
			n, _ := strconv.Atoi(m[1])
			if _, ok := c.seen[n]; !ok {
				c.seen[n] = now
			}
		}
		c.mu.Unlock()
		carry = text[max(0, len(text)-16):] // a marker split between two frames
	}
}

func (c *benchConsole) at(n int) (time.Time, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.seen[n]
	return t, ok, c.err
}

// cpuTicks is the process's user+system CPU time so far in clock ticks (the
// kernel's getrusage accounting for pid, read from /proc/PID/stat).
func cpuTicks(tb testing.TB, pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		tb.Fatal(err)
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	// After the command name: state is field 3, utime 14 and stime 15.
	ut, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return ut + st
}

// BenchmarkAttachedConsoles (issue 9, R-APP-4): a server on a database of 100,000
// work orders with 50 consoles attached over its socket (real clients that only
// read), and a stream of work-order updates made by CLI clients through the same
// server. Each iteration is one update; it ends when every console has received
// a frame showing it. Reported: the server's CPU time per update (all 50 consoles
// redrawing) and the update-to-screen latency at p50 and p99 over all consoles.
//
// Two streams: back-to-back updates (each right after the last reached every
// console: the consoles coalesce changes to one refresh per tui.RefreshEvery) and
// updates 400 ms apart (a team of dispatchers at work: each change refreshes at once).
func BenchmarkAttachedConsoles(b *testing.B) {
	for _, gap := range []time.Duration{0, 400 * time.Millisecond} {
		name := "back-to-back"
		if gap > 0 {
			name = "every-" + gap.String()
		}
		b.Run(name, func(b *testing.B) { benchAttachedConsoles(b, gap) })
	}
}

func benchAttachedConsoles(b *testing.B, gap time.Duration) {
	const consoles = 50
	st, _, _ := testdb.Filled100k(b)
	path := st.Path()
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	home := filepath.Dir(path)
	srv := exec.Command(binary, "--db", path, "serve", "--listen", "127.0.0.1:0")
	srv.Env = append(os.Environ(), "HOME="+home, "XDG_DATA_HOME="+home, "TZ=UTC", "SWITCHBOARD_CPUPROFILE="+os.Getenv("BENCH_SERVER_PROFILE"))
	out, err := srv.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || !strings.Contains(line, "web listener on") {
		b.Fatalf("serve did not start: %q %v", line, err)
	}

	env := map[string]string{"HOME": home, "TERM": "xterm-256color"}
	cs := make([]*benchConsole, consoles)
	keys := make([]*wire.Writer, consoles)
	for i := range cs {
		conn, err := dialServer(path)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		w := wire.NewWriter(conn)
		if err := w.WriteHello(wire.HelloMsg{Version: wire.Version, Kind: wire.KindConsole, Env: env, Term: "xterm-256color",
			Profile: int(termenv.ANSI256), Dark: true, Width: 160, Height: 50}); err != nil {
			b.Fatal(err)
		}
		keys[i] = w
		cs[i] = &benchConsole{seen: map[int]time.Time{}}
		go cs[i].read(conn)
	}

	update := func(n int) time.Time {
		conn, err := dialServer(path)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		code := runRemote(conn, wire.HelloMsg{Version: wire.Version, Kind: wire.KindCLI, Env: env,
			Args: []string{"--db", path, "wo", "create", "--subject", fmt.Sprintf("upd-%06d cold room alarm", n), "--region", "East"}}, nil, io.Discard, io.Discard)
		if code != 0 {
			b.Fatalf("update %d: exit %d", n, code)
		}
		return start
	}
	waitAll := func(n int, deadline time.Duration) []time.Time {
		end := time.Now().Add(deadline)
		got := make([]time.Time, len(cs))
		for i, c := range cs {
			for {
				t, ok, err := c.at(n)
				if ok {
					got[i] = t
					break
				}
				if err != nil {
					b.Fatalf("console %d: %v", i, err)
				}
				if time.Now().After(end) {
					c.mu.Lock()
					b.Fatalf("console %d never showed update %d; it last received:\n%q", i, n, c.tail)
				}
				time.Sleep(time.Millisecond)
			}
		}
		return got
	}
	// Warm up: every console is drawn and sees a first update.
	update(0)
	waitAll(0, 30*time.Second)

	// A console's cursor stays on its work order as new ones arrive above it,
	// so after a screenful of updates the newest would scroll out of sight:
	// every 30 updates (outside the measurement) each console goes to the top
	// with g, as a dispatcher watching arrivals would.
	toTop := func() {
		for _, w := range keys {
			if err := w.Write(wire.Stdin, []byte("g")); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(300 * time.Millisecond) // let the consoles redraw
	}
	var lat []time.Duration
	var ticks int64
	b.ResetTimer()
	for n := 1; n <= b.N; n++ {
		if n%30 == 0 {
			b.StopTimer()
			toTop()
			b.StartTimer()
		}
		if gap > 0 {
			b.StopTimer()
			time.Sleep(gap)
			b.StartTimer()
		}
		cpu0 := cpuTicks(b, srv.Process.Pid)
		start := update(n)
		for _, t := range waitAll(n, 10*time.Second) {
			lat = append(lat, t.Sub(start))
		}
		ticks += cpuTicks(b, srv.Process.Pid) - cpu0
	}
	b.StopTimer()
	cpu := time.Duration(ticks) * time.Second / 100 // USER_HZ is 100 on Linux
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(float64(len(lat))*p))] }
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "server-cpu-ms/update")
	b.ReportMetric(float64(pct(0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(pct(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(consoles, "consoles")
}
