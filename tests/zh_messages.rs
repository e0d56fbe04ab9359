//! Under `--lang zh` the command line speaks Chinese: a message a user can
//! cause (a typo in a flag's value, a bad cell, a missing file) has no
//! English words in it, only the names a user types (flags, kinds, keys).

mod common;

use std::path::Path;
use std::process::Command;

fn kam(dir: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "zh"])
        .args(args)
        .current_dir(dir)
        .env("KAM_CONFIG_DIR", dir.join("cfg"))
        .env("KAM_DB", dir.join("kam.db"))
        .env("KAM_NOW", common::kam_now())
        .env_remove("LC_ALL")
        .output()
        .expect("run kam");
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Words a Chinese message may hold: the program, what the user types
/// (flags, subcommands, kinds and keys) and what files are called.
const ALLOWED: &[&str] = &[
    "PAYMENT",
    "cash",
    "credit",
    "report",
    "export",
    "COMMAND",
    "help",
    "kam",
    "plan",
    "list",
    "print",
    "accounts",
    "contacts",
    "scores",
    "kind",
    "silver",
    "gold",
    "platinum",
    "csv",
    "UTF",
    "VIP",
    "skip",
    "bad",
    "account",
    "account_id",
    "market_leader",
    "rules",
    "check",
    "toml",
    // Commands and values a user types, and the names of formats and
    // variables, as `--help` gives them.
    "tier",
    "discount",
    "demo",
    "import",
    "restore",
    "erase",
    "fold",
    "encrypt",
    "decrypt",
    "contact",
    "vip",
    "JSON",
    "CSV",
    "Excel",
    "Markdown",
    "KAM_DB",
    "LANG",
];

/// The English words of `text` that are not allowed: runs of three or more
/// Latin letters outside flags (`--period`) and paths.
fn english(text: &str) -> Vec<String> {
    // What a message quotes (“xyz”) is the user's own text.
    let mut plain = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '“' => quoted = true,
            '”' => quoted = false,
            _ if !quoted => plain.push(c),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for token in plain.split(|c: char| c.is_whitespace() || "(),:;:,()“”'\"`".contains(c)) {
        if token.starts_with("--") || token.contains('/') || token.contains('.') {
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic() && c != '_') {
            if word.len() >= 3 && !ALLOWED.contains(&word) {
                found.push(word.to_string());
            }
        }
    }
    found
}

#[test]
fn the_checker_sees_english() {
    assert_eq!(english("“很多”不是金额:请输入元数"), Vec::<String>::new());
    assert_eq!(english("“lots”不是金额"), Vec::<String>::new(), "quoted input is the user's");
    assert_eq!(english("'lots' is not an amount"), ["lots", "not", "amount"]);
    assert_eq!(english("kam: 错误: --period: 见 /tmp/x.csv"), Vec::<String>::new());
}

#[test]
fn mistakes_a_user_can_make_are_told_in_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::write(d.join("accounts.csv"), "客户名称,信用额度,上市\n上海华联,很多,也许\n").expect("sheet");
    std::fs::write(d.join("scores.csv"), "客户名称,市场领导\n没有这家公司,11\n").expect("sheet");
    std::fs::write(d.join("nothing.csv"), "a,b\n1,2\n").expect("sheet");
    std::fs::write(d.join("dates.csv"), "客户名称,交往时间\n甲公司,2026-13-01\n乙公司,2026-02-30\n").expect("sheet");
    std::fs::create_dir(d.join("日终")).expect("folder");
    let o = kam(d, &["demo", "--accounts", "3", "--today", "2026-11-23"]);
    assert!(english(&o).is_empty(), "{o}");
    for args in [
        &["report", "--period", "2026-13"][..],
        &["tier", "--annual", "很多"],
        &["discount", "--tier", "铜牌", "--amount", "5万"],
        &["discount", "--tier", "银牌", "--amount", "5.5.5"],
        &["plan", "print", "xyz"],
        &["plan", "print", "ffff0000"],
        &["import", "nothing.csv"],
        &["import", "accounts.csv"],
        &["import", "dates.csv", "--kind", "accounts"],
        &["export", "--day", "2026-02-30"],
        &["import", "scores.csv"],
        &["import", "日终"],
        &["rules", "--check", "no-such-rules.toml"],
        &["erase", "contact", "zzzz", "--reason", "本人要求"],
        &["report", "--rep", "没有这人"],
        &["--db", "missing.db", "check"],
        // What the command line parser finds, in kam's words.
        &["discount", "--tier", "gold", "--amount", "5万", "--payment", "支票"],
        &["export", "--since", "2026-11-01"],
        &["exprot"],
        &["report", "--perod", "2026-11"],
    ] {
        let o = kam(d, args);
        assert!(!o.trim().is_empty(), "{args:?} says something");
        let words = english(&o);
        assert!(words.is_empty(), "{args:?} speaks English {words:?}:\n{o}");
        if args.contains(&"dates.csv") || args.contains(&"--day") {
            assert!(o.contains("2 月只有 28 天"), "a bad date says why: {o}");
        }
    }
}

/// Every visible command's path under kam ("plan print"), the top level first.
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, path: &[String], out: &mut Vec<Vec<String>>) {
        out.push(path.to_vec());
        // clap's `help` command takes no --help; `kam help import` is tried below.
        for sc in cmd.get_subcommands().filter(|c| !c.is_hide_set() && c.get_name() != "help") {
            let mut p = path.to_vec();
            p.push(sc.get_name().to_string());
            walk(sc, &p, out);
        }
    }
    let mut cmd = <kam::cli::Cli as clap::CommandFactory>::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, &[], &mut out);
    out
}

#[test]
fn help_of_every_command_is_in_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let paths = command_paths();
    assert!(paths.len() > 12, "every command: {paths:?}");
    for path in paths {
        for flag in ["--help", "-h"] {
            let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
            args.push(flag);
            let o = kam(tmp.path(), &args);
            let words = english(&o);
            assert!(words.is_empty(), "{args:?} speaks English {words:?}:\n{o}");
            assert!(o.contains("用法:") && o.contains("选项:"), "{args:?}: clap's headings in Chinese:\n{o}");
        }
    }
    let o = kam(tmp.path(), &["help", "import"]);
    assert!(o.contains("参数:") && english(&o).is_empty(), "{o}");
    // Chinese from LANG alone, with no --lang typed.
    let o = Command::new(env!("CARGO_BIN_EXE_kam"))
        .arg("--help")
        .env("KAM_CONFIG_DIR", tmp.path().join("cfg"))
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("run kam");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("命令:") && english(&out).is_empty(), "{out}");
    // English stays English, from the same catalogue.
    let o = Command::new(env!("CARGO_BIN_EXE_kam"))
        .args(["--lang", "en", "import", "--help"])
        .env("KAM_CONFIG_DIR", tmp.path().join("cfg"))
        .output()
        .expect("run kam");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Usage: kam import [OPTIONS] <FILE.csv|DIR>") && out.contains("Update a record matched"),
        "{out}"
    );
}
