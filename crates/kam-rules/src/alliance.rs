//! §4.5 Political alliance status (seed 000 个人档案, 政治联盟状态 行为).
//!
//! The seed lists behaviours in three levels, marked `=` (supporter), `+`
//! (ally) and `?` (mentor). The status is the highest level whose behaviours
//! have all been observed.

use crate::label::Labeled;
use crate::labeled_enum;

labeled_enum! {
    /// A contact's alliance status, weakest first.
    pub enum AllianceStatus: "alliance status" {
        None => ("none", "未结盟", "None"),
        Supporter => ("supporter", "支持者", "Supporter"),
        Ally => ("ally", "同盟者", "Ally"),
        Mentor => ("mentor", "指导者", "Mentor"),
    }
}

labeled_enum! {
    /// An observed behaviour of seed 000's 政治联盟状态 list.
    pub enum Behaviour: "alliance behaviour" {
        AcknowledgesNeed => ("acknowledges_need", "认为存在一个需要或者一个问题,同意需要一个解决方案或改变", "Acknowledges a need or problem and agrees a solution or change is needed"),
        GivesInformation => ("gives_information", "提供主要产品和商业方面的信息", "Gives key product and business information"),
        ExplainsEvents => ("explains_events", "理解并且愿意解释显要的事件", "Understands and explains compelling events"),
        AgreesPotentialSolution => ("agrees_potential_solution", "同意你的公司或者产品是一个潜在的解决方案", "Agrees we are a potential solution"),
        InvestsTime => ("invests_time", "投入时间和精力来了解你的公司或者产品的能力", "Invests time to understand our capability"),
        PrivatelyBest => ("privately_best", "私底下承认你的产品或者公司是最好的方案", "Privately says we are the best solution"),
        WorksOnPlan => ("works_on_plan", "愿意与你一起工作来开发一个计划来采用你的解决方案", "Works with us on a plan to adopt our solution"),
        PubliclyBest => ("publicly_best", "公开承认你的产品或者公司是最好的方案", "Publicly says we are the best solution"),
        SharesCompetitorPlans => ("shares_competitor_plans", "向你提供竞争对手的计划信息", "Shares competitors' plans"),
        SharesPolitics => ("shares_politics", "提供个人性格、个人议程和个人政策的信息", "Shares personalities, agendas and politics"),
        AnswersToManagement => ("answers_to_management", "愿意为执行你的解决方案向管理阶层承担责任", "Answers to management for our solution"),
        SharesConfidentialPlans => ("shares_confidential_plans", "与你分享公司的机密计划,并告诉你你的解决方案的关键作用", "Shares confidential plans and why our solution matters"),
        TestsPlanAgainstCompetitors => ("tests_plan_against_competitors", "积极地与你工作来开发和测试你的计划,帮助你击败竞争对手", "Develops and tests our plan with us against competitors"),
        TiesSuccessToPlan => ("ties_success_to_plan", "告诉你他/她的成功与你的计划有关系", "Ties their own success to our plan"),
        SellsForUs => ("sells_for_us", "当你不在的时候积极和有效地帮你销售", "Sells for us when we are not there"),
    }
}

impl Behaviour {
    /// The level this behaviour belongs to.
    pub fn level(self) -> AllianceStatus {
        use Behaviour as B;
        match self {
            B::AcknowledgesNeed
            | B::GivesInformation
            | B::ExplainsEvents
            | B::AgreesPotentialSolution
            | B::InvestsTime => AllianceStatus::Supporter,
            B::PrivatelyBest | B::WorksOnPlan | B::PubliclyBest | B::SharesCompetitorPlans | B::SharesPolitics => {
                AllianceStatus::Ally
            }
            B::AnswersToManagement
            | B::SharesConfidentialPlans
            | B::TestsPlanAgainstCompetitors
            | B::TiesSuccessToPlan
            | B::SellsForUs => AllianceStatus::Mentor,
        }
    }

    /// The seed's mark for the level: `=`, `+` or `?`.
    pub fn mark(self) -> char {
        match self.level() {
            AllianceStatus::Supporter => '=',
            AllianceStatus::Ally => '+',
            AllianceStatus::Mentor => '?',
            AllianceStatus::None => ' ',
        }
    }
}

/// The highest level all of whose behaviours are among `observed`.
pub fn alliance_status(observed: &[Behaviour]) -> AllianceStatus {
    [AllianceStatus::Mentor, AllianceStatus::Ally, AllianceStatus::Supporter]
        .into_iter()
        .find(|level| Behaviour::ALL.iter().filter(|b| b.level() == *level).all(|b| observed.contains(b)))
        .unwrap_or(AllianceStatus::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(level: AllianceStatus) -> Vec<Behaviour> {
        Behaviour::ALL.iter().copied().filter(|b| b.level() == level).collect()
    }

    #[test]
    fn each_level() {
        assert_eq!(alliance_status(&[]), AllianceStatus::None);
        let sup = of(AllianceStatus::Supporter);
        assert_eq!(alliance_status(&sup), AllianceStatus::Supporter);
        assert_eq!(alliance_status(&sup[..4]), AllianceStatus::None, "one supporter behaviour missing");
        let mut ally = sup.clone();
        ally.extend(of(AllianceStatus::Ally));
        assert_eq!(alliance_status(&ally), AllianceStatus::Ally);
        assert_eq!(alliance_status(&ally[..9]), AllianceStatus::Supporter, "one ally behaviour missing");
        assert_eq!(alliance_status(Behaviour::ALL), AllianceStatus::Mentor);
        assert_eq!(alliance_status(&Behaviour::ALL[..14]), AllianceStatus::Ally);
        // The highest complete level counts, as the seed's rule says.
        assert_eq!(alliance_status(&of(AllianceStatus::Mentor)), AllianceStatus::Mentor);
    }

    #[test]
    fn five_behaviours_per_level_with_marks() {
        for (level, mark) in
            [(AllianceStatus::Supporter, '='), (AllianceStatus::Ally, '+'), (AllianceStatus::Mentor, '?')]
        {
            let bs = of(level);
            assert_eq!(bs.len(), 5);
            assert!(bs.iter().all(|b| b.mark() == mark));
        }
    }
}
