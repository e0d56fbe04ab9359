//! The text search (#22): `F` on the account list finds a record from a
//! few words of what was written in it (visit notes, account notes and
//! archive, contact profiles, plans, feedback, major changes, VIP cards).
//!
//! The store scans the texts, which takes longer than a frame on a large
//! file, so each query runs on the worker while the popup says it is
//! searching; one search is out at a time, and when it comes back for a
//! query since changed, the result is dropped and the current query sent.

use crate::tui::keymap::{self, Pop};
use std::sync::atomic::{AtomicU64, Ordering};

use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Popup, Section, Tab};
use super::widgets::input::{TextInput, FILTER_MAX};
use super::worker::{Done, Job};
use crate::i18n::T;
use crate::store::{TextFound, TextHit, TextKind};

/// Each query's number, unique in the process, so that a result for a
/// popup closed since is never taken for the open one's.
static GENERATION: AtomicU64 = AtomicU64::new(1);

/// The open text search.
#[derive(Debug, Default)]
pub struct TextSearch {
    pub input: TextInput,
    /// What the last search that came back found.
    pub found: TextFound,
    /// The query `found` is for.
    pub found_for: String,
    pub selected: usize,
    /// The number of the query typed now.
    generation: u64,
    /// The number of the query out on the worker.
    in_flight: Option<u64>,
    /// How long the last search took.
    pub ms: f64,
}

impl TextSearch {
    /// A search is out, or the one shown is for an older query.
    pub fn searching(&self) -> bool {
        self.in_flight.is_some()
    }
}

/// The kind of record and the field, in the user's language.
pub fn kind_label(kind: TextKind) -> T {
    match kind {
        TextKind::Account => T::SecCompany,
        TextKind::Archive => T::SecArchive,
        TextKind::Contact => T::SecContacts,
        TextKind::Visit => T::SecVisits,
        TextKind::Event => T::SecEvents,
        TextKind::Feedback => T::SecFeedback,
        TextKind::CallPlan => T::TabCallPlans,
        TextKind::Presentation => T::TabPresentations,
        TextKind::Vip => T::TabVip,
    }
}

/// The label of a searched column.
pub fn field_label(kind: TextKind, field: &str) -> Option<T> {
    Some(match (kind, field) {
        (_, "purpose") => T::FPurpose,
        (_, "summary") => T::FSummary,
        (_, "next_step") => T::FNextStep,
        (_, "notes") => T::FNotes,
        (_, "title") => T::FArchiveTitle,
        (TextKind::Archive, "content") => T::FArchiveContent,
        (_, "reason") => T::FArchiveReason,
        (_, "responsibility") => T::FArchiveResponsibility,
        (_, "background") => T::FBackground,
        (_, "personality") => T::FPersonality,
        (_, "recent") => T::FRecent,
        (_, "criteria_technical") => T::FCriteriaTechnical,
        (_, "criteria_business") => T::FCriteriaBusiness,
        (_, "personal_agenda") => T::FAgenda,
        (_, "political_strategy") => T::FStrategy,
        (_, "description") => T::FEventDescription,
        (_, "follow_up") => T::FFollowUp,
        (_, "content") => T::FFeedbackContent,
        (_, "handling") => T::FHandling,
        (_, "opportunity") => T::FOpportunity,
        (_, "objective") => T::FObjective,
        (_, "expected_result") => T::FExpectedResult,
        (_, "agenda") => T::FPlanAgenda,
        (_, "obstacles") => T::FObstacles,
        (_, "resources") => T::FResources,
        (_, "what_happened") => T::FWhatHappened,
        (_, "supporter_assessment") => T::FSupporterAssessment,
        (_, "manager_assessment") => T::FManagerAssessment,
        (_, "traits") => T::VipFTraits,
        (_, "reception_summary") => T::VipFReception,
        (_, "team_suggestions") => T::VipFTeam,
        (_, "style") => T::VipFStyle,
        (_, "usage") => T::VipFUsage,
        _ => return None,
    })
}

/// A one-line snippet of `text` around the first of `words` found in it,
/// at most `width` cells: (before, match, after), cut between grapheme
/// clusters, with `…` where text was left out.
pub fn snippet(text: &str, words: &[String], width: usize) -> (String, String, String) {
    use unicode_segmentation::UnicodeSegmentation;
    let flat = crate::tui::screens::one_line(text);
    let hit = words.iter().filter_map(|w| crate::store::find_ci(&flat, w)).min_by_key(|(s, _)| *s);
    let Some((start, end)) = hit else {
        return (crate::tui::screens::fit_ellipsis(&flat, width), String::new(), String::new());
    };
    let cells = |s: &str| s.graphemes(true).map(crate::tui::screens::cells).sum::<usize>();
    let matched = &flat[start..end];
    if cells(matched) >= width {
        return (String::new(), crate::tui::screens::fit_ellipsis(matched, width), String::new());
    }
    let room = width - cells(matched);
    let (head, tail) = (&flat[..start], &flat[end..]);
    // Up to a third of the room before the match (more when the rest is short).
    let before_room = (room / 3).max(room.saturating_sub(cells(tail)));
    let before = if cells(head) <= before_room {
        head.to_string()
    } else {
        let mut kept: Vec<&str> = Vec::new();
        let mut used = 1;
        for g in head.graphemes(true).rev() {
            let cw = crate::tui::screens::cells(g);
            if used + cw > before_room {
                break;
            }
            kept.push(g);
            used += cw;
        }
        kept.reverse();
        format!("…{}", kept.concat())
    };
    let after_room = room.saturating_sub(cells(&before));
    let after = crate::tui::screens::fit_ellipsis(tail, after_room);
    (before, matched.to_string(), after)
}

impl App {
    /// `F` on the account list: the text search, empty.
    pub(super) fn open_text_search(&mut self) {
        self.popup = Some(Popup::TextSearch(Box::default()));
    }

    pub(super) fn text_search_key(&mut self, key: KeyEvent, mut s: Box<TextSearch>) -> Option<Popup> {
        let last = s.found.hits.len().saturating_sub(1);
        match keymap::find(keymap::TEXT_SEARCH_KEYS, &key) {
            Some(Pop::Close) => return None,
            Some(Pop::Move) => {
                s.selected = match key.code {
                    KeyCode::Up => s.selected.saturating_sub(1),
                    KeyCode::PageUp => s.selected.saturating_sub(10),
                    KeyCode::PageDown => (s.selected + 10).min(last),
                    _ => (s.selected + 1).min(last),
                };
            }
            Some(Pop::Choose) => {
                let Some(hit) = s.found.hits.get(s.selected).cloned() else { return Some(Popup::TextSearch(s)) };
                self.open_hit(&hit);
                return None;
            }
            _ => {
                if s.input.handle_key(key) {
                    self.text_search_changed(&mut s);
                }
            }
        }
        Some(Popup::TextSearch(s))
    }

    /// A paste into the query line.
    pub(super) fn text_search_paste(
        &mut self,
        s: &mut TextSearch,
        text: &str,
    ) -> Option<super::widgets::input::TooLong> {
        match s.input.paste(text, FILTER_MAX) {
            Ok(()) => {
                self.text_search_changed(s);
                None
            }
            Err(e) => Some(e),
        }
    }

    /// The query changed: sent to the worker unless a search is out (then
    /// it goes when that one comes back).
    fn text_search_changed(&mut self, s: &mut TextSearch) {
        s.generation = GENERATION.fetch_add(1, Ordering::Relaxed);
        if s.input.value().trim().is_empty() {
            s.found = TextFound::default();
            s.found_for.clear();
            s.selected = 0;
            return;
        }
        if s.in_flight.is_none() {
            self.send_text_search(s);
        }
    }

    fn send_text_search(&mut self, s: &mut TextSearch) {
        s.in_flight = Some(s.generation);
        let job = Job::TextSearch { generation: s.generation, query: s.input.value().to_string() };
        self.worker.submit_own(job, &self.store, &self.rules, self.today);
    }

    /// A search came back: shown when it is for the query typed now, else
    /// dropped and the query typed now sent.
    pub(super) fn text_search_done(&mut self, done: Done) {
        let Done::TextSearch { generation, found, ms } = done else { return };
        if !matches!(self.popup, Some(Popup::TextSearch(_))) {
            return;
        }
        let Some(Popup::TextSearch(mut s)) = self.popup.take() else { return };
        if s.in_flight == Some(generation) {
            s.in_flight = None;
            if generation == s.generation {
                match found {
                    Ok(f) => {
                        s.found = f;
                        s.found_for = s.input.value().to_string();
                        s.selected = 0;
                        s.ms = ms;
                    }
                    Err(e) => self.fail(&e),
                }
            } else if !s.input.value().trim().is_empty() {
                self.send_text_search(&mut s);
            }
        }
        self.popup = Some(Popup::TextSearch(s));
    }

    /// Enter on a hit: the account's page at the record's section, the plan
    /// in its editor, or the VIP card on its tab.
    fn open_hit(&mut self, hit: &TextHit) {
        let section = match hit.kind {
            TextKind::Account => Section::Company,
            TextKind::Archive => Section::Archive,
            TextKind::Contact => Section::Contacts,
            TextKind::Visit => Section::Visits,
            TextKind::Event => Section::Events,
            TextKind::Feedback => Section::Feedback,
            // Closing the plan comes back to the account list.
            TextKind::CallPlan | TextKind::Presentation => {
                let tab = if hit.kind == TextKind::CallPlan { Tab::CallPlans } else { Tab::Presentations };
                self.back_to = Some(Tab::Accounts);
                return self.open_plan(tab, &hit.id);
            }
            TextKind::Vip => return self.show_vip_card(&hit.id),
        };
        let Some(account) = hit.account.clone() else { return };
        self.tab = Tab::Accounts;
        self.open_detail(&account, section);
        let Some(d) = self.detail.as_mut() else { return };
        match hit.kind {
            TextKind::Contact => {
                d.contact_sel = d.contacts.iter().position(|c| c.meta.id == hit.id).unwrap_or(0);
            }
            TextKind::Visit => d.row_sel = d.visits.iter().position(|v| v.meta.id == hit.id).unwrap_or(0),
            TextKind::Event => d.row_sel = d.events.iter().position(|v| v.meta.id == hit.id).unwrap_or(0),
            TextKind::Feedback => d.row_sel = d.feedback.iter().position(|v| v.meta.id == hit.id).unwrap_or(0),
            _ => {}
        }
        if hit.kind == TextKind::Archive {
            if let Some(pos) = hit.pos {
                d.archive_sel = super::archive::archive_order(&d.account).iter().position(|&i| i == pos).unwrap_or(0);
            }
        }
    }
}

/// The query's words as the snippet looks for them.
pub fn words_of(s: &TextSearch) -> Vec<String> {
    crate::store::query_words(&s.found_for)
}

#[cfg(test)]
mod tests {
    use super::{snippet, TextSearch};
    use crate::tui::app::Popup;

    #[test]
    fn the_popup_says_it_is_searching_while_a_search_is_out() {
        for (lang, says) in [(kam_rules::Lang::En, "searching…"), (kam_rules::Lang::Zh, "搜索中…")] {
            let (_dir, mut app) = crate::tui::tests::app(lang);
            let mut s = TextSearch::default();
            let _ = s.input.paste("boiler", 100);
            s.in_flight = Some(1);
            app.popup = Some(Popup::TextSearch(Box::new(s)));
            let buf = crate::tui::tests::buffer(&app, 80, 24);
            assert!(crate::tui::tests::find(&buf, says).is_some(), "{says} shown");
        }
    }

    #[test]
    fn snippets_cut_between_graphemes_around_the_match() {
        let w = vec!["boiler".to_string()];
        assert_eq!(snippet("the BOILER room", &w, 40), ("the ".into(), "BOILER".into(), " room".into()));
        let long = format!("{} boiler {}", "前言".repeat(20), "后记".repeat(20));
        let (b, m, a) = snippet(&long, &w, 20);
        assert_eq!(m, "boiler");
        assert!(b.starts_with('…') && a.ends_with('…'));
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        assert!(width(&b) + width(&m) + width(&a) <= 20, "{b}|{m}|{a}");
        // A flag before the match is never split.
        let (b, _, _) = snippet("🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳🇨🇳 boiler and more text here", &w, 14);
        assert!(b.chars().filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c)).count() % 2 == 0, "{b}");
        let w = vec!["锅炉".to_string()];
        assert_eq!(snippet("讨论\n锅炉", &w, 20), ("讨论 ↵ ".into(), "锅炉".into(), String::new()));
    }
}
