//! The rules commands end to end: `kam tier`, `kam discount`, `kam rules`.

use std::path::Path;
use std::process::{Command, Output};

fn kam(config_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(args)
        .env("KAM_CONFIG_DIR", config_dir)
        .env("KAM_DB", config_dir.join("kam.db"))
        .env("LANG", "en_US.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run kam")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("one JSON object")
}

#[test]
fn discount_silver_5wan_json() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["discount", "--tier", "silver", "--amount", "5万", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["rate"], serde_json::json!(0.9));
    assert_eq!(v["net"], serde_json::json!(45000));
    assert_eq!(v["amount"], serde_json::json!(50000));
    assert_eq!(v["tier"], "silver");
    assert_eq!(v["payment"], "cash");
    assert_eq!(v["band"], 2);
    assert!(v["reason"].as_str().is_some_and(|r| r.contains("band 2")));
    let keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 7);
}

#[test]
fn discount_takes_the_seeds_name_for_the_top_tier() {
    let dir = tempfile::tempdir().expect("tmp");
    for typed in ["钻石", "diamond"] {
        let o = kam(dir.path(), &["discount", "--tier", typed, "--amount", "5万", "--json"]);
        assert!(o.status.success(), "{typed}: {}", stderr(&o));
        assert_eq!(json(&o)["tier"], "platinum", "{typed}");
    }
}

#[test]
fn discount_credit_and_promo_pay_full_price() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["discount", "--tier", "gold", "--amount", "200,000.00", "--payment", "credit", "--json"]);
    let v = json(&o);
    assert_eq!(v["rate"], serde_json::json!(1.0));
    assert_eq!(v["net"], serde_json::json!(200_000));
    assert_eq!(v["band"], serde_json::Value::Null);
    let o = kam(dir.path(), &["--lang", "zh", "discount", "--tier", "金牌", "--amount", "20万", "--promo", "--json"]);
    assert!(json(&o)["reason"].as_str().is_some_and(|r| r.contains("不可叠加")));
}

#[test]
fn discount_net_rounds_half_up() {
    let dir = tempfile::tempdir().expect("tmp");
    // 10,000.10 × 0.95 = 9,500.095 → 9,500.10
    let o = kam(dir.path(), &["discount", "--tier", "silver", "--amount", "10000.10", "--json"]);
    assert_eq!(json(&o)["net"], serde_json::json!(9500.1));
}

#[test]
fn tier_json_keys_and_downgrade() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["tier", "--annual", "300万", "--json"]);
    let v = json(&o);
    assert_eq!((v["tier"].as_str(), v["downgraded"].as_bool()), (Some("gold"), Some(false)));
    assert_eq!(v["annual"], serde_json::json!(3_000_000));
    let o = kam(dir.path(), &["tier", "--annual", "3000000.01", "--overdue-days", "91", "--json"]);
    let v = json(&o);
    assert_eq!((v["tier"].as_str(), v["downgraded"].as_bool()), (Some("gold"), Some(true)));
    assert!(v["reason"].as_str().is_some_and(|r| r.contains("91 days overdue")));
    let o = kam(dir.path(), &["tier", "--annual", "3000000.01", "--overdue-days", "90", "--json"]);
    assert_eq!(json(&o)["tier"], "platinum");
}

#[test]
fn bad_input_says_what_to_type() {
    let dir = tempfile::tempdir().expect("tmp");
    for (args, needle) in [
        (vec!["discount", "--tier", "silver", "--amount", "abc"], "--amount: 'abc' is not an amount"),
        (vec!["discount", "--tier", "silver", "--amount", "-5"], "negative"),
        (vec!["discount", "--tier", "silver", "--amount", "1.234"], "more than two decimals"),
        (vec!["discount", "--tier", "bronze", "--amount", "1"], "use silver, gold or platinum"),
        (vec!["tier", "--annual", "lots"], "--annual"),
    ] {
        let o = kam(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stdout(&o).is_empty());
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn rules_check_refuses_overlapping_bands_with_key_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("mine.toml");
    std::fs::write(
        &file,
        "[discount]\nbands = [\n  { band = 1, min = 10000, max = 60000 },\n  { band = 2, min = 50000, max = 100000 },\n  { band = 3, min = 100000 },\n]\n",
    )
    .expect("write");
    let o = kam(dir.path(), &["rules", "--check", file.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("line 4, key discount.bands[1]") && e.contains("overlap"), "{e}");
    assert!(e.contains("hint"), "{e}");
}

/// Numbers the program cannot work with (issue #17: a window of 100,000,000
/// days crashed the workbench at start, a rate of 1e-11 printed as "0.")
/// are refused by the check, and by every command reading the user's file.
#[test]
fn rules_check_refuses_numbers_outside_their_range() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("mine.toml");
    for (text, key) in [
        ("[tier]\nannual_window_days = 100000000\n", "line 2, key tier.annual_window_days"),
        ("[downgrade]\noverdue_days = 100000000\n", "line 2, key downgrade.overdue_days"),
        ("[discount.rates]\nsilver = [0.95, 0.90, 1e-11]\n", "line 2, key discount.rates.silver[2]"),
    ] {
        std::fs::write(&file, text).expect("write");
        let o = kam(dir.path(), &["rules", "--check", file.to_str().expect("utf-8 path")]);
        assert_eq!(o.status.code(), Some(1), "{text}");
        let e = stderr(&o);
        assert!(e.contains(key) && e.contains("outside the allowed range"), "{e}");
        std::fs::write(dir.path().join("rules.toml"), text).expect("write");
        let o = kam(dir.path(), &["discount", "--tier", "silver", "--amount", "200000"]);
        assert_eq!(o.status.code(), Some(1), "{text}");
        assert!(stderr(&o).contains(key), "{}", stderr(&o));
        std::fs::remove_file(dir.path().join("rules.toml")).expect("remove");
    }
}

#[test]
fn rules_prints_a_file_that_checks_and_user_rules_apply() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["rules"]);
    assert!(o.status.success());
    let printed = dir.path().join("printed.toml");
    std::fs::write(&printed, stdout(&o)).expect("write");
    let o = kam(dir.path(), &["rules", "--check", printed.to_str().expect("utf-8 path")]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("valid"));

    std::fs::write(dir.path().join("rules.toml"), "[downgrade]\noverdue_days = 30\n").expect("write");
    let o = kam(dir.path(), &["tier", "--annual", "200万", "--overdue-days", "31", "--json"]);
    assert_eq!(json(&o)["downgraded"], true);
    std::fs::write(dir.path().join("rules.toml"), "[downgrade]\noverdue_days = -1\n").expect("write");
    let o = kam(dir.path(), &["tier", "--annual", "1"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("rules.toml: line 2"), "{}", stderr(&o));
}

#[test]
fn an_escape_sequence_in_an_argument_is_shown_not_sent() {
    let dir = tempfile::tempdir().expect("tmp");
    let o = kam(dir.path(), &["tier", "--annual", "5\u{1b}[2J\u{202E}万"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{202E}'), "{err:?}");
    assert!(err.contains("␛[2J"), "the escape is shown as a symbol: {err}");
}
