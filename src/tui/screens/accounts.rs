//! The Accounts tab: the account list and an account's detail.

use kam_rules::{Labeled, Lang};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, List, ListItem, ListState, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::i18n::{column_label, T};
use crate::model::ArchiveCategory;
use crate::store::{record_cells, AccountRow};
use crate::tui::app::{App, Detail, Section};

pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    match &app.detail {
        Some(d) => detail(app, d, frame, area),
        None => list(app, frame, area),
    }
}

/// Rows the list can show in `area` (the table header and filter line aside).
pub fn list_height(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(4))
}

fn tier_text(r: &AccountRow, lang: Lang) -> String {
    let mark = if r.tier.downgraded {
        "↓"
    } else if r.tier.overridden.is_some() {
        "*"
    } else {
        ""
    };
    format!("{}{mark}", r.tier.tier.label(lang))
}

fn flags(r: &AccountRow, lang: Lang) -> String {
    let mut f = Vec::new();
    if r.cadence.visit_overdue_by.is_some() {
        f.push(T::FlagVisit.get(lang));
    }
    if r.cadence.contact_overdue_by.is_some() {
        f.push(T::FlagContact.get(lang));
    }
    if r.receivable_overdue {
        f.push(T::FlagReceivable.get(lang));
    }
    f.join(" ")
}

/// The name with the characters the filter matched in bold yellow.
fn highlighted(name: &str, hits: &[u32]) -> Line<'static> {
    if hits.is_empty() {
        return Line::from(name.to_string());
    }
    let hit = Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    Line::from(
        name.chars()
            .enumerate()
            .map(|(i, c)| {
                let on = u32::try_from(i).is_ok_and(|i| hits.contains(&i));
                Span::styled(c.to_string(), if on { hit } else { Style::default() })
            })
            .collect::<Vec<_>>(),
    )
}

fn list(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let l = app.lang;
    let [filter_area, table_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let f = &app.list.filter;
    let prompt = format!("{}: ", T::FilterPrompt.get(l));
    let style = if app.list.filtering { Style::default().fg(Color::Yellow) } else { Style::default().fg(Color::Gray) };
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::styled(prompt.clone(), style), Span::raw(f.value().to_string())])),
        filter_area,
    );
    if app.list.filtering && app.popup.is_none() {
        let x = filter_area.x + u16::try_from(prompt.width() + f.visual_cursor()).unwrap_or(0);
        frame.set_cursor_position((x.min(filter_area.right().saturating_sub(1)), filter_area.y));
    }
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} ({}{}) ",
        T::TabAccounts.get(l),
        app.list.rows.len(),
        if app.list.next.is_some() { "+" } else { "" }
    ));
    if app.list.rows.is_empty() {
        let empty = if f.value().is_empty() { T::NoAccounts } else { T::NoMatch };
        frame.render_widget(Paragraph::new(empty.get(l)).block(block), table_area);
        return;
    }
    let height = list_height(area);
    let start = app.list.offset.min(app.list.rows.len().saturating_sub(1));
    // Only the rows on screen are built: the list costs the same at 100 or 100,000 accounts.
    let rows = app.list.rows.iter().enumerate().skip(start).take(height).map(|(i, r)| {
        let hits = app.list.highlights.get(i).map_or(&[][..], Vec::as_slice);
        let tier_style = if r.tier.downgraded { Style::default().fg(Color::Red) } else { Style::default() };
        let flag_style = Style::default().fg(Color::Red);
        Row::new(vec![
            Cell::from(highlighted(&r.name, hits)),
            Cell::from(Span::styled(tier_text(r, l), tier_style)),
            Cell::from(r.abc.map_or("—", |c| c.key()).to_uppercase()),
            Cell::from(Line::from(r.annual.grouped()).right_aligned()),
            Cell::from(r.owner.clone()),
            Cell::from(r.last_contact.map_or_else(|| "—".to_string(), |d| d.to_string())),
            Cell::from(Span::styled(flags(r, l), flag_style)),
        ])
        .style(if i == app.list.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        })
    });
    let header = Row::new(
        [T::ColName, T::ColTier, T::ColAbc, T::ColAnnual, T::ColOwner, T::ColLastContact, T::ColFlags]
            .map(|t| t.get(l)),
    )
    .style(Style::default().add_modifier(Modifier::BOLD));
    let widths = [
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Length(4),
        Constraint::Length(14),
        Constraint::Length(8),
        Constraint::Length(10),
        Constraint::Fill(1),
    ];
    frame.render_widget(Table::new(rows, widths).header(header).block(block).column_spacing(1), table_area);
}

fn detail(app: &App, d: &Detail, frame: &mut Frame<'_>, area: Rect) {
    let l = app.lang;
    let [left, right] = Layout::horizontal([Constraint::Length(20), Constraint::Min(10)]).areas(area);
    let items: Vec<ListItem<'_>> = Section::ALL.iter().map(|s| ListItem::new(s.title().get(l))).collect();
    let mut state = ListState::default().with_selected(Section::ALL.iter().position(|s| *s == d.section));
    frame.render_stateful_widget(
        List::new(items)
            .block(Block::default().borders(Borders::ALL).title(format!(" {} ", d.account.name)))
            .highlight_style(Style::default().add_modifier(Modifier::REVERSED)),
        left,
        &mut state,
    );
    let lines = section_lines(app, d);
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", d.section.title().get(l)));
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }).scroll((d.scroll, 0)), right);
}

fn kv(label: &str, value: String) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label}: "), Style::default().fg(Color::Gray)), Span::raw(value)])
}

fn none_line(lang: Lang) -> Line<'static> {
    Line::from(Span::styled(T::NoneYet.get(lang), Style::default().fg(Color::Gray)))
}

fn section_lines(app: &App, d: &Detail) -> Vec<Line<'static>> {
    let l = app.lang;
    let mut out = Vec::new();
    match d.section {
        Section::Company => {
            for (col, value) in record_cells(&d.account) {
                if !value.is_empty() && col != "tier_override" {
                    out.push(kv(&column_label(col, l), value));
                }
            }
            if let Some(r) = &d.row {
                out.push(kv(T::TierReason.get(l), r.tier.reason(&app.rules, l)));
            }
        }
        Section::Contacts => {
            if d.contacts.is_empty() {
                out.push(none_line(l));
            }
            for (i, c) in d.contacts.iter().enumerate() {
                let role = c.buying_role.map_or("—", |r| r.label(l));
                let style =
                    if i == d.selected { Style::default().add_modifier(Modifier::REVERSED) } else { Style::default() };
                out.push(Line::from(Span::styled(
                    format!("{} · {} · {} · {}", c.name, c.title, role, c.alliance().label(l)),
                    style,
                )));
                if i == d.selected {
                    if let Some(s) = c.social_style {
                        out.push(kv(&format!("  {}", s.label(l)), s.advice(l).to_string()));
                    }
                    if !c.phone.is_empty() {
                        out.push(kv(&format!("  {}", column_label("phone", l)), c.phone.clone()));
                    }
                    if let Some(boss) =
                        c.reports_to.as_ref().and_then(|id| d.contacts.iter().find(|o| &o.meta.id == id))
                    {
                        out.push(kv(&format!("  {}", column_label("reports_to", l)), boss.name.clone()));
                    }
                    if !c.political_strategy.is_empty() {
                        out.push(kv(
                            &format!("  {}", column_label("political_strategy", l)),
                            c.political_strategy.clone(),
                        ));
                    }
                }
            }
        }
        Section::Orders => {
            if let Some(r) = &d.row {
                out.push(kv(T::TierReason.get(l), r.tier.reason(&app.rules, l)));
            }
            if d.orders.is_empty() {
                out.push(none_line(l));
            }
            for o in &d.orders {
                let rate = o.discount_rate.map_or_else(|| "1.00".to_string(), |r| r.to_string());
                let due = o.due_date.map(|d| format!(" · {} {d}", column_label("due_date", l))).unwrap_or_default();
                out.push(Line::from(format!(
                    "{} · {} · {} · {} · {} · {} {}{due}",
                    o.date,
                    o.amount.grouped(),
                    o.payment.label(l),
                    rate,
                    o.net_amount.grouped(),
                    T::Outstanding.get(l),
                    o.outstanding().grouped()
                )));
            }
        }
        Section::Visits => {
            if d.visits.is_empty() {
                out.push(none_line(l));
            }
            for v in &d.visits {
                out.push(Line::from(format!(
                    "{} · {} · {} · {} · {}",
                    v.date,
                    v.kind.label(l),
                    v.by,
                    v.purpose,
                    v.summary
                )));
            }
        }
        Section::Events => {
            if d.events.is_empty() && d.feedback.is_empty() {
                out.push(none_line(l));
            }
            for e in &d.events {
                out.push(Line::from(format!("{} · {} · {} · {}", e.date, e.kind, e.description, e.follow_up)));
            }
            for f in &d.feedback {
                let sat = f.satisfaction.map_or_else(|| "—".to_string(), |s| format!("{s}/5"));
                out.push(Line::from(format!("{} · {} · {sat} · {}", f.date, f.from_whom, f.content)));
            }
        }
        Section::Archive => {
            for cat in ArchiveCategory::ALL {
                let entries: Vec<_> = d.account.archive.iter().filter(|e| e.category == *cat).collect();
                out.push(Line::from(Span::styled(
                    cat.label(l).to_string(),
                    Style::default().add_modifier(Modifier::BOLD),
                )));
                if entries.is_empty() {
                    out.push(none_line(l));
                }
                for e in entries {
                    let date = e.date.map(|d| d.to_string()).unwrap_or_default();
                    out.push(Line::from(format!("  {date} {} · {}", e.title, e.content)));
                }
            }
        }
        Section::History => {
            if d.history.is_empty() {
                out.push(none_line(l));
            }
            for h in d.history.iter().rev() {
                let field = h.field.clone().unwrap_or_default();
                out.push(Line::from(format!(
                    "{} · {} · {} {field}: {} → {} {}",
                    h.at.format("%Y-%m-%d %H:%M"),
                    h.who,
                    h.action,
                    h.old.clone().unwrap_or_default(),
                    h.new.clone().unwrap_or_default(),
                    h.reason
                )));
            }
        }
    }
    out
}
