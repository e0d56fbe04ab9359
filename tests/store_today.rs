//! The Today tab's reads on a real file with a fixed day: each section's
//! membership, order and boundaries.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kam::model::{
    Account, ActionStep, CallPlan, Collection, Commitment, Contact, Id, Order, PlanStatus, Presentation, VipCard,
    VipStatus, Visit, VisitKind,
};
use kam::store::{PlanType, Store};
use kam_rules::{Money, Payment, Rules, Tier};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Far enough ahead that every account, created now, is older than the
/// cadence limits on this day.
const TODAY: &str = "2030-06-15";

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("kam.db"), common::clock()).expect("open")
}

fn account(s: &mut Store, name: &str) -> Id {
    let mut a = Account { name: name.into(), owner: "王芳".into(), ..Account::default() };
    s.insert(&mut a).expect("account");
    a.meta.id
}

fn visit(s: &mut Store, account: &Id, days_ago: i64, kind: VisitKind, by_manager: bool) {
    let mut v = Visit {
        account_id: account.clone(),
        date: d(TODAY) - Duration::days(days_ago),
        kind,
        by_manager,
        by: "王芳".into(),
        ..Visit::default()
    };
    s.insert(&mut v).expect("visit");
}

#[test]
fn cadence_limits_at_30_days_and_oldest_first() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let rules = Rules::default();
    for (name, days) in [("甲29", 29), ("乙30", 30), ("丙31", 31)] {
        let id = account(&mut s, name);
        visit(&mut s, &id, days, VisitKind::Visit, true);
        visit(&mut s, &id, 1, VisitKind::Phone, false);
    }
    // A manager visit 20 days ago and nothing since: past the 15-day contact limit.
    let quiet = account(&mut s, "丁");
    visit(&mut s, &quiet, 20, VisitKind::Visit, true);
    // Never visited: counts from the day it was opened (now, years before TODAY).
    account(&mut s, "戊");
    let overdue = s.overdue_accounts(&rules, d(TODAY)).expect("overdue");
    let names: Vec<&str> = overdue.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["戊", "丁", "丙31"], "29 and 30 days are within the limit; the longest overdue first");
    assert_eq!(overdue[1].cadence.contact_overdue_by, Some(5));
    assert_eq!(overdue[2].cadence.visit_overdue_by, Some(1));
    assert_eq!(overdue[2].cadence.contact_overdue_by, None);
}

#[test]
fn a_managers_phone_call_does_not_clear_the_monthly_visit() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let rules = Rules::default();
    // Both: a manager's visit 31 days ago, then a manager's contact 29 days ago.
    let called = account(&mut s, "电话");
    visit(&mut s, &called, 31, VisitKind::Visit, true);
    visit(&mut s, &called, 29, VisitKind::Phone, true);
    let met = account(&mut s, "会议");
    visit(&mut s, &met, 31, VisitKind::Visit, true);
    visit(&mut s, &met, 29, VisitKind::Meeting, true);
    // Both called by the rep yesterday: within the 15-day contact limit.
    visit(&mut s, &called, 1, VisitKind::Phone, false);
    visit(&mut s, &met, 1, VisitKind::Phone, false);
    let overdue = s.overdue_accounts(&rules, d(TODAY)).expect("overdue");
    let names: Vec<&str> = overdue.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["电话"], "the call is a contact, not a visit; the meeting is a visit");
    assert_eq!(overdue[0].cadence.visit_overdue_by, Some(1));
    assert_eq!(overdue[0].cadence.contact_overdue_by, None);
    // The account list's row reads the same rule.
    let q = kam::store::AccountListQuery { filter: "电话".into(), ..kam::store::AccountListQuery::first(d(TODAY)) };
    let rows = s.account_page(&rules, &q).expect("page").rows;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].id.clone(), rows[0].cadence.visit_overdue_by), (called, Some(1)));
}

fn contact(s: &mut Store, account: &Id, name: &str, birth: &str) -> Id {
    let mut c =
        Contact { account_id: account.clone(), name: name.into(), birth_date: Some(d(birth)), ..Contact::default() };
    s.insert(&mut c).expect("contact");
    c.meta.id
}

#[test]
fn birthdays_within_seven_days_across_the_year_end_and_feb_29() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "华联");
    contact(&mut s, &a, "今天", "1980-12-28");
    contact(&mut s, &a, "七天", "1975-01-04");
    contact(&mut s, &a, "八天", "1975-01-05");
    contact(&mut s, &a, "昨天", "1990-12-27");
    contact(&mut s, &a, "元旦", "1988-01-01");
    contact(&mut s, &a, "闰日", "1992-02-29");
    let b = s.birthdays(d("2030-12-28"), 7).expect("birthdays");
    let got: Vec<(&str, i64)> = b.iter().map(|b| (b.name.as_str(), b.in_days)).collect();
    assert_eq!(got, [("今天", 0), ("元旦", 4), ("七天", 7)], "Dec 28 to Jan 4 wraps the year; 8 days is out");
    assert_eq!(b[1].on, d("2031-01-01"));
    // 2031 has no 29 February: the birthday is kept on the 28th.
    let b = s.birthdays(d("2031-02-22"), 7).expect("birthdays");
    assert_eq!(b.iter().map(|b| (b.name.as_str(), b.on)).collect::<Vec<_>>(), [("闰日", d("2031-02-28"))]);
    let b = s.birthdays(d("2031-02-20"), 7).expect("birthdays");
    assert!(b.is_empty(), "28 February is 8 days from the 20th");
}

fn call(s: &mut Store, account: &Id, date: &str, status: PlanStatus, commitments: Vec<Commitment>) -> Id {
    let mut p = CallPlan {
        account_id: account.clone(),
        call_date: Some(d(date)),
        objective: format!("call {date}"),
        what_happened: if status == PlanStatus::Done { "谈妥".into() } else { String::new() },
        status,
        commitments,
        ..CallPlan::default()
    };
    s.insert(&mut p).expect("call plan");
    p.meta.id
}

fn commitment(what: &str, by: Option<&str>, done: bool) -> Commitment {
    Commitment { who: "王芳".into(), what: what.into(), by: by.map(d), done }
}

#[test]
fn plans_due_and_open_commitments() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "华联");
    call(&mut s, &a, "2030-06-15", PlanStatus::Planned, vec![]);
    call(&mut s, &a, "2030-06-10", PlanStatus::Planned, vec![]);
    call(&mut s, &a, "2030-06-16", PlanStatus::Planned, vec![]);
    let done = call(
        &mut s,
        &a,
        "2030-06-01",
        PlanStatus::Done,
        vec![
            commitment("报价", Some("2030-06-20"), false),
            commitment("样品", Some("2030-06-05"), false),
            commitment("合同", None, false),
            commitment("已发", Some("2030-06-02"), true),
        ],
    );
    // Commitments of a call not yet done are not open commitments.
    call(&mut s, &a, "2030-06-14", PlanStatus::Planned, vec![commitment("未开", Some("2030-06-01"), false)]);
    let mut p = Presentation {
        account_id: a.clone(),
        date: Some(d("2030-06-12")),
        objective: "演示".into(),
        steps: vec![ActionStep { step: "准备".into(), owner: "王芳".into(), due: None, done: false }],
        ..Presentation::default()
    };
    s.insert(&mut p).expect("presentation");
    let mut finished = Presentation {
        account_id: a.clone(),
        date: Some(d("2030-06-11")),
        objective: "已演示".into(),
        steps: vec![ActionStep { step: "准备".into(), owner: "王芳".into(), due: None, done: true }],
        ..Presentation::default()
    };
    s.insert(&mut finished).expect("presentation");

    let due = s.plans_due(d(TODAY)).expect("due");
    let got: Vec<(PlanType, NaiveDate)> = due.iter().map(|p| (p.kind, p.date)).collect();
    assert_eq!(
        got,
        [
            (PlanType::Call, d("2030-06-10")),
            (PlanType::Presentation, d("2030-06-12")),
            (PlanType::Call, d("2030-06-14")),
            (PlanType::Call, d("2030-06-15")),
        ],
        "planned, dated today or earlier, oldest first; tomorrow's and finished ones are not due"
    );

    let open = s.open_commitments().expect("open");
    let whats: Vec<&str> = open.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(whats, ["样品", "报价", "合同"], "earliest date first, undated last, done ones left out");
    s.tick_commitment(&done, open[0].pos).expect("tick");
    let open = s.open_commitments().expect("open");
    assert_eq!(open.iter().map(|c| c.what.as_str()).collect::<Vec<_>>(), ["报价", "合同"]);
    let stored: CallPlan = s.get(&done).expect("plan");
    assert!(stored.commitments[1].done);
    assert_eq!(stored.meta.version, 2, "ticking is an edit of the plan, logged");
}

#[test]
fn vip_cards_due_not_closed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    for (who, next, status) in [
        ("王先生", Some("2030-06-15"), VipStatus::Prospect),
        ("李女士", Some("2030-06-01"), VipStatus::Vip),
        ("赵先生", Some("2030-06-16"), VipStatus::Prospect),
        ("钱女士", Some("2030-06-01"), VipStatus::Closed),
        ("孙先生", None, VipStatus::Prospect),
    ] {
        let mut c = VipCard {
            store: "南京路店".into(),
            received_by: "小陈".into(),
            visit_date: d("2030-05-01"),
            salutation: who.into(),
            status,
            next_contact: next.map(d),
            ..VipCard::default()
        };
        s.insert(&mut c).expect("card");
    }
    let due = s.vip_due(d(TODAY)).expect("due");
    assert_eq!(due.iter().map(|c| c.salutation.as_str()).collect::<Vec<_>>(), ["李女士", "王先生"]);
}

fn order(s: &mut Store, account: &Id, date: &str, yuan: i64, due: &str, paid: i64) {
    let amount = Money::from_yuan(yuan);
    let mut o = Order {
        account_id: account.clone(),
        date: d(date),
        amount,
        payment: Payment::Credit,
        net_amount: amount,
        due_date: Some(d(due)),
        collections: if paid > 0 { vec![Collection { date: d(due), amount: Money::from_yuan(paid) }] } else { vec![] },
        ..Order::default()
    };
    s.insert(&mut o).expect("order");
}

#[test]
fn receivables_past_90_days_downgrade_longest_first_and_silver_is_not_listed() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let rules = Rules::default();
    let gold = account(&mut s, "金牌");
    order(&mut s, &gold, "2030-01-10", 1_500_000, "2030-03-16", 500_000); // 91 days overdue
    let ninety = account(&mut s, "九十天");
    order(&mut s, &ninety, "2030-01-10", 100_000, "2030-03-17", 0); // exactly 90: not yet
    let gold90 = account(&mut s, "金牌九十天");
    order(&mut s, &gold90, "2030-01-10", 1_500_000, "2030-03-17", 0); // gold, exactly 90: not yet
    let platinum = account(&mut s, "白金");
    order(&mut s, &platinum, "2030-01-05", 3_500_000, "2030-02-01", 3_000_000); // 134 days
                                                                                // Silver stays silver (§4.4): 165 days overdue, but no tier to lose, so not listed.
    let silver = account(&mut s, "银牌");
    order(&mut s, &silver, "2029-12-01", 50_000, "2030-01-01", 0);
    order(&mut s, &silver, "2029-12-02", 30_000, "2030-06-01", 0); // overdue, but not past the limit
    let paid = account(&mut s, "已付");
    order(&mut s, &paid, "2029-12-01", 50_000, "2030-01-01", 50_000);
    let down = s.downgrades(&rules, d(TODAY)).expect("downgrades");
    let got: Vec<(&str, i64, Money, Tier, Tier)> =
        down.iter().map(|x| (x.name.as_str(), x.days_overdue, x.amount, x.from, x.to)).collect();
    assert_eq!(
        got,
        [
            ("白金", 134, Money::from_yuan(500_000), Tier::Platinum, Tier::Gold),
            ("金牌", 91, Money::from_yuan(1_000_000), Tier::Gold, Tier::Silver),
        ],
        "only accounts whose tier goes down"
    );
    assert!(down.iter().all(|x| x.from != x.to));
    let (tiers, abc) = s.distribution(&rules, d(TODAY)).expect("distribution");
    assert_eq!(tiers, [4, 2, 0], "gold and platinum each one tier down; gold at 90 days keeps its tier");
    assert_eq!(abc, [0, 0, 0, 6]);
}

#[test]
fn changes_today_and_since_the_last_export() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let start = s.now() - Duration::hours(1);
    let end = s.now() + Duration::hours(1);
    let a = account(&mut s, "华联");
    contact(&mut s, &a, "张三", "1980-01-01");
    contact(&mut s, &a, "李四", "1980-01-02");
    let today = s.changed_between(start, end).expect("today");
    assert_eq!(today.get("account"), Some(&1));
    assert_eq!(today.get("contact"), Some(&2));
    assert_eq!(s.changed_since(None).expect("all"), 3);
    assert_eq!(s.last_export().expect("none"), None);
    let at = s.now();
    s.set_last_export(at).expect("noted");
    assert_eq!(s.changed_since(s.last_export().expect("read")).expect("since"), 0);
    let mut later = s.clock();
    later.advance(Duration::seconds(1));
    s.set_clock(later);
    contact(&mut s, &a, "王五", "1980-01-03");
    assert_eq!(s.changed_since(s.last_export().expect("read")).expect("since"), 1);
    let past = Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).single().expect("t");
    assert!(s.changed_between(past, past + Duration::days(1)).expect("none").is_empty());
}

#[test]
fn pictures_by_month_and_week() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "华联");
    order(&mut s, &a, "2030-06-01", 1_000, "2030-06-10", 400);
    order(&mut s, &a, "2029-07-01", 2_000, "2029-08-01", 0);
    order(&mut s, &a, "2029-06-30", 9_000, "2029-07-01", 0); // 13 months back: left out
                                                             // A discounted order counts at what the customer owes, as the evaluation's sales do.
    let mut discounted = Order {
        account_id: a.clone(),
        date: d("2030-05-02"),
        amount: Money::from_yuan(1_000),
        net_amount: Money::from_yuan(900),
        ..Order::default()
    };
    s.insert(&mut discounted).expect("order");
    visit(&mut s, &a, 0, VisitKind::Visit, false);
    visit(&mut s, &a, 6, VisitKind::Visit, false);
    visit(&mut s, &a, 7, VisitKind::Visit, false);
    visit(&mut s, &a, 7, VisitKind::Phone, false);
    visit(&mut s, &a, 83, VisitKind::Visit, false);
    visit(&mut s, &a, 84, VisitKind::Visit, false);
    let months = s.months(d(TODAY)).expect("months");
    assert_eq!(months.len(), 12);
    assert_eq!(months[0].month, "2029-07");
    assert_eq!(months[0].orders, Money::from_yuan(2_000));
    assert_eq!(months[11].orders, Money::from_yuan(1_000));
    assert_eq!(months[11].collected, Money::from_yuan(400));
    assert_eq!((months[10].month.as_str(), months[10].orders), ("2030-05", Money::from_yuan(900)), "net, not list");
    let weeks = s.weekly_visits(d(TODAY)).expect("weeks");
    assert_eq!(weeks.len(), 12);
    assert_eq!(weeks[11], 2, "today and 6 days ago; the phone call is not a visit");
    assert_eq!(weeks[10], 1);
    assert_eq!(weeks[0], 1, "83 days ago is in the first week, 84 before it");
}

#[test]
fn whole_today_read_and_plan_warnings() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let rules = Rules::default();
    let a = account(&mut s, "华联");
    call(&mut s, &a, "2030-06-20", PlanStatus::Planned, vec![commitment("报价", None, false)]);
    call(&mut s, &a, "2030-01-01", PlanStatus::Planned, vec![]); // too old to be checked
    let t = s.today(&rules, d(TODAY), s.now() - Duration::hours(1), s.now() + Duration::hours(1)).expect("today");
    assert_eq!(t.warnings.len(), 1);
    let keys: Vec<&str> = t.warnings[0].warnings.iter().map(kam_rules::plan_check::PlanWarning::key).collect();
    for k in ["no_decision_maker", "no_ally", "no_question", "commitment_incomplete"] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    assert_eq!(t.overdue.len(), 1);
    assert_eq!(t.plans_due.len(), 1);
    assert_eq!(t.tiers.iter().sum::<u64>(), 1);
    assert_eq!(t.changed_since_export, 3);
}

#[test]
fn an_export_up_to_now_is_noted_an_earlier_range_is_not() {
    use kam::exchange::day_end::{day_end_options, day_span, note_export};
    let dir = tempfile::tempdir().expect("tmp");
    let s = open(&dir);
    let now = s.now();
    let mut past = day_end_options(&s, kam_rules::Lang::En, d("2026-01-05"), dir.path().join("x"), now);
    note_export(&s, &past).expect("note");
    assert_eq!(s.last_export().expect("read"), None, "an export of an earlier day leaves today unexported");
    past.span = day_span(now.with_timezone(&chrono::Local).date_naive());
    note_export(&s, &past).expect("note");
    let noted = s.last_export().expect("read").expect("noted");
    assert!((noted - now).num_milliseconds().abs() <= 1);
}

#[test]
fn a_rep_is_an_owner_a_target_or_a_visitor() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "华联"); // owned by 王芳
    let mut v =
        Visit { account_id: a, date: d(TODAY), kind: VisitKind::Visit, by: "张三".into(), ..Visit::default() };
    s.insert(&mut v).expect("visit");
    let mut t = kam::model::Target { rep: "李雷".into(), period: "2030-06".into(), ..kam::model::Target::default() };
    s.insert(&mut t).expect("target");
    for (name, known) in [("王芳", true), ("张三", true), ("李雷", true), ("王小明", false), ("", false)] {
        assert_eq!(s.is_rep(name).expect("read"), known, "{name}");
    }
}

#[test]
fn the_annual_window_is_the_rules_choice_everywhere_the_store_sums_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "年度");
    // TODAY is 2030-06-15: 2,000,000 last December, 500,000 this year, all paid.
    order(&mut s, &a, "2029-12-31", 2_000_000, "2029-12-31", 2_000_000);
    order(&mut s, &a, "2030-01-02", 500_000, "2030-01-02", 500_000);
    let page = |s: &Store, rules: &Rules| {
        let q =
            kam::store::AccountListQuery { filter: "年度".into(), ..kam::store::AccountListQuery::first(d(TODAY)) };
        let row = s.account_page(rules, &q).expect("page").rows.remove(0);
        (row.annual, row.tier.tier, s.distribution(rules, d(TODAY)).expect("distribution").0)
    };
    let rolling = Rules::default();
    assert_eq!(page(&s, &rolling), (Money::from_yuan(2_500_000), kam_rules::Tier::Gold, [0, 1, 0]));
    let mut calendar = Rules::default();
    calendar.tier.annual_window = kam_rules::rules::AnnualWindow::CalendarYear;
    assert_eq!(page(&s, &calendar), (Money::from_yuan(500_000), kam_rules::Tier::Silver, [1, 0, 0]));
    let text = "[tier]\nannual_window = \"calendar_year\"\n";
    assert_eq!(Rules::from_toml(text).expect("rules").tier.annual_window, calendar.tier.annual_window);
}

#[test]
fn a_residue_within_the_rules_threshold_neither_downgrades_nor_lists() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let a = account(&mut s, "尾款");
    // Gold by volume; 5.00 yuan left on an order due 120 days before TODAY.
    order(&mut s, &a, "2030-01-01", 2_000_000, "2030-02-15", 0);
    let id = a.clone();
    let mut o: Vec<Order> = s.list_for_account(&id).expect("orders");
    o[0].collections = vec![Collection { date: d("2030-02-15"), amount: Money::from_fen(2_000_000_00 - 5_00) }];
    s.update(&mut o[0], "").expect("collect");
    let seen = |s: &Store, rules: &Rules| {
        let q =
            kam::store::AccountListQuery { filter: "尾款".into(), ..kam::store::AccountListQuery::first(d(TODAY)) };
        let row = s.account_page(rules, &q).expect("page").rows.remove(0);
        (
            row.tier.tier,
            s.downgrades(rules, d(TODAY)).expect("downgrades").len(),
            s.distribution(rules, d(TODAY)).expect("d").0,
        )
    };
    assert_eq!(seen(&s, &Rules::default()), (kam_rules::Tier::Silver, 1, [1, 0, 0]), "the seeds' rule: 5 yuan counts");
    let ignored = Rules::from_toml("[downgrade]\nresidue = 5\n").expect("rules");
    assert_eq!(seen(&s, &ignored), (kam_rules::Tier::Gold, 0, [0, 1, 0]), "5.00 at the threshold is ignored");
    let counted = Rules::from_toml("[downgrade]\nresidue = 4.99\n").expect("rules");
    assert_eq!(seen(&s, &counted).1, 1);
    assert!(Rules::from_toml("[downgrade]\nresidue = 100001\n").is_err(), "past the documented range");
}

#[test]
fn a_tier_with_its_own_cadence_is_held_to_it_on_today_and_in_the_list() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = open(&dir);
    let mut top = Account { name: "白金客户".into(), owner: "王芳".into(), ..Account::default() };
    top.tier_override = Some(Tier::Platinum);
    top.tier_override_reason = "战略客户".into();
    s.insert(&mut top).expect("account");
    let plain = account(&mut s, "普通客户");
    for id in [&top.meta.id, &plain] {
        visit(&mut s, id, 20, VisitKind::Visit, true);
        visit(&mut s, id, 1, VisitKind::Phone, false);
    }
    let shared = Rules::default();
    assert!(s.overdue_accounts(&shared, d(TODAY)).expect("overdue").is_empty(), "20 days is within 30 for all");
    let rules = Rules::from_toml("[cadence.tiers.platinum]\nmanager_visit_days = 14\n").expect("rules");
    let overdue = s.overdue_accounts(&rules, d(TODAY)).expect("overdue");
    let names: Vec<&str> = overdue.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["白金客户"]);
    assert_eq!(overdue[0].cadence.visit_overdue_by, Some(6));
    let q = kam::store::AccountListQuery { filter: "客户".into(), ..kam::store::AccountListQuery::first(d(TODAY)) };
    let rows = s.account_page(&rules, &q).expect("page").rows;
    let flags: Vec<(&str, Option<i64>)> = rows.iter().map(|r| (r.name.as_str(), r.cadence.visit_overdue_by)).collect();
    assert!(flags.contains(&("白金客户", Some(6))) && flags.contains(&("普通客户", None)), "{flags:?}");
}

#[test]
fn next_steps_due_today_or_past_and_only_the_newest_visits() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = open(&tmp);
    let today = d(TODAY);
    let step = |s: &mut Store, account: &Id, visited: i64, next: i64, what: &str| {
        let mut v = Visit {
            account_id: account.clone(),
            date: today - Duration::days(visited),
            next_date: Some(today + Duration::days(next)),
            next_step: what.into(),
            by: "王芳".into(),
            ..Visit::default()
        };
        s.insert(&mut v).expect("visit");
    };
    let (due, late, tomorrow, superseded) = (
        account(&mut s, "今天到期"),
        account(&mut s, "逾期三天"),
        account(&mut s, "明天到期"),
        account(&mut s, "已被取代"),
    );
    step(&mut s, &due, 5, 0, "送样品");
    step(&mut s, &late, 10, -3, "报价");
    step(&mut s, &tomorrow, 1, 1, "回访");
    // An old visit's step, superseded by a newer visit with none.
    step(&mut s, &superseded, 20, -10, "旧的下一步");
    visit(&mut s, &superseded, 2, VisitKind::Visit, false);
    let found = s.next_steps_due(today).expect("read");
    let names: Vec<(&str, &str)> = found.iter().map(|x| (x.account.as_str(), x.step.as_str())).collect();
    assert_eq!(names, vec![("逾期三天", "报价"), ("今天到期", "送样品")], "the longest due first; tomorrow's waits");
    assert_eq!(found[1].due, today, "due today is listed");
}

#[test]
fn open_complaints_are_complaints_not_closed() {
    use kam::model::Feedback;
    let tmp = tempfile::tempdir().expect("tmp");
    let mut s = open(&tmp);
    let a = account(&mut s, "华联");
    let fb = |s: &mut Store, complaint: bool, closed: bool, what: &str| {
        let mut f = Feedback {
            account_id: a.clone(),
            date: d(TODAY),
            complaint,
            closed,
            content: what.into(),
            ..Feedback::default()
        };
        s.insert(&mut f).expect("feedback");
        f.meta.id
    };
    fb(&mut s, true, false, "交货晚");
    fb(&mut s, true, true, "已处理的投诉");
    fb(&mut s, false, false, "表扬");
    let open = s.open_complaints().expect("read");
    assert_eq!(open.iter().map(|c| c.content.as_str()).collect::<Vec<_>>(), vec!["交货晚"]);
}
