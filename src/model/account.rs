//! §3.1 accounts (客户档案, seeds 003/004) and §3.2 contacts (个人档案, seed 000).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kam_rules::alliance::alliance_status;
use kam_rules::{AllianceStatus, Behaviour, BuyingRole, Money, SocialStyle, Tier};
use serde::{Deserialize, Serialize};

use super::fields::record_struct;
use super::{in_range, not_negative, record_enum, require, Id, Meta, ModelError};
use crate::i18n::T;

record_struct! {
    /// An account (客户 / 目标帐目): the company data, its owner, the manual tier
    /// with its reason, scorecard scores, credit terms and the categorised archive.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Account {
        pub meta: Meta,
        pub name: String => ("客户名称", "Name") [required trim],
        pub short_name: String => ("简称", "Short name"),
        pub industry: String => ("行业", "Industry"),
        pub region: String => ("地区", "Region"),
        pub address: String => ("地址", "Address"),
        pub phone: String => ("电话", "Phone"),
        pub website: String => ("网站", "Website"),
        /// Free text as the forms write it: "500人", "大型".
        pub company_size: String => ("公司规模", "Company size"),
        pub registered_capital: Option<Money> => ("注册资本", "Registered capital"),
        pub listed: bool => ("是否上市", "Listed"),
        /// The responsible rep.
        pub owner: String => ("负责人", "Owner"),
        /// A tier set by hand (§4.1); only with a reason.
        pub tier_override: Option<Tier> => ("手动等级", "Tier override"),
        pub tier_override_reason: String => ("手动等级原因", "Override reason"),
        pub notes: String => ("备注", "Notes") [lines],
        /// Scorecard scores (§4.3), one row per criterion key of the rules file.
        pub scores: Vec<Score>,
        pub credit_limit: Option<Money> => ("信用额度", "Credit limit"),
        pub payment_terms: String => ("付款条件", "Payment terms"),
        /// Since when the customer has bought from us (seed 003's 交往时间),
        /// when it predates the file: an old customer entered today is not a
        /// new account in the evaluation.
        pub customer_since: Option<NaiveDate> => ("交往时间", "Customer since"),
        /// The archive of seed 003, each entry tagged with its category.
        pub archive: Vec<ArchiveEntry>,
    }
}

/// One criterion's score, 1–10.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub criterion: String,
    pub score: u8,
}

record_enum! {
    /// The six archive categories of seed 003 (客户档案的分类整理归档).
    pub enum ArchiveCategory: "archive category" {
        Basic => ("basic", "客户基础资料", "Basic data"),
        Contract => ("contract", "合同协议", "Contracts and agreements"),
        Receivable => ("receivable", "欠款还款", "Receivables arrangements"),
        Complaint => ("complaint", "投诉折价", "Complaints and price concessions"),
        Industry => ("industry", "同行业动态", "Competitors and industry"),
        Internal => ("internal", "内部促销提成", "Internal promotion and commission"),
    }
}

/// One archive entry: a dated document or note of a category. Which of the
/// optional fields matter depends on the category: a contract has a date and
/// an amount; a deferral has its approval; a price concession its approval,
/// reason and responsibility.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveEntry {
    pub category: ArchiveCategory,
    pub date: Option<NaiveDate>,
    pub title: String,
    pub content: String,
    pub amount: Option<Money>,
    /// Who approved (折价审批, 延期还款审批单).
    pub approval: String,
    pub reason: String,
    /// 责任鉴定.
    pub responsibility: String,
}

impl Account {
    /// A new, unsaved account with its name.
    pub fn named(name: impl Into<String>) -> Self {
        Self { name: name.into(), ..Self::default() }
    }

    /// The scores as the scorecard rule takes them.
    pub fn score_map(&self) -> BTreeMap<String, u8> {
        self.scores.iter().map(|s| (s.criterion.clone(), s.score)).collect()
    }

    /// The manual tier as the tier rule takes it.
    pub fn tier_override(&self) -> Option<kam_rules::tier::TierOverride> {
        self.tier_override.map(|tier| kam_rules::tier::TierOverride { tier, reason: self.tier_override_reason.clone() })
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        require("name", &self.name)?;
        if self.tier_override.is_some() {
            require("tier_override_reason", &self.tier_override_reason)?;
        }
        if let Some(m) = self.registered_capital {
            not_negative("registered_capital", m)?;
        }
        if let Some(m) = self.credit_limit {
            not_negative("credit_limit", m)?;
        }
        for (i, s) in self.scores.iter().enumerate() {
            require(&format!("scores[{i}].criterion"), &s.criterion)?;
            in_range(&format!("scores[{i}].score"), Some(s.score), 1, 10)?;
        }
        for (i, e) in self.archive.iter().enumerate() {
            if e.title.trim().is_empty() && e.content.trim().is_empty() {
                return Err(ModelError::says(format!("archive[{i}].title"), T::VArchiveEmpty, &[]));
            }
            if let Some(m) = e.amount {
                not_negative(&format!("archive[{i}].amount"), m)?;
            }
        }
        Ok(())
    }
}

record_struct! {
    /// A personal profile (个人档案, seed 000) of someone at an account.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Contact {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub name: String => ("姓名", "Name") [required trim],
        pub company: String => ("公司", "Company"),
        pub title: String => ("职务", "Title"),
        pub phone: String => ("电话", "Phone"),
        pub fax: String => ("传真", "Fax"),
        pub email: String => ("电子邮件", "Email"),
        pub education: String => ("教育程度", "Education"),
        pub birth_date: Option<NaiveDate> => ("出生日期", "Birth date"),
        pub address: String => ("地址", "Address"),
        pub spouse: String => ("配偶", "Spouse"),
        pub secretary: String => ("秘书", "Secretary"),
        pub employer: String => ("雇主", "Employer"),
        /// Another contact this person reports to.
        pub reports_to: Option<Id> => ("汇报对象", "Reports to"),
        /// Previous jobs, companies, background.
        pub background: String => ("以往工作背景", "Background") [lines],
        /// Personality, style, interests.
        pub personality: String => ("个性/风格/爱好", "Personality") [lines],
        pub social_style: Option<SocialStyle> => ("社交风格", "Social style"),
        /// Recent decisions, projects, achievements.
        pub recent: String => ("近期决策成就", "Recent wins") [lines],
        /// Current responsibilities, most important first.
        pub responsibilities: Vec<Responsibility>,
        pub criteria_technical: String => ("技术决策标准", "Tech criteria") [lines],
        pub criteria_business: String => ("商业决策标准", "Biz criteria") [lines],
        pub buying_role: Option<BuyingRole> => ("购买角色", "Buying role"),
        pub personal_agenda: String => ("个人目标", "Personal agenda") [lines],
        /// "How do we get this person on our side?"
        pub political_strategy: String => ("政治策略", "Political strategy") [lines],
        /// Alliance behaviours (§4.5) with the day each was observed.
        pub behaviours: Vec<ObservedBehaviour>,
        /// PIPL consent (§4.13) and its date.
        pub consent: bool => ("同意存档", "Consent"),
        pub consent_date: Option<NaiveDate> => ("同意日期", "Consent date"),
    }
}

/// One current responsibility; the order of the rows is the ranking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsibility {
    pub text: String,
}

/// An alliance behaviour and when it was observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedBehaviour {
    pub behaviour: Behaviour,
    pub observed_on: NaiveDate,
}

impl Default for ObservedBehaviour {
    fn default() -> Self {
        Self { behaviour: Behaviour::AcknowledgesNeed, observed_on: NaiveDate::default() }
    }
}

impl Contact {
    /// A new, unsaved contact of an account.
    pub fn of(account_id: Id, name: impl Into<String>) -> Self {
        Self { account_id, name: name.into(), ..Self::default() }
    }

    /// The alliance status the observed behaviours give (§4.5).
    pub fn alliance(&self) -> AllianceStatus {
        let seen: Vec<Behaviour> = self.behaviours.iter().map(|b| b.behaviour).collect();
        alliance_status(&seen)
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        require("name", &self.name)?;
        if self.reports_to.as_ref() == Some(&self.meta.id) {
            return Err(ModelError::says("reports_to", T::VReportsToSelf, &[]));
        }
        if self.consent && self.consent_date.is_none() {
            return Err(ModelError::says("consent_date", T::VConsentDate, &[]));
        }
        for (i, r) in self.responsibilities.iter().enumerate() {
            require(&format!("responsibilities[{i}].text"), &r.text)?;
        }
        for (i, b) in self.behaviours.iter().enumerate() {
            if self.behaviours[..i].iter().any(|o| o.behaviour == b.behaviour) {
                return Err(ModelError::says(format!("behaviours[{i}]"), T::VBehaviourTwice, &[]));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_override_needs_a_reason() {
        let mut a = Account::named("上海华联有限公司");
        assert!(a.validate().is_ok());
        a.tier_override = Some(Tier::Gold);
        assert_eq!(a.validate().unwrap_err().field, "tier_override_reason");
        a.tier_override_reason = "战略客户".into();
        assert!(a.validate().is_ok());
        a.scores.push(Score { criterion: "market_leader".into(), score: 11 });
        assert_eq!(a.validate().unwrap_err().field, "scores[0].score");
    }

    #[test]
    fn contact_checks() {
        let mut c = Contact::of(Id::new(), "");
        assert_eq!(c.validate().unwrap_err().field, "name");
        c.name = "曾志伟".into();
        c.consent = true;
        assert_eq!(c.validate().unwrap_err().field, "consent_date");
        c.consent_date = NaiveDate::from_ymd_opt(2026, 1, 1);
        c.reports_to = Some(c.meta.id.clone());
        assert_eq!(c.validate().unwrap_err().field, "reports_to");
        c.reports_to = None;
        assert!(c.validate().is_ok());
        assert_eq!(c.alliance(), AllianceStatus::None);
    }
}
