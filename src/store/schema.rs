//! The schema, as versioned migrations. The version lives in `PRAGMA
//! user_version`; a file with a higher version than [`LATEST`] is refused.
//!
//! Conventions: ids are UUID v7 text; money is INTEGER fen; dates are ISO
//! `YYYY-MM-DD` text checked with `date(x) IS x` (which also refuses 2026-02-30);
//! times `HH:MM`; timestamps RFC 3339 UTC. Every record table has the same
//! bookkeeping columns (id, version, created_at, updated_at, updated_by,
//! deleted_at, deleted_with); repeated rows live in child tables keyed by
//! (parent_id, pos) that cascade with their parent.

use rusqlite_migration::{Migrations, M};

/// Version 1: every record of DESIGN §3, the change log, the trash and the
/// search columns with their FTS5 trigram indexes.
const V1: &str = r#"
CREATE TABLE accounts (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    short_name TEXT NOT NULL,
    industry TEXT NOT NULL,
    region TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL,
    website TEXT NOT NULL,
    company_size TEXT NOT NULL,
    registered_capital INTEGER CHECK (registered_capital IS NULL OR (typeof(registered_capital) = 'integer' AND registered_capital >= 0)),
    listed INTEGER NOT NULL CHECK (listed IN (0, 1)),
    owner TEXT NOT NULL,
    tier_override TEXT CHECK (tier_override IS NULL OR tier_override IN ('silver', 'gold', 'platinum')),
    tier_override_reason TEXT NOT NULL,
    notes TEXT NOT NULL,
    credit_limit INTEGER CHECK (credit_limit IS NULL OR (typeof(credit_limit) = 'integer' AND credit_limit >= 0)),
    payment_terms TEXT NOT NULL,
    -- search columns, computed at write time
    sort_key TEXT NOT NULL,
    name_norm TEXT NOT NULL,
    phone_digits TEXT NOT NULL,
    py_initials TEXT NOT NULL,
    py_full TEXT NOT NULL,
    CHECK (tier_override IS NULL OR trim(tier_override_reason) <> '')
);
CREATE INDEX accounts_list ON accounts (sort_key, id) WHERE deleted_at IS NULL;
CREATE INDEX accounts_name_norm ON accounts (name_norm);
CREATE INDEX accounts_phone ON accounts (phone_digits);
CREATE INDEX accounts_owner ON accounts (owner);
CREATE INDEX accounts_deleted ON accounts (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE account_scores (
    parent_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    criterion TEXT NOT NULL CHECK (criterion <> ''),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE account_archive (
    parent_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('basic', 'contract', 'receivable', 'complaint', 'industry', 'internal')),
    date TEXT CHECK (date(date) IS date),
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    amount INTEGER CHECK (amount IS NULL OR (typeof(amount) = 'integer' AND amount >= 0)),
    approval TEXT NOT NULL,
    reason TEXT NOT NULL,
    responsibility TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (trim(name) <> ''),
    company TEXT NOT NULL,
    title TEXT NOT NULL,
    phone TEXT NOT NULL,
    fax TEXT NOT NULL,
    email TEXT NOT NULL,
    education TEXT NOT NULL,
    birth_date TEXT CHECK (date(birth_date) IS birth_date),
    address TEXT NOT NULL,
    spouse TEXT NOT NULL,
    secretary TEXT NOT NULL,
    employer TEXT NOT NULL,
    reports_to TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    background TEXT NOT NULL,
    personality TEXT NOT NULL,
    social_style TEXT CHECK (social_style IS NULL OR social_style IN ('driver', 'analytical', 'expressive', 'amiable')),
    recent TEXT NOT NULL,
    criteria_technical TEXT NOT NULL,
    criteria_business TEXT NOT NULL,
    buying_role TEXT CHECK (buying_role IS NULL OR buying_role IN ('executor', 'user', 'influencer', 'technical_gatekeeper', 'decision_maker', 'approver')),
    personal_agenda TEXT NOT NULL,
    political_strategy TEXT NOT NULL,
    consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
    consent_date TEXT CHECK (date(consent_date) IS consent_date),
    name_norm TEXT NOT NULL,
    phone_digits TEXT NOT NULL,
    py_initials TEXT NOT NULL,
    py_full TEXT NOT NULL,
    CHECK (reports_to IS NULL OR reports_to <> id),
    CHECK (consent = 0 OR consent_date IS NOT NULL)
);
CREATE INDEX contacts_account ON contacts (account_id, name);
CREATE INDEX contacts_reports_to ON contacts (reports_to);
CREATE INDEX contacts_phone ON contacts (phone_digits);
CREATE INDEX contacts_birthday ON contacts (substr(birth_date, 6)) WHERE deleted_at IS NULL;

CREATE TABLE contact_responsibilities (
    parent_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE contact_behaviours (
    parent_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    behaviour TEXT NOT NULL CHECK (behaviour IN (
        'acknowledges_need', 'gives_information', 'explains_events', 'agrees_potential_solution', 'invests_time',
        'privately_best', 'works_on_plan', 'publicly_best', 'shares_competitor_plans', 'shares_politics',
        'answers_to_management', 'shares_confidential_plans', 'tests_plan_against_competitors',
        'ties_success_to_plan', 'sells_for_us')),
    observed_on TEXT NOT NULL CHECK (date(observed_on) IS observed_on),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE orders (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    date TEXT NOT NULL CHECK (date(date) IS date),
    amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
    payment TEXT NOT NULL CHECK (payment IN ('cash', 'credit')),
    promotion INTEGER NOT NULL CHECK (promotion IN (0, 1)),
    discount_rate INTEGER CHECK (discount_rate IS NULL OR discount_rate BETWEEN 1 AND 10000),
    net_amount INTEGER NOT NULL CHECK (typeof(net_amount) = 'integer' AND net_amount >= 0 AND net_amount <= amount),
    due_date TEXT CHECK (date(due_date) IS due_date),
    -- derived at write time from the collections
    collected INTEGER NOT NULL CHECK (collected >= 0),
    outstanding INTEGER NOT NULL CHECK (outstanding >= 0)
);
CREATE INDEX orders_account_date ON orders (account_id, date) WHERE deleted_at IS NULL;
CREATE INDEX orders_receivable ON orders (account_id, due_date) WHERE deleted_at IS NULL AND outstanding > 0;
CREATE INDEX orders_date ON orders (date);

CREATE TABLE order_collections (
    parent_id TEXT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    date TEXT NOT NULL CHECK (date(date) IS date),
    amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    date TEXT NOT NULL CHECK (date(date) IS date),
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'phone', 'email', 'meeting', 'other')),
    "by" TEXT NOT NULL,
    by_manager INTEGER NOT NULL CHECK (by_manager IN (0, 1)),
    purpose TEXT NOT NULL,
    summary TEXT NOT NULL,
    next_step TEXT NOT NULL,
    next_date TEXT CHECK (date(next_date) IS next_date)
);
CREATE INDEX visits_account_date ON visits (account_id, date) WHERE deleted_at IS NULL;
CREATE INDEX visits_date ON visits (date);

CREATE TABLE visit_contacts (
    parent_id TEXT NOT NULL REFERENCES visits (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;
CREATE INDEX visit_contacts_contact ON visit_contacts (contact_id);

CREATE TABLE change_events (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    date TEXT NOT NULL CHECK (date(date) IS date),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    follow_up TEXT NOT NULL
);
CREATE INDEX change_events_account ON change_events (account_id, date);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    date TEXT NOT NULL CHECK (date(date) IS date),
    from_whom TEXT NOT NULL,
    satisfaction INTEGER CHECK (satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5),
    complaint INTEGER NOT NULL CHECK (complaint IN (0, 1)),
    content TEXT NOT NULL,
    handling TEXT NOT NULL,
    closed INTEGER NOT NULL CHECK (closed IN (0, 1))
);
CREATE INDEX feedback_account ON feedback (account_id, date);

CREATE TABLE call_plans (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    opportunity TEXT NOT NULL,
    account_executive TEXT NOT NULL,
    phone TEXT NOT NULL,
    location TEXT NOT NULL,
    assistant TEXT NOT NULL,
    call_date TEXT CHECK (date(call_date) IS call_date),
    call_time TEXT CHECK (call_time IS NULL OR (length(call_time) = 5 AND time(call_time || ':00') IS call_time || ':00')),
    sales_rep TEXT NOT NULL,
    manager TEXT NOT NULL,
    objective TEXT NOT NULL,
    expected_result TEXT NOT NULL,
    agenda TEXT NOT NULL,
    obstacles TEXT NOT NULL,
    resources TEXT NOT NULL,
    prep_business_cards INTEGER NOT NULL CHECK (prep_business_cards IN (0, 1)),
    prep_materials INTEGER NOT NULL CHECK (prep_materials IN (0, 1)),
    prep_evidence INTEGER NOT NULL CHECK (prep_evidence IN (0, 1)),
    prep_proposal INTEGER NOT NULL CHECK (prep_proposal IN (0, 1)),
    prep_why_answer INTEGER NOT NULL CHECK (prep_why_answer IN (0, 1)),
    what_happened TEXT NOT NULL,
    supporter_assessment TEXT NOT NULL,
    manager_assessment TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'done')),
    CHECK (status <> 'done' OR trim(what_happened) <> '')
);
CREATE INDEX call_plans_account ON call_plans (account_id, call_date);
CREATE INDEX call_plans_date ON call_plans (call_date) WHERE deleted_at IS NULL;

CREATE TABLE call_plan_customers (
    parent_id TEXT NOT NULL REFERENCES call_plans (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    role TEXT CHECK (role IS NULL OR role IN ('executor', 'user', 'influencer', 'technical_gatekeeper', 'decision_maker', 'approver')),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;
CREATE INDEX call_plan_customers_contact ON call_plan_customers (contact_id);

CREATE TABLE call_plan_ours (
    parent_id TEXT NOT NULL REFERENCES call_plans (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE call_plan_influence (
    parent_id TEXT NOT NULL REFERENCES call_plans (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    view TEXT NOT NULL,
    how TEXT NOT NULL,
    business_value TEXT NOT NULL,
    political_value TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE call_plan_introduction (
    parent_id TEXT NOT NULL REFERENCES call_plans (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    need TEXT NOT NULL,
    why TEXT NOT NULL,
    question TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE call_plan_commitments (
    parent_id TEXT NOT NULL REFERENCES call_plans (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    "by" TEXT CHECK (date("by") IS "by"),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE presentations (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    opportunity TEXT NOT NULL,
    date TEXT CHECK (date(date) IS date),
    sales_rep TEXT NOT NULL,
    objective TEXT NOT NULL,
    agenda TEXT NOT NULL
);
CREATE INDEX presentations_account ON presentations (account_id, date);
CREATE INDEX presentations_date ON presentations (date) WHERE deleted_at IS NULL;

CREATE TABLE presentation_participants (
    parent_id TEXT NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    contact_id TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    name_title TEXT NOT NULL,
    buying_role TEXT CHECK (buying_role IS NULL OR buying_role IN ('executor', 'user', 'influencer', 'technical_gatekeeper', 'decision_maker', 'approver')),
    business_arguments TEXT NOT NULL,
    political_arguments TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;
CREATE INDEX presentation_participants_contact ON presentation_participants (contact_id);

CREATE TABLE presentation_steps (
    parent_id TEXT NOT NULL REFERENCES presentations (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    step TEXT NOT NULL,
    owner TEXT NOT NULL,
    due TEXT CHECK (date(due) IS due),
    done INTEGER NOT NULL CHECK (done IN (0, 1)),
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE vip_cards (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    store TEXT NOT NULL,
    received_by TEXT NOT NULL,
    visit_date TEXT NOT NULL CHECK (date(visit_date) IS visit_date),
    visit_time TEXT CHECK (visit_time IS NULL OR (length(visit_time) = 5 AND time(visit_time || ':00') IS visit_time || ':00')),
    photo_path TEXT NOT NULL,
    salutation TEXT NOT NULL,
    age TEXT NOT NULL,
    industry TEXT NOT NULL,
    position TEXT NOT NULL,
    vehicle TEXT NOT NULL,
    phone TEXT NOT NULL,
    accessories TEXT NOT NULL,
    style TEXT NOT NULL,
    usage TEXT NOT NULL,
    price_range TEXT NOT NULL,
    material TEXT NOT NULL,
    traits TEXT NOT NULL,
    reception_summary TEXT NOT NULL,
    team_suggestions TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('prospect', 'vip', 'closed')),
    account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    consent INTEGER NOT NULL CHECK (consent IN (0, 1)),
    consent_date TEXT CHECK (date(consent_date) IS consent_date),
    phone_digits TEXT NOT NULL,
    py_initials TEXT NOT NULL,
    py_full TEXT NOT NULL,
    CHECK (consent = 0 OR consent_date IS NOT NULL)
);
CREATE INDEX vip_cards_date ON vip_cards (visit_date, id) WHERE deleted_at IS NULL;
CREATE INDEX vip_cards_phone ON vip_cards (phone_digits);
CREATE INDEX vip_cards_account ON vip_cards (account_id);

CREATE TABLE vip_recommended (
    parent_id TEXT NOT NULL REFERENCES vip_cards (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL CHECK (pos BETWEEN 0 AND 2),
    item TEXT NOT NULL,
    image_path TEXT NOT NULL,
    fab TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE vip_objections (
    parent_id TEXT NOT NULL REFERENCES vip_cards (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL CHECK (pos BETWEEN 0 AND 2),
    kind TEXT CHECK (kind IS NULL OR kind IN ('price', 'capability', 'false', 'real', 'hidden')),
    text TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE vip_re_recommended (
    parent_id TEXT NOT NULL REFERENCES vip_cards (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL CHECK (pos BETWEEN 0 AND 2),
    item TEXT NOT NULL,
    image_path TEXT NOT NULL,
    fab TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE vip_resolutions (
    parent_id TEXT NOT NULL REFERENCES vip_cards (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL CHECK (pos BETWEEN 0 AND 2),
    text TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE vip_handovers (
    parent_id TEXT NOT NULL REFERENCES vip_cards (id) ON DELETE CASCADE,
    pos INTEGER NOT NULL,
    "from" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    date TEXT NOT NULL CHECK (date(date) IS date),
    note TEXT NOT NULL,
    PRIMARY KEY (parent_id, pos)
) WITHOUT ROWID;

CREATE TABLE targets (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    version INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT NOT NULL CHECK (datetime(created_at) IS NOT NULL),
    updated_at TEXT NOT NULL CHECK (datetime(updated_at) IS NOT NULL),
    updated_by TEXT NOT NULL,
    deleted_at TEXT CHECK (deleted_at IS NULL OR datetime(deleted_at) IS NOT NULL),
    deleted_with TEXT,
    rep TEXT NOT NULL CHECK (trim(rep) <> ''),
    period TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]' OR period GLOB '[0-9][0-9][0-9][0-9]-Q[1-4]'),
    planned_sales INTEGER CHECK (planned_sales IS NULL OR planned_sales >= 0),
    planned_collection INTEGER CHECK (planned_collection IS NULL OR planned_collection >= 0),
    expense_budget INTEGER CHECK (expense_budget IS NULL OR expense_budget >= 0),
    expense_actual INTEGER CHECK (expense_actual IS NULL OR expense_actual >= 0),
    ability INTEGER CHECK (ability IS NULL OR ability BETWEEN 0 AND 100),
    attitude INTEGER CHECK (attitude IS NULL OR attitude BETWEEN 0 AND 100)
);
CREATE UNIQUE INDEX targets_rep_period ON targets (rep, period) WHERE deleted_at IS NULL;

-- DESIGN §3.9: every change, field by field. No foreign keys: the log
-- outlives the records it describes.
CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL CHECK (datetime(at) IS NOT NULL),
    who TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'restore', 'purge', 'erase', 'demo')),
    field TEXT,
    old TEXT,
    new TEXT,
    reason TEXT NOT NULL
);
CREATE INDEX change_log_record ON change_log (record_id, seq);
CREATE INDEX change_log_at ON change_log (at);

-- What the user deleted (the records deleted with it are found by deleted_with).
CREATE TABLE trash (
    record_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    deleted_at TEXT NOT NULL CHECK (datetime(deleted_at) IS NOT NULL),
    deleted_by TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX trash_deleted_at ON trash (deleted_at);

-- Small facts about the file: when it was last backed up, what filled it.
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

-- Substring search of three or more characters (CJK included).
CREATE VIRTUAL TABLE accounts_fts USING fts5 (name, short_name, content = 'accounts', content_rowid = 'rowid', tokenize = 'trigram');
CREATE TRIGGER accounts_fts_insert AFTER INSERT ON accounts BEGIN
    INSERT INTO accounts_fts (rowid, name, short_name) VALUES (new.rowid, new.name, new.short_name);
END;
CREATE TRIGGER accounts_fts_delete AFTER DELETE ON accounts BEGIN
    INSERT INTO accounts_fts (accounts_fts, rowid, name, short_name) VALUES ('delete', old.rowid, old.name, old.short_name);
END;
CREATE TRIGGER accounts_fts_update AFTER UPDATE OF name, short_name ON accounts BEGIN
    INSERT INTO accounts_fts (accounts_fts, rowid, name, short_name) VALUES ('delete', old.rowid, old.name, old.short_name);
    INSERT INTO accounts_fts (rowid, name, short_name) VALUES (new.rowid, new.name, new.short_name);
END;

CREATE VIRTUAL TABLE contacts_fts USING fts5 (name, title, content = 'contacts', content_rowid = 'rowid', tokenize = 'trigram');
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, title) VALUES (new.rowid, new.name, new.title);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title) VALUES ('delete', old.rowid, old.name, old.title);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, title ON contacts BEGIN
    INSERT INTO contacts_fts (contacts_fts, rowid, name, title) VALUES ('delete', old.rowid, old.name, old.title);
    INSERT INTO contacts_fts (rowid, name, title) VALUES (new.rowid, new.name, new.title);
END;
"#;

/// Version 2: a commitment of a done call is ticked off when done (the
/// Today tab lists the open ones); a VIP card has a next-contact date (the
/// Today tab lists the cards due).
const V2: &str = r"
ALTER TABLE call_plan_commitments ADD COLUMN done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1));
ALTER TABLE vip_cards ADD COLUMN next_contact TEXT CHECK (date(next_contact) IS next_contact);
CREATE INDEX vip_cards_next_contact ON vip_cards (next_contact) WHERE deleted_at IS NULL AND next_contact IS NOT NULL;
";

/// Version 3: finding a VIP card as the counter types reads a narrow
/// index instead of the wide cards: the searched texts in one lower-cased
/// column (computed by SQLite, so every card has it at once), kept in an
/// index in the list's order with the phone digits.
const V3: &str = r"
ALTER TABLE vip_cards ADD COLUMN find_text TEXT GENERATED ALWAYS AS (lower(
    py_initials || char(31) || py_full || char(31) || salutation || char(31) || vehicle || char(31)
    || accessories || char(31) || industry)) VIRTUAL;
CREATE INDEX vip_cards_find ON vip_cards (visit_date DESC, visit_time DESC, id, phone_digits, find_text)
    WHERE deleted_at IS NULL;
";

/// The evaluation's true inputs: the rep an order is credited to (filled
/// with each account's owner for the orders already booked), and since when
/// a customer has bought from us.
const V4: &str = r"
ALTER TABLE orders ADD COLUMN rep TEXT NOT NULL DEFAULT '';
UPDATE orders SET rep = coalesce((SELECT a.owner FROM accounts a WHERE a.id = orders.account_id), '');
CREATE INDEX orders_rep_date ON orders (rep, date) WHERE deleted_at IS NULL;
ALTER TABLE accounts ADD COLUMN customer_since TEXT
    CHECK (customer_since IS NULL OR date(customer_since) IS customer_since);
";

/// Version 5: who entered a rep's ability and attitude scores, and when
/// (a rep scoring themselves is a self-assessment, not the supervisor's).
const V5: &str = r"
ALTER TABLE targets ADD COLUMN scored_by TEXT NOT NULL DEFAULT '';
ALTER TABLE targets ADD COLUMN scored_on TEXT CHECK (scored_on IS NULL OR date(scored_on) IS scored_on);
";

/// Version 6: a visit's time of day (a done call's visit is logged at the
/// call plan's own date and time).
const V6: &str = r"
ALTER TABLE visits ADD COLUMN time TEXT
    CHECK (time IS NULL OR (length(time) = 5 AND time(time || ':00') IS time || ':00'));
ALTER TABLE call_plans ADD COLUMN prep_state INTEGER NOT NULL DEFAULT 0 CHECK (prep_state IN (0, 1));
ALTER TABLE call_plans ADD COLUMN prep_appearance INTEGER NOT NULL DEFAULT 0 CHECK (prep_appearance IN (0, 1));
ALTER TABLE call_plans ADD COLUMN prep_notebook INTEGER NOT NULL DEFAULT 0 CHECK (prep_notebook IN (0, 1));
ALTER TABLE call_plans ADD COLUMN prep_value_answer INTEGER NOT NULL DEFAULT 0 CHECK (prep_value_answer IN (0, 1));
ALTER TABLE call_plans ADD COLUMN prep_different_answer INTEGER NOT NULL DEFAULT 0 CHECK (prep_different_answer IN (0, 1));
";

/// Version 7 (issue #21): the people erased (`kam erase`), ids only, so
/// that a restored backup or a merged export folder erases them again; and
/// the change log also records exports and prints (its CHECK of actions
/// can only change by copying the table, with its rows and `seq` kept).
const V7: &str = r"
CREATE TABLE erasures (
    record_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('contact', 'vip_card')),
    erased_at TEXT NOT NULL CHECK (datetime(erased_at) IS NOT NULL)
) WITHOUT ROWID;
CREATE TABLE change_log_v7 (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL CHECK (datetime(at) IS NOT NULL),
    who TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete', 'restore', 'purge', 'erase', 'demo', 'export', 'print')),
    field TEXT,
    old TEXT,
    new TEXT,
    reason TEXT NOT NULL
);
INSERT INTO change_log_v7 (seq, at, who, kind, record_id, action, field, old, new, reason)
    SELECT seq, at, who, kind, record_id, action, field, old, new, reason FROM change_log;
DROP TABLE change_log;
ALTER TABLE change_log_v7 RENAME TO change_log;
CREATE INDEX change_log_record ON change_log (record_id, seq);
CREATE INDEX change_log_at ON change_log (at);
";

/// Version 8 (issue #20): a clock per field, so that a merge takes each
/// field from the side that changed it last instead of the whole record
/// from the side that saved last. `at` is when the field's value was set
/// (a hybrid logical clock: never earlier than any clock this file has
/// seen), `who` by whom, and `base` the clock of the value it replaced
/// (NULL: the value the record was created with). A field with no row
/// still has the value it was created with. Seeded from the change log's
/// field updates, which hold the same facts.
const V8: &str = r"
CREATE TABLE field_clocks (
    record_id TEXT NOT NULL,
    field TEXT NOT NULL,
    at TEXT NOT NULL CHECK (datetime(at) IS NOT NULL),
    who TEXT NOT NULL,
    base TEXT CHECK (base IS NULL OR datetime(base) IS NOT NULL),
    PRIMARY KEY (record_id, field)
) WITHOUT ROWID;
CREATE INDEX field_clocks_at ON field_clocks (at);
INSERT INTO field_clocks (record_id, field, at, who, base)
    SELECT record_id, field, at, who, base FROM (
        SELECT record_id, field, at, who,
            lag(at) OVER (PARTITION BY record_id, field ORDER BY seq) AS base,
            row_number() OVER (PARTITION BY record_id, field ORDER BY seq DESC) AS newest
        FROM change_log WHERE action = 'update' AND field IS NOT NULL AND datetime(at) IS NOT NULL
    ) WHERE newest = 1;
";

/// Version 9 (issue #20): deletions travel with the day-end folders. A
/// deletion merged for a record this file has not seen (yet) is kept as a
/// tombstone, so that the record arriving later from an older folder does
/// not come back: merging folders gives the same file in any order. `seen`
/// is the newest change of the record the deleting side had when it
/// deleted it (NULL: none known); purged with the trash after 30 days.
const V9: &str = r"
CREATE TABLE tombstones (
    record_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    deleted_at TEXT NOT NULL CHECK (datetime(deleted_at) IS NOT NULL),
    deleted_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    seen TEXT CHECK (seen IS NULL OR datetime(seen) IS NOT NULL)
) WITHOUT ROWID;
";

/// Version 10 (issue #23): the sync with the head office's hub. `hub_state`
/// is the one hub this file syncs with (its id; a file that meets another
/// hub starts over), the change number pulled up to, and when it last
/// pushed and pulled. `hub_outbox` is the queue of operations waiting to
/// be pushed, each with the id the hub knows it by, kept until the hub has
/// taken it. `hub_seen` is the version of each record as the hub last had
/// it, and whether it was in the trash: a record whose version or trash
/// state differs has local changes to push.
const V10: &str = r"
CREATE TABLE hub_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    hub_id TEXT NOT NULL CHECK (length(hub_id) = 36),
    pull_cursor INTEGER NOT NULL DEFAULT 0 CHECK (pull_cursor >= 0),
    last_push TEXT CHECK (last_push IS NULL OR datetime(last_push) IS NOT NULL),
    last_pull TEXT CHECK (last_pull IS NULL OR datetime(last_pull) IS NOT NULL)
);
CREATE TABLE hub_outbox (
    seq INTEGER PRIMARY KEY,
    op_id TEXT NOT NULL UNIQUE CHECK (length(op_id) = 36),
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body)),
    staged_at TEXT NOT NULL CHECK (datetime(staged_at) IS NOT NULL)
);
CREATE INDEX hub_outbox_record ON hub_outbox (record_id);
CREATE TABLE hub_seen (
    record_id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) WITHOUT ROWID;
";

/// Version 11 (issue #23): the hub's masked ownership index, so that the
/// duplicate guard knows offline when a colleague holds a company (撞单).
/// One row per account at the hub that this file may not hold: the digests
/// of its normalised name and phone digits (salted with the hub's id; ""
/// for nothing to match on) and its owner, nothing of the company itself;
/// `owners_cursor` is the hub's change number the index is read up to.
const V11: &str = r"
CREATE TABLE hub_owners (
    account_id TEXT PRIMARY KEY NOT NULL,
    name_key TEXT NOT NULL,
    phone_key TEXT NOT NULL,
    owner TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX hub_owners_name ON hub_owners (name_key);
CREATE INDEX hub_owners_phone ON hub_owners (phone_key);
ALTER TABLE hub_state ADD COLUMN owners_cursor INTEGER NOT NULL DEFAULT 0 CHECK (owners_cursor >= 0);
";

/// Version 12: whom a visit's findings were passed on to (the departments
/// and people told, seed 004's 拜访制度).
const V12: &str = r"
ALTER TABLE visits ADD COLUMN informed TEXT NOT NULL DEFAULT '';
";

/// The migrations, oldest first. Append; never edit a published one.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(V1),
        M::up(V2),
        M::up(V3),
        M::up(V4),
        M::up(V5),
        M::up(V6),
        M::up(V7),
        M::up(V8),
        M::up(V9),
        M::up(V10),
        M::up(V11),
        M::up(V12),
    ])
}

/// The schema version this program writes.
pub const LATEST: u32 = 12;

/// Every table a kam file has, to tell a kam file from another SQLite file.
pub const KAM_TABLE: &str = "accounts";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid_and_keep_v1_rows() {
        assert!(migrations().validate().is_ok());
        let dir = tempfile::tempdir().expect("tmp");
        let mut conn = rusqlite::Connection::open(dir.path().join("v1.db")).expect("open");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
        migrations().to_version(&mut conn, 1).expect("v1");
        let id = "00000000-0000-4000-8000-000000000001";
        conn.execute(
            "INSERT INTO vip_cards VALUES (?1, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'a', NULL, NULL,
             's', 'a', '2026-01-01', NULL, '', '王先生', '', '', '', '', '', '', '', '', '', '', '', '', '',
             'prospect', NULL, 0, NULL, '', '', '')",
            [id],
        )
        .expect("a v1 card");
        migrations().to_latest(&mut conn).expect("v2");
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(version, LATEST);
        conn.execute_batch("SELECT done FROM call_plan_commitments; SELECT next_contact FROM vip_cards;")
            .expect("columns");
        conn.execute_batch("SELECT time FROM visits;").expect("the v6 visit time");
        conn.execute_batch("SELECT record_id, kind, erased_at FROM erasures;").expect("the v7 erasures");
        let find: String = conn.query_row("SELECT find_text FROM vip_cards", [], |r| r.get(0)).expect("v3 column");
        assert!(find.contains("王先生"), "the v1 card is found at once: {find:?}");
        let bad = conn.execute("UPDATE vip_cards SET next_contact = '2026-02-30'", []);
        assert!(bad.is_err(), "an impossible date is refused by the column check");
        let kept: Option<String> =
            conn.query_row("SELECT next_contact FROM vip_cards WHERE id = ?1", [id], |r| r.get(0)).expect("kept");
        assert_eq!(kept, None);
    }
}
