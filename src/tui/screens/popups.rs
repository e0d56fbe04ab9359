//! Popups: help, forms, the reason dialog, the trash and the first-start welcome.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, fit};
use crate::i18n::T;
use crate::tui::app::{App, Editing, FormState, Popup, Tab};
use crate::tui::widgets::form::{Field, FieldKind, Form};
use crate::tui::widgets::keys::F;
use kam_rules::Labeled;

/// The style of a validation error next to its field.
pub const ERROR: Style = Style::new().fg(Color::Red);

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(p) = &app.popup else { return };
    match p {
        Popup::Help { scroll } => draw_help(app, *scroll, frame, area),
        Popup::Form(f) => draw_form(app, f, frame, area),
        Popup::Reason { what, input, error } => {
            let r = centered(area, 60, 6);
            super::clear_popup(frame, r);
            let name = what.label();
            let (title, ask, keys) = if what.erases() {
                (T::EraseTitle, T::EraseAsk, T::EraseKeys)
            } else {
                (T::DeleteTitle, T::DeleteAsk, T::ReasonKeys)
            };
            let block = Block::default().borders(Borders::ALL).title(app.t(title));
            let inner = block.inner(r);
            frame.render_widget(block, r);
            if inner.height < 3 {
                return;
            }
            let [q, inp, err] =
                Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1)]).areas(inner);
            frame.render_widget(Paragraph::new(ask.fill(app.lang, &[("name", name)])), q);
            input.render(frame, inp, Style::default().fg(Color::White).add_modifier(Modifier::UNDERLINED), true);
            if *error {
                frame.render_widget(Paragraph::new(Span::styled(app.t(T::ReasonRequired), ERROR)), err);
            } else {
                frame.render_widget(
                    Paragraph::new(Span::styled(app.t(keys), Style::default().fg(Color::DarkGray))),
                    err,
                );
            }
        }
        Popup::Requests(v) => {
            let r = centered(area, 110, 18);
            super::clear_popup(frame, r);
            let block = Block::default().borders(Borders::ALL).title(app.t(T::RequestsTitle));
            let mut lines: Vec<Line> = match &v.list {
                None => vec![Line::from(app.t(T::RequestsLoading))],
                Some(list) if list.is_empty() => vec![Line::from(app.t(T::RequestNone))],
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, q)| {
                        let st = if i == v.selected { Style::default().bg(Color::DarkGray) } else { Style::default() };
                        Line::from(Span::styled(crate::exchange::hub_sync::request_text_short(app.lang, q), st))
                    })
                    .collect(),
            };
            lines.push(Line::from(""));
            if let Some(input) = &v.reject {
                lines.push(Line::from(app.t(T::RequestsRejectAsk)));
                let text = format!("> {}", input.value());
                lines.push(Line::from(Span::styled(text, Style::default().add_modifier(Modifier::UNDERLINED))));
            } else {
                lines.push(Line::from(Span::styled(app.t(T::RequestsKeys), Style::default().fg(Color::DarkGray))));
            }
            frame.render_widget(super::wrapped(lines, Some(block), r), r);
        }
        Popup::Trash { entries, selected } => {
            let r = centered(area, 90, 16);
            super::clear_popup(frame, r);
            let block = Block::default().borders(Borders::ALL).title(app.t(T::TrashTitle));
            let mut lines: Vec<Line> = entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let st = if i == *selected { Style::default().bg(Color::DarkGray) } else { Style::default() };
                    Line::from(Span::styled(
                        format!(
                            "{} {} · {} · {} · {}",
                            e.deleted_at.format("%Y-%m-%d"),
                            crate::i18n::kind_label(e.kind.key())
                                .map_or_else(|| e.kind.to_string(), |t| app.t(t).to_string()),
                            e.label,
                            e.deleted_by,
                            e.reason
                        ),
                        st,
                    ))
                })
                .collect();
            if lines.is_empty() {
                lines.push(Line::from(app.t(T::TrashEmpty)));
            }
            lines.push(Line::from(Span::styled(app.t(T::TrashKeys), Style::default().fg(Color::DarkGray))));
            frame.render_widget(Paragraph::new(lines).block(block), r);
        }
        Popup::Alliance { contact, cursor, confirm_drop } => {
            let r = centered(area, 96, 21);
            super::clear_popup(frame, r);
            let title = format!(" {} · {} ", app.t(T::AllianceTitle), contact.name);
            let block = Block::default().borders(Borders::ALL).title(title);
            let mut lines = vec![Line::from(vec![
                Span::raw(format!("{}: ", app.t(T::FAlliance))),
                Span::styled(
                    contact.alliance().label(app.lang).to_string(),
                    Style::default().fg(Color::Green).add_modifier(Modifier::BOLD),
                ),
            ])];
            for (i, b) in kam_rules::Behaviour::ALL.iter().enumerate() {
                let seen = contact.behaviours.iter().find(|o| o.behaviour == *b);
                let tick = if seen.is_some() { "[x]" } else { "[ ]" };
                let date = seen.map_or_else(|| " ".repeat(10), |o| o.observed_on.to_string());
                let st = if i == *cursor { Style::default().bg(Color::DarkGray) } else { Style::default() };
                lines.push(Line::from(Span::styled(format!("{tick} {} {date} {}", b.mark(), b.label(app.lang)), st)));
            }
            // What the marks before the behaviours mean: the level each belongs to.
            let legend: Vec<String> = [
                ('=', kam_rules::AllianceStatus::Supporter),
                ('+', kam_rules::AllianceStatus::Ally),
                ('?', kam_rules::AllianceStatus::Mentor),
            ]
            .iter()
            .map(|(m, s)| format!("{m} {}", s.label(app.lang)))
            .collect();
            lines.push(Line::from(Span::styled(legend.join(" · "), Style::default().fg(Color::DarkGray))));
            let keys = if *confirm_drop { T::ConfirmDrop } else { T::AllianceKeys };
            lines.push(Line::from(Span::styled(app.t(keys), Style::default().fg(Color::DarkGray))));
            frame.render_widget(Paragraph::new(lines).block(block), r);
        }
        Popup::Scores(e) => draw_scores(app, e, frame, area),
        Popup::Picker(p) => draw_picker(app, p, frame, area),
        Popup::TextSearch(s) => super::text_search::draw(app, s, frame, area),
        Popup::Draft(d) => {
            let r = centered(area, 72, 8);
            super::clear_popup(frame, r);
            let block = Block::default().borders(Borders::ALL).title(app.t(T::DraftTitle));
            let text = vec![
                Line::from(T::DraftBody.fill(app.lang, &[("form", &d.title), ("at", &d.at)])),
                Line::from(""),
                Line::from(Span::styled(app.t(T::DraftKeys), Style::default().fg(Color::Yellow))),
            ];
            frame.render_widget(super::wrapped(text, Some(block), r), r);
        }
        Popup::Welcome => {
            let r = centered(area, 64, 9);
            super::clear_popup(frame, r);
            let block = Block::default().borders(Borders::ALL).title(app.t(T::WelcomeTitle));
            let text = vec![
                Line::from(app.t(T::WelcomeEmpty)),
                Line::from(""),
                Line::from(app.t(T::WelcomeDemo)),
                Line::from(app.t(T::WelcomeBlank)),
            ];
            frame.render_widget(super::wrapped(text, Some(block), r), r);
        }
    }
}

/// The account picker: the filter, the accounts found with the selected
/// one marked, and the keys.
fn draw_picker(app: &App, p: &crate::tui::picker::Picker, frame: &mut Frame, area: Rect) {
    let r = centered(area, 72, area.height.saturating_sub(4).clamp(8, 24));
    super::clear_popup(frame, r);
    let title = match p.table {
        crate::store::PlanTable::Calls => T::PickerTitleCall,
        crate::store::PlanTable::Presentations => T::PickerTitlePresentation,
    };
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(title)));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    if inner.height < 4 || inner.width < 10 {
        return;
    }
    let [filter, list, foot] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let label = format!("{} ", app.t(T::PickerFilter));
    let lw = u16::try_from(unicode_width::UnicodeWidthStr::width(label.as_str())).unwrap_or(0).min(filter.width / 2);
    frame.render_widget(Paragraph::new(Span::styled(label, Style::default().fg(Color::Cyan))), filter);
    let input_area = Rect::new(filter.x + lw, filter.y, filter.width.saturating_sub(lw), 1);
    p.input.render(frame, input_area, Style::default().add_modifier(Modifier::UNDERLINED), true);
    let h = usize::from(list.height);
    let lines: Vec<Line> = if p.found.is_empty() {
        let t =
            if app.list.index.as_ref().is_some_and(|i| !i.is_empty()) { T::PickerNothing } else { T::PickerNoAccounts };
        vec![Line::from(app.t(t).to_string())]
    } else {
        let start = p.selected.saturating_sub(h.saturating_sub(1));
        p.found
            .iter()
            .enumerate()
            .skip(start)
            .take(h)
            .map(|(i, (_, name))| {
                let st = if i == p.selected {
                    Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
                } else {
                    Style::default()
                };
                Line::from(Span::styled(name.clone(), st))
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), list);
    let mut keys = app.t(T::PickerKeys).to_string();
    if p.total > p.found.len() {
        keys = format!("{} · {keys}", T::PickerMore.fill(app.lang, &[("n", &p.total.to_string())]));
    }
    frame.render_widget(Paragraph::new(Span::styled(keys, Style::default().fg(Color::DarkGray))), foot);
}

/// The scorecard: each criterion with its weight and score, the cursor's
/// row marked, and the percentage and class live below.
fn draw_scores(app: &App, e: &crate::tui::scorecard::ScoresEdit, frame: &mut Frame, area: Rect) {
    let criteria = &app.rules.abc.criteria;
    let h = u16::try_from(criteria.len() + 6).unwrap_or(u16::MAX);
    let r = centered(area, 72, h);
    super::clear_popup(frame, r);
    let title = format!(" {} · {} ", app.t(T::ScorecardTitle), e.account.name);
    let block = Block::default().borders(Borders::ALL).title(title);
    let mut lines = vec![Line::from(Span::styled(
        app.t(T::ScorecardHeader).to_string(),
        Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    ))];
    for (i, c) in criteria.iter().enumerate() {
        let label = if app.lang == kam_rules::Lang::Zh { &c.zh } else { &c.en };
        let score = e.scores.get(&c.key).map_or_else(|| "-".to_string(), ToString::to_string);
        let bar = e.scores.get(&c.key).map_or_else(String::new, |s| "■".repeat(usize::from(*s)));
        let st = if i == e.cursor {
            Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(format!("{} {:>4}  {score:>3}  {bar}", fit(label, 28), c.weight), st)));
    }
    let result = match e.result(&app.rules) {
        Some(s) => T::ScorecardResult.fill(
            app.lang,
            &[
                ("pct", &format!("{:.1}", s.percent())),
                ("points", &s.points.to_string()),
                ("possible", &s.possible.to_string()),
                ("class", s.class.label(app.lang)),
            ],
        ),
        None => app.t(T::ScorecardNone).to_string(),
    };
    lines.push(Line::from(Span::styled(result, Style::default().fg(Color::Green).add_modifier(Modifier::BOLD))));
    if let Some(err) = &e.error {
        lines.push(Line::from(Span::styled(err.clone(), ERROR)));
    }
    let keys = if e.confirm_drop { T::ConfirmDrop } else { T::ScorecardKeys };
    lines.push(Line::from(Span::styled(app.t(keys), Style::default().fg(Color::DarkGray))));
    frame.render_widget(super::wrapped(lines, Some(block), r), r);
}

/// Ctrl-C on a form with changes: quit (keeping the form as a draft) or go back.
pub fn draw_quit(app: &App, frame: &mut Frame, area: Rect) {
    let r = centered(area, 72, 7);
    super::clear_popup(frame, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(app.t(T::QuitTitle))
        .border_style(Style::default().fg(Color::Yellow));
    // Forms that cannot be kept as a draft (settings, targets, a handover,
    // the alliance ticks) say that quitting drops the changes.
    let draft = app.draft();
    let keys = if draft.is_some() { T::QuitKeys } else { T::QuitKeysDrop };
    let form = draft.map(|d| d.title).or_else(|| match &app.popup {
        Some(Popup::Form(f)) => Some(app.t(f.form.title).to_string()),
        Some(Popup::Alliance { .. }) => Some(app.t(T::AllianceTitle).to_string()),
        Some(Popup::Scores(_)) => Some(app.t(T::ScorecardTitle).to_string()),
        _ => None,
    });
    let text = vec![
        Line::from(T::QuitBody.fill(app.lang, &[("form", &form.unwrap_or_default())])),
        Line::from(""),
        Line::from(Span::styled(app.t(keys), Style::default().fg(Color::Yellow))),
    ];
    frame.render_widget(super::wrapped(text, Some(block), r), r);
}

pub fn help_keys(app: &App) -> Vec<(&'static str, T)> {
    let mut keys = tab_keys(app);
    // The sync key works on every tab; listed when there is a hub to sync with.
    if app.sync.url.is_some() {
        let at = keys.iter().position(|(k, _)| *k == "?").unwrap_or(keys.len());
        keys.insert(at, ("Ctrl-Y", T::KSync));
        keys.insert(at + 1, ("Ctrl-R", T::KRequests));
    }
    keys
}

/// The keys of the tab (or view) in front, from the tables its handler
/// dispatches on.
fn tab_keys(app: &App) -> Vec<(&'static str, T)> {
    use crate::tui::account_detail::{section_keys, DETAIL_KEYS};
    use crate::tui::account_list::LIST_KEYS;
    use crate::tui::keymap::{help, FORM_KEYS, GLOBAL, NAV, QUIT};
    match app.tab {
        Tab::Accounts => {}
        Tab::CallPlans | Tab::Presentations => return super::call_plans::help_keys(app),
        Tab::Vip => return super::vip_cards::help_keys(app),
        Tab::Today => return super::today::help_keys(app),
    }
    let mut keys: Vec<(&'static str, T)> = match &app.detail {
        None => help(LIST_KEYS).chain(help(NAV)).chain(help(GLOBAL)).collect(),
        // A section's keys act on its own records only.
        // The sections first (the first of the detail's keys), then the
        // section's own.
        Some(d) => help(&DETAIL_KEYS[..1])
            .chain(help(section_keys(d.section)))
            .chain(help(&DETAIL_KEYS[1..]))
            .chain(help(GLOBAL))
            .collect(),
    };
    // The forms this tab opens.
    keys.extend(help(FORM_KEYS).chain(help(QUIT)));
    keys
}

/// The help's width.
const HELP_W: u16 = 72;

/// The help's lines at the width it has on `area`.
fn help_lines(app: &App, area: Rect) -> Vec<Line<'static>> {
    let keys = help_keys(app);
    // The key column as wide as its widest key; each description wrapped
    // in the rest of the line, continuing under itself (a long one had been
    // cut at the popup's edge: "…不可恢复;需").
    let key_w = keys.iter().map(|(k, _)| unicode_width::UnicodeWidthStr::width(*k)).max().unwrap_or(0) + 2;
    let key_w = key_w.clamp(8, 30);
    let inner_w = usize::from(HELP_W.min(area.width).saturating_sub(2));
    let text_w = inner_w.saturating_sub(key_w).max(8);
    let key_style = Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    keys.into_iter()
        .flat_map(|(k, t)| {
            let text = super::wrap_line(&Line::from(app.t(t)), text_w);
            text.into_iter()
                .enumerate()
                .map(move |(i, l)| {
                    let key = if i == 0 { fit(k, key_w) } else { " ".repeat(key_w) };
                    let mut spans = vec![Span::styled(key, key_style)];
                    spans.extend(l.spans);
                    Line::from(spans)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// How far the help scrolls on `area`: the lines that do not fit.
pub fn help_scroll_max(app: &App, area: Rect) -> u16 {
    let n = u16::try_from(help_lines(app, area).len()).unwrap_or(u16::MAX);
    n.saturating_sub(area.height.saturating_sub(2))
}

fn draw_help(app: &App, scroll: u16, frame: &mut Frame, area: Rect) {
    let lines = help_lines(app, area);
    let h = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let r = centered(area, HELP_W, h);
    super::clear_popup(frame, r);
    let room = usize::from(r.height.saturating_sub(2));
    let scroll = usize::from(scroll.min(help_scroll_max(app, area)));
    // Taller than the screen: it scrolls, and the title says so and how
    // much is below.
    let title = if lines.len() > room {
        let below = lines.len() - room - scroll;
        let more = if below > 0 {
            format!(" · {}", T::HelpMore.fill(app.lang, &[("n", &below.to_string())]))
        } else {
            String::new()
        };
        format!(" {} · {}{more} ", app.t(T::HelpTitle), app.t(T::HelpScroll))
    } else {
        format!(" {} · {} ", app.t(T::HelpTitle), app.t(T::HelpClose))
    };
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Paragraph::new(shown).block(block), r);
}

/// What a form shows under its fields: notes worked out as it is typed,
/// likely duplicates, the save's error, the focused field's message in
/// full, a stale-version conflict, and the keys.
fn form_tail(app: &App, f: &FormState, inner_w: u16) -> Vec<Line<'static>> {
    let form = &f.form;
    let mut tail: Vec<Line> = vec![Line::from("")];
    for n in &f.note {
        tail.push(Line::from(Span::styled(n.clone(), Style::default().fg(Color::Green).add_modifier(Modifier::BOLD))));
    }
    if let Some(d) = &f.duplicates {
        tail.push(Line::from(Span::styled(app.t(T::DuplicatesFound), Style::default().fg(Color::Yellow))));
        tail.extend(d.iter().take(5).map(|n| Line::from(format!("  · {n}"))));
        if f.open_match.is_some() {
            tail.push(Line::from(Span::styled(app.t(T::VipOpenMatchKey), Style::default().fg(Color::Yellow))));
        }
    }
    if let Some(e) = &f.error {
        tail.push(Line::from(Span::styled(e.clone(), ERROR)));
    }
    // The focused field's message in full when it does not fit beside it.
    if let Some((field, e)) = form.fields.get(form.focus).and_then(|x| x.error.as_ref().map(|e| (x, e))) {
        let (label_w, value_w) = field_widths(inner_w, labels_width(app, form));
        let side = usize::from(inner_w.saturating_sub(label_w + value_w));
        let named = format!("{}: {e}", app.t(field.label));
        // Not when the save's message above says it (it names the field).
        let said = f.error.as_deref().is_some_and(|s| s.contains(e.as_str()));
        if unicode_width::UnicodeWidthStr::width(e.as_str()) > side && !said {
            tail.push(Line::from(Span::styled(named, ERROR)));
        }
    }
    if let Some(c) = &f.conflict {
        tail.push(Line::from(Span::styled(app.t(T::ConflictHeader), Style::default().add_modifier(Modifier::BOLD))));
        for (label, mine, theirs) in &c.lines {
            tail.push(Line::from(vec![
                Span::raw(fit(app.t(*label), 16)),
                Span::styled(mine.clone(), Style::default().fg(Color::Cyan)),
                Span::raw("  |  "),
                Span::styled(theirs.clone(), Style::default().fg(Color::Magenta)),
            ]));
        }
        tail.push(Line::from(Span::styled(app.t(T::ConflictKeys), Style::default().fg(Color::Yellow))));
    }
    if f.confirm_drop {
        tail.push(Line::from(Span::styled(app.t(T::ConfirmDrop), Style::default().fg(Color::Yellow))));
    } else {
        let keys = if matches!(f.editing, Editing::Settings) { T::SettingsKeys } else { T::FormKeys };
        let mut hints = vec![keys];
        if form.fields.iter().any(|x| x.row.is_some()) {
            hints.push(T::KRows);
        }
        for hint in hints {
            for line in super::hint_lines(app.t(hint), usize::from(inner_w)) {
                tail.push(Line::from(Span::styled(line, Style::default().fg(Color::DarkGray))));
            }
        }
    }
    tail
}

/// Where an open form's parts go on a screen of `area`.
struct FormAreas {
    /// The popup with its border.
    popup: Rect,
    inner: Rect,
    /// The fields (scrolled so the focused one is whole).
    fields: Rect,
    /// The photo of a VIP card's form, right of the fields.
    photo: Option<Rect>,
    /// The messages and keys under the fields.
    tail: Vec<Line<'static>>,
}

fn form_areas(app: &App, f: &FormState, area: Rect) -> Option<FormAreas> {
    let form = &f.form;
    // The messages and keys under the fields, laid out for the popup's
    // width, so that its height counts every row they take.
    let inner_w = 100.min(area.width).saturating_sub(2);
    let tail = form_tail(app, f, inner_w);
    let tail_h: usize = tail.iter().map(|l| l.width().div_ceil(usize::from(inner_w.max(1))).max(1)).sum();
    let field_rows: u16 = form.fields.iter().map(Field::height).sum();
    let h = field_rows.saturating_add(u16::try_from(tail_h + 2).unwrap_or(u16::MAX));
    let popup = centered(area, 100, h);
    let inner = Block::default().borders(Borders::ALL).inner(popup);
    if inner.height == 0 || inner.width < 8 {
        return None;
    }
    // A form taller than the screen scrolls so the focused field is always
    // shown, keeping room below for the messages and keys.
    let tail_rows = u16::try_from(tail_h).unwrap_or(u16::MAX).min(inner.height / 2);
    let rows = inner.height.saturating_sub(tail_rows).max(1);
    let mut fields = Rect::new(inner.x, inner.y, inner.width, rows);
    // A VIP card with a photo path shows the photo at the top right, the
    // fields keeping the rest of the width.
    let mut photo = None;
    if matches!(f.editing, Editing::VipCard(_)) && !form.text(F::PhotoPath).trim().is_empty() {
        let w = (inner.width / 4).min(24);
        let h = rows.min(10);
        if w >= 10 && h >= 4 && inner.width >= 60 {
            photo = Some(Rect::new(inner.right() - w, inner.y, w, h));
            fields.width = inner.width - w - 1;
        }
    }
    Some(FormAreas { popup, inner, fields, photo, tail })
}

/// Where the photo of the VIP card's form goes on a screen of `area`.
pub fn vip_form_photo(app: &App, f: &FormState, area: Rect) -> Option<Rect> {
    form_areas(app, f, area).and_then(|a| a.photo)
}

fn draw_form(app: &App, f: &FormState, frame: &mut Frame, area: Rect) {
    let form = &f.form;
    let Some(FormAreas { popup, inner, fields, photo, tail }) = form_areas(app, f, area) else {
        let r = centered(area, 100, area.height);
        super::clear_popup(frame, r);
        frame.render_widget(Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(form.title))), r);
        return;
    };
    super::clear_popup(frame, popup);
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(form.title)));
    frame.render_widget(block, popup);
    let bottom = inner.y + inner.height;
    let social = |field: &Field| {
        (field.key == "social_style").then(|| {
            let advice = kam_rules::SocialStyle::parse(&field.value()).map(|s| s.advice(app.lang)).unwrap_or_default();
            Span::styled(advice, Style::default().fg(Color::Green))
        })
    };
    let used = draw_fields(app, form, frame, fields, &social);
    if let Some(r) = photo {
        super::vip_cards::draw_photo_place(app, frame, r, &form.text(F::PhotoPath));
    }
    let y = inner.y + used.max(photo.map_or(0, |r| r.height));
    if y < bottom {
        frame.render_widget(
            super::wrapped(tail, None, Rect::new(inner.x, y, inner.width, bottom - y)),
            Rect::new(inner.x, y, inner.width, bottom - y),
        );
    }
}

/// A field's label as the form shows it: a table row's title and number
/// (`+` on the blank row kept for typing), a required field's `*`.
fn label_text(app: &App, form: &Form, field: &Field) -> String {
    match field.row {
        Some(tag) => {
            let blank = if form.is_blank_row(tag.table, tag.row) { "+" } else { "" };
            format!("{blank}{}{} {}", app.t(tag.title), tag.row + 1, app.t(field.label))
        }
        None => format!("{}{}", app.t(field.label), if field.required { "*" } else { "" }),
    }
}

/// The cells a form's labels need: its longest label and a free cell, at
/// least 16 so that forms line up alike.
fn labels_width(app: &App, form: &Form) -> u16 {
    let longest =
        form.fields.iter().map(|f| unicode_width::UnicodeWidthStr::width(label_text(app, form, f).as_str())).max();
    u16::try_from(longest.unwrap_or(0) + 1).unwrap_or(u16::MAX).max(16)
}

/// The widths of a form's labels and values in `width` cells; the message
/// beside a field has the rest. Labels take what they need (`labels`) up to
/// a third of the width, so that "Registered capital" is not cut at 80
/// columns; longer ones are cut.
fn field_widths(width: u16, labels: u16) -> (u16, u16) {
    let label_w: u16 = labels.min(width / 3);
    let rest = width.saturating_sub(label_w);
    // The value takes what the hint or error beside it does not need.
    let value_w = if rest > 40 { rest - (rest * 3 / 10).min(30) } else { rest };
    (label_w, value_w)
}

/// Draws a form's fields in `area`, scrolled so the focused one is whole:
/// label, value (the terminal cursor in the focused one) and to the right
/// the field's error, else what `side` says about it. Returns the rows used.
pub fn draw_fields(
    app: &App,
    form: &Form,
    frame: &mut Frame,
    area: Rect,
    side: &dyn Fn(&Field) -> Option<Span<'static>>,
) -> u16 {
    if area.height == 0 || area.width < 8 {
        return 0;
    }
    let (label_w, value_w) = field_widths(area.width, labels_width(app, form));
    // The first field shown: as early as possible with the focused one whole.
    let mut first = form.focus;
    let mut used = form.fields.get(form.focus).map_or(1, Field::height);
    while first > 0 && used + form.fields[first - 1].height() <= area.height {
        first -= 1;
        used += form.fields[first].height();
    }
    let bottom = area.y + area.height;
    let mut y = area.y;
    for (i, field) in form.fields.iter().enumerate().skip(first) {
        let fh = field.height().min(bottom.saturating_sub(y));
        if fh == 0 {
            break;
        }
        let focused = i == form.focus;
        let label_style =
            if focused { Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD) } else { Style::default() };
        // One cell kept free between a cut label and the value.
        let label = fit(&label_text(app, form, field), usize::from(label_w.saturating_sub(1)));
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), Rect::new(area.x, y, label_w, 1));
        let value_area = Rect::new(area.x + label_w, y, value_w.saturating_sub(1), fh);
        let vstyle = if focused {
            Style::default().fg(Color::White).add_modifier(Modifier::UNDERLINED)
        } else {
            Style::default().fg(Color::Gray)
        };
        match &field.kind {
            FieldKind::Choice { .. } => {
                let shown = format!("‹ {} ›", field.shown());
                frame.render_widget(Paragraph::new(Span::styled(shown, vstyle)), value_area);
            }
            FieldKind::Lines(t) => {
                let lines_style = if focused { Style::default().fg(Color::White) } else { vstyle };
                t.render(frame, value_area, lines_style, focused);
            }
            _ => field.input.render(frame, value_area, vstyle, focused),
        }
        let side_area = Rect::new(area.x + label_w + value_w, y, area.width.saturating_sub(label_w + value_w), 1);
        if let Some(e) = &field.error {
            // Cut with …: the whole message is at the form's foot on save.
            let shown = super::fit_ellipsis(e, usize::from(side_area.width));
            frame.render_widget(Paragraph::new(Span::styled(shown, ERROR)), side_area);
        } else if let Some(mut note) = side(field) {
            // Cut with … rather than inside a word ("简明扼要;讲问题和方案、");
            // the contact's page gives the advice in full.
            note.content = super::fit_ellipsis(&note.content, usize::from(side_area.width)).into();
            frame.render_widget(Paragraph::new(note), side_area);
        }
        y += fh;
    }
    y - area.y
}
