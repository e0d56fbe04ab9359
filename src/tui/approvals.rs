//! The workbench's list of requests for approval (#23): a rep's archive
//! edits and account deletions waiting at the hub. Ctrl-R opens it (with a
//! hub); a manager approves the selected one with `a` or rejects it with
//! `r` and a reason; a rep sees their own (the hub refuses them a
//! decision). Every call to the hub runs on a thread of its own, so the
//! workbench keeps answering keys.

use crate::tui::keymap::{self, Pop};
use crossterm::event::{KeyCode, KeyEvent};

use super::app::{App, Popup};
use super::widgets::input::TextInput;
use crate::exchange::hub_sync::{hub_error_text, request_what_text};
use crate::i18n::T;
use crate::store::{Hub, HubError, Request};

fn cell(s: &str) -> String {
    crate::safe_text::cell(s).into_owned()
}

/// The name of the thread the hub's requests are read and decided on.
pub const REQUESTS_THREAD: &str = "kam-requests";

/// The popup's state.
#[derive(Debug, Default)]
pub struct RequestsView {
    /// The requests waiting (`None`: being read).
    pub list: Option<Vec<Request>>,
    pub selected: usize,
    /// The reason being typed for a rejection of the selected request.
    pub reject: Option<TextInput>,
    /// A call to the hub is under way.
    pub busy: bool,
}

/// What a call to the hub brought back: the requests waiting, and what
/// was decided (or why not).
#[derive(Debug)]
pub struct RequestsDone {
    pub list: Result<Vec<Request>, HubError>,
    pub said: Option<Result<String, HubError>>,
}

/// A decision to send with the read.
enum Decision {
    /// The request, and what it changes of which account (as the message names them).
    Approve(uuid::Uuid, [String; 2]),
    Reject(uuid::Uuid, [String; 2], String),
}

fn call_hub(url: &str, decision: Option<Decision>, lang: kam_rules::Lang) -> RequestsDone {
    let mut hub = match Hub::connect(url).and_then(|mut h| h.id().map(|_| h)) {
        Ok(h) => h,
        Err(e) => return RequestsDone { list: Err(e), said: None },
    };
    let said = decision.map(|d| match d {
        Decision::Approve(id, [what, account]) => {
            hub.approve(id).map(|()| T::RequestApprovedDone.fill(lang, &[("what", &what), ("account", &account)]))
        }
        Decision::Reject(id, [what, account], reason) => hub
            .reject(id, &reason)
            .map(|()| T::RequestRejectedDone.fill(lang, &[("what", &what), ("account", &account)])),
    });
    RequestsDone { list: hub.requests(false), said }
}

impl App {
    /// Ctrl-R: the requests waiting at the hub, read on a thread of its own.
    pub(super) fn open_requests(&mut self) {
        if self.sync.url.is_none() {
            self.message = Some(T::SyncNoHub.get(self.lang).to_string());
            return;
        }
        self.popup = Some(Popup::Requests(Box::new(RequestsView { busy: true, ..RequestsView::default() })));
        self.call_requests(None);
    }

    fn call_requests(&mut self, decision: Option<Decision>) {
        let Some(url) = self.sync.url.clone() else { return };
        let lang = self.lang;
        self.worker.submit_reporting(REQUESTS_THREAD, move |_| {
            super::worker::Done::Requests(Box::new(call_hub(&url, decision, lang)))
        });
    }

    pub(super) fn requests_key(&mut self, key: KeyEvent, mut v: Box<RequestsView>) -> Option<Popup> {
        if let Some(mut input) = v.reject.take() {
            match keymap::find(keymap::REJECT_KEYS, &key) {
                Some(Pop::Close) => {}
                Some(Pop::Choose) => {
                    let reason = input.value().trim().to_string();
                    let chosen = v.list.as_ref().and_then(|l| l.get(v.selected)).cloned();
                    match (reason.is_empty(), chosen) {
                        (true, _) => v.reject = Some(input),
                        (false, Some(r)) if !v.busy => {
                            let what = [request_what_text(self.lang, &r), cell(&r.account)];
                            if let Ok(id) = uuid::Uuid::parse_str(&r.id) {
                                v.busy = true;
                                self.call_requests(Some(Decision::Reject(id, what, reason)));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {
                    input.handle_key(key);
                    v.reject = Some(input);
                }
            }
            return Some(Popup::Requests(v));
        }
        let len = v.list.as_ref().map_or(0, Vec::len);
        match keymap::find(keymap::REQUESTS_KEYS, &key) {
            Some(Pop::Close) => return None,
            Some(Pop::Move) if key.code == KeyCode::Up => v.selected = v.selected.saturating_sub(1),
            Some(Pop::Move) => v.selected = (v.selected + 1).min(len.saturating_sub(1)),
            Some(Pop::Approve) if !v.busy => {
                if let Some(r) = v.list.as_ref().and_then(|l| l.get(v.selected)) {
                    let what = [request_what_text(self.lang, r), cell(&r.account)];
                    if let Ok(id) = uuid::Uuid::parse_str(&r.id) {
                        v.busy = true;
                        self.call_requests(Some(Decision::Approve(id, what)));
                    }
                }
            }
            Some(Pop::Reject) if !v.busy && len > 0 => v.reject = Some(TextInput::default()),
            _ => {}
        }
        Some(Popup::Requests(v))
    }

    /// The hub answered: the list read again, and what was decided.
    pub(super) fn requests_done(&mut self, done: RequestsDone) {
        let lang = self.lang;
        match done.said {
            Some(Ok(text)) => self.message = Some(text),
            Some(Err(e)) => self.message = Some(hub_error_text(lang, &e)),
            None => {}
        }
        let Some(Popup::Requests(v)) = self.popup.as_mut() else { return };
        v.busy = false;
        match done.list {
            Ok(list) => {
                v.selected = v.selected.min(list.len().saturating_sub(1));
                v.list = Some(list);
            }
            Err(e) => {
                self.message = Some(hub_error_text(lang, &e));
                self.popup = None;
            }
        }
    }
}
