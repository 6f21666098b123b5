-- +goose Up
-- Switchboard on PostgreSQL (issue 21). Every record is kept as the JSON
-- the service writes (the same bytes bbolt holds), beside the columns its
-- lookups, orders and queues need. Times that order things are Unix
-- nanoseconds (bigint), as in the bbolt store's keys: timestamptz keeps
-- microseconds only.

CREATE TABLE counters (name text PRIMARY KEY, value bigint NOT NULL);
CREATE TABLE meta (name text PRIMARY KEY, value bytea NOT NULL);
CREATE TABLE settings (name text COLLATE "C" PRIMARY KEY, value bytea NOT NULL);

CREATE TABLE users (id bigint PRIMARY KEY, login text NOT NULL, doc json NOT NULL);
CREATE INDEX users_login ON users (login);
CREATE TABLE accounts (id bigint PRIMARY KEY, name_lower text NOT NULL, doc json NOT NULL);
CREATE INDEX accounts_name ON accounts (name_lower);
CREATE TABLE contacts (id bigint PRIMARY KEY, phone text NOT NULL, email text NOT NULL, doc json NOT NULL);
CREATE INDEX contacts_phone ON contacts (phone) WHERE phone <> '';
CREATE INDEX contacts_email ON contacts (email) WHERE email <> '';
CREATE TABLE terminal_users (id bigint PRIMARY KEY, phone text NOT NULL, email text NOT NULL, doc json NOT NULL);
CREATE INDEX terminal_users_phone ON terminal_users (phone) WHERE phone <> '';
CREATE INDEX terminal_users_email ON terminal_users (email) WHERE email <> '';
CREATE TABLE providers (id bigint PRIMARY KEY, doc json NOT NULL);
CREATE TABLE engineers (id bigint PRIMARY KEY, doc json NOT NULL);

CREATE TABLE work_orders (
	id bigint PRIMARY KEY,
	number text COLLATE "C" NOT NULL UNIQUE,
	status text NOT NULL,
	node text NOT NULL,
	engineer_id bigint NOT NULL,
	search text NOT NULL,
	row json NOT NULL,
	doc json NOT NULL
);
CREATE INDEX work_orders_status ON work_orders (status, id);
CREATE INDEX work_orders_node ON work_orders (node, id);
CREATE INDEX work_orders_status_node ON work_orders (status, node, id);
CREATE TABLE engineer_load (engineer_id bigint PRIMARY KEY, n bigint NOT NULL CHECK (n > 0));
CREATE TABLE events (wo_id bigint NOT NULL, seq bigint NOT NULL, doc json NOT NULL, PRIMARY KEY (wo_id, seq));
CREATE TABLE tasks (id bigint PRIMARY KEY, engineer_id bigint NOT NULL, doc json NOT NULL);
CREATE INDEX tasks_engineer ON tasks (engineer_id, id);

CREATE TABLE rules (id bigint PRIMARY KEY, kind text NOT NULL, doc json NOT NULL);
CREATE TABLE rule_next (id bigint PRIMARY KEY, next bigint NOT NULL);

CREATE TABLE links (hash bytea PRIMARY KEY, wo_id bigint NOT NULL, doc json NOT NULL);
CREATE INDEX links_wo ON links (wo_id, hash) WHERE wo_id <> 0;
CREATE TABLE devices (code text COLLATE "C" PRIMARY KEY, doc json NOT NULL);

CREATE TABLE outbox (
	id bigint PRIMARY KEY,
	key text NOT NULL,
	state text NOT NULL,
	wo_id bigint NOT NULL,
	grp bigint NOT NULL,
	live boolean NOT NULL,
	next_at bigint NOT NULL,
	doc json NOT NULL
);
CREATE INDEX outbox_key ON outbox (key) WHERE key <> '';
CREATE INDEX outbox_due ON outbox (next_at, id) WHERE live;
CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_wo ON outbox (wo_id, id) WHERE wo_id <> 0;
CREATE INDEX outbox_grp ON outbox (grp, id) WHERE grp <> 0;
CREATE TABLE timers (at bigint NOT NULL, wo_id bigint NOT NULL, doc json NOT NULL, PRIMARY KEY (at, wo_id));

CREATE TABLE report_drafts (wo_id bigint PRIMARY KEY, doc json NOT NULL);
CREATE TABLE reports (wo_id bigint NOT NULL, version int NOT NULL, signed boolean NOT NULL, doc json NOT NULL, PRIMARY KEY (wo_id, version));

CREATE TABLE mail_log (id bigint PRIMARY KEY, quarantined boolean NOT NULL, doc json NOT NULL);
CREATE INDEX mail_quarantine ON mail_log (id) WHERE quarantined;
CREATE TABLE mail_by_msgid (msgid text PRIMARY KEY, id bigint NOT NULL);
CREATE TABLE mail_raw (id bigint PRIMARY KEY, raw bytea NOT NULL);
CREATE TABLE mail_threads (msgid text PRIMARY KEY, wo_id bigint NOT NULL);
CREATE TABLE attachments (id bigint PRIMARY KEY, wo_id bigint NOT NULL, doc json NOT NULL, data bytea NOT NULL);
CREATE INDEX attachments_wo ON attachments (wo_id, id);

CREATE TABLE api_keys (id bigint PRIMARY KEY, hash bytea NOT NULL, doc json NOT NULL);
CREATE INDEX api_keys_hash ON api_keys (hash);
CREATE TABLE idempotency (api_key bigint NOT NULL, key text COLLATE "C" NOT NULL, at bigint NOT NULL, doc json NOT NULL, body bytea NOT NULL, PRIMARY KEY (api_key, key));
CREATE INDEX idempotency_at ON idempotency (at, api_key, key);

CREATE TABLE evaluations (
	id bigint PRIMARY KEY,
	wo_id bigint NOT NULL,
	engineer_id bigint NOT NULL,
	provider_id bigint NOT NULL,
	submitted bigint NOT NULL,
	score int NOT NULL,
	scale int NOT NULL,
	record_type text NOT NULL,
	type text NOT NULL,
	identified boolean NOT NULL,
	repeat boolean NOT NULL,
	doc json NOT NULL
);
CREATE INDEX evaluations_time ON evaluations (submitted, id);
CREATE INDEX evaluations_wo ON evaluations (wo_id, id);
CREATE INDEX evaluations_engineer ON evaluations (engineer_id, id) WHERE engineer_id <> 0;
CREATE TABLE evaluation_requests (wo_id bigint PRIMARY KEY, doc json NOT NULL);

CREATE TABLE follow_ups (
	id bigint PRIMARY KEY,
	wo_id bigint NOT NULL,
	agent text COLLATE "C" NOT NULL,
	due bigint NOT NULL,
	open boolean NOT NULL,
	not_before bigint,
	doc json NOT NULL
);
CREATE INDEX follow_ups_queue ON follow_ups (agent, due, id) WHERE open;
CREATE INDEX follow_ups_due ON follow_ups (due, id) WHERE open;
CREATE INDEX follow_ups_wo ON follow_ups (wo_id, id);
CREATE TABLE follow_up_teams (name_lower text COLLATE "C" PRIMARY KEY, doc json NOT NULL);
CREATE TABLE absences (login text COLLATE "C" PRIMARY KEY, doc json NOT NULL);

-- +goose Down
DROP TABLE absences, follow_up_teams, follow_ups, evaluation_requests, evaluations, idempotency, api_keys,
	attachments, mail_threads, mail_raw, mail_by_msgid, mail_log, reports, report_drafts, timers, outbox,
	devices, links, rule_next, rules, tasks, events, engineer_load, work_orders, engineers, providers,
	terminal_users, contacts, accounts, users, settings, meta, counters;
