//! The account list's search index, held in memory so that a filter
//! keystroke never waits on the file.
//!
//! Each live account keeps, in one shared text arena, its name, short name,
//! phone digits and the pinyin readings of every character (heteronyms
//! kept: 曾 reads `zeng` and `ceng`), and the same of its contacts. A query
//! is classified as the store's list query is ([`Query::parse`]):
//!
//! * letters match pinyin at character boundaries, each character taking its
//!   initial, a prefix or its whole syllable, so `hzxh`, `hangzhou`,
//!   `xihujm` and `zzw` all work, or the letters of a Latin name;
//! * digits match anywhere in the phone digits (the last four of a mobile);
//! * other text matches anywhere in the name or short name.
//!
//! Accounts that match exactly come first in list order, then those found
//! through a contact, then fuzzy matches (nucleo, the matcher behind the
//! helix editor) ranked by score: `西湖机械` finds 杭州西湖精密机械有限公司
//! and `hzjx` its initials.

use std::collections::HashMap;

use crate::model::Id;
use crate::store::{readings, IndexAccount, IndexContact, Query};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Accounts above this count are searched on two threads.
const PARALLEL_ABOVE: usize = 20_000;
/// Contacts a search reports (the list shows them under the accounts).
pub const CONTACT_HITS: usize = 5;

/// The text fields of an account, in the order they sit in the arena.
const A_NAME: usize = 0;
const A_SHORT: usize = 1;
/// Readings of the name: characters separated by spaces, a character's
/// readings by commas (`zeng,ceng zhi wei`).
const A_PY: usize = 2;
const A_SHORT_PY: usize = 3;
/// One byte per character of the readings: the initial of its readings, or
/// `*` when they differ (曾 `zeng,ceng`): where a pinyin match can start,
/// found without walking the readings.
const A_PY_STARTS: usize = 4;
const A_SHORT_STARTS: usize = 5;
/// The initial of each character's first reading (`hzxhjmjxyxgs`), for fuzzy matching.
const A_INITIALS: usize = 6;
const A_PHONE: usize = 7;

/// The text fields of a contact, in arena order.
const C_NAME: usize = 0;
const C_PY: usize = 1;
const C_STARTS: usize = 2;
const C_PHONE: usize = 3;

/// An account: its fields lie one after the other in the arena from `start`.
#[derive(Clone, Debug)]
struct AccountEntry {
    id: u128,
    start: u32,
    lens: [u16; 8],
    /// This account's contacts: `contacts[first_contact..][..contact_count]`.
    first_contact: u32,
    contact_count: u32,
    /// Bit `n` set when a reading of a character of the name or short name
    /// starts with letter `a + n`: a pinyin match can only start there, so
    /// a one-letter query is answered from this alone.
    letters: u32,
    /// The same over the account's contacts' names.
    contact_letters: u32,
}

#[derive(Clone, Debug)]
struct ContactEntry {
    id: u128,
    account: u32,
    start: u32,
    lens: [u16; 4],
}

/// How an account was found, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum HitKind {
    /// Its name, short name, pinyin or phone.
    Exact,
    /// One of its contacts.
    Contact,
    /// A fuzzy match of the name or its initials.
    Fuzzy,
}

/// What a search found.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Account slots in the order to show them.
    pub accounts: Vec<u32>,
    /// Up to [`CONTACT_HITS`] contacts that match, in list order of their accounts.
    pub contacts: Vec<u32>,
}

/// A contact found by a search, for the list to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactHit {
    pub id: Id,
    pub account_id: Id,
    pub name: String,
    pub account_name: String,
}

/// The index: see the module documentation.
#[derive(Debug, Default)]
pub struct SearchIndex {
    text: String,
    accounts: Vec<AccountEntry>,
    contacts: Vec<ContactEntry>,
    /// Live account slots in list order (the store's pinyin order).
    order: Vec<u32>,
    slot_of: HashMap<u128, u32>,
}

fn uuid_of(id: &Id) -> u128 {
    uuid::Uuid::parse_str(id.as_str()).map(|u| u.as_u128()).unwrap_or_default()
}

fn id_of(n: u128) -> Id {
    Id::from_uuid(uuid::Uuid::from_u128(n))
}

/// The bit of a lowercase ASCII letter.
fn letter_bit(b: u8) -> Option<u32> {
    b.is_ascii_lowercase().then(|| 1u32 << (b - b'a'))
}

/// The letters a reading of a character in `groups` starts with, as bits.
fn letters(groups: &str) -> u32 {
    groups
        .split([' ', ','])
        .filter_map(|r| r.bytes().next())
        .filter_map(|b| letter_bit(b.to_ascii_lowercase()))
        .fold(0, |m, b| m | b)
}

/// Where a match can start in a groups string: see [`AccountEntry::py_starts`].
fn starts(groups: &str) -> String {
    groups
        .split(' ')
        .filter(|g| !g.is_empty())
        .map(|g| {
            let mut firsts = g.split(',').filter_map(|r| r.chars().next());
            let first = firsts.next().unwrap_or('*');
            if firsts.all(|c| c == first) {
                first
            } else {
                '*'
            }
        })
        .collect()
}

/// The readings as the index stores them: `zeng,ceng zhi wei`.
fn groups(text: &str) -> String {
    let mut s = String::new();
    for (_, r) in readings(text) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&r.join(","));
    }
    s
}

/// Consumes `q` from the characters at the start of `g` (a groups string
/// from a character boundary): each character takes a prefix of one of its
/// readings (its initial, part or all of a syllable). Returns how many
/// characters were used.
fn consume(g: &[u8], q: &[u8]) -> Option<usize> {
    let Some(&first) = q.first() else { return Some(0) };
    if g.is_empty() {
        return None;
    }
    let end = g.iter().position(|&b| b == b' ').unwrap_or(g.len());
    let group = &g[..end];
    let rest = g.get(end + 1..).unwrap_or(&[]);
    for r in group.split(|&b| b == b',') {
        if r.first() != Some(&first) {
            continue;
        }
        let common = r.iter().zip(q).take_while(|(a, b)| a == b).count();
        if common == q.len() {
            return Some(1);
        }
        for k in (1..=common).rev() {
            if let Some(n) = consume(rest, &q[k..]) {
                return Some(n + 1);
            }
        }
    }
    None
}

/// Where `q` (lower-case letters or digits) matches the groups string `g`:
/// the first character and how many characters it spans.
fn pinyin_match(g: &str, q: &[u8]) -> Option<(usize, usize)> {
    pinyin_match_from(g, &starts(g), q)
}

/// [`pinyin_match`] with the groups' start bytes at hand: only the
/// characters whose initial is the query's first letter are tried.
fn pinyin_match_from(g: &str, starts: &str, q: &[u8]) -> Option<(usize, usize)> {
    let Some(&first) = q.first() else { return Some((0, 0)) };
    let bytes = g.as_bytes();
    let (mut at, mut offset) = (0, 0);
    for (i, &b) in starts.as_bytes().iter().enumerate() {
        if b != first && b != b'*' {
            continue;
        }
        // Walk to the start of character `i`.
        while at < i {
            offset += bytes.get(offset..)?.iter().position(|&c| c == b' ')? + 1;
            at += 1;
        }
        if let Some(n) = consume(bytes.get(offset..)?, q) {
            return Some((i, n));
        }
    }
    None
}

/// `hay` contains `needle`, ignoring ASCII case.
fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// `hay` contains `needle`: exactly when the needle has no ASCII letters
/// (Chinese text, the fast path), else ignoring ASCII case.
fn text_match(hay: &str, needle: &str) -> bool {
    if needle.bytes().any(|b| b.is_ascii_alphabetic()) {
        contains_folded(hay, needle)
    } else {
        hay.contains(needle)
    }
}

/// A query ready to run: its class and, for fuzzy matching, the pattern.
struct Prepared {
    query: Query,
    fuzzy: Option<Pattern>,
    /// For a pinyin query, the bit of its first letter (see `AccountEntry::letters`).
    first_bit: Option<u32>,
    /// The query is one letter: the letter bits answer it.
    one_letter: bool,
}

impl Prepared {
    fn new(filter: &str) -> Self {
        let query = Query::parse(filter);
        let fuzzy = match &query {
            Query::Pinyin(p) if p.len() >= 3 => Some(p.clone()),
            Query::Text(t) if t.trim().chars().count() >= 2 => Some(t.trim().to_string()),
            _ => None,
        }
        .map(|f| Pattern::new(&f, CaseMatching::Ignore, Normalization::Smart, AtomKind::Fuzzy));
        let (first_bit, one_letter) = match &query {
            Query::Pinyin(q) => (q.bytes().next().and_then(letter_bit), q.len() == 1),
            _ => (None, false),
        };
        Self { query, fuzzy, first_bit, one_letter }
    }
}

impl SearchIndex {
    /// Builds the index from the store's rows: accounts in list order, then
    /// contacts in any order.
    pub fn build(accounts: &[IndexAccount], contacts: &[IndexContact]) -> Self {
        let mut index = Self::default();
        for a in accounts {
            index.add_account(a);
        }
        let mut contacts: Vec<&IndexContact> = contacts.iter().collect();
        contacts.sort_by(|x, y| x.account_id.as_str().cmp(y.account_id.as_str()));
        for c in contacts {
            index.add_contact(c);
        }
        index
    }

    /// Adds an account after the others (the store reads them in list order).
    pub fn add_account(&mut self, a: &IndexAccount) {
        let slot = self.push_account(a);
        self.order.push(slot);
    }

    /// Adds a contact of an account already added (others are skipped).
    /// An account's contacts must come one after the other (the store
    /// reads them ordered by account), so that they lie together.
    pub fn add_contact(&mut self, c: &IndexContact) {
        if let Some(slot) = self.slot_of.get(&uuid_of(&c.account_id)).copied() {
            self.push_contact(slot, c);
        }
    }

    /// Appends `fields` to the arena; returns where they start and their
    /// lengths (a field longer than 64 KiB is cut at a character boundary).
    fn push_fields<const N: usize>(&mut self, fields: [&str; N]) -> (u32, [u16; N]) {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        let mut lens = [0u16; N];
        for (len, f) in lens.iter_mut().zip(fields) {
            let mut end = f.len().min(usize::from(u16::MAX));
            while !f.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&f[..end]);
            *len = u16::try_from(end).unwrap_or(0);
        }
        (start, lens)
    }

    /// Field `k` of the fields at `start` with `lens`.
    fn field(&self, start: u32, lens: &[u16], k: usize) -> &str {
        let from = start as usize + lens[..k].iter().map(|l| usize::from(*l)).sum::<usize>();
        self.text.get(from..from + usize::from(lens[k])).unwrap_or("")
    }

    fn af(&self, a: &AccountEntry, k: usize) -> &str {
        self.field(a.start, &a.lens, k)
    }

    fn cf(&self, c: &ContactEntry, k: usize) -> &str {
        self.field(c.start, &c.lens, k)
    }

    fn push_account(&mut self, a: &IndexAccount) -> u32 {
        let py = groups(&a.name);
        let short_py = groups(&a.short_name);
        let initials: String = py.split(' ').filter_map(|g| g.chars().next()).collect();
        let (start, lens) = self.push_fields([
            &a.name,
            &a.short_name,
            &py,
            &short_py,
            &starts(&py),
            &starts(&short_py),
            &initials,
            &a.phone_digits,
        ]);
        let entry = AccountEntry {
            id: uuid_of(&a.id),
            start,
            lens,
            first_contact: 0,
            contact_count: 0,
            letters: letters(&py) | letters(&short_py),
            contact_letters: 0,
        };
        let slot = u32::try_from(self.accounts.len()).unwrap_or(u32::MAX);
        self.slot_of.insert(entry.id, slot);
        self.accounts.push(entry);
        slot
    }

    fn push_contact(&mut self, slot: u32, c: &IndexContact) {
        let at = u32::try_from(self.contacts.len()).unwrap_or(u32::MAX);
        let Some(a) = self.accounts.get(slot as usize) else { return };
        let follows = a.contact_count > 0 && a.first_contact + a.contact_count == at;
        if a.contact_count > 0 && !follows {
            // Not next to the account's other contacts: the account is
            // read again with all of them (see `upsert`).
            return;
        }
        let py = groups(&c.name);
        let (start, lens) = self.push_fields([c.name.as_str(), &py, &starts(&py), &c.phone_digits]);
        self.contacts.push(ContactEntry { id: uuid_of(&c.id), account: slot, start, lens });
        if let Some(a) = self.accounts.get_mut(slot as usize) {
            if a.contact_count == 0 {
                a.first_contact = at;
            }
            a.contact_count += 1;
            a.contact_letters |= letters(&py);
        }
    }

    /// Live accounts.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Every live account slot in list order.
    pub fn all(&self) -> Vec<u32> {
        self.order.clone()
    }

    /// The id of an account slot.
    pub fn id(&self, slot: u32) -> Id {
        id_of(self.accounts.get(slot as usize).map_or(0, |a| a.id))
    }

    /// The name of an account slot.
    pub fn name(&self, slot: u32) -> &str {
        self.accounts.get(slot as usize).map_or("", |a| self.af(a, A_NAME))
    }

    /// The slot of a live account.
    pub fn slot(&self, id: &Id) -> Option<u32> {
        self.slot_of.get(&uuid_of(id)).copied()
    }

    /// A contact found by [`SearchIndex::find`].
    pub fn contact(&self, at: u32) -> Option<ContactHit> {
        let c = self.contacts.get(at as usize)?;
        Some(ContactHit {
            id: id_of(c.id),
            account_id: self.id(c.account),
            name: self.cf(c, C_NAME).to_string(),
            account_name: self.name(c.account).to_string(),
        })
    }

    /// The key the store orders the list by: the name's first readings, then the name.
    fn sort_key(&self, slot: u32) -> String {
        let Some(a) = self.accounts.get(slot as usize) else { return String::new() };
        let first: String = self.af(a, A_PY).split(' ').filter_map(|g| g.split(',').next()).collect();
        format!("{first} {}", self.af(a, A_NAME).trim())
    }

    /// Replaces an account after it was saved (or adds it), with its
    /// contacts; `None` removes it (deleted).
    pub fn upsert(&mut self, id: &Id, fresh: Option<(IndexAccount, Vec<IndexContact>)>) {
        let key = uuid_of(id);
        if let Some(old) = self.slot_of.remove(&key) {
            self.order.retain(|s| *s != old);
        }
        let Some((a, contacts)) = fresh else { return };
        let slot = self.push_account(&a);
        for c in &contacts {
            self.push_contact(slot, c);
        }
        let key = self.sort_key(slot);
        let at = self.order.partition_point(|s| self.sort_key(*s) < key);
        self.order.insert(at, slot);
    }

    /// Searches the accounts of `within` (every live account when `None`;
    /// pass the previous result when the query only grew, as fzf does).
    pub fn find(&self, filter: &str, within: Option<&[u32]>) -> Found {
        let p = Prepared::new(filter);
        if p.query == Query::Nothing {
            return Found {
                accounts: within.map_or_else(|| self.order.clone(), <[u32]>::to_vec),
                contacts: Vec::new(),
            };
        }
        // Narrowing keeps list order: the previous result may be sorted otherwise.
        let narrowed: Vec<u32>;
        let slots = match within {
            None => &self.order,
            Some(w) => {
                let mut mark = vec![false; self.accounts.len()];
                for s in w {
                    if let Some(m) = mark.get_mut(*s as usize) {
                        *m = true;
                    }
                }
                narrowed = self.order.iter().copied().filter(|s| mark[*s as usize]).collect();
                &narrowed
            }
        };
        let mut hits: Vec<(HitKind, u32, u32, Option<u32>)> = if slots.len() > PARALLEL_ABOVE {
            let (a, b) = slots.split_at(slots.len() / 2);
            std::thread::scope(|s| {
                let other = s.spawn(|| self.scan(&p, b));
                let mut mine = self.scan(&p, a);
                mine.extend(other.join().unwrap_or_default());
                mine
            })
        } else {
            self.scan(&p, slots)
        };
        let contacts: Vec<u32> = hits.iter().filter_map(|h| h.3).take(CONTACT_HITS).collect();
        // Stable: within a kind, list order (the scan keeps it); fuzzy by score.
        hits.sort_by(|x, y| {
            x.0.cmp(&y.0).then_with(|| if x.0 == HitKind::Fuzzy { y.2.cmp(&x.2) } else { std::cmp::Ordering::Equal })
        });
        Found { accounts: hits.into_iter().map(|h| h.1).collect(), contacts }
    }

    /// Matches each slot: (kind, slot, fuzzy score, first matching contact).
    fn scan(&self, p: &Prepared, slots: &[u32]) -> Vec<(HitKind, u32, u32, Option<u32>)> {
        let mut matcher = Matcher::new(Config::DEFAULT);
        let mut buf = Vec::new();
        let mut out = Vec::new();
        let mut contacts_found = 0;
        for &slot in slots {
            let Some(a) = self.accounts.get(slot as usize) else { continue };
            // A pinyin match starts at a reading that starts with the
            // query's first letter: without one, no need to look further.
            let exact = match p.first_bit {
                Some(b) if a.letters & b == 0 => false,
                Some(_) if p.one_letter => true,
                _ => self.exact(p, a),
            };
            let may_contact = a.contact_count > 0 && p.first_bit.is_none_or(|b| a.contact_letters & b != 0);
            // Only the first few contact hits are shown: an account found
            // by itself needs its contacts looked at only until then, and
            // for one letter the bits say whether a contact matches.
            let (contact, via_contact) = if !may_contact || (exact && contacts_found >= CONTACT_HITS) {
                (None, false)
            } else if p.one_letter && contacts_found >= CONTACT_HITS {
                (None, true)
            } else {
                let c = self.matching_contact(p, a);
                (c, c.is_some())
            };
            if contact.is_some() {
                contacts_found += 1;
            }
            if exact {
                out.push((HitKind::Exact, slot, 0, contact));
            } else if via_contact {
                out.push((HitKind::Contact, slot, 0, contact));
            } else if let Some(pattern) = &p.fuzzy {
                let hay = match &p.query {
                    Query::Pinyin(_) => self.af(a, A_INITIALS),
                    _ => self.af(a, A_NAME),
                };
                let score = pattern.score(Utf32Str::new(hay, &mut buf), &mut matcher);
                if let Some(s) = score {
                    out.push((HitKind::Fuzzy, slot, s, None));
                }
            }
        }
        out
    }

    fn exact(&self, p: &Prepared, a: &AccountEntry) -> bool {
        match &p.query {
            Query::Nothing => true,
            Query::Pinyin(q) => {
                pinyin_match_from(self.af(a, A_PY), self.af(a, A_PY_STARTS), q.as_bytes()).is_some()
                    || pinyin_match_from(self.af(a, A_SHORT_PY), self.af(a, A_SHORT_STARTS), q.as_bytes()).is_some()
            }
            Query::Digits(d) => self.af(a, A_PHONE).contains(d.as_str()) || self.af(a, A_NAME).contains(d.as_str()),
            Query::Text(t) => {
                let t = t.trim();
                text_match(self.af(a, A_NAME), t) || text_match(self.af(a, A_SHORT), t)
            }
        }
    }

    fn matching_contact(&self, p: &Prepared, a: &AccountEntry) -> Option<u32> {
        (a.first_contact..a.first_contact + a.contact_count).find(|&i| {
            let Some(c) = self.contacts.get(i as usize) else { return false };
            match &p.query {
                Query::Nothing => false,
                Query::Pinyin(q) => pinyin_match_from(self.cf(c, C_PY), self.cf(c, C_STARTS), q.as_bytes()).is_some(),
                Query::Digits(d) => self.cf(c, C_PHONE).contains(d.as_str()),
                Query::Text(t) => text_match(self.cf(c, C_NAME), t.trim()),
            }
        })
    }
}

/// Which characters of `name` the filter matched, for highlighting: the
/// typed text, the characters whose pinyin the letters took, or the
/// fuzzy match's characters. Empty when the name did not match itself.
pub fn highlight(name: &str, filter: &str) -> Vec<usize> {
    let p = Prepared::new(filter);
    match &p.query {
        Query::Nothing | Query::Digits(_) => Vec::new(),
        Query::Pinyin(q) => {
            let r = readings(name);
            let g = r.iter().map(|(_, x)| x.join(",")).collect::<Vec<_>>().join(" ");
            if let Some((first, n)) = pinyin_match(&g, q.as_bytes()) {
                return r.iter().skip(first).take(n).map(|(i, _)| *i).collect();
            }
            fuzzy_indices(&p, name)
        }
        Query::Text(t) => {
            let t = t.trim();
            let lower = name.to_lowercase();
            let tl = t.to_lowercase();
            if let Some(at) = lower.find(&tl) {
                let start = lower[..at].chars().count();
                return (start..start + tl.chars().count()).collect();
            }
            fuzzy_indices(&p, name)
        }
    }
}

fn fuzzy_indices(p: &Prepared, name: &str) -> Vec<usize> {
    let Some(pattern) = &p.fuzzy else { return Vec::new() };
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut idx = Vec::new();
    if let Query::Pinyin(_) = &p.query {
        let r = readings(name);
        let initials: String = r.iter().filter_map(|(_, x)| x.first().and_then(|s| s.chars().next())).collect();
        if pattern.indices(Utf32Str::new(&initials, &mut buf), &mut matcher, &mut idx).is_none() {
            return Vec::new();
        }
        return idx.iter().filter_map(|i| r.get(*i as usize).map(|(c, _)| *c)).collect();
    }
    if pattern.indices(Utf32Str::new(name, &mut buf), &mut matcher, &mut idx).is_none() {
        return Vec::new();
    }
    idx.sort_unstable();
    idx.dedup();
    idx.into_iter().map(|i| i as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, short: &str, phone: &str) -> IndexAccount {
        IndexAccount { id: Id::new(), name: name.into(), short_name: short.into(), phone_digits: phone.into() }
    }

    fn contact(of: &IndexAccount, name: &str, phone: &str) -> IndexContact {
        IndexContact { id: Id::new(), account_id: of.id.clone(), name: name.into(), phone_digits: phone.into() }
    }

    fn names(ix: &SearchIndex, q: &str) -> Vec<String> {
        ix.find(q, None).accounts.iter().map(|s| ix.name(*s).to_string()).collect()
    }

    fn sample() -> SearchIndex {
        let a = account("杭州西湖精密机械有限公司", "西湖精机", "057188001234");
        let b = account("上海华联超市股份有限公司", "华联", "02166778899");
        let c = account("Acme Trading Ltd", "", "");
        let z = contact(&b, "曾志伟", "13800138000");
        SearchIndex::build(&[c, a, b], &[z])
    }

    /// The letter bits answer exactly what a scan of the readings would.
    #[test]
    fn letter_bits_agree_with_the_readings() {
        let names = ["曾志伟", "单田芳", "重庆长安", "Acme Trading", "乐乐天", "行长", "x光机厂", "与众不同"];
        let accounts: Vec<IndexAccount> = names.iter().map(|n| account(n, "", "")).collect();
        let contacts: Vec<IndexContact> =
            accounts.iter().zip(names.iter().rev()).map(|(a, n)| contact(a, n, "")).collect();
        let ix = SearchIndex::build(&accounts, &contacts);
        for l in 'a'..='z' {
            let q = l.to_string();
            let p = Prepared::new(&q);
            let fast = ix.find(&q, None);
            let (mut own, mut via) = (Vec::new(), Vec::new());
            for &slot in &ix.order {
                let a = &ix.accounts[slot as usize];
                if ix.exact(&p, a) {
                    own.push(slot);
                } else if ix.matching_contact(&p, a).is_some() {
                    via.push(slot);
                }
            }
            own.extend(via);
            assert_eq!(fast.accounts, own, "letter {l}");
        }
        assert!(names.iter().any(|n| n.starts_with('重')), "重 reads zhong and chong");
        assert!(!ix.find("c", None).accounts.is_empty() && !ix.find("z", None).accounts.is_empty());
    }

    #[test]
    fn pinyin_initials_full_and_mixed() {
        let ix = sample();
        for q in ["hzxh", "hangzhou", "xihujm", "xhjj", "HZXH", "ｈｚｘｈ"] {
            assert_eq!(names(&ix, q), ["杭州西湖精密机械有限公司"], "{q}");
        }
        assert!(names(&ix, "shanghai").contains(&"上海华联超市股份有限公司".to_string()));
        assert_eq!(names(&ix, "acme"), ["Acme Trading Ltd"]);
    }

    #[test]
    fn heteronyms_and_contacts_find_the_account() {
        let ix = sample();
        for q in ["zzw", "czw", "zengzhiwei", "曾志伟", "8000"] {
            let f = ix.find(q, None);
            assert_eq!(f.accounts.len(), 1, "{q}");
            assert_eq!(ix.name(f.accounts[0]), "上海华联超市股份有限公司", "{q}");
            assert_eq!(ix.contact(f.contacts[0]).map(|c| c.name), Some("曾志伟".to_string()), "{q}");
        }
    }

    #[test]
    fn phone_digits_and_text() {
        let ix = sample();
        assert_eq!(names(&ix, "1234"), ["杭州西湖精密机械有限公司"]);
        assert_eq!(names(&ix, "华联"), ["上海华联超市股份有限公司"]);
        assert_eq!(names(&ix, "trading"), ["Acme Trading Ltd"]);
        assert!(names(&ix, "9999").is_empty());
    }

    #[test]
    fn fuzzy_matches_come_after_exact_ones() {
        let ix = sample();
        assert_eq!(names(&ix, "西湖机械"), ["杭州西湖精密机械有限公司"]);
        assert_eq!(names(&ix, "hzjx"), ["杭州西湖精密机械有限公司"], "initials as a subsequence");
        let f = ix.find("公司", None);
        assert_eq!(f.accounts.len(), 2);
    }

    #[test]
    fn narrowing_within_the_last_result_agrees() {
        let ix = sample();
        let first = ix.find("h", None);
        let narrowed = ix.find("hzx", Some(&first.accounts));
        assert_eq!(narrowed.accounts, ix.find("hzx", None).accounts);
    }

    #[test]
    fn upsert_keeps_list_order_and_removes() {
        let mut ix = sample();
        let d = account("北京测试有限公司", "", "");
        let id = d.id.clone();
        ix.upsert(&id, Some((d, Vec::new())));
        let all: Vec<&str> = ix.all().iter().map(|s| ix.name(*s)).collect();
        assert_eq!(
            all,
            ["Acme Trading Ltd", "北京测试有限公司", "杭州西湖精密机械有限公司", "上海华联超市股份有限公司"]
        );
        ix.upsert(&id, None);
        assert_eq!(ix.len(), 3);
        assert!(ix.slot(&id).is_none());
    }

    #[test]
    fn highlight_marks_the_matched_characters() {
        assert_eq!(highlight("杭州西湖精密机械有限公司", "xihu"), [2, 3]);
        assert_eq!(highlight("杭州西湖精密机械有限公司", "西湖"), [2, 3]);
        assert_eq!(highlight("Acme Trading", "trad"), [5, 6, 7, 8]);
        assert_eq!(highlight("杭州西湖精密机械有限公司", "西湖机械"), [2, 3, 6, 7]);
        assert!(highlight("杭州", "1234").is_empty());
    }
}
