//! The settings (`,`, and asked on the first start): who uses kam, their
//! role, their store and the language, written to `config.toml`.

use kam_rules::Lang;

use super::Binds;
use crate::config::{Config, Role};
use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

/// The roles offered: key, label.
const ROLES: [(Role, &str, T); 3] =
    [(Role::Rep, "rep", T::RoleRep), (Role::Staff, "staff", T::RoleStaff), (Role::Manager, "manager", T::RoleManager)];

/// The languages offered: key, name in that language.
const LANGUAGES: [(&str, &str); 2] = [("zh", "中文"), ("en", "English")];

pub fn binds() -> Binds<Config> {
    let mut b = Binds::<Config>::default();
    b.custom(
        F::UserName,
        T::FUserName,
        |c: &Config, app: &App| {
            let name = c.user.clone().unwrap_or_else(|| app.user_name());
            Field::text(F::UserName, T::FUserName, &name)
        },
        |f: &Form, c: &mut Config, _: &App| c.user = Some(f.text(F::UserName).trim().to_string()),
    )
    .required();
    b.custom(
        F::Role,
        T::FRole,
        |c: &Config, app: &App| {
            let options = ROLES.iter().map(|(_, k, t)| ((*k).to_string(), t.get(app.lang).to_string())).collect();
            let now = ROLES.iter().find(|(r, ..)| *r == c.role).map(|(_, k, _)| (*k).to_string());
            Field::choice(F::Role, T::FRole, options, now)
        },
        |f: &Form, c: &mut Config, _: &App| {
            let key = f.text(F::Role);
            c.role = ROLES.iter().find(|(_, k, _)| *k == key).map_or(Role::Rep, |(r, ..)| *r);
        },
    );
    b.custom(
        F::Store,
        T::VipFStore,
        |c: &Config, _: &App| Field::text(F::Store, T::VipFStore, c.store.as_deref().unwrap_or_default()),
        |f: &Form, c: &mut Config, _: &App| {
            let store = f.text(F::Store).trim().to_string();
            c.store = (!store.is_empty()).then_some(store);
        },
    );
    b.custom(
        F::Language,
        T::FLanguage,
        |c: &Config, app: &App| {
            let options = LANGUAGES.iter().map(|(k, n)| ((*k).to_string(), (*n).to_string())).collect();
            let lang = c.language.as_deref().and_then(Lang::parse).unwrap_or(app.lang);
            Field::choice(F::Language, T::FLanguage, options, Some(lang.key().to_string()))
        },
        |f: &Form, c: &mut Config, _: &App| c.language = Some(f.text(F::Language)),
    );
    b
}

pub fn form(app: &App, c: &Config) -> Form {
    binds().form(T::Settings, c, app)
}

pub fn apply(app: &App, form: &Form, c: &mut Config) {
    binds().apply(form, c, app);
}
