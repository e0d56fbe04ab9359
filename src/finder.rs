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
//! Letters and text also match the account owner's name the same way (`wf`
//! finds the accounts 王芳 owns); the owners are few, so each is matched
//! once a search and an account looks its owner's answer up.
//!
//! Accounts that match exactly come first in list order, then those found
//! through a contact, then those found through their owner, then fuzzy matches (nucleo, the matcher behind the
//! helix editor) ranked by score: `西湖机械` finds 杭州西湖精密机械有限公司
//! and `hzjx` its initials.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::Id;
use crate::store::{readings, IndexAccount, IndexContact, Query};
use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// Accounts above this count are searched on two threads.
const PARALLEL_ABOVE: usize = 20_000;
/// Room made in the text for an account and for a contact: their names,
/// readings and phones take about 160 and 36 bytes in the demo data; room
/// not used costs address space only.
const TEXT_PER_ACCOUNT: usize = 200;
const TEXT_PER_CONTACT: usize = 48;
/// How many accounts a thread takes at a time.
const CHUNK: usize = 4_096;
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

/// An account without an owner.
const NO_OWNER: u32 = u32::MAX;

/// An account owner's name and its readings, held once for all their accounts.
#[derive(Clone, Debug)]
struct OwnerEntry {
    name: String,
    py: String,
    starts: String,
}

/// An account: its fields lie one after the other in the arena from `start`.
#[derive(Clone, Debug)]
struct AccountEntry {
    id: u128,
    start: u32,
    lens: [u16; 8],
    /// Its owner in `SearchIndex::owners`, or [`NO_OWNER`].
    owner: u32,
    /// This account's contacts: `contacts[first_contact..][..contact_count]`.
    first_contact: u32,
    contact_count: u32,
    /// Bit `n` set when a reading of a character of the name or short name
    /// starts with letter `a + n`: a pinyin match can only start there, so
    /// a one-letter query is answered from this alone.
    letters: u32,
    /// The same over the account's contacts' names.
    contact_letters: u32,
    /// What a match needs of the name and short name, as a [`Keys`]
    /// signature: their characters and the letter pairs a pinyin match
    /// can start with.
    keys: Keys,
    /// The same over the account's contacts' names.
    contact_keys: Keys,
    /// The letters of the initials a fuzzy pinyin match runs over, as
    /// the matcher folds them (case, accents).
    initial_letters: u32,
    /// The digits and pairs of adjacent digits of the phone, the name and
    /// the contacts' phones, as bits (see [`digit_keys`]): one set for
    /// both, as a query of digits is mostly found through either.
    digits: u128,
}

#[derive(Clone, Debug)]
struct ContactEntry {
    id: u128,
    account: u32,
    start: u32,
    lens: [u16; 4],
}

/// What a scan found, each kind in list order: accounts found by
/// themselves (name, short name, pinyin, phone), through a contact,
/// through their owner, and fuzzily with their scores; and the first
/// contacts that matched.
#[derive(Debug, Default)]
struct Hits {
    exact: Vec<u32>,
    via: Vec<u32>,
    owned: Vec<u32>,
    fuzzy: Vec<(u32, u32)>,
    contacts: Vec<u32>,
}

impl Hits {
    /// Adds what a scan of the slots after these found.
    fn append(&mut self, mut next: Hits) {
        self.exact.append(&mut next.exact);
        self.via.append(&mut next.via);
        self.owned.append(&mut next.owned);
        self.fuzzy.append(&mut next.fuzzy);
        let room = CONTACT_HITS.saturating_sub(self.contacts.len());
        self.contacts.extend(next.contacts.into_iter().take(room));
    }

    /// Best first: exact, then through a contact, then through the owner,
    /// then fuzzy by score (ties in list order).
    fn found(mut self) -> Found {
        self.fuzzy.sort_by_key(|f| std::cmp::Reverse(f.0));
        let mut accounts = self.exact;
        accounts.reserve(self.via.len() + self.owned.len() + self.fuzzy.len());
        accounts.append(&mut self.via);
        accounts.append(&mut self.owned);
        accounts.extend(self.fuzzy.into_iter().map(|(_, slot)| slot));
        Found { accounts, contacts: self.contacts }
    }
}

/// The fuzzy matcher and its buffer, one per thread of a search.
struct Scanner {
    matcher: Matcher,
    buf: Vec<char>,
}

impl Scanner {
    fn new() -> Self {
        Self { matcher: Matcher::new(Config::DEFAULT), buf: Vec::new() }
    }
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

/// Why an account that did not match by itself was found: the first of
/// its contacts that matched, or its owner, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Through {
    Contact(String),
    Owner(String),
}

/// The index: see the module documentation.
#[derive(Debug, Default)]
pub struct SearchIndex {
    text: String,
    accounts: Vec<AccountEntry>,
    contacts: Vec<ContactEntry>,
    /// Live account slots in list order (the store's pinyin order).
    order: Vec<u32>,
    /// Live account slots ordered by id, to find an account by id (a tenth
    /// of a hash map's memory). [`SearchIndex::add_account`] appends to it
    /// unsorted; adding a contact, [`SearchIndex::finish`] or an upsert sorts it.
    by_id: Vec<u32>,
    ids_unsorted: bool,
    /// The accounts' owners, each once, and where each name is.
    owners: Vec<OwnerEntry>,
    owner_slots: HashMap<String, u32>,
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

/// A 128-bit signature of what a name holds (a Bloom filter with one hash):
/// its characters as the matcher folds them, and the letter pairs a pinyin
/// match can start with. A query needs certain keys; an entry whose
/// signature lacks one cannot match and is skipped without reading its
/// text, which is what keeps a keystroke within a frame at 100,000
/// accounts. A signature can only say "maybe": the text is still matched.
type Keys = u128;

/// The bit of a key.
fn key_bit(k: u32) -> Keys {
    1 << (k.wrapping_mul(0x9E37_79B1) >> 25)
}

/// Keys of characters are the characters; of letter pairs, above them.
fn pair_key(a: u8, b: u8) -> u32 {
    0x11_0000 + (u32::from(a) << 8) + u32::from(b)
}

/// A character the way the fuzzy matcher compares it (lower case, accents
/// folded), in both orders of the two steps.
fn folded(c: char) -> [char; 2] {
    use nucleo_matcher::chars::{normalize, to_lower_case};
    [to_lower_case(normalize(c)), normalize(to_lower_case(c))]
}

/// The keys of a text: each character as it is and as the matcher folds it.
fn char_keys(text: &str) -> Keys {
    let mut keys = 0;
    for c in text.chars() {
        let [x, y] = folded(c);
        keys |= key_bit(c as u32) | key_bit(x as u32) | key_bit(y as u32);
    }
    keys
}

/// The keys of a groups string (`zeng,ceng zhi wei`): for every reading,
/// its first two letters, and its first letter with the first letter of
/// each reading of the next character. A pinyin query of two or more
/// letters starts with one of these pairs (see [`consume`]).
fn pair_keys(groups: &str) -> Keys {
    let mut keys = 0;
    let mut chars = groups.split(' ').filter(|g| !g.is_empty()).peekable();
    while let Some(g) = chars.next() {
        let next = chars.peek().copied().unwrap_or("");
        for r in g.split(',').map(str::as_bytes) {
            let Some(&first) = r.first() else { continue };
            if let Some(&second) = r.get(1) {
                keys |= key_bit(pair_key(first, second));
            }
            for n in next.split(',').filter_map(|n| n.bytes().next()) {
                keys |= key_bit(pair_key(first, n));
            }
        }
    }
    keys
}

/// The digits of a text (bits 0–9) and its pairs of adjacent digits (bit
/// 10 + 10 × first + second): a phone or name that contains a run of
/// digits holds each of its digits and pairs.
fn digit_keys(text: &str) -> u128 {
    let mut keys = 0;
    let mut last: Option<u32> = None;
    for c in text.chars() {
        let d = c.to_digit(10).filter(|_| c.is_ascii_digit());
        if let Some(d) = d {
            keys |= 1 << d;
            if let Some(l) = last {
                keys |= 1 << (10 + 10 * l + d);
            }
        }
        last = d;
    }
    keys
}

/// The letter bits of a text's characters as the matcher folds them.
fn folded_letters(text: &str) -> u32 {
    text.chars().flat_map(folded).filter_map(|c| u8::try_from(c).ok()).filter_map(letter_bit).fold(0, |m, b| m | b)
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

/// Whether the letters `q` (lower case) match `text` by pinyin: split into
/// runs, each a non-empty prefix of a reading of one character (its
/// initial, `sh` of shi, part or all of the syllable), the characters
/// consecutive: `wnsh`, `wangns` and `wns` all find 王女士, `wnx` does not.
pub fn pinyin_hit(text: &str, q: &str) -> bool {
    pinyin_match(&groups(text), q.as_bytes()).is_some()
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

/// `hay` contains the run of digits `digits`: `str::contains` without its
/// searcher's set-up, which costs more than the search itself in a phone
/// number (the digits query reads 400,000 of them).
fn has_run(hay: &str, digits: &str) -> bool {
    let (h, d) = (hay.as_bytes(), digits.as_bytes());
    let Some((&first, rest)) = d.split_first() else { return true };
    h.len() >= d.len()
        && h[..=h.len() - d.len()]
            .iter()
            .enumerate()
            .any(|(i, &b)| b == first && h.get(i + 1..i + d.len()) == Some(rest))
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
    /// Keys an exact or contact match needs every one of (see [`Keys`]).
    needs: Keys,
    /// Keys of which a match needs at least one each: a character whose
    /// two foldings differ (rare).
    needs_any: Vec<Keys>,
    /// For a fuzzy pinyin match, the letters the initials must hold.
    fuzzy_letters: u32,
    /// For digits, the digits and pairs a phone or name must hold.
    needs_digits: u128,
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
        let (mut needs, mut needs_any, mut fuzzy_letters) = (0, Vec::new(), 0);
        match &query {
            Query::Pinyin(q) => {
                if let [a, b, ..] = q.as_bytes() {
                    needs = key_bit(pair_key(*a, *b));
                }
                fuzzy_letters = q.bytes().filter_map(letter_bit).fold(0, |m, b| m | b);
            }
            // Every character the text match or the fuzzy matcher compares
            // (the first of each grapheme), spaces aside, as both fold it.
            Query::Text(t) => {
                for c in nucleo_matcher::chars::graphemes(t.trim()).filter(|c| !c.is_whitespace() && *c != '\\') {
                    let [x, y] = folded(c);
                    if x == y {
                        needs |= key_bit(x as u32);
                    } else {
                        needs_any.push(key_bit(x as u32) | key_bit(y as u32));
                    }
                }
            }
            Query::Nothing | Query::Digits(_) => {}
        }
        let needs_digits = match &query {
            Query::Digits(d) => digit_keys(d),
            _ => 0,
        };
        Self { query, fuzzy, first_bit, one_letter, needs, needs_any, fuzzy_letters, needs_digits }
    }

    /// A name with signature `keys` may match (exactly or fuzzily).
    fn may(&self, keys: Keys) -> bool {
        keys & self.needs == self.needs && self.needs_any.iter().all(|k| keys & k != 0)
    }

    /// A phone (or name) with digit keys `digits` may hold the query's digits.
    fn may_digits(&self, digits: u128) -> bool {
        digits & self.needs_digits == self.needs_digits
    }

    /// An account may match fuzzily.
    fn may_fuzzy(&self, a: &AccountEntry) -> bool {
        match self.query {
            Query::Pinyin(_) => a.initial_letters & self.fuzzy_letters == self.fuzzy_letters,
            _ => self.may(a.keys),
        }
    }
}

/// Whether `filter` finds only what `previous` found, so that it may be
/// searched within that result: it extends it, is read the same way
/// (letters, digits or text), and both match fuzzily or neither does (`hz`
/// finds adjacent initials only, `hzx` any in order, so `hzx` is searched
/// afresh).
pub fn can_narrow(previous: &str, filter: &str) -> bool {
    if previous.trim().is_empty() || filter == previous || !filter.starts_with(previous) {
        return false;
    }
    let (a, b) = (Prepared::new(previous), Prepared::new(filter));
    std::mem::discriminant(&a.query) == std::mem::discriminant(&b.query) && a.fuzzy.is_some() == b.fuzzy.is_some()
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
        index.finish();
        index
    }

    /// An empty index with room for about this many accounts and contacts,
    /// so that building it never copies what it holds to a larger block
    /// (each copy held both blocks at once: megabytes at 100,000 accounts).
    pub fn with_capacity(accounts: usize, contacts: usize) -> Self {
        Self {
            text: String::with_capacity(accounts * TEXT_PER_ACCOUNT + contacts * TEXT_PER_CONTACT),
            accounts: Vec::with_capacity(accounts),
            contacts: Vec::with_capacity(contacts),
            order: Vec::with_capacity(accounts),
            by_id: Vec::with_capacity(accounts),
            ids_unsorted: false,
            owners: Vec::new(),
            owner_slots: HashMap::new(),
        }
    }

    /// Adds an account after the others (the store reads them in list order).
    pub fn add_account(&mut self, a: &IndexAccount) {
        let slot = self.push_account(a);
        self.order.push(slot);
        self.by_id.push(slot);
        self.ids_unsorted = true;
    }

    /// Adds a contact of an account already added (others are skipped).
    /// An account's contacts must come one after the other (the store
    /// reads them ordered by account), so that they lie together.
    pub fn add_contact(&mut self, c: &IndexContact) {
        self.finish();
        if let Some(slot) = self.slot(&c.account_id) {
            self.push_contact(slot, c);
        }
    }

    /// Makes finding an account by id fast once every account is added.
    pub fn finish(&mut self) {
        if self.ids_unsorted {
            let accounts = &self.accounts;
            self.by_id.sort_unstable_by_key(|s| accounts.get(*s as usize).map_or(0, |a| a.id));
            self.ids_unsorted = false;
        }
    }

    /// Where `key` is or would go in `by_id` (sorted).
    fn id_at(&self, key: u128) -> Result<usize, usize> {
        self.by_id.binary_search_by_key(&key, |s| self.accounts.get(*s as usize).map_or(0, |a| a.id))
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
        let owner = self.owner_slot(a.owner.trim());
        let entry = AccountEntry {
            id: uuid_of(&a.id),
            start,
            lens,
            owner,
            first_contact: 0,
            contact_count: 0,
            letters: letters(&py) | letters(&short_py),
            contact_letters: 0,
            keys: char_keys(&a.name) | char_keys(&a.short_name) | pair_keys(&py) | pair_keys(&short_py),
            contact_keys: 0,
            initial_letters: folded_letters(&initials),
            digits: digit_keys(&a.phone_digits) | digit_keys(&a.name),
        };
        let slot = u32::try_from(self.accounts.len()).unwrap_or(u32::MAX);
        self.accounts.push(entry);
        slot
    }

    /// The owner `name` in `owners`, added when new; [`NO_OWNER`] for none.
    fn owner_slot(&mut self, name: &str) -> u32 {
        if name.is_empty() {
            return NO_OWNER;
        }
        if let Some(&at) = self.owner_slots.get(name) {
            return at;
        }
        let at = u32::try_from(self.owners.len()).unwrap_or(NO_OWNER);
        let py = groups(name);
        self.owners.push(OwnerEntry { name: name.to_string(), starts: starts(&py), py });
        self.owner_slots.insert(name.to_string(), at);
        at
    }

    /// Which owners the query matches, by their place in `owners`.
    fn owners_matching(&self, p: &Prepared) -> Vec<bool> {
        self.owners.iter().map(|o| owner_matches(p, o)).collect()
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
            a.contact_keys |= char_keys(&c.name) | pair_keys(&py);
            a.digits |= digit_keys(&c.phone_digits);
        }
    }

    /// What the index holds, for the benchmarks: its bytes (text, entries,
    /// list order and id lookup) and how full its signatures are (the
    /// share of their bits set: the fuller, the less they skip).
    pub fn describe(&self) -> String {
        use std::mem::size_of;
        let mb = |n: usize| n as f64 / 1e6;
        let fill = |f: &dyn Fn(&AccountEntry) -> u32, bits: f64| {
            let set: u64 = self.accounts.iter().map(|a| u64::from(f(a))).sum();
            100.0 * set as f64 / bits / self.accounts.len().max(1) as f64
        };
        format!(
            "text {:.1} MB, accounts {:.1} MB, contacts {:.1} MB, order and ids {:.1} MB; \
             signatures filled: names {:.0} %, contacts {:.0} %, digits {:.0} %",
            mb(self.text.len()),
            mb(self.accounts.len() * size_of::<AccountEntry>()),
            mb(self.contacts.len() * size_of::<ContactEntry>()),
            mb((self.order.len() + self.by_id.len()) * 4),
            fill(&|a| a.keys.count_ones(), 128.0),
            fill(&|a| a.contact_keys.count_ones(), 128.0),
            fill(&|a| a.digits.count_ones(), 110.0),
        )
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
        let key = uuid_of(id);
        if self.ids_unsorted {
            // Between adding accounts and `finish`: rare, and still right.
            return self.by_id.iter().copied().find(|s| self.accounts.get(*s as usize).is_some_and(|a| a.id == key));
        }
        self.id_at(key).ok().and_then(|i| self.by_id.get(i).copied())
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
        self.finish();
        let key = uuid_of(id);
        if let Ok(i) = self.id_at(key) {
            let old = self.by_id.remove(i);
            self.order.retain(|s| *s != old);
        }
        let Some((a, contacts)) = fresh else { return };
        let slot = self.push_account(&a);
        for c in &contacts {
            self.push_contact(slot, c);
        }
        if let Err(i) = self.id_at(key) {
            self.by_id.insert(i, slot);
        }
        let key = self.sort_key(slot);
        let at = self.order.partition_point(|s| self.sort_key(*s) < key);
        self.order.insert(at, slot);
    }

    /// Searches the accounts of `within` (every live account when `None`;
    /// pass the previous result when [`can_narrow`] allows, as fzf does).
    pub fn find(&self, filter: &str, within: Option<&[u32]>) -> Found {
        self.find_prepared(&Prepared::new(filter), within)
    }

    fn find_prepared(&self, p: &Prepared, within: Option<&[u32]>) -> Found {
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
        let owners = self.owners_matching(p);
        let hits = if slots.len() > PARALLEL_ABOVE {
            // Two threads take chunks in turn, so that one slowed by other
            // work (the worker reading lines, another program) holds up
            // the search by a chunk at most, not by half of it.
            let chunks: Vec<&[u32]> = slots.chunks(CHUNK).collect();
            let next = AtomicUsize::new(0);
            let work = || {
                let mut scanner = Scanner::new();
                let mut done = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(c) = chunks.get(i) else { break };
                    done.push((i, self.scan(p, &owners, c, &mut scanner)));
                }
                done
            };
            let mut parts = std::thread::scope(|s| {
                let other = s.spawn(work);
                let mut mine = work();
                mine.extend(other.join().unwrap_or_default());
                mine
            });
            parts.sort_unstable_by_key(|(at, _)| *at);
            let mut all = Hits::default();
            for (_, h) in parts {
                all.append(h);
            }
            all
        } else {
            self.scan(p, &owners, slots, &mut Scanner::new())
        };
        hits.found()
    }

    /// Matches each slot of `slots`, in their order.
    fn scan(&self, p: &Prepared, owners: &[bool], slots: &[u32], scanner: &mut Scanner) -> Hits {
        let Scanner { matcher, buf } = scanner;
        let any_owner = owners.contains(&true);
        let mut out = Hits::default();
        let mut contacts_found = 0;
        for &slot in slots {
            let Some(a) = self.accounts.get(slot as usize) else { continue };
            if !p.may_digits(a.digits) {
                continue;
            }
            // A pinyin match starts at a reading that starts with the
            // query's first letter: without one, no need to look further.
            let exact = match p.first_bit {
                Some(b) if a.letters & b == 0 => false,
                Some(_) if p.one_letter => true,
                _ => p.may(a.keys) && self.exact(p, a),
            };
            let may_contact = a.contact_count > 0
                && p.first_bit.is_none_or(|b| a.contact_letters & b != 0)
                && (p.one_letter || p.may(a.contact_keys));
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
            if let Some(c) = contact {
                contacts_found += 1;
                if out.contacts.len() < CONTACT_HITS {
                    out.contacts.push(c);
                }
            }
            if exact {
                out.exact.push(slot);
            } else if via_contact {
                out.via.push(slot);
            } else if any_owner && owners.get(a.owner as usize).copied().unwrap_or(false) {
                out.owned.push(slot);
            } else if let Some(pattern) = p.fuzzy.as_ref().filter(|_| p.may_fuzzy(a)) {
                let hay = match &p.query {
                    Query::Pinyin(_) => self.af(a, A_INITIALS),
                    _ => self.af(a, A_NAME),
                };
                if let Some(score) = pattern.score(Utf32Str::new(hay, buf), matcher) {
                    out.fuzzy.push((score, slot));
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
            Query::Digits(d) => has_run(self.af(a, A_PHONE), d) || has_run(self.af(a, A_NAME), d),
            Query::Text(t) => {
                let t = t.trim();
                text_match(self.af(a, A_NAME), t) || text_match(self.af(a, A_SHORT), t)
            }
        }
    }

    /// Why `filter` found the account of `slot` when it did not match by
    /// itself (name, short name, phone): through a contact or its owner.
    /// `None` when it matched by itself, fuzzily, or not at all. The list
    /// asks this of the rows on screen only.
    pub fn through(&self, slot: u32, filter: &str) -> Option<Through> {
        let p = Prepared::new(filter);
        let a = self.accounts.get(slot as usize)?;
        if p.query == Query::Nothing || self.exact(&p, a) {
            return None;
        }
        if let Some(c) = self.matching_contact(&p, a).and_then(|i| self.contacts.get(i as usize)) {
            return Some(Through::Contact(self.cf(c, C_NAME).to_string()));
        }
        let o = self.owners.get(a.owner as usize)?;
        owner_matches(&p, o).then(|| Through::Owner(o.name.clone()))
    }

    fn matching_contact(&self, p: &Prepared, a: &AccountEntry) -> Option<u32> {
        (a.first_contact..a.first_contact + a.contact_count).find(|&i| {
            let Some(c) = self.contacts.get(i as usize) else { return false };
            match &p.query {
                Query::Nothing => false,
                Query::Pinyin(q) => pinyin_match_from(self.cf(c, C_PY), self.cf(c, C_STARTS), q.as_bytes()).is_some(),
                Query::Digits(d) => has_run(self.cf(c, C_PHONE), d),
                Query::Text(t) => text_match(self.cf(c, C_NAME), t.trim()),
            }
        })
    }
}

/// Whether a query matches an owner's name: letters by pinyin, text as a
/// substring (digits never: a phone is the account's or a contact's).
fn owner_matches(p: &Prepared, o: &OwnerEntry) -> bool {
    match &p.query {
        Query::Pinyin(q) => pinyin_match_from(&o.py, &o.starts, q.as_bytes()).is_some(),
        Query::Text(t) => text_match(&o.name, t.trim()),
        Query::Nothing | Query::Digits(_) => false,
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
        IndexAccount {
            id: Id::new(),
            name: name.into(),
            short_name: short.into(),
            phone_digits: phone.into(),
            owner: String::new(),
        }
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

    /// The signatures only skip what could not match: with them and
    /// without, every query finds the same, in the same order.
    mod signatures {
        use super::*;
        use proptest::prelude::*;

        const POOL: &[&str] = &[
            "曾", "志", "伟", "重", "庆", "长", "安", "杭", "州", "西", "湖", "精", "机", "械", "女", "绿", "行", "乐",
            "单", "A", "b", "É", "é", "x", "Z", "1", "8", " ", "-", "（", "ｈ", "公", "司", "e\u{301}", "Ü", "ß",
        ];
        const QUERY_POOL: &[&str] = &[
            "z",
            "h",
            "c",
            "zh",
            "ch",
            "zz",
            "zzw",
            "hzxh",
            "hz",
            "xihu",
            "nv",
            "lv",
            "lu",
            "ab",
            "e",
            "ee",
            "abe",
            "曾",
            "志伟",
            "杭州 机械",
            "é",
            "E",
            "e\u{301}",
            "18",
            "8",
            "A b",
            "ss",
            "ü",
            "（",
            "h\\ z",
            "公司",
            "1",
            "0",
            "00",
            "138",
            "9",
            "18",
        ];

        fn text(max: usize) -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(POOL), 0..max).prop_map(|v| v.concat())
        }

        /// A phone made of a name's length and characters (digits only).
        fn phone(name: &str) -> String {
            name.chars().map(|c| char::from(b'0' + (c as u32 % 10) as u8)).collect()
        }

        fn unfiltered(ix: &SearchIndex, q: &str, within: Option<&[u32]>) -> Found {
            let mut p = Prepared::new(q);
            (p.needs, p.fuzzy_letters, p.needs_digits) = (0, 0, 0);
            p.needs_any.clear();
            ix.find_prepared(&p, within)
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1000))]
            #[test]
            fn the_same_hits_with_and_without(
                names in prop::collection::vec((text(8), text(3), prop::collection::vec(text(4), 0..4)), 1..30),
                q in prop_oneof![prop::sample::select(QUERY_POOL).prop_map(str::to_string), text(4)],
            ) {
                // Some accounts owned, by owners the queries may match.
                let owners = ["", "王芳", "曾志伟", "Zhang Wei", "西湖"];
                let accounts: Vec<IndexAccount> = names
                    .iter()
                    .enumerate()
                    .map(|(i, (n, s, _))| IndexAccount { owner: owners[i % owners.len()].into(), ..account(n, s, &phone(n)) })
                    .collect();
                let contacts: Vec<IndexContact> = accounts
                    .iter()
                    .zip(&names)
                    .flat_map(|(a, (_, _, cs))| cs.iter().map(|c| contact(a, c, &phone(c))).collect::<Vec<_>>())
                    .collect();
                let ix = SearchIndex::build(&accounts, &contacts);
                let fast = ix.find(&q, None);
                let slow = unfiltered(&ix, &q, None);
                prop_assert_eq!(&fast.accounts, &slow.accounts);
                prop_assert_eq!(&fast.contacts, &slow.contacts);
                // Narrowing within an earlier query's result, where
                // allowed, finds the same as searching everything.
                for (at, _) in q.char_indices().skip(1) {
                    if can_narrow(&q[..at], &q) {
                        let before = ix.find(&q[..at], None);
                        prop_assert_eq!(&ix.find(&q, Some(&before.accounts)).accounts, &slow.accounts, "from {:?}", &q[..at]);
                    }
                }
            }
        }
    }

    /// Any mix of initials, syllable prefixes and whole syllables finds
    /// the name; letters no run of consecutive characters reads do not.
    #[test]
    fn mixes_of_initials_and_syllables() {
        for q in ["wnsh", "wangns", "wns", "wangnvshi", "wangnushi", "wnshi", "wangnsh", "wanv", "wangn", "nsh", "nvs"]
        {
            assert!(pinyin_hit("王女士", q), "{q} finds 王女士");
        }
        for q in ["wnx", "wnss", "wangx", "wsh", "ns h", "shn", "wangnvshix", "w n"] {
            assert!(!pinyin_hit("王女士", q), "{q} does not find 王女士");
        }
        for q in ["lnsh", "linvsh", "lns", "lnushi"] {
            assert!(pinyin_hit("李女士", q), "{q} finds 李女士");
        }
        // Heteronyms: each character may take any of its readings.
        for q in ["zzhw", "cengzw", "czhiw", "zengzhiwei"] {
            assert!(pinyin_hit("曾志伟", q), "{q} finds 曾志伟");
        }
        let ix = SearchIndex::build(&[account("王女士", "", ""), account("王先生", "", "")], &[]);
        assert_eq!(names(&ix, "wnsh"), ["王女士"]);
        assert_eq!(names(&ix, "wangns"), ["王女士"]);
        assert_eq!(names(&ix, "wangx"), ["王先生"]);
        assert!(names(&ix, "wnx").is_empty());
        assert_eq!(highlight("王女士", "nsh"), [1, 2]);
    }

    /// The matcher against a plain reading of the rule: every way of
    /// cutting the query into non-empty prefixes of the readings of
    /// consecutive characters, from every character.
    mod mixes {
        use super::*;
        use proptest::prelude::*;

        const CHARS: &[&str] = &["王", "女", "士", "曾", "志", "伟", "长", "行", "重", "单", "绿", "安", "A", "x", "1"];

        fn reference(text: &str, q: &str) -> bool {
            fn from(chars: &[Vec<String>], q: &str) -> bool {
                if q.is_empty() {
                    return true;
                }
                let Some((first, rest)) = chars.split_first() else { return false };
                first.iter().any(|r| (1..=r.len().min(q.len())).any(|k| q.starts_with(&r[..k]) && from(rest, &q[k..])))
            }
            let chars: Vec<Vec<String>> = readings(text).into_iter().map(|(_, r)| r).collect();
            (0..chars.len()).any(|i| from(&chars[i..], q))
        }

        /// A query built by the rule from `text`: from character `start`,
        /// `take` characters, each cut to some length of one reading.
        fn built(text: &str, start: usize, cuts: &[(usize, usize)]) -> String {
            let chars: Vec<Vec<String>> = readings(text).into_iter().map(|(_, r)| r).collect();
            let mut q = String::new();
            for (r, (pick, len)) in chars.iter().skip(start).zip(cuts) {
                let reading = &r[pick % r.len()];
                q.push_str(&reading[..=(len % reading.len())]);
            }
            q
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(500))]
            #[test]
            fn the_matcher_agrees_with_the_rule(
                text in prop::collection::vec(prop::sample::select(CHARS), 1..6).prop_map(|v| v.concat()),
                random in "[a-z]{1,8}",
                start in 0usize..6,
                cuts in prop::collection::vec((0usize..4, 0usize..6), 1..6),
            ) {
                let q = built(&text, start, &cuts);
                if !q.is_empty() {
                    prop_assert!(pinyin_hit(&text, &q), "{} from {}", q, text);
                    prop_assert!(reference(&text, &q));
                }
                prop_assert_eq!(pinyin_hit(&text, &random), reference(&text, &random), "{} in {}", random, text);
            }
        }
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

    /// The owner's name finds their accounts, after those that match by
    /// themselves or through a contact; the list can say why.
    #[test]
    fn the_owner_finds_their_accounts() {
        let owned = |name: &str, owner: &str| IndexAccount { owner: owner.into(), ..account(name, "", "") };
        let a = owned("杭州西湖精密机械有限公司", "王芳");
        let b = owned("上海华联超市股份有限公司", "李娜");
        let c = owned("万丰贸易", "李娜");
        let d = owned("北京测试有限公司", "王芳");
        let z = contact(&b, "魏风", "");
        let ix = SearchIndex::build(&[a, b, c, d], &[z]);
        assert_eq!(
            names(&ix, "wf"),
            ["万丰贸易", "上海华联超市股份有限公司", "杭州西湖精密机械有限公司", "北京测试有限公司"],
            "by itself, through the contact 魏风, then 王芳's two in list order"
        );
        assert_eq!(names(&ix, "wangfang"), ["杭州西湖精密机械有限公司", "北京测试有限公司"]);
        assert_eq!(names(&ix, "wangf"), ["杭州西湖精密机械有限公司", "北京测试有限公司"]);
        assert_eq!(names(&ix, "王芳"), ["杭州西湖精密机械有限公司", "北京测试有限公司"]);
        assert_eq!(names(&ix, "lna"), ["上海华联超市股份有限公司", "万丰贸易"]);
        assert!(names(&ix, "wfx").is_empty());
        let slot = |name: &str| ix.all().into_iter().find(|s| ix.name(*s) == name).expect("slot");
        assert_eq!(ix.through(slot("万丰贸易"), "wf"), None, "it matched by itself");
        assert_eq!(ix.through(slot("上海华联超市股份有限公司"), "wf"), Some(Through::Contact("魏风".into())));
        assert_eq!(ix.through(slot("北京测试有限公司"), "wf"), Some(Through::Owner("王芳".into())));
        assert_eq!(ix.through(slot("北京测试有限公司"), ""), None);
        // Narrowing from a letter keeps the owner's accounts.
        let first = ix.find("w", None);
        assert_eq!(ix.find("wf", Some(&first.accounts)).accounts, ix.find("wf", None).accounts);
    }

    #[test]
    fn a_run_of_digits_is_found_where_str_contains_finds_it() {
        for (hay, d) in [("13800138000", "138"), ("13800138000", "8000"), ("138", "1380"), ("", "1"), ("1", "")] {
            assert_eq!(has_run(hay, d), hay.contains(d), "{hay} {d}");
        }
        assert!(has_run("杭州8000有限", "8000"), "in a name among Chinese");
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

    /// Above `PARALLEL_ABOVE` accounts the scan runs in chunks on two
    /// threads: it finds the same, in the same order, as one scan.
    #[test]
    fn a_search_in_chunks_finds_what_one_scan_finds() {
        let syllables = ["杭", "州", "西", "湖", "精", "机", "上", "海", "华", "联", "曾", "重", "长", "公", "司"];
        let name =
            |i: usize| -> String { (0..6).map(|k| syllables[(i * 7 + k * i / 3 + k) % syllables.len()]).collect() };
        let accounts: Vec<IndexAccount> =
            (0..PARALLEL_ABOVE + 5_000).map(|i| account(&name(i), "", &format!("138{i:08}"))).collect();
        let contacts: Vec<IndexContact> =
            accounts.iter().step_by(7).map(|a| contact(a, "曾志伟", "13912345678")).collect();
        let ix = SearchIndex::build(&accounts, &contacts);
        for q in ["h", "hz", "hzx", "zzw", "杭州", "州西湖", "1380000", "5678", "cz"] {
            let p = Prepared::new(q);
            let one = ix.scan(&p, &ix.owners_matching(&p), &ix.order, &mut Scanner::new()).found();
            let chunked = ix.find(q, None);
            assert!(!one.accounts.is_empty(), "{q} finds something");
            assert_eq!(chunked.accounts, one.accounts, "{q}");
            assert_eq!(chunked.contacts, one.contacts, "{q}");
        }
    }

    #[test]
    fn accounts_are_found_by_id_before_and_after_finishing() {
        let accounts: Vec<IndexAccount> = (0..50).map(|i| account(&format!("公司{i}"), "", "")).collect();
        let mut ix = SearchIndex::default();
        for a in &accounts {
            ix.add_account(a);
        }
        assert_eq!(ix.slot(&accounts[7].id), Some(7), "before finish");
        ix.add_contact(&contact(&accounts[3], "曾志伟", ""));
        for (i, a) in accounts.iter().enumerate() {
            assert_eq!(ix.slot(&a.id), u32::try_from(i).ok());
        }
        let moved = account("公司7改", "", "");
        let id = accounts[7].id.clone();
        ix.upsert(&id, Some((IndexAccount { id: id.clone(), ..moved }, Vec::new())));
        assert_eq!(ix.slot(&id), Some(50), "the saved account's new slot");
        assert_eq!(ix.name(50), "公司7改");
        assert_eq!(ix.slot(&accounts[8].id), Some(8));
        ix.upsert(&accounts[3].id, None);
        assert_eq!(ix.slot(&accounts[3].id), None);
        assert_eq!(ix.len(), 49);
        assert_eq!(names(&ix, "zzw"), Vec::<String>::new(), "its contact went with it");
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
