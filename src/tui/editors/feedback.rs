//! The editor of a customer's feedback (大客户意见反馈表, DESIGN §3.5):
//! the fields [`Feedback`] declares, satisfaction as stars.

use super::Binds;
use crate::i18n::T;
use crate::model::Feedback;
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Feedback> {
    let mut b = Binds::<Feedback>::declared();
    // Satisfaction is 1–5 stars, or not given.
    let label = b.label_of(F::Satisfaction);
    b.custom(
        F::Satisfaction,
        label,
        move |x: &Feedback, app: &App| {
            let scores = std::iter::once((String::new(), T::NotSet.get(app.lang).to_string()))
                .chain((1..=5u8).map(|n| (n.to_string(), format!("{n} {}", "★".repeat(usize::from(n))))))
                .collect();
            Field::choice(F::Satisfaction, label, scores, x.satisfaction.map(|s| s.to_string()))
        },
        |f: &Form, x: &mut Feedback, _: &App| x.satisfaction = f.text(F::Satisfaction).parse().ok(),
    );
    b
}

pub fn form(app: &App, x: &Feedback) -> Form {
    let title = if x.meta.version == 0 { T::NewFeedback } else { T::EditFeedback };
    binds().form(title, x, app)
}

pub fn apply(app: &App, form: &Form, x: &mut Feedback) {
    binds().apply(form, x, app);
}
