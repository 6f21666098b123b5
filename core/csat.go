package core

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// CSATBy is what the CSAT report groups evaluations by.
type CSATBy string

// Report groupings.
const (
	CSATByEngineer CSATBy = "engineer"
	CSATByProvider CSATBy = "provider"
	CSATByType     CSATBy = "type" // the work order's record type (Repair, …)
	CSATByForm     CSATBy = "form" // the evaluation record type (Standard, …)
)

// AllCSATBy lists the groupings.
var AllCSATBy = []CSATBy{CSATByEngineer, CSATByProvider, CSATByType, CSATByForm}

// ParseCSATBy reads a grouping as typed.
func ParseCSATBy(s string) (CSATBy, error) {
	b := CSATBy(strings.ToLower(strings.TrimSpace(s)))
	if b == "" {
		return CSATByEngineer, nil
	}
	if slices.Contains(AllCSATBy, b) {
		return b, nil
	}
	return "", Invalid("by", "The report cannot group by %q: use %s.", s, joinNames(AllCSATBy))
}

// CSAT trend periods.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

// CSATQuery selects the evaluations of a report: submitted in [From, To)
// (zero: unbounded), grouped By, with a trend per Period in Loc.
type CSATQuery struct {
	From, To time.Time
	By       CSATBy
	Period   string
	Loc      *time.Location
	// OnlyCustomers leaves out guests' ratings (QR codes, links of work
	// orders without a customer): only terminal users who rated through
	// their own link count. Repeats leaves in ratings marked as a second
	// one from the same network (left out by default).
	OnlyCustomers, Repeats bool
}

// CSATStat is the satisfaction of a set of rated evaluations: how many, the
// average rating normalised to five stars, how many were satisfied (4 stars or
// more out of 5, i.e. 8 or more out of 10) and the distribution over 1–5 stars.
type CSATStat struct {
	Count        int     `json:"count"`
	Average      float64 `json:"average"`
	Satisfied    int     `json:"satisfied"`
	SatisfiedPct float64 `json:"satisfied_pct"`
	Distribution [5]int  `json:"distribution"`
	sum          float64
}

func (s *CSATStat) add(r *EvaluationRow) {
	s.Count++
	s.sum += float64(r.Score) * 5 / float64(r.Scale)
	st := r.Stars()
	s.Distribution[st-1]++
	if st >= 4 {
		s.Satisfied++
	}
}

func (s *CSATStat) finish() {
	if s.Count == 0 {
		return
	}
	s.Average = round(s.sum/float64(s.Count), 2)
	s.SatisfiedPct = round(float64(s.Satisfied)*100/float64(s.Count), 1)
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}

// CSATGroup is one engineer's (provider's, type's) satisfaction.
type CSATGroup struct {
	Key  string `json:"key"`
	ID   ID     `json:"id,omitempty"`
	Name string `json:"name"`
	CSATStat
}

// CSATPoint is one period of the trend.
type CSATPoint struct {
	Start   time.Time `json:"start"`
	Count   int       `json:"count"`
	Average float64   `json:"average"`
}

// CSATReport is satisfaction over a period by engineer, provider or type,
// best first, with the trend.
type CSATReport struct {
	From    *time.Time  `json:"from,omitempty"`
	To      *time.Time  `json:"to,omitempty"`
	By      CSATBy      `json:"by"`
	Period  string      `json:"period"`
	Total   CSATStat    `json:"total"`
	Groups  []CSATGroup `json:"groups"`
	Trend   []CSATPoint `json:"trend"`
	Unrated int         `json:"unrated"` // evaluations without an overall rating
	// Guests and Repeats count the ratings left out (see CSATQuery).
	Guests  int `json:"guests_left_out,omitempty"`
	Repeats int `json:"repeats_left_out,omitempty"`
}

// csatBuilder accumulates report rows; names resolves ids to names.
type csatBuilder struct {
	q       CSATQuery
	byID    map[ID]*CSATGroup
	byKey   map[string]*CSATGroup
	trend   map[int64]*CSATStat
	total   CSATStat
	unrated int
	guests  int
	repeats int
}

func newCSATBuilder(q CSATQuery) *csatBuilder {
	return &csatBuilder{q: q, byID: map[ID]*CSATGroup{}, byKey: map[string]*CSATGroup{}, trend: map[int64]*CSATStat{}}
}

func (b *csatBuilder) add(r *EvaluationRow) {
	if b.q.OnlyCustomers && !r.Identified {
		b.guests++
		return
	}
	if r.Repeat && !b.q.Repeats {
		b.repeats++
		return
	}
	if r.Score <= 0 || r.Scale <= 0 || r.Score > r.Scale {
		b.unrated++
		return
	}
	b.total.add(r)
	var g *CSATGroup
	switch b.q.By {
	case CSATByEngineer, CSATByProvider:
		id := r.Engineer
		if b.q.By == CSATByProvider {
			id = r.Provider
		}
		if g = b.byID[id]; g == nil {
			g = &CSATGroup{ID: id}
			b.byID[id] = g
		}
	default:
		k := r.RecordType
		if b.q.By == CSATByForm {
			k = r.Type
		}
		if g = b.byKey[k]; g == nil {
			g = &CSATGroup{Key: k, Name: k}
			b.byKey[k] = g
		}
	}
	g.add(r)
	start := periodStart(r.At, b.q.Period, b.q.Loc).Unix()
	p := b.trend[start]
	if p == nil {
		p = &CSATStat{}
		b.trend[start] = p
	}
	p.add(r)
}

// periodStart is the start of the day, week (Monday) or month holding t in loc.
func periodStart(t time.Time, period string, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	switch period {
	case PeriodDay:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case PeriodMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	}
	wd := (int(t.Weekday()) + 6) % 7 // Monday 0
	return time.Date(y, m, d-wd, 0, 0, 0, 0, loc)
}

func nextPeriod(t time.Time, period string) time.Time {
	switch period {
	case PeriodDay:
		return t.AddDate(0, 0, 1)
	case PeriodMonth:
		return t.AddDate(0, 1, 0)
	}
	return t.AddDate(0, 0, 7)
}

// report finishes the groups (named by name for ids) and the trend: every
// period from the query's start (or the first rating) to its end (or the last
// rating), empty ones included.
func (b *csatBuilder) report(name func(ID) string) CSATReport {
	rep := CSATReport{By: b.q.By, Period: b.q.Period, Unrated: b.unrated, Guests: b.guests, Repeats: b.repeats, Groups: []CSATGroup{}, Trend: []CSATPoint{}}
	if !b.q.From.IsZero() {
		f := b.q.From
		rep.From = &f
	}
	if !b.q.To.IsZero() {
		t := b.q.To
		rep.To = &t
	}
	b.total.finish()
	rep.Total = b.total
	for id, g := range b.byID {
		g.Name = name(id)
		g.Key = fmt.Sprint(id)
		g.finish()
		rep.Groups = append(rep.Groups, *g)
	}
	for _, g := range b.byKey {
		if g.Name == "" {
			g.Name = "(none)"
		}
		g.finish()
		rep.Groups = append(rep.Groups, *g)
	}
	slices.SortFunc(rep.Groups, func(a, c CSATGroup) int {
		return cmp.Or(cmp.Compare(c.Average, a.Average), cmp.Compare(c.Count, a.Count), strings.Compare(a.Name, c.Name), cmp.Compare(a.ID, c.ID))
	})
	if len(b.trend) == 0 {
		return rep
	}
	var starts []int64
	for k := range b.trend {
		starts = append(starts, k)
	}
	slices.Sort(starts)
	first := time.Unix(starts[0], 0).In(b.q.Loc)
	if !b.q.From.IsZero() {
		first = periodStart(b.q.From, b.q.Period, b.q.Loc)
	}
	last := time.Unix(starts[len(starts)-1], 0).In(b.q.Loc)
	if !b.q.To.IsZero() {
		last = periodStart(b.q.To.Add(-time.Nanosecond), b.q.Period, b.q.Loc) // up to the period's end, empty or not
	}
	for t := first; !t.After(last); t = nextPeriod(t, b.q.Period) {
		pt := CSATPoint{Start: t}
		if s := b.trend[t.Unix()]; s != nil {
			s.finish()
			pt.Count, pt.Average = s.Count, s.Average
		}
		rep.Trend = append(rep.Trend, pt)
	}
	return rep
}

// BuildCSAT computes a report over rows (already filtered to the query's
// period); name resolves engineer or provider ids.
func BuildCSAT(q CSATQuery, rows []EvaluationRow, name func(ID) string) CSATReport {
	q = q.normalized()
	b := newCSATBuilder(q)
	for i := range rows {
		b.add(&rows[i])
	}
	return b.report(name)
}

func (q CSATQuery) normalized() CSATQuery {
	if q.By == "" {
		q.By = CSATByEngineer
	}
	if q.Period == "" {
		q.Period = PeriodWeek
	}
	if q.Loc == nil {
		q.Loc = time.UTC
	}
	return q
}

// CSATReport computes satisfaction over the evaluations submitted in the
// query's period, reading only the store's time index.
func (s *Service) CSATReport(q CSATQuery) (CSATReport, error) {
	q = q.normalized()
	if !slices.Contains(AllCSATBy, q.By) {
		return CSATReport{}, Invalid("by", "The report cannot group by %q: use %s.", q.By, joinNames(AllCSATBy))
	}
	if q.Period != PeriodDay && q.Period != PeriodWeek && q.Period != PeriodMonth {
		return CSATReport{}, Invalid("period", "The trend period %q is unknown: use day, week or month.", q.Period)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return CSATReport{}, Invalid("to", "The report's end (%s) must come after its start (%s).", q.To.Format("2006-01-02"), q.From.Format("2006-01-02"))
	}
	var rep CSATReport
	err := s.store.View(func(tx Tx) error {
		names := map[ID]string{}
		switch q.By {
		case CSATByEngineer:
			es, err := tx.Engineers()
			if err != nil {
				return err
			}
			for _, e := range es {
				names[e.ID] = e.Name
			}
		case CSATByProvider:
			ps, err := tx.Providers()
			if err != nil {
				return err
			}
			for _, p := range ps {
				names[p.ID] = p.Name
			}
		}
		b := newCSATBuilder(q)
		if err := tx.ScanEvaluationRows(q.From, q.To, func(r EvaluationRow) bool { b.add(&r); return true }); err != nil {
			return err
		}
		rep = b.report(func(id ID) string {
			if id == 0 {
				return "(no " + string(q.By) + ")"
			}
			if n, ok := names[id]; ok {
				return n
			}
			return fmt.Sprintf("#%d (removed)", id)
		})
		return nil
	})
	return rep, err
}
