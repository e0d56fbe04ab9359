//! Demo data: realistic fictional data for every record kind, deterministic for a seed
//! and a day.
//!
//! Accounts get orders over two years that put them in every tier (the
//! discounts come from the rules), some receivables overdue past 90 days,
//! visits that leave some accounts overdue for a visit or a contact, and
//! contacts with surnames of special readings (曾 zeng, 单 shan, 解 xie …).
//! The per-field change log is skipped for speed: one log line records that
//! the demo filled the file.

use crate::model::{
    Account, ActionStep, ArchiveCategory, ArchiveEntry, CallPlan, ChangeEvent, Collection, Commitment, Contact,
    CustomerParticipant, FabItem, Feedback, Handover, Id, Influence, IntroQuestion, Meta, Objection, ObservedBehaviour,
    Order, OurParticipant, PlanStatus, Presentation, PresentationParticipant, Resolution, Responsibility, Score,
    Target, VipCard, VipStatus, Visit, VisitContact, VisitKind,
};
use crate::store::{Bulk, Store, StoreError};
use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kam_rules::{Behaviour, BuyingRole, Labeled, Money, ObjectionType, Payment, Rules, SocialStyle, Tier};

const SURNAMES: &str = include_str!("../assets/demo/surnames.txt");
const GIVEN: &str = include_str!("../assets/demo/given.txt");
const CITIES: &str = include_str!("../assets/demo/cities.txt");
const CORES: &str = include_str!("../assets/demo/cores.txt");
const TRADES: &str = include_str!("../assets/demo/trades.txt");
const INDUSTRIES: &str = include_str!("../assets/demo/industries.txt");
const STORES: &str = include_str!("../assets/demo/stores.txt");
const ITEMS: &str = include_str!("../assets/demo/items.txt");

/// What to generate.
pub struct Options {
    pub accounts: u32,
    pub seed: u64,
    /// The day the data is built around (orders up to it, visits before it).
    pub today: NaiveDate,
}

/// What was generated.
pub struct Counts {
    pub accounts: u32,
    pub records: u64,
}

/// SplitMix64: a tiny, fast generator whose sequence never changes between
/// versions, so a seed gives the same file forever (a library generator
/// does not promise that). The crash harness draws its work and its kill
/// schedule from it too.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).unsigned_abs()) as i64
    }

    /// True with probability `percent` %.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// A UUID v7 for a record created at `at`, random bits from the seed.
    fn id(&mut self, at: chrono::DateTime<Utc>) -> Id {
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        Id::from_uuid(uuid::Builder::from_unix_timestamp_millis(millis, &bytes).into_uuid())
    }
}

struct Words {
    surnames: Vec<&'static str>,
    given: Vec<&'static str>,
    cities: Vec<&'static str>,
    cores: Vec<&'static str>,
    trades: Vec<&'static str>,
    industries: Vec<&'static str>,
    stores: Vec<&'static str>,
    items: Vec<&'static str>,
}

impl Words {
    fn load() -> Self {
        let split = |s: &'static str| s.split_whitespace().collect::<Vec<_>>();
        Self {
            surnames: split(SURNAMES),
            given: split(GIVEN),
            cities: split(CITIES),
            cores: split(CORES),
            trades: split(TRADES),
            industries: split(INDUSTRIES),
            stores: split(STORES),
            items: split(ITEMS),
        }
    }

    fn person(&self, rng: &mut Rng) -> String {
        format!("{}{}", rng.pick(&self.surnames), rng.pick(&self.given))
    }

    fn mobile(rng: &mut Rng) -> String {
        let prefix = ["138", "139", "136", "186", "158", "135", "150", "189", "177", "131"];
        let p = prefix[rng.below(prefix.len() as u64) as usize];
        format!("{p}{:04}{:04}", rng.below(10_000), rng.below(10_000))
    }
}

const TITLES: [&str; 10] = [
    "总经理",
    "副总经理",
    "采购总监",
    "采购经理",
    "财务总监",
    "技术总监",
    "运营经理",
    "行政主管",
    "项目经理",
    "董事长",
];
const EDUCATION: [&str; 5] = ["大专", "本科", "硕士", "MBA", "博士"];
const INTERESTS: [&str; 8] = ["高尔夫", "茶道", "书法", "摄影", "马拉松", "钓鱼", "收藏紫砂", "围棋"];
const PURPOSES: [&str; 6] = ["年度合作洽谈", "新品介绍", "回款跟进", "投诉处理回访", "节日问候", "需求调研"];
const EVENT_KINDS: [&str; 5] = ["人事变动", "资金紧张", "并购重组", "新建产线", "主要竞争对手进入"];

fn day_at(d: NaiveDate, hour: u32) -> chrono::DateTime<Utc> {
    let naive = d.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default());
    Utc.from_utc_datetime(&naive)
}

/// Fills the store. Public for the benchmark's and tests' sake through the binary.
pub fn generate(store: &mut Store, rules: &Rules, o: &Options) -> Result<Counts, StoreError> {
    let w = Words::load();
    let mut rng = Rng(o.seed ^ 0x6B61_6D5F_6465_6D6F);
    let today = o.today;
    // Names are unique among the staff: targets are keyed by (rep, period).
    let mut staff = std::collections::BTreeSet::new();
    let mut unique = |n: usize, rng: &mut Rng| -> Vec<String> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let name = w.person(rng);
            if staff.insert(name.clone()) {
                out.push(name);
            }
        }
        out
    };
    let reps = unique((o.accounts / 250).clamp(3, 400) as usize, &mut rng);
    let managers = unique((reps.len() / 8).max(1), &mut rng);
    let note = format!("kam demo --accounts {} --seed {} ({})", o.accounts, o.seed, today);
    let mix = Mix::for_accounts(o.accounts);
    let records = store.bulk_load(&note, |bulk| {
        for _ in 0..o.accounts {
            account(bulk, &mut rng, &w, rules, &reps, &managers, mix, today)?;
        }
        for i in 0..(o.accounts / 10).max(FILLS_A_SCREEN) {
            vip_card(bulk, &mut rng, &w, today, i)?;
        }
        for rep in &reps {
            for back in 0..12 {
                let month = months_back(today, back);
                let planned = Money::from_yuan(rng.range(800_000, 3_000_000));
                let budget = Money::from_yuan(rng.range(20_000, 60_000));
                let created = day_at(month, 9);
                let mut t = Target {
                    meta: meta(&mut rng, created, rep, today),
                    rep: rep.clone(),
                    period: month.format("%Y-%m").to_string(),
                    planned_sales: Some(planned),
                    planned_collection: Some(Money::from_fen(planned.fen() / 10 * 9)),
                    expense_budget: Some(budget),
                    expense_actual: (back > 0).then(|| Money::from_fen(budget.fen() / 100 * rng.range(70, 120))),
                    ability: (back > 0).then(|| rng.range(60, 98) as u8),
                    attitude: (back > 0).then(|| rng.range(65, 100) as u8),
                    // The supervisor scored each month gone by on the next month's first day.
                    scored_by: if back > 0 { managers.first().cloned().unwrap_or_default() } else { String::new() },
                    scored_on: (back > 0).then(|| months_back(today, back - 1)),
                };
                bulk.add(&mut t)?;
            }
        }
        Ok(())
    })?;
    Ok(Counts { accounts: o.accounts, records })
}

/// The first day of the month `back` months before `today`'s.
fn months_back(today: NaiveDate, back: u32) -> NaiveDate {
    let first = today.with_day0(0).unwrap_or(today);
    first.checked_sub_months(chrono::Months::new(back)).unwrap_or(first)
}

use chrono::Datelike;

/// A demo record's meta, created at `created` but never after the start of
/// `today`: plans and presentations are dated up to 45 days ahead, and
/// their records were stamped weeks in the future, where a merge would
/// let them win every later change (issue #17).
fn meta(rng: &mut Rng, created: chrono::DateTime<Utc>, by: &str, today: NaiveDate) -> Meta {
    let created = created.min(day_at(today, 0));
    Meta {
        id: rng.id(created),
        version: 0,
        created_at: created,
        updated_at: created,
        updated_by: by.to_string(),
        deleted_at: None,
    }
}

/// The share of accounts, in percent, with a call plan and with a
/// presentation: 10 and 5 in a large file; more in a small one, so that
/// its plan lists hold about 40 each and fill a screen as a large file's do.
#[derive(Clone, Copy, Debug)]
struct Mix {
    call_plans: u64,
    presentations: u64,
}

/// Plans, presentations and VIP cards a small demo has at least.
const FILLS_A_SCREEN: u32 = 40;

impl Mix {
    fn for_accounts(accounts: u32) -> Self {
        let share = |base: u64| (u64::from(FILLS_A_SCREEN) * 100 / u64::from(accounts.max(1))).clamp(base, 60);
        Self { call_plans: share(10), presentations: share(5) }
    }
}

#[allow(clippy::too_many_arguments)]
fn account(
    bulk: &mut Bulk<'_>,
    rng: &mut Rng,
    w: &Words,
    rules: &Rules,
    reps: &[String],
    managers: &[String],
    mix: Mix,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let opened = today - Duration::days(rng.range(400, 800));
    let created = day_at(opened, 10);
    let owner = reps[rng.below(reps.len() as u64) as usize].clone();
    let city = rng.pick(&w.cities);
    let core = rng.pick(&w.cores);
    let trade = rng.pick(&w.trades);
    let suffix = rng.pick(&["有限公司", "有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]);
    let name = format!("{city}{core}{trade}{suffix}");
    // Tier mix: most silver, some gold, a few platinum (by the volume we aim at).
    let target_yuan = match rng.below(100) {
        0..=64 => rng.range(50_000, 950_000),
        65..=89 => rng.range(1_050_000, 2_900_000),
        _ => rng.range(3_200_000, 9_000_000),
    };
    let scores = if rng.chance(60) {
        let mut v = Vec::new();
        for c in &rules.abc.criteria {
            if rng.chance(70) {
                v.push(Score { criterion: c.key.clone(), score: rng.range(2, 10) as u8 });
            }
        }
        v
    } else {
        Vec::new()
    };
    let override_tier = rng.chance(2);
    let mut a = Account {
        meta: meta(rng, created, &owner, today),
        name,
        short_name: format!("{core}{}", &trade.chars().take(2).collect::<String>()),
        industry: rng.pick(&w.industries).to_string(),
        region: city.to_string(),
        address: format!("{city}市{}路{}号", rng.pick(&w.cores), rng.range(1, 999)),
        phone: format!("0{}-{:04}{:04}", rng.range(10, 999), rng.below(10_000), rng.below(10_000)),
        website: format!("https://www.{}.example.cn", rng.below(1_000_000)),
        company_size: format!("{}人", rng.range(20, 20_000)),
        registered_capital: Some(Money::from_yuan(rng.range(1, 500) * 1_000_000)),
        listed: rng.chance(15),
        owner: owner.clone(),
        tier_override: override_tier.then_some(Tier::Gold),
        tier_override_reason: if override_tier { "战略合作伙伴,总部批准".into() } else { String::new() },
        notes: if rng.chance(30) { "年底集中采购,需提前备货".into() } else { String::new() },
        scores,
        credit_limit: Some(Money::from_yuan(rng.range(1, 50) * 50_000)),
        payment_terms: rng.pick(&["现款现货", "月结30天", "月结60天", "季度结算"]).to_string(),
        customer_since: None,
        archive: Vec::new(),
    };
    let entries = rng.below(3);
    for i in 0..entries {
        let category = ArchiveCategory::ALL[rng.below(6) as usize];
        a.archive.push(ArchiveEntry {
            category,
            date: Some(opened + Duration::days(rng.range(0, 300))),
            title: format!("{}{}", category.zh(), i + 1),
            content: match category {
                ArchiveCategory::Contract => "年度供货框架协议,约定价格与账期".into(),
                ArchiveCategory::Receivable => "分三期还款,经财务总监审批延期".into(),
                ArchiveCategory::Complaint => "到货包装破损,给予一次性折价".into(),
                ArchiveCategory::Industry => "竞争对手推出低价产品线".into(),
                ArchiveCategory::Internal => "季度促销方案,提成按回款计".into(),
                ArchiveCategory::Basic => "客户入会登记表及营业执照复印件".into(),
            },
            amount: matches!(category, ArchiveCategory::Contract | ArchiveCategory::Complaint)
                .then(|| Money::from_yuan(rng.range(1_000, 500_000))),
            approval: if category == ArchiveCategory::Complaint { w.person(rng) } else { String::new() },
            reason: if category == ArchiveCategory::Complaint { "运输破损".into() } else { String::new() },
            responsibility: if category == ArchiveCategory::Complaint { "物流部".into() } else { String::new() },
        });
    }
    bulk.add(&mut a)?;
    let account_id = a.meta.id.clone();

    // Contacts: 2–4, the first the decision maker.
    let n_contacts = rng.range(2, 4);
    let mut contacts: Vec<(Id, String)> = Vec::new();
    for i in 0..n_contacts {
        let cname = w.person(rng);
        let consent = rng.chance(60);
        let mut behaviours = Vec::new();
        let level = rng.below(4); // 0 none … 3 mentor
        for b in Behaviour::ALL {
            let needed = match b.level() {
                kam_rules::AllianceStatus::Supporter => 1,
                kam_rules::AllianceStatus::Ally => 2,
                _ => 3,
            };
            if level >= needed || rng.chance(10) {
                behaviours
                    .push(ObservedBehaviour { behaviour: *b, observed_on: today - Duration::days(rng.range(10, 300)) });
            }
        }
        let mut c = Contact {
            meta: meta(rng, created + Duration::minutes(i + 1), &owner, today),
            account_id: account_id.clone(),
            name: cname.clone(),
            company: a.short_name.clone(),
            title: TITLES[rng.below(TITLES.len() as u64) as usize].to_string(),
            phone: Words::mobile(rng),
            fax: String::new(),
            email: format!("contact{}@example.cn", rng.below(10_000_000)),
            education: EDUCATION[rng.below(5) as usize].to_string(),
            birth_date: NaiveDate::from_ymd_opt(
                rng.range(1960, 1995) as i32,
                rng.range(1, 12) as u32,
                rng.range(1, 28) as u32,
            ),
            address: format!("{}市", rng.pick(&w.cities)),
            spouse: if rng.chance(50) { w.person(rng) } else { String::new() },
            secretary: if i == 0 && rng.chance(50) { w.person(rng) } else { String::new() },
            employer: a.name.clone(),
            reports_to: if i > 0 { contacts.first().map(|(id, _)| id.clone()) } else { None },
            background: format!("曾任职于{}{}", rng.pick(&w.cities), rng.pick(&w.cores)),
            personality: INTERESTS[rng.below(INTERESTS.len() as u64) as usize].to_string(),
            social_style: Some(SocialStyle::ALL[rng.below(4) as usize]),
            recent: "主导了今年的供应商整合项目".into(),
            responsibilities: vec![
                Responsibility { text: "年度采购预算".into() },
                Responsibility { text: "供应商评估".into() },
            ],
            criteria_technical: "质量稳定,交付准时".into(),
            criteria_business: "价格有竞争力,账期灵活".into(),
            buying_role: Some(if i == 0 { BuyingRole::DecisionMaker } else { BuyingRole::ALL[rng.below(6) as usize] }),
            personal_agenda: "希望在年内完成降本目标".into(),
            political_strategy: "安排高层互访,提供成功案例".into(),
            behaviours,
            consent,
            consent_date: consent.then(|| opened + Duration::days(rng.range(0, 60))),
        };
        bulk.add(&mut c)?;
        contacts.push((c.meta.id.clone(), cname));
    }

    // Orders: 10–30 over two years; the last year's sum is about the target.
    let n_orders = rng.range(10, 30);
    let recent = (n_orders * 3 / 5).max(1);
    let per_order = target_yuan / recent;
    let tier_guess = kam_rules::tier::tier_for_volume(rules, Money::from_yuan(target_yuan));
    let overdue_account = rng.chance(8);
    for k in 0..n_orders {
        let in_last_year = k < recent;
        let date = if in_last_year {
            today - Duration::days(rng.range(0, 364))
        } else {
            today - Duration::days(rng.range(365, 729))
        };
        let amount = Money::from_yuan((per_order * rng.range(60, 140) / 100).max(1_000));
        let payment = if rng.chance(30) { Payment::Credit } else { Payment::Cash };
        let promotion = rng.chance(10);
        let quote = kam_rules::discount(rules, tier_guess, amount, payment, promotion);
        let net = amount.apply_rate(quote.rate);
        let due = date
            + Duration::days(match payment {
                Payment::Cash => 0,
                Payment::Credit => [30, 60, 90][rng.below(3) as usize],
            });
        // One order of an overdue account is left unpaid more than 90 days past due.
        let unpaid = overdue_account && k == 0;
        let (date, due) = if unpaid {
            let due = today - Duration::days(rng.range(95, 200));
            (due - Duration::days(60), due)
        } else {
            (date, due)
        };
        let mut collections = Vec::new();
        if unpaid {
            if rng.chance(50) {
                collections.push(Collection { date: due, amount: Money::from_fen(net.fen() / 3) });
            }
        } else if due <= today {
            if net.fen() > 1_000_000 && rng.chance(50) {
                let half = Money::from_fen(net.fen() / 2);
                collections.push(Collection { date: due, amount: half });
                collections.push(Collection { date: (due + Duration::days(15)).min(today), amount: net - half });
            } else {
                collections.push(Collection { date: due.min(today), amount: net });
            }
        }
        let mut order = Order {
            meta: meta(rng, day_at(date, 11), &owner, today),
            account_id: account_id.clone(),
            date,
            amount,
            payment,
            promotion,
            discount_rate: (quote.rate != kam_rules::Rate::FULL).then_some(quote.rate),
            net_amount: net,
            due_date: Some(due),
            rep: owner.clone(),
            collections,
        };
        bulk.add(&mut order)?;
    }

    // Visits: 5–15 over the year; how recent the last one is varies so that
    // some accounts are overdue for a visit or a contact.
    let n_visits = rng.range(5, 15);
    let freshest = match rng.below(100) {
        0..=59 => rng.range(0, 12),
        60..=84 => rng.range(13, 29),
        _ => rng.range(31, 120),
    };
    for k in 0..n_visits {
        let date = today - Duration::days(if k == 0 { freshest } else { freshest + rng.range(1, 330) });
        let kind = VisitKind::ALL[rng.below(5) as usize];
        let by_manager = kind == VisitKind::Visit && rng.chance(35);
        let (cid, _) = &contacts[rng.below(contacts.len() as u64) as usize];
        let mut v = Visit {
            meta: meta(rng, day_at(date, 15), &owner, today),
            account_id: account_id.clone(),
            contacts: vec![VisitContact { contact_id: cid.clone() }],
            date,
            time: None,
            kind,
            by: if by_manager { managers[rng.below(managers.len() as u64) as usize].clone() } else { owner.clone() },
            by_manager,
            purpose: PURPOSES[rng.below(PURPOSES.len() as u64) as usize].to_string(),
            summary: "客户对交付满意,关注明年价格".into(),
            next_step: "发送报价单".into(),
            next_date: Some(date + Duration::days(7)),
            informed: if by_manager { "售后服务部".into() } else { String::new() },
        };
        bulk.add(&mut v)?;
    }

    if rng.chance(10) {
        let date = today - Duration::days(rng.range(1, 200));
        let mut e = ChangeEvent {
            meta: meta(rng, day_at(date, 16), &owner, today),
            account_id: account_id.clone(),
            date,
            kind: EVENT_KINDS[rng.below(EVENT_KINDS.len() as u64) as usize].to_string(),
            description: "采购负责人更换,新任负责人倾向于公开招标".into(),
            follow_up: "安排拜访新负责人".into(),
        };
        bulk.add(&mut e)?;
    }
    if rng.chance(25) {
        let date = today - Duration::days(rng.range(1, 300));
        let complaint = rng.chance(30);
        let mut f = Feedback {
            meta: meta(rng, day_at(date, 17), &owner, today),
            account_id: account_id.clone(),
            date,
            from_whom: contacts[0].1.clone(),
            satisfaction: Some(if complaint { rng.range(1, 3) } else { rng.range(3, 5) } as u8),
            complaint,
            content: if complaint {
                "上批货物延迟三天到货".into()
            } else {
                "服务及时,希望保持".into()
            },
            handling: if complaint { "物流补偿并道歉".into() } else { String::new() },
            closed: !complaint || rng.chance(60),
        };
        bulk.add(&mut f)?;
    }
    if rng.chance(mix.call_plans) {
        call_plan(bulk, rng, w, &account_id, &contacts, &owner, managers, today)?;
    }
    if rng.chance(mix.presentations) {
        presentation(bulk, rng, &account_id, &contacts, &owner, today)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn call_plan(
    bulk: &mut Bulk<'_>,
    rng: &mut Rng,
    w: &Words,
    account_id: &Id,
    contacts: &[(Id, String)],
    owner: &str,
    managers: &[String],
    today: NaiveDate,
) -> Result<(), StoreError> {
    let done = rng.chance(50);
    let date = if done { today - Duration::days(rng.range(1, 60)) } else { today + Duration::days(rng.range(0, 30)) };
    let mut p = CallPlan {
        meta: meta(rng, day_at(date - Duration::days(7), 9), owner, today),
        account_id: account_id.clone(),
        opportunity: "明年年度集采".into(),
        account_executive: w.person(rng),
        phone: Words::mobile(rng),
        location: "客户总部会议室".into(),
        assistant: w.person(rng),
        call_date: Some(date),
        call_time: NaiveTime::from_hms_opt(rng.range(9, 17) as u32, [0, 30][rng.below(2) as usize], 0),
        sales_rep: owner.to_string(),
        manager: managers[rng.below(managers.len() as u64) as usize].clone(),
        objective: "确认采购时间表与决策流程".into(),
        expected_result: "获得参与招标的邀请".into(),
        customer_participants: contacts
            .iter()
            .take(2)
            .map(|(id, name)| CustomerParticipant {
                contact_id: Some(id.clone()),
                name: name.clone(),
                title: "采购总监".into(),
                role: Some(BuyingRole::ALL[rng.below(6) as usize]),
            })
            .collect(),
        our_participants: vec![
            OurParticipant { name: owner.to_string(), title: "客户经理".into(), role: "主讲".into() },
            OurParticipant { name: w.person(rng), title: "技术顾问".into(), role: "答疑".into() },
        ],
        agenda: "1. 回顾合作 2. 了解明年需求 3. 介绍新方案".into(),
        obstacles: "竞争对手报价低 8%".into(),
        resources: "成功案例、样品、报价单".into(),
        prep_business_cards: true,
        prep_materials: true,
        prep_evidence: rng.chance(70),
        prep_proposal: rng.chance(70),
        prep_why_answer: rng.chance(50),
        prep_state: true,
        prep_appearance: true,
        prep_notebook: true,
        prep_value_answer: false,
        prep_different_answer: false,
        influence: vec![Influence {
            view: "认为我们价格偏高".into(),
            how: "展示总拥有成本对比".into(),
            business_value: "降低年度采购成本".into(),
            political_value: "帮助其完成降本目标".into(),
        }],
        introduction: vec![IntroQuestion {
            need: "决策时间表".into(),
            why: "安排资源".into(),
            question: "明年的采购计划什么时候定下来?".into(),
        }],
        what_happened: if done { "客户确认三月启动招标,邀请我方参加".into() } else { String::new() },
        commitments: if done {
            vec![Commitment {
                who: owner.to_string(),
                what: "提交技术方案".into(),
                by: Some(date + Duration::days(14)),
                // Commitments long past their date were kept; recent ones are open.
                done: date + Duration::days(21) < today,
            }]
        } else {
            Vec::new()
        },
        supporter_assessment: if done { "支持者认为机会较大".into() } else { String::new() },
        manager_assessment: if done { "需加强与技术部门的关系".into() } else { String::new() },
        status: if done { PlanStatus::Done } else { PlanStatus::Planned },
    };
    bulk.add(&mut p)
}

fn presentation(
    bulk: &mut Bulk<'_>,
    rng: &mut Rng,
    account_id: &Id,
    contacts: &[(Id, String)],
    owner: &str,
    today: NaiveDate,
) -> Result<(), StoreError> {
    let date = today + Duration::days(rng.range(-30, 45));
    let mut p = Presentation {
        meta: meta(rng, day_at(date - Duration::days(20), 9), owner, today),
        account_id: account_id.clone(),
        opportunity: "仓储自动化改造".into(),
        date: Some(date),
        sales_rep: owner.to_string(),
        objective: "让决策层认可我方方案的投资回报".into(),
        agenda: "痛点回顾 · 方案 · 案例 · 投资回报 · 下一步".into(),
        participants: contacts
            .iter()
            .map(|(id, name)| PresentationParticipant {
                contact_id: Some(id.clone()),
                name_title: format!("{name} 总监"),
                buying_role: Some(BuyingRole::ALL[rng.below(6) as usize]),
                business_arguments: "投资两年回收".into(),
                political_arguments: "项目成功有助其晋升".into(),
            })
            .collect(),
        steps: vec![
            ActionStep {
                step: "确认与会人员".into(),
                owner: owner.to_string(),
                due: Some(date - Duration::days(10)),
                done: true,
            },
            ActionStep {
                step: "准备投资回报测算".into(),
                owner: owner.to_string(),
                due: Some(date - Duration::days(5)),
                done: false,
            },
            ActionStep {
                step: "彩排".into(),
                owner: owner.to_string(),
                due: Some(date - Duration::days(1)),
                done: false,
            },
        ],
    };
    bulk.add(&mut p)
}

fn vip_card(bulk: &mut Bulk<'_>, rng: &mut Rng, w: &Words, today: NaiveDate, i: u32) -> Result<(), StoreError> {
    let date = today - Duration::days(rng.range(0, 180));
    let staff = w.person(rng);
    let surname = rng.pick(&w.surnames);
    let female = rng.chance(60);
    let consent = rng.chance(70);
    let fab = |rng: &mut Rng| -> FabItem {
        let item = rng.pick(&w.items);
        FabItem {
            item: item.to_string(),
            image_path: format!("photos/items/{}.jpg", rng.below(500)),
            fab: "切工极佳(特征),火彩更亮(优势),婚礼上更出彩(利益)".into(),
        }
    };
    let mut card = VipCard {
        meta: meta(rng, day_at(date, 14), &staff, today),
        store: rng.pick(&w.stores).to_string(),
        received_by: staff.clone(),
        visit_date: date,
        visit_time: NaiveTime::from_hms_opt(rng.range(10, 21) as u32, rng.range(0, 59) as u32, 0),
        photo_path: format!("photos/visitors/{i}.jpg"),
        salutation: format!("{surname}{}", if female { "女士" } else { "先生" }),
        age: format!("{}-{}", rng.range(25, 45), rng.range(46, 60)),
        industry: rng.pick(&w.industries).to_string(),
        position: TITLES[rng.below(TITLES.len() as u64) as usize].to_string(),
        vehicle: rng.pick(&["奔驰 E 级", "宝马 5 系", "特斯拉 Model S", "奥迪 A6", "步行"]).to_string(),
        phone: Words::mobile(rng),
        accessories: rng.pick(&["卡地亚手镯", "劳力士腕表", "爱马仕手袋", "无"]).to_string(),
        style: rng.pick(&["简约", "经典", "时尚"]).to_string(),
        usage: rng.pick(&["结婚", "纪念日", "自用", "送礼"]).to_string(),
        price_range: rng.pick(&["1-3万", "3-5万", "5-10万", "10万以上"]).to_string(),
        material: rng.pick(&["铂金", "18K金", "玫瑰金"]).to_string(),
        traits: "对切工很在意,带着母亲一起来".into(),
        recommended: (0..3).map(|_| fab(rng)).collect(),
        objections: vec![
            Objection { kind: Some(ObjectionType::Price), text: "比别家贵".into() },
            Objection { kind: Some(ObjectionType::ALL[rng.below(5) as usize]), text: "想再看看".into() },
        ],
        reception_summary: "试戴三款,对第一款最满意".into(),
        team_suggestions: "下次推荐同系列对戒".into(),
        re_recommended: (0..rng.range(1, 3)).map(|_| fab(rng)).collect(),
        resolutions: vec![Resolution { text: "说明证书与售后保养,价格物有所值".into() }],
        status: VipStatus::ALL[rng.below(3) as usize],
        next_contact: None,
        account_id: None,
        handovers: if rng.chance(30) {
            vec![Handover {
                from: staff, to: w.person(rng), date: date + Duration::days(1), note: "休假交接".into()
            }]
        } else {
            Vec::new()
        },
        consent,
        consent_date: consent.then_some(date),
    };
    // Follow up two weeks after the visit unless the card is closed.
    card.next_contact = (card.status != VipStatus::Closed).then_some(date + Duration::days(14));
    bulk.add(&mut card)
}
