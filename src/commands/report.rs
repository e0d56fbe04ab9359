//! `kam report [--period P] [--rep NAME] [--json]`: each rep's evaluation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kam_rules::evaluation::{evaluate, Evaluation, Grade, Period};
use kam_rules::Labeled;
use serde::Serialize;

use super::{print_json, Ctx, Failure};
use crate::cli::ReportArgs;
use crate::evaluation_text::{kpi_value, missing_text, scorer_text};
use crate::i18n::T;
use crate::store::Store;
use crate::width::pad;

/// `--json` (DESIGN §5): keys `period`, `rep`, `kpis`, `score`, `grade`, plus
/// what was missing and each KPI's inputs so a rep can check it.
#[derive(Serialize)]
struct ReportJson {
    period: String,
    rep: String,
    kpis: BTreeMap<&'static str, Option<f64>>,
    score: Option<f64>,
    grade: Option<Grade>,
    missing: Vec<String>,
    inputs: BTreeMap<&'static str, String>,
    /// `{"day": 4, "days": 31}` while the period runs, else null.
    in_progress: Option<BTreeMap<&'static str, u32>>,
    /// Each KPI's points out of its weight.
    points: BTreeMap<&'static str, Option<f64>>,
}

fn json_of(period: Period, today: NaiveDate, rep: &str, e: &Evaluation) -> ReportJson {
    ReportJson {
        period: period.to_string(),
        rep: rep.to_string(),
        kpis: e.kpis.iter().map(|k| (k.kpi.key(), k.value.map(|v| (v * 10_000.0).round() / 10_000.0))).collect(),
        score: e.score,
        grade: e.grade,
        missing: e.missing.clone(),
        inputs: e.kpis.iter().filter(|k| !k.inputs.is_empty()).map(|k| (k.kpi.key(), k.inputs.clone())).collect(),
        in_progress: period.progress(today).map(|(day, days)| BTreeMap::from([("day", day), ("days", days)])),
        points: e.kpis.iter().map(|k| (k.kpi.key(), k.points.map(|p| (p * 100.0).round() / 100.0))).collect(),
    }
}

pub fn run(ctx: &Ctx, store: &Store, args: &ReportArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    // Read once: a clock that moves on could cross midnight between reads.
    let today = store.clock().today();
    let period = match &args.period {
        Some(p) => Period::parse(p).map_err(|e| Failure::usage(format!("--period: {}", e.message(ctx.lang))))?,
        None => Period::month_of(today),
    };
    let reps = match &args.rep {
        Some(r) => {
            if !store.is_rep(r).map_err(|e| Failure::failed(e.to_string()))? {
                let known = store.reps().map_err(|e| Failure::failed(e.to_string()))?;
                let known = if known.is_empty() { "—".to_string() } else { known.join(l.pick("、", ", ")) };
                return Err(Failure::usage(T::ReportUnknownRep.fill(l, &[("rep", r), ("known", &known)])));
            }
            vec![r.clone()]
        }
        None => store.reps().map_err(|e| Failure::failed(e.to_string()))?,
    };
    if reps.is_empty() {
        return Err(Failure::failed(T::ReportNoReps.get(l)));
    }
    let mut out = Vec::new();
    for rep in &reps {
        let input =
            store.evaluation_input(&ctx.rules, rep, period, today).map_err(|e| Failure::failed(e.to_string()))?;
        out.push((rep, evaluate(&ctx.rules, &input, l)));
    }
    if args.json {
        let all: Vec<ReportJson> = out.iter().map(|(r, e)| json_of(period, today, r, e)).collect();
        return if args.rep.is_some() { print_json(&all[0]) } else { print_json(&all) };
    }
    for (rep, e) in &out {
        let total = e.score.map_or_else(|| "—".to_string(), |s| format!("{s:.1}"));
        // Under half the weight scored there is no grade (§4.9, kam-rules' `gradable`).
        let grade = e.grade.map_or_else(|| T::ReportNoGrade.get(l), |g| g.label(l));
        crate::say!(
            "{}",
            T::ReportHeader
                .fill(l, &[("rep", rep), ("period", &period.to_string()), ("score", &total), ("grade", grade)])
        );
        if let Some((day, days)) = period.progress(today) {
            crate::say!("  {}", T::ReportInProgress.fill(l, &[("day", &day.to_string()), ("days", &days.to_string())]));
        }
        for k in &e.kpis {
            let value = kpi_value(k.kpi, k.value);
            let points = k.points.map_or_else(|| "—".to_string(), |p| format!("{p:.1}"));
            let why = k.missing.clone().unwrap_or_else(|| k.inputs.clone());
            // How the value became points: the rules' scale for this KPI.
            let scale = ctx.rules.evaluation.kpis.get(&k.kpi).map_or_else(String::new, |s| {
                let at = |v: f64| kpi_value(k.kpi, Some(v));
                format!(" ({})", T::ReportScale.fill(l, &[("zero", &at(s.zero)), ("full", &at(s.full))]))
            });
            crate::say!("  {} {value:>10}  {points:>5}/{:<3} {why}{scale}", pad(k.kpi.label(l), 18), k.weight);
        }
        let sup = |v: Option<u8>| v.map_or_else(|| "—".to_string(), |s| s.to_string());
        crate::say!(
            "  {}",
            T::ReportSupervisor.fill(l, &[("ability", &sup(e.ability)), ("attitude", &sup(e.attitude))])
        );
        let target = store.target_of(rep, &period.to_string()).map_err(|e| Failure::failed(e.to_string()))?;
        if let Some(who) = target.as_ref().and_then(|t| scorer_text(t, l)) {
            crate::say!("  {who}");
        }
        if e.scored_weight < e.total_weight {
            crate::say!(
                "  {}",
                T::ReportPartial.fill(
                    l,
                    &[
                        ("scored", &e.scored_weight.to_string()),
                        ("total", &e.total_weight.to_string()),
                        ("missing", &missing_text(&e.missing, l))
                    ]
                )
            );
        }
        crate::say!("  {}", T::ReportDue.fill(l, &[("due", &period.due().to_string())]));
    }
    Ok(())
}
