//! `X` erases a person for good (#21): on the account's Contacts section
//! the selected contact, on tab 4 the selected VIP card; both ask to
//! confirm with a reason, and Esc erases nothing.

use crossterm::event::KeyCode;
use kam_rules::Lang;

use super::app::{Popup, ReasonFor, Section};
use super::tests::{buffer, find, press, seeded, typed};
use crate::model::{Contact, VipCard};
use crate::store::StoreError;

#[test]
fn x_erases_the_selected_contact_after_a_confirmation_with_a_reason() {
    let (_d, mut app) = seeded(Lang::En);
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "xhjm");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Right);
    assert_eq!(app.detail.as_ref().map(|d| d.section), Some(Section::Contacts));
    let d = app.detail.as_ref().expect("detail");
    let n = d.contacts.len();
    let c = d.contacts[d.contact_sel].clone();

    press(&mut app, KeyCode::Char('X'));
    let Some(Popup::Reason { what, .. }) = &app.popup else { panic!("asks to confirm") };
    assert!(matches!(what, ReasonFor::EraseContact(id, _) if *id == c.meta.id));
    let screen = buffer(&app, 120, 40);
    assert!(find(&screen, "Erase for good").is_some() && find(&screen, "Enter erases for good").is_some());
    press(&mut app, KeyCode::Esc);
    assert!(app.store.get::<Contact>(&c.meta.id).is_ok(), "Esc erases nothing");

    press(&mut app, KeyCode::Char('X'));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popup, Some(Popup::Reason { error: true, .. })), "a reason is required");
    typed(&mut app, "asked by the person");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert!(matches!(app.store.get_any::<Contact>(&c.meta.id), Err(StoreError::NotFound { .. })));
    assert!(app.store.trash().expect("trash").is_empty(), "not to the trash");
    let d = app.detail.as_ref().expect("the account stays open");
    assert_eq!((d.section, d.contacts.len()), (Section::Contacts, n - 1));
    let log = app.store.history(&c.meta.id).expect("log");
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].action.as_str(), log[0].who.as_str()), ("erase", app.store.user()));
}

#[test]
fn x_erases_the_selected_vip_card() {
    let (_d, mut app) = super::tests_vip::seeded(Lang::Zh);
    let n = app.vip.ids.len();
    let card = app.vip.current().cloned().expect("a card");
    press(&mut app, KeyCode::Char('X'));
    assert!(matches!(&app.popup, Some(Popup::Reason { what: ReasonFor::EraseVip(..), .. })));
    typed(&mut app, "本人要求");
    press(&mut app, KeyCode::Enter);
    assert!(app.popup.is_none());
    assert_eq!(app.vip.ids.len(), n - 1);
    assert!(matches!(app.store.get_any::<VipCard>(&card.meta.id), Err(StoreError::NotFound { .. })));
    assert_eq!(app.store.history(&card.meta.id).expect("log")[0].reason, "本人要求");
}
