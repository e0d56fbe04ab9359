//! §4.6 Buying roles (seeds 002, 004), §4.8 objection types (seed 004) and
//! §4.10 social styles with the advice of seed 004 与不同类型的人沟通的方法.

use crate::label::Lang;
use crate::labeled_enum;

labeled_enum! {
    /// The part a person plays in a purchase.
    pub enum BuyingRole: "buying role" {
        Executor => ("executor", "购买执行者", "Initiator / executor"),
        User => ("user", "使用者", "User"),
        Influencer => ("influencer", "影响者", "Influencer"),
        TechnicalGatekeeper => ("technical_gatekeeper", "技术把关者", "Technical gatekeeper"),
        DecisionMaker => ("decision_maker", "决策者", "Decision maker"),
        Approver => ("approver", "关键决策者", "Approver / key decision maker"),
    }
}

impl BuyingRole {
    /// Decision makers and approvers: the people who can say yes.
    pub fn decides(self) -> bool {
        matches!(self, Self::DecisionMaker | Self::Approver)
    }

    /// What the role can do, in a line.
    pub fn note(self, lang: Lang) -> &'static str {
        match self {
            Self::Executor => lang.pick("发起并执行采购", "starts and carries out the purchase"),
            Self::User => lang.pick("使用产品,评价效果", "uses the product and judges it"),
            Self::Influencer => lang.pick("影响决策,但不做决定", "sways the decision without making it"),
            Self::TechnicalGatekeeper => lang.pick("能说不,不能说是", "can say no, cannot say yes"),
            Self::DecisionMaker => lang.pick("做出购买决定", "makes the buying decision"),
            Self::Approver => lang.pick("最终拍板", "gives the final yes"),
        }
    }
}

labeled_enum! {
    /// §4.8 Objection types.
    pub enum ObjectionType: "objection type" {
        Price => ("price", "价格异议", "Price"),
        Capability => ("capability", "能力异议", "Capability"),
        False => ("false", "虚假异议", "False"),
        Real => ("real", "真实异议", "Real"),
        Hidden => ("hidden", "隐藏异议", "Hidden"),
    }
}

labeled_enum! {
    /// §4.10 Social style (seed 000 个人档案 个性/风格; seed 004 four types).
    pub enum SocialStyle: "social style" {
        Driver => ("driver", "控制型", "Driver"),
        Analytical => ("analytical", "分析型", "Analytical"),
        Expressive => ("expressive", "倡导型", "Expressive"),
        Amiable => ("amiable", "平易型", "Amiable"),
    }
}

impl SocialStyle {
    /// How to talk to a person of this style (seed 004).
    pub fn advice(self, lang: Lang) -> &'static str {
        match self {
            Self::Driver => lang.pick(
                "简明扼要;讲问题和方案、利益和价值;让对方做决定",
                "Be brief; bring the problem and the proposal, the benefit and the value; let them decide",
            ),
            Self::Analytical => lang.pick(
                "详细周到;讲事实和逻辑;给出理由和细节",
                "Be detailed; bring facts and logic; give reasons and details",
            ),
            Self::Expressive => {
                lang.pick("多谈感受,多交流;讲愿景和新意", "Talk about feelings and talk more; bring vision and novelty")
            }
            Self::Amiable => lang.pick(
                "给人安全感;讲别人怎么做;遵循惯例",
                "Give a sense of safety; show what others do; keep to convention",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::Labeled;

    #[test]
    fn every_enum_parses_from_key_and_both_labels() {
        for r in BuyingRole::ALL {
            assert_eq!(BuyingRole::parse(r.key()), Some(*r));
            assert_eq!(BuyingRole::parse(r.zh()), Some(*r));
            assert_eq!(BuyingRole::parse(r.en()), Some(*r));
        }
        assert_eq!("价格异议".parse::<ObjectionType>(), Ok(ObjectionType::Price));
        assert_eq!("DRIVER".parse::<SocialStyle>(), Ok(SocialStyle::Driver));
        let e = "boss".parse::<BuyingRole>().unwrap_err();
        assert!(e.to_string().contains("decision_maker"), "{e}");
    }

    #[test]
    fn gatekeeper_cannot_say_yes() {
        assert!(!BuyingRole::TechnicalGatekeeper.decides());
        assert!(BuyingRole::Approver.decides());
        assert_eq!(BuyingRole::TechnicalGatekeeper.note(Lang::Zh), "能说不,不能说是");
        assert!(SocialStyle::Driver.advice(Lang::En).contains("let them decide"));
    }
}
