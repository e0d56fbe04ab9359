//! Text search over what reps and staff wrote (#22): visit notes, account
//! notes and archive entries, contact profiles, call plan and presentation
//! texts, feedback, major change events and VIP cards.
//!
//! Every typed word must appear in the same record (in any of its searched
//! fields), as a substring: a run of Chinese is one word. Letters are
//! compared without case (SQLite's `LIKE`, which folds ASCII letters).
//! Records in the trash, and the records of an account in the trash, are
//! never found. The search is a scan (a `LIKE` over every searched column),
//! so the workbench runs it on its worker; each kind of record stops at
//! `limit + 1` rows.

use std::fmt::Write as _;

use chrono::NaiveDate;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::search::like_escape;
use super::{Store, StoreError};
use crate::model::Id;

/// Results the search returns at most.
pub const TEXT_SEARCH_LIMIT: usize = 200;

/// Words of a query used at most (more are ignored).
const MAX_WORDS: usize = 8;

/// The kind of record a hit is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// The account's own notes.
    Account,
    /// An entry of the account's archive.
    Archive,
    Contact,
    Visit,
    Event,
    Feedback,
    CallPlan,
    Presentation,
    Vip,
}

/// One record found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextHit {
    pub kind: TextKind,
    /// The record's id (the account's for its notes and archive entries).
    pub id: Id,
    /// The account the record belongs to (a VIP card's, when linked).
    pub account: Option<Id>,
    /// The account's name (with the contact's for a contact), or the VIP
    /// card's salutation.
    pub label: String,
    /// The record's date: the visit's, the plan's, the card's visit … (the
    /// last change for account notes and contacts, which have none).
    pub date: Option<NaiveDate>,
    /// The archive entry's position in its account's archive.
    pub pos: Option<usize>,
    /// The column holding the most of the words (the first of them on a tie).
    pub field: &'static str,
    /// That column's text.
    pub text: String,
}

/// What a search found: at most the limit, newest first; `more` when there
/// were more.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextFound {
    pub hits: Vec<TextHit>,
    pub more: bool,
}

/// Where one kind of record is searched.
struct Source {
    kind: TextKind,
    /// `FROM …` with the record as `t` and its account as `a`.
    from: &'static str,
    id: &'static str,
    account: &'static str,
    label: &'static str,
    date: &'static str,
    pos: &'static str,
    live: &'static str,
    fields: &'static [&'static str],
}

const ACCOUNT_LIVE: &str = "t.deleted_at IS NULL AND a.deleted_at IS NULL";

const SOURCES: &[Source] = &[
    Source {
        kind: TextKind::Visit,
        from: "visits t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name",
        date: "t.date",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &["purpose", "summary", "next_step"],
    },
    Source {
        kind: TextKind::Account,
        from: "accounts t",
        id: "t.id",
        account: "t.id",
        label: "t.name",
        date: "substr(t.updated_at, 1, 10)",
        pos: "NULL",
        live: "t.deleted_at IS NULL",
        fields: &["notes"],
    },
    Source {
        kind: TextKind::Archive,
        from: "account_archive t JOIN accounts a ON a.id = t.parent_id",
        id: "a.id",
        account: "a.id",
        label: "a.name",
        date: "t.date",
        pos: "t.pos",
        live: "a.deleted_at IS NULL",
        fields: &["title", "content", "reason", "responsibility"],
    },
    Source {
        kind: TextKind::Contact,
        from: "contacts t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name || ' · ' || t.name",
        date: "substr(t.updated_at, 1, 10)",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &[
            "background",
            "personality",
            "recent",
            "criteria_technical",
            "criteria_business",
            "personal_agenda",
            "political_strategy",
        ],
    },
    Source {
        kind: TextKind::Event,
        from: "change_events t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name",
        date: "t.date",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &["description", "follow_up"],
    },
    Source {
        kind: TextKind::Feedback,
        from: "feedback t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name",
        date: "t.date",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &["content", "handling"],
    },
    Source {
        kind: TextKind::CallPlan,
        from: "call_plans t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name",
        date: "t.call_date",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &[
            "opportunity",
            "objective",
            "expected_result",
            "agenda",
            "obstacles",
            "resources",
            "what_happened",
            "supporter_assessment",
            "manager_assessment",
        ],
    },
    Source {
        kind: TextKind::Presentation,
        from: "presentations t JOIN accounts a ON a.id = t.account_id",
        id: "t.id",
        account: "a.id",
        label: "a.name",
        date: "t.date",
        pos: "NULL",
        live: ACCOUNT_LIVE,
        fields: &["opportunity", "objective", "agenda"],
    },
    Source {
        kind: TextKind::Vip,
        from: "vip_cards t",
        id: "t.id",
        account: "t.account_id",
        label: "t.salutation",
        date: "t.visit_date",
        pos: "NULL",
        live: "t.deleted_at IS NULL",
        fields: &["traits", "reception_summary", "team_suggestions", "style", "usage"],
    },
];

/// The words of a query: split at white space, each once, at most
/// [`MAX_WORDS`].
pub fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in query.split_whitespace() {
        if words.len() == MAX_WORDS {
            break;
        }
        if !words.iter().any(|x| x.to_lowercase() == w.to_lowercase()) {
            words.push(w.to_string());
        }
    }
    words
}

/// Where `needle` first occurs in `hay` with letters compared without
/// case: the byte range in `hay`, at character boundaries.
pub fn find_ci(hay: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let folded: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    for (start, _) in hay.char_indices() {
        let mut want = folded.iter();
        let mut end = start;
        let mut ok = true;
        'hay: for (i, c) in hay[start..].char_indices() {
            for l in c.to_lowercase() {
                match want.next() {
                    Some(w) if *w == l => {}
                    Some(_) => {
                        ok = false;
                        break 'hay;
                    }
                    None => break 'hay,
                }
            }
            end = start + i + c.len_utf8();
            if want.len() == 0 {
                break;
            }
        }
        if ok && want.len() == 0 {
            return Some((start, end));
        }
    }
    None
}

impl Store {
    /// Live records holding every word of `query`, newest first, at most
    /// `limit` of them.
    pub fn text_search(&self, query: &str, limit: usize) -> Result<TextFound, StoreError> {
        let words = query_words(query);
        let mut found = TextFound::default();
        if words.is_empty() {
            return Ok(found);
        }
        let params: Vec<Value> = words.iter().map(|w| Value::Text(format!("%{}%", like_escape(w)))).collect();
        let mut total = 0usize;
        for src in SOURCES {
            let mut sql = format!(
                "SELECT {}, {}, {}, {}, {}, {} FROM {} WHERE {}",
                src.id,
                src.account,
                src.label,
                src.date,
                src.pos,
                src.fields.iter().map(|f| format!("t.{f}")).collect::<Vec<_>>().join(", "),
                src.from,
                src.live
            );
            for i in 1..=words.len() {
                let any = src.fields.iter().map(|f| format!("t.{f} LIKE ?{i} ESCAPE '\\'")).collect::<Vec<_>>();
                let _ = write!(sql, " AND ({})", any.join(" OR "));
            }
            let _ = write!(sql, " LIMIT {}", limit + 1);
            let n = src.fields.len();
            let rows = self.rows("searching the texts", &sql, params_from_iter(params.iter()), |r| {
                let texts = (0..n).map(|i| r.get::<_, String>(5 + i)).collect::<Result<Vec<_>, _>>()?;
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    texts,
                ))
            })?;
            total += rows.len();
            for (id, account, label, date, pos, texts) in rows {
                let bad = |column: &str, v: &str, detail: String| StoreError::BadValue {
                    table: "text search",
                    column: column.into(),
                    id: v.to_string(),
                    detail,
                };
                let id = Id::parse(&id).map_err(|e| bad("id", &id, e.message))?;
                let account =
                    account.map(|a| Id::parse(&a).map_err(|e| bad("account_id", &a, e.message))).transpose()?;
                let date = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok());
                // The field holding the most words, the first on a tie.
                let (best, _) = texts.iter().enumerate().fold((0, 0), |(bi, bn), (i, t)| {
                    let n = words.iter().filter(|w| find_ci(t, w).is_some()).count();
                    if n > bn {
                        (i, n)
                    } else {
                        (bi, bn)
                    }
                });
                let text = texts.into_iter().nth(best).unwrap_or_default();
                found.hits.push(TextHit {
                    kind: src.kind,
                    id,
                    account,
                    label,
                    date,
                    pos: pos.and_then(|p| usize::try_from(p).ok()),
                    field: src.fields[best],
                    text,
                });
            }
        }
        found.hits.sort_by_key(|h| std::cmp::Reverse(h.date));
        found.more = total > limit;
        found.hits.truncate(limit);
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::{find_ci, query_words};

    #[test]
    fn words_and_matches() {
        assert_eq!(query_words("  Boiler  boiler 锅炉 "), vec!["Boiler".to_string(), "锅炉".to_string()]);
        assert_eq!(find_ci("The BOILER room", "boiler"), Some((4, 10)));
        assert_eq!(find_ci("讨论锅炉改造", "锅炉"), Some((6, 12)));
        assert_eq!(find_ci("abc", "abcd"), None);
        assert_eq!(find_ci("abc", ""), None);
    }
}
