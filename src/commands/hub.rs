//! `kam hub init` and `kam hub add-user` (#23): the head office's hub on
//! PostgreSQL, run by an administrator.

use super::{Ctx, Failure};
use crate::cli::{HubAddUserArgs, HubInitArgs, HubRoleArg};
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
        HubError::BadUrl(_) => Failure::usage(text),
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
        T::HubUserAdded
            .fill(l, &[("name", &crate::safe_text::cell(name)), ("role", role.key()), ("pg_role", &user.pg_role)])
    );
    crate::say!("hub = \"{}\"", user.url);
    Ok(())
}
