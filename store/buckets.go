package store

// Every bucket name in one place (DESIGN.md). Index buckets hold keys only; their
// values are empty unless noted.
var (
	bucketMeta     = []byte("meta")     // schema_version and other small facts
	bucketSettings = []byte("settings") // name → value

	bucketUsers        = []byte("users")          // id → User JSON
	bucketUsersByLogin = []byte("users_by_login") // login → id

	bucketAccounts       = []byte("accounts")         // id → Account JSON
	bucketAccountsByName = []byte("accounts_by_name") // lower(name) → id

	bucketContacts        = []byte("contacts")          // id → Contact JSON
	bucketContactsByPhone = []byte("contacts_by_phone") // phone 0x00 id
	bucketContactsByEmail = []byte("contacts_by_email") // email 0x00 id

	bucketTerminalUsers   = []byte("terminal_users")    // id → TerminalUser JSON
	bucketTerminalByPhone = []byte("terminal_by_phone") // phone 0x00 id
	bucketTerminalByEmail = []byte("terminal_by_email") // email 0x00 id

	bucketProviders = []byte("providers") // id → Provider JSON
	bucketEngineers = []byte("engineers") // id → Engineer JSON

	bucketWorkOrders  = []byte("work_orders")   // id → WorkOrder JSON (without history)
	bucketWORows      = []byte("wo_rows")       // id → compact binary row (rowcodec.go)
	bucketWOByNumber  = []byte("wo_by_number")  // number → id
	bucketWONumberSeq = []byte("wo_number_seq") // empty; its sequence numbers work orders
	bucketEvents      = []byte("events")        // wo id ‖ event seq → Event JSON
	// bucketWOByStatusNode (schema 2): status 0x00 node 0x00 id, so a status+node
	// filter walks exactly its matches.
	bucketWOByStatusNode = []byte("wo_by_status_node")

	// Schema 3: dispatch.
	bucketRules           = []byte("rules")             // id → Rule JSON
	bucketWOByEngineer    = []byte("wo_by_engineer")    // engineer id ‖ wo id (field_outDealUser__c)
	bucketTasks           = []byte("tasks")             // id → Task JSON
	bucketTasksByEngineer = []byte("tasks_by_engineer") // engineer id ‖ task id
	// The engine at real size: an engineer's open work orders, counted as
	// they change, and round-robin pointers kept apart from the rules.
	bucketEngineerLoad = []byte("engineer_load") // engineer id → count (uint64)
	bucketRuleNext     = []byte("rule_next")     // rule id → next-up index (uint64)
	bucketWOSearch     = []byte("wo_search")     // wo id → the row's search text (core's SearchText)

	// Notifications: the outbox (outbox.go).
	bucketOutbox        = []byte("outbox")          // id → Message JSON
	bucketOutboxByKey   = []byte("outbox_by_key")   // idempotency key → id
	bucketOutboxDue     = []byte("outbox_due")      // next-at unix nanos ‖ id, live messages only
	bucketOutboxByWO    = []byte("outbox_by_wo")    // wo id ‖ message id
	bucketOutboxByGroup = []byte("outbox_by_group") // group id ‖ message id
	bucketOutboxByState = []byte("outbox_by_state") // state 0x00 id
)

// outboxBuckets are created by the outbox migration.
var outboxBuckets = [][]byte{bucketOutbox, bucketOutboxByKey, bucketOutboxDue, bucketOutboxByWO, bucketOutboxByGroup, bucketOutboxByState}

// Keys in bucketMeta.
var (
	keySchemaVersion = []byte("schema_version")
	// keyDispatchGen changes (to a new random value) in every transaction that
	// changes what automatic dispatch reads: rules, engineers, providers, the
	// per-type switches. A process that keeps them decoded compares it first.
	keyDispatchGen = []byte("dispatch_gen")
)

// allBuckets are created by the first migration.
var allBuckets = [][]byte{
	bucketMeta, bucketSettings,
	bucketUsers, bucketUsersByLogin,
	bucketAccounts, bucketAccountsByName,
	bucketContacts, bucketContactsByPhone, bucketContactsByEmail,
	bucketTerminalUsers, bucketTerminalByPhone, bucketTerminalByEmail,
	bucketProviders, bucketEngineers,
	bucketWorkOrders, bucketWORows, bucketWOByNumber,
	bucketWONumberSeq, bucketEvents,
}

// Web listener (issue 5).
var (
	bucketLinks   = []byte("links")   // SHA-256 of a link token → Link JSON (never the token)
	bucketDevices = []byte("devices") // device code → Device JSON
)

// Process timers (R-FLOW-3).
var (
	bucketTimers    = []byte("timers")      // due unix nanos ‖ work order id → Timer JSON
	bucketLinksByWO = []byte("links_by_wo") // work order id ‖ link hash
)

// Service reports (issue 10).
var (
	bucketReports      = []byte("reports")       // wo id ‖ version → ServiceReport JSON
	bucketReportDrafts = []byte("report_drafts") // wo id → ReportDraft JSON
)

// Email intake (issue 8, R-IN-5).
var (
	bucketMailLog        = []byte("mail_log")        // id → MailRecord JSON
	bucketMailByMsgID    = []byte("mail_by_msgid")   // normalized Message-ID → id (its first record)
	bucketMailQuarantine = []byte("mail_quarantine") // id of a record still in quarantine
	bucketMailRaw        = []byte("mail_raw")        // id → the raw message bytes
	bucketMailThreads    = []byte("mail_threads")    // normalized Message-ID → work order id
	bucketAttachments    = []byte("attachments")     // id → Attachment JSON
	bucketAttachmentsWO  = []byte("attachments_by_wo")
	bucketAttachmentData = []byte("attachment_data") // id → the file's bytes
)

// Integration API (issue 8, R-IN-6).
var (
	bucketAPIKeys       = []byte("api_keys")         // id → APIKey JSON
	bucketAPIKeysByHash = []byte("api_keys_by_hash") // SHA-256 of the secret → id
	bucketIdempotency   = []byte("api_idempotency")  // api key id ‖ Idempotency-Key → IdempotencyRecord JSON
	bucketIdemByTime    = []byte("api_idem_by_time") // unix nanos ‖ api key id ‖ Idempotency-Key
)

// intakeBuckets are created by the intake migration.
var intakeBuckets = [][]byte{
	bucketMailLog, bucketMailByMsgID, bucketMailQuarantine, bucketMailRaw, bucketMailThreads,
	bucketAttachments, bucketAttachmentsWO, bucketAttachmentData,
	bucketAPIKeys, bucketAPIKeysByHash, bucketIdempotency, bucketIdemByTime,
}

// Terminal users by WeChat identity (issue 19): binding a customer's WeChat
// checks that nobody else holds the openid.
var bucketTerminalByOpenID = []byte("terminal_by_openid") // "o" or "m" ‖ 0x00 ‖ openid ‖ 0x00 ‖ id

// Work orders by external owner (schema 16): a customer's page lists the work
// orders their terminal users own, whatever phone those carry.
var bucketWOByOwner = []byte("wo_by_owner") // terminal user id ‖ wo id

// Service evaluation (R-EVAL-1).
var (
	bucketEvaluations     = []byte("evaluations")         // id → Evaluation JSON
	bucketEvalByWO        = []byte("evaluations_by_wo")   // work order id ‖ evaluation id
	bucketEvalByTime      = []byte("evaluations_by_time") // submitted unix nanos ‖ evaluation id → report row (evalrow.go)
	bucketEvalByEngineer  = []byte("evaluations_by_eng")  // engineer id ‖ evaluation id
	bucketEvalRequests    = []byte("evaluation_requests") // work order id → EvaluationRequest JSON
	evaluationBucketNames = [][]byte{bucketEvaluations, bucketEvalByWO, bucketEvalByTime, bucketEvalByEngineer, bucketEvalRequests}
)

// Service follow-up (issue 7, R-FU-3..5).
var (
	bucketFollowUps       = []byte("followups")         // id → FollowUpTask JSON
	bucketFollowUpQueue   = []byte("followups_queue")   // agent 0x00 due unix nanos ‖ id, open tasks only
	bucketFollowUpDue     = []byte("followups_due")     // due unix nanos ‖ id, open tasks only (every agent)
	bucketFollowUpByWO    = []byte("followups_by_wo")   // work order id ‖ task id
	bucketFollowUpTeams   = []byte("followup_teams")    // lower(name) → FollowUpTeam JSON (with its rotation pointer)
	bucketFollowUpAbsence = []byte("followup_absences") // login → Absence JSON
	followUpBucketNames   = [][]byte{bucketFollowUps, bucketFollowUpQueue, bucketFollowUpDue, bucketFollowUpByWO, bucketFollowUpTeams, bucketFollowUpAbsence}
)
