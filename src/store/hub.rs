//! The head office's hub on PostgreSQL (issue #23, DESIGN §7): the only
//! place kam speaks PostgreSQL's SQL, as the rest of this module is the only
//! place it speaks SQLite's.
//!
//! The hub holds one row per record (`kam.records`: kind, id, the account,
//! owner and store that decide who may see it, the fields as jsonb, a clock
//! per field as jsonb, a version and a change number), the operations it
//! has applied (`kam.operations`, keyed by the operation's id, so a push
//! retried after a lost answer applies once) and its users. Each change
//! takes the next value of `kam.change_seq`; a client pulls what changed
//! after the number it saw last. Pushes take that number under one
//! transaction-wide advisory lock, so changes commit in the order of their
//! numbers and a pull never steps over one that commits later.
//!
//! Who may read and write what is PostgreSQL's to enforce: each kam user is
//! a login role in the group `kam_user`, and row-level security lets a rep
//! reach the accounts they own, those shared with them and those of their
//! territories, with everything of those accounts (and their own targets),
//! store staff the VIP cards of their store, managers everything. Managers
//! are in `kam_manager` too, which alone may write the share lists and the
//! territories and decide on a rep's archive edits and account deletions,
//! which a rep's push files as requests (`kam.pending`) instead of applying.

use std::fmt::Write as _;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use postgres::error::SqlState;
use postgres::{Client, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::record::{newer, FieldClock, RecordKind};

/// The hub schema this kam writes.
pub const HUB_SCHEMA_VERSION: i32 = 5;

/// The group every kam user's login role is in; the grants are its.
const USER_GROUP: &str = "kam_user";

/// The group managers' login roles are in as well (schema version 2 on):
/// what only managers may write (the share lists) is granted to it alone,
/// so the database itself refuses a rep.
const MANAGER_GROUP: &str = "kam_manager";

/// The advisory lock pushes hold while they number their changes
/// (an arbitrary constant, "kam" in ASCII).
const PUSH_LOCK: i64 = 0x006b_616d;

/// The hub's schema, as versioned migrations, oldest first. Append; never
/// edit a published one.
const MIGRATIONS: [&str; 5] = [
    r"
CREATE TABLE kam.hub (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE kam.users (
    name text PRIMARY KEY CHECK (btrim(name) <> ''),
    pg_role name NOT NULL UNIQUE,
    role text NOT NULL CHECK (role IN ('rep', 'staff', 'manager')),
    store text CHECK (role <> 'staff' OR btrim(coalesce(store, '')) <> ''),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE SEQUENCE kam.change_seq;
CREATE TABLE kam.records (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('account', 'contact', 'order', 'visit', 'change_event', 'feedback',
        'call_plan', 'presentation', 'vip_card', 'target')),
    account_id uuid,
    owner text,
    store text,
    fields jsonb NOT NULL,
    clocks jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by text NOT NULL,
    deleted_at timestamptz,
    version bigint NOT NULL CHECK (version >= 1),
    seq bigint NOT NULL
);
CREATE INDEX records_seq ON kam.records (seq);
CREATE INDEX records_account ON kam.records (account_id);
CREATE INDEX records_owner ON kam.records (owner, kind);
CREATE TABLE kam.operations (
    op_id uuid PRIMARY KEY,
    pg_role name NOT NULL DEFAULT current_user,
    record_id uuid NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- Whether the login role `who` may reach a record: the policy's test,
-- run with the hub owner's rights so that it can read the users and a
-- child's account whatever the caller may see.
CREATE FUNCTION kam.may_access(who name, k text, o text, s text, acc uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((
        SELECT CASE u.role
            WHEN 'manager' THEN true
            WHEN 'rep' THEN (k IN ('account', 'target') AND o = u.name)
                OR (acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.records a WHERE a.id = acc AND a.kind = 'account' AND a.owner = u.name))
            WHEN 'staff' THEN k = 'vip_card' AND s = u.store
            ELSE false
        END
        FROM kam.users u WHERE u.pg_role = who), false)
$$;
REVOKE ALL ON FUNCTION kam.may_access(name, text, text, text, uuid) FROM PUBLIC;

ALTER TABLE kam.records ENABLE ROW LEVEL SECURITY;
CREATE POLICY records_access ON kam.records
    USING (kam.may_access(current_user, kind, owner, store, account_id))
    WITH CHECK (kam.may_access(current_user, kind, owner, store, account_id));
ALTER TABLE kam.operations ENABLE ROW LEVEL SECURITY;
CREATE POLICY operations_own ON kam.operations
    USING (pg_role = current_user) WITH CHECK (pg_role = current_user);

GRANT USAGE ON SCHEMA kam TO kam_user;
GRANT SELECT ON kam.hub, kam.schema_version TO kam_user;
GRANT SELECT, INSERT, UPDATE ON kam.records TO kam_user;
GRANT SELECT, INSERT ON kam.operations TO kam_user;
GRANT USAGE ON SEQUENCE kam.change_seq TO kam_user;
GRANT EXECUTE ON FUNCTION kam.may_access(name, text, text, text, uuid) TO kam_user;
",
    r"
-- Version 2: share lists. A manager (or the hub's owner) shares an account
-- with a rep, who then reaches it and everything of it as its owner does.
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kam_manager') THEN
        CREATE ROLE kam_manager NOLOGIN;
    END IF;
END $$;
DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT pg_role FROM kam.users WHERE role = 'manager' LOOP
        EXECUTE format('GRANT kam_manager TO %I', r.pg_role);
    END LOOP;
END $$;

-- The kam user a login role is (NULL: not a kam user, e.g. the hub's owner).
CREATE FUNCTION kam.user_name(who name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT name FROM kam.users WHERE pg_role = who
$$;
REVOKE ALL ON FUNCTION kam.user_name(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kam.user_name(name) TO kam_user;

CREATE TABLE kam.shares (
    account_id uuid NOT NULL REFERENCES kam.records (id) ON DELETE CASCADE,
    user_name text NOT NULL REFERENCES kam.users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    shared_by text NOT NULL DEFAULT coalesce(kam.user_name(current_user), current_user::text),
    shared_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, user_name)
);
CREATE INDEX shares_user ON kam.shares (user_name, account_id);

-- A rep also reaches the accounts shared with them and every record of
-- those accounts. The policy passes an account's own id as `acc` (a
-- child's is its account's); only a child is reached through its
-- account's owner, so the owner test of an account stays its own column.
CREATE OR REPLACE FUNCTION kam.may_access(who name, k text, o text, s text, acc uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((
        SELECT CASE u.role
            WHEN 'manager' THEN true
            WHEN 'rep' THEN (k IN ('account', 'target') AND o = u.name)
                OR (k <> 'account' AND acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.records a WHERE a.id = acc AND a.kind = 'account' AND a.owner = u.name))
                OR (k <> 'target' AND acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.shares sh WHERE sh.account_id = acc AND sh.user_name = u.name))
            WHEN 'staff' THEN k = 'vip_card' AND s = u.store
            ELSE false
        END
        FROM kam.users u WHERE u.pg_role = who), false)
$$;
ALTER POLICY records_access ON kam.records
    USING (kam.may_access(current_user, kind, owner, store, CASE WHEN kind = 'account' THEN id ELSE account_id END))
    WITH CHECK (kam.may_access(current_user, kind, owner, store, CASE WHEN kind = 'account' THEN id ELSE account_id END));

-- Only managers write the share lists (a grant: the database refuses a
-- rep outright); a rep reads the shares made to them and of their accounts.
ALTER TABLE kam.shares ENABLE ROW LEVEL SECURITY;
CREATE POLICY shares_manage ON kam.shares TO kam_manager USING (true) WITH CHECK (true);
CREATE POLICY shares_read ON kam.shares FOR SELECT TO kam_user
    USING (user_name = kam.user_name(current_user)
        OR EXISTS (SELECT 1 FROM kam.records a
            WHERE a.id = shares.account_id AND a.owner = kam.user_name(current_user)));
GRANT SELECT ON kam.shares TO kam_user;
GRANT INSERT, DELETE ON kam.shares TO kam_manager;
GRANT SELECT (name, role) ON kam.users TO kam_manager;
",
    r"
-- Version 3: a rep's archive edits and account deletions wait for a
-- manager. A push keeps them here instead of applying them; a manager
-- approves (the change is applied as a push would apply it) or rejects.
CREATE FUNCTION kam.user_role(who name) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT role FROM kam.users WHERE pg_role = who
$$;
REVOKE ALL ON FUNCTION kam.user_role(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kam.user_role(name) TO kam_user;

CREATE TABLE kam.pending (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    op_id uuid NOT NULL,
    record_id uuid NOT NULL REFERENCES kam.records (id) ON DELETE CASCADE,
    kind text NOT NULL,
    field text NOT NULL CHECK (field IN ('archive', 'deleted')),
    value jsonb,
    clock jsonb NOT NULL,
    reason text NOT NULL DEFAULT '',
    requested_by text NOT NULL DEFAULT coalesce(kam.user_name(current_user), current_user::text),
    pg_role name NOT NULL DEFAULT current_user,
    requested_at timestamptz NOT NULL DEFAULT now(),
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by text,
    decided_at timestamptz,
    decision text NOT NULL DEFAULT '',
    told boolean NOT NULL DEFAULT false
);
CREATE INDEX pending_open ON kam.pending (record_id) WHERE state = 'pending';
CREATE INDEX pending_role ON kam.pending (pg_role, state);

-- A rep files requests (their push does) and reads their own; they may
-- only mark a decision as told. Deciding is the managers' alone (a grant:
-- the database refuses a rep outright).
ALTER TABLE kam.pending ENABLE ROW LEVEL SECURITY;
CREATE POLICY pending_manage ON kam.pending TO kam_manager USING (true) WITH CHECK (true);
CREATE POLICY pending_read ON kam.pending FOR SELECT TO kam_user USING (pg_role = current_user);
CREATE POLICY pending_request ON kam.pending FOR INSERT TO kam_user
    WITH CHECK (pg_role = current_user AND state = 'pending' AND decided_by IS NULL AND NOT told);
CREATE POLICY pending_told ON kam.pending FOR UPDATE TO kam_user
    USING (pg_role = current_user) WITH CHECK (pg_role = current_user);
GRANT SELECT ON kam.pending TO kam_user;
GRANT INSERT (op_id, record_id, kind, field, value, clock, reason) ON kam.pending TO kam_user;
GRANT UPDATE (told) ON kam.pending TO kam_user;
GRANT UPDATE ON kam.pending TO kam_manager;
",
    r"
-- Version 4: territories. A manager gives a rep a region; the rep reaches
-- every account whose region it is, with everything of it.
CREATE TABLE kam.territories (
    user_name text NOT NULL REFERENCES kam.users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    region text NOT NULL CHECK (btrim(region) <> ''),
    assigned_by text NOT NULL DEFAULT coalesce(kam.user_name(current_user), current_user::text),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_name, region)
);
CREATE INDEX records_region ON kam.records ((fields ->> 'region')) WHERE kind = 'account';

CREATE OR REPLACE FUNCTION kam.may_access(who name, k text, o text, s text, acc uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((
        SELECT CASE u.role
            WHEN 'manager' THEN true
            WHEN 'rep' THEN (k IN ('account', 'target') AND o = u.name)
                OR (k <> 'account' AND acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.records a WHERE a.id = acc AND a.kind = 'account' AND a.owner = u.name))
                OR (k <> 'target' AND acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.shares sh WHERE sh.account_id = acc AND sh.user_name = u.name))
                OR (k <> 'target' AND acc IS NOT NULL AND EXISTS (
                    SELECT 1 FROM kam.records a JOIN kam.territories t ON t.region = a.fields ->> 'region'
                    WHERE a.id = acc AND a.kind = 'account' AND t.user_name = u.name))
            WHEN 'staff' THEN k = 'vip_card' AND s = u.store
            ELSE false
        END
        FROM kam.users u WHERE u.pg_role = who), false)
$$;

ALTER TABLE kam.territories ENABLE ROW LEVEL SECURITY;
CREATE POLICY territories_manage ON kam.territories TO kam_manager USING (true) WITH CHECK (true);
CREATE POLICY territories_read ON kam.territories FOR SELECT TO kam_user
    USING (user_name = kam.user_name(current_user));
GRANT SELECT ON kam.territories TO kam_user;
GRANT INSERT, DELETE ON kam.territories TO kam_manager;
",
    r"
-- Version 5: the masked ownership index (撞单 known offline). Each account
-- keeps the digests of its normalised name and phone digits (salted with
-- the hub's id; kam computes them as it writes the account), and every
-- kam user may read, through the function below and nothing else, each
-- account's id, digests and owner: enough for a laptop to tell that a
-- colleague holds a company, nothing of the company itself.
ALTER TABLE kam.records ADD COLUMN name_key text, ADD COLUMN phone_key text;
CREATE FUNCTION kam.ownership_index(after bigint, lim integer)
RETURNS TABLE (seq bigint, account_id uuid, name_key text, phone_key text, owner text, live boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT r.seq, r.id, coalesce(r.name_key, ''), coalesce(r.phone_key, ''), coalesce(r.owner, ''),
        r.deleted_at IS NULL
    FROM kam.records r WHERE r.kind = 'account' AND r.seq > after ORDER BY r.seq LIMIT lim
$$;
REVOKE ALL ON FUNCTION kam.ownership_index(bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kam.ownership_index(bigint, integer) TO kam_user;

-- Who owns an account is changed by its owner or a manager, never by a
-- rep it is shared with or who reaches it through a territory.
CREATE FUNCTION kam.guard_owner() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.kind = 'account' AND NEW.owner IS DISTINCT FROM OLD.owner
        AND kam.user_role(current_user) = 'rep'
        AND OLD.owner IS DISTINCT FROM kam.user_name(current_user) THEN
        RAISE EXCEPTION 'only the owner of an account or a manager changes its owner'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER records_guard_owner BEFORE UPDATE OF owner ON kam.records
    FOR EACH ROW EXECUTE FUNCTION kam.guard_owner();

-- A rep who restores an account whose deletion waits withdraws the
-- request: their push calls this (a rep may not write a request's state
-- otherwise). Only the caller's own requests, only still pending, only
-- those made before the restore.
ALTER TABLE kam.pending DROP CONSTRAINT pending_state_check;
ALTER TABLE kam.pending ADD CONSTRAINT pending_state_check
    CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn'));
CREATE FUNCTION kam.withdraw_deletion(rec uuid, restored timestamptz) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH w AS (
        UPDATE kam.pending SET state = 'withdrawn', decided_by = requested_by, decided_at = now(), told = true
        WHERE record_id = rec AND field = 'deleted' AND state = 'pending' AND pg_role = session_user
            AND (clock ->> 'at')::timestamptz < restored
        RETURNING 1)
    SELECT count(*)::integer FROM w
$$;
REVOKE ALL ON FUNCTION kam.withdraw_deletion(uuid, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION kam.withdraw_deletion(uuid, timestamptz) TO kam_user;
",
];

/// What went wrong talking to the hub.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The connection string cannot be read.
    #[error("the hub's connection string cannot be read: {0}")]
    BadUrl(String),
    /// No answer: offline, the server down, a wrong host or port.
    #[error("{hub}: no connection to the hub ({detail})")]
    Unreachable { hub: String, detail: String },
    /// The hub took the connection and did not answer within the connect
    /// timeout (`connect_timeout` in the connection string, 10 s by default).
    #[error("{hub}: the hub took the connection but did not answer within {secs} s")]
    NoAnswer { hub: String, secs: u64 },
    /// The hub answered but refused the login (user or password).
    #[error("{hub}: the hub refused the login ({detail})")]
    Login { hub: String, detail: String },
    /// The database refused an action for want of rights (a role, a row
    /// the user may not reach).
    #[error("{hub}: not allowed: {detail}")]
    Denied { hub: String, detail: String },
    /// The database holds no kam hub schema.
    #[error("{hub}: there is no kam hub in this database (kam hub init creates it)")]
    NotInitialised { hub: String },
    /// The hub was made by a newer kam.
    #[error("{hub}: the hub's schema is version {found}, this kam knows {supported}: update kam")]
    TooNew { hub: String, found: i32, supported: i32 },
    /// The hub was made by an older kam and not brought up to date yet.
    #[error(
        "{hub}: the hub's schema is version {found}, this kam needs {supported}: kam hub init brings it up to date"
    )]
    TooOld { hub: String, found: i32, supported: i32 },
    /// No kam user of that name at the hub.
    #[error("{hub}: there is no user '{name}' at the hub (kam hub add-user adds one)")]
    NoSuchUser { hub: String, name: String },
    /// No account of that id at the hub (`kind`: the id is a record of another kind).
    #[error("{hub}: there is no account {id} at the hub{}", kind.as_ref().map(|k| format!(" (it is a {k})")).unwrap_or_default())]
    NoSuchAccount { hub: String, id: String, kind: Option<String> },
    /// Shares are for reps: the user is a manager (who sees everything) or store staff.
    #[error("{hub}: '{name}' is a {role}, not a rep: only reps get accounts shared with them")]
    NotARep { hub: String, name: String, role: String },
    /// An unshare of an account that is not shared with the user.
    #[error("{hub}: account {id} is not shared with '{name}'")]
    NoSuchShare { hub: String, id: String, name: String },
    /// A region that is not the user's territory.
    #[error("{hub}: '{region}' is not a territory of '{name}'")]
    NoSuchTerritory { hub: String, name: String, region: String },
    /// No request for approval has that id.
    #[error("{hub}: there is no request {id} at the hub")]
    NoSuchRequest { hub: String, id: String },
    /// The request was approved or rejected already.
    #[error("{hub}: request {id} was {state} already")]
    AlreadyDecided { hub: String, id: String, state: String },
    /// Anything else the server said.
    #[error("{hub}: {context}: {detail}")]
    Sql { hub: String, context: String, detail: String },
    /// TLS stopped the connection: the hub's certificate is not trusted or
    /// not for this host, the hub offers no TLS, or it wants TLS and the
    /// connection string said `sslmode=disable`.
    #[error("{hub}: {problem} ({detail})")]
    Tls { hub: String, problem: TlsProblem, detail: String },
    /// The CA certificate file named by `sslrootcert` cannot be used.
    #[error("the CA certificate file {path} (sslrootcert in the hub's connection string) {problem}")]
    CaFile { path: String, problem: CaFileProblem },
}

/// What TLS found wrong when connecting to the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TlsProblem {
    /// The certificate does not chain to a CA kam trusts (the public roots
    /// compiled in, or the `sslrootcert` file).
    #[error("the hub's certificate is not signed by a CA kam trusts: give the company's CA with sslrootcert=/path/to/ca.crt")]
    Untrusted,
    /// The certificate is not made out to the host kam connected to.
    #[error("the hub's certificate is not made out to the host name in the connection string")]
    WrongHost,
    /// The certificate has expired or is not valid yet.
    #[error("the hub's certificate is out of its dates: expired, or this computer's clock is wrong")]
    Expired,
    /// `sslmode=require` and the server offers no TLS.
    #[error("the hub offers no TLS and the connection string requires it (sslmode=require)")]
    NotOffered,
    /// `sslmode=disable` and the server refused a connection without TLS.
    #[error("the hub refused a connection without TLS (sslmode=disable)")]
    PlainRefused,
    /// Anything else in the TLS handshake.
    #[error("TLS with the hub failed")]
    Failed,
}

/// Why the `sslrootcert` file cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CaFileProblem {
    #[error("does not exist")]
    Missing,
    #[error("cannot be read: {0}")]
    Unreadable(String),
    /// No PEM certificate in it (`-----BEGIN CERTIFICATE-----`).
    #[error("holds no certificate (PEM)")]
    NoCertificate,
    /// A certificate in it that cannot be decoded.
    #[error("holds a certificate that cannot be read: {0}")]
    Invalid(String),
}

/// A connection to the hub, and how it reads to a person (never with the password).
pub struct Hub {
    client: Client,
    shown: String,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("shown", &self.shown).finish_non_exhaustive()
    }
}

/// A role a kam user has at the hub.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HubRole {
    Rep,
    Staff,
    Manager,
}

impl HubRole {
    /// The role a key names (`None`: not a kam role).
    pub fn parse_key(s: &str) -> Option<Self> {
        [Self::Rep, Self::Staff, Self::Manager].into_iter().find(|r| r.key() == s)
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Rep => "rep",
            Self::Staff => "staff",
            Self::Manager => "manager",
        }
    }
}

/// A user added to the hub: their login role and the connection string
/// they put in their config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub pg_role: String,
    pub url: String,
}

/// An account shared with a rep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub account_id: String,
    /// The account's name ("" when this connection cannot read it).
    pub account: String,
    pub user: String,
    pub shared_by: String,
    pub shared_at: DateTime<Utc>,
}

/// A field's clock as the hub keeps it (jsonb).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockJson {
    pub at: DateTime<Utc>,
    pub who: String,
    #[serde(default)]
    pub base: Option<DateTime<Utc>>,
}

impl From<&FieldClock> for ClockJson {
    fn from(c: &FieldClock) -> Self {
        Self { at: c.at, who: c.who.clone(), base: c.base }
    }
}

impl From<ClockJson> for FieldClock {
    fn from(c: ClockJson) -> Self {
        Self { at: c.at, who: c.who, base: c.base }
    }
}

/// One record as a push sends it: every field's value and every field's
/// clock (a field without one still has the value it was created with).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordBody {
    pub kind: String,
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub fields: Map<String, Json>,
    pub clocks: Map<String, Json>,
    /// When it was moved to the trash (`None`: live).
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The reason given when it was moved to the trash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A queued operation: its id (the same on every retry) and the record.
#[derive(Clone, Debug)]
pub struct PushOp {
    pub op_id: uuid::Uuid,
    pub body: RecordBody,
}

/// Why the database refused an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Row-level security or a grant: the record is outside what this user
    /// may reach (not their account, not shared with them, not in their
    /// territory), said in the user's language.
    NoAccess,
    /// Anything else, in the server's words.
    Other(String),
}

/// What the hub did with one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// A record new to the hub.
    Inserted,
    /// Some fields were newer than the hub's and were taken.
    Updated,
    /// Nothing of it was newer than what the hub holds.
    Same,
    /// The hub had applied this operation already (a retried push).
    Already,
    /// The database refused it: this user may not write that record.
    Refused(Refusal),
    /// A rep's archive edit or account deletion: it waits for a manager's
    /// approval (the rest of the operation, if anything, was applied).
    Pending,
    /// The account was restored after the rep's deletion of it: the
    /// request that waited is withdrawn (nothing else of it changed).
    Withdrawn,
}

/// What a request for approval changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// A new value of an account's archive.
    Archive,
    /// The account's deletion (its contacts, orders … with it).
    Delete,
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Approved,
    Rejected,
    /// The rep restored the account before a manager decided.
    Withdrawn,
}

impl RequestState {
    /// The state a key names (`pending` for any other).
    pub fn parse_key(s: &str) -> Self {
        match s {
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            "withdrawn" => Self::Withdrawn,
            _ => Self::Pending,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Withdrawn => "withdrawn",
        }
    }
}

/// A rep's change kept at the hub until a manager decides on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub id: String,
    pub record_id: String,
    /// The account's name ("" when this connection cannot read it).
    pub account: String,
    pub what: RequestKind,
    /// The new archive (a list of entries); `None` for a deletion.
    pub value: Option<Json>,
    /// The rep's reason for a deletion ("" for none).
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub state: RequestState,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The manager's reason for a rejection.
    pub decision: String,
}

/// What the hub holds of a user's own requests: how many wait, and the
/// decisions not yet told to them (each is told once).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MyRequests {
    pub waiting: u64,
    pub decided: Vec<Request>,
}

/// A record as a pull brings it.
#[derive(Clone, Debug, PartialEq)]
pub struct Pulled {
    pub seq: i64,
    pub kind: String,
    pub id: String,
    pub fields: Map<String, Json>,
    pub clocks: Map<String, Json>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    pub version: i64,
    /// When it was moved to the trash at the hub (`None`: live).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// One account in the ownership index: who holds which company, known by
/// the digests of its name and phone ([`company_index_keys`]), nothing else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldAccount {
    /// The account's change number at the hub (the index's cursor).
    pub seq: i64,
    pub account_id: String,
    /// "" when the name leaves nothing to match on.
    pub name_key: String,
    /// "" when the phone has too few digits to match on.
    pub phone_key: String,
    pub owner: String,
    /// False once the account is in the trash at the hub.
    pub live: bool,
}

/// The host, port and database of a connection string: how a hub is named
/// in messages (never its password).
pub fn shown(url: &str) -> String {
    match postgres::Config::from_str(&ConnString::parse(url).rest) {
        Ok(c) => {
            let host = c
                .get_hosts()
                .first()
                .map(|h| match h {
                    postgres::config::Host::Tcp(t) => t.clone(),
                    postgres::config::Host::Unix(p) => p.display().to_string(),
                })
                .unwrap_or_default();
            let port = c.get_ports().first().copied().unwrap_or(5432);
            format!("{host}:{port}/{}", c.get_dbname().unwrap_or(""))
        }
        Err(_) => "?".to_string(),
    }
}

/// A lost or refused connection (the network, the server gone), as against
/// an answer of the server's.
fn is_connection_error(e: &postgres::Error) -> bool {
    // Class 08 is a connection exception; 57P01-57P03 the server shutting
    // down or ending this session.
    let gone = e.code().is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"));
    gone || e.is_closed() || std::error::Error::source(e).is_some_and(<dyn std::error::Error>::is::<std::io::Error>)
}

/// A connection string as kam reads it: libpq's `sslrootcert` (the CA file
/// the hub's certificate must chain to), which tokio-postgres refuses as an
/// unknown option, taken out, and libpq's `sslmode=verify-ca` and
/// `verify-full`, which it does not know, read as `require` (kam verifies
/// the chain and the host name whenever it uses TLS). The rest goes to
/// tokio-postgres as it was written.
#[derive(Debug, PartialEq, Eq)]
struct ConnString {
    rest: String,
    root_cert: Option<String>,
    /// The sslmode as written when it was `verify-ca` or `verify-full`.
    verify: Option<&'static str>,
}

impl ConnString {
    fn parse(url: &str) -> Self {
        if let Some(after) = url.strip_prefix("postgresql://").or_else(|| url.strip_prefix("postgres://")) {
            Self::parse_url(url, url.len() - after.len())
        } else {
            Self::parse_key_values(url)
        }
    }

    /// The URL form: the parameters after the `?` that follows the
    /// credentials (as tokio-postgres splits it), `&`-separated, percent-encoded.
    fn parse_url(url: &str, after_scheme: usize) -> Self {
        let tail = &url[after_scheme..];
        let creds = tail.find('@').map_or(0, |i| i + 1);
        let Some(q) = tail[creds..].find('?').map(|i| after_scheme + creds + i) else {
            return Self { rest: url.to_string(), root_cert: None, verify: None };
        };
        let (mut root_cert, mut verify) = (None, None);
        let mut kept: Vec<&str> = Vec::new();
        for pair in url[q + 1..].split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent_decode(key).as_str(), percent_decode(value).as_str()) {
                ("sslrootcert", v) => root_cert = Some(v.to_string()),
                ("sslmode", v) if verify_mode(v).is_some() => {
                    verify = verify_mode(v);
                    kept.push("sslmode=require");
                }
                _ => kept.push(pair),
            }
        }
        let mut rest = url[..q].to_string();
        if !kept.is_empty() {
            rest.push('?');
            rest.push_str(&kept.join("&"));
        }
        Self { rest, root_cert, verify }
    }

    /// The key=value form, read as tokio-postgres reads it (whitespace
    /// around `=`, a value in single quotes or up to the next whitespace,
    /// `\` escaping the next character); the pairs kam takes are cut out
    /// and the rest left byte for byte. Where it cannot be read, the rest
    /// is left for tokio-postgres to tell what is wrong.
    fn parse_key_values(url: &str) -> Self {
        let (mut root_cert, mut verify) = (None, None);
        let mut rest = String::with_capacity(url.len());
        let mut copied = 0;
        let mut it = url.char_indices().peekable();
        loop {
            while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            let Some(&(start, _)) = it.peek() else { break };
            while it.next_if(|(_, c)| !c.is_whitespace() && *c != '=').is_some() {}
            let key_end = it.peek().map_or(url.len(), |(i, _)| *i);
            while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            if it.next_if(|(_, c)| *c == '=').is_none() {
                break;
            }
            while it.next_if(|(_, c)| c.is_whitespace()).is_some() {}
            let mut value = String::new();
            let quoted = it.next_if(|(_, c)| *c == '\'').is_some();
            let mut closed = !quoted;
            while let Some(&(_, c)) = it.peek() {
                if (quoted && c == '\'') || (!quoted && c.is_whitespace()) {
                    break;
                }
                it.next();
                value.push(if c == '\\' { it.next().map_or(c, |(_, n)| n) } else { c });
            }
            if quoted {
                closed = it.next_if(|(_, c)| *c == '\'').is_some();
            }
            if !closed {
                break;
            }
            let end = it.peek().map_or(url.len(), |(i, _)| *i);
            let replacement = match &url[start..key_end] {
                "sslrootcert" => {
                    root_cert = Some(value);
                    Some("")
                }
                "sslmode" if verify_mode(&value).is_some() => {
                    verify = verify_mode(&value);
                    Some("sslmode=require")
                }
                _ => None,
            };
            if let Some(r) = replacement {
                rest.push_str(&url[copied..start]);
                rest.push_str(r);
                copied = end;
            }
        }
        rest.push_str(&url[copied..]);
        Self { rest, root_cert, verify }
    }
}

/// libpq's sslmode values that verify the certificate, which kam reads as `require`.
fn verify_mode(v: &str) -> Option<&'static str> {
    match v {
        "verify-ca" => Some("verify-ca"),
        "verify-full" => Some("verify-full"),
        _ => None,
    }
}

/// `%XX` decoded (a malformed escape is kept as written).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// A rustls client configuration whose only roots are the certificates of
/// the PEM file at `path` (the company's CA).
fn client_config_with_ca(path: &str) -> Result<rustls::ClientConfig, HubError> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let bad = |problem| HubError::CaFile { path: path.to_string(), problem };
    let pem = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => bad(CaFileProblem::Missing),
        _ => bad(CaFileProblem::Unreadable(e.to_string())),
    })?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(CaFileProblem::Invalid(e.to_string())))?;
        roots.add(cert).map_err(|e| bad(CaFileProblem::Invalid(e.to_string())))?;
    }
    if roots.is_empty() {
        return Err(bad(CaFileProblem::NoCertificate));
    }
    Ok(rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth())
}

/// A failed connection in the user's terms: the login, TLS, or no answer.
fn connect_err(shown: &str, mode: postgres::config::SslMode, e: &postgres::Error) -> HubError {
    let hub = shown.to_string();
    if let Some(problem) = tls_problem(e) {
        return HubError::Tls { hub, problem, detail: tls_detail(e) };
    }
    let detail = detail_of(e);
    match e.code() {
        // A server that takes only TLS (`hostssl` lines in pg_hba.conf)
        // refuses a plain connection as it refuses an unknown host.
        Some(c)
            if *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION && mode == postgres::config::SslMode::Disable =>
        {
            HubError::Tls { hub, problem: TlsProblem::PlainRefused, detail }
        }
        Some(c) if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            HubError::Login { hub, detail }
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => HubError::Unreachable { hub, detail },
        Some(_) => HubError::Sql { hub, context: "connecting".into(), detail },
        None => HubError::Unreachable { hub, detail },
    }
}

/// The rustls error under a failed connection, if TLS failed.
fn rustls_error(e: &postgres::Error) -> Option<&rustls::Error> {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(r) = s.downcast_ref::<rustls::Error>() {
            return Some(r);
        }
        // tokio-rustls wraps rustls' error in an io::Error, whose source()
        // skips the error it holds.
        if let Some(r) = s.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()?.downcast_ref::<rustls::Error>())
        {
            return Some(r);
        }
        source = s.source();
    }
    None
}

/// What TLS found wrong, when a connection failed for TLS.
fn tls_problem(e: &postgres::Error) -> Option<TlsProblem> {
    use rustls::CertificateError as C;
    if let Some(r) = rustls_error(e) {
        return Some(match r {
            rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
                TlsProblem::WrongHost
            }
            rustls::Error::InvalidCertificate(
                C::Expired | C::ExpiredContext { .. } | C::NotValidYet | C::NotValidYetContext { .. },
            ) => TlsProblem::Expired,
            rustls::Error::InvalidCertificate(_) => TlsProblem::Untrusted,
            _ => TlsProblem::Failed,
        });
    }
    // tokio-postgres says so in words only (its error kinds are private).
    let source = std::error::Error::source(e).map(ToString::to_string).unwrap_or_default();
    if source == "server does not support TLS" {
        return Some(TlsProblem::NotOffered);
    }
    e.to_string().starts_with("error performing TLS handshake").then_some(TlsProblem::Failed)
}

/// What rustls said (or tokio-postgres, when rustls said nothing), without
/// the words the message around it says already.
fn tls_detail(e: &postgres::Error) -> String {
    let said = rustls_error(e).map_or_else(|| e.to_string(), ToString::to_string);
    said.strip_prefix("invalid peer certificate: ").map_or_else(|| said.clone(), str::to_string)
}

impl Hub {
    /// Connects to the hub: TLS when the connection string asks for it
    /// (`sslmode=require`) or the server offers it (`sslmode=prefer`, the
    /// default, falls back to plain when the server has no TLS), plain with
    /// `sslmode=disable` (a hub on the same machine). With TLS the hub's
    /// certificate must chain to the CA certificates of the `sslrootcert`
    /// file when the string names one, else to the public roots compiled
    /// in, and be made out to the host connected to, whatever the sslmode.
    pub fn connect(url: &str) -> Result<Self, HubError> {
        let conn = ConnString::parse(url);
        let mut config = postgres::Config::from_str(&conn.rest).map_err(|e| HubError::BadUrl(e.to_string()))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        // A dropped network shows as an error instead of a wait without end.
        config.keepalives(true).keepalives_idle(Duration::from_secs(30));
        config.application_name("kam");
        let shown = shown(url);
        let mode = config.get_ssl_mode();
        let tls = match conn.root_cert.as_deref() {
            // libpq reads no CA file for a plain connection either, and
            // takes `system` for the system's roots (here the public roots
            // compiled in).
            Some(path) if path != "system" && mode != postgres::config::SslMode::Disable => {
                tokio_postgres_rustls::MakeRustlsConnect::new(client_config_with_ca(path)?)
            }
            _ => tokio_postgres_rustls::MakeRustlsConnect::with_webpki_roots(),
        };
        // tokio-postgres' connect_timeout bounds each TCP connection only;
        // libpq's bounds the whole of it. A hub (or a proxy in its place)
        // that takes the connection and never answers would hold the sync
        // for ever: the handshake runs on a thread of its own, given as
        // long as the timeout says (the thread ends when the socket does).
        let limit = config.get_connect_timeout().copied().unwrap_or(Duration::from_secs(10));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(config.connect(tls));
        });
        let client = match rx.recv_timeout(limit) {
            Ok(r) => r.map_err(|e| connect_err(&shown, mode, &e))?,
            Err(_) => return Err(HubError::NoAnswer { hub: shown, secs: limit.as_secs().max(1) }),
        };
        Ok(Self { client, shown })
    }

    /// How the hub reads in messages: host:port/database.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    fn err(&self, context: &str, e: &postgres::Error) -> HubError {
        hub_err(&self.shown, context, e)
    }

    /// Creates the hub schema, or brings an older one up to this kam's
    /// version; run again, it changes nothing. Returns the version found
    /// before (0: none) and the hub's id.
    pub fn init(&mut self) -> Result<(i32, uuid::Uuid), HubError> {
        self.init_up_to(HUB_SCHEMA_VERSION)
    }

    /// [`Hub::init`] up to the schema `version` (at most this kam's): a hub
    /// as an older kam made it, which the tests bring up to date.
    #[doc(hidden)]
    pub fn init_up_to(&mut self, target: i32) -> Result<(i32, uuid::Uuid), HubError> {
        let shown = self.shown.clone();
        let e = |c: &str| {
            let shown = shown.clone();
            let c = c.to_string();
            move |err: postgres::Error| hub_err(&shown, &c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting the schema change"))?;
        // Two inits at once: the second waits, then finds the schema made.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK]).map_err(e("locking the schema"))?;
        tx.batch_execute(&format!(
            "DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{USER_GROUP}') THEN
                    CREATE ROLE {USER_GROUP} NOLOGIN;
                END IF;
            END $$;
            CREATE SCHEMA IF NOT EXISTS kam;
            CREATE TABLE IF NOT EXISTS kam.schema_version (
                version integer PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );"
        ))
        .map_err(e("creating the schema"))?;
        let found: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM kam.schema_version", &[])
            .and_then(|r| r.try_get(0))
            .map_err(e("reading the schema version"))?;
        if found > HUB_SCHEMA_VERSION {
            return Err(HubError::TooNew { hub: shown, found, supported: HUB_SCHEMA_VERSION });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate() {
            let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
            if version <= found || version > target {
                continue;
            }
            tx.batch_execute(sql).map_err(e(&format!("migrating the hub to version {version}")))?;
            tx.execute("INSERT INTO kam.schema_version (version) VALUES ($1)", &[&version])
                .map_err(e("noting the schema version"))?;
        }
        tx.execute(
            "INSERT INTO kam.hub (id) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM kam.hub)",
            &[&uuid::Uuid::new_v4()],
        )
        .map_err(e("naming the hub"))?;
        let id: uuid::Uuid =
            tx.query_one("SELECT id FROM kam.hub", &[]).and_then(|r| r.try_get(0)).map_err(e("naming the hub"))?;
        if found < OWNERSHIP_INDEX_VERSION && target >= OWNERSHIP_INDEX_VERSION {
            index_existing_accounts(&mut tx, &id).map_err(e("indexing who holds each account"))?;
        }
        tx.commit().map_err(e("committing the schema"))?;
        Ok((found, id))
    }

    /// The hub's id (a client that meets another hub starts over), after
    /// checking the schema is one this kam knows.
    pub fn id(&mut self) -> Result<uuid::Uuid, HubError> {
        let version = match self.client.query_one("SELECT coalesce(max(version), 0) FROM kam.schema_version", &[]) {
            Ok(r) => r.try_get::<_, i32>(0).map_err(|e| self.err("reading the schema version", &e))?,
            Err(e)
                if e.code() == Some(&SqlState::UNDEFINED_TABLE) || e.code() == Some(&SqlState::INVALID_SCHEMA_NAME) =>
            {
                return Err(HubError::NotInitialised { hub: self.shown.clone() })
            }
            Err(e) => return Err(self.err("reading the schema version", &e)),
        };
        if version > HUB_SCHEMA_VERSION {
            return Err(HubError::TooNew { hub: self.shown.clone(), found: version, supported: HUB_SCHEMA_VERSION });
        }
        if version == 0 {
            return Err(HubError::NotInitialised { hub: self.shown.clone() });
        }
        if version < HUB_SCHEMA_VERSION {
            return Err(HubError::TooOld { hub: self.shown.clone(), found: version, supported: HUB_SCHEMA_VERSION });
        }
        match self.client.query_opt("SELECT id FROM kam.hub", &[]) {
            Ok(Some(r)) => r.try_get(0).map_err(|e| self.err("naming the hub", &e)),
            Ok(None) => Err(HubError::NotInitialised { hub: self.shown.clone() }),
            Err(e) => Err(self.err("naming the hub", &e)),
        }
    }

    /// Adds a kam user: a login role in the kam group with a generated
    /// password, and the user's line in `kam.users`. Returns the role and
    /// the connection string for the user, built from `url` (the admin's)
    /// with the user's name and password in place of the admin's.
    pub fn add_user(&mut self, url: &str, name: &str, role: HubRole, store: Option<&str>) -> Result<NewUser, HubError> {
        let pg_role = role_name(name);
        // Two random UUIDs: 244 random bits in hex, nothing to quote.
        let password = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
        let shown = self.shown.clone();
        let e = |c: &'static str| {
            let shown = shown.clone();
            move |err: postgres::Error| hub_err(&shown, c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting"))?;
        let exists = tx.query_opt("SELECT pg_role FROM kam.users WHERE name = $1", &[&name]).map_err(|err| {
            if err.code() == Some(&SqlState::UNDEFINED_TABLE) || err.code() == Some(&SqlState::INVALID_SCHEMA_NAME) {
                HubError::NotInitialised { hub: shown.clone() }
            } else {
                hub_err(&shown, "reading the users", &err)
            }
        })?;
        if exists.is_some() {
            // The same name again: a new password for the same role.
            tx.batch_execute(&format!("ALTER ROLE {} LOGIN PASSWORD '{password}'", quote_ident(&pg_role)))
                .map_err(e("setting the password"))?;
            tx.execute("UPDATE kam.users SET role = $2, store = $3 WHERE name = $1", &[&name, &role.key(), &store])
                .map_err(e("updating the user"))?;
        } else {
            tx.batch_execute(&format!(
                "CREATE ROLE {} LOGIN PASSWORD '{password}' IN ROLE {USER_GROUP}",
                quote_ident(&pg_role)
            ))
            .map_err(e("creating the user's role"))?;
            tx.execute(
                "INSERT INTO kam.users (name, pg_role, role, store) VALUES ($1, $2, $3, $4)",
                &[&name, &pg_role, &role.key(), &store],
            )
            .map_err(e("adding the user"))?;
        }
        // Managers are in the managers' group too (a hub older than
        // version 2 has none: its migration adds its managers).
        let grant = if role == HubRole::Manager {
            format!("GRANT {MANAGER_GROUP} TO {}", quote_ident(&pg_role))
        } else {
            format!("REVOKE {MANAGER_GROUP} FROM {}", quote_ident(&pg_role))
        };
        tx.batch_execute(&format!(
            "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{MANAGER_GROUP}') THEN {grant}; END IF; END $$"
        ))
        .map_err(e("setting the user's group"))?;
        tx.commit().map_err(e("committing the user"))?;
        Ok(NewUser { url: user_url(url, &pg_role, &password)?, pg_role })
    }

    /// Shares an account with a rep (a manager's or the hub owner's
    /// action: the database refuses anyone else). Every record of the
    /// account takes a new change number, so the rep's next sync pulls
    /// them. Returns false when it was shared with them already.
    pub fn share(&mut self, account: uuid::Uuid, user: &str) -> Result<bool, HubError> {
        let shown = self.shown.clone();
        let e = |c: &'static str| {
            let shown = shown.clone();
            move |err: postgres::Error| hub_err(&shown, c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting the share"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .map_err(e("waiting for the hub's change numbers"))?;
        let added = tx
            .execute(
                "INSERT INTO kam.shares (account_id, user_name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&account, &user],
            )
            .map_err(|err| match err.as_db_error().filter(|d| *d.code() == SqlState::FOREIGN_KEY_VIOLATION) {
                Some(d) if d.constraint().is_some_and(|c| c.contains("user_name")) => {
                    HubError::NoSuchUser { hub: shown.clone(), name: user.to_string() }
                }
                Some(_) => HubError::NoSuchAccount { hub: shown.clone(), id: account.to_string(), kind: None },
                None => hub_err(&shown, "sharing the account", &err),
            })?;
        let kind: String = tx
            .query_one("SELECT kind FROM kam.records WHERE id = $1", &[&account])
            .and_then(|r| r.try_get(0))
            .map_err(e("reading the account"))?;
        if kind != "account" {
            return Err(HubError::NoSuchAccount { hub: shown, id: account.to_string(), kind: Some(kind) });
        }
        require_rep(&mut tx, &shown, user)?;
        if added > 0 {
            tx.execute(
                "UPDATE kam.records SET seq = nextval('kam.change_seq') WHERE id = $1 OR account_id = $1",
                &[&account],
            )
            .map_err(e("numbering the shared records"))?;
        }
        tx.commit().map_err(e("committing the share"))?;
        Ok(added > 0)
    }

    /// Gives a rep a territory (a manager's or the hub owner's action: the
    /// database refuses anyone else): every account whose region it is, and
    /// every record of those, takes a new change number so the rep's next
    /// sync pulls them. Returns false when it was theirs already.
    pub fn add_territory(&mut self, user: &str, region: &str) -> Result<bool, HubError> {
        let shown = self.shown.clone();
        let e = |c: &'static str| {
            let shown = shown.clone();
            move |err: postgres::Error| hub_err(&shown, c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting the territory"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .map_err(e("waiting for the hub's change numbers"))?;
        let added = tx
            .execute(
                "INSERT INTO kam.territories (user_name, region) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&user, &region],
            )
            .map_err(|err| {
                if err.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
                    HubError::NoSuchUser { hub: shown.clone(), name: user.to_string() }
                } else {
                    hub_err(&shown, "adding the territory", &err)
                }
            })?;
        require_rep(&mut tx, &shown, user)?;
        if added > 0 {
            tx.execute(
                "WITH a AS (SELECT id FROM kam.records WHERE kind = 'account' AND fields ->> 'region' = $1) \
                 UPDATE kam.records SET seq = nextval('kam.change_seq') \
                 WHERE id IN (SELECT id FROM a) OR account_id IN (SELECT id FROM a)",
                &[&region],
            )
            .map_err(e("numbering the territory's records"))?;
        }
        tx.commit().map_err(e("committing the territory"))?;
        Ok(added > 0)
    }

    /// Takes a territory from a rep: the hub no longer lets them read or
    /// write its accounts (unless they own them or they are shared with them).
    pub fn remove_territory(&mut self, user: &str, region: &str) -> Result<(), HubError> {
        let n = self
            .client
            .execute("DELETE FROM kam.territories WHERE user_name = $1 AND region = $2", &[&user, &region])
            .map_err(|e| self.err("removing the territory", &e))?;
        if n == 0 {
            return Err(HubError::NoSuchTerritory {
                hub: self.shown.clone(),
                name: user.to_string(),
                region: region.to_string(),
            });
        }
        Ok(())
    }

    /// A rep's territories this connection may read (a manager: any rep's;
    /// a rep: their own), with who gave each and when.
    pub fn territories(&mut self, user: &str) -> Result<Vec<(String, String, DateTime<Utc>)>, HubError> {
        let rows = self
            .client
            .query(
                "SELECT region, assigned_by, assigned_at FROM kam.territories WHERE user_name = $1 ORDER BY region",
                &[&user],
            )
            .map_err(|e| self.err("reading the territories", &e))?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, postgres::Error>>()
            .map_err(|e| self.err("reading the territories", &e))
    }

    /// Ends a share (a manager's or the hub owner's action): the rep can no
    /// longer read or write the account at the hub.
    pub fn unshare(&mut self, account: uuid::Uuid, user: &str) -> Result<(), HubError> {
        let n = self
            .client
            .execute("DELETE FROM kam.shares WHERE account_id = $1 AND user_name = $2", &[&account, &user])
            .map_err(|e| self.err("ending the share", &e))?;
        if n == 0 {
            return Err(HubError::NoSuchShare {
                hub: self.shown.clone(),
                id: account.to_string(),
                name: user.to_string(),
            });
        }
        Ok(())
    }

    /// The shares this connection may read (a manager: all; a rep: those
    /// made to them and of their accounts), of one account or all, by
    /// account name then user.
    pub fn shares(&mut self, account: Option<uuid::Uuid>) -> Result<Vec<Share>, HubError> {
        let rows = self
            .client
            .query(
                "SELECT s.account_id::text, coalesce(r.fields ->> 'name', ''), s.user_name, s.shared_by, s.shared_at \
                 FROM kam.shares s LEFT JOIN kam.records r ON r.id = s.account_id \
                 WHERE $1::uuid IS NULL OR s.account_id = $1 ORDER BY 2, 1, 3",
                &[&account],
            )
            .map_err(|e| self.err("reading the shares", &e))?;
        rows.iter()
            .map(|r| {
                Ok(Share {
                    account_id: r.try_get(0)?,
                    account: r.try_get(1)?,
                    user: r.try_get(2)?,
                    shared_by: r.try_get(3)?,
                    shared_at: r.try_get(4)?,
                })
            })
            .collect::<Result<_, postgres::Error>>()
            .map_err(|e| self.err("reading the shares", &e))
    }

    /// The requests for approval this connection may read (a manager: all;
    /// a rep: their own), those still waiting or (`all`) every one, oldest first.
    pub fn requests(&mut self, all: bool) -> Result<Vec<Request>, HubError> {
        let rows = self
            .client
            .query(&format!("{REQUEST_SELECT} WHERE $1 OR p.state = 'pending' ORDER BY p.requested_at, p.id"), &[&all])
            .map_err(|e| self.err("reading the requests", &e))?;
        rows.iter().map(request_of).collect::<Result<_, _>>().map_err(|e| self.err("reading the requests", &e))
    }

    /// This user's own requests: how many wait, and the decisions on them
    /// not told before (marked told now, so each is told once).
    pub fn my_requests(&mut self) -> Result<MyRequests, HubError> {
        let shown = self.shown.clone();
        let e = |err: postgres::Error| hub_err(&shown, "reading the requests for approval", &err);
        let mut tx = self.client.transaction().map_err(e)?;
        let waiting: i64 = tx
            .query_one("SELECT count(*) FROM kam.pending WHERE pg_role = current_user AND state = 'pending'", &[])
            .and_then(|r| r.try_get(0))
            .map_err(e)?;
        let ids: Vec<uuid::Uuid> = tx
            .query(
                "UPDATE kam.pending SET told = true \
                 WHERE pg_role = current_user AND state <> 'pending' AND NOT told RETURNING id",
                &[],
            )
            .map_err(e)?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()
            .map_err(e)?;
        let rows = tx
            .query(&format!("{REQUEST_SELECT} WHERE p.id = ANY($1) ORDER BY p.decided_at, p.id"), &[&ids])
            .map_err(e)?;
        let decided = rows.iter().map(request_of).collect::<Result<_, _>>().map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(MyRequests { waiting: u64::try_from(waiting).unwrap_or(0), decided })
    }

    /// Approves a request (a manager's or the hub owner's action: the
    /// database refuses anyone else) and applies it as a push would have:
    /// the archive takes the rep's value if no later change of it is at
    /// the hub; the account is deleted, with its contacts, orders … not
    /// changed after the deletion, unless it changed after it. What
    /// changes gets a new version and change number, so every client pulls it.
    pub fn approve(&mut self, id: uuid::Uuid) -> Result<(), HubError> {
        let shown = self.shown.clone();
        let e = |c: &'static str| {
            let shown = shown.clone();
            move |err: postgres::Error| hub_err(&shown, c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting the approval"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .map_err(e("waiting for the hub's change numbers"))?;
        let (record, field, value, clock) = decide(&mut tx, &shown, id, "approved", "")?;
        let row = tx
            .query_one(
                "SELECT fields, clocks, created_at, updated_by, deleted_at FROM kam.records WHERE id = $1 FOR UPDATE",
                &[&record],
            )
            .map_err(e("reading the record"))?;
        let mut fields = match row.try_get::<_, Json>(0).map_err(e("reading the record"))? {
            Json::Object(m) => m,
            _ => Map::new(),
        };
        let mut clocks = match row.try_get::<_, Json>(1).map_err(e("reading the record"))? {
            Json::Object(m) => m,
            _ => Map::new(),
        };
        let created: DateTime<Utc> = row.try_get(2).map_err(e("reading the record"))?;
        let created_by: String = row.try_get(3).map_err(e("reading the record"))?;
        let hub_deleted: Option<DateTime<Utc>> = row.try_get(4).map_err(e("reading the record"))?;
        if field == "archive" {
            let ours = clocks.get("archive").and_then(clock_of).unwrap_or(FieldClock {
                at: created,
                who: created_by,
                base: None,
            });
            if newer(&clock, &ours) {
                fields.insert("archive".into(), value.unwrap_or(Json::Null));
                clocks.insert("archive".into(), serde_json::to_value(ClockJson::from(&clock)).unwrap_or(Json::Null));
                tx.execute(
                    "UPDATE kam.records SET fields = $2, clocks = $3, updated_at = greatest(updated_at, $4), \
                     updated_by = $5, version = version + 1, seq = nextval('kam.change_seq') WHERE id = $1",
                    &[&record, &Json::Object(fields), &Json::Object(clocks), &clock.at, &clock.who],
                )
                .map_err(e("applying the archive"))?;
            }
        } else {
            let latest_here =
                clocks.values().filter_map(clock_of).map(|c| c.at).chain([created]).max().unwrap_or(created);
            if hub_deleted.is_none() && clock.at > latest_here {
                tx.execute(
                    "UPDATE kam.records SET deleted_at = $2, updated_at = greatest(updated_at, $2), updated_by = $3, \
                     version = version + 1, seq = nextval('kam.change_seq') WHERE id = $1",
                    &[&record, &clock.at, &clock.who],
                )
                .map_err(e("deleting the account"))?;
                tx.execute(
                    &format!(
                        "UPDATE kam.records SET deleted_at = $2, updated_at = greatest(updated_at, $2), \
                         updated_by = $3, version = version + 1, seq = nextval('kam.change_seq') \
                         WHERE account_id = $1 AND kind IN {DEPENDENT_KINDS} AND deleted_at IS NULL \
                         AND greatest(created_at, (SELECT max((c ->> 'at')::timestamptz) FROM jsonb_each(clocks) AS x(f, c))) < $2"
                    ),
                    &[&record, &clock.at, &clock.who],
                )
                .map_err(e("deleting the account's records"))?;
            }
        }
        tx.commit().map_err(e("committing the approval"))
    }

    /// Rejects a request (a manager's or the hub owner's action) with the
    /// reason the rep is told. It never applies. A rejected archive edit is
    /// answered with the hub's archive stamped after it, so the rep's next
    /// sync puts their file's archive back as the hub has it.
    pub fn reject(&mut self, id: uuid::Uuid, reason: &str) -> Result<(), HubError> {
        let shown = self.shown.clone();
        let e = |c: &'static str| {
            let shown = shown.clone();
            move |err: postgres::Error| hub_err(&shown, c, &err)
        };
        let mut tx = self.client.transaction().map_err(e("starting the rejection"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .map_err(e("waiting for the hub's change numbers"))?;
        let (record, field, _, clock) = decide(&mut tx, &shown, id, "rejected", reason)?;
        if field == "archive" {
            let who: String = tx
                .query_one("SELECT coalesce(kam.user_name(current_user), current_user::text)", &[])
                .and_then(|r| r.try_get(0))
                .map_err(e("reading the user"))?;
            let at = Utc::now().max(clock.at + chrono::Duration::milliseconds(1));
            let stamp =
                serde_json::to_value(ClockJson { at, who: who.clone(), base: Some(clock.at) }).unwrap_or(Json::Null);
            tx.execute(
                "UPDATE kam.records SET clocks = jsonb_set(clocks, '{archive}', $2), updated_at = greatest(updated_at, $3), \
                 updated_by = $4, version = version + 1, seq = nextval('kam.change_seq') WHERE id = $1",
                &[&record, &stamp, &at, &who],
            )
            .map_err(e("keeping the hub's archive"))?;
        }
        tx.commit().map_err(e("committing the rejection"))
    }

    /// Applies a batch of operations in one transaction: all of them or,
    /// on any failure other than a refused record, none. `each` is told of
    /// every operation as it is applied (a test stops a push halfway there).
    pub fn push(
        &mut self,
        ops: &[PushOp],
        each: &mut dyn FnMut(usize) -> Result<(), HubError>,
    ) -> Result<Vec<Applied>, HubError> {
        let shown = self.shown.clone();
        let mut tx = self.client.transaction().map_err(|e| hub_err(&shown, "starting the push", &e))?;
        // Changes are numbered in commit order: see the module's documentation.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUSH_LOCK])
            .map_err(|e| hub_err(&shown, "waiting for the hub's change numbers", &e))?;
        let st = PushStatements::prepare(&mut tx).map_err(|e| hub_err(&shown, "preparing the push", &e))?;
        // A rep's archive edits and account deletions wait for a manager.
        let role: Option<String> = tx
            .query_one("SELECT kam.user_role(current_user)", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| hub_err(&shown, "reading the user's role", &e))?;
        let hold = role.as_deref().and_then(HubRole::parse_key) == Some(HubRole::Rep);
        let mut out = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            // A savepoint per operation: a record the database refuses is
            // told and left out; the rest of the batch goes on.
            let mut sp = tx.transaction().map_err(|e| hub_err(&shown, "starting an operation", &e))?;
            match apply_op(&mut sp, &st, op, hold) {
                Ok(applied) => {
                    sp.commit().map_err(|e| hub_err(&shown, "applying an operation", &e))?;
                    out.push(applied);
                }
                Err(e) if is_denied(&e) => {
                    sp.rollback().map_err(|e| hub_err(&shown, "leaving a refused operation out", &e))?;
                    let why = if e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE) {
                        Refusal::NoAccess
                    } else {
                        Refusal::Other(detail_of(&e))
                    };
                    out.push(Applied::Refused(why));
                }
                Err(e) => return Err(hub_err(&shown, &format!("applying {} {}", op.body.kind, op.body.id), &e)),
            }
            each(i)?;
        }
        tx.commit().map_err(|e| hub_err(&shown, "committing the push", &e))?;
        Ok(out)
    }

    /// Up to `limit` records changed after `cursor` that this user may
    /// see, in the order of their change numbers.
    pub fn pull(&mut self, cursor: i64, limit: i64) -> Result<Vec<Pulled>, HubError> {
        let rows = self
            .client
            .query(
                "SELECT seq, kind, id::text, fields, clocks, created_at, updated_at, updated_by, version, deleted_at \
                 FROM kam.records WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&cursor, &limit],
            )
            .map_err(|e| self.err("pulling", &e))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let obj = |v: Json| match v {
                Json::Object(m) => m,
                _ => Map::new(),
            };
            let get = |e: postgres::Error| hub_err(&self.shown, "reading a pulled record", &e);
            out.push(Pulled {
                seq: r.try_get(0).map_err(get)?,
                kind: r.try_get(1).map_err(get)?,
                id: r.try_get(2).map_err(get)?,
                fields: obj(r.try_get(3).map_err(get)?),
                clocks: obj(r.try_get(4).map_err(get)?),
                created_at: r.try_get(5).map_err(get)?,
                updated_at: r.try_get(6).map_err(get)?,
                updated_by: r.try_get(7).map_err(get)?,
                version: r.try_get(8).map_err(get)?,
                deleted_at: r.try_get(9).map_err(get)?,
            });
        }
        Ok(out)
    }

    /// Up to `limit` entries of the ownership index changed after `cursor`
    /// (its own cursor: the change numbers of accounts), in their order:
    /// every account at the hub, whoever may read it, as its id, digests
    /// and owner.
    pub fn owners(&mut self, cursor: i64, limit: i32) -> Result<Vec<HeldAccount>, HubError> {
        let rows = self
            .client
            .query(
                "SELECT seq, account_id::text, name_key, phone_key, owner, live FROM kam.ownership_index($1, $2)",
                &[&cursor, &limit],
            )
            .map_err(|e| self.err("reading who holds each account", &e))?;
        rows.iter()
            .map(|r| {
                Ok(HeldAccount {
                    seq: r.try_get(0)?,
                    account_id: r.try_get(1)?,
                    name_key: r.try_get(2)?,
                    phone_key: r.try_get(3)?,
                    owner: r.try_get(4)?,
                    live: r.try_get(5)?,
                })
            })
            .collect::<Result<_, postgres::Error>>()
            .map_err(|e| self.err("reading who holds each account", &e))
    }

    /// This connection's kam role (`None`: not a kam user, e.g. the hub's owner).
    pub fn role(&mut self) -> Result<Option<HubRole>, HubError> {
        let role: Option<String> = self
            .client
            .query_one("SELECT kam.user_role(current_user)", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("reading the user's role", &e))?;
        Ok(role.as_deref().and_then(HubRole::parse_key))
    }

    /// Which of `ids` are accounts this connection may read (row-level
    /// security decides; in the trash or not).
    pub fn reachable_accounts(&mut self, ids: &[uuid::Uuid]) -> Result<Vec<uuid::Uuid>, HubError> {
        let rows = self
            .client
            .query("SELECT id FROM kam.records WHERE kind = 'account' AND id = ANY($1)", &[&ids])
            .map_err(|e| self.err("reading which accounts are yours", &e))?;
        rows.iter().map(|r| r.try_get(0).map_err(|e| self.err("reading which accounts are yours", &e))).collect()
    }

    /// Ends every open connection of a kam user (an administrator's
    /// action; a test cuts a push off halfway with it). Returns how many.
    pub fn end_sessions_of(&mut self, name: &str) -> Result<i64, HubError> {
        self.client
            .query_one(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(a.pid)) FROM pg_stat_activity a \
                 JOIN kam.users u ON u.pg_role = a.usename WHERE u.name = $1",
                &[&name],
            )
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("ending the user's connections", &e))
    }

    /// A query of the tests and the benchmarks, run as this connection's
    /// role: the ids of the records of `kind` it can read.
    pub fn visible_ids(&mut self, kind: RecordKind) -> Result<Vec<String>, HubError> {
        self.client
            .query("SELECT id::text FROM kam.records WHERE kind = $1 ORDER BY id", &[&kind.key()])
            .map_err(|e| self.err("reading the records", &e))?
            .iter()
            .map(|r| r.try_get(0).map_err(|e| self.err("reading the records", &e)))
            .collect()
    }

    /// A record's field value as the hub holds it, read as this role
    /// (`None`: no such record, or one it may not see).
    pub fn field(&mut self, id: &str, field: &str) -> Result<Option<Json>, HubError> {
        let id = parse_uuid(id).map_err(HubError::BadUrl)?;
        let row = self
            .client
            .query_opt("SELECT fields -> $2 FROM kam.records WHERE id = $1", &[&id, &field])
            .map_err(|e| self.err("reading a record", &e))?;
        row.map(|r| r.try_get::<_, Option<Json>>(0).map(Option::unwrap_or_default))
            .transpose()
            .map_err(|e| self.err("reading a record", &e))
    }

    /// Whether the server sees this session as TLS (`pg_stat_ssl`).
    pub fn session_is_tls(&mut self) -> Result<bool, HubError> {
        self.client
            .query_one("SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("reading the session's TLS", &e))
    }

    /// How many operations the hub has applied (a retried push adds none).
    pub fn operation_count(&mut self) -> Result<i64, HubError> {
        self.client
            .query_one("SELECT count(*) FROM kam.operations", &[])
            .and_then(|r| r.try_get(0))
            .map_err(|e| self.err("counting the operations", &e))
    }

    /// A statement of the tests, run as this connection's role, that must
    /// write to a record: the database's refusal comes back as [`HubError::Denied`].
    pub fn set_field(&mut self, id: &str, field: &str, value: &Json) -> Result<u64, HubError> {
        let id = parse_uuid(id).map_err(HubError::BadUrl)?;
        self.client
            .execute(
                "UPDATE kam.records SET fields = jsonb_set(fields, ARRAY[$2], $3) WHERE id = $1",
                &[&id, &field, value],
            )
            .map_err(|e| self.err("writing a record", &e))
    }
}

/// The schema version that brought the ownership index.
const OWNERSHIP_INDEX_VERSION: i32 = 5;

/// Gives the accounts a hub held before the ownership index their keys
/// (the migration to it; later every push writes them).
fn index_existing_accounts(tx: &mut Transaction<'_>, hub_id: &uuid::Uuid) -> Result<(), postgres::Error> {
    let rows = tx.query(
        "SELECT id, coalesce(fields ->> 'name', ''), coalesce(fields ->> 'phone', '') FROM kam.records \
         WHERE kind = 'account'",
        &[],
    )?;
    for chunk in rows.chunks(10_000) {
        let (mut ids, mut names, mut phones) = (Vec::new(), Vec::new(), Vec::new());
        for r in chunk {
            let id: uuid::Uuid = r.try_get(0)?;
            let (n, p) = company_index_keys(hub_id, r.try_get(1)?, r.try_get(2)?);
            ids.push(id);
            names.push(n);
            phones.push(p);
        }
        tx.execute(
            "UPDATE kam.records r SET name_key = k.n, phone_key = k.p \
             FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k (id, n, p) WHERE r.id = k.id",
            &[&ids, &names, &phones],
        )?;
    }
    Ok(())
}

/// The columns of a request as [`request_of`] reads them.
const REQUEST_SELECT: &str =
    "SELECT p.id::text, p.record_id::text, coalesce(r.fields ->> 'name', ''), p.field, p.value, \
     p.reason, p.requested_by, p.requested_at, p.state, p.decided_by, p.decided_at, p.decision \
     FROM kam.pending p LEFT JOIN kam.records r ON r.id = p.record_id";

fn request_of(r: &postgres::Row) -> Result<Request, postgres::Error> {
    let field: String = r.try_get(3)?;
    let state: String = r.try_get(8)?;
    Ok(Request {
        id: r.try_get(0)?,
        record_id: r.try_get(1)?,
        account: r.try_get(2)?,
        what: if field == "archive" { RequestKind::Archive } else { RequestKind::Delete },
        value: r.try_get(4)?,
        reason: r.try_get(5)?,
        requested_by: r.try_get(6)?,
        requested_at: r.try_get(7)?,
        state: RequestState::parse_key(&state),
        decided_by: r.try_get(9)?,
        decided_at: r.try_get(10)?,
        decision: r.try_get(11)?,
    })
}

/// Marks a waiting request decided (the database refuses a rep: only
/// managers may update its state) and returns its record, field, new
/// value and clock; names a request that is unknown or decided already.
fn decide(
    tx: &mut Transaction<'_>,
    shown: &str,
    id: uuid::Uuid,
    state: &str,
    reason: &str,
) -> Result<(uuid::Uuid, String, Option<Json>, FieldClock), HubError> {
    let e = |err: postgres::Error| hub_err(shown, "deciding the request", &err);
    let row = tx
        .query_opt(
            "UPDATE kam.pending SET state = $2, decision = $3, decided_at = now(), \
             decided_by = coalesce(kam.user_name(current_user), current_user::text) \
             WHERE id = $1 AND state = 'pending' RETURNING record_id, field, value, clock",
            &[&id, &state, &reason],
        )
        .map_err(e)?;
    let Some(row) = row else {
        let before: Option<String> = tx
            .query_opt("SELECT state FROM kam.pending WHERE id = $1", &[&id])
            .map_err(e)?
            .map(|r| r.try_get(0))
            .transpose()
            .map_err(e)?;
        return Err(match before {
            Some(state) => HubError::AlreadyDecided { hub: shown.to_string(), id: id.to_string(), state },
            None => HubError::NoSuchRequest { hub: shown.to_string(), id: id.to_string() },
        });
    };
    let clock: Json = row.try_get(3).map_err(e)?;
    let clock = clock_of(&clock).ok_or_else(|| HubError::Sql {
        hub: shown.to_string(),
        context: "deciding the request".into(),
        detail: format!("request {id} has no readable clock"),
    })?;
    Ok((row.try_get(0).map_err(e)?, row.try_get(1).map_err(e)?, row.try_get(2).map_err(e)?, clock))
}

fn parse_uuid(id: &str) -> Result<uuid::Uuid, String> {
    uuid::Uuid::parse_str(id).map_err(|e| format!("{id}: {e}"))
}

/// Refuses a share or a territory for a user who is not a rep.
fn require_rep(tx: &mut Transaction<'_>, shown: &str, user: &str) -> Result<(), HubError> {
    let role: String = tx
        .query_one("SELECT role FROM kam.users WHERE name = $1", &[&user])
        .and_then(|r| r.try_get(0))
        .map_err(|err| hub_err(shown, "reading the user", &err))?;
    if role == HubRole::Rep.key() {
        Ok(())
    } else {
        Err(HubError::NotARep { hub: shown.to_string(), name: user.to_string(), role })
    }
}

fn is_denied(e: &postgres::Error) -> bool {
    e.code().is_some_and(|c| *c == SqlState::INSUFFICIENT_PRIVILEGE || *c == SqlState::UNIQUE_VIOLATION)
}

/// The server's message, or the client's when there is no server message.
fn detail_of(e: &postgres::Error) -> String {
    e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())
}

fn hub_err(hub: &str, context: &str, e: &postgres::Error) -> HubError {
    let detail = detail_of(e);
    if is_connection_error(e) {
        return HubError::Unreachable { hub: hub.to_string(), detail };
    }
    match e.code() {
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => HubError::Denied { hub: hub.to_string(), detail },
        _ => HubError::Sql { hub: hub.to_string(), context: context.to_string(), detail },
    }
}

/// A role name for a kam user: `kam_` and the name when it is plain ASCII
/// (readable in the server's logs), else `kam_` and random hex.
fn role_name(name: &str) -> String {
    let plain = name.to_ascii_lowercase();
    if !plain.is_empty()
        && plain.len() <= 40
        && plain.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        format!("kam_{plain}")
    } else {
        let hex = uuid::Uuid::new_v4().simple().to_string();
        format!("kam_{}", &hex[..12])
    }
}

/// An identifier quoted for PostgreSQL.
fn quote_ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `url` with the user and password replaced (URL or key=value form). The
/// CA file (`sslrootcert`) stays: the user keeps the company's CA at the
/// same path.
fn user_url(url: &str, user: &str, password: &str) -> Result<String, HubError> {
    let conn = ConnString::parse(url);
    let config = postgres::Config::from_str(&conn.rest).map_err(|e| HubError::BadUrl(e.to_string()))?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let host = if host.contains(':') && !host.starts_with('[') { format!("[{host}]") } else { host };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("postgres");
    let ssl = match (conn.verify, config.get_ssl_mode()) {
        (Some(v), _) => v,
        (None, postgres::config::SslMode::Disable) => "disable",
        (None, postgres::config::SslMode::Require) => "require",
        _ => "prefer",
    };
    let mut out = format!("postgresql://{}:{password}@{host}:{port}/{}?sslmode={ssl}", encode(user), encode(db));
    if let Some(ca) = &conn.root_cert {
        let _ = write!(out, "&sslrootcert={}", encode_path(ca));
    }
    Ok(out)
}

/// A path as a URL parameter's value: percent-encoded as [`encode`] does,
/// with its `/` and `:` kept readable.
fn encode_path(s: &str) -> String {
    s.split('/').map(|part| part.split(':').map(encode).collect::<Vec<_>>().join(":")).collect::<Vec<_>>().join("/")
}

/// What a URL part may hold as it is: RFC 3986's unreserved characters.
const URL_PART: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes what a URL part may not hold as it is.
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, URL_PART).to_string()
}

/// Who may see a record, from its fields: the account it belongs to, its
/// owner (an account's rep, a target's rep) and its store (a VIP card's).
fn routing(kind: &str, fields: &Map<String, Json>) -> (Option<uuid::Uuid>, Option<String>, Option<String>) {
    let text = |k: &str| fields.get(k).and_then(Json::as_str).map(str::to_string);
    let account = match kind {
        "account" => None,
        _ => text("account_id").and_then(|s| uuid::Uuid::parse_str(&s).ok()),
    };
    let owner = match kind {
        "account" => text("owner"),
        "target" => text("rep"),
        _ => None,
    };
    let store = if kind == "vip_card" { text("store") } else { None };
    (account, owner, store)
}

/// The digest of one key of the ownership index: SHA-256 of the hub's id,
/// what the key is (`n` a name, `p` a phone) and the normalised text, the
/// first 16 bytes in hex; "" when there is nothing to match on. The same on
/// the hub and on every laptop that syncs with it, and useless elsewhere.
pub fn index_key(hub_id: &uuid::Uuid, what: u8, normalised: Option<String>) -> String {
    use sha2::{Digest as _, Sha256};
    let Some(text) = normalised else { return String::new() };
    let mut h = Sha256::new();
    h.update(hub_id.as_bytes());
    h.update([what, 0]);
    h.update(text.as_bytes());
    let digest = h.finalize();
    digest.iter().take(16).fold(String::with_capacity(32), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The ownership index's keys of a company's name and phone (§4.12's
/// normalisation, as the duplicate guard matches them).
pub fn company_index_keys(hub_id: &uuid::Uuid, name: &str, phone: &str) -> (String, String) {
    (
        index_key(hub_id, b'n', kam_rules::dedupe::company_key(name)),
        index_key(hub_id, b'p', kam_rules::dedupe::phone_key(phone)),
    )
}

/// The keys a record is found by in the ownership index: an account's,
/// `None` for every other kind.
fn index_keys(hub_id: &uuid::Uuid, kind: &str, fields: &Map<String, Json>) -> (Option<String>, Option<String>) {
    if kind != "account" {
        return (None, None);
    }
    let text = |k: &str| fields.get(k).and_then(Json::as_str).unwrap_or_default();
    let (n, p) = company_index_keys(hub_id, text("name"), text("phone"));
    (Some(n), Some(p))
}

fn clock_of(v: &Json) -> Option<FieldClock> {
    serde_json::from_value::<ClockJson>(v.clone()).ok().map(FieldClock::from)
}

/// One operation inside the push's transaction (at its savepoint).
/// The statements of a push, prepared once per push instead of once per
/// operation (a round trip each saved).
struct PushStatements {
    /// The hub's id: the salt of the ownership index's digests.
    hub_id: uuid::Uuid,
    op: postgres::Statement,
    current: postgres::Statement,
    insert: postgres::Statement,
    update: postgres::Statement,
    request: postgres::Statement,
    withdraw: postgres::Statement,
    renumber_children: postgres::Statement,
    deletion_waits: postgres::Statement,
}

impl PushStatements {
    fn prepare(tx: &mut Transaction<'_>) -> Result<Self, postgres::Error> {
        Ok(Self {
            hub_id: tx.query_one("SELECT id FROM kam.hub", &[])?.try_get(0)?,
            op: tx.prepare(
                "INSERT INTO kam.operations (op_id, record_id) VALUES ($1, $2) ON CONFLICT (op_id) DO NOTHING",
            )?,
            current: tx.prepare(
                "SELECT fields, clocks, created_at, updated_by, deleted_at FROM kam.records WHERE id = $1 FOR UPDATE",
            )?,
            insert: tx.prepare(
                "INSERT INTO kam.records (id, kind, account_id, owner, store, fields, clocks, created_at, updated_at, \
                 updated_by, deleted_at, name_key, phone_key, version, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, nextval('kam.change_seq'))",
            )?,
            update: tx.prepare(
                "UPDATE kam.records SET fields = $2, clocks = $3, account_id = $4, owner = $5, store = $6, \
                 updated_at = greatest(updated_at, $7), updated_by = $8, deleted_at = $9, name_key = $10, \
                 phone_key = $11, version = version + 1, seq = nextval('kam.change_seq') WHERE id = $1",
            )?,
            request: tx.prepare(
                "INSERT INTO kam.pending (op_id, record_id, kind, field, value, clock, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )?,
            withdraw: tx.prepare("SELECT kam.withdraw_deletion($1, $2)")?,
            renumber_children: tx
                .prepare("UPDATE kam.records SET seq = nextval('kam.change_seq') WHERE account_id = $1")?,
            deletion_waits: tx.prepare(
                "SELECT EXISTS (SELECT 1 FROM kam.pending WHERE record_id = $1 AND field = 'deleted' \
                 AND state = 'pending')",
            )?,
        })
    }
}

/// The kinds a deletion of their account takes with it (as the trash
/// takes them); a VIP card keeps its account's link, a target has none.
const DEPENDENT_KINDS: &str = "('contact', 'order', 'visit', 'change_event', 'feedback', 'call_plan', 'presentation')";

/// Applies one operation; with `hold` (a rep's push) an account's archive
/// edit and an account's deletion are filed as requests instead, and the
/// deletion of a record whose account's deletion waits waits with it.
fn apply_op(
    tx: &mut Transaction<'_>,
    st: &PushStatements,
    op: &PushOp,
    hold: bool,
) -> Result<Applied, postgres::Error> {
    let b = &op.body;
    let Ok(id) = uuid::Uuid::parse_str(&b.id) else {
        return Ok(Applied::Refused(Refusal::Other(format!("{}: not an id", b.id))));
    };
    let fresh = tx.execute(&st.op, &[&op.op_id, &id])?;
    if fresh == 0 {
        return Ok(Applied::Already);
    }
    let current = tx.query_opt(&st.current, &[&id])?;
    let Some(row) = current else {
        let (account, owner, store) = routing(&b.kind, &b.fields);
        let (name_key, phone_key) = index_keys(&st.hub_id, &b.kind, &b.fields);
        tx.execute(
            &st.insert,
            &[
                &id,
                &b.kind,
                &account,
                &owner,
                &store,
                &Json::Object(b.fields.clone()),
                &Json::Object(b.clocks.clone()),
                &b.created_at,
                &b.updated_at,
                &b.updated_by,
                &b.deleted_at,
                &name_key,
                &phone_key,
            ],
        )?;
        return Ok(Applied::Inserted);
    };
    let mut fields = match row.try_get::<_, Json>(0)? {
        Json::Object(m) => m,
        _ => Map::new(),
    };
    let mut clocks = match row.try_get::<_, Json>(1)? {
        Json::Object(m) => m,
        _ => Map::new(),
    };
    let created: DateTime<Utc> = row.try_get(2)?;
    let created_by: String = row.try_get(3)?;
    let hub_deleted: Option<DateTime<Utc>> = row.try_get(4)?;
    // Who may reach an account's records, before this operation.
    let reach = |f: &Map<String, Json>| (f.get("owner").cloned(), f.get("region").cloned());
    let reach_before = reach(&fields);
    // Field by field, the newer change wins (DESIGN §7). A field the
    // operation has no clock for still has the value it was created with:
    // never newer than the hub's.
    let hub_created = FieldClock { at: created, who: created_by, base: None };
    let latest_here = clocks.values().filter_map(clock_of).map(|c| c.at).chain([created]).max().unwrap_or(created);
    let mut newest: Option<FieldClock> = None;
    // The requests this operation files: field, new value, its clock.
    let mut requests: Vec<(&str, Option<Json>, FieldClock)> = Vec::new();
    let mut held_with_account = false;
    for (field, theirs) in &b.clocks {
        let Some(theirs) = clock_of(theirs) else { continue };
        let ours = clocks.get(field).and_then(clock_of).unwrap_or_else(|| hub_created.clone());
        if !newer(&theirs, &ours) {
            continue;
        }
        if hold && b.kind == "account" && field == "archive" {
            requests.push(("archive", Some(b.fields.get(field).cloned().unwrap_or(Json::Null)), theirs));
            continue;
        }
        if let Some(v) = b.fields.get(field) {
            fields.insert(field.clone(), v.clone());
        }
        clocks.insert(field.clone(), serde_json::to_value(ClockJson::from(&theirs)).unwrap_or(Json::Null));
        if newest.as_ref().is_none_or(|n| newer(&theirs, n)) {
            newest = Some(theirs);
        }
    }
    // A deletion is a change at its time: it takes effect unless the hub
    // holds a change made after it; a record deleted here comes back when
    // the operation brings a change made after the deletion (as a day-end
    // merge brings a trashed record back).
    let mut deleted = match (hub_deleted, b.deleted_at) {
        (None, Some(d)) if d > latest_here => Some(Some(d)),
        (Some(d), _) if newest.as_ref().is_some_and(|n| n.at > d) => Some(None),
        _ => None,
    };
    if let (true, Some(Some(d))) = (hold, deleted) {
        if b.kind == "account" {
            requests.push(("deleted", None, FieldClock { at: d, who: b.updated_by.clone(), base: None }));
            deleted = None;
        } else if let (true, Some(acc)) =
            (DEPENDENT_KINDS.contains(&format!("'{}'", b.kind)), routing(&b.kind, &fields).0)
        {
            if tx.query_one(&st.deletion_waits, &[&acc])?.try_get::<_, bool>(0)? {
                held_with_account = true;
                deleted = None;
            }
        }
    }
    for (field, value, clock) in &requests {
        let clock = serde_json::to_value(ClockJson::from(clock)).unwrap_or(Json::Null);
        let reason = if *field == "deleted" { b.reason.clone().unwrap_or_default() } else { String::new() };
        tx.execute(&st.request, &[&op.op_id, &id, &b.kind, field, value, &clock, &reason])?;
    }
    // A rep's account live again after their deletion of it (restored
    // from their trash) withdraws the request still waiting.
    let mut withdrawn = false;
    if hold && b.kind == "account" && b.deleted_at.is_none() && hub_deleted.is_none() {
        withdrawn = tx.query_one(&st.withdraw, &[&id, &b.updated_at])?.try_get::<_, i32>(0)? > 0;
    }
    let waits = !requests.is_empty() || held_with_account;
    if newest.is_none() && deleted.is_none() {
        return Ok(match (waits, withdrawn) {
            (true, _) => Applied::Pending,
            (false, true) => Applied::Withdrawn,
            (false, false) => Applied::Same,
        });
    }
    let (at, who) = match (&newest, deleted) {
        (Some(n), _) => (n.at, n.who.clone()),
        (None, Some(Some(d))) => (d, b.updated_by.clone()),
        _ => (b.updated_at, b.updated_by.clone()),
    };
    let deleted_at = deleted.unwrap_or(hub_deleted);
    let (account, owner, store) = routing(&b.kind, &fields);
    let (name_key, phone_key) = index_keys(&st.hub_id, &b.kind, &fields);
    // An account that changes owner or region may reach other reps now:
    // its contacts, orders … get new change numbers, so those reps' next
    // pull brings them with it (as a share does), not only as they change.
    let reach_changed = b.kind == "account" && reach(&fields) != reach_before;
    tx.execute(
        &st.update,
        &[
            &id,
            &Json::Object(fields),
            &Json::Object(clocks),
            &account,
            &owner,
            &store,
            &at,
            &who,
            &deleted_at,
            &name_key,
            &phone_key,
        ],
    )?;
    if reach_changed {
        tx.execute(&st.renumber_children, &[&id])?;
    }
    Ok(if waits { Applied::Pending } else { Applied::Updated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_url_has_the_user_and_password_and_keeps_the_rest() {
        let u =
            user_url("postgresql://admin:secret@hub.example:6543/kam?sslmode=require", "kam_wang", "abc").expect("url");
        assert_eq!(u, "postgresql://kam_wang:abc@hub.example:6543/kam?sslmode=require");
        let u = user_url("host=127.0.0.1 port=5433 user=postgres dbname=x sslmode=disable", "kam_li", "p").expect("kv");
        assert_eq!(u, "postgresql://kam_li:p@127.0.0.1:5433/x?sslmode=disable");
        assert!(!shown("postgresql://admin:secret@hub.example:6543/kam").contains("secret"));
        assert_eq!(shown("postgresql://admin:secret@hub.example:6543/kam"), "hub.example:6543/kam");
    }

    #[test]
    fn the_ownership_index_matches_a_company_written_another_way_and_shows_nothing_of_it() {
        let hub = uuid::Uuid::new_v4();
        let (n, p) = company_index_keys(&hub, "上海华联超市有限公司", "+86 138-0013-8000");
        assert_eq!((n.len(), p.len()), (32, 32));
        assert!(n.bytes().chain(p.bytes()).all(|b| b.is_ascii_hexdigit()));
        assert_eq!(company_index_keys(&hub, "上海华联超市(中国)股份有限公司", "13800138000"), (n.clone(), p.clone()));
        assert_ne!(n, p, "a name and a phone never match each other");
        // Another hub's digests of the same company are other digests.
        assert_ne!(company_index_keys(&uuid::Uuid::new_v4(), "上海华联超市有限公司", "13800138000").0, n);
        // Nothing to match on: no key.
        assert_eq!(company_index_keys(&hub, " (中国) ", "8000"), (String::new(), String::new()));
    }

    #[test]
    fn the_ca_file_is_taken_out_of_the_connection_string() {
        let c = ConnString::parse(
            "postgresql://u:p%40ss@hub.example:5432/kam?sslmode=require&sslrootcert=%2Fetc%2Fkam%2Fca.pem",
        );
        assert_eq!(c.rest, "postgresql://u:p%40ss@hub.example:5432/kam?sslmode=require");
        assert_eq!((c.root_cert.as_deref(), c.verify), (Some("/etc/kam/ca.pem"), None));
        let c = ConnString::parse("postgres://u:p?x@h/db?sslrootcert=/ca.pem&sslmode=verify-full&application_name=x");
        assert_eq!(
            c.rest, "postgres://u:p?x@h/db?sslmode=require&application_name=x",
            "a ? in the password is not the query"
        );
        assert_eq!((c.root_cert.as_deref(), c.verify), (Some("/ca.pem"), Some("verify-full")));
        let c = ConnString::parse("postgresql://h/db?sslrootcert=/ca.pem");
        assert_eq!((c.rest.as_str(), c.root_cert.as_deref()), ("postgresql://h/db", Some("/ca.pem")));
        let c = ConnString::parse("host=h sslmode = verify-ca sslrootcert='/my certs/ca.pem' dbname=kam");
        assert_eq!(c.rest, "host=h sslmode=require  dbname=kam");
        assert_eq!((c.root_cert.as_deref(), c.verify), (Some("/my certs/ca.pem"), Some("verify-ca")));
        let c = ConnString::parse(r"sslrootcert=/a\ b.pem password='it\'s'");
        assert_eq!((c.rest.as_str(), c.root_cert.as_deref()), (r" password='it\'s'", Some("/a b.pem")));
        let plain = "host=h dbname=kam sslmode=require";
        assert_eq!(ConnString::parse(plain), ConnString { rest: plain.into(), root_cert: None, verify: None });
        // What cannot be read is left for tokio-postgres to refuse.
        assert_eq!(ConnString::parse("host='h").rest, "host='h");
        for url in [
            "postgresql://u:p@h/db?sslrootcert=/ca.pem",
            "host=h sslrootcert=/ca.pem",
            "postgresql://h/db?sslmode=verify-full",
        ] {
            assert!(postgres::Config::from_str(&ConnString::parse(url).rest).is_ok(), "{url}");
        }
        assert!(postgres::Config::from_str("host=h sslrootcert=/ca.pem").is_err(), "tokio-postgres refuses it");
        assert!(postgres::Config::from_str("host=h sslmode=verify-full").is_err(), "and verify-full");
        assert_eq!(shown("postgresql://u:p@hub.example:6543/kam?sslrootcert=/ca.pem"), "hub.example:6543/kam");
    }

    #[test]
    fn a_user_url_keeps_the_ca_file_and_the_verify_mode() {
        let u = user_url(
            "postgresql://admin:s@hub.example/kam?sslmode=verify-full&sslrootcert=/etc/kam/ca%20file.pem",
            "kam_wang",
            "abc",
        )
        .expect("url");
        assert_eq!(
            u,
            "postgresql://kam_wang:abc@hub.example:5432/kam?sslmode=verify-full&sslrootcert=/etc/kam/ca%20file.pem"
        );
        let u =
            user_url(r"host=h dbname=kam sslmode=require sslrootcert='C:\\kam\\ca.pem'", "kam_li", "p").expect("kv");
        assert_eq!(u, "postgresql://kam_li:p@h:5432/kam?sslmode=require&sslrootcert=C:%5Ckam%5Cca.pem");
        assert_eq!(ConnString::parse(&u).root_cert.as_deref(), Some(r"C:\kam\ca.pem"));
    }

    #[test]
    fn a_ca_file_that_cannot_be_used_is_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let missing = dir.path().join("no-such-ca.pem").display().to_string();
        let err = Hub::connect(&format!("postgresql://u:p@127.0.0.1:1/db?sslmode=require&sslrootcert={missing}"))
            .expect_err("missing");
        assert!(
            matches!(&err, HubError::CaFile { path, problem: CaFileProblem::Missing } if *path == missing),
            "{err:?}"
        );
        assert!(err.to_string().contains("no-such-ca.pem"), "{err}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let err = Hub::connect(&format!("host=127.0.0.1 port=1 sslrootcert={}", empty.display())).expect_err("empty");
        assert!(matches!(&err, HubError::CaFile { problem: CaFileProblem::NoCertificate, .. }), "{err:?}");
        let bad = dir.path().join("bad.pem");
        std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").expect("write");
        let err = Hub::connect(&format!("host=127.0.0.1 port=1 sslrootcert={}", bad.display())).expect_err("bad");
        assert!(matches!(&err, HubError::CaFile { problem: CaFileProblem::Invalid(_), .. }), "{err:?}");
        // sslmode=disable reads no CA file, as libpq: the connection itself fails.
        let err =
            Hub::connect(&format!("host=127.0.0.1 port=1 sslmode=disable sslrootcert={missing}")).expect_err("refused");
        assert!(matches!(&err, HubError::Unreachable { .. }), "{err:?}");
    }

    #[test]
    fn role_names_are_readable_when_they_can_be() {
        assert_eq!(role_name("Wang_Li"), "kam_wang_li");
        let r = role_name("王伟");
        assert!(r.starts_with("kam_") && r.len() == 16 && r[4..].chars().all(|c| c.is_ascii_hexdigit()), "{r}");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn who_may_see_a_record_comes_from_its_fields() {
        let mut f = Map::new();
        f.insert("owner".into(), Json::from("王伟"));
        f.insert("store".into(), Json::from("南京西路店"));
        f.insert("account_id".into(), Json::from("0190b7a0-0000-7000-8000-000000000001"));
        assert_eq!(routing("account", &f), (None, Some("王伟".into()), None));
        let (acc, owner, store) = routing("vip_card", &f);
        assert!(acc.is_some());
        assert_eq!((owner, store), (None, Some("南京西路店".into())));
    }
}
