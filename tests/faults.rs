//! Faults of issue #10 on real files: text limits at their boundary, a full
//! disk, damaged and foreign files and `kam restore`.

use kam::model::{Account, CallPlan, OurParticipant, NAME_MAX, NOTES_MAX};
use kam::store::{RecordKind, Store, StoreError};

fn db(dir: &tempfile::TempDir) -> std::path::PathBuf {
    dir.path().join("kam.db")
}

/// The field an `Invalid` error names, or a panic with the error.
fn invalid_field(err: StoreError) -> (RecordKind, String) {
    match err {
        StoreError::Invalid { kind, error, .. } => (kind, error.field),
        other => panic!("expected a validation error, got {other}"),
    }
}

#[test]
fn text_limits_accept_the_limit_and_refuse_one_more_naming_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&db(&dir)).expect("open");

    let mut a = Account::named("字".repeat(NAME_MAX));
    a.notes = "记".repeat(NOTES_MAX);
    store.insert(&mut a).expect("names and notes at their limit are saved");
    let back: Account = store.get(&a.meta.id).expect("get");
    assert_eq!(back.name.chars().count(), NAME_MAX);
    assert_eq!(back.notes.chars().count(), NOTES_MAX);

    let mut long_name = Account::named("字".repeat(NAME_MAX + 1));
    let err = store.insert(&mut long_name).unwrap_err();
    let msg = err.to_string();
    assert_eq!(invalid_field(err), (RecordKind::Account, "name".into()));
    assert!(msg.contains(&NAME_MAX.to_string()), "{msg}");

    let mut edited = back.clone();
    edited.notes.push('!');
    let err = store.update(&mut edited, "").unwrap_err();
    assert_eq!(invalid_field(err), (RecordKind::Account, "notes".into()));
    assert_eq!(store.get::<Account>(&a.meta.id).expect("get").meta.version, 1, "nothing written");

    // A child row's text is named with its row.
    let mut plan = CallPlan { account_id: a.meta.id.clone(), ..CallPlan::default() };
    plan.our_participants.push(OurParticipant { name: "张".repeat(NAME_MAX), ..OurParticipant::default() });
    plan.our_participants.push(OurParticipant { name: "李".repeat(NAME_MAX + 1), ..OurParticipant::default() });
    let err = store.insert(&mut plan).unwrap_err();
    assert_eq!(invalid_field(err), (RecordKind::CallPlan, "our_participants[1].name".into()));
    plan.our_participants.pop();
    store.insert(&mut plan).expect("the row at its limit is saved");
}
