package portal_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"switchboard/core/portal/apiload"
	"testing"

	"switchboard/core"
	"switchboard/core/portal"
	"switchboard/store/testdb"
)

// BenchmarkAPICreate64Clients measures work orders created through the
// integration API (R-IN-6) by 64 concurrent clients over HTTP on loopback, each
// request with its own Idempotency-Key, into the demo company with 100,000 work
// orders, with durable writes (bbolt Batch, fsync on). "least-loaded": every
// request is an urgent East repair, which the demo's least-loaded rule takes
// (four engineers with hundreds of open work orders each); "no-rule": no rule
// matches and each waits in the manual queue; "round-robin-500": 500
// round-robin rules in use (each pointer moved once), each request taken by
// one of them in turn. The anchor, measured in the same
// run on a copy of the same file: bbolt's Batch by itself, 64 goroutines,
// writing 14 keys of about 4.3 KB together per operation (a create's shape);
// it runs before the creates and after them, raw-ops/s is the mean of the two
// and raw-drift-% how far the second moved from the first (the disk drifts);
// x-raw is creates/s as a fraction of it; raw-p99-ms is the anchor's own p99
// (64 writers always waiting: the floor under the creates' p99 on this disk);
// steal-% is the share of the machine's CPU time stolen meanwhile.
//
//	go test ./core/portal -run XXX -bench APICreate64 -benchtime 5000x
func BenchmarkAPICreate64Clients(b *testing.B) {
	for _, tc := range []struct {
		name, region, priority string
		roundRobin             int
	}{
		{"least-loaded", "East", "urgent", 0},
		{"no-rule", "Atlantis", "low", 0},
		{"round-robin-500", "", "low", 500},
	} {
		b.Run(tc.name, func(b *testing.B) { benchAPICreate(b, tc.region, tc.priority, tc.roundRobin) })
	}
}

// addRoundRobinRules adds n round-robin rules, rule i taking the region
// "RR" + i, and moves each one's pointer by dispatching a work order to it
// (the pointers a company with n round-robin rules in use keeps).
func addRoundRobinRules(b *testing.B, svc *core.Service, admin core.Actor, n int) {
	d, err := svc.Directory()
	if err != nil {
		b.Fatal(err)
	}
	var pool []core.ID
	for _, e := range d.Engineers {
		if e.ProviderID == d.Engineers[0].ProviderID && len(pool) < 3 {
			pool = append(pool, e.ID)
		}
	}
	for i := range n {
		if _, err := svc.AddRule(admin, core.NewRule{Kind: core.RuleDispatch, Name: fmt.Sprintf("round robin %03d", i), When: fmt.Sprintf(`region == "RR%03d"`, i), Engineers: pool, Policy: core.PolicyRoundRobin}); err != nil {
			b.Fatal(err)
		}
	}
	for i := range n {
		if _, err := svc.CreateWorkOrder(admin, core.NewWorkOrder{Subject: "move the pointer", Region: fmt.Sprintf("RR%03d", i), Phone: "13900000000"}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchAPICreate(b *testing.B, region, priority string, roundRobin int) {
	st, svc, _ := testdb.Demo100k(b)
	// The server runs with GOGC=400 unless GOGC is set (runServer in
	// cmd/switchboard/server.go); so does this benchmark of its API.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	admin := testdb.Admin(b, svc)
	addRoundRobinRules(b, svc, admin, roundRobin)
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
	if before != 100_000+roundRobin {
		b.Fatalf("the database holds %d work orders, want 100,000", before)
	}
	const clients = 64
	// The anchor runs before the creates and again after them: the disk's
	// speed drifts within a minute, and their mean is what the creates met.
	cpu := testdb.ReadCPUTimes()
	rawBefore, err := testdb.RawBatch(anchor, clients, max(b.N, 2000), 14, 4300)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	res := apiload.Run(context.Background(), apiload.Options{URLs: []string{srv.URL}, Key: secret, Clients: clients, Total: int64(b.N), Prefix: "erp",
		Body: func(n int64) string {
			region := region
			if roundRobin > 0 {
				region = fmt.Sprintf("RR%03d", n%int64(roundRobin))
			}
			return fmt.Sprintf(`{"subject":"ERP order %d: 冷柜不制冷","priority":%q,"phone":"139%08d","region":%q}`, n, priority, n, region)
		}})
	b.StopTimer()
	if res.Failed > 0 {
		b.Fatalf("%d creates failed, the first: %v", res.Failed, res.FirstErr)
	}
	after, _ := svc.CountWorkOrders()
	if after-before != len(res.Latencies) {
		b.Fatalf("%d acknowledged, %d stored", len(res.Latencies), after-before)
	}
	if roundRobin > 0 {
		page, err := svc.ListWorkOrders(core.WorkOrderQuery{Limit: 1})
		if err != nil || len(page.Rows) != 1 || page.Rows[0].EngineerName == "" {
			b.Fatalf("the last create was not assigned by a round-robin rule: %+v %v", page.Rows, err)
		}
	}
	b.ReportMetric(float64(res.Quantile(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.Quantile(0.99).Microseconds())/1000, "p99-ms")
	creates := res.PerSecond()
	b.ReportMetric(creates, "creates/s")
	rawAfter, err := testdb.RawBatch(anchor, clients, max(b.N, 2000), 14, 4300)
	if err != nil {
		b.Fatal(err)
	}
	raw := (rawBefore.PerSecond + rawAfter.PerSecond) / 2
	b.ReportMetric(raw, "raw-ops/s")
	b.ReportMetric(100*(rawAfter.PerSecond-rawBefore.PerSecond)/rawBefore.PerSecond, "raw-drift-%")
	b.ReportMetric(float64(max(rawBefore.P99, rawAfter.P99).Microseconds())/1000, "raw-p99-ms")
	b.ReportMetric(creates/raw, "x-raw")
	// The share of the machine's CPU time the hypervisor took elsewhere
	// during the run and its anchor (testdb.CPUTimes).
	b.ReportMetric(100*testdb.ReadCPUTimes().StolenSince(cpu), "steal-%")
}
