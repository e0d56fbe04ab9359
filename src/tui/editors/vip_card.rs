//! The VIP visitor card's editor (VIP 顾客接待卡, DESIGN §3.7): the card's
//! fields in the paper card's order, with its three recommended items,
//! three objections, three items recommended again and three resolutions
//! as numbered slots (the n-th resolution answers the n-th objection).

use kam_rules::{Labeled, ObjectionType};

use super::{choices, Binds};
use crate::i18n::T;
use crate::model::{FabItem, VipCard};
use crate::tui::app::App;
use crate::tui::widgets::form::{Field, Form};
use crate::tui::widgets::keys::F;

/// Keys of the three recommended items: item, image path, FAB line.
pub const REC: [(&str, &str, &str); 3] = [
    ("rec1_item", "rec1_image", "rec1_fab"),
    ("rec2_item", "rec2_image", "rec2_fab"),
    ("rec3_item", "rec3_image", "rec3_fab"),
];
const REC_T: [(T, T, T); 3] = [
    (T::VipFItem1, T::VipFImage1, T::VipFFab1),
    (T::VipFItem2, T::VipFImage2, T::VipFFab2),
    (T::VipFItem3, T::VipFImage3, T::VipFFab3),
];
/// Keys of the three re-recommended items.
pub const RE: [(&str, &str, &str); 3] =
    [("re1_item", "re1_image", "re1_fab"), ("re2_item", "re2_image", "re2_fab"), ("re3_item", "re3_image", "re3_fab")];
const RE_T: [(T, T, T); 3] = [
    (T::VipFReItem1, T::VipFReImage1, T::VipFReFab1),
    (T::VipFReItem2, T::VipFReImage2, T::VipFReFab2),
    (T::VipFReItem3, T::VipFReImage3, T::VipFReFab3),
];
/// Keys of the three objections: type and text.
const OBJ: [(&str, &str); 3] = [("obj1_kind", "obj1"), ("obj2_kind", "obj2"), ("obj3_kind", "obj3")];
const OBJ_T: [(T, T); 3] =
    [(T::VipFObjKind1, T::VipFObj1), (T::VipFObjKind2, T::VipFObj2), (T::VipFObjKind3, T::VipFObj3)];
/// Keys of the three resolutions.
const RES: [&str; 3] = ["res1", "res2", "res3"];
const RES_T: [T; 3] = [T::VipFRes1, T::VipFRes2, T::VipFRes3];

/// Age ranges offered on the card.
const AGES: [&str; 6] = ["20-30", "30-40", "40-50", "50-60", "60+", "<20"];

/// Industries offered on the card: the value stored, its label.
const INDUSTRIES: [(&str, T); 12] = [
    ("金融", T::VipIndFinance),
    ("房地产", T::VipIndRealEstate),
    ("制造", T::VipIndManufacturing),
    ("信息技术", T::VipIndIt),
    ("医疗健康", T::VipIndHealth),
    ("教育", T::VipIndEducation),
    ("政府机关", T::VipIndGovernment),
    ("贸易零售", T::VipIndTrade),
    ("酒店餐饮", T::VipIndHospitality),
    ("企业主", T::VipIndOwner),
    ("自由职业", T::VipIndFreelance),
    ("其他", T::VipIndOther),
];

/// The form field where a new card's cursor starts: the salutation, the
/// first thing a clerk asks (store, staff, date and time are filled; the
/// photo, before it on the paper form, is one Shift-Tab back).
pub const FIRST_ASKED: &str = "salutation";
/// The consent field, where a phone kept without consent is said.
pub const CONSENT: &str = "consent";

/// `slot!(b, key, label, i, list, part)`: a text field editing `part` of
/// the card's `i`-th `list` row (the row is made when text is typed into it).
macro_rules! slot {
    ($b:expr, $key:expr, $label:expr, $i:expr, $list:ident, $part:ident) => {{
        let (key, label, i): (&'static str, T, usize) = ($key, $label, $i);
        $b.custom(
            key,
            label,
            move |c: &VipCard, _: &App| Field::text(key, label, c.$list.get(i).map_or("", |x| x.$part.as_str())),
            move |f: &Form, c: &mut VipCard, _: &App| {
                if c.$list.len() <= i {
                    c.$list.resize_with(i + 1, Default::default);
                }
                c.$list[i].$part = f.text(key).trim().to_string();
            },
        );
    }};
}

/// An industry as the language names it: the offered ones by their label
/// (金融 reads Finance in English); one typed in as it was typed.
pub fn industry_label(key: &str, lang: kam_rules::Lang) -> &str {
    INDUSTRIES.iter().find(|(k, _)| *k == key).map_or(key, |(_, t)| t.get(lang))
}

/// A choice among `offered` (key, label), or not set; a value stored that
/// is not offered stays as an option of its own.
fn offered_choice(key: &'static str, label: T, offered: Vec<(String, String)>, value: &str, app: &App) -> Field {
    let mut options: Vec<(String, String)> =
        std::iter::once((String::new(), T::NotSet.get(app.lang).to_string())).chain(offered).collect();
    if !value.is_empty() && !options.iter().any(|(k, _)| k == value) {
        options.push((value.to_string(), value.to_string()));
    }
    Field::choice(key, label, options, Some(value.to_string()))
}

pub fn binds() -> Binds<VipCard> {
    let mut b = Binds::<VipCard>::declared();
    let age = b.label_of(F::Age);
    b.custom(
        F::Age,
        age,
        move |c: &VipCard, app: &App| {
            let offered = AGES.iter().map(|a| ((*a).to_string(), (*a).to_string())).collect();
            offered_choice(F::Age.key(), age, offered, &c.age, app)
        },
        |f: &Form, c: &mut VipCard, _: &App| c.age = f.text(F::Age),
    );
    let industry = b.label_of(F::Industry);
    b.custom(
        F::Industry,
        industry,
        move |c: &VipCard, app: &App| {
            let offered = INDUSTRIES.iter().map(|(k, t)| ((*k).to_string(), t.get(app.lang).to_string())).collect();
            offered_choice(F::Industry.key(), industry, offered, &c.industry, app)
        },
        |f: &Form, c: &mut VipCard, _: &App| c.industry = f.text(F::Industry),
    );
    // The rows of the paper card: recommended items and objections after
    // the visitor's traits, the items again and resolutions after the
    // team's suggestions.
    b.after(F::Traits);
    for (i, ((k_item, k_image, k_fab), (t_item, t_image, t_fab))) in REC.into_iter().zip(REC_T).enumerate() {
        slot!(b, k_item, t_item, i, recommended, item);
        slot!(b, k_image, t_image, i, recommended, image_path);
        slot!(b, k_fab, t_fab, i, recommended, fab);
    }
    for (i, ((k_kind, k_text), (t_kind, t_text))) in OBJ.into_iter().zip(OBJ_T).enumerate() {
        b.custom(
            k_kind,
            t_kind,
            move |c: &VipCard, app: &App| {
                let kind = c.objections.get(i).and_then(|o| o.kind).map(|k| k.key().to_string());
                Field::choice(k_kind, t_kind, choices::<ObjectionType>(T::NotSet, app.lang), kind)
            },
            move |f: &Form, c: &mut VipCard, _: &App| {
                if c.objections.len() <= i {
                    c.objections.resize_with(i + 1, Default::default);
                }
                c.objections[i].kind = ObjectionType::parse(&f.text(k_kind));
            },
        );
        slot!(b, k_text, t_text, i, objections, text);
    }
    b.after(F::TeamSuggestions);
    for (i, ((k_item, k_image, k_fab), (t_item, t_image, t_fab))) in RE.into_iter().zip(RE_T).enumerate() {
        slot!(b, k_item, t_item, i, re_recommended, item);
        slot!(b, k_image, t_image, i, re_recommended, image_path);
        slot!(b, k_fab, t_fab, i, re_recommended, fab);
    }
    for (i, (k, t)) in RES.into_iter().zip(RES_T).enumerate() {
        slot!(b, k, t, i, resolutions, text);
    }
    b
}

pub fn form(app: &App, c: &VipCard) -> Form {
    let title = if c.meta.version == 0 { T::NewVipCard } else { T::EditVipCard };
    binds().form(title, c, app)
}

/// Marks a photo or item image path typed into the form that is not an
/// image file kam can read (a path checked when it was entered is not
/// checked again: a photo moved or on another laptop does not lock the
/// card from edits).
pub fn check(f: &mut Form, app: &App) {
    for key in std::iter::once(F::PhotoPath.key()).chain(REC.iter().chain(RE.iter()).map(|r| r.1)) {
        let path = f.text(key);
        let unchanged = f.fields.iter().find(|x| x.key == key).is_some_and(|x| x.value() == x.initial);
        if !path.trim().is_empty() && !unchanged {
            if let Err(e) = crate::tui::vip::check_image(&path, app.lang) {
                f.set_error(key, &e);
            }
        }
    }
}

/// The card as the form says: empty slots at the end dropped, inner ones
/// kept in place; consent given without a date is dated today.
pub fn apply(app: &App, form: &Form, c: &mut VipCard) {
    binds().apply(form, c, app);
    trim_rows(&mut c.recommended, |r| *r == FabItem::default());
    trim_rows(&mut c.re_recommended, |r| *r == FabItem::default());
    trim_rows(&mut c.objections, |o| o.kind.is_none() && o.text.is_empty());
    trim_rows(&mut c.resolutions, |r| r.text.is_empty());
    for text in [&mut c.reception_summary, &mut c.team_suggestions] {
        text.truncate(text.trim_end().len());
    }
    if c.consent && c.consent_date.is_none() {
        c.consent_date = Some(app.today);
    }
}

/// Drops the empty rows at the end and keeps the rest in place: the n-th
/// resolution answers the n-th objection.
fn trim_rows<R>(rows: &mut Vec<R>, empty: impl Fn(&R) -> bool) {
    while rows.last().is_some_and(&empty) {
        rows.pop();
    }
}

/// Where the store's refusal of a list field is shown on the form.
pub fn field_of(store_field: &str) -> &str {
    match store_field {
        "recommended" => REC[0].0,
        "objections" => OBJ[0].1,
        "re_recommended" => RE[0].0,
        "resolutions" => RES[0],
        k => k,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn inner_empty_rows_keep_their_place() {
        let mut rows = vec!["a".to_string(), String::new(), "c".into(), String::new()];
        super::trim_rows(&mut rows, String::is_empty);
        assert_eq!(rows, ["a", "", "c"]);
    }
}
