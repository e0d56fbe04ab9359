//! The Accounts tab: the list (only the visible rows are built) and an
//! account's detail with its sections.

use kam_rules::{AllianceStatus, BuyingRole, Labeled};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::{fit, one_line};
use crate::finder::Through;
use crate::i18n::T;
use crate::model::Contact;
use crate::store::AccountRow;
use crate::tui::app::{App, Detail, Section, SortBy};
use crate::tui::records::Activity;

/// The style of a matched character in a filtered name.
pub const MATCH: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED));
/// The style of a downgraded tier and of overdue flags.
pub const ALERT: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);

const W_TIER: usize = 9;
const W_ABC: usize = 5;
const W_ANNUAL: usize = 14;
const W_OWNER: usize = 8;
const W_LAST: usize = 11;
const W_FLAGS: usize = 14;

/// Rows of the list that fit in a body of `height` rows (the list's own header and filter line taken off).
pub fn list_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(4))
}

pub fn draw_list(app: &App, frame: &mut Frame, area: Rect) {
    let l = &app.list;
    let block = Block::default().borders(Borders::ALL).title(app.t(T::TabAccounts));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 2 || inner.width < 10 {
        return;
    }
    let [bar, head, rows] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(inner);

    // Filter line: the input, the count and how long the query took.
    let label = format!("/ {} ", app.t(T::Filter));
    let tail = if l.loading && l.index.is_none() {
        format!(" {}", app.t(T::ListReading))
    } else {
        let n = l.len().to_string();
        let mut t =
            format!(" {}", T::ListCount.fill(app.lang, &[("n", &n), ("ms", &format!("{:.1}", l.last_query_ms))]));
        if l.sorting || l.loading {
            t = format!(" {}{t}", app.t(if l.sorting { T::ListSorting } else { T::ListReading }));
        }
        t
    };
    let lw = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
    let tw = (unicode_width::UnicodeWidthStr::width(tail.as_str()) as u16).min(bar.width.saturating_sub(lw));
    let [label_area, input_area, count_area] =
        Layout::horizontal([Constraint::Length(lw), Constraint::Min(0), Constraint::Length(tw)]).areas(bar);
    let label_style = if l.filtering { Style::default().fg(Color::Cyan) } else { Style::default().fg(Color::DarkGray) };
    frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
    if l.filter.value().is_empty() && !l.filtering {
        frame.render_widget(
            Paragraph::new(Span::styled(app.t(T::FilterHint), Style::default().fg(Color::DarkGray))),
            input_area,
        );
    } else {
        l.filter.render(frame, input_area, Style::default().fg(Color::White), l.filtering);
    }
    frame.render_widget(Paragraph::new(Span::styled(tail, Style::default().fg(Color::DarkGray))), count_area);

    let width = usize::from(inner.width);
    let fixed = W_TIER + W_ABC + W_ANNUAL + W_OWNER + W_LAST + W_FLAGS;
    let (name_w, show_all) =
        if width >= fixed + 16 { (width - fixed, true) } else { (width.saturating_sub(W_TIER), false) };
    let arrow = if l.descending { "↓" } else { "↑" };
    let col = |t: T, by: SortBy, w: usize| {
        let mut s = app.t(t).to_string();
        if l.sort == by {
            s.push_str(arrow);
        }
        fit(&s, w)
    };
    let mut header = col(T::ColName, SortBy::Name, name_w) + &col(T::ColTier, SortBy::Tier, W_TIER);
    if show_all {
        header += &fit(app.t(T::ColAbc), W_ABC);
        header += &col(T::ColAnnual, SortBy::Annual, W_ANNUAL);
        header += &col(T::ColOwner, SortBy::Owner, W_OWNER);
        header += &col(T::ColLast, SortBy::LastContact, W_LAST);
        header += &fit(app.t(T::ColFlags), W_FLAGS);
    }
    frame.render_widget(
        Paragraph::new(Span::styled(header, Style::default().add_modifier(Modifier::BOLD).fg(Color::Cyan))),
        head,
    );

    let hits = &l.contact_hits;
    let rows = if hits.is_empty() || rows.height < 4 {
        rows
    } else {
        let n = u16::try_from(hits.len() + 1).unwrap_or(u16::MAX).min(rows.height / 2);
        let [top, bottom] = Layout::vertical([Constraint::Min(0), Constraint::Length(n)]).areas(rows);
        let mut lines = vec![Line::from(Span::styled(
            app.t(T::ContactsFound),
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        ))];
        let filter = l.filter.value().trim();
        for c in hits {
            let mut spans = highlight(&c.name, filter, Style::default());
            spans.push(Span::raw(format!(" · {}", c.account_name)));
            lines.push(Line::from(spans));
        }
        frame.render_widget(Paragraph::new(lines), bottom);
        top
    };
    if l.is_empty() {
        let msg = if l.index.is_none() {
            T::ListReading
        } else if l.filter.value().is_empty() {
            T::NoAccounts
        } else {
            T::NoMatch
        };
        frame.render_widget(super::wrapped(app.t(msg), None, rows), rows);
        return;
    }
    // Virtualised: build only the rows on screen.
    let h = usize::from(rows.height);
    let offset = l.offset.min(l.len().saturating_sub(1));
    let offset = if l.selected >= offset + h { l.selected + 1 - h } else { offset.min(l.selected) };
    let filter = l.filter.value().trim();
    let lines: Vec<Line> = (offset..(offset + h).min(l.len()))
        .filter_map(|i| {
            let (_, name, line) = l.row(i)?;
            let through = if filter.is_empty() { None } else { l.through(i) };
            Some(row_line(app, name, through, line, filter, name_w, show_all, i == l.selected))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows);
}

#[allow(clippy::too_many_arguments)]
fn row_line(
    app: &App,
    name: &str,
    through: Option<Through>,
    line: Option<&AccountRow>,
    filter: &str,
    name_w: usize,
    all: bool,
    selected: bool,
) -> Line<'static> {
    let base =
        if selected { Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD) } else { Style::default() };
    // Found through a contact or the owner: said after the name when there is room.
    let tag = through.map(|t| match t {
        Through::Contact(n) => format!(" · {}", T::FoundViaContact.fill(app.lang, &[("name", &n)])),
        Through::Owner(n) => format!(" · {}", T::FoundViaOwner.fill(app.lang, &[("name", &n)])),
    });
    let room = name_w.saturating_sub(1);
    let mut spans = match tag.filter(|t| t.width() + 8 <= room) {
        Some(tag) => {
            let fitted = fit(name, room - tag.width());
            let shown = fitted.trim_end();
            let mut spans = highlight(shown, filter, base);
            let pad = room - tag.width() - shown.width();
            spans.push(Span::styled(tag, base.fg(Color::Cyan)));
            spans.push(Span::styled(" ".repeat(pad), base));
            spans
        }
        None => highlight(&fit(name, room), filter, base),
    };
    spans.push(Span::styled(" ", base));
    let Some(r) = line else {
        // Read on the worker; drawn on the next tick.
        spans.push(Span::styled("…", base.fg(Color::DarkGray)));
        return Line::from(spans);
    };
    let tier = r.tier.tier.label(app.lang);
    if r.tier.downgraded {
        spans.push(Span::styled(fit(&format!("{tier}↓"), W_TIER), base.patch(ALERT)));
    } else {
        spans.push(Span::styled(fit(tier, W_TIER), base));
    }
    if all {
        let abc = r.abc.map_or("-", |c| c.en());
        spans.push(Span::styled(fit(abc, W_ABC), base));
        let annual = r.annual.grouped();
        let pad = W_ANNUAL.saturating_sub(annual.len() + 2);
        spans.push(Span::styled(format!("{}{annual}  ", " ".repeat(pad)), base));
        spans.push(Span::styled(fit(&r.owner, W_OWNER - 1) + " ", base));
        let last = r.last_contact.map_or_else(|| "-".to_string(), |d| d.format("%Y-%m-%d").to_string());
        spans.push(Span::styled(fit(&last, W_LAST), base));
        let mut flags = Vec::new();
        if r.cadence.is_overdue() {
            flags.push(app.t(T::FlagCadence));
        }
        if r.receivable_overdue {
            flags.push(app.t(T::FlagReceivable));
        }
        spans.push(Span::styled(fit(&flags.join(" "), W_FLAGS), base.patch(ALERT)));
    }
    Line::from(spans)
}

/// Splits `name` into spans with the characters matched by `filter`
/// (literally, or by pinyin initials / full syllables) in [`MATCH`] style.
pub fn highlight(name: &str, filter: &str, base: Style) -> Vec<Span<'static>> {
    let hit = crate::finder::highlight(name, filter);
    let marks = (0..name.chars().count()).map(|i| hit.contains(&i));
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_mark = false;
    for (c, m) in name.chars().zip(marks) {
        if m != run_mark && !run.is_empty() {
            let st = if run_mark { base.patch(MATCH) } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), st));
        }
        run_mark = m;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_mark { base.patch(MATCH) } else { base }));
    }
    spans
}

pub fn draw_detail(app: &App, d: &Detail, frame: &mut Frame, area: Rect) {
    let a = &d.account;
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", a.name));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let [tier, tabs, body] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let tier_style = if d.tier.downgraded { ALERT } else { Style::default().add_modifier(Modifier::BOLD) };
    let mut tier_line = vec![
        Span::raw(format!("{}: ", app.t(T::TierLabel))),
        Span::styled(d.tier.tier.label(app.lang).to_string(), tier_style),
    ];
    if d.tier.downgraded {
        tier_line.push(Span::styled(format!(" {}", app.t(T::DowngradedMark)), ALERT));
    }
    tier_line.push(Span::raw(format!("  {}: {}", app.t(T::AnnualLabel), d.tier.annual.grouped())));
    let lines =
        vec![Line::from(tier_line), Line::from(Span::styled(d.tier_reason.clone(), Style::default().fg(Color::Gray)))];
    frame.render_widget(super::wrapped(lines, None, tier), tier);
    let titles: Vec<String> = Section::ALL.iter().map(|s| app.t(s.title()).to_string()).collect();
    let sel = Section::ALL.iter().position(|s| *s == d.section).unwrap_or(0);
    let (titles, sel) = super::tabs_window(&titles, sel, usize::from(tabs.width));
    frame.render_widget(
        Tabs::new(titles).select(sel).highlight_style(Style::default().fg(Color::Black).bg(Color::Cyan)).divider("·"),
        tabs,
    );
    match d.section {
        Section::Company => draw_company(app, d, frame, body),
        Section::Contacts => draw_contacts(app, d, frame, body),
        Section::Archive => draw_archive(app, d, frame, body),
        section if Activity::of(section).is_some() => {
            if let Some(what) = Activity::of(section) {
                draw_records(app, d, what, frame, body);
            }
        }
        section => {
            let lines = if section == Section::History { history_lines(app, d) } else { Vec::new() };
            let text = if lines.is_empty() { vec![Line::from(app.t(T::NothingYet))] } else { lines };
            // Wrapped: a long change (a whole scorecard) is read to its end.
            frame.render_widget(super::wrapped(text, None, body).scroll((d.scroll, 0)), body);
        }
    }
}

fn kv(label: &str, value: String) -> Line<'static> {
    // Labels line up in 16 cells; a longer one (Registered capital,
    // Political strategy) takes what it needs rather than being cut.
    let w = LABEL_W.max(label.width() + 1);
    Line::from(vec![Span::styled(fit(label, w), Style::default().fg(Color::Cyan)), Span::raw(value)])
}

/// The cells a label of the detail takes when it fits.
const LABEL_W: usize = 16;

/// A label and a multi-line value: the value's later lines indented under
/// its first.
fn kv_lines(label: &str, value: &str) -> Vec<Line<'static>> {
    let mut parts = value.split('\n');
    let mut out = vec![kv(label, parts.next().unwrap_or_default().to_string())];
    let w = LABEL_W.max(label.width() + 1);
    out.extend(parts.map(|p| Line::from(format!("{:w$}{p}", ""))));
    out
}

fn draw_company(app: &App, d: &Detail, frame: &mut Frame, area: Rect) {
    let a = &d.account;
    let yes_no = |b: bool| app.t(if b { T::Yes } else { T::No }).to_string();
    let money = |m: Option<kam_rules::Money>| m.map(kam_rules::Money::grouped).unwrap_or_default();
    let lines = vec![
        kv(app.t(T::FName), a.name.clone()),
        kv(app.t(T::FShortName), a.short_name.clone()),
        kv(app.t(T::FIndustry), a.industry.clone()),
        kv(app.t(T::FRegion), a.region.clone()),
        kv(app.t(T::FAddress), a.address.clone()),
        kv(app.t(T::FPhone), a.phone.clone()),
        kv(app.t(T::FWebsite), a.website.clone()),
        kv(app.t(T::FSize), a.company_size.clone()),
        kv(app.t(T::FCapital), money(a.registered_capital)),
        kv(app.t(T::FListed), yes_no(a.listed)),
        kv(app.t(T::FOwner), a.owner.clone()),
        kv(app.t(T::FCreditLimit), money(a.credit_limit)),
        kv(app.t(T::FPaymentTerms), a.payment_terms.clone()),
        kv(app.t(T::FCustomerSince), a.customer_since.map(|d| d.to_string()).unwrap_or_default()),
        kv(app.t(T::FClass), class_text(app, d)),
    ];
    let mut lines = lines;
    lines.extend(kv_lines(app.t(T::FNotes), &a.notes));
    frame.render_widget(Paragraph::new(lines).scroll((d.scroll, 0)), area);
}

/// The archive by the six categories of seed 003, each with its entries
/// (newest first) or "(none)", and the selected entry in full below.
fn draw_archive(app: &App, d: &Detail, frame: &mut Frame, area: Rect) {
    use crate::model::ArchiveCategory;
    let a = &d.account;
    let order = crate::tui::archive::archive_order(a);
    let selected = order.get(d.archive_sel).copied();
    let mut lines = vec![Line::from(Span::styled(app.t(T::KArchive), Style::default().fg(Color::DarkGray)))];
    let mut selected_line = 0;
    for c in ArchiveCategory::ALL {
        let entries: Vec<usize> = order.iter().copied().filter(|&i| a.archive[i].category == *c).collect();
        lines.push(Line::from(Span::styled(
            format!("{} ({})", c.label(app.lang), entries.len()),
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )));
        if entries.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {}", app.t(T::ArchiveEmpty)),
                Style::default().fg(Color::DarkGray),
            )));
        }
        for i in entries {
            let e = &a.archive[i];
            let date = e.date.map(|d| d.to_string()).unwrap_or_default();
            let amount = e.amount.map(|m| format!(" {}", m.grouped())).unwrap_or_default();
            let style = if Some(i) == selected {
                selected_line = lines.len();
                Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            lines.push(Line::from(Span::styled(format!("  {date:<10} {}{amount}", e.title), style)));
        }
    }
    if let Some(e) = selected.and_then(|i| a.archive.get(i)) {
        lines.push(Line::from(""));
        let field = |t: T, v: &str| (!v.is_empty()).then(|| kv_lines(app.t(t), v));
        lines.extend(
            [
                field(T::FArchiveContent, &e.content),
                field(T::FArchiveApproval, &e.approval),
                field(T::FArchiveReason, &e.reason),
                field(T::FArchiveResponsibility, &e.responsibility),
            ]
            .into_iter()
            .flatten()
            .flatten(),
        );
    }
    // Keep the selected entry on screen.
    let h = usize::from(area.height);
    let scroll = selected_line.saturating_sub(h.saturating_sub(1) / 2).min(lines.len().saturating_sub(h));
    let scroll = u16::try_from(scroll).unwrap_or(0);
    frame.render_widget(super::wrapped(lines, None, area).scroll((scroll, 0)), area);
}

fn status_of(c: &Contact) -> AllianceStatus {
    c.alliance()
}

fn draw_contacts(app: &App, d: &Detail, frame: &mut Frame, area: Rect) {
    if d.contacts.is_empty() {
        frame.render_widget(super::wrapped(app.t(T::NoContacts), None, area), area);
        return;
    }
    let left_w = (area.width / 2).clamp(10, 44);
    let [left, right] = Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    let [list, map] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(left);
    let h = usize::from(list.height);
    let start = d.contact_sel.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line> = d
        .contacts
        .iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, c)| {
            let st = if i == d.contact_sel {
                Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            let role = c.buying_role.map_or("", |r| r.label(app.lang));
            Line::from(Span::styled(fit(&format!("{} {} {role}", c.name, c.title), usize::from(left_w)), st))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    draw_map(app, d, frame, map);
    if let Some(c) = d.contacts.get(d.contact_sel) {
        draw_profile(app, c, frame, right);
    }
}

/// The political map: the reports-to tree with role, status and last
/// contact, then the buying roles nobody fills.
fn draw_map(app: &App, d: &Detail, frame: &mut Frame, area: Rect) {
    let mut lines =
        vec![Line::from(Span::styled(app.t(T::PoliticalMap), Style::default().add_modifier(Modifier::BOLD)))];
    let ids: Vec<_> = d.contacts.iter().map(|c| c.meta.id.clone()).collect();
    let mut stack: Vec<(usize, usize)> = d
        .contacts
        .iter()
        .enumerate()
        .filter(|(_, c)| c.reports_to.as_ref().is_none_or(|r| !ids.contains(r)))
        .map(|(i, _)| (i, 0))
        .rev()
        .collect();
    let mut seen = vec![false; d.contacts.len()];
    while let Some((i, depth)) = stack.pop() {
        if seen[i] {
            continue;
        }
        seen[i] = true;
        let c = &d.contacts[i];
        let last = d
            .visits
            .iter()
            .filter(|v| v.contacts.iter().any(|vc| vc.contact_id == c.meta.id))
            .map(|v| v.date)
            .max()
            .map_or_else(|| "-".to_string(), |x| x.to_string());
        let role = c.buying_role.map_or("?", |r| r.label(app.lang));
        lines.push(Line::from(format!(
            "{}{} · {role} · {} · {last}",
            "  ".repeat(depth) + if depth > 0 { "└ " } else { "" },
            c.name,
            status_of(c).label(app.lang)
        )));
        for (j, o) in d.contacts.iter().enumerate().rev() {
            if o.reports_to.as_ref() == Some(&c.meta.id) {
                stack.push((j, depth + 1));
            }
        }
    }
    for role in BuyingRole::ALL {
        if !d.contacts.iter().any(|c| c.buying_role == Some(*role)) {
            lines.push(Line::from(Span::styled(
                format!("□ {}: {}", role.label(app.lang), app.t(T::Nobody)),
                Style::default().fg(Color::DarkGray),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn draw_profile(app: &App, c: &Contact, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        kv(app.t(T::FPersonName), c.name.clone()),
        kv(app.t(T::FTitle), c.title.clone()),
        kv(app.t(T::FPhone), c.phone.clone()),
        kv(app.t(T::FEmail), c.email.clone()),
        kv(app.t(T::FBirthDate), c.birth_date.map(|d| d.to_string()).unwrap_or_default()),
        kv(app.t(T::FBuyingRole), c.buying_role.map(|r| r.label(app.lang).to_string()).unwrap_or_default()),
        kv(app.t(T::FAlliance), status_of(c).label(app.lang).to_string()),
        kv(app.t(T::FSocialStyle), c.social_style.map(|s| s.label(app.lang).to_string()).unwrap_or_default()),
    ];
    if let Some(s) = c.social_style {
        lines.push(Line::from(Span::styled(format!("  ➜ {}", s.advice(app.lang)), Style::default().fg(Color::Green))));
    }
    lines.extend(kv_lines(app.t(T::FPersonality), &c.personality));
    lines.extend(kv_lines(app.t(T::FAgenda), &c.personal_agenda));
    lines.extend(kv_lines(app.t(T::FStrategy), &c.political_strategy));
    for b in &c.behaviours {
        lines.push(Line::from(format!("  {} {} {}", b.behaviour.mark(), b.observed_on, b.behaviour.label(app.lang))));
    }
    let block = Block::default().borders(Borders::LEFT);
    frame.render_widget(super::wrapped(lines, Some(block), area), area);
}

/// A section of records (orders, visits, major changes, feedback): one
/// line each with the selected one marked and kept on screen, and the
/// selected record in full below.
/// The orders as a table whose columns are as wide as their widest cell
/// (a header word or an amount), so that at 80 columns the amount owed and
/// the rep still show; overdue orders in the alert colour.
fn order_lines(app: &App, d: &Detail) -> (Option<Line<'static>>, Vec<Line<'static>>) {
    let lang = app.lang;
    let rows: Vec<(bool, [String; 8])> = d
        .orders
        .iter()
        .map(|o| {
            let owed = o.outstanding();
            let overdue = o.due_date.is_some_and(|due| due < app.today) && owed > kam_rules::Money::ZERO;
            let rate = o.discount_rate.map_or_else(|| "1.00".to_string(), |r| format!("{:.2}", r.as_f64()));
            (
                overdue,
                [
                    o.date.to_string(),
                    o.amount.grouped(),
                    o.payment.label(lang).to_string(),
                    rate,
                    o.net_amount.grouped(),
                    o.due_date.map_or_else(|| "-".repeat(10), |x| x.to_string()),
                    owed.grouped(),
                    o.credited_to(&d.account.owner).to_string(),
                ],
            )
        })
        .collect();
    let heads: Vec<&str> = app.t(T::OrdersHeader).split_whitespace().collect();
    let mut widths = [0usize; 8];
    for (i, w) in widths.iter_mut().enumerate() {
        let head = heads.get(i).map_or(0, |h| h.width());
        *w = rows.iter().map(|(_, r)| r[i].width()).max().unwrap_or(0).max(head);
    }
    // Amounts (1, 4, 6) to the right; the rep, last, is not padded.
    let line = |cells: &[&str]| {
        let mut out = String::new();
        for (i, c) in cells.iter().enumerate() {
            let w = widths[i];
            let gap = " ".repeat(w.saturating_sub(c.width()));
            match i {
                7 => out.push_str(c),
                1 | 4 | 6 => out.extend([gap.as_str(), c, " "]),
                _ => out.extend([*c, gap.as_str(), " "]),
            }
        }
        out.trim_end().to_string()
    };
    let header = Line::from(Span::styled(line(&heads), Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD)));
    let lines = rows
        .iter()
        .map(|(overdue, r)| {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            Line::from(Span::styled(line(&cells), if *overdue { ALERT } else { Style::default() }))
        })
        .collect();
    (Some(header), lines)
}

fn draw_records(app: &App, d: &Detail, what: Activity, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let selected = Style::default().bg(Color::DarkGray).add_modifier(Modifier::BOLD);
    let (header, rows): (Option<Line<'static>>, Vec<Line<'static>>) = match what {
        Activity::Order => order_lines(app, d),
        Activity::Visit => (
            None,
            d.visits
                .iter()
                .map(|x| {
                    let mgr = if x.by_manager { app.t(T::ManagerMark) } else { "" };
                    let when =
                        x.time.map_or_else(|| x.date.to_string(), |t| format!("{} {}", x.date, t.format("%H:%M")));
                    let mut parts = vec![format!("{when} {} {}{mgr}", x.kind.label(lang), x.by)];
                    parts.extend([one_line(&x.purpose), one_line(&x.summary)].into_iter().filter(|p| !p.is_empty()));
                    if x.next_date.is_some() || !x.next_step.is_empty() {
                        let date = x.next_date.map_or_else(String::new, |n| n.to_string());
                        parts.push(format!("→ {date} {}", one_line(&x.next_step)).trim_end().to_string());
                    }
                    Line::from(parts.join(" · "))
                })
                .collect(),
        ),
        Activity::Event => (
            None,
            d.events
                .iter()
                .map(|e| Line::from(joined(format!("{} [{}]", e.date, e.kind), &[&e.description, &e.follow_up])))
                .collect(),
        ),
        Activity::Feedback => (
            None,
            d.feedback
                .iter()
                .map(|f| {
                    let sat = f.satisfaction.map_or_else(|| "-".to_string(), |s| s.to_string());
                    let complaint = if f.complaint { app.t(T::ComplaintMark) } else { "" };
                    let closed = if f.closed { format!(" ✓{}", app.t(T::FClosed)) } else { String::new() };
                    let head = format!("{} {} {sat}/5 {complaint}{closed}", f.date, f.from_whom);
                    let line = joined(head.trim_end().to_string(), &[&f.content, &f.handling]);
                    let open_complaint = f.complaint && !f.closed;
                    Line::from(Span::styled(line, if open_complaint { ALERT } else { Style::default() }))
                })
                .collect(),
        ),
    };
    if rows.is_empty() {
        let mut lines: Vec<Line> = header.into_iter().collect();
        lines.push(Line::from(app.t(T::NothingYet)));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let pane_h = (area.height / 2).min(9);
    let [list, pane] = Layout::vertical([Constraint::Min(1), Constraint::Length(pane_h)]).areas(area);
    let [head, list] =
        Layout::vertical([Constraint::Length(u16::from(header.is_some())), Constraint::Min(0)]).areas(list);
    if let Some(h) = header {
        frame.render_widget(Paragraph::new(h), head);
    }
    let h = usize::from(list.height).max(1);
    let sel = d.row_sel.min(rows.len() - 1);
    let start = sel.saturating_sub(h - 1);
    let shown: Vec<Line> = rows
        .into_iter()
        .enumerate()
        .skip(start)
        .take(h)
        .map(|(i, l)| if i == sel { l.patch_style(selected) } else { l })
        .collect();
    frame.render_widget(Paragraph::new(shown), list);
    let detail = record_lines(app, d, what, sel);
    let block = Block::default().borders(Borders::TOP);
    frame.render_widget(super::wrapped(detail, Some(block), pane), pane);
}

/// `head` and the texts that are not blank, each on one line, joined by " · ".
fn joined(head: String, texts: &[&str]) -> String {
    let mut parts = vec![head];
    parts.extend(texts.iter().map(|t| one_line(t)).filter(|t| !t.is_empty()));
    parts.join(" · ")
}

/// The selected record of a section in full.
fn record_lines(app: &App, d: &Detail, what: Activity, i: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let mut out = Vec::new();
    match what {
        Activity::Order => {
            let Some(o) = d.orders.get(i) else { return out };
            out.push(Line::from(
                T::OrderCollected
                    .fill(lang, &[("collected", &o.collected().grouped()), ("owed", &o.outstanding().grouped())]),
            ));
            if o.collections.is_empty() {
                out.push(Line::from(app.t(T::OrderNoCollections).to_string()));
            }
            out.extend(
                o.collections.iter().map(|c| {
                    Line::from(format!("  {} {} {:>14}", app.t(T::RowCollection), c.date, c.amount.grouped()))
                }),
            );
        }
        Activity::Visit => {
            let Some(v) = d.visits.get(i) else { return out };
            let names: Vec<String> = v
                .contacts
                .iter()
                .map(|vc| {
                    d.contacts
                        .iter()
                        .find(|c| c.meta.id == vc.contact_id)
                        .map_or_else(|| "?".to_string(), |c| c.name.clone())
                })
                .collect();
            if !names.is_empty() {
                out.push(Line::from(T::VisitWith.fill(lang, &[("names", &names.join(T::ListSep.get(lang)))])));
            }
            out.extend(kv_lines(app.t(T::FPurpose), &v.purpose));
            out.extend(kv_lines(app.t(T::FSummary), &v.summary));
            if !v.next_step.is_empty() || v.next_date.is_some() {
                let date = v.next_date.map_or_else(|| "-".to_string(), |x| x.to_string());
                out.push(Line::from(T::VisitNext.fill(lang, &[("step", &v.next_step), ("date", &date)])));
            }
        }
        // Every field its form has that is not blank, as the form shows it.
        Activity::Event => {
            let Some(e) = d.events.get(i) else { return out };
            let fields = crate::tui::editors::event::binds().shown(e, app);
            out.extend(fields.iter().filter(|(_, _, blank)| !blank).flat_map(|(t, v, _)| kv_lines(app.t(*t), v)));
        }
        Activity::Feedback => {
            let Some(f) = d.feedback.get(i) else { return out };
            let fields = crate::tui::editors::feedback::binds().shown(f, app);
            out.extend(fields.iter().filter(|(_, _, blank)| !blank).flat_map(|(t, v, _)| kv_lines(app.t(*t), v)));
        }
    }
    out
}

/// The account's change history, newest first, in words: the field's
/// label, money in yuan and the action in the user's language.
fn history_lines(app: &App, d: &Detail) -> Vec<Line<'static>> {
    let l = app.lang;
    d.history
        .iter()
        .map(|h| {
            let scores = h.field.as_deref() == Some("scores");
            let field = match h.field.as_deref() {
                _ if scores => app.t(T::ScorecardTitle).to_string(),
                Some(f) => field_label(&h.kind, f, l),
                None => String::new(),
            };
            let shown = |v: &str| match h.field.as_deref() {
                _ if scores => scores_text(app, v),
                Some(f) => value_text(&h.kind, f, v, l),
                None => v.to_string(),
            };
            let change = match (&h.old, &h.new) {
                (Some(o), Some(n)) => format!("{} → {}", shown(o), shown(n)),
                (None, Some(n)) => shown(n),
                (Some(o), None) => shown(o),
                (None, None) => String::new(),
            };
            let reason = if h.reason.is_empty() { String::new() } else { format!(" ({})", h.reason) };
            let at = h.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
            Line::from(format!("{at} {} {} {field} {change}{reason}", h.who, action_label(&h.action, l)))
        })
        .collect()
}

/// A logged scorecard (`[{"criterion":"market_leader","score":9},…]`) in
/// words: each criterion by its label in the rules file, then its score.
fn scores_text(app: &App, v: &str) -> String {
    let Ok(scores) = serde_json::from_str::<Vec<crate::model::Score>>(v) else { return v.to_string() };
    if scores.is_empty() {
        return app.t(T::NoBand).to_string();
    }
    let sep = app.t(T::ListSep);
    scores
        .iter()
        .map(|s| {
            let c = app.rules.abc.criteria.iter().find(|c| c.key == s.criterion);
            let label = c.map_or(s.criterion.as_str(), |c| if app.lang == kam_rules::Lang::Zh { &c.zh } else { &c.en });
            format!("{label} {}", s.score)
        })
        .collect::<Vec<_>>()
        .join(sep)
}

/// A field of the change log by its label: the one its form shows, else
/// the export's Chinese header for its table, or the key in words in English.
fn field_label(kind: &str, field: &str, lang: kam_rules::Lang) -> String {
    if let Some(t) = crate::tui::editors::field_label(kind, field) {
        return t.get(lang).to_string();
    }
    let table = crate::store::RecordKind::ALL.iter().find(|k| k.key() == kind).map(|k| k.table());
    let zh = table.and_then(|t| crate::i18n::column_zh_in(t, field)).or_else(|| crate::i18n::column_zh(field));
    match (lang, zh) {
        (kam_rules::Lang::Zh, Some(zh)) => zh.to_string(),
        _ => field.replace('_', " "),
    }
}

/// How each record kind's fields read to a person, from the export's
/// layouts (built once).
fn shown_of(kind: &str, field: &str) -> Option<crate::store::Shown> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static SHOWN: OnceLock<HashMap<(&'static str, &'static str), crate::store::Shown>> = OnceLock::new();
    let map = SHOWN.get_or_init(|| {
        crate::store::export_layouts()
            .into_iter()
            .filter(|l| l.child.is_none())
            .flat_map(|l| {
                let kind = l.kind.key();
                l.columns.into_iter().zip(l.shown).map(move |(c, s)| ((kind, c), s))
            })
            .collect()
    });
    map.get(&(kind, field)).copied()
}

/// Columns the change log holds in fen, when the kind does not say.
const MONEY_FIELDS: &[&str] = &[
    "amount",
    "net_amount",
    "credit_limit",
    "registered_capital",
    "planned_sales",
    "planned_collection",
    "expense_budget",
    "expense_actual",
];

/// A logged value as the user typed it: money in yuan (in 万 in Chinese
/// when it is whole 万, as `3000万`), yes and no, a choice by its label, a
/// rate as a percentage; the rest as stored.
fn value_text(kind: &str, field: &str, v: &str, lang: kam_rules::Lang) -> String {
    use crate::store::Shown;
    let shown = shown_of(kind, field).or_else(|| MONEY_FIELDS.contains(&field).then_some(Shown::Fen));
    match (shown, v.parse::<i64>()) {
        (Some(Shown::Fen), Ok(fen)) => {
            const WAN: i64 = 1_000_000; // fen in 1万 yuan
            if lang == kam_rules::Lang::Zh && fen != 0 && fen % WAN == 0 {
                format!("{}万", fen / WAN)
            } else {
                kam_rules::Money::from_fen(fen).grouped()
            }
        }
        (Some(Shown::Bool), Ok(0)) => T::No.get(lang).to_string(),
        (Some(Shown::Bool), Ok(1)) => T::Yes.get(lang).to_string(),
        (Some(Shown::Bp), Ok(bp)) => u32::try_from(bp)
            .ok()
            .filter(|bp| (1..=kam_rules::Rate::SCALE).contains(bp))
            .map_or_else(|| v.to_string(), |bp| kam_rules::Rate::from_bp(bp).to_string()),
        (Some(Shown::Choice(c)), _) => c.label(v, lang).map_or_else(|| v.to_string(), str::to_string),
        _ => v.to_string(),
    }
}

/// What the log's action word says in the user's language.
fn action_label(action: &str, lang: kam_rules::Lang) -> String {
    let t = match action {
        "insert" => T::HistInsert,
        "update" => T::HistUpdate,
        "delete" => T::HistDelete,
        "restore" => T::HistRestore,
        "purge" => T::HistPurge,
        "erase" => T::HistErase,
        "demo" => T::HistDemo,
        "export" => T::HistExport,
        "print" => T::HistPrint,
        _ => return action.to_string(),
    };
    t.get(lang).to_string()
}

/// The account's class by both methods of §4.3: its scorecard (with the
/// percentage) and its Pareto rank among all accounts.
fn class_text(app: &App, d: &Detail) -> String {
    let l = app.lang;
    let card = kam_rules::abc::scorecard(&app.rules, &d.account.score_map()).map_or_else(
        || app.t(T::ClassNoScores).to_string(),
        |s| T::ClassScorecard.fill(l, &[("class", s.class.label(l)), ("pct", &format!("{:.1}", s.percent()))]),
    );
    match d.pareto {
        Some(p) => format!("{card} · {}", T::ClassPareto.fill(l, &[("class", p.label(l))])),
        None => card,
    }
}
