//! `kam hub init`, `kam hub add-user`, the share lists (`kam hub share`,
//! `unshare`, `shares`) and the approval of reps' archive edits and account
//! deletions (`kam hub pending`, `approve`, `reject`) (#23): the head
//! office's hub on PostgreSQL, run by an administrator or a manager.

use super::{Ctx, Failure};
use crate::cli::{
    HubAddUserArgs, HubApproveArgs, HubInitArgs, HubPendingArgs, HubRejectArgs, HubRoleArg, HubShareArgs,
    HubSharesArgs, HubTerritoryArgs,
};
use crate::config::Config;
use crate::i18n::T;
use crate::store::{Hub, HubError, HubRole, HUB_SCHEMA_VERSION};
use kam_rules::Lang;

/// The hub's connection string: the flag (or `KAM_HUB`), else config.toml.
pub fn url_of(lang: Lang, given: Option<&str>, config: &Config) -> Result<String, Failure> {
    crate::exchange::hub_sync::hub_url(given, config).ok_or_else(|| Failure::usage(T::HubNoUrl.get(lang)))
}

/// A hub's error in the user's words: a connection string that cannot be
/// read is a mistake on the command line, the rest a failure.
pub fn failure(lang: Lang, e: &HubError) -> Failure {
    let text = crate::exchange::hub_sync::hub_error_text(lang, e);
    match e {
        HubError::BadUrl(_) | HubError::CaFile { .. } => Failure::usage(text),
        _ => Failure::failed(text),
    }
}

pub fn init(ctx: &Ctx, config: &Config, args: &HubInitArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    let (found, id) = hub.init().map_err(|e| failure(l, &e))?;
    crate::say!(
        "{}",
        T::HubInitDone.fill(
            l,
            &[
                ("hub", hub.shown()),
                ("version", &HUB_SCHEMA_VERSION.to_string()),
                ("found", &found.to_string()),
                ("id", &id.to_string())
            ]
        )
    );
    Ok(())
}

pub fn add_user(ctx: &Ctx, config: &Config, args: &HubAddUserArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let role = match args.role {
        HubRoleArg::Rep => HubRole::Rep,
        HubRoleArg::Staff => HubRole::Staff,
        HubRoleArg::Manager => HubRole::Manager,
    };
    let store = args.store.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if role == HubRole::Staff && store.is_none() {
        return Err(Failure::usage(T::HubStoreNeeded.get(l)));
    }
    let name = args.name.trim();
    if let Some(c) = name.chars().find(|c| !crate::safe_text::enterable(*c)) {
        return Err(Failure::usage(format!("NAME: U+{:04X} ({})", u32::from(c), crate::safe_text::shown_char(c))));
    }
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    let user = hub.add_user(&url, name, role, store).map_err(|e| failure(l, &e))?;
    crate::say!(
        "{}",
        T::HubUserAdded.fill(
            l,
            &[("name", &crate::safe_text::cell(name)), ("role", role_label(role).get(l)), ("pg_role", &user.pg_role)]
        )
    );
    crate::say!("hub = \"{}\"", user.url);
    Ok(())
}

/// A hub role in the user's words (客户经理, 导购, 经理).
fn role_label(role: HubRole) -> T {
    match role {
        HubRole::Rep => T::RoleRep,
        HubRole::Staff => T::RoleStaff,
        HubRole::Manager => T::RoleManager,
    }
}

/// An id given on the command line as the argument `name` (ACCOUNT_ID, REQUEST_ID).
fn id_arg(name: &str, arg: &str) -> Result<uuid::Uuid, Failure> {
    uuid::Uuid::parse_str(arg.trim())
        .map_err(|e| Failure::usage(format!("{name}: {}: {e}", crate::safe_text::cell(arg))))
}

/// An account id given on the command line.
fn account_id(arg: &str) -> Result<uuid::Uuid, Failure> {
    id_arg("ACCOUNT_ID", arg)
}

pub fn share(ctx: &Ctx, config: &Config, args: &HubShareArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let id = account_id(&args.account)?;
    let user = args.user.trim();
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    let added = hub.share(id, user).map_err(|e| failure(l, &e))?;
    let name =
        hub.shares(Some(id)).map_err(|e| failure(l, &e))?.into_iter().next().map(|s| s.account).unwrap_or_default();
    let text = if added { T::HubShared } else { T::HubAlreadyShared };
    crate::say!(
        "{}",
        text.fill(
            l,
            &[
                ("account", &crate::safe_text::cell(&name)),
                ("id", &id.to_string()),
                ("user", &crate::safe_text::cell(user))
            ]
        )
    );
    Ok(())
}

pub fn unshare(ctx: &Ctx, config: &Config, args: &HubShareArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let id = account_id(&args.account)?;
    let user = args.user.trim();
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    hub.unshare(id, user).map_err(|e| failure(l, &e))?;
    crate::say!("{}", T::HubUnshared.fill(l, &[("id", &id.to_string()), ("user", &crate::safe_text::cell(user))]));
    Ok(())
}

pub fn shares(ctx: &Ctx, config: &Config, args: &HubSharesArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let id = args.account.as_deref().map(account_id).transpose()?;
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    let list = hub.shares(id).map_err(|e| failure(l, &e))?;
    if list.is_empty() {
        crate::say!("{}", T::HubSharesNone.get(l));
    }
    for s in list {
        crate::say!(
            "{}",
            T::HubShareLine.fill(
                l,
                &[
                    ("account", &crate::safe_text::cell(&s.account)),
                    ("id", &s.account_id),
                    ("user", &crate::safe_text::cell(&s.user)),
                    ("by", &crate::safe_text::cell(&s.shared_by)),
                    ("at", &crate::clock::local_text(s.shared_at)),
                ]
            )
        );
    }
    Ok(())
}

/// A request given on the command line by its id or by the start of it
/// (the 8 characters the workbench's list shows), among `requests`.
fn request_of<'r>(
    l: Lang,
    hub: &Hub,
    arg: &str,
    requests: &'r [crate::store::Request],
) -> Result<Option<&'r crate::store::Request>, Failure> {
    let arg = arg.trim();
    if uuid::Uuid::parse_str(arg).is_ok() {
        return Ok(requests.iter().find(|r| r.id.eq_ignore_ascii_case(arg)));
    }
    let prefix = arg.to_ascii_lowercase();
    if prefix.len() < 4 || !prefix.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return id_arg("REQUEST_ID", arg).map(|_| None);
    }
    let found: Vec<_> = requests.iter().filter(|r| r.id.starts_with(&prefix)).collect();
    match found.as_slice() {
        [one] => Ok(Some(*one)),
        [] => Err(failure(l, &HubError::NoSuchRequest { hub: hub.shown().to_string(), id: arg.to_string() })),
        many => Err(Failure::usage(
            T::RequestIdAmbiguous.fill(l, &[("id", &crate::safe_text::cell(arg)), ("n", &many.len().to_string())]),
        )),
    }
}

pub fn pending(ctx: &Ctx, config: &Config, args: &HubPendingArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    let list = hub.requests(args.all).map_err(|e| failure(l, &e))?;
    if list.is_empty() {
        crate::say!("{}", T::RequestNone.get(l));
    }
    for r in &list {
        let state = crate::exchange::hub_sync::request_state_text(l, r.state);
        let line = crate::exchange::hub_sync::request_text(l, r);
        if args.all && r.state == crate::store::RequestState::Pending {
            crate::say!("[{state}] {line}");
        } else {
            crate::say!("{line}");
        }
    }
    Ok(())
}

/// Approves or rejects (`reason`: the rejection's) a request and says what became of it.
fn decide(ctx: &Ctx, config: &Config, id: &str, url: Option<&str>, reason: Option<&str>) -> Result<(), Failure> {
    let l = ctx.lang;
    let url = url_of(l, url, config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    let all = hub.requests(true).map_err(|e| failure(l, &e))?;
    let before = request_of(l, &hub, id, &all)?.cloned();
    // A whole id the connection cannot read is still the hub's to refuse or name.
    let id = match &before {
        Some(r) => uuid::Uuid::parse_str(&r.id).map_err(|e| Failure::usage(format!("REQUEST_ID: {e}")))?,
        None => id_arg("REQUEST_ID", id)?,
    };
    match reason {
        Some(reason) => hub.reject(id, reason),
        None => hub.approve(id),
    }
    .map_err(|e| failure(l, &e))?;
    let (what, account) = before.map_or_else(
        || (String::new(), String::new()),
        |r| (crate::exchange::hub_sync::request_what_text(l, &r), crate::safe_text::cell(&r.account).into_owned()),
    );
    let text = if reason.is_some() { T::RequestRejectedDone } else { T::RequestApprovedDone };
    crate::say!("{}", text.fill(l, &[("what", &what), ("account", &account)]));
    Ok(())
}

pub fn approve(ctx: &Ctx, config: &Config, args: &HubApproveArgs) -> Result<(), Failure> {
    decide(ctx, config, &args.id, args.url.as_deref(), None)
}

pub fn reject(ctx: &Ctx, config: &Config, args: &HubRejectArgs) -> Result<(), Failure> {
    let reason = args.reason.trim();
    if reason.is_empty() {
        return Err(Failure::usage(T::RequestReasonNeeded.get(ctx.lang)));
    }
    decide(ctx, config, &args.id, args.url.as_deref(), Some(reason))
}

pub fn territory(ctx: &Ctx, config: &Config, args: &HubTerritoryArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    let user = args.user.trim();
    let region = args.region.as_deref().map(str::trim);
    if region == Some("") {
        return Err(Failure::usage(T::HubRegionEmpty.get(l)));
    }
    let url = url_of(l, args.url.as_deref(), config)?;
    let mut hub = Hub::connect(&url).map_err(|e| failure(l, &e))?;
    hub.id().map_err(|e| failure(l, &e))?;
    let name = crate::safe_text::cell(user).into_owned();
    let Some(region) = region else {
        let list = hub.territories(user).map_err(|e| failure(l, &e))?;
        if list.is_empty() {
            crate::say!("{}", T::HubTerritoriesNone.fill(l, &[("name", &name)]));
        }
        for (region, by, at) in list {
            crate::say!(
                "{}",
                T::HubTerritoryLine.fill(
                    l,
                    &[
                        ("region", &crate::safe_text::cell(&region)),
                        ("by", &crate::safe_text::cell(&by)),
                        ("at", &crate::clock::local_text(at))
                    ]
                )
            );
        }
        return Ok(());
    };
    let shown = crate::safe_text::cell(region).into_owned();
    let text = if args.remove {
        hub.remove_territory(user, region).map_err(|e| failure(l, &e))?;
        T::HubTerritoryRemoved
    } else if hub.add_territory(user, region).map_err(|e| failure(l, &e))? {
        T::HubTerritoryAdded
    } else {
        T::HubTerritoryHad
    };
    crate::say!("{}", text.fill(l, &[("name", &name), ("region", &shown)]));
    Ok(())
}
