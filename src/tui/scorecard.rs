//! The scorecard editor (DESIGN §4.3): an account's score 1–10 on each
//! criterion of the rules file, with the weights, the percentage and the
//! class worked out by kam-rules as the scores are typed. `s` on an
//! account's company page opens it.

use crate::tui::keymap::{self, Pop};
use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};
use kam_rules::abc::{scorecard, Scorecard};
use kam_rules::Rules;

use super::app::{App, Popup, Section};
use crate::i18n::T;
use crate::model::{Account, Score};

/// The open scorecard: the account as it was read, and the scores typed.
#[derive(Clone, Debug)]
pub struct ScoresEdit {
    pub account: Box<Account>,
    /// By criterion key; a criterion not in the map has no score.
    pub scores: BTreeMap<String, u8>,
    pub cursor: usize,
    pub confirm_drop: bool,
    /// A message about the save (a conflict, a store error).
    pub error: Option<String>,
}

impl ScoresEdit {
    pub fn of(account: Account) -> Self {
        let scores = account.score_map();
        Self { account: Box::new(account), scores, cursor: 0, confirm_drop: false, error: None }
    }

    /// What the scores typed give, by the rules.
    pub fn result(&self, rules: &Rules) -> Option<Scorecard> {
        scorecard(rules, &self.scores)
    }

    pub fn changed(&self) -> bool {
        self.scores != self.account.score_map()
    }

    /// The account with the typed scores, in the rules' order of criteria
    /// (a score for a criterion the rules no longer name is kept after them).
    pub fn applied(&self, rules: &Rules) -> Account {
        let mut a = (*self.account).clone();
        let mut scores: Vec<Score> = rules
            .abc
            .criteria
            .iter()
            .filter_map(|c| self.scores.get(&c.key).map(|&score| Score { criterion: c.key.clone(), score }))
            .collect();
        scores.extend(
            self.scores
                .iter()
                .filter(|(k, _)| !rules.abc.criteria.iter().any(|c| &c.key == *k))
                .map(|(k, &score)| Score { criterion: k.clone(), score }),
        );
        a.scores = scores;
        a
    }

    fn set(&mut self, rules: &Rules, score: Option<u8>) {
        let Some(c) = rules.abc.criteria.get(self.cursor) else { return };
        match score {
            Some(s) => self.scores.insert(c.key.clone(), s.clamp(1, 10)),
            None => self.scores.remove(&c.key),
        };
    }
}

impl App {
    /// `s` on the company page: the account's scorecard.
    pub(super) fn open_scorecard(&mut self) {
        let Some(d) = &self.detail else { return };
        self.popup = Some(Popup::Scores(Box::new(ScoresEdit::of(d.account.clone()))));
    }

    pub(super) fn scores_key(&mut self, key: KeyEvent, mut e: Box<ScoresEdit>) -> Option<Popup> {
        let n = self.rules.abc.criteria.len().max(1);
        if e.confirm_drop {
            if key.code == KeyCode::Esc {
                return None;
            }
            e.confirm_drop = false;
            return Some(Popup::Scores(e));
        }
        let current = self.rules.abc.criteria.get(e.cursor).and_then(|c| e.scores.get(&c.key).copied());
        match keymap::find(keymap::SCORECARD_KEYS, &key) {
            Some(Pop::Close) if e.changed() => e.confirm_drop = true,
            Some(Pop::Close) => return None,
            Some(Pop::Save) => {
                self.message = None;
                return self.save_scores(e);
            }
            Some(Pop::Move) if matches!(key.code, KeyCode::Up | KeyCode::BackTab) => e.cursor = (e.cursor + n - 1) % n,
            Some(Pop::Move) => e.cursor = (e.cursor + 1) % n,
            // 1–9 as typed, 0 for 10.
            Some(Pop::Score) => {
                if let KeyCode::Char(c) = key.code {
                    let v = c.to_digit(10).map_or(10, |d| if d == 0 { 10 } else { d as u8 });
                    e.set(&self.rules, Some(v));
                }
            }
            Some(Pop::Adjust) if key.code == KeyCode::Right => {
                e.set(&self.rules, Some(current.map_or(1, |s| (s + 1).min(10))));
            }
            Some(Pop::Adjust) => e.set(&self.rules, current.and_then(|s| (s > 1).then(|| s - 1))),
            Some(Pop::Clear) => e.set(&self.rules, None),
            _ => {}
        }
        e.error = None;
        Some(Popup::Scores(e))
    }

    fn save_scores(&mut self, mut e: Box<ScoresEdit>) -> Option<Popup> {
        let mut a = e.applied(&self.rules);
        match self.store.save(&mut a, "") {
            Ok(()) => {
                self.changes += 1;
                self.message = Some(T::Saved.get(self.lang).to_string());
                let id = a.meta.id.clone();
                self.refresh_account(&id);
                self.open_detail(&id, Section::Company);
                None
            }
            Err(crate::store::StoreError::Conflict(c)) => {
                // Keep what was typed over the scores stored since: a second
                // Ctrl-S saves over that version.
                e.account.meta.version = c.current_version();
                e.error = Some(T::ConflictMsg.fill(self.lang, &[("v", &c.current_version().to_string())]));
                Some(Popup::Scores(e))
            }
            Err(err) => {
                e.error = Some(self.error_text(&err));
                Some(Popup::Scores(e))
            }
        }
    }
}
