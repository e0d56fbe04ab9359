//! Tab 5: the rep's day — the sections on the left, the pictures on the
//! right (tier and A/B/C counts, orders, collections and visits over time,
//! today's changes and the day-end export). The evaluation view, opened
//! with `v`, takes the whole body (`screens/evaluation.rs`).

use kam_rules::{AbcClass, Labeled, Tier};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline};
use ratatui::Frame;

use super::{fit, fit_ellipsis};
use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::today::{kind_label, lines, Target, TodayLine};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    if app.day.eval.is_some() {
        super::evaluation::draw(app, frame, area);
        return;
    }
    let side = if area.width >= 110 { 44 } else { 34 }.min(area.width / 2);
    let [list, pictures] = Layout::horizontal([Constraint::Min(0), Constraint::Length(side)]).areas(area);
    draw_sections(app, frame, list);
    draw_pictures(app, frame, pictures);
}

fn draw_sections(app: &App, frame: &mut Frame, area: Rect) {
    let title = if app.day.loading {
        format!(" {} · {} · {} ", app.t(T::TabToday), app.today, app.t(T::TodayLoading))
    } else {
        format!(" {} · {} ", app.t(T::TabToday), app.today)
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let all = lines(app);
    if all.is_empty() {
        let text = if app.day.loading { T::TodayLoading } else { T::TodayNothing };
        frame.render_widget(Paragraph::new(app.t(text)), inner);
        return;
    }
    // The selected row is the n-th row that opens something.
    let selected_line =
        all.iter().enumerate().filter(|(_, l)| l.target().is_some()).nth(app.day.selected).map(|(i, _)| i);
    let height = usize::from(inner.height);
    let offset = selected_line.map_or(0, |s| (s + 1).saturating_sub(height));
    let width = usize::from(inner.width);
    let shown: Vec<Line> = all
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .map(|(i, l)| match l {
            TodayLine::Header { title, count } => Line::from(Span::styled(
                fit(&fit_ellipsis(&format!("{} ({count})", app.t(*title)), width), width),
                Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            )),
            TodayLine::Item { text, target } => {
                let style = if Some(i) == selected_line {
                    Style::default().add_modifier(Modifier::REVERSED)
                } else if matches!(target, None | Some(Target::More(_))) {
                    Style::default().fg(Color::DarkGray)
                } else {
                    Style::default()
                };
                // Cut with … on a narrow screen, never silently inside a word.
                Line::from(Span::styled(fit(&fit_ellipsis(&format!("  {text}"), width), width), style))
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

fn draw_pictures(app: &App, frame: &mut Frame, area: Rect) {
    // Tiers, scorecard classes (and the unscored) and Pareto classes; a
    // short screen drops the unscored bar and the gaps to keep the day's
    // changes and the export key in view.
    let roomy = area.height >= 26;
    let bars_h = if roomy { 14 } else { 11 };
    let [bars, trends, changes] =
        Layout::vertical([Constraint::Length(bars_h), Constraint::Length(5), Constraint::Min(3)]).areas(area);
    let Some(d) = app.day.data.as_deref() else {
        draw_changes(app, frame, changes);
        return;
    };
    let l = app.lang;
    let bar = |label: &str, n: u64, color: Color| {
        Bar::default().value(n).label(Line::from(label.to_string())).text_value(n.to_string()).style(color)
    };
    let tiers: Vec<Bar> = [Tier::Silver, Tier::Gold, Tier::Platinum]
        .iter()
        .zip(d.tiers)
        .map(|(t, n)| bar(t.label(l), n, Color::Yellow))
        .collect();
    let abc: Vec<Bar> = [AbcClass::A, AbcClass::B, AbcClass::C]
        .iter()
        .map(|c| T::TodayCardBar.fill(l, &[("class", c.label(l))]))
        .chain(roomy.then(|| app.t(T::TodayNothing).to_string()))
        .zip(d.abc)
        .map(|(label, n)| bar(&label, n, Color::Green))
        .collect();
    let pareto: Vec<Bar> = [AbcClass::A, AbcClass::B, AbcClass::C]
        .iter()
        .zip(d.pareto)
        .map(|(c, n)| bar(&T::TodayParetoBar.fill(l, &[("class", c.label(l))]), n, Color::Cyan))
        .collect();
    let chart = BarChart::grouped([BarGroup::new(tiers), BarGroup::new(abc), BarGroup::new(pareto)])
        .block(Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(T::TodayChartTiers))))
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .group_gap(u16::from(roomy))
        .value_style(Style::default().fg(Color::Black).bg(Color::Gray));
    frame.render_widget(chart, bars);

    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(T::TodayChartMonths)));
    let inner = block.inner(trends);
    frame.render_widget(block, trends);
    // Chinese counts money in 万 (10,000 yuan), English in thousands.
    let unit = match l {
        kam_rules::Lang::Zh => 1_000_000.0,
        kam_rules::Lang::En => 100_000.0,
    };
    // One decimal below ten units (4.5 万, not 5 万).
    let wan = |fen: i64| {
        let n = fen as f64 / unit;
        let n = if n.abs() < 10.0 { format!("{n:.1}").trim_end_matches(".0").to_string() } else { format!("{n:.0}") };
        T::TodayWan.fill(l, &[("n", &n)])
    };
    let orders: Vec<u64> = d.months.iter().map(|m| u64::try_from(m.orders.fen()).unwrap_or(0)).collect();
    let collected: Vec<u64> = d.months.iter().map(|m| u64::try_from(m.collected.fen()).unwrap_or(0)).collect();
    let last = d.months.last();
    let rows = [
        (T::TodayOrders, orders, last.map_or_else(String::new, |m| wan(m.orders.fen()))),
        (T::TodayCollected, collected, last.map_or_else(String::new, |m| wan(m.collected.fen()))),
        (T::TodayChartVisits, d.weekly_visits.clone(), d.weekly_visits.last().map_or_else(String::new, u64::to_string)),
    ];
    let label_w = rows.iter().map(|(t, _, _)| unicode_width::UnicodeWidthStr::width(app.t(*t))).max().unwrap_or(0);
    let value_w = rows.iter().map(|(_, _, v)| unicode_width::UnicodeWidthStr::width(v.as_str())).max().unwrap_or(0);
    for (i, (label, values, latest)) in rows.into_iter().enumerate() {
        let y = inner.y + u16::try_from(i).unwrap_or(0);
        if y >= inner.bottom() {
            break;
        }
        let row = Rect { y, height: 1, ..inner };
        let lw = u16::try_from(label_w + 1).unwrap_or(0);
        // The figure is never cut: the sparkline gives way on a narrow panel.
        let vw = u16::try_from(value_w + 1).unwrap_or(u16::MAX);
        let sw = row.width.saturating_sub(lw).saturating_sub(vw).min(12);
        let [name, spark, value] =
            Layout::horizontal([Constraint::Length(lw), Constraint::Length(sw), Constraint::Min(0)]).areas(row);
        frame.render_widget(Paragraph::new(fit(app.t(label), label_w)), name);
        frame.render_widget(Sparkline::default().data(&values).style(Style::default().fg(Color::Cyan)), spark);
        frame.render_widget(Paragraph::new(format!(" {latest}")), value);
    }
    draw_changes(app, frame, changes);
}

fn draw_changes(app: &App, frame: &mut Frame, area: Rect) {
    let l = app.lang;
    let block = Block::default().borders(Borders::ALL).title(format!(" {} ", app.t(T::TodaySecChanges)));
    let mut text: Vec<Line> = Vec::new();
    if let Some(d) = app.day.data.as_deref() {
        let today: Vec<String> = d
            .changed_today
            .iter()
            .map(|(k, n)| format!("{} {n}", kind_label(k).map_or(k.as_str(), |t| t.get(l))))
            .collect();
        text.push(Line::from(if today.is_empty() { app.t(T::TodayNothing).to_string() } else { today.join(" · ") }));
        text.push(Line::from(T::TodaySinceExport.fill(l, &[("n", &d.changed_since_export.to_string())])));
        text.push(Line::from(Span::styled(
            d.last_export.map_or_else(
                || app.t(T::TodayNeverExported).to_string(),
                |at| {
                    let local = at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string();
                    T::TodayLastExport.fill(l, &[("at", &local)])
                },
            ),
            Style::default().fg(Color::DarkGray),
        )));
    }
    if app.day.exporting {
        text.push(Line::from(app.t(T::TodayExporting)));
    } else if let Some((dir, files)) = &app.day.exported {
        let total: u64 = files.iter().map(|(_, n)| n).sum();
        text.push(Line::from(Span::styled(
            T::TodayExported.fill(l, &[("dir", &dir.display().to_string()), ("rows", &total.to_string())]),
            Style::default().fg(Color::Green),
        )));
        for (file, n) in files {
            text.push(Line::from(format!("  {file} {n}")));
        }
    } else {
        text.push(Line::from(Span::styled(
            format!("x {}", app.t(T::KTodayExport)),
            Style::default().fg(Color::DarkGray),
        )));
    }
    frame.render_widget(super::wrapped(text, Some(block), area), area);
}

/// The keys of this tab for the `?` overlay.
pub fn help_keys(app: &App) -> Vec<(&'static str, T)> {
    use crate::tui::keymap::{help, GLOBAL, NAV};
    use crate::tui::today::{EVAL_KEYS, TODAY_KEYS};
    if app.day.eval.is_some() {
        // The evaluation's `q` goes back: only the tab numbers of NAV.
        return help(EVAL_KEYS).chain(help(&NAV[..1])).chain(help(GLOBAL)).collect();
    }
    help(TODAY_KEYS).chain(help(NAV)).chain(help(GLOBAL)).collect()
}
