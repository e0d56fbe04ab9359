//! The editor of a customer's feedback (大客户意见反馈表, DESIGN §3.5).

use super::{bind, Binds};
use crate::i18n::T;
use crate::model::Feedback;
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

pub fn binds() -> Binds<Feedback> {
    let mut b = Binds::<Feedback>::default();
    bind!(b, T::FDate, date).required();
    bind!(b, T::FFromWhom, from_whom).trim();
    // Satisfaction is 1–5 stars, or not given.
    b.custom(
        F::Satisfaction,
        T::FSatisfaction,
        |x: &Feedback, app: &App| {
            let scores = std::iter::once((String::new(), T::NotSet.get(app.lang).to_string()))
                .chain((1..=5u8).map(|n| (n.to_string(), format!("{n} {}", "★".repeat(usize::from(n))))))
                .collect();
            Field::choice(F::Satisfaction, T::FSatisfaction, scores, x.satisfaction.map(|s| s.to_string()))
        },
        |f: &Form, x: &mut Feedback, _: &App| x.satisfaction = f.text(F::Satisfaction).parse().ok(),
    );
    bind!(b, T::FComplaint, complaint);
    bind!(b, T::FFeedbackContent, content).required().lines();
    bind!(b, T::FHandling, handling).lines();
    bind!(b, T::FClosed, closed);
    b
}

pub fn form(app: &App, x: &Feedback) -> Form {
    let title = if x.meta.version == 0 { T::NewFeedback } else { T::EditFeedback };
    binds().form(title, x, app)
}

pub fn apply(app: &App, form: &Form, x: &mut Feedback) {
    binds().apply(form, x, app);
}
