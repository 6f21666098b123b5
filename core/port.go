package core

import (
	"io"
	"time"
)

// Store is the storage port core needs; store.Bolt implements it and
// store/storetest checks any implementation.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in one read-write transaction: all of fn's writes land, or none.
	Update(fn func(Tx) error) error
	// Batch is Update for many concurrent writers (the web listener): calls that
	// arrive together may share one transaction, so fn may run more than once and
	// must only communicate through its Tx and variables it sets afresh each run.
	Batch(fn func(Tx) error) error
	// Backup writes a consistent copy of the whole database to w.
	Backup(w io.Writer) (int64, error)
	// Close releases the database.
	Close() error
}

// Feed is what a store that several servers share offers besides Store
// (issue 21): changes committed through one server reach the consoles
// attached to every other. Announce must not block (it is called after each
// write); Follow calls fn with the changes other servers announced, until
// the store closes. A Feed is also the sign that other processes write the
// same database at the same time.
type Feed interface {
	Announce(cs []Change)
	Follow(fn func([]Change))
}

// Tx is one storage transaction. Put methods assign an ID to records whose ID is zero
// and keep every secondary index in step with the record. Getters return an error
// matching ErrNotFound when a record is missing. Returned values are copies: they stay
// valid after the transaction ends.
type Tx interface {
	PutUser(u *User) error
	User(id ID) (User, error)
	UserByLogin(login string) (User, error)
	Users() ([]User, error)

	PutAccount(a *Account) error
	Account(id ID) (Account, error)
	AccountByName(name string) (Account, error) // case-insensitive
	Accounts() ([]Account, error)

	PutContact(c *Contact) error
	Contact(id ID) (Contact, error)
	ContactsByPhone(phone string) ([]Contact, error) // normalized phone
	ContactsByEmail(email string) ([]Contact, error) // normalized email
	Contacts() ([]Contact, error)

	PutTerminalUser(t *TerminalUser) error
	TerminalUser(id ID) (TerminalUser, error)
	TerminalUsers() ([]TerminalUser, error)
	TerminalUsersByPhone(phone string) ([]TerminalUser, error)
	TerminalUsersByEmail(email string) ([]TerminalUser, error)
	// TerminalUsersByOpenID are the terminal users holding openid as their
	// WeChat official-account or mini-program identity.
	TerminalUsersByOpenID(openid string) ([]TerminalUser, error)

	PutProvider(p *Provider) error
	Provider(id ID) (Provider, error)
	Providers() ([]Provider, error)

	PutEngineer(e *Engineer) error
	Engineer(id ID) (Engineer, error)
	Engineers() ([]Engineer, error)

	// NextWorkOrderNumber returns the next human number (1, 2, 3, …); numbers are never reused.
	NextWorkOrderNumber() (uint64, error)
	// PutWorkOrder inserts (ID zero) or replaces a work order and its index entries.
	// It stores the record as given: version checks are the service's job.
	PutWorkOrder(w *WorkOrder) error
	WorkOrder(id ID) (WorkOrder, error)
	// WorkOrderVersion is the version of work order id as this transaction
	// sees it, without reading the whole record; ErrNotFound when there is
	// none. Every change of a work order bumps its version, so a work order
	// read in an earlier transaction is still current when its version is.
	WorkOrderVersion(id ID) (uint64, error)
	WorkOrderByNumber(number string) (WorkOrder, error)
	// QueryWorkOrders returns one page of rows matching q, and the number of matches.
	QueryWorkOrders(q WorkOrderQuery) (WorkOrderPage, error)
	// CountWorkOrders returns how many work orders exist.
	CountWorkOrders() (int, error)

	// AppendEvent adds an event to a work order's history; history is never rewritten.
	AppendEvent(wo ID, e Event) error
	// Events returns a work order's history, oldest first.
	Events(wo ID) ([]Event, error)
	// LastEvent returns the newest history event of a work order.
	LastEvent(wo ID) (Event, error)

	// PutRule inserts or replaces a rule; Rules returns the rules of a kind in
	// priority order; DeleteRule removes one. Rule and Rules report Next as the
	// last PutRulePointer set it.
	PutRule(r *Rule) error
	Rule(id ID) (Rule, error)
	Rules(kind RuleKind) ([]Rule, error)
	DeleteRule(id ID) error
	// PutRulePointer moves a round-robin rule's next-up pointer without
	// changing the rule (nor the dispatch generation); RulePointers lists the
	// pointers moved since their rules were last put whole; RulePointer reads
	// one of them (ok false: none moved since).
	PutRulePointer(id ID, next int) error
	RulePointers() (map[ID]int, error)
	RulePointer(id ID) (next int, ok bool, err error)
	// DispatchGeneration changes, in the same transaction, whenever something
	// automatic dispatch reads changes: a rule of any kind put or deleted, an
	// engineer or a provider put, a setting under DispatchSettingPrefix put.
	// Equal values mean decoded copies of those are still current (the mail,
	// evaluation and follow-up rules are cached on it too).
	DispatchGeneration() (uint64, error)

	// WorkOrderIDs lists the ids of the work orders with a status at a node,
	// oldest first (dispatch runs over the waiting ones).
	WorkOrderIDs(status Status, node Node) ([]ID, error)
	// WorkOrdersOwnedBy lists the ids of the work orders whose external owner
	// (out_owner) is the terminal user owner, newest first, at most limit
	// (0: all). Work orders created earlier in the transaction are included.
	WorkOrdersOwnedBy(owner ID, limit int) ([]ID, error)

	// EngineerLoad is the number of open work orders assigned to an
	// engineer, kept as PutWorkOrder changes them (O(1) to read).
	EngineerLoad(engineer ID) (int, error)

	// PutTask adds an entry to an engineer's task inbox; Tasks lists an engineer's
	// inbox, newest first.
	PutTask(t *Task) error
	Tasks(engineer ID) ([]Task, error)

	// Setting reads a small named setting (nil, nil when unset); PutSetting writes it.
	Setting(name string) ([]byte, error)
	PutSetting(name string, value []byte) error

	// PutLink stores a customer link under l.Hash (the SHA-256 of its token, never
	// the token); Link finds one by that hash.
	PutLink(l *Link) error
	Link(hash []byte) (Link, error)
	// LinksFor lists the links issued for a work order.
	LinksFor(wo ID) ([]Link, error)

	// PutDevice inserts or replaces a device by its code; Device reads one;
	// Devices lists all in code order.
	PutDevice(d *Device) error
	Device(code string) (Device, error)
	Devices() ([]Device, error)

	// PutMessage inserts (ID zero) or replaces an outbox message and keeps its
	// indexes (key, due time, work order, group, state) in step.
	PutMessage(m *Message) error
	Message(id ID) (Message, error)
	// MessageByKey finds a message by its idempotency key.
	MessageByKey(key string) (Message, error)
	// DueMessages returns up to limit live messages (queued or sending) whose
	// NextAt is not after now, earliest first.
	DueMessages(now time.Time, limit int) ([]Message, error)
	// Messages returns the messages matching q, newest first.
	Messages(q MessageQuery) ([]Message, error)

	// PutTimer schedules a node timeout (R-FLOW-3); timers are keyed by due
	// time and work order, so a work order has at most one per due time.
	// DeleteTimer removes one (no error when it is gone); DueTimers returns up
	// to limit timers due by now, earliest first; Timers lists all, earliest first.
	PutTimer(t Timer) error
	DeleteTimer(at time.Time, wo ID) error
	DueTimers(now time.Time, limit int) ([]Timer, error)
	Timers(limit int) ([]Timer, error)
	// PutReportDraft stores the report content filled before the service node
	// completes (R-REP-1); nil removes it. ReportDraft reads it (ErrNotFound when none).
	PutReportDraft(wo ID, d *ReportDraft) error
	ReportDraft(wo ID) (ReportDraft, error)
	// PutReport stores a service report version. A new version must be the next
	// one (the latest + 1, starting at 1); an existing version may be replaced
	// only while the stored copy is unsigned (to add its signature). A signed
	// version is locked: replacing it fails with ErrReportLocked (R-REP-2).
	PutReport(r *ServiceReport) error
	// Report reads one version; Reports returns every version, oldest first.
	Report(wo ID, version int) (ServiceReport, error)
	Reports(wo ID) ([]ServiceReport, error)
	// Mail intake (R-IN-5).
	// PutMailRecord inserts (ID zero) or replaces a mail log entry and keeps its
	// indexes in step: the first record of a Message-ID, and the quarantine.
	PutMailRecord(m *MailRecord) error
	MailRecord(id ID) (MailRecord, error)
	// MailRecordByMessageID finds the first record of a normalized Message-ID.
	MailRecordByMessageID(messageID string) (MailRecord, error)
	// MailRecords returns the entries matching q, newest first.
	MailRecords(q MailQuery) ([]MailRecord, error)
	// PutMailRaw keeps the raw bytes of a message (nil drops them); MailRaw reads them.
	PutMailRaw(id ID, raw []byte) error
	MailRaw(id ID) ([]byte, error)
	// PutMailThread maps a normalized Message-ID to the work order whose thread it
	// belongs to; MailThread reads it.
	PutMailThread(messageID string, wo ID) error
	MailThread(messageID string) (ID, error)
	// PutAttachment stores a file with its work order (a.ID assigned); Attachments
	// lists a work order's files, oldest first; AttachmentData reads one's bytes.
	PutAttachment(a *Attachment, data []byte) error
	Attachments(wo ID) ([]Attachment, error)
	AttachmentData(id ID) ([]byte, error)

	// Integration API (R-IN-6).
	// PutAPIKey inserts or replaces an API key and its hash index.
	PutAPIKey(k *APIKey) error
	APIKey(id ID) (APIKey, error)
	// APIKeyByHash finds a key by the SHA-256 of its secret.
	APIKeyByHash(hash []byte) (APIKey, error)
	APIKeys() ([]APIKey, error)
	// PutIdempotency stores the outcome of a request under its API key and
	// Idempotency-Key; Idempotency reads it back.
	PutIdempotency(r *IdempotencyRecord) error
	Idempotency(apiKey ID, key string) (IdempotencyRecord, error)
	// PruneIdempotency drops up to limit records made before t, oldest first.
	PruneIdempotency(before time.Time, limit int) (int, error)

	// PutEvaluation inserts (ID zero) or replaces a Service Evaluation record
	// and keeps its indexes (work order, submission time with the report row,
	// engineer) in step. Evaluation reads one; EvaluationsFor lists a work
	// order's, oldest first; EvaluationsByEngineer lists up to limit of an
	// engineer's, newest first (0: all).
	PutEvaluation(e *Evaluation) error
	Evaluation(id ID) (Evaluation, error)
	EvaluationsFor(wo ID) ([]Evaluation, error)
	EvaluationsByEngineer(engineer ID, limit int) ([]Evaluation, error)
	// ScanEvaluationRows calls fn with the report row of every evaluation
	// submitted in [from, to), oldest first, reading only the time index; fn
	// returns false to stop. A zero to means no upper bound.
	ScanEvaluationRows(from, to time.Time, fn func(EvaluationRow) bool) error
	// PutEvaluationRequest stores what the evaluation node decided for a work
	// order (one per work order); EvaluationRequest reads it.
	PutEvaluationRequest(r *EvaluationRequest) error
	EvaluationRequest(wo ID) (EvaluationRequest, error)

	// Service follow-up (R-FU-3..5).
	// PutFollowUpTask inserts (ID zero) or replaces a follow-up task and keeps
	// its indexes in step: open tasks by agent and due time, open tasks by due
	// time, tasks by work order. FollowUpTask reads one; FollowUpTasksFor lists
	// a work order's, oldest first.
	PutFollowUpTask(t *FollowUpTask) error
	FollowUpTask(id ID) (FollowUpTask, error)
	FollowUpTasksFor(wo ID) ([]FollowUpTask, error)
	// ScanFollowUpQueue calls fn with the index entries of the open tasks of
	// agent ("" for the unassigned ones) in due-time order, seeking to the
	// agent's first task; all walks every agent's open tasks in due-time order
	// instead. No task record is read: counting a queue of thousands is a walk
	// of its index. fn returns false to stop.
	ScanFollowUpQueue(agent string, all bool, fn func(FollowUpQueueEntry) bool) error
	// FollowUpTaskMentioning reads task id when its record may mention text
	// (case-insensitively; see FollowUpTask.Matches) and reports ok false,
	// without decoding it, when the record cannot. ok true does not promise a
	// match: the caller still checks. Empty text always reads.
	FollowUpTaskMentioning(id ID, text string) (t FollowUpTask, ok bool, err error)
	// PutFollowUpTeam inserts or replaces a team by name (case-insensitive);
	// FollowUpTeam reads one; FollowUpTeams lists them by name; DeleteFollowUpTeam removes one.
	PutFollowUpTeam(t *FollowUpTeam) error
	FollowUpTeam(name string) (FollowUpTeam, error)
	FollowUpTeams() ([]FollowUpTeam, error)
	DeleteFollowUpTeam(name string) error
	// PutAbsence marks a staff member absent; DeleteAbsence clears it;
	// Absences lists who is absent, by login.
	PutAbsence(a Absence) error
	DeleteAbsence(login string) error
	Absences() ([]Absence, error)
}
