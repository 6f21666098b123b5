// Package demo fills a database with a believable field-service company: customer
// accounts in Chinese and English, their contacts and terminal users (arranged so
// that every R-WO-4 owner case occurs), service providers with engineers in five
// regions, internal staff in every role, and work orders over the last 90 days with
// the dispatch fields and history their status implies.
//
// Everything goes through core.Service, so demo data obeys the same rules as real
// data. The same Seed and Now give the same company.
package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"switchboard/core"
)

// Options say how much to make and from which seed.
type Options struct {
	// WorkOrders is how many work orders to create (default DefaultWorkOrders).
	WorkOrders int
	// Seed makes the output reproducible: the same seed gives the same company.
	Seed int64
	// Now is the moment the demo is "taken at": work orders are created over the 90
	// days before it. Zero means the service clock.
	Now time.Time
	// BatchSize is how many work orders go into one storage transaction (default 2,000).
	BatchSize int
	// Progress, when set, is called after each batch with the work orders done so far.
	Progress func(done, total int)
}

// DefaultWorkOrders is the size of the demo when Options.WorkOrders is zero.
const DefaultWorkOrders = 1000

// History is how far back the demo's work orders go.
const History = 90 * 24 * time.Hour

// Summary counts what Generate made.
type Summary struct {
	Accounts      int
	Contacts      int
	TerminalUsers int
	Users         int // internal users added (the built-in admin not counted)
	Providers     int
	Engineers     int
	WorkOrders    int
	Evaluations   int // Service Evaluation records of the work orders' evaluations
	// FollowUpTasks are the follow-up calls waiting in the follow-up staff's queues.
	FollowUpTasks int
	ByStatus      map[core.Status]int
	// OwnerCase counts work orders by the R-WO-4 case that set their external owner
	// (index 1–5); index 0 counts those no case applied to (no contact, phone or email).
	OwnerCase [6]int
	// NoOwner counts work orders left without an external owner, whatever the case.
	NoOwner  int
	Duration time.Duration
}

// String is a one-line account of the demo, e.g. for the command line.
func (s Summary) String() string {
	var st []string
	for _, k := range core.AllStatuses {
		if n := s.ByStatus[k]; n > 0 {
			st = append(st, group(n)+" "+string(k))
		}
	}
	return fmt.Sprintf("%d accounts, %d contacts, %d terminal users, %d users, %d providers, %d engineers, %s work orders (%s)",
		s.Accounts, s.Contacts, s.TerminalUsers, s.Users, s.Providers, s.Engineers, group(s.WorkOrders), strings.Join(st, ", "))
}

// group writes n with thousands separators: 100000 → "100,000".
func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Generate creates the demo company in svc as admin (who must hold the admin role).
// It expects an empty database: account names and provider tenant IDs must be free.
func Generate(svc *core.Service, admin core.Actor, opt Options) (Summary, error) {
	began := time.Now()
	if opt.WorkOrders < 0 {
		return Summary{}, core.Invalid("work-orders", "The number of work orders cannot be negative.")
	}
	if opt.WorkOrders == 0 {
		opt.WorkOrders = DefaultWorkOrders
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 2000
	}
	if opt.Now.IsZero() {
		opt.Now = svc.Now()
	}
	opt.Now = opt.Now.UTC().Truncate(time.Second)
	seed := uint64(opt.Seed)
	r := rand.New(rand.NewPCG(seed, seed^0x5bd1e995_9e3779b9))

	p := &people{svc: svc, admin: admin, r: r}
	c, err := p.build()
	if err != nil {
		return Summary{}, fmt.Errorf("demo: %w", err)
	}
	sum := Summary{
		Accounts: len(c.accounts), Contacts: len(c.contacts), TerminalUsers: c.terminalCount,
		Users: len(userSpecs), Providers: len(c.providers), Engineers: len(c.engineers),
		ByStatus: map[core.Status]int{},
	}

	o := &orders{r: r, c: &c, now: opt.Now, start: opt.Now.Add(-History), span: History - 10*time.Minute, n: opt.WorkOrders}
	batch := make([]core.ImportedWorkOrder, 0, min(opt.BatchSize, opt.WorkOrders))
	for lo := 0; lo < opt.WorkOrders; lo += opt.BatchSize {
		batch = batch[:0]
		for i := lo; i < min(lo+opt.BatchSize, opt.WorkOrders); i++ {
			batch = append(batch, o.item(i))
		}
		made, err := svc.ImportWorkOrders(admin, batch)
		if err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
		n, err := svc.ImportEvaluations(admin, evaluationsOf(made, batch))
		if err != nil {
			return sum, fmt.Errorf("demo: %w", err)
		}
		sum.Evaluations += n
		for i := range made {
			sum.count(&made[i])
		}
		if opt.Progress != nil {
			opt.Progress(sum.WorkOrders, opt.WorkOrders)
		}
	}
	if sum.FollowUpTasks, err = followUp(svc, admin, c.followUp); err != nil {
		return sum, fmt.Errorf("demo: %w", err)
	}
	sum.Duration = time.Since(began)
	return sum, nil
}

func (s *Summary) count(w *core.WorkOrder) {
	s.WorkOrders++
	s.ByStatus[w.Status]++
	s.OwnerCase[OwnerCase(w.OutOwnerRule)]++
	if w.OutOwner == 0 {
		s.NoOwner++
	}
}

// OwnerCase reads the R-WO-4 case number out of a work order's out_owner_rule
// ("R-WO-4 case 3: …"); it returns 0 when no case applied.
func OwnerCase(rule string) int {
	var c int
	if _, err := fmt.Sscanf(rule, "R-WO-4 case %d:", &c); err != nil || c < 1 || c > 5 {
		return 0
	}
	return c
}

// evaluationsOf turns the evaluations in the demo work orders' histories
// ("evaluation received: 4/5 \"…\"") into Service Evaluation records, so the
// CSAT report has the company's ratings (R-EVAL-1).
// made[i] is the work order imported from items[i] (whose history it keeps).
func evaluationsOf(made []core.WorkOrder, items []core.ImportedWorkOrder) []core.Evaluation {
	var out []core.Evaluation
	for i, w := range made {
		for _, e := range items[i].History {
			var score int
			var comment string
			if !strings.HasPrefix(e.Detail, "evaluation received: ") {
				continue
			}
			if _, err := fmt.Sscanf(e.Detail, "evaluation received: %d/5 %q", &score, &comment); err != nil || score < 1 || score > 5 {
				continue
			}
			n := score
			via := core.EvalViaQR
			if e.Channel == core.ChannelWeChat {
				via = core.EvalViaLink
			}
			out = append(out, core.Evaluation{WorkOrderID: w.ID, Type: core.EvalTypeStandard, Score: score, Scale: 5, Via: via, By: e.By, SubmittedAt: e.At,
				Answers: []core.EvalAnswer{
					{Key: "overall", Label: "How satisfied are you with the service?", Kind: core.EvalStars, Number: &n, Scale: 5},
					{Key: "comment", Label: "Anything you would like to tell us?", Kind: core.EvalText, Text: comment},
				}})
		}
	}
	return out
}
