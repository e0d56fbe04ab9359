//! The sync with the head office's hub (#23) that `kam sync` and the
//! workbench's sync key share: push this file's changes as field-level
//! operations, a batch per transaction, then pull and merge what others
//! changed that this user may see, through the day-end merge's rules.
//! Offline, the changes stay queued in the file. The PostgreSQL side is
//! [`crate::store::Hub`]; the file's side is `store::sync`.

use crate::config::Config;
use crate::exchange::import::{write_conflicts, MergeConflict};
use crate::i18n::T;
use crate::store::{
    Applied, CaFileProblem, HeldAtHub, Hub, HubError, MergeOutcome, Request, RequestKind, RequestState, Store,
    TlsProblem,
};
use kam_rules::Lang;

/// Operations pushed per transaction.
pub const PUSH_BATCH: u32 = 500;

/// Records pulled per request.
pub const PULL_PAGE: i64 = 5_000;

/// Entries of the ownership index read per request (small rows: an id,
/// two digests and a name).
pub const OWNERS_PAGE: i32 = 20_000;

/// One operation a sync pushed and what the hub did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub kind: String,
    pub id: String,
    pub applied: Applied,
}

/// What a sync did.
#[derive(Debug, Default, Clone)]
pub struct SyncReport {
    pub pushed: Vec<Pushed>,
    pub pulled: u64,
    pub inserted: u64,
    pub updated: u64,
    pub same: u64,
    pub conflicts: Vec<MergeConflict>,
    /// This user's changes waiting for a manager's approval at the hub.
    pub awaiting: u64,
    /// Decisions on this user's requests made since the last sync told them.
    pub decided: Vec<Request>,
    /// Entries of the ownership index (who holds which company) brought up to date.
    pub owners: u64,
    /// Accounts brought back from this file's trash because a manager
    /// rejected their deletion.
    pub restored: u64,
    /// Accounts this user may no longer see at the hub, removed from the file.
    pub forgotten: u64,
}

/// How far a sync has come (the workbench's status line shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Connected and the changes queued: `pushed` of `total` operations
    /// taken by the hub so far (reported after each batch).
    Pushing { pushed: u64, total: u64 },
    /// The push is done; `pulled` records brought so far (reported after
    /// each page, then merged in one transaction).
    Pulling { pulled: u64 },
}

/// The environment variable `kam sync --hub` defaults to.
pub const HUB_ENV: &str = "KAM_HUB";

/// The hub's connection string: `given` (the `--hub` flag, or `KAM_HUB`
/// as clap reads it), else `hub` in config.toml; `None`: no hub.
pub fn hub_url(given: Option<&str>, config: &Config) -> Option<String> {
    given
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .or_else(|| config.hub.as_deref().map(str::trim).filter(|u| !u.is_empty()))
        .map(str::to_string)
}

/// The hub this file syncs with when no `--hub` is given, as `kam sync`
/// finds it: `KAM_HUB`, else `hub` in config.toml; `None`: no hub (kam
/// works alone). The workbench's sync key uses it.
pub fn configured_url(config: &Config) -> Option<String> {
    hub_url(std::env::var(HUB_ENV).ok().as_deref(), config)
}

/// A hub's error in the user's words.
pub fn hub_error_text(lang: Lang, e: &HubError) -> String {
    let cell = |s: &str| crate::safe_text::cell(s).into_owned();
    match e {
        HubError::BadUrl(d) => T::HubBadUrl.fill(lang, &[("detail", &cell(d))]),
        HubError::Unreachable { hub, detail } => {
            T::HubUnreachable.fill(lang, &[("hub", hub), ("detail", &cell(detail))])
        }
        HubError::NoAnswer { hub, secs } => T::HubNoAnswer.fill(lang, &[("hub", hub), ("secs", &secs.to_string())]),
        HubError::Login { hub, detail } => T::HubLogin.fill(lang, &[("hub", hub), ("detail", &cell(detail))]),
        HubError::Denied { hub, detail } => T::HubDenied.fill(lang, &[("hub", hub), ("detail", &cell(detail))]),
        HubError::NotInitialised { hub } => T::HubNotInit.fill(lang, &[("hub", hub)]),
        HubError::TooNew { hub, found, supported } => T::HubTooNew
            .fill(lang, &[("hub", hub), ("found", &found.to_string()), ("supported", &supported.to_string())]),
        HubError::TooOld { hub, found, supported } => T::HubTooOld
            .fill(lang, &[("hub", hub), ("found", &found.to_string()), ("supported", &supported.to_string())]),
        HubError::NoSuchUser { hub, name } => T::HubNoSuchUser.fill(lang, &[("hub", hub), ("name", &cell(name))]),
        HubError::NoSuchAccount { hub, id, kind: None } => T::HubNoSuchAccount.fill(lang, &[("hub", hub), ("id", id)]),
        HubError::NoSuchAccount { hub, id, kind: Some(k) } => {
            let kind = crate::i18n::kind_label(k).map_or_else(|| cell(k), |t| t.get(lang).to_string());
            T::HubNotAnAccount.fill(lang, &[("hub", hub), ("id", id), ("kind", &kind)])
        }
        HubError::NotARep { hub, name, role } => {
            T::HubNotARep.fill(lang, &[("hub", hub), ("name", &cell(name)), ("role", &cell(role))])
        }
        HubError::NoSuchShare { hub, id, name } => {
            T::HubNoSuchShare.fill(lang, &[("hub", hub), ("id", id), ("name", &cell(name))])
        }
        HubError::NoSuchTerritory { hub, name, region } => {
            T::HubNoSuchTerritory.fill(lang, &[("hub", hub), ("name", &cell(name)), ("region", &cell(region))])
        }
        HubError::NoSuchRequest { hub, id } => T::HubNoSuchRequest.fill(lang, &[("hub", hub), ("id", id)]),
        HubError::AlreadyDecided { hub, id, state } => {
            let state = request_state_text(lang, crate::store::RequestState::parse_key(state));
            T::HubAlreadyDecided.fill(lang, &[("hub", hub), ("id", id), ("state", state)])
        }
        HubError::Sql { hub, context, detail } => {
            T::HubFailed.fill(lang, &[("hub", hub), ("context", &cell(context)), ("detail", &cell(detail))])
        }
        HubError::Tls { hub, problem, detail } => {
            let t = match problem {
                TlsProblem::Untrusted => T::HubTlsUntrusted,
                TlsProblem::WrongHost => T::HubTlsWrongHost,
                TlsProblem::Expired => T::HubTlsExpired,
                TlsProblem::NotOffered => T::HubTlsNotOffered,
                TlsProblem::PlainRefused => T::HubTlsPlainRefused,
                TlsProblem::Failed => T::HubTlsFailed,
            };
            t.fill(lang, &[("hub", hub), ("detail", &cell(detail))])
        }
        HubError::CaFile { path, problem } => {
            let path = cell(path);
            match problem {
                CaFileProblem::Missing => T::HubCaMissing.fill(lang, &[("path", &path)]),
                CaFileProblem::Unreadable(d) => T::HubCaUnreadable.fill(lang, &[("path", &path), ("detail", &cell(d))]),
                CaFileProblem::NoCertificate => T::HubCaEmpty.fill(lang, &[("path", &path)]),
                CaFileProblem::Invalid(d) => T::HubCaInvalid.fill(lang, &[("path", &path), ("detail", &cell(d))]),
            }
        }
    }
}

/// A request's state in the user's words.
pub fn request_state_text(lang: Lang, state: RequestState) -> &'static str {
    match state {
        RequestState::Pending => T::RequestPending.get(lang),
        RequestState::Approved => T::RequestApproved.get(lang),
        RequestState::Rejected => T::RequestRejected.get(lang),
        RequestState::Withdrawn => T::RequestWithdrawn.get(lang),
    }
}

/// What a request changes, in the user's words: a deletion, or an archive
/// edit with how many entries the new archive has.
pub fn request_what_text(lang: Lang, r: &Request) -> String {
    match r.what {
        RequestKind::Delete => T::RequestDelete.get(lang).to_string(),
        RequestKind::Archive => {
            let n = r.value.as_ref().and_then(serde_json::Value::as_array).map_or(0, Vec::len);
            T::RequestArchive.fill(lang, &[("n", &n.to_string())])
        }
    }
}

/// One request as `kam hub pending` lists it and `kam sync` reports a
/// decision: what, of which account, by whom and when, the rep's reason,
/// and once decided by whom, when and (a rejection) why.
pub fn request_text(lang: Lang, r: &Request) -> String {
    request_line(lang, r, &r.id)
}

/// One request as the workbench lists it: as [`request_text`], with the
/// first 8 characters of its id (the list picks it by the cursor, not by id).
pub fn request_text_short(lang: Lang, r: &Request) -> String {
    request_line(lang, r, r.id.get(..8).unwrap_or(&r.id))
}

fn request_line(lang: Lang, r: &Request, id: &str) -> String {
    let cell = |s: &str| crate::safe_text::cell(s).into_owned();
    let mut line = T::RequestLine.fill(
        lang,
        &[
            ("id", id),
            ("what", &request_what_text(lang, r)),
            ("account", &cell(&r.account)),
            ("record", &r.record_id),
            ("who", &cell(&r.requested_by)),
            ("at", &crate::clock::local_text(r.requested_at)),
        ],
    );
    if !r.reason.is_empty() {
        line.push_str(&T::RequestReason.fill(lang, &[("reason", &cell(&r.reason))]));
    }
    if let (Some(by), Some(at)) = (&r.decided_by, r.decided_at) {
        line.push_str(&T::RequestDecided.fill(
            lang,
            &[("state", request_state_text(lang, r.state)), ("by", &cell(by)), ("at", &crate::clock::local_text(at))],
        ));
        if !r.decision.is_empty() {
            line.push_str(&T::RequestReason.fill(lang, &[("reason", &cell(&r.decision))]));
        }
    }
    line
}

/// A colleague at the hub holding the company, as the duplicate guard says it.
pub fn held_at_hub_text(lang: Lang, h: &HeldAtHub) -> String {
    let owner = if h.owner.trim().is_empty() {
        T::HeldAtHubNoOwner.get(lang).to_string()
    } else {
        crate::safe_text::cell(&h.owner).into_owned()
    };
    let t = match (h.by_name, h.by_phone) {
        (true, true) => T::HeldAtHubByBoth,
        (true, false) => T::HeldAtHubByName,
        _ => T::HeldAtHubByPhone,
    };
    t.fill(lang, &[("owner", &owner)])
}

/// That nothing is lost when a sync stops: `waiting` changes stay queued.
pub fn queue_kept_text(lang: Lang, waiting: u64) -> String {
    T::HubQueueKept.fill(lang, &[("n", &waiting.to_string())])
}

/// What stopped a sync.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Hub(#[from] HubError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

/// Connects, pushes the queue a batch per transaction, then pulls and
/// merges. `each` hears of every operation the push applies (the tests
/// stop a push halfway there).
pub fn sync(
    store: &mut Store,
    url: &str,
    each: &mut dyn FnMut(usize) -> Result<(), HubError>,
) -> Result<SyncReport, SyncError> {
    sync_with_progress(store, url, each, &mut |_| {})
}

/// [`sync`], telling `progress` how far it has come after each batch
/// pushed and each page pulled (the workbench's worker sends it on).
pub fn sync_with_progress(
    store: &mut Store,
    url: &str,
    each: &mut dyn FnMut(usize) -> Result<(), HubError>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, SyncError> {
    let mut hub = Hub::connect(url)?;
    let hub_id = hub.id()?;
    store.begin_sync(&hub_id.to_string())?;
    store.stage_changes()?;
    let total = store.sync_state()?.waiting;
    progress(Progress::Pushing { pushed: 0, total });
    let mut report = SyncReport::default();
    loop {
        let batch = store.outbox(PUSH_BATCH)?;
        if batch.is_empty() {
            break;
        }
        let ops: Vec<_> = batch.iter().map(|(_, op)| op.clone()).collect();
        let applied = hub.push(&ops, each)?;
        store.outbox_done(&batch.iter().map(|(s, _)| *s).collect::<Vec<_>>())?;
        report.pushed.extend(applied.into_iter().zip(batch).map(|(applied, (_, op))| Pushed {
            kind: op.body.kind,
            id: op.body.id,
            applied,
        }));
        progress(Progress::Pushing { pushed: report.pushed.len() as u64, total });
    }
    let mine = hub.my_requests()?;
    report.awaiting = mine.waiting;
    report.decided = mine.decided;
    // A deletion a manager rejected: the account is still the company's,
    // so it comes back out of this file's trash with what went with it.
    for d in &report.decided {
        if d.state != RequestState::Rejected || d.what != RequestKind::Delete {
            continue;
        }
        let Ok(id) = crate::model::Id::parse(&d.record_id) else { continue };
        match store.restore(&id) {
            Ok(_) => report.restored += 1,
            // Not in the trash here (restored already, or purged).
            Err(crate::store::StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut cursor = store.sync_state()?.cursor;
    let mut pulled = Vec::new();
    progress(Progress::Pulling { pulled: 0 });
    loop {
        let page = hub.pull(cursor, PULL_PAGE)?;
        let Some(last) = page.last() else { break };
        cursor = last.seq;
        let full = i64::try_from(page.len()).unwrap_or(0) == PULL_PAGE;
        pulled.extend(page);
        progress(Progress::Pulling { pulled: pulled.len() as u64 });
        if !full {
            break;
        }
    }
    report.pulled = pulled.len() as u64;
    if pulled.is_empty() {
        // Nothing new at the hub: the file is as up to date as it is now.
        store.note_pull()?;
    } else {
        let mut conflicts = Vec::new();
        let (mut ins, mut upd, mut same) = (0, 0, 0);
        store.apply_pull(&pulled, cursor, &mut |kind, id, outcome| match outcome {
            MergeOutcome::Inserted => ins += 1,
            MergeOutcome::Updated => upd += 1,
            MergeOutcome::Same => same += 1,
            MergeOutcome::Conflict { updated, fields, label, account } => {
                if updated {
                    upd += 1;
                }
                conflicts.extend(fields.into_iter().map(|f| MergeConflict::from_field(kind, id, &label, &account, f)));
            }
            MergeOutcome::Deleted { conflicts: beaten, label, account } => {
                upd += 1;
                conflicts.extend(beaten.into_iter().map(|f| MergeConflict::from_field(kind, id, &label, &account, f)));
            }
        })?;
        report.inserted = ins;
        report.updated = upd;
        report.same = same;
        report.conflicts = conflicts;
    }
    report.owners = refresh_owners(store, &mut hub)?;
    report.forgotten = forget_unreachable(store, &mut hub)?;
    Ok(report)
}

/// A rep's accounts the hub no longer lets them read (unshared, given to
/// another rep, out of their territory) leave the file, with everything of
/// them; returns how many. Only accounts the hub holds (its ownership
/// index, just read, lists them: one it refused stays), and only for a
/// rep (a manager reaches everything; store staff reach no accounts, so
/// what they make stays theirs).
fn forget_unreachable(store: &mut Store, hub: &mut Hub) -> Result<u64, SyncError> {
    if hub.role()? != Some(crate::store::HubRole::Rep) {
        return Ok(0);
    }
    let known = store.accounts_known_to_hub()?;
    let ids: Vec<uuid::Uuid> = known.iter().filter_map(|id| uuid::Uuid::parse_str(id.as_str()).ok()).collect();
    if ids.is_empty() {
        return Ok(0);
    }
    let reachable: std::collections::HashSet<uuid::Uuid> = hub.reachable_accounts(&ids)?.into_iter().collect();
    let gone: Vec<crate::model::Id> = known
        .into_iter()
        .filter(|id| uuid::Uuid::parse_str(id.as_str()).is_ok_and(|u| !reachable.contains(&u)))
        .collect();
    if gone.is_empty() {
        return Ok(0);
    }
    Ok(store.forget_accounts(&gone)?)
}

/// Brings the file's copy of the hub's ownership index up to date, a page
/// per transaction; returns how many entries changed.
fn refresh_owners(store: &mut Store, hub: &mut Hub) -> Result<u64, SyncError> {
    let mut cursor = store.sync_state()?.owners_cursor;
    let mut n = 0;
    loop {
        let page = hub.owners(cursor, OWNERS_PAGE)?;
        let Some(last) = page.last() else { break };
        cursor = last.seq;
        store.apply_owners(&page, cursor)?;
        n += page.len() as u64;
        if page.len() < usize::try_from(OWNERS_PAGE).unwrap_or(usize::MAX) {
            break;
        }
    }
    Ok(n)
}

/// Writes a sync's conflicts to `conflicts.csv` beside the file, as the
/// day-end merge does; returns where, as the user reads it (or what went
/// wrong, naming the file).
pub fn write_sync_conflicts(store: &Store, l: Lang, conflicts: &[MergeConflict]) -> Result<String, String> {
    let dest = store.path().with_file_name("conflicts.csv");
    let shown = crate::safe_text::cell(&dest.display().to_string()).into_owned();
    match write_conflicts(&dest, l, conflicts) {
        Ok(_) => Ok(shown),
        Err(e) => Err(format!("{shown}: {}", crate::safe_text::cell(&e.to_string()))),
    }
}

/// How many records a sync's conflicts are in (a record may have several
/// fields in conflict).
pub fn conflicted_records(r: &SyncReport) -> usize {
    r.conflicts.iter().map(|c| c.id.as_str()).collect::<std::collections::BTreeSet<_>>().len()
}
