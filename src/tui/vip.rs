//! Tab 4: the store's VIP visitor cards (DESIGN §3.8).
//! State and keys; drawing is in `screens/`.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use chrono::{NaiveTime, Timelike};
use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::{Labeled, Lang};

use super::app::{App, Editing, FormState, Popup, ReasonFor, Tab};
use super::keymap::{self, k, Binding, Pop};
use super::widgets::form::Form;
use super::widgets::input::TextInput;
use super::widgets::keys::F;
use super::worker::Done;
use crate::i18n::T;
use crate::model::{Handover, Id, VipCard};
use crate::store::{FabUse, ObjectionCount, ResolutionUse, StoreError, VipCardCounts, VipQuery, VipScope};

/// Most cards the list reads at once (a store's cards of several years).
const LIST_LIMIT: u32 = 1000;
/// List lines read at a time beyond the selected one.
const ROWS_READ: usize = 60;

/// What the store learned from its cards (the `l` view), for the whole
/// store or for one advisor (`Tab` / `⇧Tab` switch).
#[derive(Debug, Default)]
pub struct Learned {
    /// The store counted; `None`: every store.
    pub store: Option<String>,
    /// Who received the visitors on the store's cards, with their cards.
    pub advisors: Vec<(String, u32)>,
    /// Whose cards are counted: `None` the whole store, else one of `advisors`.
    pub advisor: Option<usize>,
    pub counts: VipCardCounts,
    pub objections: Vec<ObjectionCount>,
    pub resolutions: Vec<ResolutionUse>,
    pub fabs: Vec<FabUse>,
    /// Lines scrolled past (`J` / `K`) when the view is taller than the screen.
    pub scroll: u16,
}

impl Learned {
    /// The advisor whose cards are counted; `None` for the whole store.
    pub fn advisor_name(&self) -> Option<&str> {
        self.advisor.and_then(|i| self.advisors.get(i)).map(|(n, _)| n.as_str())
    }
}

/// Accounts the duplicate guard found for a card being made an account.
#[derive(Debug)]
pub struct ConvertChoice {
    pub card: Id,
    /// Likely the same person: id and name.
    pub candidates: Vec<(Id, String)>,
    /// Among the candidates, or `candidates.len()` for a new account.
    pub selected: usize,
    /// Colleagues at head office holding a company like it (the hub's
    /// ownership index), as the guard says them: not to link, to know.
    pub held: Vec<String>,
}

/// The tab's state.
#[derive(Debug)]
pub struct VipTab {
    /// The cards the list finds, newest visit first (at most 1,000).
    pub ids: Vec<Id>,
    /// The first of them as list lines, without their child rows, read as
    /// the selection moves down (the selected one is read whole into `full`).
    pub cards: Vec<VipCard>,
    /// Who holds each card of `cards` now.
    pub holders: Vec<String>,
    pub selected: usize,
    /// The selected card with its child rows.
    pub full: Option<VipCard>,
    /// Lines of the selected card's summary scrolled past (`J` / `K`).
    pub summary_scroll: u16,
    pub filter: TextInput,
    pub filtering: bool,
    /// Only the cards the current user holds.
    pub mine: bool,
    pub learned: Option<Learned>,
    pub convert: Option<ConvertChoice>,
    /// Names of the accounts the cards link to.
    pub accounts: HashMap<Id, String>,
    /// The program that opens a photo.
    pub viewer: String,
    /// A new card's form set aside while the card its phone is on is open
    /// (Ctrl-O on the duplicate warning); it comes back when that one closes.
    pub parked: Option<Box<FormState>>,
    /// The photos drawn on the cards, read off the UI thread.
    pub photos: super::photo::Photos,
}

impl Default for VipTab {
    fn default() -> Self {
        Self {
            ids: Vec::new(),
            cards: Vec::new(),
            holders: Vec::new(),
            selected: 0,
            full: None,
            summary_scroll: 0,
            filter: TextInput::default(),
            filtering: false,
            mine: false,
            learned: None,
            convert: None,
            accounts: HashMap::new(),
            viewer: default_viewer().to_string(),
            parked: None,
            photos: super::photo::Photos::default(),
        }
    }
}

fn default_viewer() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

impl VipTab {
    /// Whether the tab is taking text (a filter), so shared keys are text.
    pub fn typing(&self) -> bool {
        self.filtering || self.convert.is_some()
    }

    /// The selected card, whole when it has been read.
    pub fn current(&self) -> Option<&VipCard> {
        let shown = self.cards.get(self.selected)?;
        Some(self.full.as_ref().filter(|f| f.meta.id == shown.meta.id).unwrap_or(shown))
    }
}

/// Who holds a card now: the last handover's receiver, or who received the visitor.
pub fn holder(c: &VipCard) -> &str {
    c.handovers.last().map_or(c.received_by.as_str(), |h| h.to.as_str())
}

/// A phone as lists show it: the last four digits only.
pub fn masked_phone(phone: &str) -> String {
    let digits = kam_rules::dedupe::phone_digits(phone);
    if digits.is_empty() {
        return String::new();
    }
    let n = digits.chars().count();
    let tail: String = digits.chars().skip(n.saturating_sub(4)).collect();
    format!("****{tail}")
}

/// What is wrong with an image path: missing, or not a PNG, JPEG, GIF or WebP.
pub fn check_image(path: &str, lang: Lang) -> Result<(), String> {
    let p = Path::new(path.trim());
    let mut head = [0u8; 12];
    // A FIFO, device or folder is no photo: refused at once, never read
    // (a FIFO would block the workbench for ever).
    if p.exists() && crate::files::check_regular(p).is_err() {
        return Err(T::VipNotImage.fill(lang, &[("path", path.trim())]));
    }
    let n = crate::files::open_regular(p)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|_| T::VipNoFile.fill(lang, &[("path", path.trim())]))?;
    if is_image(&head[..n]) {
        Ok(())
    } else {
        Err(T::VipNotImage.fill(lang, &[("path", path.trim())]))
    }
}

/// Whether bytes start like a PNG, JPEG, GIF or WebP file.
pub fn is_image(head: &[u8]) -> bool {
    head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xff, 0xd8, 0xff])
        || head.starts_with(b"GIF87a")
        || head.starts_with(b"GIF89a")
        || (head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP")
}

/// What a key does on the VIP cards tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VipKey {
    Filter,
    ClearFilter,
    Move,
    New,
    Edit,
    Handover,
    Account,
    Photo,
    Status,
    Mine,
    Learn,
    Advisor,
    Scroll,
    Delete,
    Erase,
}

const fn vip(label: &'static str, keys: &'static [keymap::Key], help: T, action: VipKey) -> Binding<VipKey> {
    Binding { label, keys, help, action }
}

/// The VIP tab's keys; with [`keymap::NAV`] and [`keymap::GLOBAL`].
pub const VIP_KEYS: &[Binding<VipKey>] = &[
    vip("/", &[k::c('/')], T::KVipFilter, VipKey::Filter),
    vip("Esc", &[k::ESC], T::KClearFilter, VipKey::ClearFilter),
    vip(super::account_list::MOVE_LABEL, super::account_list::MOVE_KEYS, T::KMove, VipKey::Move),
    vip("n", &[k::c('n')], T::KVipNew, VipKey::New),
    vip("Enter / e", &[k::ENTER, k::c('e')], T::KVipEdit, VipKey::Edit),
    vip("h", &[k::c('h')], T::KVipHandover, VipKey::Handover),
    vip("a", &[k::c('a')], T::KVipAccount, VipKey::Account),
    vip("o", &[k::c('o')], T::KVipPhoto, VipKey::Photo),
    vip("s", &[k::c('s')], T::KVipStatus, VipKey::Status),
    vip("m", &[k::c('m')], T::KVipMine, VipKey::Mine),
    vip("l", &[k::c('l')], T::KVipLearn, VipKey::Learn),
    vip("J K", &[k::c('J'), k::c('K')], T::KVipScroll, VipKey::Scroll),
    vip("d", &[k::c('d')], T::KDelete, VipKey::Delete),
    vip("X", &[k::c('X')], T::KErase, VipKey::Erase),
];

/// The keys of the learning view (`l`); with [`keymap::NAV`] and [`keymap::GLOBAL`].
pub const VIP_LEARN_KEYS: &[Binding<VipKey>] = &[
    vip("Tab / Shift-Tab / ← →", &[k::TAB, k::BACKTAB, k::LEFT, k::RIGHT], T::KVipLearnAdvisor, VipKey::Advisor),
    vip("J K", &[k::c('J'), k::c('K')], T::KVipScroll, VipKey::Scroll),
    vip("Esc / l", &[k::ESC, k::c('l')], T::KVipLearnClose, VipKey::Learn),
];

impl App {
    pub(super) fn vip_key(&mut self, key: KeyEvent) {
        if self.vip.convert.is_some() {
            self.vip_convert_key(key);
            return;
        }
        if self.vip.learned.is_some() {
            match keymap::find(VIP_LEARN_KEYS, &key) {
                Some(VipKey::Learn) => self.vip.learned = None,
                Some(VipKey::Advisor) => {
                    let back = matches!(key.code, KeyCode::BackTab | KeyCode::Left);
                    self.vip_learn_step(if back { -1 } else { 1 });
                }
                Some(VipKey::Scroll) if key.code == KeyCode::Char('K') => {
                    if let Some(l) = self.vip.learned.as_mut() {
                        l.scroll = l.scroll.saturating_sub(3);
                    }
                }
                Some(VipKey::Scroll) => {
                    // Not past the last line.
                    let n = self
                        .vip
                        .learned
                        .as_ref()
                        .map_or(0, |l| super::screens::vip_cards::learned_lines(self, l, 80).len());
                    let last = u16::try_from(n.saturating_sub(1)).unwrap_or(u16::MAX);
                    if let Some(l) = self.vip.learned.as_mut() {
                        l.scroll = l.scroll.saturating_add(3).min(last);
                    }
                }
                Some(_) | None => {
                    self.shared_key(key);
                }
            }
            return;
        }
        if self.vip.filtering {
            self.vip_filter_key(key);
            return;
        }
        let Some(action) = keymap::find(VIP_KEYS, &key) else {
            self.shared_key(key);
            return;
        };
        match action {
            VipKey::Filter => self.vip.filtering = true,
            VipKey::ClearFilter => {
                if !self.vip.filter.value().is_empty() {
                    self.vip.filter.clear();
                    self.vip_reload(None);
                } else if self.back_to == Some(Tab::Today) {
                    // A card opened from Today: Esc goes back there.
                    self.switch_tab('5');
                }
            }
            VipKey::Move => match key.code {
                KeyCode::Up | KeyCode::Char('k') => self.vip_move(-1),
                KeyCode::Down | KeyCode::Char('j') => self.vip_move(1),
                KeyCode::PageUp => self.vip_move(-(self.page_rows as isize)),
                KeyCode::PageDown => self.vip_move(self.page_rows as isize),
                KeyCode::Home => self.vip_move(isize::MIN / 2),
                _ => self.vip_move(isize::MAX / 2),
            },
            VipKey::New => self.open_new_vip_card(),
            VipKey::Edit => {
                if let Some(c) = self.vip.current().cloned() {
                    self.open_vip_card_form(c);
                }
            }
            VipKey::Handover => self.open_vip_handover(),
            VipKey::Account => self.vip_make_account(),
            VipKey::Photo => self.vip_open_photo(),
            VipKey::Status => self.vip_choose_status(),
            VipKey::Mine => {
                self.vip.mine = !self.vip.mine;
                self.vip_reload(None);
            }
            VipKey::Learn => self.vip_learn(),
            VipKey::Scroll if key.code == KeyCode::Char('K') => {
                self.vip.summary_scroll = self.vip.summary_scroll.saturating_sub(3);
            }
            VipKey::Scroll => {
                // By the lines drawn (a long text wraps into many), never
                // past the last one at the foot of the summary.
                let screen = ratatui::layout::Rect::new(0, 0, self.screen.width, self.screen.height);
                let body = super::screens::body_area(screen);
                let last = match (self.vip.current(), super::screens::vip_cards::summary_areas(self, body)) {
                    (Some(c), Some((room, _))) => {
                        let n = super::screens::vip_cards::wrapped_summary(self, c, room.width).len();
                        n.saturating_sub(usize::from(room.height))
                    }
                    _ => 0,
                };
                let last = u16::try_from(last).unwrap_or(u16::MAX);
                self.vip.summary_scroll = self.vip.summary_scroll.saturating_add(3).min(last);
            }
            VipKey::Delete | VipKey::Erase => {
                if let Some(c) = self.vip.current() {
                    let label = format!("{} {} {}", c.visit_date, c.salutation, masked_phone(&c.phone));
                    let id = c.meta.id.clone();
                    let what = if action == VipKey::Erase {
                        ReasonFor::EraseVip(id, label)
                    } else {
                        ReasonFor::DeleteVip(id, label)
                    };
                    self.ask_reason(what);
                }
            }
            VipKey::Advisor => {}
        }
    }

    fn vip_filter_key(&mut self, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                self.vip.filtering = false;
                self.vip.filter.clear();
                self.vip_reload(None);
            }
            KeyCode::Enter => self.vip.filtering = false,
            KeyCode::Up => self.vip_move(-1),
            KeyCode::Down => self.vip_move(1),
            _ => {
                if self.vip.filter.handle_key(key) {
                    self.vip.selected = 0;
                    self.vip_reload(None);
                }
            }
        }
    }

    /// Text pasted while the filter takes keys.
    /// A paste into the filter; the refusal when it is too long.
    pub(super) fn vip_paste(&mut self, text: &str) -> Option<super::widgets::input::TooLong> {
        if let Err(e) = self.vip.filter.paste(text, super::widgets::input::FILTER_MAX) {
            return Some(e);
        }
        self.vip.selected = 0;
        self.vip_reload(None);
        None
    }

    fn vip_move(&mut self, by: isize) {
        let n = self.vip.ids.len();
        if n == 0 {
            return;
        }
        let to = (self.vip.selected as isize).saturating_add(by).clamp(0, n as isize - 1);
        self.vip.selected = to as usize;
        self.vip_read_selected();
    }

    /// The cards already holding this phone number (seven digits or more),
    /// as lines for the duplicate guard.
    fn cards_with_phone(&self, phone: &str) -> Result<Vec<(Id, String)>, StoreError> {
        let digits = kam_rules::dedupe::phone_digits(phone);
        if digits.len() < 7 {
            return Ok(Vec::new());
        }
        let q = VipQuery { filter: digits.clone(), holder: None, limit: 5 };
        let ids = self.store.vip_find(&q)?;
        let rows = self.store.vip_rows(&ids)?;
        Ok(rows
            .into_iter()
            .filter(|(c, _)| kam_rules::dedupe::phone_digits(&c.phone) == digits)
            .map(|(c, holder)| {
                let label = format!("{} {} {} · {holder}", c.visit_date, c.salutation, masked_phone(&c.phone));
                (c.meta.id.clone(), label)
            })
            .collect())
    }

    /// Ctrl-O on a new card's duplicate warning: the card with the same
    /// phone is selected and its form opened; the new card is set aside as
    /// typed (and kept as a draft beside the database, should kam stop
    /// meanwhile) and comes back when that form closes.
    pub(super) fn open_matched_card(&mut self, mut f: Box<FormState>) -> Option<Popup> {
        let Some(id) = f.open_match.clone() else { return Some(Popup::Form(f)) };
        let card: VipCard = match self.store.get(&id) {
            Ok(c) => c,
            Err(e) => {
                f.error = Some(self.error_text(&e));
                return Some(Popup::Form(f));
            }
        };
        self.vip.parked = Some(f);
        let _ = self.keep_draft();
        self.vip_reload(Some(&id));
        if self.vip.current().map(|c| &c.meta.id) != Some(&id) {
            // The filter hides it: show every card.
            self.vip.filter = TextInput::default();
            self.vip_reload(Some(&id));
        }
        self.open_vip_card_form(card);
        self.message = Some(T::VipNewCardSetAside.get(self.lang).to_string());
        self.popup.take()
    }

    /// `d` confirmed with a reason: the card goes to the trash (restored
    /// from there with its items, objections and handovers).
    /// `X` on a card, confirmed with a reason: erased for good (#21).
    pub(super) fn erase_vip_card(&mut self, id: &Id, reason: &str) {
        match self.store.erase(crate::store::RecordKind::VipCard, std::slice::from_ref(id), reason) {
            Ok(_) => {
                self.changes += 1;
                self.vip.full = None;
                self.vip_reload(None);
                self.message = Some(T::ErasedOne.get(self.lang).to_string());
            }
            Err(e) => self.fail(&e),
        }
    }

    pub(super) fn delete_vip_card(&mut self, id: &Id, reason: &str) {
        match self.store.delete::<VipCard>(id, reason) {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::MovedToTrash.get(self.lang).to_string());
                self.vip_reload(None);
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Reads the selected card whole (its items, objections, handovers).
    fn vip_read_selected(&mut self) {
        self.vip_read_rows();
        self.vip.selected = self.vip.selected.min(self.vip.cards.len().saturating_sub(1));
        let Some(id) = self.vip.cards.get(self.vip.selected).map(|c| c.meta.id.clone()) else {
            self.vip.full = None;
            return;
        };
        if self.vip.full.as_ref().is_some_and(|f| f.meta.id == id) {
            return;
        }
        match self.store.get::<VipCard>(&id) {
            Ok(c) => {
                // The summary names the account the card was made into.
                if let Some(account) = c.account_id.as_ref().filter(|a| !self.vip.accounts.contains_key(*a)) {
                    if let Ok(name) = self.store.account_name(account) {
                        self.vip.accounts.insert(account.clone(), name);
                    }
                }
                self.vip.full = Some(c);
                self.vip.summary_scroll = 0;
            }
            Err(e) => self.fail(&e),
        }
    }

    /// Reads the list again, keeping the selection on `keep` (or the selected card).
    pub(super) fn vip_reload(&mut self, keep: Option<&Id>) {
        let keep = keep.cloned().or_else(|| self.vip.current().map(|c| c.meta.id.clone()));
        let q = VipQuery {
            filter: self.vip.filter.value().to_string(),
            holder: self.vip.mine.then(|| self.user_name()),
            limit: LIST_LIMIT,
        };
        let ids = match self.store.vip_find(&q) {
            Ok(ids) => ids,
            Err(e) => {
                self.fail(&e);
                return;
            }
        };
        self.vip.selected = keep
            .and_then(|k| ids.iter().position(|id| *id == k))
            .unwrap_or(self.vip.selected)
            .min(ids.len().saturating_sub(1));
        self.vip.ids = ids;
        self.vip.cards.clear();
        self.vip.holders.clear();
        // A card saved meanwhile is read again.
        self.vip.full = None;
        self.vip_read_selected();
    }

    /// Reads the list lines up to the selected one and a page beyond.
    fn vip_read_rows(&mut self) {
        let want = (self.vip.selected + 1 + self.page_rows.max(ROWS_READ)).min(self.vip.ids.len());
        let have = self.vip.cards.len();
        if have >= want {
            return;
        }
        match self.store.vip_rows(&self.vip.ids[have..want]) {
            Ok(rows) => {
                let (cards, holders): (Vec<VipCard>, Vec<String>) = rows.into_iter().unzip();
                if cards.len() < want - have {
                    // A card went meanwhile: it leaves the list.
                    let gone: Vec<Id> = self.vip.ids[have..want]
                        .iter()
                        .filter(|id| !cards.iter().any(|c| c.meta.id == **id))
                        .cloned()
                        .collect();
                    self.vip.ids.retain(|id| !gone.contains(id));
                }
                self.vip.cards.extend(cards);
                self.vip.holders.extend(holders);
            }
            Err(e) => self.fail(&e),
        }
    }

    // ---- the card form ---------------------------------------------------------

    pub(super) fn open_new_vip_card(&mut self) {
        let now = self.store.clock().local_now().time();
        let store = self
            .config
            .store
            .clone()
            .or_else(|| self.vip.cards.iter().find(|c| c.received_by == self.user_name()).map(|c| c.store.clone()))
            .unwrap_or_default();
        let card = VipCard {
            store,
            received_by: self.user_name(),
            visit_date: self.today,
            visit_time: NaiveTime::from_hms_opt(now.hour(), now.minute(), 0),
            ..VipCard::default()
        };
        self.open_vip_card_form(card);
        // Store, staff, date and time are filled: the cursor starts at the salutation.
        if let Some(Popup::Form(f)) = self.popup.as_mut() {
            f.form.focus =
                f.form.fields.iter().position(|x| x.key == super::editors::vip_card::FIRST_ASKED).unwrap_or(0);
        }
    }

    pub(super) fn open_vip_card_form(&mut self, c: VipCard) {
        let form = self.vip_card_form(&c);
        self.open_form(form, Editing::VipCard(Box::new(c)));
    }

    /// The card's fields in the paper card's order.
    pub(super) fn vip_card_form(&self, c: &VipCard) -> Form {
        super::editors::vip_card::form(self, c)
    }

    /// Saves the card or the handover form; a refused save keeps the form.
    pub(super) fn save_vip_form(&mut self, mut f: Box<FormState>) -> Option<Popup> {
        let lang = self.lang;
        let result = match &f.editing {
            Editing::VipCard(c) => {
                let mut c = (**c).clone();
                super::editors::vip_card::check(&mut f.form, self);
                if f.form.first_error().is_some() {
                    return Some(self.refuse(f));
                }
                super::editors::vip_card::apply(self, &f.form, &mut c);
                // A returning visitor: a new card with a phone already on a
                // card is shown those cards first (Ctrl-S again saves it).
                if c.meta.version == 0 && f.duplicates.is_none() {
                    match self.cards_with_phone(&c.phone) {
                        Ok(d) if !d.is_empty() => {
                            f.open_match = d.first().map(|(id, _)| id.clone());
                            f.duplicates = Some(d.into_iter().map(|(_, label)| label).collect());
                            return Some(Popup::Form(f));
                        }
                        Ok(_) => {}
                        Err(e) => {
                            f.error = Some(self.error_text(&e));
                            return Some(Popup::Form(f));
                        }
                    }
                }
                // PIPL: a phone kept without the visitor's consent is said
                // once, beside the consent field; Ctrl-S again saves.
                if !c.phone.trim().is_empty() && !c.consent && !f.warned {
                    f.warned = true;
                    f.error = Some(T::VipPhoneWithoutConsent.get(lang).to_string());
                    if let Some(i) = f.form.fields.iter().position(|x| x.key == super::editors::vip_card::CONSENT) {
                        f.form.focus = i;
                    }
                    return Some(Popup::Form(f));
                }
                self.store.save(&mut c, "").map(|()| (c, None))
            }
            Editing::VipHandover(c) => {
                let mut c = (**c).clone();
                let mut h = Handover { from: holder(&c).to_string(), date: self.today, ..Handover::default() };
                super::editors::handover::apply(self, &f.form, &mut h);
                super::editors::handover::check(&mut f.form, &h, lang);
                if f.form.first_error().is_some() {
                    return Some(self.refuse(f));
                }
                let message = T::VipHandedOver.fill(lang, &[("to", &h.to)]);
                c.handovers.push(h);
                self.store.save(&mut c, "").map(|()| (c, Some(message)))
            }
            Editing::VipStatus(c) => {
                let mut c = (**c).clone();
                super::editors::vip_status::apply(self, &f.form, &mut c.status);
                let status = c.status.label(lang);
                self.store.save(&mut c, "").map(|()| (c, Some(T::VipStatusNow.fill(lang, &[("status", status)]))))
            }
            _ => return Some(Popup::Form(f)),
        };
        match result {
            Ok((c, message)) => {
                self.changes += 1;
                self.message = Some(message.unwrap_or_else(|| T::Saved.get(lang).to_string()));
                self.vip_reload(Some(&c.meta.id));
                if self.vip.current().map(|x| &x.meta.id) != Some(&c.meta.id) {
                    // Saved, but the filter hides it: show every card.
                    self.vip.filter.clear();
                    self.vip.mine = false;
                    self.vip_reload(Some(&c.meta.id));
                }
                None
            }
            Err(StoreError::Invalid { error, .. }) => {
                let key = match error.field.as_str() {
                    k if k.starts_with("handovers") => F::HandoverTo.key(),
                    k => super::editors::vip_card::field_of(k),
                };
                f.error = Some(f.form.invalid(key, &error, self.lang));
                let at = f.form.fields.iter().position(|x| x.key == key);
                f.form.focus = at.unwrap_or(f.form.focus);
                Some(f)
            }
            Err(e) => {
                f.error = Some(e.to_string());
                Some(f)
            }
        }
        .map(Popup::Form)
    }

    /// Puts the cursor on the first field in error and says which it is.
    fn refuse(&self, mut f: Box<FormState>) -> Popup {
        if let Some((i, line)) = f.form.error_line(self.lang) {
            f.form.focus = i;
            f.error = Some(line);
        }
        Popup::Form(f)
    }

    // ---- handover, status, photo -------------------------------------------------

    fn open_vip_handover(&mut self) {
        let Some(c) = self.vip.current().cloned() else { return };
        let form = super::editors::handover::form(self, &Handover::default());
        self.open_form(form, Editing::VipHandover(Box::new(c)));
    }

    /// `s`: the selected card's status, in a small form that starts on the
    /// next one (prospect → VIP → closed) and saves only on Ctrl-S, so a
    /// key pressed twice never moves a VIP to closed.
    fn vip_choose_status(&mut self) {
        let Some(c) = self.vip.current().cloned() else { return };
        let form = super::editors::vip_status::form(self, c.status);
        self.open_form(form, Editing::VipStatus(Box::new(c)));
    }

    /// Opens the selected card's photo with the system viewer, without waiting for it.
    fn vip_open_photo(&mut self) {
        let Some(c) = self.vip.current() else { return };
        let path = c.photo_path.trim().to_string();
        let lang = self.lang;
        if path.is_empty() {
            self.message = Some(T::VipNoPhoto.get(lang).to_string());
            return;
        }
        if let Err(e) = check_image(&path, lang) {
            self.message = Some(T::VipFieldError.fill(lang, &[("field", T::VipFPhoto.get(lang)), ("error", &e)]));
            return;
        }
        let viewer = self.vip.viewer.clone();
        let spawned = std::process::Command::new(&viewer)
            .arg(&path)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        self.message = Some(match spawned {
            Ok(mut child) => {
                // Waited for on its own thread: the workbench never waits for
                // the viewer, and hears when it could not show the photo.
                let shown = T::VipOpened.fill(lang, &[("viewer", &viewer), ("path", &path)]);
                self.worker.submit_detached(super::worker::VIEWER_THREAD, move || {
                    let status = child.wait().ok();
                    Done::Viewer {
                        viewer,
                        ok: status.is_some_and(|s| s.success()),
                        code: status.and_then(|s| s.code()),
                    }
                });
                shown
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => T::VipNoViewer.fill(lang, &[("viewer", &viewer)]),
            Err(e) => T::VipViewerFailed.fill(lang, &[("viewer", &viewer), ("error", &e.to_string())]),
        });
    }

    /// The viewer `o` started has ended; when it could not show the photo
    /// (xdg-open with no viewer set up exits with 3), the status line says so.
    pub(super) fn vip_viewer_ended(&mut self, viewer: &str, ok: bool, code: Option<i32>) {
        if !ok {
            let code = code.map_or_else(|| "-".to_string(), |c| c.to_string());
            self.message = Some(T::VipViewerExit.fill(self.lang, &[("viewer", viewer), ("code", &code)]));
        }
    }

    /// Asks for the photo on screen to be read (off the UI thread) when it
    /// is not ready for the size it is drawn at.
    pub(super) fn request_photo(&mut self) {
        let screen = ratatui::layout::Rect::new(0, 0, self.screen.width, self.screen.height);
        let Some((path, place)) = super::screens::vip_cards::photo_on_screen(self, screen) else { return };
        if let Some(job) = self.vip.photos.want(&path, place.as_size()) {
            self.worker.submit_detached("kam-photo", move || Done::Photo(Box::new(job.run())));
        }
    }

    // ---- becoming an account -----------------------------------------------------

    /// Makes the selected card an account with a contact, or links it to
    /// the account the duplicate guard finds (the user picks).
    fn vip_make_account(&mut self) {
        let Some(c) = self.vip.current().cloned() else { return };
        if let Some(id) = &c.account_id {
            let name = self.vip.accounts.get(id).cloned().unwrap_or_else(|| id.to_string());
            self.message = Some(T::VipAlreadyLinked.fill(self.lang, &[("name", &name)]));
            return;
        }
        let found = self
            .store
            .similar_accounts(c.salutation.trim(), &c.phone)
            .and_then(|d| Ok((d, self.store.held_at_hub(c.salutation.trim(), &c.phone)?)));
        match found {
            Ok((found, held)) if !found.is_empty() || !held.is_empty() => {
                let held = held.iter().map(|h| crate::exchange::hub_sync::held_at_hub_text(self.lang, h)).collect();
                self.vip.convert =
                    Some(ConvertChoice { card: c.meta.id.clone(), candidates: found, selected: 0, held });
            }
            Ok(_) => self.vip_convert(c, None),
            Err(e) => self.fail(&e),
        }
    }

    fn vip_convert_key(&mut self, key: KeyEvent) {
        let Some(ch) = self.vip.convert.as_mut() else { return };
        let n = ch.candidates.len() + 1;
        match keymap::find(keymap::CONVERT_KEYS, &key) {
            Some(Pop::Close) => self.vip.convert = None,
            Some(Pop::Move) if key.code == KeyCode::Up => ch.selected = (ch.selected + n - 1) % n,
            Some(Pop::Move) => ch.selected = (ch.selected + 1) % n,
            Some(Pop::Choose) => {
                let Some(ch) = self.vip.convert.take() else { return };
                let target = ch.candidates.get(ch.selected).cloned();
                match self.store.get::<VipCard>(&ch.card) {
                    Ok(c) => self.vip_convert(c, target),
                    Err(e) => self.fail(&e),
                }
            }
            _ => {}
        }
    }

    /// Links `c` to `target`, or to a new account made from the card; the
    /// visitor becomes a contact of it unless one like them is there.
    fn vip_convert(&mut self, mut c: VipCard, target: Option<(Id, String)>) {
        let lang = self.lang;
        let name = c.salutation.trim().to_string();
        let created = target.is_none();
        // The account (when new), the contact (unless one like them is
        // there) and the card's link are written in one transaction.
        let result = (|| {
            let mut new_account = None;
            let (id, account_name) = if let Some(found) = target {
                found
            } else {
                let place = if c.store.trim().is_empty() {
                    c.visit_date.to_string()
                } else {
                    format!("{}, {}", c.visit_date, c.store.trim())
                };
                // The visitor's mobile goes to the contact, not the company phone.
                let a = c.new_account(self.user_name(), T::VipCardNote.fill(lang, &[("date", &place)]));
                let found = (a.meta.id.clone(), a.name.clone());
                new_account = Some(a);
                found
            };
            let known =
                if new_account.is_some() { Vec::new() } else { self.store.similar_contacts(&name, &c.phone, &id)? };
            let mut contact = known.is_empty().then(|| c.new_contact(id.clone()));
            c.account_id = Some(id.clone());
            let mut records: Vec<&mut dyn crate::store::Saving> = Vec::new();
            if let Some(a) = new_account.as_mut() {
                records.push(a);
            }
            if let Some(p) = contact.as_mut() {
                records.push(p);
            }
            records.push(&mut c);
            self.store.save_all(&mut records, "")?;
            Ok::<_, crate::store::StoreError>((id, account_name))
        })();
        match result {
            Ok((id, account_name)) => {
                self.changes += 1;
                self.vip.accounts.insert(id.clone(), account_name.clone());
                let t = if created { T::VipConverted } else { T::VipLinked };
                self.message = Some(t.fill(lang, &[("name", &account_name)]));
                self.refresh_account(&id);
                self.vip_reload(Some(&c.meta.id));
            }
            Err(e) => self.fail(&e),
        }
    }

    // ---- learning ------------------------------------------------------------

    /// Counts the objections of the store of the selected card (or the
    /// configured store) and the FAB lines of its cards that became VIPs,
    /// for the whole store.
    fn vip_learn(&mut self) {
        let store = self
            .config
            .store
            .clone()
            .or_else(|| self.vip.current().map(|c| c.store.clone()))
            .filter(|s| !s.trim().is_empty());
        match self.store.vip_advisors(store.as_deref()) {
            Ok(advisors) => self.vip_learn_read(Learned { store, advisors, ..Learned::default() }),
            Err(e) => self.fail(&e),
        }
    }

    /// Moves the learning view to the next (`by` 1) or previous (`by` -1)
    /// of: the whole store, then each advisor in turn.
    fn vip_learn_step(&mut self, by: isize) {
        let Some(mut l) = self.vip.learned.take() else { return };
        // Positions 0 (the store) to n (the last advisor), going round.
        let n = l.advisors.len() as isize + 1;
        let at = l.advisor.map_or(0, |i| i as isize + 1);
        let to = (at + by).rem_euclid(n);
        l.advisor = usize::try_from(to - 1).ok();
        l.scroll = 0;
        self.vip_learn_read(l);
    }

    /// Reads the figures of `l`'s store and advisor into it and shows it.
    fn vip_learn_read(&mut self, mut l: Learned) {
        let (store, advisor) = (l.store.clone(), l.advisor_name().map(str::to_string));
        let scope = VipScope { store: store.as_deref(), advisor: advisor.as_deref() };
        let read = (|| {
            l.counts = self.store.vip_card_counts(scope)?;
            l.objections = self.store.vip_objection_counts(scope)?;
            l.resolutions = self.store.vip_resolutions_that_worked(scope, 10)?;
            l.fabs = self.store.vip_fab_lines(scope, 20)?;
            Ok::<_, StoreError>(())
        })();
        match read {
            Ok(()) => self.vip.learned = Some(l),
            Err(e) => self.fail(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_or_a_folder_as_a_photo_is_refused_at_once() {
        let dir = tempfile::tempdir().expect("tmp");
        let fifo = dir.path().join("photo.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        // Before the check this open blocked for ever (no writer on the FIFO).
        let e = check_image(&fifo.display().to_string(), Lang::En).expect_err("a FIFO is no photo");
        assert!(e.contains("photo.jpg"), "{e}");
        assert!(check_image(&dir.path().display().to_string(), Lang::En).is_err(), "a folder");
    }

    #[test]
    fn images_by_their_first_bytes() {
        assert!(is_image(b"\x89PNG\r\n\x1a\n\0\0\0\r"));
        assert!(is_image(&[0xff, 0xd8, 0xff, 0xe0]));
        assert!(is_image(b"GIF89a.."));
        assert!(is_image(b"RIFF\x10\0\0\0WEBPVP8 "));
        assert!(!is_image(b"RIFF\x10\0\0\0WAVEfmt "));
        assert!(!is_image(b"%PDF-1.7"));
        assert!(!is_image(b""));
    }

    #[test]
    fn phones_show_their_last_four_digits() {
        assert_eq!(masked_phone("138-0013-5678"), "****5678");
        assert_eq!(masked_phone("56"), "****56");
        assert_eq!(masked_phone(""), "");
    }
}
