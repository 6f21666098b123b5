package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"switchboard/core"
)

// History event kinds the demo writes besides core's created/owner events.
const (
	eventDispatch   = "dispatch"
	eventAssigned   = "assigned"
	eventNote       = "note"
	eventAdvanced   = "advanced"
	eventCompleted  = "completed"
	eventTerminated = "terminated"
)

// orders makes up work orders for the cast, one at a time and in creation order.
type orders struct {
	r     *rand.Rand
	c     *cast
	now   time.Time
	start time.Time
	span  time.Duration
	n     int
}

// stage is how far along its process a work order has come.
type stage int

const (
	atDispatch stage = iota
	atService
	atTerminalTask
	atEvaluation
	atFollowUp
	atEnd
)

// submission is who submitted a work order and about whom.
type submission struct {
	by       core.Actor
	channel  core.Channel
	contact  *contactRef
	terminal *terminalRef
	phone    string
	email    string
}

// item returns the i-th of n work orders; created times rise with i across the
// last 90 days before now.
func (o *orders) item(i int) core.ImportedWorkOrder {
	r := o.r
	created := o.start.Add(time.Duration((float64(i) + r.Float64()) / float64(o.n) * float64(o.span))).Truncate(time.Second)
	sub := o.submission()
	recordType := pickWeighted(r, []string{"Repair", "Maintenance", "Installation", "Inspection"}, []int{50, 25, 15, 10})
	priority := pickWeighted(r, []core.Priority{core.PriorityLow, core.PriorityNormal, core.PriorityHigh, core.PriorityUrgent}, []int{15, 50, 25, 10})

	var spec *accountSpec
	var account *core.Account
	if sub.contact != nil {
		spec, account = &o.c.specs[sub.contact.Account], &o.c.accounts[sub.contact.Account]
	}
	chinese := r.IntN(2) == 0
	if spec != nil {
		chinese = spec.Chinese == (r.IntN(10) < 8)
	}
	subject, description := ticket(r, recordType, chinese)

	in := core.NewWorkOrder{
		Subject: subject, Description: description, RecordType: recordType, Priority: priority,
		Channel: sub.channel, Phone: sub.phone, Email: sub.email,
	}
	if sub.contact != nil {
		in.ContactID = sub.contact.ID
	}
	if account != nil {
		in.Region, in.Address = account.Region, spec.Address
	} else {
		in.Region = regions[r.IntN(len(regions))]
	}
	if sub.channel == core.ChannelDeviceCode || r.IntN(100) < 55 {
		code := "GEN"
		if spec != nil {
			code = spec.Code
		}
		in.DeviceCode = fmt.Sprintf("%s-%04d", code, 1+r.IntN(40))
	}
	due := created.Add(slaFor(priority))
	in.DueAt = &due

	item := core.ImportedWorkOrder{NewWorkOrder: in, CreatedAt: created, SubmittedBy: sub.by}
	o.lifecycle(&item, created, sub, in.Region)
	return item
}

// submission picks the acceptance channel and, with it, the submitter and the contact.
func (o *orders) submission() submission {
	r, c := o.r, o.c
	ch := pickWeighted(r,
		[]core.Channel{core.ChannelInternal, core.ChannelCallCenter, core.ChannelWeb, core.ChannelWeChat, core.ChannelMiniProgram, core.ChannelEmail, core.ChannelDeviceCode, core.ChannelAPI, core.ChannelSmartForm},
		[]int{22, 35, 10, 8, 6, 8, 6, 3, 2})
	s := submission{channel: ch}
	switch ch {
	case core.ChannelInternal:
		s.by = pick(r, c.creators)
		s.contact = o.someContact()
	case core.ChannelCallCenter:
		s.by = pick(r, c.callCenter)
		switch x := r.IntN(100); {
		case x < 92:
			s.contact = o.someContact()
		case x < 96:
			// A registered terminal user calls in; the agent types only the phone.
			s.phone = pick(r, c.registered).Phone
		default:
			s.phone = pick(r, c.walkIns)
		}
	case core.ChannelEmail:
		s.by = core.Actor{Name: "mailbox"}
		s.contact = o.someContact()
	case core.ChannelAPI:
		s.by = core.Actor{Name: "erp-integration"}
		s.contact = o.someContact()
	case core.ChannelSmartForm:
		s.by = core.Actor{Kind: core.SubmitterGuest, Name: "guest"}
		if r.IntN(2) == 0 {
			s.phone = pick(r, c.walkIns)
		}
	default: // web, WeChat, mini program, device code: a terminal user, or a guest scanning a device
		if ch == core.ChannelDeviceCode && r.IntN(100) < 40 {
			s.by = core.Actor{Kind: core.SubmitterGuest, Name: "guest"}
			return s
		}
		t := &c.terminals[r.IntN(len(c.terminals))]
		s.terminal = t
		s.by = core.Actor{Kind: core.SubmitterTerminal, TerminalUserID: t.ID, Name: t.Name}
		if t.Contact >= 0 {
			// The portal matched the person to their contact on registration (R-IN-3).
			s.contact = &c.contacts[t.Contact]
		} else {
			s.phone, s.email = t.Phone, t.Email
		}
	}
	return s
}

func (o *orders) someContact() *contactRef {
	accounts := o.c.contactsByAccount
	list := accounts[o.r.IntN(len(accounts))]
	return &o.c.contacts[list[o.r.IntN(len(list))]]
}

// lifecycle decides how far the work order has come by now and writes the
// dispatch fields and history that got it there.
func (o *orders) lifecycle(w *core.ImportedWorkOrder, created time.Time, sub submission, region string) {
	r := o.r
	age := o.now.Sub(created)
	status := pickStatus(r, age)
	// A work order that would still be waiting gets the engine's verdict: if a
	// demo rule matches, automatic dispatch assigned it the moment it came in.
	var dec core.Decision
	if status == core.StatusNew {
		env := core.EnvFor(&core.WorkOrder{Subject: w.Subject, RecordType: w.RecordType, Priority: w.Priority, Region: region, Channel: w.Channel}, o.now.Unix())
		dec = o.c.rules.Decide(&env, func(id core.ID) int { return o.c.openLoad[id] }, nil)
		if dec.Rule != nil {
			status = core.StatusAssigned
		}
	}
	var reached stage
	switch status {
	case core.StatusNew:
		reached = atDispatch
	case core.StatusAssigned:
		reached = atService
	case core.StatusInProgress:
		reached = pickWeighted(r, []stage{atTerminalTask, atEvaluation, atFollowUp}, []int{40, 35, 25})
	case core.StatusCompleted:
		reached = atEnd
	case core.StatusTerminated:
		reached = pickWeighted(r, []stage{atDispatch, atService}, []int{40, 60})
	}

	// Draw every step's duration. A work order that could not have come this far in
	// the time since it was created stops at an earlier node; a termination that
	// would come too late is squeezed into the time there was.
	steps := []time.Duration{assignDelay(r, w.Priority)}
	if dec.Rule != nil {
		steps[0] = time.Duration(1+r.IntN(5)) * time.Second
	}
	for s := atService; s < reached; s++ {
		steps = append(steps, stepDelay(r, s))
	}
	room := o.now.Add(-time.Minute).Sub(created)
	if status != core.StatusTerminated {
		for reached > atDispatch && sum(steps) > room {
			steps = steps[:len(steps)-1]
			reached--
		}
		status = statusAt(reached)
	}
	if reached == atDispatch {
		steps = steps[:0]
		if status == core.StatusNew {
			steps = append(steps, time.Duration(r.Int64N(int64(2*time.Minute))))
		}
	}
	if status == core.StatusTerminated {
		steps = append(steps, time.Duration(r.Int64N(int64(36*time.Hour))))
	}
	times := squeeze(created, o.now, steps)
	next := func() time.Time { t := times[0]; times = times[1:]; return t }

	w.Status = status
	var hist []core.Event
	customer := customerName(sub)
	if reached == atDispatch && status == core.StatusNew {
		w.Node = core.NodeDispatch
		reason := dec.ManualReason()
		if dec.Rule != nil {
			reason = "automatic dispatch did not run yet: waiting in the manual queue"
		}
		hist = append(hist, core.Event{At: next(), By: "system", Channel: core.ChannelSystem, Kind: eventDispatch, Detail: reason})
		w.History = hist
		return
	}
	if reached >= atService && dec.Rule != nil {
		e := o.engineer(dec.Engineer)
		p := o.provider(e.ProviderID)
		at := next()
		w.AssignTime, w.Engineer, w.Provider = &at, e, p
		w.AssignWay = core.AssignAuto
		o.c.openLoad[e.ID]++
		hist = append(hist, core.Event{At: at, By: "system", Channel: core.ChannelSystem, Kind: eventAssigned,
			Detail: fmt.Sprintf("auto assignment to %s (engineer %d) of %s (tenant %s): rule #%d %q matched (priority %d); now at the service node", e.Name, e.ID, p.Name, p.TenantID, dec.Rule.ID, dec.Rule.Name, dec.Rule.Priority)})
	} else if reached >= atService {
		e := &o.c.engineers[pick(r, o.regionEngineers(region))]
		p := o.provider(e.ProviderID)
		at := next()
		w.AssignTime, w.Engineer, w.Provider = &at, e, p
		if r.IntN(100) < 60 {
			w.AssignWay = core.AssignAuto
			hist = append(hist, core.Event{At: at, By: "system", Channel: core.ChannelSystem, Kind: eventAssigned,
				Detail: fmt.Sprintf("automatic dispatch: rule %q assigned engineer %s of %s (tenant %s)", region+" "+w.RecordType, e.Name, p.Name, p.TenantID)})
		} else {
			d := pick(r, o.c.dispatchers)
			w.AssignWay, w.AssignUser = core.AssignManual, d.User.Login
			hist = append(hist, core.Event{At: at, By: d.User.Login, Channel: core.ChannelInternal, Kind: eventAssigned,
				Detail: fmt.Sprintf("manually assigned to engineer %s of %s (tenant %s)", e.Name, p.Name, p.TenantID)})
		}
	}
	eng := ""
	if w.Engineer != nil {
		eng = w.Engineer.Name
	}
	for s := atService; s < reached && status != core.StatusTerminated; s++ {
		hist = append(hist, o.advance(s, next(), eng, customer))
	}
	switch status {
	case core.StatusTerminated:
		by := pick(r, o.c.terminators).User.Login
		hist = append(hist, core.Event{At: next(), By: by, Channel: core.ChannelInternal, Kind: eventTerminated, Detail: "terminated: " + pick(r, terminationReasons)})
		w.Node = core.NodeTerminated
	case core.StatusAssigned:
		w.Node = core.NodeService
		if r.IntN(2) == 0 {
			hist = append(hist, core.Event{At: hist[len(hist)-1].At.Add(time.Minute), By: eng, Channel: core.ChannelInternal, Kind: eventNote, Detail: "engineer accepted the task and is on the way"})
			if hist[len(hist)-1].At.After(o.now) {
				hist = hist[:len(hist)-1]
			}
		}
	default:
		w.Node = []core.Node{core.NodeService, core.NodeService, core.NodeTerminalTask, core.NodeEvaluation, core.NodeFollowUp, core.NodeEnd}[reached]
	}
	w.History = hist
}

// statusAt is the status of a work order that has reached stage s.
func statusAt(s stage) core.Status {
	switch s {
	case atDispatch:
		return core.StatusNew
	case atService:
		return core.StatusAssigned
	case atEnd:
		return core.StatusCompleted
	}
	return core.StatusInProgress
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

// advance is the event that completes stage s and moves the work order on.
func (o *orders) advance(s stage, at time.Time, engineer, customer string) core.Event {
	r := o.r
	switch s {
	case atService:
		note := pick(r, serviceNotesEN)
		if r.IntN(2) == 0 {
			note = pick(r, serviceNotesZH)
		}
		return core.Event{At: at, By: engineer, Channel: core.ChannelInternal, Kind: eventAdvanced, Detail: "service completed: " + note + " → terminal-task"}
	case atTerminalTask:
		if customer != "" && r.IntN(100) < 80 {
			return core.Event{At: at, By: "terminal user " + customer, Channel: core.ChannelWeb, Kind: eventAdvanced, Detail: "terminal-user task: customer confirmed the work and the parts used → evaluation"}
		}
		return core.Event{At: at, By: "system", Channel: core.ChannelSystem, Kind: eventAdvanced, Detail: "terminal-user task timed out: node auto-completed, no data submitted → evaluation"}
	case atEvaluation:
		if customer != "" && r.IntN(100) < 70 {
			stars := 3 + r.IntN(3)
			if engineerMood(engineer) < 0 { // some engineers are rated lower, so the report has something to show
				stars--
			} else if engineerMood(engineer) > 0 && stars < 5 {
				stars++
			}
			return core.Event{At: at, By: "terminal user " + customer, Channel: pick(r, []core.Channel{core.ChannelWeb, core.ChannelWeChat}), Kind: eventAdvanced,
				Detail: fmt.Sprintf("evaluation received: %d/5 %q → follow-up", stars, pick(r, evaluationComments))}
		}
		return core.Event{At: at, By: "system", Channel: core.ChannelSystem, Kind: eventAdvanced, Detail: "no evaluation within 48 h: node auto-completed → follow-up"}
	default: // atFollowUp
		f := pick(r, o.c.followUp)
		return core.Event{At: at, By: f.User.Login, Channel: core.ChannelInternal, Kind: eventCompleted, Detail: "follow-up call: " + pick(r, []string{"customer satisfied", "customer satisfied, asked for a maintenance quote", "no answer twice; closed per policy"}) + " → end (completed)"}
	}
}

func customerName(sub submission) string {
	switch {
	case sub.terminal != nil:
		return sub.terminal.Name
	case sub.contact != nil && sub.contact.Terminal != nil:
		return sub.contact.Terminal.Name
	}
	return ""
}

func (o *orders) regionEngineers(region string) []int {
	if list := o.c.engineersByRegion[region]; len(list) > 0 && o.r.IntN(10) > 0 {
		return list
	}
	all := make([]int, len(o.c.engineers))
	for i := range all {
		all[i] = i
	}
	return all
}

func (o *orders) provider(id core.ID) *core.Provider {
	for i := range o.c.providers {
		if o.c.providers[i].ID == id {
			return &o.c.providers[i]
		}
	}
	return nil
}

// pickStatus: fresh work orders are mostly still open, old ones mostly closed.
func pickStatus(r *rand.Rand, age time.Duration) core.Status {
	all := []core.Status{core.StatusNew, core.StatusAssigned, core.StatusInProgress, core.StatusCompleted, core.StatusTerminated}
	switch {
	case age < 24*time.Hour:
		return pickWeighted(r, all, []int{50, 30, 15, 5, 0})
	case age < 7*24*time.Hour:
		return pickWeighted(r, all, []int{8, 22, 25, 40, 5})
	default:
		return pickWeighted(r, all, []int{1, 3, 5, 83, 8})
	}
}

func slaFor(p core.Priority) time.Duration {
	switch p {
	case core.PriorityUrgent:
		return 4 * time.Hour
	case core.PriorityHigh:
		return 24 * time.Hour
	case core.PriorityLow:
		return 7 * 24 * time.Hour
	}
	return 72 * time.Hour
}

func assignDelay(r *rand.Rand, p core.Priority) time.Duration {
	lo, hi := 30*time.Minute, 6*time.Hour
	switch p {
	case core.PriorityUrgent:
		lo, hi = 5*time.Minute, 30*time.Minute
	case core.PriorityHigh:
		lo, hi = 15*time.Minute, 2*time.Hour
	case core.PriorityLow:
		lo, hi = time.Hour, 24*time.Hour
	}
	return between(r, lo, hi)
}

func stepDelay(r *rand.Rand, s stage) time.Duration {
	switch s {
	case atService:
		return between(r, 2*time.Hour, 72*time.Hour)
	case atTerminalTask:
		return between(r, 10*time.Minute, 24*time.Hour)
	case atEvaluation:
		return between(r, time.Hour, 48*time.Hour)
	}
	return between(r, 24*time.Hour, 72*time.Hour)
}

func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}

// squeeze turns step durations into event times after start, scaled down so the
// last one is no later than a minute before now. Times are whole seconds.
func squeeze(start, now time.Time, steps []time.Duration) []time.Time {
	total := sum(steps)
	room := now.Add(-time.Minute).Sub(start)
	scale := 1.0
	if total > room && total > 0 {
		scale = max(float64(room), 0) / float64(total)
	}
	out := make([]time.Time, len(steps))
	t := start
	for i, d := range steps {
		t = t.Add(time.Duration(float64(d) * scale))
		out[i] = t.Truncate(time.Second)
		if out[i].Before(start) {
			out[i] = start
		}
	}
	return out
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func pickWeighted[T any](r *rand.Rand, xs []T, weights []int) T {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return xs[i]
		}
		x -= w
	}
	return xs[len(xs)-1]
}

func (o *orders) engineer(id core.ID) *core.Engineer {
	for i := range o.c.engineers {
		if o.c.engineers[i].ID == id {
			return &o.c.engineers[i]
		}
	}
	return nil
}

// engineerMood is how customers tend to rate an engineer: -1, 0 or +1, fixed by
// the name so the demo needs no extra random draws.
func engineerMood(name string) int {
	h := 0
	for _, c := range name {
		h = h*31 + int(c)
	}
	return (h%3+3)%3 - 1
}
