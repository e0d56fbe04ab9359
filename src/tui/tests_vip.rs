//! Tab 4 driven by keys: capture a card, find it by the phone's last
//! digits, hand it over, make it an account, learn from the cards; the
//! list with its summary and the form as insta snapshots.

use chrono::{NaiveDate, NaiveTime};
use crossterm::event::KeyCode;
use kam_rules::{Lang, ObjectionType};
use tempfile::TempDir;
use unicode_width::UnicodeWidthStr;

use super::app::{App, Popup, Tab};
use super::tests::{app, buffer, ctrl, draw, find, press, today, typed};
use super::vip::Learned;
use crate::model::{Account, FabItem, Handover, Objection, Resolution, VipCard, VipStatus};

fn at_half_past_two() -> NaiveTime {
    NaiveTime::from_hms_opt(14, 30, 0).expect("time")
}

/// An app on tab 4 with a fixed clock.
fn vip_app(lang: Lang) -> (TempDir, App) {
    let (dir, mut app) = app(lang);
    app.store.set_clock(crate::clock::Clock::at_local(today(), at_half_past_two()));
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Vip);
    (dir, app)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

/// Two cards: 陈先生 handed over with a resolved objection, 王女士 newer.
pub(super) fn seeded(lang: Lang) -> (TempDir, App) {
    let (dir, mut app) = vip_app(lang);
    let fab = |item: &str, fab: &str| FabItem { item: item.into(), image_path: String::new(), fab: fab.into() };
    let mut chen = VipCard {
        store: "西湖店".into(),
        received_by: "李娜".into(),
        visit_date: d("2026-11-18"),
        visit_time: NaiveTime::from_hms_opt(11, 5, 0),
        salutation: "陈先生".into(),
        age: "40-50".into(),
        industry: "金融".into(),
        vehicle: "奥迪 A6".into(),
        phone: "139-1234-1234".into(),
        status: VipStatus::Vip,
        recommended: vec![fab("手镯", "足金古法, 可传家")],
        objections: vec![Objection { kind: Some(ObjectionType::Capability), text: "担心尺寸".into() }],
        resolutions: vec![Resolution { text: "免费改圈".into() }],
        handovers: vec![Handover {
            from: "李娜".into(),
            to: "王芳".into(),
            date: d("2026-11-20"),
            note: "周末再来".into(),
        }],
        ..VipCard::default()
    };
    app.store.save(&mut chen, "").expect("save");
    let mut wang = VipCard {
        store: "西湖店".into(),
        received_by: "王芳".into(),
        visit_date: d("2026-11-22"),
        visit_time: NaiveTime::from_hms_opt(15, 40, 0),
        salutation: "王女士".into(),
        age: "30-40".into(),
        industry: "房地产".into(),
        position: "总监".into(),
        vehicle: "宝马 X5".into(),
        phone: "138-0013-5678".into(),
        accessories: "卡地亚手镯".into(),
        style: "简约".into(),
        usage: "结婚纪念日".into(),
        price_range: "3-5万".into(),
        recommended: vec![fab("钻戒 1克拉", "GIA 证书, 切工 3EX, 保值")],
        objections: vec![
            Objection { kind: Some(ObjectionType::Price), text: "比别家贵".into() },
            Objection { kind: Some(ObjectionType::Hidden), text: "想和先生商量".into() },
        ],
        resolutions: vec![Resolution { text: "讲清证书与售后".into() }],
        reception_summary: "带母亲一起来,很在意切工".into(),
        team_suggestions: "下次约先生一起,准备 0.8 克拉备选".into(),
        next_contact: Some(d("2026-11-26")),
        consent: true,
        consent_date: Some(d("2026-11-22")),
        ..VipCard::default()
    };
    app.store.save(&mut wang, "").expect("save");
    app.vip_reload(None);
    (dir, app)
}

fn snap(name: &str, app: &App) {
    for (w, h) in [(80, 24), (120, 40)] {
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", app.lang.key()), t.backend());
    }
}

fn focus_key(app: &App) -> &'static str {
    let Some(Popup::Form(f)) = &app.popup else { panic!("a form is open") };
    f.form.fields[f.form.focus].key
}

/// A tiny file that starts like a PNG.
fn png(dir: &TempDir, name: &str) -> String {
    let p = dir.path().join(name);
    std::fs::write(&p, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
    p.display().to_string()
}

#[test]
fn list_with_summary_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        assert_eq!(app.vip.cards[0].salutation, "王女士", "newest first");
        snap("vip_list", &app);
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, "1234");
        assert_eq!(app.vip.cards.len(), 1);
        snap("vip_filtered", &app);
    }
}

#[test]
fn form_snapshots() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Char('n'));
        assert_eq!(focus_key(&app), "salutation", "store, staff, date and time are filled");
        let Some(Popup::Form(f)) = &app.popup else { panic!("form") };
        assert_eq!(f.form.text("store"), "西湖店", "the store of the user's last card");
        assert_eq!(f.form.text("received_by"), "王芳");
        assert_eq!(f.form.text("visit_date"), today().to_string());
        assert_eq!(f.form.text("visit_time"), "14:30");
        snap("vip_form", &app);
    }
}

/// Fills every field of a new card: the photo one Shift-Tab back from the
/// salutation where the cursor starts, then on from the salutation, counting
/// the keys pressed beyond the typed text; returns that count.
fn fill_complete_card(app: &mut App, photo: &str) -> usize {
    let mut keys = 1; // n
    press(app, KeyCode::Char('n'));
    press(app, KeyCode::BackTab);
    typed(app, photo);
    press(app, KeyCode::Tab);
    keys += 2;
    let choice = |app: &mut App, rights: usize| {
        for _ in 0..rights {
            press(app, KeyCode::Right);
        }
        rights
    };
    let text_values: &[(&str, &str)] = &[
        ("salutation", "赵女士"),
        ("position", "财务总监"),
        ("vehicle", "特斯拉 Model S"),
        ("phone", "137 0000 2468"),
        ("accessories", "爱马仕手袋"),
        ("style", "经典"),
        ("usage", "送礼"),
        ("price_range", "5-10万"),
        ("material", "铂金"),
        ("traits", "话不多,看得很仔细"),
        ("rec1_item", "铂金项链"),
        ("rec1_image", photo),
        ("rec1_fab", "Pt950, 不褪色, 适合送长辈"),
        ("rec2_item", "珍珠耳钉"),
        ("rec2_image", photo),
        ("rec2_fab", "南洋珍珠, 光泽好, 日常百搭"),
        ("rec3_item", "玉镯"),
        ("rec3_image", photo),
        ("rec3_fab", "A货证书, 种水好, 保值"),
        ("obj1", "价格偏高"),
        ("obj2", "款式太普通"),
        ("obj3", "要问家人"),
        ("reception_summary", "为婆婆挑生日礼物"),
        ("team_suggestions", "周六约她看新到的翡翠"),
        ("re1_item", "翡翠吊坠"),
        ("re1_image", photo),
        ("re1_fab", "冰种, 寓意平安, 送长辈体面"),
        ("re2_item", "金镶玉手链"),
        ("re2_image", photo),
        ("re2_fab", "工艺独特, 年轻化, 价格适中"),
        ("re3_item", "珍珠项链"),
        ("re3_image", photo),
        ("re3_fab", "与耳钉成套, 有折扣"),
        ("res1", "送积分和清洗保养"),
        ("res2", "展示定制服务"),
        ("res3", "约家人周末同来"),
        ("next_contact", "+3d"),
        ("consent_date", ""),
    ];
    // Choices: how many → presses pick the wanted option.
    let choice_rights: &[(&str, usize)] = &[
        ("age", 2),       // 30-40
        ("industry", 1),  // 金融
        ("obj1_kind", 1), // price
        ("obj2_kind", 4), // real
        ("obj3_kind", 5), // hidden
        ("status", 1),    // VIP
        ("consent", 1),   // yes
    ];
    loop {
        let key = focus_key(app);
        if let Some((_, v)) = text_values.iter().find(|(k, _)| *k == key) {
            typed(app, v);
        } else if let Some((_, n)) = choice_rights.iter().find(|(k, _)| *k == key) {
            keys += choice(app, *n);
        }
        if key == "consent_date" {
            break;
        }
        press(app, KeyCode::Tab);
        keys += 1;
    }
    ctrl(app, 's');
    keys + 1
}

#[test]
fn capture_save_find_by_last_digits_and_see_the_summary() {
    let (dir, mut app) = seeded(Lang::En);
    let photo = png(&dir, "visitor.png");
    let keys = fill_complete_card(&mut app, &photo);
    assert!(app.popup.is_none(), "saved: {:?}", app.popup.as_ref().map(|_| "form still open"));
    // n, Shift-Tab to the photo and Tab back, 44 Tabs from the salutation to
    // the consent date, 15 choice presses, Ctrl-S.
    assert_eq!(keys, 1 + 2 + 44 + 15 + 1, "keystrokes beyond the typed text");
    let cards: Vec<VipCard> = app.store.list(10, 0).expect("list");
    let c = cards.iter().find(|c| c.salutation == "赵女士").expect("saved card");
    assert_eq!(c.received_by, "王芳");
    assert_eq!(c.store, "西湖店");
    assert_eq!(c.visit_time, Some(at_half_past_two()));
    assert_eq!(c.age, "30-40");
    assert_eq!(c.industry, "金融");
    assert_eq!(c.recommended.len(), 3);
    assert_eq!(c.re_recommended[2].fab, "与耳钉成套, 有折扣");
    assert_eq!(c.objections[1].kind, Some(ObjectionType::Real));
    assert_eq!(c.resolutions.len(), 3);
    assert_eq!(c.status, VipStatus::Vip);
    assert_eq!(c.next_contact, Some(d("2026-11-26")));
    assert!(c.consent);
    assert_eq!(c.consent_date, Some(today()), "consent dated today when left empty");

    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "2468");
    assert_eq!(app.vip.cards.len(), 1);
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "赵女士").is_some());
    assert!(find(&buf, "****2468").is_some(), "the phone is masked to its last four digits");
    assert!(find(&buf, "Visitor summary").is_some());
    assert!(find(&buf, "Price: 价格偏高 → 送积分和清洗保养").is_some(), "objection with its resolution");
    assert!(find(&buf, "周六约她看新到的翡翠").is_some(), "team suggestions");
    // Pinyin initials find her too; Esc shows every card again.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.vip.cards.len(), 3);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "zns");
    assert_eq!(app.vip.cards.len(), 1);
    assert_eq!(app.vip.cards[0].salutation, "赵女士");
}

#[test]
fn a_bad_photo_path_is_refused_naming_the_field() {
    let (dir, mut app) = vip_app(Lang::En);
    press(&mut app, KeyCode::Char('n'));
    typed(&mut app, "周先生");
    press(&mut app, KeyCode::BackTab);
    typed(&mut app, "/no/such/photo.jpg");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("a refused save keeps the form") };
    assert_eq!(f.form.fields[f.form.focus].key, "photo_path", "the cursor goes to the photo");
    let err = f.error.clone().expect("error");
    assert!(err.starts_with("Photo: no such file: /no/such/photo.jpg"), "{err}");
    assert_eq!(f.form.text("salutation"), "周先生", "what was typed is kept");
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "no such file").is_some(), "the error is shown");

    // A file that is not an image, in an item's image slot.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a picture").expect("write");
    if let Some(Popup::Form(f)) = app.popup.as_mut() {
        f.form.focus = 4;
    }
    for _ in 0.."/no/such/photo.jpg".chars().count() {
        press(&mut app, KeyCode::Backspace);
    }
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.focus = f.form.fields.iter().position(|x| x.key == "rec2_image").expect("field");
    typed(&mut app, &text.display().to_string());
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("refused again") };
    assert_eq!(f.form.fields[f.form.focus].key, "rec2_image");
    assert!(f.error.as_deref().unwrap_or("").starts_with("Item 2 image: not an image"), "{:?}", f.error);
    assert!(f.form.fields.iter().find(|x| x.key == "photo_path").is_some_and(|x| x.error.is_none()));
}

#[test]
fn hand_over_changes_the_holder_and_the_log() {
    let (_d, mut app) = seeded(Lang::En);
    assert_eq!(app.vip.cards[0].salutation, "王女士");
    press(&mut app, KeyCode::Char('h'));
    ctrl(&mut app, 's');
    assert!(matches!(app.popup, Some(Popup::Form(_))), "the receiver is required");
    typed(&mut app, "张伟");
    press(&mut app, KeyCode::Tab);
    typed(&mut app, "她周六下午来");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none());
    let c: VipCard = app.store.get(&app.vip.cards[0].meta.id).expect("card");
    assert_eq!(super::vip::holder(&c), "张伟");
    assert_eq!(c.handovers.len(), 1);
    assert_eq!((c.handovers[0].from.as_str(), c.handovers[0].note.as_str()), ("王芳", "她周六下午来"));
    assert_eq!(c.handovers[0].date, today());
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "2026-11-23 王芳 → 张伟: 她周六下午来").is_some(), "the log in the summary");
    // My cards: 王芳 now holds only 陈先生's card (handed to her).
    press(&mut app, KeyCode::Char('m'));
    let mine: Vec<&str> = app.vip.cards.iter().map(|c| c.salutation.as_str()).collect();
    assert_eq!(mine, ["陈先生"]);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.vip.cards.len(), 2);
}

#[test]
fn a_card_becomes_an_account_or_links_to_one() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('a'));
    let id = app.vip.cards[0].account_id.clone().expect("linked");
    let a: Account = app.store.get(&id).expect("account");
    assert_eq!(a.name, "王女士");
    assert_eq!(a.phone, "", "the visitor's own mobile is not the company's phone (#20): exports never mask it");
    assert_eq!(a.industry, "房地产");
    let contacts = app.store.contacts_of(&id).expect("contacts");
    assert_eq!(contacts.len(), 1);
    assert_eq!((contacts[0].name.as_str(), contacts[0].title.as_str()), ("王女士", "总监"));
    assert_eq!(contacts[0].phone, "138-0013-5678", "the mobile goes to the contact");
    assert!(contacts[0].consent, "consent goes with the person");
    assert_eq!(app.message.as_deref(), Some("Account 王女士 created and linked"));
    press(&mut app, KeyCode::Char('a'));
    assert!(app.message.as_deref().unwrap_or("").contains("already linked"));

    // A second card of the same visitor (same phone): the guard finds the account.
    let mut again = VipCard {
        received_by: "李娜".into(),
        visit_date: today(),
        salutation: "王女士".into(),
        phone: "13800135678".into(),
        ..VipCard::default()
    };
    app.store.save(&mut again, "").expect("save");
    app.vip_reload(Some(&again.meta.id));
    press(&mut app, KeyCode::Char('a'));
    let ch = app.vip.convert.as_ref().expect("asks which account");
    assert_eq!(ch.candidates.len(), 1);
    let buf = buffer(&app, 80, 24);
    assert!(find(&buf, "Create a new account").is_some());
    press(&mut app, KeyCode::Enter);
    let c: VipCard = app.store.get(&again.meta.id).expect("card");
    assert_eq!(c.account_id.as_ref(), Some(&id), "linked to the existing account");
    assert_eq!(app.store.contacts_of(&id).expect("contacts").len(), 1, "no second contact");
    assert!(app.store.get::<VipCard>(&again.meta.id).is_ok(), "the card stays");
}

#[test]
fn a_card_held_by_a_colleague_at_head_office_is_said_before_it_becomes_an_account() {
    let (_d, mut app) = seeded(Lang::Zh);
    // The file has synced with a hub whose ownership index names 李娜 as
    // the holder of an account called 王女士 (not in this file).
    let hub = uuid::Uuid::new_v4();
    app.store.begin_sync(&hub.to_string()).expect("hub");
    let (name_key, phone_key) = crate::store::company_index_keys(&hub, "王女士", "");
    let entry = crate::store::HeldAccount {
        seq: 7,
        account_id: uuid::Uuid::new_v4().to_string(),
        name_key,
        phone_key,
        owner: "李娜".into(),
        live: true,
    };
    app.store.apply_owners(&[entry], 7).expect("index");
    press(&mut app, KeyCode::Char('a'));
    let ch = app.vip.convert.as_ref().expect("the guard asks first");
    assert!(ch.candidates.is_empty(), "nothing in this file to link");
    assert_eq!(ch.held, ["总部:李娜 已在跟进同名的公司(不在你的档案里,撞单)"]);
    let buf = buffer(&app, 80, 24);
    assert!(find(&buf, "李娜 已在跟进同名的公司").is_some(), "said on the screen, wrapped at 80 columns");
    assert!(find(&buf, "新建客户档案").is_some());
    press(&mut app, KeyCode::Enter);
    assert!(app.vip.cards[0].account_id.is_some(), "created anyway when the clerk confirms");
}

#[test]
fn learning_view_counts_objections_and_vip_fab_lines() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Char('l'));
        let l = app.vip.learned.as_ref().expect("learned");
        assert_eq!(l.store.as_deref(), Some("西湖店"));
        assert_eq!(l.advisor, None, "the whole store first");
        assert_eq!(l.objections.len(), 3);
        assert_eq!(l.fabs.len(), 1, "only 陈先生 became a VIP");
        if lang == Lang::En {
            let buf = buffer(&app, 80, 24);
            assert!(find(&buf, "Objections by type").is_some());
            assert!(find(&buf, "1× 手镯 — 足金古法, 可传家").is_some());
            assert!(find(&buf, "Cards: 2 · became VIPs: 1 (50%) · with a FAB line: 2 (100%)").is_some());
            assert!(find(&buf, "Tab/→ next advisor").is_some(), "the view's hint names the key");
        }
        snap("vip_learn", &app);
        press(&mut app, KeyCode::Esc);
        assert!(app.vip.learned.is_none());
    }
}

/// Tab walks the learning view from the whole store through each advisor
/// (who received the visitor) and back; ⇧Tab goes the other way.
#[test]
fn learning_view_per_advisor_by_keys() {
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        press(&mut app, KeyCode::Char('l'));
        let advisors: Vec<(String, u32)> = app.vip.learned.as_ref().expect("learned").advisors.clone();
        assert_eq!(advisors, [("李娜".to_string(), 1), ("王芳".to_string(), 1)]);
        // J / K scroll a view taller than the screen, never past its last line.
        let scroll = |app: &App| app.vip.learned.as_ref().map_or(0, |l| l.scroll);
        press(&mut app, KeyCode::Char('J'));
        assert_eq!(scroll(&app), 3);
        for _ in 0..20 {
            press(&mut app, KeyCode::Char('J'));
        }
        let n = app.vip.learned.as_ref().map_or(0, |l| super::screens::vip_cards::learned_lines(&app, l, 80).len());
        assert_eq!(usize::from(scroll(&app)), n - 1);
        press(&mut app, KeyCode::Char('K'));
        assert_eq!(usize::from(scroll(&app)), n - 4);

        // 李娜 received 陈先生: a VIP, one capability objection resolved.
        press(&mut app, KeyCode::Tab);
        let l = app.vip.learned.as_ref().expect("learned");
        assert_eq!(l.scroll, 0, "another advisor starts at the top");
        assert_eq!(l.advisor_name(), Some("李娜"));
        assert_eq!((l.counts.cards, l.counts.vips, l.counts.with_fab), (1, 1, 1));
        assert_eq!(l.objections.len(), 1);
        assert_eq!(
            (l.objections[0].kind, l.objections[0].count, l.objections[0].resolved),
            (Some(ObjectionType::Capability), 1, 1)
        );
        assert_eq!(l.resolutions.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["免费改圈"]);
        assert_eq!(l.fabs.len(), 1);

        // 王芳 received 王女士: a prospect, price resolved, hidden not: her weak spot.
        press(&mut app, KeyCode::Tab);
        let l = app.vip.learned.as_ref().expect("learned");
        assert_eq!(l.advisor_name(), Some("王芳"));
        assert_eq!((l.counts.cards, l.counts.vips, l.counts.with_fab), (1, 0, 1));
        let counts: Vec<_> = l.objections.iter().map(|o| (o.kind, o.count, o.resolved)).collect();
        assert_eq!(counts, [(Some(ObjectionType::Hidden), 1, 0), (Some(ObjectionType::Price), 1, 1)]);
        assert!(l.resolutions.is_empty(), "her visitor has not become a VIP");
        assert!(l.fabs.is_empty());
        let buf = buffer(&app, 80, 24);
        let weak = if lang == Lang::En {
            "Weak spot: Hidden (1 left unresolved)"
        } else {
            "短板:隐藏异议(还有 1 个未化解)"
        };
        assert!(find(&buf, weak).is_some(), "{weak}");
        snap("vip_learn_advisor", &app);

        // Round to the whole store, and back with ⇧Tab and ←.
        press(&mut app, KeyCode::Tab);
        assert_eq!(app.vip.learned.as_ref().and_then(Learned::advisor_name), None);
        assert_eq!(app.vip.learned.as_ref().map(|l| l.counts.cards), Some(2));
        press(&mut app, KeyCode::BackTab);
        assert_eq!(app.vip.learned.as_ref().and_then(Learned::advisor_name), Some("王芳"));
        press(&mut app, KeyCode::Left);
        assert_eq!(app.vip.learned.as_ref().and_then(Learned::advisor_name), Some("李娜"));
        press(&mut app, KeyCode::Right);
        assert_eq!(app.vip.learned.as_ref().and_then(Learned::advisor_name), Some("王芳"));
        press(&mut app, KeyCode::Char('l'));
        assert!(app.vip.learned.is_none(), "l goes back to the list");
    }
}

/// A card is not handed to whom holds it already: the refusal is beside
/// the receiver, in the user's language, and nothing is saved.
#[test]
fn a_card_is_not_handed_to_its_holder() {
    for (lang, said) in [(Lang::En, "王芳 already holds this card"), (Lang::Zh, "王芳 已经是这张卡的跟进人")]
    {
        let (_d, mut app) = seeded(lang);
        assert_eq!(super::vip::holder(&app.vip.cards[0]), "王芳");
        press(&mut app, KeyCode::Char('h'));
        typed(&mut app, " 王芳 ");
        ctrl(&mut app, 's');
        let Some(Popup::Form(f)) = &app.popup else { panic!("refused") };
        let to = &f.form.fields[f.form.focus];
        assert_eq!((to.key, to.error.as_deref()), ("to", Some(said)), "{lang:?}");
        let c: VipCard = app.store.get(&app.vip.cards[0].meta.id).expect("card");
        assert!(c.handovers.is_empty(), "{lang:?}");
    }
}

#[test]
fn status_moves_on_and_the_photo_opens_without_waiting() {
    let (dir, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('?'));
    assert!(find(&buffer(&app, 120, 40), "hand the card over").is_some(), "the tab's keys under ?");
    press(&mut app, KeyCode::Esc);
    // s asks: the next status is offered, nothing changes until Ctrl-S,
    // and Esc leaves the card as it was.
    press(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.popup, Some(Popup::Form(_))), "s opens the status choice");
    assert_eq!(app.vip.cards[0].status, VipStatus::Prospect, "not saved yet");
    press(&mut app, KeyCode::Esc);
    assert!(app.popup.is_none());
    assert_eq!(app.vip.cards[0].status, VipStatus::Prospect, "Esc keeps the status");
    press(&mut app, KeyCode::Char('s'));
    ctrl(&mut app, 's');
    assert!(app.popup.is_none());
    assert_eq!(app.vip.cards[0].status, VipStatus::Vip);
    assert_eq!(app.message.as_deref(), Some("Status: VIP"));
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.message.as_deref(), Some("This card has no photo"));
    let mut c = app.vip.cards[0].clone();
    c.photo_path = png(&dir, "p.png");
    app.store.save(&mut c, "").expect("save");
    app.vip_reload(None);
    app.vip.viewer = "kam-no-such-viewer".into();
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(
        app.message.as_deref(),
        Some("No image viewer on this computer (kam-no-such-viewer is not installed); the photo is shown on the card"),
        "said plainly when there is no viewer"
    );
    app.vip.viewer = "true".into();
    press(&mut app, KeyCode::Char('o'));
    assert!(app.message.as_deref().unwrap_or("").starts_with("Opening"), "{:?}", app.message);
    // A viewer that starts but cannot show it (xdg-open with nothing set up exits with 3).
    app.vip.viewer = "false".into();
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(
        app.message.as_deref(),
        Some("false could not open the photo (exit code 1): no image viewer seems to be set up; the photo is shown on the card")
    );
}

#[test]
fn a_long_list_reads_lines_as_the_selection_moves_and_end_shows_the_oldest_whole() {
    let (_dir, mut app) = vip_app(Lang::Zh);
    for i in 0..300u32 {
        let mut c = VipCard {
            store: "西湖店".into(),
            received_by: "李娜".into(),
            visit_date: d("2025-01-01") + chrono::Days::new(u64::from(i)),
            salutation: format!("客人{i:03}"),
            phone: format!("1380000{i:04}"),
            ..VipCard::default()
        };
        if i == 0 {
            c.objections = vec![Objection { kind: None, text: "最早那位的顾虑".into() }];
        }
        app.store.save(&mut c, "").expect("save");
    }
    app.vip_reload(None);
    assert_eq!(app.vip.ids.len(), 300);
    assert!(app.vip.cards.len() < 300, "only the lines near the selection are read: {}", app.vip.cards.len());
    assert!(find(&buffer(&app, 120, 40), "300").is_some(), "the count is of every card found");
    press(&mut app, KeyCode::End);
    assert_eq!(app.vip.current().map(|c| c.salutation.as_str()), Some("客人000"));
    assert!(find(&buffer(&app, 120, 40), "最早那位的顾虑").is_some(), "the selected card is read whole");
    press(&mut app, KeyCode::Home);
    assert_eq!(app.vip.current().map(|c| c.salutation.as_str()), Some("客人299"));
    // Filtering by the last digits finds one among the three hundred.
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "0007");
    assert_eq!(app.vip.ids.len(), 1);
    assert_eq!(app.vip.current().map(|c| c.salutation.as_str()), Some("客人007"));
}

#[test]
fn d_moves_a_card_to_the_trash_with_a_reason_and_the_trash_gives_it_back() {
    let (_dir, mut app) = seeded(Lang::En);
    let n = app.vip.ids.len();
    let before = app.vip.current().cloned().expect("a card");
    let first = before.meta.id.clone();
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.popup, Some(Popup::Reason { .. })), "asks for a reason");
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Reason { error: true, .. })), "a reason is required");
    typed(&mut app, "duplicate card");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(app.vip.ids.len(), n - 1);
    let trash = app.store.trash().expect("trash");
    let entry = trash.iter().find(|e| e.id == first).expect("in the trash");
    assert_eq!(entry.reason, "duplicate card");
    app.store.restore(&first).expect("restore");
    app.vip_reload(None);
    assert_eq!(app.vip.ids.len(), n);
    let back: VipCard = app.store.get(&first).expect("back");
    assert_eq!(
        (back.salutation, back.recommended, back.objections, back.handovers),
        (before.salutation, before.recommended, before.objections, before.handovers),
        "the card comes back with its rows"
    );
}

#[test]
fn a_card_whose_photo_went_missing_can_still_be_edited_and_a_new_path_is_checked() {
    let (dir, mut app) = vip_app(Lang::En);
    let photo = png(&dir, "moved.png");
    let mut c = VipCard {
        store: "西湖店".into(),
        received_by: "王芳".into(),
        visit_date: d("2026-11-20"),
        salutation: "周先生".into(),
        photo_path: photo.clone(),
        ..VipCard::default()
    };
    app.store.save(&mut c, "").expect("save");
    std::fs::remove_file(&photo).expect("the photo is moved away");
    app.vip_reload(None);
    press(&mut app, KeyCode::Char('e'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.focus = f.form.fields.iter().position(|x| x.key == "salutation").expect("field");
    typed(&mut app, "（老客户）");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "saved: {:?}", app.message);
    let saved: VipCard = app.store.get(&c.meta.id).expect("card");
    assert_eq!((saved.salutation.as_str(), saved.photo_path.as_str()), ("周先生（老客户）", photo.as_str()));
    // A path typed anew is checked.
    press(&mut app, KeyCode::Char('e'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.focus = f.form.fields.iter().position(|x| x.key == "photo_path").expect("field");
    typed(&mut app, "x");
    ctrl(&mut app, 's');
    assert!(matches!(app.popup, Some(Popup::Form(_))), "a new path that is no file is refused");
}

#[test]
fn a_refused_card_says_why_in_chinese_naming_the_field_by_its_label() {
    let (_dir, mut app) = vip_app(Lang::Zh);
    press(&mut app, KeyCode::Char('n'));
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("a refused save keeps the form") };
    let err = f.error.clone().unwrap_or_default();
    assert!(err.contains("请填称呼或电话"), "{err}");
    assert!(!err.contains("salutation"), "the label, not the field's key: {err}");
    let at = f.form.fields.iter().find(|x| x.key == "salutation").and_then(|x| x.error.clone());
    assert_eq!(at.as_deref(), Some("请填称呼或电话,以便认出这位来客"));
    // Under the fields once: the save's message names the field already,
    // so the focused field's message is not repeated below it.
    let screen = draw(&app, 120, 40).backend().to_string();
    assert_eq!(screen.matches("称呼: 请填称呼或电话").count(), 1, "{screen}");
}

#[test]
fn a_new_card_with_a_known_phone_shows_the_visitors_cards_first() {
    let (_dir, mut app) = seeded(Lang::Zh);
    let before = app.vip.ids.len();
    press(&mut app, KeyCode::Char('n'));
    let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
    f.form.focus = f.form.fields.iter().position(|x| x.key == "phone").expect("phone");
    typed(&mut app, "13912341234");
    ctrl(&mut app, 's');
    let Some(Popup::Form(f)) = &app.popup else { panic!("held for a look") };
    let d = f.duplicates.clone().expect("the cards with this phone");
    assert_eq!(d.len(), 1);
    assert!(d[0].contains("陈先生") && d[0].contains("****1234") && d[0].contains("王芳"), "{d:?}");
    assert!(find(&buffer(&app, 120, 40), "可能重复").is_some());
    ctrl(&mut app, 's');
    // A phone without the visitor's consent is said once, the cursor on consent.
    let Some(Popup::Form(f)) = &app.popup else { panic!("held for consent") };
    assert!(f.error.as_deref().unwrap_or_default().contains("尚未同意"), "{:?}", f.error);
    assert_eq!(f.form.fields[f.form.focus].key, "consent");
    ctrl(&mut app, 's');
    assert!(app.popup.is_none(), "Ctrl-S again saves the new card");
    assert_eq!(app.vip.ids.len(), before + 1);
}

/// The duplicate-phone warning opens the card it names (#22): Ctrl-O, shown
/// in the warning, opens 陈先生's card; the new card is kept as typed (and
/// as a draft file meanwhile) and comes back when that card is closed.
#[test]
fn the_duplicate_phone_warning_opens_the_card_it_names_and_keeps_the_new_one() {
    for (lang, hint) in [(Lang::Zh, "Ctrl-O 打开这张已有的卡"), (Lang::En, "Ctrl-O opens that card")] {
        let (_dir, mut app) = seeded(lang);
        let before = app.vip.ids.len();
        press(&mut app, KeyCode::Char('n'));
        let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
        f.form.focus = f.form.fields.iter().position(|x| x.key == "salutation").expect("salutation");
        typed(&mut app, "陈先生的太太");
        let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
        f.form.focus = f.form.fields.iter().position(|x| x.key == "phone").expect("phone");
        typed(&mut app, "13912341234");
        ctrl(&mut app, 's');
        assert!(find(&buffer(&app, 120, 40), hint).is_some(), "the key is in the warning ({lang:?})");
        ctrl(&mut app, 'o');
        let Some(Popup::Form(f)) = &app.popup else { panic!("the card it names is open") };
        let super::app::Editing::VipCard(c) = &f.editing else { panic!("a card's form") };
        assert_eq!(c.salutation, "陈先生");
        assert_eq!(app.vip.current().map(|c| c.salutation.as_str()), Some("陈先生"), "selected in the list");
        let draft = crate::tui::draft::path_for(&app.paths.db);
        assert!(draft.exists(), "the new card is kept as a draft meanwhile");
        let kept = app.draft().expect("a draft");
        assert!(kept.values.iter().any(|(_, v)| v == "陈先生的太太"), "leaving now keeps the new card");
        press(&mut app, KeyCode::Esc);
        let Some(Popup::Form(f)) = &app.popup else { panic!("the new card comes back") };
        assert_eq!(f.form.text("salutation"), "陈先生的太太", "nothing typed is lost");
        assert_eq!(f.form.text("phone"), "13912341234");
        assert!(!draft.exists(), "the draft goes once the form is back");
        ctrl(&mut app, 's');
        ctrl(&mut app, 's');
        assert!(app.popup.is_none(), "saved after the consent warning");
        assert_eq!(app.vip.ids.len(), before + 1);
    }
}

/// Pinyin typed as any mix of initials and syllables finds a card (#22).
#[test]
fn the_filter_takes_a_mix_of_initials_and_syllables() {
    let (_dir, mut app) = seeded(Lang::En);
    for (q, found) in [("wnsh", &["王女士"][..]), ("wangns", &["王女士"]), ("chxsh", &["陈先生"]), ("wnx", &[])]
    {
        press(&mut app, KeyCode::Char('/'));
        typed(&mut app, q);
        let names: Vec<&str> = app.vip.cards.iter().map(|c| c.salutation.as_str()).collect();
        assert_eq!(names, found, "{q}");
        press(&mut app, KeyCode::Esc);
    }
}

/// The summary wraps Latin words whole and Chinese by character (#22):
/// ratatui's wrap took a run of Chinese for one word, leaving half a line
/// empty before it, and cut a Latin word joined to it anywhere.
#[test]
fn the_summary_wraps_latin_words_whole_and_chinese_by_character() {
    const RECEPTION: &str =
        "Came with her mother; cares a great deal about the cut, wants the certificate explained before deciding";
    const TEAM: &str = "带母亲一起来很在意切工和售后服务的条款以及warranty和certificate的说明,再决定要不要买这枚钻戒";
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        let id = app.vip.cards[0].meta.id.clone();
        let mut c: VipCard = app.store.get(&id).expect("get");
        c.reception_summary = RECEPTION.into();
        c.team_suggestions = TEAM.into();
        app.store.save(&mut c, "").expect("save");
        app.vip_reload(None);
        snap("vip_summary_wrapped", &app);
        let t = draw(&app, 120, 40);
        let buf = t.backend().buffer();
        // The summary column's lines, as text (a wide character's second cell left out).
        let lines: Vec<String> = (0..buf.area.height)
            .map(|y| {
                let mut line = String::new();
                let mut x = 75;
                while x < buf.area.width - 1 {
                    let symbol = buf[(x, y)].symbol();
                    line.push_str(symbol);
                    x += u16::try_from(symbol.width().max(1)).unwrap_or(1);
                }
                line.trim_end().to_string()
            })
            .collect();
        let text = lines.join("\n");
        for word in RECEPTION.split([' ', ';', ',']).chain(["warranty", "GIA", "certificate"]) {
            assert!(
                lines.iter().any(|l| l.split(|c: char| !c.is_ascii_alphabetic()).any(|w| w == word)),
                "{word} whole on a line:\n{text}"
            );
        }
        let label = app.t(crate::i18n::T::VipTeam);
        assert!(
            lines.iter().any(|l| l.starts_with(label) && l.contains("带母亲")),
            "Chinese starts on the line of its label, not after half a line left empty:\n{text}"
        );
    }
}

/// A photo of `w`×`h` pixels (four colour bands over a gradient), written
/// under `target/` by a path relative to the package (the tests' working
/// directory), so that the form's snapshots show the same path everywhere.
fn photo_file(name: &str, w: u32, h: u32) -> String {
    let dir = std::path::Path::new("target/kam-test-photos");
    std::fs::create_dir_all(dir).expect("dir");
    let p = dir.join(name);
    let tmp = dir.join(format!("{name}.{}.tmp.png", std::process::id()));
    let bands: [[u8; 3]; 4] = [[200, 40, 40], [40, 160, 60], [40, 80, 200], [230, 200, 60]];
    image::RgbImage::from_fn(w, h, |x, y| {
        let [r, g, b] = bands[(y * 4 / h) as usize];
        let shade = (x * 55 / w) as u8;
        image::Rgb([r.saturating_add(shade), g, b])
    })
    .save(&tmp)
    .expect("png");
    std::fs::rename(&tmp, &p).expect("rename");
    p.display().to_string()
}

/// The newest card of [`seeded`] given a photo.
fn with_photo(app: &mut App, path: &str) -> crate::model::Id {
    let id = app.vip.cards[0].meta.id.clone();
    let mut c: VipCard = app.store.get(&id).expect("card");
    c.photo_path = path.into();
    app.store.save(&mut c, "").expect("save");
    app.vip_reload(None);
    // As after any key: the photo on screen is asked for.
    app.update(super::app::Action::Tick);
    id
}

/// Drawn at 80×24 and 120×40 after the terminal said it has that size (the
/// photo is scaled for the cells it gets), as the event loop does.
fn snap_sized(name: &str, app: &mut App) {
    for (w, h) in [(80, 24), (120, 40)] {
        app.update(super::app::Action::Resize { width: w, height: h });
        let t = draw(app, w, h);
        insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", app.lang.key()), t.backend());
    }
    app.update(super::app::Action::Resize { width: 120, height: 40 });
}

/// The cells of the photo's place that hold half-blocks coloured from the photo.
fn photo_cells(app: &App, w: u16, h: u16) -> usize {
    let screen = ratatui::layout::Rect::new(0, 0, w, h);
    let (_, place) = super::screens::vip_cards::photo_on_screen(app, screen).expect("a photo on screen");
    let buf = buffer(app, w, h);
    place
        .positions()
        .filter(|p| {
            let cell = &buf[(p.x, p.y)];
            matches!(cell.fg, ratatui::style::Color::Rgb(..)) || matches!(cell.bg, ratatui::style::Color::Rgb(..))
        })
        .count()
}

/// The photo is drawn on the card (#22), in the summary and in the form,
/// read and scaled by the worker (inline here) with half-blocks.
#[test]
fn the_visitors_photo_is_drawn_in_the_summary_and_the_form() {
    let path = photo_file("visitor.png", 300, 400);
    for lang in [Lang::En, Lang::Zh] {
        let (_d, mut app) = seeded(lang);
        with_photo(&mut app, &path);
        snap_sized("vip_photo_summary", &mut app);
        for (w, h) in [(80, 24), (120, 40)] {
            app.update(super::app::Action::Resize { width: w, height: h });
            assert!(photo_cells(&app, w, h) > 20, "the photo in half-blocks at {w}x{h}");
        }
        app.update(super::app::Action::Resize { width: 120, height: 40 });
        press(&mut app, KeyCode::Enter);
        assert!(matches!(app.popup, Some(Popup::Form(_))), "the card's form");
        snap_sized("vip_photo_form", &mut app);
        assert!(photo_cells(&app, 120, 40) > 20, "the photo beside the form's fields");
        // A path typed in the form shows what is there as it is typed.
        let Some(Popup::Form(f)) = app.popup.as_mut() else { panic!("form") };
        f.form.focus = f.form.fields.iter().position(|x| x.key == "photo_path").expect("field");
        typed(&mut app, "x");
        let shown = find(&buffer(&app, 120, 40), lang.pick("照片文件不在了", "The photo file"));
        assert!(shown.is_some(), "a path with no file says so in the photo's place");
        press(&mut app, KeyCode::Backspace);
        assert!(photo_cells(&app, 120, 40) > 20, "and the photo is back, from the cache");
    }
}

/// A photo is read once per file: the same file at another size is only
/// encoded again; a changed file is read again.
#[test]
fn a_photo_is_read_once_and_again_when_the_file_changes() {
    let path = photo_file("cached.png", 120, 160);
    let (_d, mut app) = seeded(Lang::En);
    with_photo(&mut app, &path);
    assert!(photo_cells(&app, 120, 40) > 20);
    std::fs::remove_file(&path).expect("rm");
    std::fs::write(&path, "no longer a photo").expect("write");
    app.update(super::app::Action::Tick);
    let buf = buffer(&app, 120, 40);
    assert!(find(&buf, "Only JPEG and PNG").is_some(), "the changed file is read again");
}

/// A photo path naming a FIFO, a folder, nothing, a damaged file or a GIF
/// shows a plain line in the photo's place: never a hang, never a crash.
#[test]
fn a_fifo_missing_damaged_or_other_photo_shows_a_line_and_never_hangs() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (dir, mut app) = seeded(Lang::Zh);
        let fifo = dir.path().join("photo.jpg");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        let fake = png(&dir, "fake.png");
        let gif = dir.path().join("a.gif");
        std::fs::write(&gif, b"GIF89a\x01\0\x01\0\0\0\0;").expect("gif");
        let cases = [
            (fifo.display().to_string(), "不是普通文件"),
            (dir.path().display().to_string(), "不是普通文件"),
            (dir.path().join("gone.jpg").display().to_string(), "照片文件不在了"),
            (fake, "照片已损坏"),
            (gif.display().to_string(), "只显示 JPEG"),
        ];
        let mut seen = Vec::new();
        for (path, line) in cases {
            with_photo(&mut app, &path);
            for (w, h) in [(80, 24), (120, 40)] {
                app.update(super::app::Action::Resize { width: w, height: h });
                let buf = buffer(&app, w, h);
                seen.push((path.clone(), w, find(&buf, line).is_some()));
            }
            // Enter opens the form; its photo place says the same.
            press(&mut app, KeyCode::Enter);
            seen.push((path.clone(), 0, find(&buffer(&app, 120, 40), line).is_some()));
            press(&mut app, KeyCode::Esc);
        }
        let _ = tx.send(seen);
    });
    let seen = rx.recv_timeout(std::time::Duration::from_secs(60)).expect("no hang on a FIFO");
    for (path, w, found) in seen {
        assert!(found, "{path} at width {w} says why there is no photo");
    }
}

/// `J` / `K` scroll the summary by the lines drawn (#22): a long text wraps
/// into many, its end can be reached, and scrolling stops there.
#[test]
fn j_and_k_scroll_the_summary_by_wrapped_lines_and_stop_at_the_end() {
    let long = (1..=20).map(|i| format!("point {i} of what she said about the ring")).collect::<Vec<_>>().join(", ");
    for (w, h) in [(80, 24), (120, 40)] {
        let (_d, mut app) = seeded(Lang::En);
        let id = app.vip.cards[0].meta.id.clone();
        let mut c: VipCard = app.store.get(&id).expect("card");
        c.reception_summary.clone_from(&long);
        c.team_suggestions = format!("{long}, THE END");
        app.store.save(&mut c, "").expect("save");
        app.vip_reload(None);
        app.update(super::app::Action::Resize { width: w, height: h });
        assert!(find(&buffer(&app, w, h), "END").is_none(), "the end is below at first ({w}x{h})");
        let mut presses = 0;
        let mut last = None;
        while last != Some(app.vip.summary_scroll) {
            last = Some(app.vip.summary_scroll);
            press(&mut app, KeyCode::Char('J'));
            presses += 1;
            assert!(presses < 200, "scrolling stops");
        }
        assert!(presses > 3, "a long wrapped text takes several presses ({w}x{h})");
        let buf = buffer(&app, w, h);
        assert!(find(&buf, "END").is_some(), "the end of the text is reached ({w}x{h})");
        let stop = app.vip.summary_scroll;
        press(&mut app, KeyCode::Char('J'));
        assert_eq!(app.vip.summary_scroll, stop, "no further than the end");
        press(&mut app, KeyCode::Char('K'));
        assert_eq!(app.vip.summary_scroll, stop - 3, "K goes back up at once");
        while app.vip.summary_scroll > 0 {
            press(&mut app, KeyCode::Char('K'));
        }
        assert!(find(&buffer(&app, w, h), "END").is_none());
    }
}

/// `?` on tab 4 at 80×24 in Chinese: a long description wraps under itself
/// instead of being cut at the popup's edge ("…不可恢复;需"), and the
/// settings line names the store the settings now hold.
#[test]
fn the_keys_help_at_80_columns_cuts_no_description() {
    let (_d, mut app) = vip_app(Lang::Zh);
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.popup, Some(Popup::Help { .. })));
    let buf = buffer(&app, 80, 24);
    let all: String =
        (0..24).map(|y| (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>() + "\n").collect();
    assert!(find(&buf, "填原因)").is_some(), "the erase line ends on screen:\n{all}");
    assert!(find(&buf, "设置:姓名、角色、门店、语言").is_some(), "{all}");
    assert!(find(&buf, "退出").is_some(), "the last key still fits:\n{all}");
}
