//! An evaluation's figures in words, the same in `kam report` and the
//! workbench's evaluation view.

use kam_rules::evaluation::Kpi;
use kam_rules::{Labeled, Lang};

use crate::i18n::T;
use crate::model::Target;

/// Who entered a rep's ability and attitude scores, and when; a rep's own
/// entry is said to be a self-assessment. `None` when nobody scored.
pub fn scorer_text(t: &Target, lang: Lang) -> Option<String> {
    if t.scored_by.trim().is_empty() {
        return None;
    }
    let date = t.scored_on.map_or_else(|| "—".to_string(), |d| d.to_string());
    let which = if t.self_assessed() { T::SelfAssessed } else { T::ScoredBy };
    Some(which.fill(lang, &[("who", &t.scored_by), ("date", &date)]))
}

/// A KPI's value as a person reads it, in the report and the evaluation
/// view alike: a rate as a percentage (79.9%), a count as a whole number,
/// satisfaction as a mean of one decimal; a dash when missing. `--json`
/// keeps the raw ratio.
pub fn kpi_value(kpi: Kpi, v: Option<f64>) -> String {
    match (kpi, v) {
        (_, None) => "—".into(),
        (Kpi::NewAccounts | Kpi::Complaints, Some(v)) => format!("{v:.0}"),
        (Kpi::Satisfaction, Some(v)) => format!("{v:.1}"),
        (_, Some(v)) => format!("{:.1}%", v * 100.0),
    }
}

/// What could not be scored, by the catalogue's and the rules' names in the
/// language (never the internal keys such as `expense_saving`).
pub fn missing_text(keys: &[String], lang: Lang) -> String {
    keys.iter()
        .map(|k| match k.as_str() {
            "ability" => T::EvalAbility.get(lang).to_string(),
            "attitude" => T::EvalAttitude.get(lang).to_string(),
            other => Kpi::ALL
                .iter()
                .find(|x| x.key() == other)
                .map_or_else(|| other.to_string(), |x| x.label(lang).to_string()),
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}
