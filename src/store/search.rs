//! Search columns computed at write time: pinyin initials and full pinyin
//! over every reading of each character, a sort key, normalised phone digits.
//!
//! A name with several readings gets one variant per combination of readings
//! (曾志伟 → `zzw czw`, `zengzhiwei cengzhiwei`), separated by spaces so that a
//! query (which has no spaces) can never match across two variants. The
//! number of combinations is capped: past [`MAX_VARIANTS`] the remaining
//! characters keep only their first reading, which bounds the column for
//! long company names full of heteronyms.

use std::borrow::Cow;

use pinyin::ToPinyinMulti;

/// Most reading combinations kept per name.
pub(crate) const MAX_VARIANTS: usize = 32;

/// The pinyin search columns of one text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pinyin {
    /// Space-separated initials variants: `zzw czw`.
    pub initials: String,
    /// Space-separated full-pinyin variants without tones: `zengzhiwei cengzhiwei`.
    pub full: String,
    /// The first reading's full pinyin, for sorting Chinese names alphabetically.
    pub first: String,
}

/// The readings of each character of `text` that has any (Chinese
/// characters: their pinyin syllables without tones, every reading of a
/// heteronym; letters and digits: themselves in lower case), with the
/// character's position. Spaces and punctuation have none.
pub fn readings(text: &str) -> Vec<(usize, Vec<String>)> {
    readings_borrowed(text).into_iter().map(|(i, r)| (i, r.into_iter().map(Cow::into_owned).collect())).collect()
}

/// [`readings`] borrowing the pinyin table's syllables: a name's search
/// columns are built for every record written, and copying each syllable
/// was most of that.
fn readings_borrowed(text: &str) -> Vec<(usize, Vec<Cow<'static, str>>)> {
    const ASCII: &str = "0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    for (i, (c, multi)) in text.chars().zip(text.to_pinyin_multi()).enumerate() {
        match multi {
            Some(m) => {
                let mut r: Vec<Cow<'static, str>> = Vec::with_capacity(m.count());
                for p in m {
                    let s = p.plain();
                    // ü as input methods type it (女 nv) and as people
                    // write it without the dots (nu).
                    let mut add = |s: Cow<'static, str>| {
                        if !r.contains(&s) {
                            r.push(s);
                        }
                    };
                    if s.contains('ü') {
                        add(Cow::Owned(s.replace('ü', "v")));
                        add(Cow::Owned(s.replace('ü', "u")));
                    } else {
                        add(Cow::Borrowed(s));
                    }
                }
                if !r.is_empty() {
                    out.push((i, r));
                }
            }
            None if c.is_ascii_alphanumeric() => {
                let at = ASCII.find(c.to_ascii_lowercase()).unwrap_or_default();
                out.push((i, vec![Cow::Borrowed(&ASCII[at..=at])]));
            }
            None if c.is_alphanumeric() => out.push((i, vec![Cow::Owned(c.to_lowercase().collect())])),
            None => {}
        }
    }
    out
}

/// Computes the pinyin columns of a name.
pub(crate) fn pinyin(text: &str) -> Pinyin {
    let chars: Vec<Vec<Cow<'static, str>>> = readings_borrowed(text).into_iter().map(|(_, r)| r).collect();
    // How many readings of each character are combined: all of them while
    // the combinations stay within the cap, then the first only.
    let mut takes = Vec::with_capacity(chars.len());
    let mut combos = 1usize;
    for r in &chars {
        let take = if combos * r.len() <= MAX_VARIANTS { r.len() } else { 1 };
        combos *= take;
        takes.push(take);
    }
    // Each combination built once, the last character's readings varying
    // fastest (the first variant is every character's first reading),
    // straight into the columns' text; a variant already there is taken
    // out again.
    let width: usize = chars.iter().map(|r| r.first().map_or(0, |s| s.len())).sum();
    let mut full = Variants::with_capacity(combos, width);
    let mut initials = Variants::with_capacity(combos, chars.len());
    let mut pick = vec![0usize; chars.len()];
    for _ in 0..combos {
        full.start();
        initials.start();
        for (r, &k) in chars.iter().zip(&pick) {
            full.text.push_str(&r[k]);
            initials.text.push(r[k].chars().next().unwrap_or_default());
        }
        full.end();
        initials.end();
        for k in (0..pick.len()).rev() {
            pick[k] += 1;
            if pick[k] < takes[k] {
                break;
            }
            pick[k] = 0;
        }
    }
    let first = full.spans.first().map(|&(a, b)| full.text[a..b].to_string()).unwrap_or_default();
    Pinyin { initials: initials.text, full: full.text, first }
}

/// Distinct variants separated by spaces, in their first order, as they
/// are built: [`Variants::start`], the text pushed, [`Variants::end`].
struct Variants {
    text: String,
    /// Where each variant kept lies in `text`.
    spans: Vec<(usize, usize)>,
    /// Where the variant being built starts, and its separator.
    at: (usize, usize),
}

impl Variants {
    fn with_capacity(variants: usize, width: usize) -> Self {
        Self { text: String::with_capacity(variants * (width + 1)), spans: Vec::with_capacity(variants), at: (0, 0) }
    }

    fn start(&mut self) {
        let sep = self.text.len();
        if !self.spans.is_empty() {
            self.text.push(' ');
        }
        self.at = (sep, self.text.len());
    }

    /// Keeps the variant unless it is there already (at most
    /// [`MAX_VARIANTS`]: a look back beats hashing).
    fn end(&mut self) {
        let (sep, start) = self.at;
        let new = &self.text[start..];
        if self.spans.iter().any(|&(a, b)| &self.text[a..b] == new) {
            self.text.truncate(sep);
        } else {
            self.spans.push((start, self.text.len()));
        }
    }
}

/// The sort key of a name: its first-reading pinyin, then the name itself
/// so that equal pinyin still orders stably.
pub(crate) fn sort_key(name: &str, py: &Pinyin) -> String {
    format!("{} {}", py.first, name.trim())
}

/// What a filter typed into a list looks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Query {
    Nothing,
    /// Letters: pinyin initials or full pinyin (and Latin names).
    Pinyin(String),
    /// Digits: a piece of a phone number (or of a name with digits).
    Digits(String),
    /// Anything with Chinese characters or other text: a substring of the name.
    Text(String),
}

impl Query {
    pub fn parse(filter: &str) -> Self {
        let folded = kam_rules::dedupe::fold_width(filter.trim());
        let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            Self::Nothing
        } else if compact.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')')) {
            let digits: String = compact.chars().filter(char::is_ascii_digit).collect();
            if digits.is_empty() {
                Self::Text(folded)
            } else {
                Self::Digits(digits)
            }
        } else if compact.chars().all(|c| c.is_ascii_alphabetic()) {
            Self::Pinyin(compact.to_ascii_lowercase())
        } else {
            Self::Text(folded)
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An FTS5 query matching `s` as one phrase (a substring, with the trigram tokenizer).
pub(crate) fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reading_is_searchable() {
        let p = pinyin("曾志伟");
        assert!(p.initials.split(' ').any(|v| v == "zzw"), "{p:?}");
        assert!(p.full.split(' ').any(|v| v == "zengzhiwei"), "{p:?}");
        let p = pinyin("单田芳");
        assert!(p.initials.split(' ').any(|v| v == "stf"), "{p:?}");
        assert!(p.full.split(' ').any(|v| v == "shantianfang"), "{p:?}");
        let p = pinyin("张三");
        assert_eq!((p.initials.as_str(), p.first.as_str()), ("zs", "zhangsan"));
    }

    /// The variants as the first version built them, prefix by prefix.
    fn pinyin_by_prefixes(text: &str) -> Pinyin {
        let chars: Vec<Vec<String>> = readings(text).into_iter().map(|(_, r)| r).collect();
        let mut full: Vec<String> = vec![String::new()];
        let mut initials: Vec<String> = vec![String::new()];
        for r in &chars {
            let take = if full.len() * r.len() <= MAX_VARIANTS { r.len() } else { 1 };
            let mut next_full = Vec::new();
            let mut next_init = Vec::new();
            for (f, i) in full.iter().zip(&initials) {
                for reading in r.iter().take(take) {
                    next_full.push(format!("{f}{reading}"));
                    next_init.push(format!("{i}{}", reading.chars().next().unwrap_or_default()));
                }
            }
            full = next_full;
            initials = next_init;
        }
        let first = full.first().cloned().unwrap_or_default();
        let dedup = |v: &mut Vec<String>| {
            let mut seen = std::collections::HashSet::new();
            v.retain(|s| seen.insert(s.clone()));
        };
        dedup(&mut initials);
        dedup(&mut full);
        Pinyin { initials: initials.join(" "), full: full.join(" "), first }
    }

    proptest::proptest! {
        #[test]
        fn variants_are_those_of_the_first_version(text in "[长重行乐单曾朝还女绿张三李王的了和科技有限公司A-Z0-9 ]{0,16}") {
            proptest::prop_assert_eq!(pinyin(&text), pinyin_by_prefixes(&text));
        }
    }

    #[test]
    fn u_with_dots_is_found_as_v_and_as_u() {
        for typed in ["linvshi", "linushi", "lns"] {
            let p = pinyin("李女士");
            assert!(p.full.split(' ').chain(p.initials.split(' ')).any(|v| v == typed), "{typed} finds 李女士: {p:?}");
        }
        assert!(pinyin("绿").full.split(' ').any(|v| v == "lv"));
        assert!(!pinyin("李女士").full.contains('ü'), "what is typed is stored");
    }

    #[test]
    fn latin_and_digits_pass_through_and_variants_are_capped() {
        assert!(pinyin("ABC 科技").initials.split(' ').any(|v| v == "abckj"));
        let long = "长重行乐单曾朝还长重行乐单曾朝还";
        let p = pinyin(long);
        assert!(p.full.split(' ').count() <= MAX_VARIANTS);
        assert!(!p.full.is_empty());
    }

    #[test]
    fn queries_are_classified() {
        assert_eq!(Query::parse(" zzw "), Query::Pinyin("zzw".into()));
        assert_eq!(Query::parse("ＺＳ"), Query::Pinyin("zs".into()));
        assert_eq!(Query::parse("138-0013"), Query::Digits("1380013".into()));
        assert_eq!(Query::parse("华联"), Query::Text("华联".into()));
        assert_eq!(Query::parse("  "), Query::Nothing);
        assert_eq!(like_escape("a%b_c"), "a\\%b\\_c");
    }
}
