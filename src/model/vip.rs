//! §3.8 the VIP visitor card (准VIP客户信息登记表, seed 000).

use chrono::{NaiveDate, NaiveTime};
use kam_rules::ObjectionType;
use serde::{Deserialize, Serialize};

use super::fields::record_struct;
use super::{record_enum, require, Id, Meta, ModelError};
use crate::i18n::T;

record_enum! {
    /// Where a visitor stands.
    pub enum VipStatus: "VIP status" {
        Prospect => ("prospect", "准VIP", "Prospect"),
        Vip => ("vip", "VIP", "VIP"),
        Closed => ("closed", "已关闭", "Closed"),
    }
}

record_struct! {
    /// A VIP visitor card, filled at the counter while the visitor is in the store.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct VipCard {
        pub meta: Meta,
        pub store: String => ("门店", "Store") [trim],
        /// The staff member who received the visitor.
        pub received_by: String => ("接待人", "Received by") [trim required],
        pub visit_date: NaiveDate => ("来店日期", "Visit date") [required],
        pub visit_time: Option<NaiveTime> => ("来店时间", "Visit time"),
        /// Path to a photo file.
        pub photo_path: String => ("照片", "Photo") [trim],
        /// 称呼: 王女士, 陈先生.
        pub salutation: String => ("称呼", "Salutation") [trim],
        /// An age or a range: "35", "30-40".
        pub age: String => ("年龄", "Age"),
        pub industry: String => ("行业", "Industry"),
        pub position: String => ("职务", "Position"),
        pub vehicle: String => ("车辆", "Vehicle"),
        pub phone: String => ("电话", "Phone") [trim],
        /// 名贵装饰: luxury accessories worn.
        pub accessories: String => ("名贵装饰", "Accessories worn"),
        // Needs
        pub style: String => ("需求:款式", "Style wanted"),
        pub usage: String => ("需求:用途", "Usage"),
        pub price_range: String => ("需求:价位", "Price range"),
        pub material: String => ("需求:材质", "Material"),
        pub traits: String => ("其他特点", "Other traits"),
        /// Up to three recommended items with their FAB line.
        pub recommended: Vec<FabItem>,
        /// Up to three objections.
        pub objections: Vec<Objection>,
        pub reception_summary: String => ("接待总结", "Reception summary") [lines],
        pub team_suggestions: String => ("团队建议", "Team suggestions") [lines],
        /// Up to three items recommended again after the team's suggestions.
        pub re_recommended: Vec<FabItem>,
        /// Up to three objection resolutions.
        pub resolutions: Vec<Resolution>,
        pub status: VipStatus => ("状态", "Status"),
        /// When to get in touch again: the Today tab lists the card from then.
        pub next_contact: Option<NaiveDate> => ("下次联系日期", "Next contact"),
        pub account_id: Option<Id> => ("客户ID", "Account") [hidden],
        /// Who handed the card to whom, when, with a note.
        pub handovers: Vec<Handover>,
        /// PIPL consent (§4.13) and its date.
        pub consent: bool => ("同意存档", "Consent"),
        pub consent_date: Option<NaiveDate> => ("同意日期", "Consent date"),
    }
}

/// An item shown to the visitor with its FAB line (feature, advantage, benefit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FabItem {
    pub item: String,
    pub image_path: String,
    pub fab: String,
}

/// An objection the visitor raised.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objection {
    pub kind: Option<ObjectionType>,
    pub text: String,
}

/// How an objection was resolved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    pub text: String,
}

/// A handover of the card between staff.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    pub from: String,
    pub to: String,
    pub date: NaiveDate,
    pub note: String,
}

/// The form has room for three rows in each of these tables.
pub const ROWS_PER_TABLE: usize = 3;

impl VipCard {
    /// The account a card becomes when no account like it is there: named
    /// by the visitor's salutation, with the card's industry. The card's
    /// phone is the visitor's own mobile, personal and masked on export:
    /// it goes to the contact ([`VipCard::new_contact`]), never into the
    /// account's company phone, which is exported as is.
    pub fn new_account(&self, owner: String, notes: String) -> super::Account {
        let mut a = super::Account::named(self.salutation.trim().to_string());
        a.industry.clone_from(&self.industry);
        a.owner = owner;
        a.notes = notes;
        a
    }

    /// The visitor as a contact of `account`: their phone, position and
    /// consent.
    pub fn new_contact(&self, account: Id) -> super::Contact {
        let mut p = super::Contact::of(account, self.salutation.trim().to_string());
        p.phone.clone_from(&self.phone);
        p.title.clone_from(&self.position);
        p.consent = self.consent;
        p.consent_date = self.consent_date;
        p
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        require("received_by", &self.received_by)?;
        if self.salutation.trim().is_empty() && self.phone.trim().is_empty() {
            return Err(ModelError::says("salutation", T::VSalutationOrPhone, &[]));
        }
        for (field, n) in [
            ("recommended", self.recommended.len()),
            ("objections", self.objections.len()),
            ("re_recommended", self.re_recommended.len()),
            ("resolutions", self.resolutions.len()),
        ] {
            if n > ROWS_PER_TABLE {
                return Err(ModelError::says(field, T::VAtMostRows, &[("n", &ROWS_PER_TABLE.to_string())]));
            }
        }
        for (i, h) in self.handovers.iter().enumerate() {
            require(&format!("handovers[{i}].to"), &h.to)?;
        }
        if self.consent && self.consent_date.is_none() {
            return Err(ModelError::says("consent_date", T::VConsentDate, &[]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_checks() {
        let mut c = VipCard { received_by: "李娜".into(), ..VipCard::default() };
        assert_eq!(c.validate().unwrap_err().field, "salutation");
        c.salutation = "王女士".into();
        assert!(c.validate().is_ok());
        c.objections = vec![Objection::default(); 4];
        assert_eq!(c.validate().unwrap_err().field, "objections");
    }
}
