//! The user's settings (`config.toml`) and rules (`rules.toml`) from the config folder.

use std::io;
use std::path::Path;

use kam_rules::{Lang, Rules};
use serde::{Deserialize, Serialize};

use crate::paths::{show, Paths};

/// The user's role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    #[default]
    Rep,
    Staff,
    Manager,
}

/// `config.toml`: who uses kam and how.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Name written as `updated_by` on every change; defaults to the login name.
    pub user: Option<String>,
    pub role: Role,
    /// The store, for VIP cards.
    pub store: Option<String>,
    /// `zh` or `en`.
    pub language: Option<String>,
    /// The head office's hub (#23): this user's connection string, as
    /// `kam hub add-user` printed it. Without one kam works alone.
    pub hub: Option<String>,
}

/// A settings or rules file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl ConfigError {
    /// The message in `lang`: a file that cannot be read says why in words
    /// (a rules or config file's own problems quote the file and the TOML
    /// reader, which names keys in English as they are written).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Read { path, source } => {
                crate::i18n::T::CannotRead.fill(lang, &[("path", path), ("why", &crate::files::io_text(source, lang))])
            }
            Self::Invalid { .. } => self.to_string(),
        }
    }
}

impl Config {
    /// Reads `config.toml`; a missing file gives the defaults.
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let path = paths.config_file();
        let Some(text) = read_optional(&path)? else {
            return Ok(Self::default());
        };
        let config: Self = toml::from_str(&text)
            .map_err(|e| ConfigError::Invalid { path: show(&path), message: toml_message(&text, &e) })?;
        // The user's name is written as `updated_by` on every change and
        // the store's on every VIP card: a control character (ESC, BEL …)
        // there would be stored and exported, as typing cannot enter it.
        for (key, value) in
            [("user", &config.user), ("store", &config.store), ("language", &config.language), ("hub", &config.hub)]
        {
            if let Some(c) = value.as_deref().and_then(|v| v.chars().find(|c| !crate::safe_text::enterable(*c))) {
                return Err(ConfigError::Invalid {
                    path: show(&path),
                    message: format!(
                        "key {key}: a control character ({} U+{:04X}) in '{}': write plain text",
                        crate::safe_text::shown_char(c),
                        u32::from(c),
                        crate::safe_text::cell(value.as_deref().unwrap_or_default())
                    ),
                });
            }
        }
        // The name is stamped on every record's owner and history: limited
        // like every other name.
        for (key, value, max) in
            [("user", &config.user, crate::model::NAME_MAX), ("store", &config.store, crate::model::LINE_MAX)]
        {
            if value.as_deref().is_some_and(|v| v.chars().take(max + 1).count() > max) {
                return Err(ConfigError::Invalid {
                    path: show(&path),
                    message: format!("key {key}: more than {max} characters; write a shorter name"),
                });
            }
        }
        if let Some(l) = &config.language {
            if Lang::parse(l).is_none() {
                return Err(ConfigError::Invalid {
                    path: show(&path),
                    message: format!(
                        "key language: '{}' is not a language: write \"zh\" or \"en\"",
                        crate::safe_text::cell(l)
                    ),
                });
            }
        }
        Ok(config)
    }
}

/// The language: the flag, else the config, else `LANG`/`LC_ALL`, else Chinese.
pub fn resolve_lang(flag: Option<Lang>, config: &Config) -> Lang {
    flag.or_else(|| config.language.as_deref().and_then(Lang::parse))
        .or_else(|| {
            ["LC_ALL", "LC_MESSAGES", "LANG"]
                .iter()
                .filter_map(|k| std::env::var(k).ok())
                .find(|v| !v.is_empty())
                .and_then(|v| Lang::from_locale(&v))
        })
        .unwrap_or_default()
}

/// The rules in force: the user's `rules.toml` over the built-in defaults.
pub fn load_rules(paths: &Paths) -> Result<Rules, ConfigError> {
    let path = paths.rules_file();
    match read_optional(&path)? {
        None => Ok(Rules::default()),
        Some(text) => check_rules_text(&path, &text),
    }
}

/// Reads and validates a rules file.
pub fn check_rules_file(path: &Path) -> Result<Rules, ConfigError> {
    let text =
        crate::files::read_regular_to_string(path).map_err(|source| ConfigError::Read { path: show(path), source })?;
    check_rules_text(path, &text)
}

fn check_rules_text(path: &Path, text: &str) -> Result<Rules, ConfigError> {
    Rules::from_toml(text).map_err(|e| ConfigError::Invalid { path: show(path), message: e.to_string() })
}

fn read_optional(path: &Path) -> Result<Option<String>, ConfigError> {
    match crate::files::read_regular_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ConfigError::Read { path: show(path), source }),
    }
}

fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let line = e.span().map(|s| text.get(..s.start).unwrap_or(text).matches('\n').count() + 1);
    match line {
        Some(l) => format!("line {l}: {}", e.message().trim()),
        None => e.message().trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn paths_in(dir: &Path) -> Paths {
        Paths::for_db(dir.join("kam.db"), dir.to_path_buf())
    }

    #[test]
    fn control_characters_in_the_config_are_refused_naming_the_key() {
        let dir = tempfile::tempdir().expect("tmp");
        fs::write(dir.path().join("config.toml"), "user = \"李\\u001b[2J雷\"\n").expect("write");
        let e = Config::load(&paths_in(dir.path())).expect_err("control");
        let m = e.to_string();
        assert!(m.contains("key user") && m.contains("␛[2J") && !m.contains('\u{1b}'), "{m}");
    }

    #[cfg(unix)]
    #[test]
    fn a_rules_file_that_is_a_device_is_refused() {
        let e = check_rules_file(Path::new("/dev/zero")).expect_err("device");
        assert!(e.to_string().contains("device"), "{e}");
    }

    #[test]
    fn missing_config_is_defaults() {
        let dir = tempfile::tempdir().expect("tmp");
        let c = Config::load(&paths_in(dir.path())).expect("defaults");
        assert_eq!(c, Config::default());
        assert_eq!(c.role, Role::Rep);
    }

    #[test]
    fn a_typo_names_the_key_and_line() {
        let dir = tempfile::tempdir().expect("tmp");
        fs::write(dir.path().join("config.toml"), "user = \"王芳\"\nrole = \"boss\"\n").expect("write");
        let e = Config::load(&paths_in(dir.path())).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("boss"), "{e}");
        fs::write(dir.path().join("config.toml"), "usr = \"x\"\n").expect("write");
        let e = Config::load(&paths_in(dir.path())).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("usr"), "{e}");
        fs::write(dir.path().join("config.toml"), "language = \"fr\"\n").expect("write");
        let e = Config::load(&paths_in(dir.path())).unwrap_err().to_string();
        assert!(e.contains("language") && e.contains("zh"), "{e}");
    }

    #[test]
    fn a_name_longer_than_names_may_be_is_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = paths_in(dir.path());
        fs::write(dir.path().join("config.toml"), format!("user = \"{}\"\n", "王".repeat(201))).expect("write");
        let m = Config::load(&p).expect_err("too long").to_string();
        assert!(m.contains("key user") && m.contains("200"), "{m}");
        fs::write(dir.path().join("config.toml"), format!("user = \"{}\"\n", "王".repeat(200))).expect("write");
        assert_eq!(Config::load(&p).expect("at the limit").user.map(|u| u.chars().count()), Some(200));
    }

    #[test]
    fn user_rules_override_defaults() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = paths_in(dir.path());
        assert_eq!(load_rules(&p).expect("defaults"), Rules::default());
        fs::write(p.rules_file(), "[downgrade]\noverdue_days = 60\n").expect("write");
        assert_eq!(load_rules(&p).expect("user").downgrade.overdue_days, 60);
    }

    #[test]
    fn language_flag_wins() {
        let c = Config { language: Some("en".into()), ..Config::default() };
        assert_eq!(resolve_lang(Some(Lang::Zh), &c), Lang::Zh);
        assert_eq!(resolve_lang(None, &c), Lang::En);
    }
}
