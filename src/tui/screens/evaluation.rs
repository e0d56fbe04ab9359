//! The evaluation view (DESIGN §4.9), opened from the Today tab with `v`:
//! every KPI with the inputs it came from (or why it is missing), the
//! supervisor's scores, the targets, the weighted score and the grade.

use kam_rules::Labeled;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::i18n::T;
use crate::tui::app::App;
use crate::tui::today::{kpi_value, missing_text, money_text, score_text};

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(v) = app.day.eval.as_ref() else { return };
    let l = app.lang;
    let title = T::EvalTitle.fill(l, &[("rep", v.rep()), ("period", &v.period.to_string())]);
    let block = Block::default().borders(Borders::ALL).title(format!(" {title} "));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (Some(e), Some(input)) = (v.eval.as_ref(), v.input.as_ref()) else {
        frame.render_widget(Paragraph::new(app.t(T::TodayLoading)), inner);
        return;
    };
    let rows_h = u16::try_from(e.kpis.len() + 1).unwrap_or(u16::MAX);
    let [table_area, text_area] = Layout::vertical([Constraint::Length(rows_h), Constraint::Min(0)]).areas(inner);

    let header = Row::new([T::EvalKpi, T::EvalValue, T::EvalPoints, T::EvalInputs].map(|t| Cell::from(app.t(t))))
        .style(Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD));
    let rows = e.kpis.iter().map(|k| {
        let points = k.points.map_or_else(|| "—".to_string(), |p| format!("{p:.1}"));
        let why = match &k.missing {
            Some(m) => Cell::from(Span::styled(m.clone(), Style::default().fg(Color::Yellow))),
            None => Cell::from(k.inputs.clone()),
        };
        Row::new([
            Cell::from(k.kpi.label(l)),
            Cell::from(kpi_value(k.kpi, k.value)),
            Cell::from(format!("{points}/{}", k.weight)),
            why,
        ])
    });
    let widths = [Constraint::Length(16), Constraint::Length(8), Constraint::Length(8), Constraint::Min(10)];
    frame.render_widget(Table::new(rows, widths).header(header).column_spacing(1), table_area);

    let mut sup =
        T::ReportSupervisor.fill(l, &[("ability", &score_text(e.ability)), ("attitude", &score_text(e.attitude))]);
    if let Some(who) = &v.scorer {
        sup = format!("{sup} · {who}");
    }
    let targets = T::EvalTargets.fill(
        l,
        &[
            ("sales", &money_text(input.planned_sales, l)),
            ("collection", &money_text(input.planned_collection, l)),
            ("actual", &money_text(input.expense_actual, l)),
            ("budget", &money_text(input.expense_budget, l)),
        ],
    );
    let total = match (e.score, e.grade) {
        (Some(s), Some(g)) => T::EvalTotal.fill(l, &[("score", &format!("{s:.1}")), ("grade", g.label(l))]),
        // Under half the weight scored: the score, said to be partial, no grade (§4.9).
        (Some(s), None) => T::EvalScoreNoGrade.fill(
            l,
            &[
                ("score", &format!("{s:.1}")),
                ("scored", &e.scored_weight.to_string()),
                ("total", &e.total_weight.to_string()),
            ],
        ),
        (None, _) => app.t(T::EvalNoScore).to_string(),
    };
    let mut text = vec![
        Line::from(""),
        Line::from(sup),
        Line::from(targets),
        Line::from(Span::styled(total, Style::default().add_modifier(Modifier::BOLD))),
    ];
    // A running period is graded so far, and says so.
    if let Some((day, days)) = v.period.progress(app.today) {
        text.push(Line::from(Span::styled(
            T::ReportInProgress.fill(l, &[("day", &day.to_string()), ("days", &days.to_string())]),
            Style::default().fg(Color::Yellow),
        )));
    }
    if e.scored_weight < e.total_weight {
        text.push(Line::from(Span::styled(
            T::ReportPartial.fill(
                l,
                &[
                    ("scored", &e.scored_weight.to_string()),
                    ("total", &e.total_weight.to_string()),
                    ("missing", &missing_text(&e.missing, l)),
                ],
            ),
            Style::default().fg(Color::Yellow),
        )));
    }
    text.push(Line::from(T::ReportDue.fill(l, &[("due", &v.period.due().to_string())])));
    text.push(Line::from(Span::styled(app.t(T::EvalKeys), Style::default().fg(Color::DarkGray))));
    frame.render_widget(Paragraph::new(super::wrap_lines(text, text_area.width)), text_area);
}
