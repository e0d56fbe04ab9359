//! §3.3 orders with their collections, §3.4 visits, §3.5 major-change events
//! and feedback, and the per-rep targets the evaluation (§4.9) needs.

use chrono::{NaiveDate, NaiveTime};
use kam_rules::{Money, Payment, Period, Rate};
use serde::{Deserialize, Serialize};

use super::fields::record_struct;
use super::{in_range, not_negative, record_enum, require, Id, Meta, ModelError};
use crate::i18n::T;

record_struct! {
    /// A line of the sales ledger (大客户销售台帐) with its collections.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Order {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub date: NaiveDate => ("日期", "Date") [required],
        /// List-price amount of the order.
        pub amount: Money => ("订货金额(牌价)", "List amount") [required],
        pub payment: Payment => ("付款方式", "Payment"),
        /// Another promotion applied (discounts never stack, §4.2).
        pub promotion: bool => ("已享其他促销", "Other promotion"),
        /// The discount rate applied, if any.
        pub discount_rate: Option<Rate> => ("折扣率", "Discount rate") [hidden],
        /// What the customer owes after the discount.
        pub net_amount: Money => ("折后金额", "Net amount") [hidden],
        pub due_date: Option<NaiveDate> => ("应收到期日", "Due date"),
        /// The rep credited with the sale in the evaluation: the account's owner
        /// when it was booked ([`Order::for_account`]). Empty (an order from an
        /// older file or sheet) credits the account's owner of the day.
        pub rep: String => ("大客户专员", "Rep") [trim],
        /// Payments received, in date order.
        pub collections: Vec<Collection>,
    }
}

/// One payment received against an order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub date: NaiveDate,
    pub amount: Money,
}

impl Default for Order {
    fn default() -> Self {
        Self {
            meta: Meta::default(),
            account_id: Id::default(),
            date: NaiveDate::default(),
            amount: Money::ZERO,
            payment: Payment::Cash,
            promotion: false,
            discount_rate: None,
            net_amount: Money::ZERO,
            due_date: None,
            rep: String::new(),
            collections: Vec::new(),
        }
    }
}

impl Order {
    /// Whom the order is credited to: its rep, else (an order from before
    /// orders named one) the account's `owner`. The store's evaluation
    /// query reads the same rule.
    pub fn credited_to<'a>(&'a self, owner: &'a str) -> &'a str {
        if self.rep.trim().is_empty() {
            owner
        } else {
            &self.rep
        }
    }

    /// A new order of `account`, credited to its owner as it is booked.
    pub fn for_account(account: &crate::model::Account) -> Self {
        Self { account_id: account.meta.id.clone(), rep: account.owner.clone(), ..Self::default() }
    }

    /// Sum of the collections.
    pub fn collected(&self) -> Money {
        self.collections.iter().map(|c| c.amount).sum()
    }

    /// What is still owed: net amount less collections (never below zero).
    pub fn outstanding(&self) -> Money {
        kam_rules::tier::outstanding(self.net_amount, self.collected())
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        not_negative("amount", self.amount)?;
        not_negative("net_amount", self.net_amount)?;
        if self.net_amount > self.amount {
            return Err(ModelError::says("net_amount", T::VNetOverAmount, &[]));
        }
        if let Some(due) = self.due_date {
            if due < self.date {
                return Err(ModelError::says("due_date", T::VDueBeforeOrder, &[]));
            }
        }
        rows_at_most("collections", self.collections.len())?;
        for (i, c) in self.collections.iter().enumerate() {
            not_negative(&format!("collections[{i}].amount"), c.amount)?;
        }
        if self.collected() > self.net_amount {
            return Err(ModelError::says("collections", T::VOverCollected, &[]));
        }
        Ok(())
    }
}

record_enum! {
    /// How the account was contacted (§3.4).
    pub enum VisitKind: "contact kind" {
        Visit => ("visit", "拜访", "Visit"),
        Phone => ("phone", "电话", "Phone"),
        Email => ("email", "邮件", "Email"),
        Meeting => ("meeting", "会议", "Meeting"),
        Other => ("other", "其他", "Other"),
    }
}

record_struct! {
    /// A line of the visit and contact log (大客户拜访记录表).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Visit {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        /// The account's contacts met or called.
        pub contacts: Vec<VisitContact>,
        pub date: NaiveDate => ("日期", "Date") [required],
        /// The time of day, when known (a call plan's time for a done call).
        pub time: Option<NaiveTime> => ("时间", "Time"),
        pub kind: VisitKind => ("方式", "Kind"),
        /// Who visited or called.
        pub by: String => ("拜访人", "By whom") [trim],
        /// A manager-level person took part (§4.7 counts these).
        pub by_manager: bool => ("经理级拜访", "By a manager"),
        pub purpose: String => ("目的", "Purpose"),
        pub summary: String => ("内容摘要", "Summary") [lines],
        pub next_step: String => ("下一步", "Next step"),
        pub next_date: Option<NaiveDate> => ("下一步日期", "Next step date"),
        /// The departments and people told what the visit found, so they
        /// plan their part of the next step (the after-sales engineer …).
        pub informed: String => ("告知部门/人员", "Passed on to") [trim],
    }
}

/// A contact who took part in a visit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitContact {
    pub contact_id: Id,
}

impl Visit {
    pub fn validate(&self) -> Result<(), ModelError> {
        rows_at_most("contacts", self.contacts.len())?;
        require("by", &self.by)?;
        if let Some(next) = self.next_date {
            if next < self.date {
                return Err(ModelError::says("next_date", T::VNextBeforeVisit, &[]));
            }
        }
        Ok(())
    }
}

record_struct! {
    /// A major change at an account (大客户经营重大异动表).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ChangeEvent {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub date: NaiveDate => ("日期", "Date") [required],
        /// What changed: 人事变动, 资金紧张, 并购 …
        pub kind: String => ("异动类型", "Kind of change") [required trim],
        pub description: String => ("异动情况", "What changed") [required lines],
        pub follow_up: String => ("跟进措施", "Follow-up") [lines],
    }
}

impl ChangeEvent {
    pub fn validate(&self) -> Result<(), ModelError> {
        require("kind", &self.kind)?;
        require("description", &self.description)
    }
}

record_struct! {
    /// A line of customer feedback (大客户意见反馈表).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Feedback {
        pub meta: Meta,
        pub account_id: Id => ("客户ID", "Account") [hidden],
        pub date: NaiveDate => ("日期", "Date") [required],
        pub from_whom: String => ("反馈人", "From whom") [trim],
        /// 1 (very unhappy) to 5 (very happy).
        pub satisfaction: Option<u8> => ("满意度", "Satisfaction"),
        pub complaint: bool => ("是否投诉", "Complaint"),
        pub content: String => ("反馈内容", "What they said") [required lines],
        pub handling: String => ("处理情况", "Handling") [lines],
        pub closed: bool => ("已处理完毕", "Closed"),
    }
}

impl Feedback {
    pub fn validate(&self) -> Result<(), ModelError> {
        require("content", &self.content)?;
        in_range("satisfaction", self.satisfaction, 1, 5)
    }
}

record_struct! {
    /// A rep's targets and the supervisor's scores for one period (§4.9).
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Target {
        pub meta: Meta,
        pub rep: String => ("大客户专员", "Rep") [hidden],
        /// `2026-11`, `2026-Q4` or `2026`, as [`Period::parse`] reads it.
        pub period: String => ("考核期", "Period") [hidden],
        pub planned_sales: Option<Money> => ("计划销售额", "Planned sales"),
        pub planned_collection: Option<Money> => ("计划回款额", "Planned collection"),
        pub expense_budget: Option<Money> => ("费用预算", "Expense budget"),
        pub expense_actual: Option<Money> => ("实际费用", "Actual expense"),
        /// Supervisor's scores, 0–100.
        pub ability: Option<u8> => ("工作能力(0–100)", "Ability (0–100)") [trim],
        pub attitude: Option<u8> => ("工作态度(0–100)", "Attitude (0–100)") [trim],
        /// Who last entered the ability and attitude scores, and on which day
        /// (seed 000: the supervisor scores, the manager approves).
        pub scored_by: String => ("评分录入人", "Scored by") [hidden],
        pub scored_on: Option<NaiveDate> => ("评分录入日期", "Scored on") [hidden],
    }
}

impl Target {
    /// The scores were entered by the rep being scored: a self-assessment,
    /// not the supervisor's scores.
    pub fn self_assessed(&self) -> bool {
        let by = self.scored_by.trim();
        !by.is_empty() && by == self.rep.trim()
    }

    /// Records that `who` entered the scores on `day` when they differ from
    /// `before`'s (no scores left: nobody scored).
    pub fn note_scorer(&mut self, before: &Target, who: &str, day: NaiveDate) {
        if self.ability.is_none() && self.attitude.is_none() {
            self.scored_by.clear();
            self.scored_on = None;
        } else if (self.ability, self.attitude) != (before.ability, before.attitude) {
            self.scored_by = who.trim().to_string();
            self.scored_on = Some(day);
        }
    }

    pub fn period(&self) -> Result<Period, ModelError> {
        Period::parse(&self.period).map_err(|e| ModelError::new("period", e.to_string()))
    }

    pub fn validate(&self) -> Result<(), ModelError> {
        require("rep", &self.rep)?;
        self.period()?;
        for (field, m) in [
            ("planned_sales", self.planned_sales),
            ("planned_collection", self.planned_collection),
            ("expense_budget", self.expense_budget),
            ("expense_actual", self.expense_actual),
        ] {
            if let Some(m) = m {
                not_negative(field, m)?;
            }
        }
        in_range("ability", self.ability, 0, 100)?;
        in_range("attitude", self.attitude, 0, 100)
    }
}

/// A record's table of `n` rows, refused past [`TABLE_ROWS_MAX`].
pub fn rows_at_most(field: &str, n: usize) -> Result<(), ModelError> {
    if n > crate::model::TABLE_ROWS_MAX {
        return Err(ModelError::says(field, T::RowsFull, &[("max", &crate::model::TABLE_ROWS_MAX.to_string())]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn order_outstanding_and_checks() {
        let mut o = Order {
            date: d("2026-01-01"),
            amount: Money::from_yuan(100),
            net_amount: Money::from_yuan(95),
            due_date: Some(d("2026-02-01")),
            ..Order::default()
        };
        o.collections.push(Collection { date: d("2026-01-10"), amount: Money::from_yuan(40) });
        assert_eq!(o.outstanding(), Money::from_yuan(55));
        assert!(o.validate().is_ok());
        o.collections.push(Collection { date: d("2026-01-11"), amount: Money::from_yuan(60) });
        assert_eq!(o.validate().unwrap_err().field, "collections");
        o.collections.pop();
        o.due_date = Some(d("2025-12-01"));
        assert_eq!(o.validate().unwrap_err().field, "due_date");
    }

    #[test]
    fn feedback_and_target_ranges() {
        let f = Feedback { content: "发货慢".into(), satisfaction: Some(6), ..Feedback::default() };
        assert_eq!(f.validate().unwrap_err().field, "satisfaction");
        let t = Target { rep: "王芳".into(), period: "2026-13".into(), ..Target::default() };
        assert_eq!(t.validate().unwrap_err().field, "period");
        let t = Target { rep: "王芳".into(), period: "2026-Q4".into(), ability: Some(90), ..Target::default() };
        assert!(t.validate().is_ok());
        // Who scored: noted when the scores change, cleared with them.
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let mut again = t.clone();
        again.note_scorer(&t, "张经理", day);
        assert_eq!(again.scored_by, "", "unchanged scores keep who scored them");
        again.attitude = Some(80);
        again.note_scorer(&t, "王芳", day);
        assert_eq!((again.scored_by.as_str(), again.scored_on, again.self_assessed()), ("王芳", Some(day), true));
        again.note_scorer(&t, "张经理", day);
        assert!(!again.self_assessed());
        let mut cleared = again.clone();
        cleared.ability = None;
        cleared.attitude = None;
        cleared.note_scorer(&again, "张经理", day);
        assert_eq!((cleared.scored_by.as_str(), cleared.scored_on), ("", None));
        assert!(t.validate().is_ok());
    }
}
