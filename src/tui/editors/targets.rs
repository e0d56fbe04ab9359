//! A rep's targets for a period (the evaluation view's `t`, seed 000's
//! 计划 and the supervisor's scores): planned sales and collection, the
//! expense budget and what was spent, and the ability and attitude scores.

use super::Binds;
use crate::i18n::T;
use crate::model::Target;
use crate::tui::app::App;
use crate::tui::widgets::form::Form;

/// The two supervisor's scores' form keys.
const SCORES: [&str; 2] = ["ability", "attitude"];

pub fn binds() -> Binds<Target> {
    Binds::<Target>::declared()
}

pub fn form(app: &App, t: &Target) -> Form {
    binds().form(T::TargetsTitle, t, app)
}

/// Marks a score that is not a whole number from 0 to 100.
pub fn check(f: &mut Form, app: &App) {
    for key in SCORES {
        let text = f.text(key);
        let v = text.trim();
        if !v.is_empty() && score(v).is_none() {
            f.set_error(key, T::BadScore.get(app.lang));
        }
    }
}

/// A score as typed: a whole number from 0 to 100.
pub fn score(text: &str) -> Option<u8> {
    text.trim().parse::<u8>().ok().filter(|n| *n <= 100)
}

pub fn apply(app: &App, form: &Form, t: &mut Target) {
    binds().apply(form, t, app);
}
