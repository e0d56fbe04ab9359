//! Tab 4: the VIP visitor cards: the list with the selected card's
//! summary, the learning view and the make-an-account choice.

use kam_rules::Labeled;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::accounts::highlight;
use super::{centered, fit, one_line};
use crate::i18n::T;
use crate::model::{FabItem, VipCard};
use crate::tui::app::{App, Editing, Popup, Tab};
use crate::tui::photo::View;
use crate::tui::vip::{holder, masked_phone, ConvertChoice, Learned};
use crate::tui::widgets::keys::F;

const W_DATE: usize = 11;
const W_SALUTATION: usize = 11;
const W_PHONE: usize = 10;
const W_STORE: usize = 9;
const W_HOLDER: usize = 12;
const W_STATUS: usize = 9;
const W_NEXT: usize = 11;

/// The summary goes beside the list from this width, below it under it.
const SIDE_BY_SIDE: u16 = 100;

/// Where the list tab's parts go in the tab's `area`.
struct Parts {
    bar: Rect,
    list: Rect,
    summary: Rect,
    keys: Rect,
    /// The summary is beside the list (else under it).
    side: bool,
}

fn parts(area: Rect) -> Parts {
    let inner = Block::default().borders(Borders::ALL).inner(area);
    let [bar, body, keys] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(inner);
    let side = body.width >= SIDE_BY_SIDE;
    let (list, summary) = if side {
        let [l, s] = Layout::horizontal([Constraint::Percentage(62), Constraint::Min(0)]).areas(body);
        (l, s)
    } else {
        let [l, s] = Layout::vertical([Constraint::Percentage(45), Constraint::Min(0)]).areas(body);
        (l, s)
    };
    Parts { bar, list, summary, keys, side }
}

fn summary_block(app: &App, side: bool) -> Block<'static> {
    Block::default()
        .borders(if side { Borders::LEFT } else { Borders::TOP })
        .title(Span::styled(app.t(T::VipSummary).to_string(), Style::default().fg(Color::Cyan)))
}

/// The summary's text (one cell narrower, see [`super::wrap_room`]) and
/// the photo's place in the summary's `inner` area: above the text when
/// the summary is beside the list, right of it when under it.
fn summary_room(inner: Rect, side: bool, photo: bool) -> (Rect, Option<Rect>) {
    if photo && side {
        let h = (inner.height / 3).min(10);
        if h >= 3 && inner.width >= 12 {
            let place = Rect::new(inner.x, inner.y, inner.width - 1, h);
            let text = Rect::new(inner.x, inner.y + h + 1, inner.width, inner.height.saturating_sub(h + 1));
            return (super::wrap_room(text), Some(place));
        }
    } else if photo {
        let w = (inner.width / 3).min(24);
        if w >= 10 && inner.height >= 3 {
            let place = Rect::new(inner.right() - w, inner.y, w, inner.height.min(10));
            let text = Rect::new(inner.x, inner.y, inner.width - w - 1, inner.height);
            return (super::wrap_room(text), Some(place));
        }
    }
    (super::wrap_room(inner), None)
}

/// Where the selected card's summary text and photo go when the tab is
/// drawn in `area`; `None` when no card is shown.
pub fn summary_areas(app: &App, area: Rect) -> Option<(Rect, Option<Rect>)> {
    let v = &app.vip;
    let c = v.current()?;
    if v.learned.is_some() || area.height < 5 || area.width < 22 {
        return None;
    }
    let p = parts(area);
    let inner = summary_block(app, p.side).inner(p.summary);
    Some(summary_room(inner, p.side, !c.photo_path.trim().is_empty()))
}

/// The summary's lines wrapped for `width` cells, as drawn.
pub fn wrapped_summary(app: &App, c: &VipCard, width: u16) -> Vec<Line<'static>> {
    summary_lines(app, c).into_iter().flat_map(|l| super::wrap_line(&l, usize::from(width))).collect()
}

/// The photo on screen, when there is one: its path and its place, on a
/// screen of `screen`. The VIP card's form shows the path typed in it;
/// the list the selected card's, unless something is drawn over it.
pub fn photo_on_screen(app: &App, screen: Rect) -> Option<(String, Rect)> {
    if app.confirm_quit {
        return None;
    }
    match &app.popup {
        Some(Popup::Form(f)) if matches!(f.editing, Editing::VipCard(_)) => {
            let place = super::popups::vip_form_photo(app, f, screen)?;
            Some((f.form.text(F::PhotoPath).trim().to_string(), place))
        }
        None if app.tab == Tab::Vip && app.vip.convert.is_none() => {
            let path = app.vip.current()?.photo_path.trim().to_string();
            let (_, place) = summary_areas(app, super::body_area(screen))?;
            Some((path, place?))
        }
        _ => None,
    }
}

/// The photo's place: cleared for the photo (drawn by [`draw_photo`] once
/// the frame is made safe), or a plain line saying why there is none yet.
pub fn draw_photo_place(app: &App, frame: &mut Frame, place: Rect, path: &str) {
    super::clear_popup(frame, place);
    let line = match app.vip.photos.view(path, place.as_size()) {
        View::Ready(_) => return,
        View::Loading => Span::styled(app.t(T::VipPhotoLoading).to_string(), Style::default().fg(Color::DarkGray)),
        View::Problem(p) => Span::styled(p.text(app.lang, path.trim()), Style::default().fg(Color::Yellow)),
    };
    frame.render_widget(super::wrapped(line, None, place), place);
}

/// Draws the photo on screen, centred in its place. Runs after the frame
/// was made safe: a graphics protocol's escape sequence is the image
/// itself, not text from a field.
pub fn draw_photo(app: &App, frame: &mut Frame) {
    let Some((path, place)) = photo_on_screen(app, frame.area()) else { return };
    if let View::Ready(p) = app.vip.photos.view(&path, place.as_size()) {
        let size = p.size();
        let x = place.x + place.width.saturating_sub(size.width) / 2;
        let at = Rect::new(x, place.y, size.width.min(place.width), size.height.min(place.height));
        frame.render_widget(ratatui_image::Image::new(p), at);
    }
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let v = &app.vip;
    let mut title = app.t(T::TabVip).to_string();
    if v.mine {
        title = format!("{title} · {}", app.t(T::VipMineMark));
    }
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 20 {
        return;
    }
    if let Some(l) = &v.learned {
        draw_learned(app, l, frame, inner);
        return;
    }
    let Parts { bar, list, summary, keys, side } = parts(area);
    draw_filter(app, frame, bar);
    frame
        .render_widget(Paragraph::new(Span::styled(app.t(T::VipListKeys), Style::default().fg(Color::DarkGray))), keys);
    draw_list(app, frame, list);
    if let Some(c) = v.current() {
        let block = summary_block(app, side);
        let inner = block.inner(summary);
        frame.render_widget(block, summary);
        let (room, place) = summary_room(inner, side, !c.photo_path.trim().is_empty());
        if let Some(place) = place {
            draw_photo_place(app, frame, place, &c.photo_path);
        }
        let lines = wrapped_summary(app, c, room.width);
        let last = u16::try_from(lines.len().saturating_sub(usize::from(room.height))).unwrap_or(u16::MAX);
        frame.render_widget(Paragraph::new(lines).scroll((v.summary_scroll.min(last), 0)), room);
    }
    if let Some(ch) = &v.convert {
        draw_convert(app, ch, frame, area);
    }
}

fn draw_filter(app: &App, frame: &mut Frame, bar: Rect) {
    let v = &app.vip;
    let label = format!("/ {} ", app.t(T::Filter));
    let tail = format!(" {}", T::VipCount.fill(app.lang, &[("n", &v.ids.len().to_string())]));
    let lw = label.width() as u16;
    let tw = (tail.width() as u16).min(bar.width.saturating_sub(lw));
    let [label_area, input_area, count_area] =
        Layout::horizontal([Constraint::Length(lw), Constraint::Min(0), Constraint::Length(tw)]).areas(bar);
    let label_style = if v.filtering { Style::default().fg(Color::Cyan) } else { Style::default().fg(Color::DarkGray) };
    frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
    if v.filter.value().is_empty() && !v.filtering {
        frame.render_widget(
            Paragraph::new(Span::styled(app.t(T::VipFilterHint), Style::default().fg(Color::DarkGray))),
            input_area,
        );
    } else {
        v.filter.render(frame, input_area, Style::default().fg(Color::White), v.filtering);
    }
    frame.render_widget(Paragraph::new(Span::styled(tail, Style::default().fg(Color::DarkGray))), count_area);
}

/// The columns that fit in `width`: store and next contact give way first.
fn columns(width: usize) -> (bool, bool) {
    let base = W_DATE + W_SALUTATION + W_PHONE + W_HOLDER + W_STATUS;
    let next = base + W_NEXT <= width;
    let store = base + W_NEXT + W_STORE <= width || (!next && base + W_STORE <= width);
    (store, next)
}

fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let v = &app.vip;
    if area.height < 2 {
        return;
    }
    let [head, rows] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let (show_store, show_next) = columns(usize::from(area.width));
    let mut header = fit(app.t(T::VipColDate), W_DATE)
        + &fit(app.t(T::VipColSalutation), W_SALUTATION)
        + &fit(app.t(T::VipColPhone), W_PHONE);
    if show_store {
        header += &fit(app.t(T::VipColStore), W_STORE);
    }
    header += &fit(app.t(T::VipColHolder), W_HOLDER);
    header += &fit(app.t(T::VipColStatus), W_STATUS);
    if show_next {
        header += &fit(app.t(T::VipColNext), W_NEXT);
    }
    frame.render_widget(
        Paragraph::new(Span::styled(header, Style::default().add_modifier(Modifier::BOLD).fg(Color::Cyan))),
        head,
    );
    if v.cards.is_empty() {
        let msg = if v.filter.value().is_empty() && !v.mine { T::VipEmpty } else { T::VipNoMatch };
        frame.render_widget(
            super::wrapped(Span::styled(app.t(msg), Style::default().fg(Color::DarkGray)), None, rows),
            rows,
        );
        return;
    }
    let height = usize::from(rows.height);
    let top = v.selected.saturating_sub(height.saturating_sub(1));
    let filter = v.filter.value().trim();
    let lines: Vec<Line> = v
        .cards
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, c)| {
            let base = if i == v.selected {
                Style::default().bg(Color::DarkGray).fg(Color::White).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            let mut spans = vec![Span::styled(fit(&c.visit_date.to_string(), W_DATE), base)];
            let name = fit(&c.salutation, W_SALUTATION - 1);
            spans.extend(highlight(name.trim_end(), filter, base));
            let pad = W_SALUTATION - name.trim_end().width();
            spans.push(Span::styled(" ".repeat(pad), base));
            let mut rest = fit(&masked_phone(&c.phone), W_PHONE);
            if show_store {
                rest += &fit(&c.store, W_STORE);
            }
            let h = v.holders.get(i).map_or(c.received_by.as_str(), String::as_str);
            let who = if h == c.received_by { h.to_string() } else { format!("{}→{h}", c.received_by) };
            rest += &fit(&who, W_HOLDER);
            rest += &fit(c.status.label(app.lang), W_STATUS);
            if show_next {
                rest += &fit(&c.next_contact.map(|d| d.to_string()).unwrap_or_default(), W_NEXT);
            }
            let width = usize::from(rows.width);
            let used = W_DATE + W_SALUTATION + rest.width();
            rest.push_str(&" ".repeat(width.saturating_sub(used)));
            spans.push(Span::styled(rest, base));
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows);
}

fn label(app: &App, t: T) -> Span<'static> {
    Span::styled(format!("{}: ", app.t(t)), Style::default().fg(Color::Cyan))
}

fn heading(app: &App, t: T) -> Line<'static> {
    Line::from(Span::styled(app.t(t).to_string(), Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)))
}

/// Non-empty parts joined with ` · `.
fn joined(parts: &[&str]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" · ")
}

fn fab_lines(items: &[FabItem]) -> Vec<Line<'static>> {
    items
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.item.is_empty() || !r.fab.is_empty())
        .map(|(i, r)| {
            let fab = if r.fab.is_empty() { String::new() } else { format!(" — {}", r.fab) };
            Line::from(format!("  {}. {}{fab}", i + 1, r.item))
        })
        .collect()
}

/// What someone about to serve the visitor reads first.
pub fn summary_lines(app: &App, c: &VipCard) -> Vec<Line<'static>> {
    let lang = app.lang;
    let mut out = vec![Line::from(vec![
        Span::styled(c.salutation.clone(), Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(format!(" {} · ", masked_phone(&c.phone))),
        Span::styled(c.status.label(lang).to_string(), Style::default().fg(Color::Yellow)),
    ])];
    let time = c.visit_time.map(|t| t.format(" %H:%M").to_string()).unwrap_or_default();
    out.push(Line::from(vec![
        label(app, T::VipLastVisit),
        Span::raw(joined(&[&format!("{}{time}", c.visit_date), &c.store])),
    ]));
    out.push(Line::from(vec![
        label(app, T::VipServedBy),
        Span::raw(c.received_by.clone()),
        Span::raw(" · "),
        label(app, T::VipHolder),
        Span::raw(holder(c).to_string()),
    ]));
    let next = c.next_contact.map_or_else(|| app.t(T::NotSet).to_string(), |d| d.to_string());
    let account = c.account_id.as_ref().map_or_else(
        || app.t(T::VipNotLinked).to_string(),
        |id| app.vip.accounts.get(id).cloned().unwrap_or_else(|| id.to_string()),
    );
    out.push(Line::from(vec![
        label(app, T::VipFNextContact),
        Span::raw(next),
        Span::raw(" · "),
        label(app, T::VipAccount),
        Span::raw(account),
    ]));
    let consent = match c.consent_date {
        Some(d) if c.consent => format!("{} ({d})", app.t(T::Yes)),
        _ => app.t(T::No).to_string(),
    };
    out.push(Line::from(vec![label(app, T::FConsent), Span::raw(consent)]));
    if !c.handovers.is_empty() {
        out.push(heading(app, T::VipHandovers));
        for h in &c.handovers {
            let note = if h.note.is_empty() { String::new() } else { format!(": {}", one_line(&h.note)) };
            out.push(Line::from(format!("  {} {} → {}{note}", h.date, h.from, h.to)));
        }
    }
    let industry = crate::tui::editors::vip_card::industry_label(&c.industry, app.lang).to_string();
    let looks = joined(&[&c.age, &industry, &c.position, &c.vehicle, &c.accessories]);
    if !looks.is_empty() {
        out.push(Line::from(vec![label(app, T::VipLooks), Span::raw(looks)]));
    }
    let needs = joined(&[&c.style, &c.usage, &c.price_range, &c.material, &c.traits]);
    if !needs.is_empty() {
        out.push(Line::from(vec![label(app, T::VipNeeds), Span::raw(needs)]));
    }
    if c.recommended.iter().any(|r| !r.item.is_empty() || !r.fab.is_empty()) {
        out.push(heading(app, T::VipRecommended));
        out.extend(fab_lines(&c.recommended));
    }
    if !c.objections.is_empty() {
        out.push(heading(app, T::VipObjections));
        for (i, o) in c.objections.iter().enumerate() {
            let kind = o.kind.map(|k| format!("{}: ", k.label(lang))).unwrap_or_default();
            let mut spans = vec![Span::raw(format!("  {}. {kind}{}", i + 1, o.text))];
            match c.resolutions.get(i).filter(|r| !r.text.is_empty()) {
                Some(r) => spans.push(Span::styled(format!(" → {}", r.text), Style::default().fg(Color::Green))),
                None => {
                    spans
                        .push(Span::styled(format!(" → {}", app.t(T::VipUnresolved)), Style::default().fg(Color::Red)));
                }
            }
            out.push(Line::from(spans));
        }
    }
    if !c.reception_summary.is_empty() {
        out.push(Line::from(vec![label(app, T::VipReception), Span::raw(one_line(&c.reception_summary))]));
    }
    if !c.team_suggestions.is_empty() {
        out.push(Line::from(vec![label(app, T::VipTeam), Span::raw(one_line(&c.team_suggestions))]));
    }
    if c.re_recommended.iter().any(|r| !r.item.is_empty() || !r.fab.is_empty()) {
        out.push(heading(app, T::VipReRecommended));
        out.extend(fab_lines(&c.re_recommended));
    }
    out
}

/// ` (50%)`: a share after a count, or nothing when there is no whole.
fn share(part: u32, whole: u32) -> String {
    kam_rules::vip_learning::percent(part, whole).map(|p| format!(" ({p}%)")).unwrap_or_default()
}

fn draw_learned(app: &App, l: &Learned, frame: &mut Frame, area: Rect) {
    let lines = learned_lines(app, l, area.width);
    let [body, keys] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    frame.render_widget(super::wrapped(lines, None, body).scroll((l.scroll, 0)), body);
    frame.render_widget(
        Paragraph::new(Span::styled(app.t(T::VipLearnKeys), Style::default().fg(Color::DarkGray))),
        keys,
    );
}

/// The learning view's lines for a view `width` cells wide (the bars fit it).
pub fn learned_lines(app: &App, l: &Learned, width: u16) -> Vec<Line<'static>> {
    let lang = app.lang;
    let store = l.store.clone().unwrap_or_else(|| app.t(T::VipAllStores).to_string());
    let who = l
        .advisor_name()
        .map_or_else(|| app.t(T::VipLearnWhole).to_string(), |a| T::VipLearnAdvisor.fill(lang, &[("advisor", a)]));
    let bold = Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD);
    let c = &l.counts;
    let mut lines = vec![
        Line::from(Span::styled(format!("{} · {who}", T::VipLearnTitle.fill(lang, &[("store", &store)])), bold)),
        Line::from(T::VipLearnCounts.fill(
            lang,
            &[
                ("cards", &c.cards.to_string()),
                ("vips", &c.vips.to_string()),
                ("vips_pct", &share(c.vips, c.cards)),
                ("fab", &c.with_fab.to_string()),
                ("fab_pct", &share(c.with_fab, c.cards)),
            ],
        )),
    ];
    if l.advisor.is_none() && !l.advisors.is_empty() {
        let names: Vec<String> = l
            .advisors
            .iter()
            .map(|(a, n)| T::VipLearnAdvisorCards.fill(lang, &[("advisor", a), ("cards", &n.to_string())]))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(app.t(T::VipLearnAdvisors).to_string(), Style::default().fg(Color::DarkGray)),
            Span::raw(names.join(" · ")),
        ]));
    }
    lines.push(Line::from(""));
    lines.push(heading(app, T::VipObjByType));
    if l.objections.is_empty() {
        lines.push(Line::from(format!("  {}", app.t(T::VipNothingYet))));
    }
    let most = l.objections.iter().map(|o| o.count).max().unwrap_or(1).max(1);
    let bar_room = usize::from(width).saturating_sub(40).clamp(1, 40);
    let kind_name = |k: Option<kam_rules::ObjectionType>| {
        k.map_or_else(|| app.t(T::VipUntyped).to_string(), |k| k.label(lang).to_string())
    };
    for o in &l.objections {
        let n = (o.count as usize * bar_room).div_ceil(most as usize);
        let resolved =
            T::VipResolvedOf.fill(lang, &[("resolved", &o.resolved.to_string()), ("count", &o.count.to_string())]);
        let colour = if o.resolved < o.count { Color::Red } else { Color::Green };
        lines.push(Line::from(vec![
            Span::raw(format!("  {}", fit(&kind_name(o.kind), 12))),
            Span::styled("█".repeat(n), Style::default().fg(Color::Yellow)),
            Span::raw(format!(" {}  ", o.count)),
            Span::styled(resolved, Style::default().fg(colour)),
        ]));
    }
    let typed: Vec<_> = l.objections.iter().filter_map(|o| o.kind.map(|k| (k, o.count, o.resolved))).collect();
    if let Some(k) = kam_rules::vip_learning::weak_spot(&typed) {
        let open = typed.iter().find(|t| t.0 == k).map_or(0, |t| t.1.saturating_sub(t.2));
        lines.push(Line::from(Span::styled(
            format!("  {}", T::VipWeakSpot.fill(lang, &[("kind", k.label(lang)), ("open", &open.to_string())])),
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        )));
    }
    lines.push(Line::from(""));
    lines.push(heading(app, T::VipResolutionsWorked));
    if l.resolutions.is_empty() {
        lines.push(Line::from(format!("  {}", app.t(T::VipNothingYet))));
    }
    for r in &l.resolutions {
        lines.push(Line::from(format!("  {:>3}× {}: {}", r.cards, kind_name(r.kind), r.text)));
    }
    lines.push(Line::from(""));
    lines.push(heading(app, T::VipFabOfVips));
    if l.fabs.is_empty() {
        lines.push(Line::from(format!("  {}", app.t(T::VipNothingYet))));
    }
    for f in &l.fabs {
        lines.push(Line::from(format!("  {:>3}× {} — {}", f.cards, f.item, f.fab)));
    }
    lines
}

fn draw_convert(app: &App, ch: &ConvertChoice, frame: &mut Frame, area: Rect) {
    let w = area.width.saturating_sub(4).min(70);
    let held_rows: usize = ch
        .held
        .iter()
        .map(|t| unicode_width::UnicodeWidthStr::width(t.as_str()).div_ceil(usize::from(w.saturating_sub(2).max(1))))
        .sum();
    let h = u16::try_from(ch.candidates.len() + held_rows).unwrap_or(u16::MAX).saturating_add(6).min(area.height);
    let r = centered(area, w, h);
    super::clear_popup(frame, r);
    let block = Block::default().borders(Borders::ALL).title(app.t(T::VipConvertTitle));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = vec![Line::from(app.t(T::VipConvertFound)), Line::from("")];
    let names =
        ch.candidates.iter().map(|(_, n)| n.clone()).chain(std::iter::once(app.t(T::VipConvertNew).to_string()));
    for (i, n) in names.enumerate() {
        let st = if i == ch.selected {
            Style::default().bg(Color::DarkGray).fg(Color::White).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(format!("  {n}"), st)));
    }
    for t in &ch.held {
        lines.push(Line::from(Span::styled(t.clone(), Style::default().fg(Color::Yellow))));
    }
    lines.push(Line::from(Span::styled(app.t(T::VipConvertKeys), Style::default().fg(Color::DarkGray))));
    frame.render_widget(super::wrapped(lines, None, inner), inner);
}

/// The keys of this tab for the `?` overlay.
pub fn help_keys(app: &App) -> Vec<(&'static str, T)> {
    use crate::tui::keymap::{help, GLOBAL, NAV};
    use crate::tui::vip::{VIP_KEYS, VIP_LEARN_KEYS};
    let table = if app.vip.learned.is_some() { VIP_LEARN_KEYS } else { VIP_KEYS };
    help(table).chain(help(NAV)).chain(help(GLOBAL)).collect()
}
