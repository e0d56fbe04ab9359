//! The keys of each screen, declared once. A screen's table binds keys to
//! its actions with the words `?` shows for them; the screen's handler asks
//! the table which action a key is and matches on the action, so a key is
//! handled exactly when it is listed, and `?` and `docs/keys.md` (generated
//! from the same tables) say what the handler does. A test reads every
//! table's label back into keys: a label that names a key the binding does
//! not have, or leaves one out, fails.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::T;

/// One key as a binding takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// A character typed without Ctrl or Alt (Shift makes capitals and
    /// symbols, so it is allowed).
    Char(char),
    /// A named key (arrows, Enter, Esc, Tab …) without Ctrl or Alt.
    Code(KeyCode),
    /// Ctrl and a letter (with Shift too: Ctrl-Y is Ctrl-Shift-Y).
    Ctrl(char),
    /// Ctrl and a named key.
    CtrlCode(KeyCode),
    /// Alt and a named key (where a terminal takes Ctrl-↑ for itself).
    Alt(KeyCode),
    /// The digits from the first to the second (the tab numbers).
    Digits(char, char),
}

impl Key {
    pub fn matches(self, k: &KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let alt = k.modifiers.contains(KeyModifiers::ALT);
        let plain = !ctrl && !alt;
        match self {
            Key::Char(c) => plain && k.code == KeyCode::Char(c),
            Key::Code(c) => plain && k.code == c,
            Key::Ctrl(c) => ctrl && !alt && matches!(k.code, KeyCode::Char(x) if x.eq_ignore_ascii_case(&c)),
            Key::CtrlCode(c) => ctrl && k.code == c,
            Key::Alt(c) => alt && !ctrl && k.code == c,
            Key::Digits(a, b) => plain && matches!(k.code, KeyCode::Char(c) if (a..=b).contains(&c)),
        }
    }
}

/// Keys bound to one action of a screen, with what `?` says of them.
pub struct Binding<A: 'static> {
    /// The keys as `?` and `docs/keys.md` write them.
    pub label: &'static str,
    pub keys: &'static [Key],
    pub help: T,
    pub action: A,
}

/// The action a key is bound to in a table, the first binding that has it.
pub fn find<A: Copy>(table: &[Binding<A>], key: &KeyEvent) -> Option<A> {
    table.iter().find(|b| b.keys.iter().any(|k| k.matches(key))).map(|b| b.action)
}

/// A table's lines for `?`.
pub fn help<A>(table: &[Binding<A>]) -> impl Iterator<Item = (&'static str, T)> + '_ {
    table.iter().map(|b| (b.label, b.help))
}

/// Shorthands for the tables.
pub mod k {
    use super::Key;
    use crossterm::event::KeyCode;

    pub const UP: Key = Key::Code(KeyCode::Up);
    pub const DOWN: Key = Key::Code(KeyCode::Down);
    pub const LEFT: Key = Key::Code(KeyCode::Left);
    pub const RIGHT: Key = Key::Code(KeyCode::Right);
    pub const PGUP: Key = Key::Code(KeyCode::PageUp);
    pub const PGDN: Key = Key::Code(KeyCode::PageDown);
    pub const HOME: Key = Key::Code(KeyCode::Home);
    pub const END: Key = Key::Code(KeyCode::End);
    pub const ENTER: Key = Key::Code(KeyCode::Enter);
    pub const ESC: Key = Key::Code(KeyCode::Esc);
    pub const TAB: Key = Key::Code(KeyCode::Tab);
    pub const BACKTAB: Key = Key::Code(KeyCode::BackTab);
    pub const SPACE: Key = Key::Char(' ');
    pub const TABS: Key = Key::Digits('1', '5');

    pub const fn c(ch: char) -> Key {
        Key::Char(ch)
    }

    pub const fn ctrl(ch: char) -> Key {
        Key::Ctrl(ch)
    }
}

/// The keys every tab shares (not over a form or a filter being typed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Global {
    Settings,
    Help,
}

pub const GLOBAL: &[Binding<Global>] = &[
    Binding { label: ",", keys: &[k::c(',')], help: T::KSettings, action: Global::Settings },
    Binding { label: "?", keys: &[k::c('?')], help: T::KHelp, action: Global::Help },
];

/// The tab numbers and quitting, on every tab's main view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nav {
    Tab,
    Quit,
}

pub const NAV: &[Binding<Nav>] = &[
    Binding { label: "1–5", keys: &[k::TABS], help: T::KTabs, action: Nav::Tab },
    Binding { label: "q", keys: &[k::c('q')], help: T::KQuit, action: Nav::Quit },
];

/// The head office's keys when there is a hub: the sync (Ctrl-Y, a control
/// key no filter or field takes as text) on every tab and over every popup,
/// the requests (Ctrl-R) on any tab when no popup is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HubKey {
    Sync,
    Requests,
}

pub const HUB: &[Binding<HubKey>] = &[
    Binding { label: "Ctrl-Y", keys: &[k::ctrl('y')], help: T::KSync, action: HubKey::Sync },
    Binding { label: "Ctrl-R", keys: &[k::ctrl('r')], help: T::KRequests, action: HubKey::Requests },
];

/// The help's keys (`?`): a help taller than the screen scrolls; any
/// other key closes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HelpKey {
    Scroll,
}

pub const HELP_KEYS: &[Binding<HelpKey>] = &[Binding {
    label: "↑↓ j k PgUp PgDn Home End",
    keys: &[k::UP, k::DOWN, k::c('j'), k::c('k'), k::PGUP, k::PGDN, k::HOME, k::END],
    help: T::HelpScroll,
    action: HelpKey::Scroll,
}];

/// Quitting from anywhere, a form too (which asks first when changed and
/// is kept as a draft).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quit {
    Quit,
}

pub const QUIT: &[Binding<Quit>] =
    &[Binding { label: "Ctrl-C", keys: &[k::ctrl('c')], help: T::KQuitForm, action: Quit::Quit }];

/// What a key does in a form. A key no binding has is typed into the
/// focused field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKey {
    /// Tab and Shift-Tab: the next and previous field.
    Fields,
    /// ↑↓ and Enter: the next or previous field, or within a text of
    /// several lines (where Enter breaks the line) the field's own.
    Arrows,
    /// Given to the focused field: a list's choice, or the text's cursor.
    Field,
    /// Rows of the focused table: insert, delete (and in a plan, move).
    Rows,
    Save,
    /// Another save came first: take the stored version.
    TakeStored,
    /// A VIP card with the phone being typed exists: open it.
    OpenMatch,
    /// A plan printed to a Markdown file.
    Print,
    Close,
}

const fn form(label: &'static str, keys: &'static [Key], help: T, action: FormKey) -> Binding<FormKey> {
    Binding { label, keys, help, action }
}

/// The keys of a form (the account-side forms, the VIP card and the
/// settings); with [`QUIT`].
pub const FORM_KEYS: &[Binding<FormKey>] = &[
    form("Tab / Shift-Tab", &[k::TAB, k::BACKTAB], T::KFormFields, FormKey::Fields),
    form("↑↓ Enter", &[k::UP, k::DOWN, k::ENTER], T::KFormArrows, FormKey::Arrows),
    form("← → Space", &[k::LEFT, k::RIGHT, k::SPACE], T::KChoice, FormKey::Field),
    form("Ctrl-N / Ctrl-D", &[k::ctrl('n'), k::ctrl('d')], T::KRows, FormKey::Rows),
    form("Ctrl-S", &[k::ctrl('s')], T::KSave, FormKey::Save),
    form("Ctrl-R", &[k::ctrl('r')], T::KFormTakeStored, FormKey::TakeStored),
    form("Ctrl-O", &[k::ctrl('o')], T::KFormOpenMatch, FormKey::OpenMatch),
    form("Esc", &[k::ESC], T::KFormEsc, FormKey::Close),
];

/// The keys of a call plan's or presentation's form; with [`QUIT`].
pub const PLAN_FORM_KEYS: &[Binding<FormKey>] = &[
    form("Tab / Shift-Tab", &[k::TAB, k::BACKTAB], T::KFormFields, FormKey::Fields),
    form("↑↓ Enter", &[k::UP, k::DOWN, k::ENTER], T::KFormArrows, FormKey::Arrows),
    form("← → Space", &[k::LEFT, k::RIGHT, k::SPACE], T::KChoice, FormKey::Field),
    form(
        "Ctrl-N Ctrl-D Ctrl-↑↓ Alt-↑↓",
        &[
            k::ctrl('n'),
            k::ctrl('d'),
            Key::CtrlCode(KeyCode::Up),
            Key::CtrlCode(KeyCode::Down),
            Key::Alt(KeyCode::Up),
            Key::Alt(KeyCode::Down),
        ],
        T::KPlanRows,
        FormKey::Rows,
    ),
    form("Ctrl-P", &[k::ctrl('p')], T::KPlanPrint, FormKey::Print),
    form("Ctrl-S", &[k::ctrl('s')], T::KSave, FormKey::Save),
    form("Esc", &[k::ESC], T::KFormEsc, FormKey::Close),
];

/// What a key does in a popup. A key no binding of the popup has is typed
/// into its text line (a reason, a filter, a query) or does nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pop {
    /// Another line of the popup's list.
    Move,
    /// The selected line's action (restore, open, pick, confirm …).
    Choose,
    Close,
    /// The draft thrown away; the welcome's demo data.
    Discard,
    Demo,
    Blank,
    Approve,
    Reject,
    /// A behaviour ticked or unticked; a score set.
    Tick,
    Score,
    /// The observed day, or the score, one down or up.
    Adjust,
    Clear,
    Save,
}

const fn pop(label: &'static str, keys: &'static [Key], help: T, action: Pop) -> Binding<Pop> {
    Binding { label, keys, help, action }
}

/// The trash (`t`).
pub const TRASH_KEYS: &[Binding<Pop>] = &[
    pop("↑↓", &[k::UP, k::DOWN], T::KPopMove, Pop::Move),
    pop("Enter / r", &[k::ENTER, k::c('r')], T::KTrashRestore, Pop::Choose),
    pop("Esc / q", &[k::ESC, k::c('q')], T::KPopClose, Pop::Close),
];

/// A draft offered at start.
pub const DRAFT_KEYS: &[Binding<Pop>] = &[
    pop("Enter", &[k::ENTER], T::KDraftRestore, Pop::Choose),
    pop("d / D", &[k::c('d'), k::c('D')], T::KDraftDiscard, Pop::Discard),
    pop("Esc", &[k::ESC], T::KDraftLater, Pop::Close),
];

/// The welcome on an empty file.
pub const WELCOME_KEYS: &[Binding<Pop>] = &[
    pop("d / D", &[k::c('d'), k::c('D')], T::KWelcomeDemo, Pop::Demo),
    pop("b / B / Esc / Enter", &[k::c('b'), k::c('B'), k::ESC, k::ENTER], T::KWelcomeBlank, Pop::Blank),
];

/// The reason asked before a deletion or an erasure (a key no binding has
/// is typed into the reason).
pub const REASON_KEYS: &[Binding<Pop>] =
    &[pop("Enter", &[k::ENTER], T::KReasonConfirm, Pop::Choose), pop("Esc", &[k::ESC], T::KPopCancel, Pop::Close)];

/// The account picker (`n` on tabs 2 and 3; typing filters).
pub const PICKER_KEYS: &[Binding<Pop>] = &[
    pop("↑↓", &[k::UP, k::DOWN], T::KPopMove, Pop::Move),
    pop("Enter", &[k::ENTER], T::KPickerChoose, Pop::Choose),
    pop("Esc", &[k::ESC], T::KPopCancel, Pop::Close),
];

/// The text search (`F`; typing searches).
pub const TEXT_SEARCH_KEYS: &[Binding<Pop>] = &[
    pop("↑↓ PgUp PgDn", &[k::UP, k::DOWN, k::PGUP, k::PGDN], T::KPopMove, Pop::Move),
    pop("Enter", &[k::ENTER], T::KTsOpen, Pop::Choose),
    pop("Esc", &[k::ESC], T::KPopClose, Pop::Close),
];

/// The manager's requests (Ctrl-R with a hub).
pub const REQUESTS_KEYS: &[Binding<Pop>] = &[
    pop("↑↓", &[k::UP, k::DOWN], T::KPopMove, Pop::Move),
    pop("a", &[k::c('a')], T::KRequestApprove, Pop::Approve),
    pop("r", &[k::c('r')], T::KRequestReject, Pop::Reject),
    pop("Esc / q", &[k::ESC, k::c('q')], T::KPopClose, Pop::Close),
];

/// A rejection's reason being typed in the requests.
pub const REJECT_KEYS: &[Binding<Pop>] =
    &[pop("Enter", &[k::ENTER], T::KRejectConfirm, Pop::Choose), pop("Esc", &[k::ESC], T::KPopCancel, Pop::Close)];

/// The scorecard (`s` on the company page).
pub const SCORECARD_KEYS: &[Binding<Pop>] = &[
    pop("↑↓ Tab Shift-Tab Enter", &[k::UP, k::DOWN, k::TAB, k::BACKTAB, k::ENTER], T::KPopMove, Pop::Move),
    pop("0–9", &[Key::Digits('0', '9')], T::KScoreDigits, Pop::Score),
    pop("← →", &[k::LEFT, k::RIGHT], T::KScoreAdjust, Pop::Adjust),
    pop(
        "Space Backspace Del",
        &[k::SPACE, Key::Code(KeyCode::Backspace), Key::Code(KeyCode::Delete)],
        T::KScoreClear,
        Pop::Clear,
    ),
    pop("Ctrl-S", &[k::ctrl('s')], T::KSave, Pop::Save),
    pop("Esc", &[k::ESC], T::KFormEsc, Pop::Close),
];

/// A contact's alliance behaviours (`a` on a contact).
pub const ALLIANCE_KEYS: &[Binding<Pop>] = &[
    pop("↑↓ Tab", &[k::UP, k::DOWN, k::TAB], T::KPopMove, Pop::Move),
    pop("Space / Enter", &[k::SPACE, k::ENTER], T::KAllianceTick, Pop::Tick),
    pop("← →", &[k::LEFT, k::RIGHT], T::KAllianceDay, Pop::Adjust),
    pop("Ctrl-S", &[k::ctrl('s')], T::KSave, Pop::Save),
    pop("Esc", &[k::ESC], T::KFormEsc, Pop::Close),
];

/// A VIP card made an account: the account it joins, or a new one.
pub const CONVERT_KEYS: &[Binding<Pop>] = &[
    pop("↑↓ Tab", &[k::UP, k::DOWN, k::TAB], T::KPopMove, Pop::Move),
    pop("Enter", &[k::ENTER], T::KConvertChoose, Pop::Choose),
    pop("Esc", &[k::ESC], T::KPopCancel, Pop::Close),
];

/// Every popup's table, with its name for `docs/keys.md`.
pub const POPUPS: &[(&str, &[Binding<Pop>])] = &[
    ("The trash (t)", TRASH_KEYS),
    ("A draft offered at start", DRAFT_KEYS),
    ("The welcome on an empty file", WELCOME_KEYS),
    ("The reason for a deletion or an erasure", REASON_KEYS),
    ("The account picker (n on tabs 2 and 3)", PICKER_KEYS),
    ("The text search (F)", TEXT_SEARCH_KEYS),
    ("The requests (Ctrl-R, with a hub)", REQUESTS_KEYS),
    ("A rejection's reason, in the requests", REJECT_KEYS),
    ("The scorecard (s on the company page)", SCORECARD_KEYS),
    ("The alliance behaviours (a on a contact)", ALLIANCE_KEYS),
    ("A VIP card made an account (a on tab 4)", CONVERT_KEYS),
];

/// A label read back into the keys it names, for the tests: `None` for a
/// word that names no key.
#[cfg(test)]
pub fn label_keys(label: &str) -> Option<Vec<Key>> {
    fn named(word: &str) -> Option<KeyCode> {
        Some(match word {
            "Enter" => KeyCode::Enter,
            "Esc" => KeyCode::Esc,
            "Tab" => KeyCode::Tab,
            "Shift-Tab" | "⇧Tab" => KeyCode::BackTab,
            "PgUp" => KeyCode::PageUp,
            "PgDn" => KeyCode::PageDown,
            "Home" => KeyCode::Home,
            "End" => KeyCode::End,
            "Backspace" => KeyCode::Backspace,
            "Del" => KeyCode::Delete,
            _ => return None,
        })
    }
    fn arrows(word: &str) -> Option<Vec<KeyCode>> {
        word.chars()
            .map(|c| match c {
                '↑' => Some(KeyCode::Up),
                '↓' => Some(KeyCode::Down),
                '←' => Some(KeyCode::Left),
                '→' => Some(KeyCode::Right),
                _ => None,
            })
            .collect()
    }
    // `/` between keys says "or"; alone it is the key.
    if label == "/" {
        return Some(vec![Key::Char('/')]);
    }
    let mut keys = Vec::new();
    for word in label.split_whitespace().filter(|w| *w != "/") {
        if let Some(code) = named(word) {
            keys.push(Key::Code(code));
        } else if word == "Space" {
            keys.push(Key::Char(' '));
        } else if let Some(rest) = word.strip_prefix("Ctrl-") {
            let mut cs = rest.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) if c.is_ascii_alphabetic() => keys.push(Key::Ctrl(c.to_ascii_lowercase())),
                _ => keys.extend(arrows(rest)?.into_iter().map(Key::CtrlCode)),
            }
        } else if let Some(rest) = word.strip_prefix("Alt-") {
            keys.extend(arrows(rest)?.into_iter().map(Key::Alt));
        } else if let Some((a, b)) = word.split_once('–') {
            let (a, b) = (a.parse::<char>().ok()?, b.parse::<char>().ok()?);
            keys.push(Key::Digits(a, b));
        } else if let Some(codes) = arrows(word) {
            keys.extend(codes.into_iter().map(Key::Code));
        } else {
            let mut cs = word.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => keys.push(Key::Char(c)),
                _ => return None,
            }
        }
    }
    Some(keys)
}

/// Every binding's label names exactly its keys, and no key is bound twice
/// in one table.
#[cfg(test)]
pub fn check_table<A>(name: &str, table: &[Binding<A>]) {
    let mut seen = std::collections::HashSet::new();
    for b in table {
        let read = label_keys(b.label).unwrap_or_else(|| panic!("{name}: label {:?} names no key", b.label));
        let mut read_sorted: Vec<String> = read.iter().map(|k| format!("{k:?}")).collect();
        let mut keys: Vec<String> = b.keys.iter().map(|k| format!("{k:?}")).collect();
        read_sorted.sort();
        keys.sort();
        assert_eq!(read_sorted, keys, "{name}: the label {:?} does not name its keys", b.label);
        for key in b.keys {
            assert!(seen.insert(format!("{key:?}")), "{name}: {key:?} bound twice");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn keys_match_with_their_modifiers_only() {
        assert!(k::c('S').matches(&ev(KeyCode::Char('S'), KeyModifiers::SHIFT)));
        assert!(!k::c('s').matches(&ev(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert!(k::ctrl('s').matches(&ev(KeyCode::Char('s'), KeyModifiers::CONTROL)));
        assert!(!k::ctrl('s').matches(&ev(KeyCode::Char('s'), KeyModifiers::NONE)));
        assert!(!k::UP.matches(&ev(KeyCode::Up, KeyModifiers::ALT)));
        assert!(Key::Alt(KeyCode::Up).matches(&ev(KeyCode::Up, KeyModifiers::ALT)));
        assert!(k::TABS.matches(&ev(KeyCode::Char('3'), KeyModifiers::NONE)));
        assert!(!k::TABS.matches(&ev(KeyCode::Char('6'), KeyModifiers::NONE)));
        assert!(k::BACKTAB.matches(&ev(KeyCode::BackTab, KeyModifiers::SHIFT)));
    }

    #[test]
    fn labels_read_back_into_keys() {
        assert_eq!(
            label_keys("↑↓ PgUp / Ctrl-N Alt-↑ 1–5 Space Shift-Tab q"),
            Some(vec![
                k::UP,
                k::DOWN,
                k::PGUP,
                k::ctrl('n'),
                Key::Alt(KeyCode::Up),
                k::TABS,
                k::SPACE,
                k::BACKTAB,
                k::c('q'),
            ])
        );
        assert_eq!(label_keys("Foo"), None);
        check_table("global", GLOBAL);
        check_table("nav", NAV);
        check_table("hub", HUB);
        check_table("quit", QUIT);
        check_table("help", HELP_KEYS);
        check_table("form", FORM_KEYS);
        check_table("plan form", PLAN_FORM_KEYS);
        for (name, t) in POPUPS {
            check_table(name, t);
        }
    }

    #[test]
    #[should_panic(expected = "does not name its keys")]
    fn a_label_that_leaves_a_key_out_fails() {
        let t = [Binding { label: "↑", keys: &[k::UP, k::DOWN], help: T::KMove, action: () }];
        check_table("t", &t);
    }
}
