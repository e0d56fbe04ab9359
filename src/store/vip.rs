//! VIP visitor cards with their FAB lines, objections, resolutions and handovers.

use rusqlite::types::Value;

use super::record::record;
use super::search::pinyin;
use crate::model::{FabItem, Handover, Objection, Resolution, VipCard};

record! {
    VipCard, VipCard, order "visit_date DESC, id",
    label |c| format!("{} {} {}", c.visit_date, c.salutation, c.store),
    // A card links to an account optionally and is not trashed with it.
    account |_c| None,
    derived |c| {
        let py = pinyin(&c.salutation);
        vec![
            ("phone_digits", Value::Text(kam_rules::dedupe::phone_digits(&c.phone))),
            ("py_initials", Value::Text(py.initials)),
            ("py_full", Value::Text(py.full)),
        ]
    },
    fields {
        store, received_by, visit_date, visit_time, photo_path, salutation, age, industry, position, vehicle, phone,
        accessories, style, usage, price_range, material, traits, reception_summary, team_suggestions, status,
        next_contact, account_id, consent, consent_date,
    },
    children {
        recommended: FabItem in "vip_recommended" { item, image_path, fab },
        objections: Objection in "vip_objections" { kind, text },
        re_recommended: FabItem in "vip_re_recommended" { item, image_path, fab },
        resolutions: Resolution in "vip_resolutions" { text },
        handovers: Handover in "vip_handovers" { from, to, date, note },
    }
}
