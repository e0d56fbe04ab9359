//! Tabs 2 and 3: the call plan and presentation lists and their editor.

use kam_rules::{Labeled, SocialStyle};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::accounts::highlight;
use super::fit;
use super::popups::draw_fields;
use crate::i18n::T;
use crate::tui::app::{App, Tab};
use crate::tui::plans::{PlanEditor, PlanList, PlanView};
use crate::tui::widgets::form::Field;

const W_DATE: usize = 11;
const W_TIME: usize = 6;
const W_STATUS: usize = 9;
const W_CHECKS: usize = 7;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(list) = app.plans.list(app.tab) else { return };
    match &list.editor {
        Some(ed) => draw_editor(app, ed, frame, area),
        None => draw_list(app, list, frame, area),
    }
}

fn draw_list(app: &App, l: &PlanList, frame: &mut Frame, area: Rect) {
    let title = app.t(if app.tab == Tab::Presentations { T::TabPresentations } else { T::TabCallPlans });
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 10 {
        return;
    }
    let [views, bar, head, rows] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)])
            .areas(inner);
    let mut spans = Vec::new();
    for v in PlanView::ALL {
        let style = if v == l.view {
            Style::default().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(Color::DarkGray)
        };
        spans.push(Span::styled(format!(" {} ", app.t(v.label())), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(format!("({})", l.shown.len()), Style::default().fg(Color::DarkGray)));
    frame.render_widget(Paragraph::new(Line::from(spans)), views);

    let label = format!("/ {} ", app.t(T::Filter));
    let lw = unicode_width::UnicodeWidthStr::width(label.as_str()) as u16;
    let [label_area, input_area] = Layout::horizontal([Constraint::Length(lw), Constraint::Min(0)]).areas(bar);
    let label_style = if l.filtering { Style::default().fg(Color::Cyan) } else { Style::default().fg(Color::DarkGray) };
    frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
    l.filter.render(frame, input_area, Style::default().fg(Color::White), l.filtering);

    let width = usize::from(inner.width);
    let fixed = W_DATE + W_TIME + W_STATUS + W_CHECKS;
    let rest = width.saturating_sub(fixed);
    let account_w = rest * 3 / 5;
    let opp_w = rest - account_w;
    let header = fit(app.t(T::HPlanDate), W_DATE)
        + &fit(app.t(T::HPlanTime), W_TIME)
        + &fit(app.t(T::HPlanAccount), account_w)
        + &fit(app.t(T::HPlanOpportunity), opp_w)
        + &fit(app.t(T::HPlanStatus), W_STATUS)
        + &fit(app.t(T::HPlanChecks), W_CHECKS);
    frame.render_widget(
        Paragraph::new(Span::styled(header, Style::default().add_modifier(Modifier::BOLD).fg(Color::Cyan))),
        head,
    );
    if l.shown.is_empty() {
        let t = if l.loading { T::TodayLoading } else { T::PlansEmpty };
        frame.render_widget(super::wrapped(app.t(t), None, rows), rows);
        return;
    }
    let filter = l.filter.value().trim();
    let mut lines = Vec::new();
    // Virtualised: only the rows on screen are built.
    for (pos, &i) in l.shown.iter().enumerate().skip(l.offset).take(usize::from(rows.height)) {
        let Some(r) = l.rows.get(i) else { continue };
        let selected = pos == l.selected;
        let base = if selected { Style::default().bg(Color::DarkGray) } else { Style::default() };
        let past_due = !r.done && r.date.is_some_and(|d| d < app.today);
        let status = if r.done {
            app.t(T::ViewDone)
        } else if past_due {
            app.t(T::PlanStatusPastDue)
        } else {
            app.t(T::ViewUpcoming)
        };
        let status_style = if past_due { base.fg(Color::Red) } else { base };
        let checks =
            l.warnings.get(&r.id).map_or_else(String::new, |n| if *n == 0 { "✓".into() } else { format!("⚠ {n}") });
        let checks_style = if l.warnings.get(&r.id).is_some_and(|n| *n > 0) { base.fg(Color::Yellow) } else { base };
        let mut spans = vec![
            Span::styled(fit(&r.date.map(|d| d.to_string()).unwrap_or_default(), W_DATE), base),
            Span::styled(fit(&r.time.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(), W_TIME), base),
        ];
        // The account name with the filter's match highlighted, padded to its column.
        let name = fit(&r.account, account_w.saturating_sub(1));
        spans.extend(highlight(&name, filter, base));
        let pad = account_w.saturating_sub(unicode_width::UnicodeWidthStr::width(name.as_str()));
        spans.push(Span::styled(" ".repeat(pad), base));
        spans.push(Span::styled(fit(&r.opportunity, opp_w), base));
        spans.push(Span::styled(fit(status, W_STATUS), status_style));
        spans.push(Span::styled(fit(&checks, W_CHECKS), checks_style));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), rows);
}

fn draw_editor(app: &App, ed: &PlanEditor, frame: &mut Frame, area: Rect) {
    let title = format!(" {} · {} ", app.t(ed.form.title), ed.account);
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height < 3 || inner.width < 16 {
        return;
    }
    let mut tail: Vec<Line> = Vec::new();
    if let Some(m) = &ed.message {
        tail.push(Line::from(Span::styled(m.clone(), Style::default().fg(Color::Green))));
    }
    if let Some(e) = &ed.error {
        tail.push(Line::from(Span::styled(e.clone(), Style::default().fg(Color::Red))));
    }
    let mut tail = super::wrap_lines(tail, inner.width);
    // The keys break only between their parts: at 80 columns the last
    // line had been cut inside a word ("Ctrl-P 打").
    let grey = Style::default().fg(Color::DarkGray);
    if ed.confirm_drop {
        tail.extend(super::wrap_lines([Line::from(Span::styled(app.t(T::ConfirmDrop), grey))], inner.width));
    } else {
        let keys = super::hint_lines(app.t(T::PlanEditorKeys), usize::from(inner.width));
        tail.extend(keys.into_iter().map(|k| Line::from(Span::styled(k, grey))));
    }
    let tail_h = u16::try_from(tail.len()).unwrap_or(1).min(inner.height / 2);
    let [body, foot] = Layout::vertical([Constraint::Min(0), Constraint::Length(tail_h)]).areas(inner);
    frame.render_widget(Paragraph::new(tail), foot);

    // The checks beside the form when there is room, else in a strip below it.
    let wide = body.width >= 100;
    let check_lines = checks(app, ed);
    let (form_area, checks_area) = if wide {
        let [f, c] = Layout::horizontal([Constraint::Min(0), Constraint::Length(34)]).areas(body);
        (f, c)
    } else {
        let wrapped = super::wrap_lines(check_lines.clone(), body.width).len();
        let h = u16::try_from(wrapped + 1).unwrap_or(1).min(body.height / 3).max(1);
        let [f, c] = Layout::vertical([Constraint::Min(0), Constraint::Length(h)]).areas(body);
        (f, c)
    };
    let side = |f: &Field| side_note(app, ed, f);
    draw_fields(app, &ed.form, frame, form_area, &side);
    let block = if wide { Block::default().borders(Borders::LEFT) } else { Block::default().borders(Borders::TOP) };
    let block = block.title(Span::styled(app.t(T::PlanChecks), Style::default().fg(Color::Yellow)));
    let inner = block.inner(checks_area);
    frame.render_widget(block, checks_area);
    frame.render_widget(Paragraph::new(super::wrap_lines(check_lines, inner.width)), inner);
}

fn checks(app: &App, ed: &PlanEditor) -> Vec<Line<'static>> {
    if ed.warnings.is_empty() {
        return vec![Line::from(Span::styled(
            format!("✓ {}", app.t(T::PlanChecksNone)),
            Style::default().fg(Color::Green),
        ))];
    }
    ed.warnings
        .iter()
        // A no-break space keeps the mark on the message's first line when it wraps.
        .map(|w| {
            Line::from(Span::styled(format!("⚠\u{a0}{}", w.message(app.lang)), Style::default().fg(Color::Yellow)))
        })
        .collect()
}

/// Beside a participant's contact: buying role, alliance status and the
/// social-style advice; beside the status: what finishing does.
fn side_note(app: &App, ed: &PlanEditor, f: &Field) -> Option<Span<'static>> {
    let lang = app.lang;
    match f.key {
        "contact_id" => {
            let id = f.value();
            let c = ed.ctx.contacts.iter().find(|c| c.meta.id.as_str() == id)?;
            let mut parts = vec![
                c.buying_role.map_or_else(|| app.t(T::Nobody).to_string(), |r| r.label(lang).to_string()),
                c.alliance().label(lang).to_string(),
            ];
            if let Some(s) = c.social_style {
                parts.push(SocialStyle::advice(s, lang).to_string());
            }
            Some(Span::styled(parts.join(" · "), Style::default().fg(Color::Green)))
        }
        "status" if !ed.was_done => {
            let kind = ed.collect(app.today);
            let kind = match kind {
                crate::tui::plans::Plan::Call(p) if p.location.trim().is_empty() => crate::model::VisitKind::Phone,
                _ => crate::model::VisitKind::Visit,
            };
            Some(Span::styled(
                T::PlanDoneLogs.fill(lang, &[("kind", kind.label(lang))]),
                Style::default().fg(Color::DarkGray),
            ))
        }
        _ => None,
    }
}

/// The keys of these tabs for the `?` overlay.
pub fn help_keys(app: &App) -> Vec<(&'static str, T)> {
    use crate::tui::keymap::{help, GLOBAL, NAV, PLAN_FORM_KEYS, QUIT};
    let editing = app.plans.list(app.tab).is_some_and(|l| l.editor.is_some());
    if editing {
        return help(PLAN_FORM_KEYS).chain(help(QUIT)).collect();
    }
    help(crate::tui::plans::PLAN_LIST_KEYS).chain(help(NAV)).chain(help(GLOBAL)).collect()
}
