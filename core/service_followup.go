package core

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// History kinds written by service follow-up.
const (
	EventFollowUpTask     = "follow-up-task"     // the node created a task, or a lead reassigned it
	EventFollowUpCall     = "follow-up-call"     // an agent recorded a call's outcome
	EventFollowUpSkipped  = "follow-up-skipped"  // the node did not run (plug-in off, no rule matched)
	EventFollowUpComplete = "follow-up-complete" // every task closed: the node completed
)

// EvalViaFollowUp marks evaluations a follow-up agent filled in on the phone (R-FU-2).
const EvalViaFollowUp = "follow-up"

const settingFollowUp = "followup.config"

func readFollowUpConfig(tx Tx) (FollowUpConfig, error) {
	var c FollowUpConfig
	if _, err := getJSON(tx, settingFollowUp, &c); err != nil {
		return c, err
	}
	return c.withDefaults(), nil
}

// FollowUpConfig returns the follow-up plug-in's settings.
func (s *Service) FollowUpConfig() (FollowUpConfig, error) {
	var c FollowUpConfig
	err := s.store.View(func(tx Tx) (err error) {
		c, err = readFollowUpConfig(tx)
		return err
	})
	return c, err
}

// SetFollowUpEnabled switches the follow-up plug-in on or off (R-FU-1, admins
// only). While it is off no follow-up node runs: work orders pass the node
// and the history says why; tasks already made stay where they are.
func (s *Service) SetFollowUpEnabled(as Actor, on bool) (FollowUpConfig, error) {
	if err := require(as, "switch the follow-up plug-in on or off", RoleAdmin); err != nil {
		return FollowUpConfig{}, err
	}
	return s.changeFollowUpConfig(as, func(c *FollowUpConfig) error {
		c.Enabled = on
		return nil
	})
}

// FollowUpPatch changes the plug-in's settings; nil fields stay.
type FollowUpPatch struct {
	SLA         *Duration
	RetryAfter  *Duration
	MaxAttempts *int
	// Dialer replaces the call integration (a zero value removes it).
	Dialer *DialerConfig
}

// SetFollowUpConfig changes the SLA, the retry delay, the attempt limit or
// the call integration (admins only). A command template and a webhook are
// checked before they are saved.
func (s *Service) SetFollowUpConfig(as Actor, p FollowUpPatch) (FollowUpConfig, error) {
	if err := require(as, "change follow-up settings", RoleAdmin); err != nil {
		return FollowUpConfig{}, err
	}
	return s.changeFollowUpConfig(as, func(c *FollowUpConfig) error {
		if p.SLA != nil {
			if d := time.Duration(*p.SLA); d < 5*time.Minute || d > 90*24*time.Hour {
				return Invalid("sla", "The follow-up SLA must be between 5m and 90d, not %s.", *p.SLA)
			}
			c.SLA = *p.SLA
		}
		if p.RetryAfter != nil {
			if d := time.Duration(*p.RetryAfter); d < time.Minute || d > 30*24*time.Hour {
				return Invalid("retry", "The retry delay must be between 1m and 30d, not %s.", *p.RetryAfter)
			}
			c.RetryAfter = *p.RetryAfter
		}
		if p.MaxAttempts != nil {
			if *p.MaxAttempts < 1 || *p.MaxAttempts > MaxFollowUpAttempts {
				return Invalid("max_attempts", "The attempt limit must be between 1 and %d, not %d.", MaxFollowUpAttempts, *p.MaxAttempts)
			}
			c.MaxAttempts = *p.MaxAttempts
		}
		if d := p.Dialer; d != nil {
			nd := DialerConfig{Timeout: d.Timeout}
			if d.Command != "" && d.Webhook != "" {
				return Invalid("dialer", "Give a dial command or a webhook, not both.")
			}
			if t := time.Duration(d.Timeout); t != 0 && (t < time.Second || t > 5*time.Minute) {
				return Invalid("timeout", "The dial timeout must be between 1s and 5m, not %s.", d.Timeout)
			}
			if d.Command != "" {
				cmd := strings.TrimSpace(d.Command)
				if _, err := CheckDialCommand(cmd); err != nil {
					return err
				}
				nd.Command = cmd
			}
			if d.Webhook != "" {
				u, err := CheckWebhook(d.Webhook)
				if err != nil {
					return err
				}
				nd.Webhook = u
			}
			c.Dialer = nd
		}
		return nil
	})
}

func (s *Service) changeFollowUpConfig(as Actor, fn func(*FollowUpConfig) error) (FollowUpConfig, error) {
	var c FollowUpConfig
	err := s.store.Update(func(tx Tx) error {
		var err error
		if c, err = readFollowUpConfig(tx); err != nil {
			return err
		}
		if err := fn(&c); err != nil {
			return err
		}
		now := s.Now()
		c.ChangedAt, c.ChangedBy = &now, as.Label()
		c = c.withDefaults()
		return putJSON(tx, settingFollowUp, c)
	})
	if err != nil {
		return FollowUpConfig{}, err
	}
	s.broker.publish(Change{Kind: "followup"})
	return c, nil
}

// --- teams, rotation and absence (R-FU-4)

// isLead reports whether the actor leads a team (admins count as leads of every team).
func isLead(tx Tx, as Actor) (bool, error) {
	if as.Kind != SubmitterInternal {
		return false, nil
	}
	if as.User.Has(RoleAdmin) {
		return true, nil
	}
	ts, err := tx.FollowUpTeams()
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(ts, func(t FollowUpTeam) bool { return t.Lead == as.User.Login }), nil
}

// requireLead lets admins and team leads do action.
func requireLead(tx Tx, as Actor, action string) error {
	if err := require(as, action, RoleAdmin, RoleFollowUp); err != nil {
		return err
	}
	ok, err := isLead(tx, as)
	if err != nil || ok {
		return err
	}
	return forbidden("%s is not a team lead: only team leads and admins may %s.", as.User.Login, action)
}

// SaveFollowUpTeam adds a team or replaces one of the same name (admins
// only): its lead and members in rotation order. A new team's pointer starts
// at the first member; a changed team keeps its pointer on the same person
// when they are still a member.
func (s *Service) SaveFollowUpTeam(as Actor, t FollowUpTeam) (FollowUpTeam, error) {
	if err := require(as, "change follow-up teams", RoleAdmin); err != nil {
		return FollowUpTeam{}, err
	}
	name, verr := oneLine("name", "The team name", t.Name, true, 40)
	if verr != nil {
		return FollowUpTeam{}, verr
	}
	t.Name = name
	t.Lead = strings.TrimSpace(t.Lead)
	var members []string
	for _, m := range t.Members {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(members, m) {
			members = append(members, m)
		}
	}
	t.Members = members
	if len(members) == 0 {
		return FollowUpTeam{}, Invalid("members", "A team needs members: --members LOGIN,LOGIN (follow-up agents, in rotation order).")
	}
	err := s.store.Update(func(tx Tx) error {
		for _, m := range members {
			if err := checkAgent(tx, m, "members"); err != nil {
				return err
			}
		}
		if t.Lead != "" {
			if err := checkAgent(tx, t.Lead, "lead"); err != nil {
				return err
			}
		}
		t.Next = 0
		if old, err := tx.FollowUpTeam(t.Name); err == nil {
			t.Name = old.Name
			if i := slices.Index(members, old.NextUp()); i >= 0 {
				t.Next = i
			}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		t.UpdatedAt, t.UpdatedBy = s.Now(), as.Label()
		return tx.PutFollowUpTeam(&t)
	})
	if err != nil {
		return FollowUpTeam{}, err
	}
	s.broker.publish(Change{Kind: "followup"})
	return t, nil
}

// DeleteFollowUpTeam removes a team no follow-up node or rule uses (admins only).
func (s *Service) DeleteFollowUpTeam(as Actor, name string) error {
	if err := require(as, "change follow-up teams", RoleAdmin); err != nil {
		return err
	}
	err := s.store.Update(func(tx Tx) error {
		t, err := tx.FollowUpTeam(name)
		if err != nil {
			return NotFoundf("There is no follow-up team %q: list them with `switchboard followup team list`.", name)
		}
		rs, err := tx.Rules(RuleFollowUp)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if strings.EqualFold(r.FollowUpTeam, t.Name) {
				return Invalid("team", "Follow-up rule #%d %q rotates among team %s: change or delete the rule first.", r.ID, r.Name, t.Name)
			}
		}
		for _, rt := range DefaultRecordTypes {
			p, err := readProcess(tx, rt)
			if err != nil {
				return err
			}
			if pn, ok := p.Find(NodeFollowUp); ok && pn.FollowUp != nil && strings.EqualFold(pn.FollowUp.People.Team, t.Name) {
				return Invalid("team", "The follow-up node of the %s process rotates among team %s: change the node first (`switchboard process export`/`import`).", rt, t.Name)
			}
		}
		return tx.DeleteFollowUpTeam(t.Name)
	})
	if err == nil {
		s.broker.publish(Change{Kind: "followup"})
	}
	return err
}

// FollowUpTeams lists the teams with their rotation pointers.
func (s *Service) FollowUpTeams() ([]FollowUpTeam, error) {
	var ts []FollowUpTeam
	err := s.store.View(func(tx Tx) (err error) {
		ts, err = tx.FollowUpTeams()
		return err
	})
	return ts, err
}

// RotateFollowUpTeam moves a team's rotation pointer so that next gets the
// team's next task (admins only).
func (s *Service) RotateFollowUpTeam(as Actor, team, next string) (FollowUpTeam, error) {
	if err := require(as, "move a follow-up rotation", RoleAdmin); err != nil {
		return FollowUpTeam{}, err
	}
	var t FollowUpTeam
	err := s.store.Update(func(tx Tx) error {
		var err error
		if t, err = tx.FollowUpTeam(team); err != nil {
			return NotFoundf("There is no follow-up team %q: list them with `switchboard followup team list`.", team)
		}
		i := slices.Index(t.Members, strings.TrimSpace(next))
		if i < 0 {
			return Invalid("next", "%q is not a member of team %s: its members are %s.", next, t.Name, strings.Join(t.Members, ", "))
		}
		t.Next, t.UpdatedAt, t.UpdatedBy = i, s.Now(), as.Label()
		return tx.PutFollowUpTeam(&t)
	})
	if err != nil {
		return FollowUpTeam{}, err
	}
	s.broker.publish(Change{Kind: "followup"})
	return t, nil
}

// SetAbsent marks a follow-up staff member absent (or back): rotation and
// named staff skip absent people. Admins and team leads may mark anyone; an
// agent may mark themselves.
func (s *Service) SetAbsent(as Actor, login string, absent bool) error {
	login = strings.TrimSpace(login)
	err := s.store.Update(func(tx Tx) error {
		if as.Kind != SubmitterInternal || as.User.Login != login {
			if err := requireLead(tx, as, "mark staff absent"); err != nil {
				return err
			}
		}
		if _, err := tx.UserByLogin(login); err != nil {
			return NotFoundf("There is no user %q: list them with `switchboard user list`.", login)
		}
		if !absent {
			return tx.DeleteAbsence(login)
		}
		return tx.PutAbsence(Absence{Login: login, Since: s.Now(), By: as.Label()})
	})
	if err == nil {
		s.broker.publish(Change{Kind: "followup"})
	}
	return err
}

// Absences lists who is marked absent.
func (s *Service) Absences() ([]Absence, error) {
	var out []Absence
	err := s.store.View(func(tx Tx) (err error) {
		out, err = tx.Absences()
		return err
	})
	return out, err
}

// available reports whether login can take a task now: an enabled follow-up
// user (or admin) who is not marked absent.
func available(tx Tx, login string, absent map[string]bool) bool {
	if absent[login] {
		return false
	}
	u, err := tx.UserByLogin(login)
	return err == nil && !u.Disabled && u.Has(RoleFollowUp, RoleAdmin)
}

// pickAgent chooses who gets a task (R-FU-4): the first named staff member
// who is available, or the team's next available member by rotation — the
// pointer then moves past them and is saved. "" when nobody is available; how
// says what happened, for the history.
func pickAgent(tx Tx, p FollowUpPeople, now time.Time) (agent, how string, err error) {
	abs, err := tx.Absences()
	if err != nil {
		return "", "", err
	}
	absent := map[string]bool{}
	for _, a := range abs {
		absent[a.Login] = true
	}
	var skipped []string
	switch {
	case p.Team != "":
		t, err := tx.FollowUpTeam(p.Team)
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Sprintf("team %s no longer exists", p.Team), nil
		} else if err != nil {
			return "", "", err
		}
		n := len(t.Members)
		for k := 0; k < n; k++ {
			i := (t.Next + k) % n
			m := t.Members[i]
			if !available(tx, m, absent) {
				skipped = append(skipped, m)
				continue
			}
			t.Next = (i + 1) % n
			t.UpdatedAt = now
			if err := tx.PutFollowUpTeam(&t); err != nil {
				return "", "", err
			}
			how = fmt.Sprintf("team %s by rotation", t.Name)
			if len(skipped) > 0 {
				how += fmt.Sprintf(" (skipped %s: absent or unavailable)", strings.Join(skipped, ", "))
			}
			return m, how, nil
		}
		return "", fmt.Sprintf("everyone in team %s is absent or unavailable", t.Name), nil
	case len(p.Staff) > 0:
		for _, m := range p.Staff {
			if !available(tx, m, absent) {
				skipped = append(skipped, m)
				continue
			}
			how = "named staff"
			if len(skipped) > 0 {
				how += fmt.Sprintf(" (skipped %s: absent or unavailable)", strings.Join(skipped, ", "))
			}
			return m, how, nil
		}
		return "", fmt.Sprintf("all named staff (%s) are absent or unavailable", strings.Join(p.Staff, ", ")), nil
	}
	return "", "no follow-up staff are configured for the node", nil
}

// --- the follow-up node (R-FU-3)

func followUpSettingsOf(pn ProcessNode) FollowUpSettings {
	if pn.FollowUp != nil {
		return *pn.FollowUp
	}
	return FollowUpSettings{Mode: FollowUpStandard}
}

// enterFollowUp is the follow-up node's arrival. With the plug-in off
// (R-FU-1) the node does not run: the work order passes it at once and the
// history says why. Otherwise the node makes one follow-up task — standard:
// the node's record type and people; rules: the first matching follow-up rule's
// (none matching: the node is passed) — due after the SLA, in the chosen
// agent's queue. The work order waits at the node until its tasks are closed
// (reached, wrong number or the attempt limit) or the node times out.
func (s *Service) enterFollowUp(tx Tx, w *WorkOrder, p Process, pn ProcessNode, now time.Time) error {
	cfg, err := readFollowUpConfig(tx)
	if err != nil {
		return err
	}
	if !cfg.Enabled {
		return s.passFollowUp(tx, w, p, "the follow-up plug-in is off (an admin switches it on with `switchboard followup enable`)", now)
	}
	fs := followUpSettingsOf(pn)
	types, err := readEvaluationTypes(tx)
	if err != nil {
		return err
	}
	task := FollowUpTask{WorkOrderID: w.ID, Number: w.Number, Subject: w.Subject, RecordType: w.RecordType,
		Customer: customerName(tx, w), Phone: w.Phone, Status: FollowUpOpen, DueAt: now.Add(time.Duration(cfg.SLA)),
		MaxAttempts: cfg.MaxAttempts, Attempts: []FollowUpAttempt{}, CreatedAt: now, UpdatedAt: now, Version: 1, Buttons: fs.Buttons}
	if task.Phone == "" && w.ContactID != 0 {
		if c, err := tx.Contact(w.ContactID); err == nil {
			task.Phone = c.Phone
		}
	}
	if task.Phone == "" && w.OutOwner != 0 {
		if tu, err := tx.TerminalUser(w.OutOwner); err == nil {
			task.Phone = tu.Phone
		}
	}
	people := fs.People
	task.Type = fs.Type
	how := "standard follow-up"
	if fs.Mode == FollowUpRules {
		rules, err := s.followUpRules(tx)
		if err != nil {
			return err
		}
		env := EnvFor(w, now.Unix())
		r, tried := MatchEvaluationRule(rules, &env)
		if r == nil {
			why := "no follow-up rules are configured"
			if len(tried) > 0 {
				var parts []string
				for i, t := range tried {
					if i == explainMax {
						parts = append(parts, fmt.Sprintf("and %d more", len(tried)-i))
						break
					}
					parts = append(parts, fmt.Sprintf("#%d %s: %s", t.RuleID, t.Name, t.Reason))
				}
				why = fmt.Sprintf("no follow-up rule matched (%s)", strings.Join(parts, "; "))
			}
			return s.passFollowUp(tx, w, p, why, now)
		}
		task.RuleID, task.RuleName, task.Type = r.ID, r.Name, r.EvalType
		people = FollowUpPeople{Staff: r.FollowUpStaff, Team: r.FollowUpTeam}
		how = fmt.Sprintf("follow-up rule #%d %q", r.ID, r.Name)
	}
	if t, ok := findEvalType(types, task.Type); ok {
		task.Type = t.Name
	} else {
		task.Type = types[0].Name
	}
	agent, who, err := pickAgent(tx, people, now)
	if err != nil {
		return err
	}
	task.Agent, task.Team = agent, people.Team
	if err := tx.PutFollowUpTask(&task); err != nil {
		return err
	}
	to := "for " + agent + " (" + who + ")"
	if agent == "" {
		to = "unassigned: " + who + "; a team lead assigns it"
	}
	return tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventFollowUpTask,
		Detail: fmt.Sprintf("%s: follow-up task #%d (%s form) %s, due %s", how, task.ID, task.Type, to, task.DueAt.Format("2006-01-02 15:04 MST"))})
}

// passFollowUp moves a work order on from the follow-up node without tasks.
func (s *Service) passFollowUp(tx Tx, w *WorkOrder, p Process, why string, now time.Time) error {
	m := moveOn(p, w, now)
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventFollowUpSkipped,
		Detail: fmt.Sprintf("follow-up node not run: %s → %s", why, m.to)}); err != nil {
		return err
	}
	return s.afterMove(tx, w, m, now)
}

// checkFollowUpNode refuses a process whose follow-up node names a record type,
// staff or team that does not exist (SetProcesses calls it in its transaction).
func checkFollowUpNode(tx Tx, p Process) error {
	pn, ok := p.Find(NodeFollowUp)
	if !ok || pn.FollowUp == nil {
		return nil
	}
	f := pn.FollowUp
	if f.Type != "" {
		ts, err := readEvaluationTypes(tx)
		if err != nil {
			return err
		}
		t, ok := findEvalType(ts, f.Type)
		if !ok {
			return Invalid("followup.type", "%s: there is no evaluation record type %q for the follow-up form: use %s.", p.RecordType, f.Type, evalTypeNames(ts))
		}
		f.Type = t.Name
	}
	if err := checkPeople(tx, f.People, "followup.people"); err != nil {
		return Invalid("followup.people", "%s: %s", p.RecordType, err.Error())
	}
	return nil
}

// --- the call queue (R-FU-5)

// QueueQuery asks for a follow-up queue.
type QueueQuery struct {
	// Agent is whose queue; "" is the acting user's own.
	Agent string
	// All shows every agent's queue (and the unassigned tasks): team leads and admins.
	All bool
	// Filter keeps tasks that mention it (number, customer, phone, subject, agent).
	Filter string
	// Offset skips that many tasks of the queue (in due order) before the
	// ones returned; Limit caps the tasks returned (0: all). The counts cover
	// every match.
	Offset, Limit int
}

// FollowUpQueue is a queue in due-time order: overdue first (R-FU-5, item 5).
type FollowUpQueue struct {
	Agent   string    `json:"agent,omitempty"`
	All     bool      `json:"all,omitempty"`
	Enabled bool      `json:"enabled"`
	Lead    bool      `json:"lead"`
	Now     time.Time `json:"now"`
	Total   int       `json:"total"`
	Overdue int       `json:"overdue"`
	Waiting int       `json:"waiting"`
	// Offset is the position of Tasks[0] in the queue.
	Offset int            `json:"offset,omitempty"`
	Tasks  []FollowUpTask `json:"tasks"`
}

// canUseQueue: the call queue is for follow-up agents (and admins), R-FU-5.
func canUseQueue(as Actor) error {
	if as.Kind == SubmitterInternal && as.User.Has(RoleFollowUp, RoleAdmin) {
		return nil
	}
	if as.Kind != SubmitterInternal {
		return forbidden("Only internal users can use the follow-up call queue.")
	}
	return forbidden("%s (%s) may not use the follow-up call queue: it is for follow-up agents; ask an admin for the follow-up role.", as.User.Login, joinRoles(as.User.Roles))
}

// FollowUpQueue returns a queue: the acting agent's own, another agent's or
// every agent's (team leads and admins), in due-time order, with the overdue
// and waiting counts.
func (s *Service) FollowUpQueue(as Actor, q QueueQuery) (FollowUpQueue, error) {
	if err := canUseQueue(as); err != nil {
		return FollowUpQueue{}, err
	}
	now := s.Now()
	q.Offset = max(0, q.Offset)
	out := FollowUpQueue{Now: now, All: q.All, Offset: q.Offset, Tasks: []FollowUpTask{}}
	err := s.store.View(func(tx Tx) error {
		cfg, err := readFollowUpConfig(tx)
		if err != nil {
			return err
		}
		out.Enabled = cfg.Enabled
		if out.Lead, err = isLead(tx, as); err != nil {
			return err
		}
		agent := strings.TrimSpace(q.Agent)
		if agent == "" {
			agent = as.User.Login
		}
		if (q.All || agent != as.User.Login) && !out.Lead {
			return forbidden("%s is not a team lead: only team leads and admins see other agents' queues.", as.User.Login)
		}
		if !q.All {
			out.Agent = agent
			if agent != as.User.Login {
				if _, err := tx.UserByLogin(agent); err != nil {
					return NotFoundf("There is no user %q: list them with `switchboard user list`.", agent)
				}
			}
		}
		// The counts come from the index; only the page's records are read
		// (and, with a filter, the records that may mention it).
		filter := strings.TrimSpace(q.Filter)
		var readErr error
		scanErr := tx.ScanFollowUpQueue(agent, q.All, func(e FollowUpQueueEntry) bool {
			var t FollowUpTask
			if filter != "" {
				var ok bool
				if t, ok, readErr = tx.FollowUpTaskMentioning(e.ID, filter); readErr != nil {
					return false
				}
				if !ok || !t.Matches(filter) {
					return true
				}
			}
			pos := out.Total
			out.Total++
			if e.Overdue(now) {
				out.Overdue++
			}
			if !e.Ready(now) {
				out.Waiting++
			}
			if pos < q.Offset || (q.Limit > 0 && len(out.Tasks) >= q.Limit) {
				return true
			}
			if filter == "" {
				if t, readErr = tx.FollowUpTask(e.ID); readErr != nil {
					return false
				}
			}
			out.Tasks = append(out.Tasks, t)
			return true
		})
		if readErr != nil {
			return readErr
		}
		return scanErr
	})
	return out, err
}

// NextFollowUpCall is "next call": the first task of the agent's queue (by
// due time) that is not held back for a callback or a retry. ErrNotFound
// when there is none.
func (s *Service) NextFollowUpCall(as Actor, agent string) (FollowUpTask, error) {
	if err := canUseQueue(as); err != nil {
		return FollowUpTask{}, err
	}
	now := s.Now()
	var found *FollowUpTask
	err := s.store.View(func(tx Tx) error {
		agent = strings.TrimSpace(agent)
		if agent == "" {
			agent = as.User.Login
		}
		if agent != as.User.Login {
			if err := requireLead(tx, as, "work another agent's queue"); err != nil {
				return err
			}
		}
		var ready ID
		if err := tx.ScanFollowUpQueue(agent, false, func(e FollowUpQueueEntry) bool {
			if e.Ready(now) {
				ready = e.ID
				return false
			}
			return true
		}); err != nil || ready == 0 {
			return err
		}
		t, err := tx.FollowUpTask(ready)
		found = &t
		return err
	})
	if err != nil {
		return FollowUpTask{}, err
	}
	if found == nil {
		return FollowUpTask{}, NotFoundf("No call is due in %s's queue now.", agent)
	}
	return *found, nil
}

// FollowUpTaskByID reads one task (its agent, team leads and admins).
func (s *Service) FollowUpTaskByID(as Actor, id ID) (FollowUpTask, error) {
	if err := canUseQueue(as); err != nil {
		return FollowUpTask{}, err
	}
	var t FollowUpTask
	err := s.store.View(func(tx Tx) error {
		var err error
		if t, err = s.followUpTask(tx, id); err != nil {
			return err
		}
		return mayWork(tx, as, &t)
	})
	return t, err
}

// FollowUpTasksFor lists a work order's follow-up tasks, oldest first.
func (s *Service) FollowUpTasksFor(number string) ([]FollowUpTask, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	var out []FollowUpTask
	err = s.store.View(func(tx Tx) error {
		w, err := tx.WorkOrderByNumber(FormatNumber(n))
		if errors.Is(err, ErrNotFound) {
			return NotFoundf("There is no work order %s.", FormatNumber(n))
		} else if err != nil {
			return err
		}
		out, err = tx.FollowUpTasksFor(w.ID)
		return err
	})
	if out == nil {
		out = []FollowUpTask{}
	}
	return out, err
}

func (s *Service) followUpTask(tx Tx, id ID) (FollowUpTask, error) {
	t, err := tx.FollowUpTask(id)
	if errors.Is(err, ErrNotFound) {
		return t, NotFoundf("There is no follow-up task %d: list your queue with `switchboard followup queue`.", id)
	}
	return t, err
}

// mayWork lets the task's agent, team leads and admins act on a task.
func mayWork(tx Tx, as Actor, t *FollowUpTask) error {
	if err := canUseQueue(as); err != nil {
		return err
	}
	if t.Agent == as.User.Login {
		return nil
	}
	lead, err := isLead(tx, as)
	if err != nil || lead {
		return err
	}
	owner := t.Agent
	if owner == "" {
		owner = "nobody yet"
	}
	return forbidden("Follow-up task %d is in %s's queue, not yours (%s): ask a team lead to reassign it.", t.ID, owner, as.User.Login)
}

// CallResult is what an agent records after a call.
type CallResult struct {
	Outcome Outcome
	// At is the callback time (outcome callback).
	At *time.Time
	// Answers are the follow-up form's answers (outcome reached), keyed by
	// field key, as ParseEvaluationAnswers reads them.
	Answers map[string][]string
	Note    string
	// Version, when not 0, refuses a task changed since it was read.
	Version uint64
}

// RecordFollowUpCall records one call's outcome on a task (R-FU-5), in one
// transaction with the work order's history event:
//   - reached: the follow-up form is saved as a Service Evaluation record
//     linked to the work order (R-FU-2) and the task is done;
//   - no answer, busy: the task comes back after the retry delay, until the
//     attempt limit closes it unreached;
//   - wrong number: the task is closed;
//   - callback: the task comes back at the agreed time (not counted against the limit).
//
// When the work order's last open task closes, its follow-up node completes.
func (s *Service) RecordFollowUpCall(as Actor, id ID, r CallResult) (FollowUpTask, error) {
	if err := canUseQueue(as); err != nil {
		return FollowUpTask{}, err
	}
	if _, err := ParseOutcome(string(r.Outcome)); err != nil {
		return FollowUpTask{}, err
	}
	note, verr := cleanText("note", "Note", r.Note, false, 1000)
	if verr != nil {
		return FollowUpTask{}, verr
	}
	now := s.Now()
	if r.Outcome == OutcomeCallback {
		switch {
		case r.At == nil:
			return FollowUpTask{}, Invalid("at", "A callback needs the agreed time: --at 2026-11-03T15:00 (or +2h).")
		case !r.At.After(now):
			return FollowUpTask{}, Invalid("at", "The callback time %s has passed: give a time after now.", r.At.Format("2006-01-02 15:04"))
		case r.At.After(now.Add(90 * 24 * time.Hour)):
			return FollowUpTask{}, Invalid("at", "The callback time %s is more than 90 days away.", r.At.Format("2006-01-02"))
		}
	} else if r.At != nil {
		return FollowUpTask{}, Invalid("at", "Only a callback takes a time (--at).")
	}
	if r.Outcome != OutcomeReached && len(r.Answers) > 0 {
		return FollowUpTask{}, Invalid("field", "Form answers belong to a reached call; outcome %s takes none.", r.Outcome)
	}
	var t FollowUpTask
	var w WorkOrder
	err := s.store.Update(func(tx Tx) error {
		var err error
		if t, err = s.followUpTask(tx, id); err != nil {
			return err
		}
		if err := mayWork(tx, as, &t); err != nil {
			return err
		}
		if t.Status != FollowUpOpen {
			return Invalid("task", "Follow-up task %d is %s (%s): there is nothing left to call.", t.ID, t.Status, t.Outcome)
		}
		if r.Version != 0 && r.Version != t.Version {
			return &sentinelError{msg: fmt.Sprintf("Follow-up task %d changed since you read it (now version %d): reload the queue and try again.", t.ID, t.Version), sentinel: ErrConflict}
		}
		if !t.Ready(now) {
			return Invalid("task", "Follow-up task %d is held until %s (%s): call it then.", t.ID, t.NotBefore.Format("2006-01-02 15:04"), t.Attempts[len(t.Attempts)-1].Outcome)
		}
		if w, err = tx.WorkOrder(t.WorkOrderID); err != nil {
			return err
		}
		at := FollowUpAttempt{At: now, By: as.Label(), Outcome: r.Outcome, Note: note}
		var detail string
		switch r.Outcome {
		case OutcomeReached:
			e, err := s.saveFollowUpEvaluation(tx, &t, &w, as, r.Answers, now)
			if err != nil {
				return err
			}
			t.Status, t.Outcome, t.EvaluationID, t.NotBefore = FollowUpDone, OutcomeReached, e.ID, nil
			detail = fmt.Sprintf("follow-up call (task #%d): reached; evaluation %d saved (%s): %s", t.ID, e.ID, e.Type, e.summary())
		case OutcomeNoAnswer, OutcomeBusy:
			t.Attempts = append(t.Attempts, at)
			if f := t.Failed(); f >= t.MaxAttempts {
				t.Status, t.Outcome, t.NotBefore = FollowUpClosed, r.Outcome, nil
				detail = fmt.Sprintf("follow-up call (task #%d): %s; attempt limit reached (%d of %d): closed unreached", t.ID, r.Outcome, f, t.MaxAttempts)
			} else {
				cfg, err := readFollowUpConfig(tx)
				if err != nil {
					return err
				}
				next := now.Add(time.Duration(cfg.RetryAfter))
				t.NotBefore = &next
				if next.After(t.DueAt) {
					t.DueAt = next
				}
				detail = fmt.Sprintf("follow-up call (task #%d): %s (attempt %d of %d); next try from %s", t.ID, r.Outcome, f, t.MaxAttempts, next.Format("2006-01-02 15:04 MST"))
			}
		case OutcomeWrongNumber:
			t.Attempts = append(t.Attempts, at)
			t.Status, t.Outcome, t.NotBefore = FollowUpClosed, OutcomeWrongNumber, nil
			detail = fmt.Sprintf("follow-up call (task #%d): wrong number %s: closed; correct the phone on the work order", t.ID, t.Phone)
		case OutcomeCallback:
			cb := r.At.UTC().Truncate(time.Second)
			at.Until = &cb
			t.Attempts = append(t.Attempts, at)
			t.NotBefore, t.DueAt = &cb, cb
			detail = fmt.Sprintf("follow-up call (task #%d): the customer asked to be called back at %s", t.ID, cb.Format("2006-01-02 15:04 MST"))
		}
		if r.Outcome == OutcomeReached {
			t.Attempts = append(t.Attempts, at)
		}
		if note != "" {
			detail += "; note: " + note
		}
		t.UpdatedAt = now
		t.Version++
		if err := tx.PutFollowUpTask(&t); err != nil {
			return err
		}
		if err := tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventFollowUpCall, Detail: detail}); err != nil {
			return err
		}
		if t.Status != FollowUpOpen {
			return s.completeFollowUpNode(tx, &w, now)
		}
		return nil
	})
	if err != nil {
		return FollowUpTask{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return t, nil
}

// saveFollowUpEvaluation checks the form against the task's record type and
// stores it as a Service Evaluation record (R-FU-2).
func (s *Service) saveFollowUpEvaluation(tx Tx, t *FollowUpTask, w *WorkOrder, as Actor, answers map[string][]string, now time.Time) (Evaluation, error) {
	types, err := readEvaluationTypes(tx)
	if err != nil {
		return Evaluation{}, err
	}
	typ, ok := findEvalType(types, t.Type)
	if !ok {
		return Evaluation{}, Invalid("type", "The follow-up form's record type %q no longer exists: ask an admin to restore it.", t.Type)
	}
	ans, score, scale, err := ParseEvaluationAnswers(typ, answers)
	if err != nil {
		return Evaluation{}, err
	}
	for k := range answers {
		if _, ok := typ.Field(k); !ok {
			return Evaluation{}, Invalid(k, "The %s form has no field %q: its fields are %s.", typ.Name, k, fieldKeys(typ))
		}
	}
	e := Evaluation{WorkOrderID: w.ID, Number: w.Number, Type: typ.Name, RecordType: w.RecordType, Answers: ans,
		Score: score, Scale: scale, EngineerID: w.FieldOutDealUser, EngineerName: w.EngineerName,
		ProviderID: w.FieldPartner, ProviderName: w.FieldDownstreamOuterTenantName,
		Via: EvalViaFollowUp, By: as.Label(), TerminalUserID: w.OutOwner, SubmittedAt: now}
	if err := tx.PutEvaluation(&e); err != nil {
		return e, err
	}
	return e, nil
}

func fieldKeys(t EvaluationType) string {
	keys := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}

// completeFollowUpNode moves a work order on from the follow-up node once none
// of its tasks is open.
func (s *Service) completeFollowUpNode(tx Tx, w *WorkOrder, now time.Time) error {
	if w.Node != NodeFollowUp || !w.Status.Open() {
		return nil
	}
	ts, err := tx.FollowUpTasksFor(w.ID)
	if err != nil {
		return err
	}
	done := 0
	for _, t := range ts {
		if t.Status == FollowUpOpen {
			return nil
		}
		if t.Status == FollowUpDone {
			done++
		}
	}
	p, err := readProcess(tx, w.RecordType)
	if err != nil {
		return err
	}
	m := moveOn(p, w, now)
	w.Version++
	w.UpdatedAt = now
	if err := tx.PutWorkOrder(w); err != nil {
		return err
	}
	if err := tx.AppendEvent(w.ID, Event{At: now, By: "system", Channel: ChannelSystem, Kind: EventFollowUpComplete,
		Detail: fmt.Sprintf("follow-up node completed: %d of %d follow-up task(s) reached the customer → %s", done, len(ts), m.to)}); err != nil {
		return err
	}
	return s.afterMove(tx, w, m, now)
}

// ReassignFollowUp moves a task to another agent's queue (team leads and admins).
func (s *Service) ReassignFollowUp(as Actor, id ID, to string) (FollowUpTask, error) {
	to = strings.TrimSpace(to)
	now := s.Now()
	var t FollowUpTask
	var w WorkOrder
	err := s.store.Update(func(tx Tx) error {
		if err := requireLead(tx, as, "reassign follow-up tasks"); err != nil {
			return err
		}
		var err error
		if t, err = s.followUpTask(tx, id); err != nil {
			return err
		}
		if t.Status != FollowUpOpen {
			return Invalid("task", "Follow-up task %d is %s: only open tasks move.", t.ID, t.Status)
		}
		if err := checkAgent(tx, to, "to"); err != nil {
			return err
		}
		if t.Agent == to {
			return Invalid("to", "Follow-up task %d is already in %s's queue.", t.ID, to)
		}
		from := t.Agent
		if from == "" {
			from = "unassigned"
		}
		t.Agent, t.UpdatedAt = to, now
		t.Version++
		if err := tx.PutFollowUpTask(&t); err != nil {
			return err
		}
		if w, err = tx.WorkOrder(t.WorkOrderID); err != nil {
			return err
		}
		return tx.AppendEvent(w.ID, Event{At: now, By: as.Label(), Channel: ChannelInternal, Kind: EventFollowUpTask,
			Detail: fmt.Sprintf("follow-up task #%d reassigned: %s → %s", t.ID, from, to)})
	})
	if err != nil {
		return FollowUpTask{}, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return t, nil
}

// DialResult says how a call was placed.
type DialResult struct {
	Task   ID     `json:"task"`
	Phone  string `json:"phone"`
	Via    string `json:"via"`
	Detail string `json:"detail,omitempty"`
}

// DialFollowUp places the call of a task through the configured integration
// (R-FU-5): the phone is checked (only digits, +, -, spaces and parentheses
// are dialled) before a command runs or a webhook is called. Dialling writes
// nothing; the outcome the agent records does.
func (s *Service) DialFollowUp(ctx context.Context, as Actor, id ID) (DialResult, error) {
	var t FollowUpTask
	var cfg FollowUpConfig
	err := s.store.View(func(tx Tx) error {
		var err error
		if t, err = s.followUpTask(tx, id); err != nil {
			return err
		}
		if err := mayWork(tx, as, &t); err != nil {
			return err
		}
		cfg, err = readFollowUpConfig(tx)
		return err
	})
	if err != nil {
		return DialResult{}, err
	}
	if !cfg.Enabled {
		return DialResult{}, Invalid("dialer", "The follow-up plug-in is off: an admin switches it on with `switchboard followup enable`.")
	}
	if !cfg.Dialer.Configured() {
		return DialResult{}, Invalid("dialer", "No call integration is set: an admin sets one with `switchboard followup dialer set --command '…{phone}…'` or `--webhook URL`. Dial %s by hand meanwhile.", t.Phone)
	}
	phone, err := DialablePhone(t.Phone)
	if err != nil {
		return DialResult{}, err
	}
	d := s.dialer.Load()
	if d == nil || *d == nil {
		return DialResult{}, fmt.Errorf("this switchboard cannot place calls: no call integration is wired in")
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cfg.Dialer.Timeout))
	defer cancel()
	call := DialCall{Phone: phone, Task: t.ID, Agent: as.Label(), Account: as.User.CallAccount}
	if strings.Contains(cfg.Dialer.Command, AccountToken) && call.Account == "" {
		return DialResult{}, Invalid("account", "The dial command calls from the agent's own call account, and %s has none: an admin binds one with `switchboard user call-account %s ACCOUNT` (console: Users, c). Dial %s by hand meanwhile.", as.Label(), as.User.Login, t.Phone)
	}
	detail, err := (*d).Dial(ctx, cfg.Dialer, call)
	if err != nil {
		return DialResult{}, fmt.Errorf("calling %s failed: %w", phone, err)
	}
	via := "command"
	if cfg.Dialer.Command == "" {
		via = "webhook"
	}
	return DialResult{Task: t.ID, Phone: phone, Via: via, Detail: detail}, nil
}

// StartFollowUp runs the follow-up node for a work order that is already
// waiting there without an open task — one brought in at that node by a CSV
// import or another system (a node whose last task closes completes, so work
// orders the node ran for never wait there without one). Admins and team
// leads; with the plug-in off it is refused.
func (s *Service) StartFollowUp(as Actor, number string) ([]FollowUpTask, error) {
	n, err := ParseNumber(number)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []FollowUpTask
	var w WorkOrder
	err = s.store.Update(func(tx Tx) error {
		if err := requireLead(tx, as, "start follow-up calls"); err != nil {
			return err
		}
		cfg, err := readFollowUpConfig(tx)
		if err != nil {
			return err
		}
		if !cfg.Enabled {
			return Invalid("number", "The follow-up plug-in is off: switch it on first (`switchboard followup enable`).")
		}
		if w, err = loadForChange(tx, FormatNumber(n), 0); err != nil {
			return err
		}
		if !w.Status.Open() || w.Node != NodeFollowUp {
			return Invalid("number", "%s is at the %s node (%s), not waiting at the follow-up node.", w.Number, w.Node, w.Status)
		}
		ts, err := tx.FollowUpTasksFor(w.ID)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.Status == FollowUpOpen {
				return Invalid("number", "%s already has an open follow-up task (%d, %s's queue).", w.Number, t.ID, t.Agent)
			}
		}
		p, err := readProcess(tx, w.RecordType)
		if err != nil {
			return err
		}
		pn, _ := p.Find(NodeFollowUp)
		if err := s.enterFollowUp(tx, &w, p, pn, now); err != nil {
			return err
		}
		out, err = tx.FollowUpTasksFor(w.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.broker.publish(Change{Kind: "work-order", WorkOrder: w.ID, Number: w.Number})
	return out, nil
}
