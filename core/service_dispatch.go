package core

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// History kinds written by dispatch.
const (
	EventDispatch = "dispatch" // an engine decision that left the work order waiting
	EventAssigned = "assigned" // an assignment, automatic or manual
)

// DispatchSettingPrefix starts the names of the settings automatic dispatch
// reads: a store changes its dispatch generation when one of them changes.
const DispatchSettingPrefix = "dispatch."

// settingAutoDispatchOff names the per-record-type switch of the dispatch node's
// automatic rules (R-DISP-3); the value "off" switches them off.
func settingAutoDispatchOff(recordType string) string {
	return DispatchSettingPrefix + "auto." + recordType
}

// conditionCache keeps compiled conditions by source, so creating a work order
// does not recompile hundreds of rules.
type conditionCache struct {
	mu sync.Mutex
	m  map[string]*Condition
}

func (c *conditionCache) get(src string) (*Condition, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cond, ok := c.m[src]; ok {
		return cond, nil
	}
	cond, err := CompileCondition(src)
	if err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]*Condition{}
	}
	c.m[src] = cond
	return cond, nil
}

// getMail is get for mail rule conditions (compiled against MailEnv).
func (c *conditionCache) getMail(src string) (*Condition, error) {
	key := "\x00mail\x00" + src
	c.mu.Lock()
	defer c.mu.Unlock()
	if cond, ok := c.m[key]; ok {
		return cond, nil
	}
	cond, err := CompileMailCondition(src)
	if err != nil {
		return nil, err
	}
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]*Condition{}
	}
	c.m[key] = cond
	return cond, nil
}

// dispatchData is what automatic dispatch reads — the dispatch rules
// compiled and indexed, engineers, providers, the per-type switches — decoded
// once for a dispatch generation (Tx.DispatchGeneration) and shared by every
// transaction that reads the same generation, in any process: a change by
// anyone gives the generation a new value in its own transaction.
type dispatchData struct {
	gen       uint64
	rules     *RuleSet // Next as stored with the rules; pointers moved since are read per transaction
	engineers map[ID]Engineer
	providers map[ID]Provider
	off       map[string]bool
}

// ruleCache holds, per kind, the rules as of one dispatch generation.
type ruleCache struct {
	mu sync.Mutex
	m  map[RuleKind]cachedRules
}

type cachedRules struct {
	gen   uint64
	rules []Rule
}

// rulesOf is tx.Rules(kind), decoded once per dispatch generation: every
// rule put or deleted, of any kind, moves the generation in its transaction
// (both stores; a value from a transaction that rolled back never comes
// back), so the cached rules are tx's while the generation is. A store reads
// rules by decoding every rule of every kind: with the company's 500
// dispatch rules each mail message decoded them all to find its 20 mail
// rules (mail ingest 620 → 315 messages a second). Not for dispatch rules,
// whose round-robin pointers move without the generation (dispatchData).
// The rules returned are shared: read them, do not change them.
func (s *Service) rulesOf(tx Tx, kind RuleKind) ([]Rule, error) {
	gen, err := tx.DispatchGeneration()
	if err != nil {
		return nil, err
	}
	s.rules.mu.Lock()
	c, ok := s.rules.m[kind]
	s.rules.mu.Unlock()
	if ok && c.gen == gen && gen != 0 {
		return c.rules, nil
	}
	rs, err := tx.Rules(kind)
	if err != nil {
		return nil, err
	}
	s.rules.mu.Lock()
	if s.rules.m == nil {
		s.rules.m = map[RuleKind]cachedRules{}
	}
	s.rules.m[kind] = cachedRules{gen: gen, rules: rs}
	s.rules.mu.Unlock()
	return rs, nil
}

// dispatchCache holds the newest dispatchData.
type dispatchCache struct {
	mu sync.Mutex
	d  *dispatchData
}

func (c *dispatchCache) get(gen uint64) *dispatchData {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.d != nil && c.d.gen == gen && gen != 0 {
		return c.d
	}
	return nil
}

func (c *dispatchCache) put(d *dispatchData) {
	c.mu.Lock()
	c.d = d
	c.mu.Unlock()
}

// loadDispatchData decodes what dispatch reads, as tx sees it.
func (s *Service) loadDispatchData(tx Tx, gen uint64) (*dispatchData, error) {
	d := &dispatchData{gen: gen, engineers: map[ID]Engineer{}, providers: map[ID]Provider{}, off: map[string]bool{}}
	rs, err := tx.Rules(RuleDispatch)
	if err != nil {
		return nil, err
	}
	compiled := make([]CompiledRule, 0, len(rs))
	for _, r := range rs {
		cond, err := s.conds.get(r.When)
		if err != nil {
			return nil, fmt.Errorf("rule #%d %s: %w", r.ID, r.Name, err)
		}
		compiled = append(compiled, CompiledRule{Rule: r, Cond: cond})
	}
	d.rules = NewRuleSet(compiled)
	es, err := tx.Engineers()
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		d.engineers[e.ID] = e
	}
	ps, err := tx.Providers()
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		d.providers[p.ID] = p
	}
	for _, t := range DefaultRecordTypes {
		v, err := tx.Setting(settingAutoDispatchOff(t))
		if err != nil {
			return nil, err
		}
		d.off[t] = string(v) == "off"
	}
	return d, nil
}

// dispatcher is one transaction's view of everything the engine needs: the
// shared dispatchData, with its own copy of the rules (their round-robin
// pointers move as it assigns).
type dispatcher struct {
	tx        Tx
	gen       uint64 // the dispatch generation of the rules and people
	rules     *RuleSet
	engineers map[ID]Engineer // shared: read only
	providers map[ID]Provider // shared: read only
	off       map[string]bool // shared: read only
	// simulate is set for a "what if" run, which writes nothing: then extra
	// counts the work orders it would have given each engineer.
	simulate bool
	extra    map[ID]int
	dirty    map[ID]int // rules whose round-robin pointer moved: where it points
	s        *Service
	procs    processCache
}

func (s *Service) newDispatcher(tx Tx) (*dispatcher, error) {
	data, err := s.dispatchData(tx)
	if err != nil {
		return nil, err
	}
	return &dispatcher{tx: tx, gen: data.gen, rules: data.rules.WithPointerSource(tx.RulePointer), engineers: data.engineers, providers: data.providers, off: data.off,
		extra: map[ID]int{}, dirty: map[ID]int{}, s: s, procs: processCache{}}, nil
}

// dispatchData is what dispatch reads as tx sees it: from the cache while the
// dispatch generation is the cached one's.
func (s *Service) dispatchData(tx Tx) (*dispatchData, error) {
	gen, err := tx.DispatchGeneration()
	if err != nil {
		return nil, err
	}
	data := s.dispatch.get(gen)
	if data == nil {
		if data, err = s.loadDispatchData(tx, gen); err != nil {
			return nil, err
		}
		s.dispatch.put(data)
	}
	return data, nil
}

// available reports whether an engineer can take work: they and their
// provider exist and are not disabled.
func (d *dispatcher) available(id ID) bool { return engineerAvailable(d.engineers, d.providers, id) }

func (d *dispatchData) available(id ID) bool { return engineerAvailable(d.engineers, d.providers, id) }

func engineerAvailable(engineers map[ID]Engineer, providers map[ID]Provider, id ID) bool {
	e, ok := engineers[id]
	if !ok || e.Disabled {
		return false
	}
	p, ok := providers[e.ProviderID]
	return ok && !p.Disabled
}

// load is the engineer's open work orders: the store's counter, which every
// assignment in this transaction has already moved, plus what a simulation
// would have given them.
func (d *dispatcher) load(id ID) int {
	n, err := d.tx.EngineerLoad(id)
	if err != nil {
		return 1 << 30 // unreadable: treat as busiest rather than fail dispatch
	}
	return n + d.extra[id]
}

// decide runs the engine for w, applying pointer moves and load to the
// dispatcher's in-memory state (writes happen in apply).
func (d *dispatcher) decide(w *WorkOrder, now time.Time, pre *matched) (Decision, string, error) {
	if d.off[w.RecordType] {
		return Decision{}, fmt.Sprintf("automatic dispatch is switched off for %s work orders (R-DISP-3): waiting in the manual queue", w.RecordType), nil
	}
	env := EnvFor(w, now.Unix())
	var dec Decision
	if pre != nil {
		dec = d.rules.Pick(pre.rules, &env, d.load, d.available)
	} else {
		dec = d.rules.Decide(&env, d.load, d.available)
	}
	if err := d.rules.Err(); err != nil {
		return Decision{}, "", err
	}
	if dec.Rule == nil {
		return dec, dec.ManualReason(), nil
	}
	if dec.Advance {
		d.dirty[dec.Rule.ID] = d.rules.Advance(dec)
	}
	if d.simulate {
		d.extra[dec.Engineer]++
	}
	return dec, "", nil
}

// dispatchOne runs automatic dispatch on a work order waiting at the dispatch node
// and writes the outcome: an assignment, or a history entry saying why it waits.
func (d *dispatcher) dispatchOne(w *WorkOrder, now time.Time) (assigned bool, err error) {
	return d.dispatchMatched(w, now, nil)
}

// matched is what RuleSet.Match found for a work order at a time, over the
// rules of a dispatch generation.
type matched struct {
	rules []int32
}

// dispatchMatched is dispatchOne with the rules w matches at now, over the
// rules of d's generation, already found (pre; nil: match here).
func (d *dispatcher) dispatchMatched(w *WorkOrder, now time.Time, pre *matched) (assigned bool, err error) {
	dec, reason, err := d.decide(w, now, pre)
	if err != nil {
		return false, err
	}
	if dec.Rule == nil {
		last, err := d.tx.LastEvent(w.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return false, err
		}
		if last.Kind == EventDispatch && last.Detail == reason {
			return false, nil // same verdict as last time: don't repeat it
		}
		return false, d.tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventDispatch, Detail: reason})
	}
	eng, ok := d.engineers[dec.Engineer]
	if !ok {
		return false, fmt.Errorf("rule #%d names engineer %d, who no longer exists", dec.Rule.ID, dec.Engineer)
	}
	// Concatenated, not Sprintf: a dispatch run writes this 100,000 times.
	detail := "rule #" + strconv.FormatUint(uint64(dec.Rule.ID), 10) + " " + strconv.Quote(dec.Rule.Name) + " matched (priority " + strconv.Itoa(dec.Rule.Priority) + ")"
	if n := dec.Skipped; n > 0 {
		detail += " after " + strconv.Itoa(n) + " rule(s) did not"
	}
	p, err := d.procs.get(d.tx, w.RecordType)
	if err != nil {
		return false, err
	}
	return true, d.s.assign(d.tx, p, w, eng, d.providers[eng.ProviderID], AssignAuto, "", "system", now, detail)
}

// flush saves the round-robin pointers that moved (the rules themselves, and
// with them the dispatch generation, stay as they are).
func (d *dispatcher) flush() error {
	for _, id := range slices.Sorted(maps.Keys(d.dirty)) {
		if err := d.tx.PutRulePointer(id, d.dirty[id]); err != nil {
			return err
		}
	}
	clear(d.dirty)
	return nil
}

// assign fills the dispatch fields of R-WO-2 exactly, completes the dispatch node
// (the work order moves to the next node of its process, usually engineer
// service; a re-assignment later on leaves the node as it is), keeps the previous
// assignment in history and puts a task in the engineer's inbox (R-DISP-4,
// R-DISP-5). dispatcher is the login for a manual assignment and empty for an
// automatic one.
func (s *Service) assign(tx Tx, p Process, w *WorkOrder, eng Engineer, prov Provider, way, dispatcher, by string, now time.Time, why string) error {
	prev := ""
	if w.FieldOutDealUser != 0 {
		prev = fmt.Sprintf("; previously %s (engineer %d, %s, %s at %s)", w.EngineerName, w.FieldOutDealUser, w.FieldDownstreamOuterTenantName, w.AssignWay, w.AssignTime.Format("2006-01-02 15:04"))
	}
	t := now
	w.AssignUser = dispatcher
	w.AssignWay = way
	w.AssignTime = &t
	w.FieldPartner = prov.ID
	w.FieldFwssf = prov.ID
	w.FieldOutDealUser = eng.ID
	w.FieldDownstreamOuterTenantName = prov.Name
	w.FieldDownstreamOuterTenantID = prov.TenantID
	w.EngineerName = eng.Name
	var m *nodeMove
	if w.Node == NodeDispatch {
		mv := moveOn(p, w, now)
		m = &mv
	}
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	detail := way + " assignment to " + eng.Name + " (engineer " + strconv.FormatUint(uint64(eng.ID), 10) + ") of " + prov.Name + " (tenant " + prov.TenantID + "): " + why + prev + "; now at the " + string(w.Node) + " node"
	if err := tx.AppendEvent(w.ID, Event{At: now, By: by, Channel: ChannelSystem, Kind: EventAssigned, Detail: detail}); err != nil {
		return err
	}
	if err := tx.PutTask(&Task{EngineerID: eng.ID, WorkOrderID: w.ID, Number: w.Number, Subject: w.Subject, Kind: "assigned",
		Detail: w.Number + " assigned to you (" + way + ")", At: now}); err != nil {
		return err
	}
	if m != nil {
		return s.afterMove(tx, w, *m, now)
	}
	return nil
}

// DispatchResult counts what a dispatch run did.
type DispatchResult struct {
	Assigned int `json:"assigned"`
	Manual   int `json:"manual"`
}

// dispatchBatch is how many work orders one dispatch transaction handles.
var dispatchBatch = 2000

// RunDispatch runs automatic dispatch over every work order waiting at the
// dispatch node, oldest first, in a few large transactions (R-DISP-1, R-DISP-2).
//
// The next batch's work orders are read and decoded from a snapshot, and
// matched against the rules, on another goroutine while the current batch is
// decided and written: the writer then only checks each one's version (and
// the rules' generation), reads again and matches again the few that changed
// in between, and picks the engineers (issue 19). A batch's assignments are
// made at the time it was matched.
func (s *Service) RunDispatch(as Actor) (DispatchResult, error) {
	if err := require(as, "run dispatch", RoleAdmin, RoleDispatcher); err != nil {
		return DispatchResult{}, err
	}
	var ids []ID
	err := s.store.View(func(tx Tx) error {
		var err error
		ids, err = tx.WorkOrderIDs(StatusNew, NodeDispatch) // oldest first
		return err
	})
	if err != nil {
		return DispatchResult{}, err
	}
	// A batch: its work orders as the snapshot had them and, for each, the
	// rules it matches at now over the rules of generation gen.
	type batch struct {
		wos     []WorkOrder
		matched []matched
		gen     uint64
		now     time.Time
		err     error
	}
	batches := make(chan batch, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(batches)
		for lo := 0; lo < len(ids); lo += dispatchBatch {
			b := batch{now: s.Now()}
			b.err = s.store.View(func(tx Tx) error {
				data, err := s.dispatchData(tx)
				if err != nil {
					return err
				}
				b.gen = data.gen
				rules := data.rules.WithPointerSource(nil) // its own scratch: the writer matches with the same rules
				var all []int32
				for _, id := range ids[lo:min(lo+dispatchBatch, len(ids))] {
					w, err := tx.WorkOrder(id)
					if err != nil {
						return err
					}
					from := len(all)
					if !data.off[w.RecordType] {
						env := EnvFor(&w, b.now.Unix())
						all = rules.Match(&env, all, data.available)
					}
					b.wos = append(b.wos, w)
					b.matched = append(b.matched, matched{rules: all[from:len(all):len(all)]})
				}
				return nil
			})
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	var res DispatchResult
	for b := range batches {
		if b.err != nil {
			return res, b.err
		}
		var r DispatchResult
		err := s.store.Update(func(tx Tx) error {
			r = DispatchResult{}
			d, err := s.newDispatcher(tx)
			if err != nil {
				return err
			}
			for i := range b.wos {
				w := b.wos[i] // a copy: a failed transaction leaves the snapshot as read
				pre := &b.matched[i]
				if d.gen != b.gen {
					pre = nil // the rules changed since: match again
				}
				v, err := tx.WorkOrderVersion(w.ID)
				if err != nil {
					return err
				}
				if v != w.Version { // changed since the snapshot
					if w, err = tx.WorkOrder(w.ID); err != nil {
						return err
					}
					pre = nil
				}
				if w.Node != NodeDispatch || w.Status != StatusNew {
					continue // taken meanwhile
				}
				ok, err := d.dispatchMatched(&w, b.now, pre)
				if err != nil {
					return err
				}
				if ok {
					r.Assigned++
				} else {
					r.Manual++
				}
			}
			return d.flush()
		})
		if err != nil {
			return res, err
		}
		res.Assigned += r.Assigned
		res.Manual += r.Manual
	}
	s.broker.publish(Change{Kind: "work-order"})
	return res, nil
}

// AssignWorkOrder is a dispatcher's manual assignment (R-DISP-2, R-DISP-4): the
// dispatcher goes into assign_user and assign_way__c is manual. version is the
// version the dispatcher saw (0 skips the check); if another dispatcher got there
// first the error says who took it and when.
func (s *Service) AssignWorkOrder(as Actor, number string, version uint64, engineer ID) (WorkOrder, error) {
	return s.assignWorkOrder(as, number, version, engineer, false)
}

// ReassignWorkOrder gives a work order that already has an engineer to
// another one, on purpose (`dispatch assign --reassign`): recorded as a
// reassignment, with who had it.
func (s *Service) ReassignWorkOrder(as Actor, number string, version uint64, engineer ID) (WorkOrder, error) {
	return s.assignWorkOrder(as, number, version, engineer, true)
}

// assignWorkOrder assigns by hand. Without the version the caller saw, a work
// order that already has an engineer is refused — naming who gave it to whom
// and when — unless reassign says the caller means to take it from them: of
// several dispatchers assigning the same work order at once, exactly one wins.
func (s *Service) assignWorkOrder(as Actor, number string, version uint64, engineer ID, reassign bool) (WorkOrder, error) {
	if err := require(as, "assign work orders", RoleAdmin, RoleDispatcher); err != nil {
		return WorkOrder{}, err
	}
	n, err := ParseNumber(number)
	if err != nil {
		return WorkOrder{}, err
	}
	now := s.Now()
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		var err error
		if w, err = loadForChange(tx, FormatNumber(n), version); err != nil {
			return err
		}
		if !w.Status.Open() {
			return Invalid("number", "%s is %s; only open work orders can be assigned.", w.Number, w.Status)
		}
		eng, err := tx.Engineer(engineer)
		if errors.Is(err, ErrNotFound) {
			return Invalid("engineer", "There is no engineer %d: list them with `switchboard engineer list`.", engineer)
		} else if err != nil {
			return err
		}
		if w.FieldOutDealUser == eng.ID {
			return Invalid("engineer", "%s is already assigned to %s.", w.Number, eng.Name)
		}
		if w.FieldOutDealUser != 0 && version == 0 && !reassign {
			last, err := lastAssignment(tx, w.ID)
			if err != nil {
				return err
			}
			return &ConflictError{Number: w.Number, Current: w.Version, By: last.By, What: last.Detail, Kind: EventAssigned, At: last.At.Local().Format("15:04:05"),
				Hint: fmt.Sprintf("it is %s's now: to give it to someone else all the same, reassign it (`switchboard dispatch assign %s --engineer %d --reassign`)", w.EngineerName, w.Number, engineer)}
		}
		prov, err := tx.Provider(eng.ProviderID)
		if err != nil {
			return err
		}
		switch {
		case eng.Disabled:
			return Invalid("engineer", "%s is disabled and takes no new work: pick another engineer, or enable them (`switchboard engineer enable %d`).", eng.Name, eng.ID)
		case prov.Disabled:
			return Invalid("engineer", "%s works for %s, which is disabled and takes no new work: pick another engineer, or enable the provider (`switchboard provider enable %d`).", eng.Name, prov.Name, prov.ID)
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return err
		}
		why := "assigned by hand"
		if w.FieldOutDealUser != 0 {
			why = "reassigned by hand"
		}
		return s.assign(tx, p, &w, eng, prov, AssignManual, as.User.Login, as.Label(), now, why)
	})
	if err != nil {
		return WorkOrder{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return s.WorkOrder(w.Number)
}

// lastAssignment is the work order's latest assignment event.
func lastAssignment(tx Tx, wo ID) (Event, error) {
	h, err := tx.Events(wo)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Event{}, err
	}
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Kind == EventAssigned {
			return h[i], nil
		}
	}
	return Event{}, nil
}

// Proposal is what a "what if" dispatch run would do with one work order.
type Proposal struct {
	Number       string `json:"number"`
	Subject      string `json:"subject"`
	RuleID       ID     `json:"rule_id,omitempty"`
	RuleName     string `json:"rule_name,omitempty"`
	EngineerID   ID     `json:"engineer_id,omitempty"`
	EngineerName string `json:"engineer_name,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

// WhatIfDispatch runs the rule set over the waiting work orders without writing
// anything, and says where each would go.
func (s *Service) WhatIfDispatch(limit int) ([]Proposal, error) {
	var out []Proposal
	err := s.store.View(func(tx Tx) error {
		d, err := s.newDispatcher(tx)
		if err != nil {
			return err
		}
		out, err = s.simulate(tx, d, limit)
		return err
	})
	return out, err
}

// simulate runs d over the oldest waiting work orders (limit 0: all).
func (s *Service) simulate(tx Tx, d *dispatcher, limit int) ([]Proposal, error) {
	d.simulate = true
	now := s.Now()
	p, err := tx.QueryWorkOrders(WorkOrderQuery{Status: StatusNew, Node: NodeDispatch, Sort: SortCreated, Asc: true, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]Proposal, 0, len(p.Rows))
	for _, r := range p.Rows {
		w, err := tx.WorkOrder(r.ID)
		if err != nil {
			return nil, err
		}
		dec, reason, err := d.decide(&w, now, nil)
		if err != nil {
			return nil, err
		}
		pr := Proposal{Number: w.Number, Subject: w.Subject, Reason: reason}
		if dec.Rule != nil {
			pr.RuleID, pr.RuleName = dec.Rule.ID, dec.Rule.Name
			pr.EngineerID, pr.EngineerName = dec.Engineer, d.engineers[dec.Engineer].Name
		}
		out = append(out, pr)
	}
	return out, nil
}

// DraftProposal is where a waiting work order would go with the saved rules
// (Now) and with a draft rule set (Draft).
type DraftProposal struct {
	Number  string   `json:"number"`
	Subject string   `json:"subject"`
	Now     Proposal `json:"now"`
	Draft   Proposal `json:"draft"`
	// Changed: the draft sends it to another engineer, or assigns it where
	// the saved rules would not, or the other way round.
	Changed bool `json:"changed"`
}

// draftRuleBase numbers a draft's new rules (which have no id yet).
const draftRuleBase = ID(1) << 40

// WhatIfDraft tries a draft dispatch rule set — in priority order, edited or
// new rules, before anything is saved — against the waiting work orders, side
// by side with the saved rules. Nothing is written. Each draft rule is checked
// as saving it would check it.
func (s *Service) WhatIfDraft(limit int, draft []Rule) ([]DraftProposal, error) {
	var out []DraftProposal
	err := s.store.View(func(tx Tx) error {
		saved, err := s.newDispatcher(tx)
		if err != nil {
			return err
		}
		ptrs, err := tx.RulePointers()
		if err != nil {
			return err
		}
		compiled := make([]CompiledRule, 0, len(draft))
		for i, r := range draft {
			r.Kind = RuleDispatch
			if r.Policy == "" {
				r.Policy = PolicyFixed
			}
			cond, err := validateRule(tx, &r)
			if err != nil {
				return fmt.Errorf("draft rule %d (%q): %w", i+1, r.Name, err)
			}
			if r.ID == 0 {
				r.ID = draftRuleBase + ID(i)
			} else if n, ok := ptrs[r.ID]; ok && len(r.Engineers) > 0 {
				r.Next = n % len(r.Engineers)
			}
			r.Priority = i + 1
			compiled = append(compiled, CompiledRule{Rule: r, Cond: cond})
		}
		alt := *saved
		alt.rules, alt.extra, alt.dirty = NewRuleSet(compiled), map[ID]int{}, map[ID]int{} // indexed afresh: other rules
		now, err := s.simulate(tx, saved, limit)
		if err != nil {
			return err
		}
		with, err := s.simulate(tx, &alt, limit)
		if err != nil {
			return err
		}
		out = make([]DraftProposal, len(now))
		for i := range now {
			a, b := now[i], with[i]
			if b.RuleID >= draftRuleBase {
				b.RuleID = 0 // a new rule has no id yet
			}
			out[i] = DraftProposal{Number: a.Number, Subject: a.Subject, Now: a, Draft: b, Changed: a.EngineerID != b.EngineerID}
		}
		return nil
	})
	return out, err
}

// AutoDispatch says for each record type whether the dispatch node's
// automatic rules run (R-DISP-3); on unless an admin switched them off.
func (s *Service) AutoDispatch() (map[string]bool, error) {
	out := make(map[string]bool, len(DefaultRecordTypes))
	err := s.store.View(func(tx Tx) error {
		for _, t := range DefaultRecordTypes {
			v, err := tx.Setting(settingAutoDispatchOff(t))
			if err != nil {
				return err
			}
			out[t] = string(v) != "off"
		}
		return nil
	})
	return out, err
}

// SetAutoDispatch switches the dispatch node's automatic rules on or off for
// a record type (admins; R-DISP-3).
func (s *Service) SetAutoDispatch(as Actor, recordType string, on bool) error {
	if err := require(as, "configure the dispatch node", RoleAdmin); err != nil {
		return err
	}
	i := slices.IndexFunc(DefaultRecordTypes, func(t string) bool { return strings.EqualFold(t, recordType) })
	if i < 0 {
		return Invalid("type", "Record type %q is unknown: use one of %s.", recordType, strings.Join(DefaultRecordTypes, ", "))
	}
	v := []byte("on")
	if !on {
		v = []byte("off")
	}
	if err := s.store.Update(func(tx Tx) error { return tx.PutSetting(settingAutoDispatchOff(DefaultRecordTypes[i]), v) }); err != nil {
		return err
	}
	s.broker.publish(Change{Kind: "rule"})
	return nil
}

// EngineerTasks is an engineer's task inbox, newest first (R-DISP-5).
func (s *Service) EngineerTasks(engineer ID) ([]Task, error) {
	var out []Task
	err := s.store.View(func(tx Tx) error {
		var err error
		out, err = tx.Tasks(engineer)
		return err
	})
	return out, err
}
