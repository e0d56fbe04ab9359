//! §4.2 Discount lookup (seed 000 大客户拿货优惠方案 折扣方案 and 备注事项).
//!
//! The rate depends on the tier and the band of the single-order amount. The
//! seed's conditions: only for cash (现款) purchases, not credit (赊销); never
//! stacked with another promotion; always on the list price. A lookup that
//! does not qualify returns 1.00 and says why.

use serde::Serialize;

use crate::label::{Labeled, Lang};
use crate::labeled_enum;
use crate::money::{Money, Rate};
use crate::rules::Rules;
use crate::tier::Tier;

labeled_enum! {
    /// How an order is paid (§3.3).
    pub enum Payment: "payment method" {
        Cash => ("cash", "现款", "Cash"),
        Credit => ("credit", "赊销", "Credit"),
    }
}

/// Why the rate is what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiscountReason {
    /// The amount is in a band and the order qualifies.
    Applied { band: u8, range: String },
    /// The amount is below the first band.
    BelowMinimum { min: Money },
    /// The amount falls between bands the rules leave open.
    NoBand,
    /// Credit purchases get no discount.
    Credit,
    /// Another promotion is already applied; discounts never stack.
    Stacked,
}

/// The answer to a discount lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscountQuote {
    pub tier: Tier,
    pub amount: Money,
    pub payment: Payment,
    pub promotion: bool,
    pub band: Option<u8>,
    pub rate: Rate,
    pub net: Money,
    pub reason: DiscountReason,
}

/// Looks up the rate for an order of list amount `amount`.
pub fn discount(rules: &Rules, tier: Tier, amount: Money, payment: Payment, promotion: bool) -> DiscountQuote {
    let d = &rules.discount;
    let found = d.bands.iter().position(|b| b.range.contains(amount));
    let band_no = found.and_then(|i| d.bands.get(i)).map(|b| b.band);
    let (rate, reason) = if d.cash_only && payment == Payment::Credit {
        (Rate::FULL, DiscountReason::Credit)
    } else if d.no_stacking && promotion {
        (Rate::FULL, DiscountReason::Stacked)
    } else if let Some(i) = found {
        let rate = d.rates.get(&tier).and_then(|r| r.get(i)).copied().unwrap_or(Rate::FULL);
        let b = &d.bands[i];
        (rate, DiscountReason::Applied { band: b.band, range: b.range.describe("A") })
    } else {
        match d.bands.first().and_then(|b| b.range.min) {
            Some(min) if amount < min => (Rate::FULL, DiscountReason::BelowMinimum { min }),
            _ => (Rate::FULL, DiscountReason::NoBand),
        }
    };
    DiscountQuote { tier, amount, payment, promotion, band: band_no, rate, net: amount.apply_rate(rate), reason }
}

impl DiscountQuote {
    /// The reason in words.
    pub fn reason_text(&self, lang: Lang) -> String {
        match (&self.reason, lang) {
            (DiscountReason::Applied { band, range }, Lang::Zh) => format!(
                "{}客户单次订货 {} 元,第 {band} 档({range}),现款,享受 {},即按原价的 {} 计算",
                self.tier.zh(),
                self.amount.grouped(),
                self.rate.zhe(),
                self.rate
            ),
            (DiscountReason::Applied { band, range }, Lang::En) => format!(
                "{} tier, single order of {} yuan is band {band} ({range}), cash: rate {} of the list price",
                self.tier.en(),
                self.amount.grouped(),
                self.rate
            ),
            (DiscountReason::BelowMinimum { min }, Lang::Zh) => {
                format!("单次订货不足 {} 元,不享受折扣", min.grouped())
            }
            (DiscountReason::BelowMinimum { min }, Lang::En) => {
                format!("single order below {} yuan: no discount", min.grouped())
            }
            (DiscountReason::NoBand, Lang::Zh) => "订货金额不在任何折扣档内,不享受折扣".into(),
            (DiscountReason::NoBand, Lang::En) => "the amount is in no discount band: no discount".into(),
            (DiscountReason::Credit, Lang::Zh) => "折扣仅适用于现款购买,赊销不享受折扣".into(),
            (DiscountReason::Credit, Lang::En) => {
                "discounts are for cash purchases only, not credit: no discount".into()
            }
            (DiscountReason::Stacked, Lang::Zh) => "已享受其他促销,折扣不可叠加使用".into(),
            (DiscountReason::Stacked, Lang::En) => {
                "another promotion is applied and discounts never stack: no discount".into()
            }
        }
    }

    /// The JSON shape of `kam discount --json` (DESIGN §5).
    pub fn to_json(&self, lang: Lang) -> DiscountJson {
        DiscountJson {
            tier: self.tier,
            amount: self.amount,
            payment: self.payment,
            band: self.band.filter(|_| matches!(self.reason, DiscountReason::Applied { .. })),
            rate: self.rate,
            net: self.net,
            reason: self.reason_text(lang),
        }
    }
}

/// `kam discount --json`: keys `tier`, `amount`, `payment`, `band`, `rate`, `net`, `reason`.
#[derive(Clone, Debug, Serialize)]
pub struct DiscountJson {
    pub tier: Tier,
    pub amount: Money,
    pub payment: Payment,
    pub band: Option<u8>,
    pub rate: Rate,
    pub net: Money,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(tier: Tier, fen: i64) -> DiscountQuote {
        discount(&Rules::default(), tier, Money::from_fen(fen), Payment::Cash, false)
    }

    fn rate(tier: Tier, fen: i64) -> u32 {
        q(tier, fen).rate.bp()
    }

    #[test]
    fn band_boundaries_for_every_tier() {
        let table = [
            (Tier::Silver, [9500, 9000, 8500]),
            (Tier::Gold, [9800, 9500, 9000]),
            (Tier::Platinum, [9900, 9800, 9500]),
        ];
        for (tier, [b1, b2, b3]) in table {
            assert_eq!(rate(tier, 9_999_00), 10_000, "{tier} one yuan below band 1");
            assert_eq!(rate(tier, 9_999_99), 10_000, "{tier} one fen below band 1");
            assert_eq!(rate(tier, 10_000_00), b1, "{tier} at band 1");
            assert_eq!(rate(tier, 10_000_01), b1, "{tier} one fen above band 1 start");
            assert_eq!(rate(tier, 49_999_00), b1, "{tier} one yuan below band 2");
            assert_eq!(rate(tier, 49_999_99), b1, "{tier} one fen below band 2");
            assert_eq!(rate(tier, 50_000_00), b2, "{tier} at band 2");
            assert_eq!(rate(tier, 50_000_01), b2, "{tier} one fen above band 2 start");
            assert_eq!(rate(tier, 99_999_00), b2, "{tier} one yuan below band 3");
            assert_eq!(rate(tier, 99_999_99), b2, "{tier} one fen below band 3");
            assert_eq!(rate(tier, 100_000_00), b3, "{tier} at band 3");
            assert_eq!(rate(tier, 100_000_01), b3, "{tier} one fen above band 3 start");
        }
    }

    #[test]
    fn silver_5wan_is_0_9_and_45000() {
        let d = q(Tier::Silver, 50_000_00);
        assert_eq!(d.rate.to_string(), "0.9");
        assert_eq!(d.net, Money::from_yuan(45_000));
        assert_eq!(d.band, Some(2));
    }

    #[test]
    fn credit_and_stacking_do_not_qualify() {
        let r = Rules::default();
        let a = Money::from_yuan(200_000);
        let credit = discount(&r, Tier::Silver, a, Payment::Credit, false);
        assert_eq!((credit.rate, credit.reason.clone()), (Rate::FULL, DiscountReason::Credit));
        assert_eq!(credit.net, a);
        assert!(credit.reason_text(Lang::En).contains("cash purchases only"));
        assert!(credit.reason_text(Lang::Zh).contains("赊销"));
        let promo = discount(&r, Tier::Silver, a, Payment::Cash, true);
        assert_eq!((promo.rate, promo.reason.clone()), (Rate::FULL, DiscountReason::Stacked));
        assert!(promo.reason_text(Lang::Zh).contains("不可叠加"));
        let small = q(Tier::Gold, 100);
        assert_eq!(small.reason, DiscountReason::BelowMinimum { min: Money::from_yuan(10_000) });
        assert_eq!(small.to_json(Lang::En).band, None);
    }

    #[test]
    fn reason_names_band_and_rate() {
        let d = q(Tier::Gold, 60_000_00);
        let en = d.reason_text(Lang::En);
        assert!(en.contains("band 2") && en.contains("0.95"), "{en}");
        assert!(d.reason_text(Lang::Zh).contains("9.5折"));
    }
}
