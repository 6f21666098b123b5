package core_test

import (
	"fmt"
	"testing"
	"time"

	"switchboard/core"
	"switchboard/store"
	"switchboard/store/testdb"
)

// csatFixture stores evaluations with known ratings for Ann and Bob (Acme) and
// Dan (North) and returns the service. The numbers the report must give are
// worked out by hand in TestCSATReportByHand.
func csatFixture(t testing.TB) (*core.Service, *fieldCo) {
	st, svc, clk := testdb.Open(t)
	f := newFieldCo(t.(*testing.T), svc, clk)
	week := 7 * 24 * time.Hour
	w1 := testdb.Epoch               // Monday 2 November 2026
	w3 := testdb.Epoch.Add(2 * week) // Monday 16 November
	type ev struct {
		eng          core.Engineer
		prov         core.Provider
		score, scale int
		woType, form string
		at           time.Time
	}
	evs := []ev{
		{f.ann, f.acme, 5, 5, "Repair", "Standard", w1.Add(time.Hour)},
		{f.ann, f.acme, 4, 5, "Repair", "Standard", w1.Add(2 * time.Hour)},
		{f.bob, f.acme, 10, 10, "Repair", "Detailed", w1.Add(3 * time.Hour)},
		{f.ann, f.acme, 6, 10, "Installation", "Detailed", w3.Add(time.Hour)},
		{f.bob, f.acme, 7, 10, "Repair", "Detailed", w3.Add(2 * time.Hour)},
		{f.dan, f.north, 2, 5, "Installation", "Standard", w3.Add(3 * time.Hour)},
		{f.dan, f.north, 1, 10, "Repair", "Detailed", w3.Add(4 * time.Hour)},
		{f.ann, f.acme, 0, 0, "Repair", "Standard", w3.Add(5 * time.Hour)},      // no rating given
		{f.ann, f.acme, 1, 5, "Repair", "Standard", w1.Add(-24 * time.Hour)},    // before the period
		{f.bob, f.acme, 1, 5, "Repair", "Standard", w3.Add(7 * 24 * time.Hour)}, // after it
	}
	err := st.Update(func(tx core.Tx) error {
		for i, e := range evs {
			x := core.Evaluation{WorkOrderID: core.ID(i + 1), Number: fmt.Sprintf("WO-%06d", i+1), Type: e.form, RecordType: e.woType,
				Score: e.score, Scale: e.scale, EngineerID: e.eng.ID, EngineerName: e.eng.Name, ProviderID: e.prov.ID, ProviderName: e.prov.Name, SubmittedAt: e.at}
			if err := tx.PutEvaluation(&x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return svc, f
}

// TestCSATReportByHand (issue 6 item 6): the report's numbers against a fixture
// computed by hand. Ratings normalised to five stars:
//
//	Ann  5/5 → 5, 4/5 → 4, 6/10 → 3         avg 4.00, satisfied 2/3 = 66.7%, stars [0 0 1 1 1]
//	Bob  10/10 → 5, 7/10 → 3.5              avg 4.25, satisfied 1/2 = 50.0%, stars [0 0 1 0 1]
//	Dan  2/5 → 2, 1/10 → 0.5                avg 1.25, satisfied 0/2 =  0.0%, stars [1 1 0 0 0]
//	all  23 / 7 = 3.2857 → 3.29, satisfied 3/7 = 42.9%, stars [1 1 2 1 2]; 1 unrated
//	Acme 20.5 / 5 = 4.10, 3/5 = 60.0%; North 1.25
//	Repair 18 / 5 = 3.60, 60.0%, stars [1 0 1 1 2]; Installation 5 / 2 = 2.50, 0.0%
//	Standard 11 / 3 = 3.67, 66.7%; Detailed 12 / 4 = 3.00, 25.0%
//	weeks: 2 Nov (5+4+5)/3 = 4.67 (3); 9 Nov none; 16 Nov 9/4 = 2.25 (4); 23 Nov none (the period's last morning)
func TestCSATReportByHand(t *testing.T) {
	svc, f := csatFixture(t)
	from, to := testdb.Epoch, testdb.Epoch.Add(21*24*time.Hour)
	rep, err := svc.CSATReport(core.CSATQuery{From: from, To: to, By: core.CSATByEngineer})
	if err != nil {
		t.Fatal(err)
	}
	stat := func(name string, got core.CSATStat, count int, avg float64, sat int, pct float64, dist [5]int) {
		t.Helper()
		if got.Count != count || got.Average != avg || got.Satisfied != sat || got.SatisfiedPct != pct || got.Distribution != dist {
			t.Errorf("%s: got n=%d avg=%v sat=%d (%v%%) dist=%v; want n=%d avg=%v sat=%d (%v%%) dist=%v",
				name, got.Count, got.Average, got.Satisfied, got.SatisfiedPct, got.Distribution, count, avg, sat, pct, dist)
		}
	}
	stat("total", rep.Total, 7, 3.29, 3, 42.9, [5]int{1, 1, 2, 1, 2})
	if rep.Unrated != 1 {
		t.Errorf("unrated %d, want 1", rep.Unrated)
	}
	if len(rep.Groups) != 3 || rep.Groups[0].Name != "Bob" || rep.Groups[1].Name != "Ann" || rep.Groups[2].Name != "Dan" {
		t.Fatalf("groups %+v (want best first: Bob, Ann, Dan)", rep.Groups)
	}
	stat("Bob", rep.Groups[0].CSATStat, 2, 4.25, 1, 50, [5]int{0, 0, 1, 0, 1})
	stat("Ann", rep.Groups[1].CSATStat, 3, 4, 2, 66.7, [5]int{0, 0, 1, 1, 1})
	stat("Dan", rep.Groups[2].CSATStat, 2, 1.25, 0, 0, [5]int{1, 1, 0, 0, 0})
	if rep.Groups[1].ID != f.ann.ID {
		t.Errorf("Ann's id %d", rep.Groups[1].ID)
	}
	monday := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	if len(rep.Trend) != 4 {
		t.Fatalf("trend %+v, want four weeks (the period ends on a Monday morning)", rep.Trend)
	}
	for i, want := range []struct {
		start time.Time
		n     int
		avg   float64
	}{{monday, 3, 4.67}, {monday.AddDate(0, 0, 7), 0, 0}, {monday.AddDate(0, 0, 14), 4, 2.25}, {monday.AddDate(0, 0, 21), 0, 0}} {
		if p := rep.Trend[i]; !p.Start.Equal(want.start) || p.Count != want.n || p.Average != want.avg {
			t.Errorf("week %d: %+v, want %v n=%d avg=%v", i, p, want.start, want.n, want.avg)
		}
	}

	rep, _ = svc.CSATReport(core.CSATQuery{From: from, To: to, By: core.CSATByProvider})
	if len(rep.Groups) != 2 || rep.Groups[0].Name != "Acme Field Services" {
		t.Fatalf("by provider %+v", rep.Groups)
	}
	stat("Acme", rep.Groups[0].CSATStat, 5, 4.1, 3, 60, [5]int{0, 0, 2, 1, 2})
	stat("North", rep.Groups[1].CSATStat, 2, 1.25, 0, 0, [5]int{1, 1, 0, 0, 0})

	rep, _ = svc.CSATReport(core.CSATQuery{From: from, To: to, By: core.CSATByType})
	if len(rep.Groups) != 2 || rep.Groups[0].Name != "Repair" {
		t.Fatalf("by type %+v", rep.Groups)
	}
	stat("Repair", rep.Groups[0].CSATStat, 5, 3.6, 3, 60, [5]int{1, 0, 1, 1, 2})
	stat("Installation", rep.Groups[1].CSATStat, 2, 2.5, 0, 0, [5]int{0, 1, 1, 0, 0})

	rep, _ = svc.CSATReport(core.CSATQuery{From: from, To: to, By: core.CSATByForm, Period: core.PeriodMonth})
	stat("Standard", rep.Groups[0].CSATStat, 3, 3.67, 2, 66.7, [5]int{0, 1, 0, 1, 1})
	stat("Detailed", rep.Groups[1].CSATStat, 4, 3, 1, 25, [5]int{1, 0, 2, 0, 1})
	if len(rep.Trend) != 1 || rep.Trend[0].Count != 7 || rep.Trend[0].Start.Day() != 1 {
		t.Errorf("monthly trend %+v", rep.Trend)
	}

	// Unbounded: every rated evaluation, the two outside the period too.
	rep, _ = svc.CSATReport(core.CSATQuery{})
	if rep.Total.Count != 9 {
		t.Errorf("all time: %d rated", rep.Total.Count)
	}
	if _, err := svc.CSATReport(core.CSATQuery{From: to, To: from}); !core.IsValidation(err) {
		t.Errorf("reversed period: %v", err)
	}
	if _, err := core.ParseCSATBy("region"); !core.IsValidation(err) {
		t.Errorf("unknown grouping accepted")
	}
}

// TestCSATFromPortalToReport: ratings submitted on a work order's QR code land in
// the report under its engineer, normalised.
func TestCSATFromPortalToReport(t *testing.T) {
	f := newEvalCo(t)
	f.setEvaluation(t, &core.EvaluationSettings{Mode: core.EvalModeQR, Type: "Detailed"}, 0)
	w := f.atEvaluation(t, core.NewWorkOrder{})
	qr, err := f.svc.EvaluationQR(f.admin, w.Number)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"10", "7"} {
		if _, err := f.svc.SubmitEvaluation(tokenOf(t, qr.URL), answers("overall", s, "resolved", "Fully solved")); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := f.svc.CSATReport(core.CSATQuery{})
	if err != nil || len(rep.Groups) != 1 || rep.Groups[0].Name != "Ann" || rep.Groups[0].Average != 4.25 || rep.Groups[0].Satisfied != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
}

// BenchmarkCSATReport100k: the CSAT report over 100,000 evaluations of 40
// engineers on a real bbolt file, by engineer with a weekly trend over a year.
func BenchmarkCSATReport100k(b *testing.B) {
	st, svc := benchEvaluations(b, 100_000)
	_ = st
	q := core.CSATQuery{By: core.CSATByEngineer, Period: core.PeriodWeek}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := svc.CSATReport(q)
		if err != nil || rep.Total.Count == 0 {
			b.Fatal(rep.Total.Count, err)
		}
	}
}

// BenchmarkCSATReportMonth100k: one month out of the same year of evaluations.
func BenchmarkCSATReportMonth100k(b *testing.B) {
	_, svc := benchEvaluations(b, 100_000)
	from := testdb.Epoch.AddDate(0, -1, 0)
	q := core.CSATQuery{From: from, To: testdb.Epoch, By: core.CSATByProvider}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.CSATReport(q); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEvaluations(b *testing.B, n int) (*store.Bolt, *core.Service) {
	b.Helper()
	st, svc, _ := testdb.Open(b)
	admin := testdb.Admin(b, svc)
	var engs []core.Engineer
	for p := range 8 {
		prov, err := svc.AddProvider(admin, fmt.Sprintf("Provider %d", p), fmt.Sprintf("T-%d", p))
		if err != nil {
			b.Fatal(err)
		}
		for e := range 5 {
			eng, err := svc.AddEngineer(admin, core.NewEngineer{Name: fmt.Sprintf("Engineer %d-%d", p, e), ProviderID: prov.ID})
			if err != nil {
				b.Fatal(err)
			}
			engs = append(engs, eng)
		}
	}
	year := 365 * 24 * time.Hour
	const batch = 10_000
	for start := 0; start < n; start += batch {
		err := st.Update(func(tx core.Tx) error {
			for i := start; i < min(n, start+batch); i++ {
				e := engs[i%len(engs)]
				scale := []int{5, 10}[i%2]
				x := core.Evaluation{WorkOrderID: core.ID(i + 1), Number: core.FormatNumber(uint64(i + 1)), Type: []string{"Standard", "Detailed"}[i%2],
					RecordType: core.DefaultRecordTypes[i%4], Score: 1 + (i*7)%scale, Scale: scale, EngineerID: e.ID, EngineerName: e.Name,
					ProviderID: e.ProviderID, SubmittedAt: testdb.Epoch.Add(-year + time.Duration(i)*(year/time.Duration(n)))}
				if err := tx.PutEvaluation(&x); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return st, svc
}
