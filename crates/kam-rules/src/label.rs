//! Bilingual names for every enum the rules speak of.
//!
//! Each enum has a stable snake_case key (used in files, the database and
//! JSON), a Chinese label and an English label. `parse` accepts any of the
//! three so that people can type either language on the command line.

use std::fmt;

/// The two languages kam speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

impl Lang {
    /// Picks a language from a locale string such as `zh_CN.UTF-8` or `en_US`.
    pub fn from_locale(locale: &str) -> Option<Self> {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Some(Self::Zh)
        } else if l.starts_with("en") || l == "c" || l == "posix" || l.starts_with("c.") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// Parses `zh` or `en` (also `中文`, `english`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "cn" | "chinese" | "中文" => Some(Self::Zh),
            "en" | "english" | "英文" => Some(Self::En),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }

    /// Chooses between a Chinese and an English text.
    pub fn pick<T>(self, zh: T, en: T) -> T {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }
}

/// An enum with a key and labels in both languages.
pub trait Labeled: Sized + Copy + 'static {
    /// Every value, in display order.
    const ALL: &'static [Self];
    /// Stable snake_case key.
    fn key(self) -> &'static str;
    /// Chinese label.
    fn zh(self) -> &'static str;
    /// English label.
    fn en(self) -> &'static str;
    /// Other names people type for the same value (seed 000 calls the top
    /// tier 钻石 where kam shows 白金); accepted by `parse`, never shown.
    fn aliases(self) -> &'static [&'static str] {
        &[]
    }
    /// The label in `lang`.
    fn label(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.en())
    }
    /// Accepts the key, the Chinese or the English label, or an alias
    /// (case-insensitive).
    fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Self::ALL.iter().copied().find(|v| {
            v.key().eq_ignore_ascii_case(t)
                || v.zh() == t
                || v.en().eq_ignore_ascii_case(t)
                || v.aliases().iter().any(|a| a.eq_ignore_ascii_case(t))
        })
    }
    /// The accepted keys, for error messages ("one of silver, gold, platinum").
    fn keys_list() -> String {
        Self::ALL.iter().map(|v| v.key()).collect::<Vec<_>>().join(", ")
    }
}

/// Error for a word that names none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}': expected one of {expected}")]
pub struct UnknownLabel {
    pub what: &'static str,
    pub given: String,
    pub expected: String,
}

/// Defines an enum with its key and bilingual labels, `Labeled`, `Display`
/// (the key), `FromStr` and serde through the key. Exported so the app's
/// own record enums are made the same way (the caller needs serde).
#[macro_export]
macro_rules! labeled_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident : $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => ($key:literal, $zh:literal, $en:literal $(, also [$($alias:literal),* $(,)?])?) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $crate::label::Labeled for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),+ }
            }
            fn zh(self) -> &'static str {
                match self { $(Self::$variant => $zh),+ }
            }
            fn en(self) -> &'static str {
                match self { $(Self::$variant => $en),+ }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($($alias),*)?]),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::label::Labeled::key(*self))
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::label::UnknownLabel;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::label::Labeled>::parse(s).ok_or_else(|| $crate::label::UnknownLabel {
                    what: $what,
                    given: s.to_string(),
                    expected: <Self as $crate::label::Labeled>::keys_list(),
                })
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::label::Labeled::key(*self))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_language() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::Zh));
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_locale("fr_FR"), None);
    }
}
