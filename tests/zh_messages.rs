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
    "key",
    "remember",
    "forget",
    "change",
    "contact",
    "vip",
    "JSON",
    "CSV",
    "GBK",
    "Excel",
    "Markdown",
    "KAM_DB",
    "LANG",
    // The head-office hub (#23): its commands, roles and what it runs on.
    "sync",
    "hub",
    "init",
    "add-user",
    "add",
    "user",
    "rep",
    "staff",
    "manager",
    "KAM_HUB",
    "PostgreSQL",
    "postgresql",
    "config",
    // Its share lists, territories and approvals (#23).
    "share",
    "unshare",
    "shares",
    "territory",
    "pending",
    "approve",
    "reject",
    // What its connection string holds for TLS (#23), and what TLS is.
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "require",
    "disable",
    "ssl",
    "TLS",
    "PEM",
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
        // The hub's CA file (sslrootcert) that is not there: named, before any connection.
        &["sync", "--hub", "postgresql://kam_x:p@127.0.0.1:9/kam?sslmode=require&sslrootcert=没有的证书.pem"],
    ] {
        let o = kam(d, args);
        assert!(!o.trim().is_empty(), "{args:?} says something");
        let words = english(&o);
        assert!(words.is_empty(), "{args:?} speaks English {words:?}:\n{o}");
        if args.contains(&"sync") {
            assert!(o.contains("没有的证书.pem") && o.contains("不存在"), "the CA file is named: {o}");
        }
        if args.contains(&"dates.csv") || args.contains(&"--day") {
            assert!(o.contains("2 月只有 28 天"), "a bad date says why: {o}");
        }
    }
}

/// What an import did with each row, and the rejects file it writes for
/// people to fix, in Chinese: a duplicate was listed as `(skipped)` and the
/// rejects file's last column was `reason`.
#[test]
fn an_import_says_what_it_did_in_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    std::fs::write(d.join("accounts.csv"), "客户名称,信用额度\n西湖精机,5万\n").expect("sheet");
    let o = kam(d, &["import", "accounts.csv"]);
    assert!(o.contains("新增 1"), "{o}");
    std::fs::write(d.join("accounts.csv"), "客户名称,信用额度\n西湖精机,5万\n坏公司,很多\n").expect("sheet");
    let o = kam(d, &["import", "accounts.csv", "--skip-bad"]);
    assert!(o.contains("与已有记录重复:西湖精机") && o.contains("(已跳过)"), "{o}");
    // The record's id is named in hex: no words in it.
    let uuid = |w: &str| w.len() == 36 && w.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let said: String = o.split(|c: char| "() \n".contains(c)).filter(|w| !uuid(w)).collect::<Vec<_>>().join(" ");
    assert!(english(&said).is_empty(), "{:?}:\n{o}", english(&said));
    let rejects = std::fs::read_to_string(d.join("accounts.rejects.csv")).expect("rejects file");
    let header = rejects.trim_start_matches('\u{feff}').lines().next().unwrap_or_default();
    assert_eq!(header, "客户名称,信用额度,原因", "{rejects}");
    assert!(english(&rejects).is_empty(), "{rejects}");
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

/// What a case does to its copy of the export folder.
type Change = Box<dyn FnOnce(&Path)>;

/// A copy of the folder `from` as `to`, changed by `change` (given the new folder).
fn variant(from: &Path, to: &Path, change: impl FnOnce(&Path)) {
    std::fs::create_dir_all(to).expect("folder");
    for e in std::fs::read_dir(from).expect("read folder") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, to.join(p.file_name().expect("name"))).expect("copy");
    }
    change(to);
}

fn read_manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).expect("manifest")).expect("json")
}

fn write_manifest(dir: &Path, v: &serde_json::Value) {
    std::fs::write(dir.join("manifest.json"), serde_json::to_string_pretty(v).expect("json")).expect("write");
}

/// The rows of a CSV file kam wrote (its BOM kept on the first header).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).expect("csv");
    r.records().map(|x| x.expect("row").iter().map(str::to_string).collect()).collect()
}

fn write_csv(path: &Path, rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).expect("csv");
    for row in rows {
        w.write_record(row).expect("row");
    }
    w.flush().expect("flush");
}

/// Sets the cell under the header `header` in the first data row.
fn set_first(path: &Path, header: &str, value: &str) {
    let mut rows = csv_rows(path);
    let at = rows[0].iter().position(|h| h.trim_start_matches('\u{feff}') == header).expect("header");
    rows[1][at] = value.to_string();
    write_csv(path, &rows);
}

/// Every refusal `kam import DIR` can give for a folder, and the problems
/// of its rows, are told in Chinese under `--lang zh` (#22): a folder
/// without a manifest, a manifest of the wrong shape, counts or a schema
/// that do not match, a missing parent, bad field clocks, bad versions and
/// times, a date that does not exist, a broken file.
#[test]
fn merging_a_folder_is_refused_in_chinese() {
    let tmp = tempfile::tempdir().expect("tmp");
    let d = tmp.path();
    let o = kam(d, &["--db", "source.db", "demo", "--accounts", "3", "--today", "2026-11-23"]);
    assert!(english(&o).is_empty(), "{o}");
    let o = kam(d, &["--db", "source.db", "export", "--all", "--dir", "全部"]);
    assert!(english(&o).is_empty(), "{o}");
    let full = d.join("全部");
    let good = read_manifest(&full);
    let account_id = csv_rows(&full.join("accounts.csv"))[1][0].clone();
    let manifest_with = |key: &str, value: serde_json::Value| {
        let mut v = good.clone();
        match key.split_once('/') {
            Some((a, b)) => v[a][b] = value,
            None => v[key] = value,
        }
        v
    };
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "no-manifest",
            Box::new(|p: &Path| std::fs::remove_file(p.join("manifest.json")).expect("rm")),
            "像是打了码的",
        ),
        (
            "masked-text",
            Box::new({
                let v = manifest_with("masked", "true".into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "不是 “true” 或 “false”",
        ),
        (
            "masked-none",
            Box::new({
                let mut v = good.clone();
                v.as_object_mut().expect("object").remove("masked");
                move |p: &Path| write_manifest(p, &v)
            }),
            "没有 “masked” 一项",
        ),
        ("not-object", Box::new(|p: &Path| write_manifest(p, &serde_json::json!([1, 2]))), "不是 kam 导出的清单"),
        (
            "not-json",
            Box::new(|p: &Path| std::fs::write(p.join("manifest.json"), "{ masked: yes").expect("w")),
            "不是 JSON 文件",
        ),
        (
            "schema-99",
            Box::new({
                let v = manifest_with("schema_version", 99.into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "请先升级 kam",
        ),
        (
            "schema-text",
            Box::new({
                let v = manifest_with("schema_version", "eight".into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "不是整数",
        ),
        (
            "files-text",
            Box::new({
                let v = manifest_with("files", "all of them".into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "不是每个文件的行数",
        ),
        (
            "count-text",
            Box::new({
                let v = manifest_with("files/accounts.csv", "three".into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "不是整数",
        ),
        (
            "count-mismatch",
            Box::new({
                let v = manifest_with("files/accounts.csv", 99.into());
                move |p: &Path| write_manifest(p, &v)
            }),
            "实际有 3 行",
        ),
        (
            "missing-parent",
            Box::new(|p: &Path| std::fs::remove_file(p.join("accounts.csv")).expect("rm")),
            "既不在这个文件夹里",
        ),
        (
            "orphan-child",
            Box::new(|p: &Path| {
                set_first(&p.join("contact_behaviours.csv"), "所属记录ID", "01922379-3900-72dd-a1af-000000000000");
            }),
            "不是 contacts.csv 里的记录",
        ),
        (
            "bad-clocks",
            Box::new({
                let mut v = good.clone();
                v["files"]["field_clocks.csv"] = 2.into();
                let id = account_id.clone();
                move |p: &Path| {
                    let header = ["table", "record_id", "field", "at", "who", "base"].map(String::from).to_vec();
                    let bad = ["nosuch", "not-an-id", "Bad Field", "yesterday", "王芳", "whenever"]
                        .map(String::from)
                        .to_vec();
                    let future =
                        ["accounts", &id, "name", "2099-01-01T00:00:00Z", "王芳", ""].map(String::from).to_vec();
                    write_csv(&p.join("field_clocks.csv"), &[header, bad, future]);
                    write_manifest(p, &v);
                }
            }),
            "不是 kam 导出里的表",
        ),
        (
            "clock-column",
            Box::new({
                let mut v = good.clone();
                v["files"]["field_clocks.csv"] = 0.into();
                move |p: &Path| {
                    write_csv(&p.join("field_clocks.csv"), &[["table", "record_id"].map(String::from).to_vec()]);
                    write_manifest(p, &v);
                }
            }),
            "不是 kam 的字段时钟文件",
        ),
        (
            "bad-version",
            Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "版本", "9223372036854775807")),
            "不是版本号",
        ),
        (
            "old-time",
            Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "更新时间", "1970-01-01T00:00:00Z")),
            "早于 2000 年",
        ),
        ("not-a-time", Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "创建时间", "上周")), "不是时间"),
        (
            "future",
            Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "创建时间", "2099-01-01T00:00:00Z")),
            "在将来",
        ),
        ("no-id", Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "ID", "")), "只能合并 kam 自己导出的文件"),
        (
            "bad-date",
            Box::new(|p: &Path| set_first(&p.join("accounts.csv"), "交往时间", "2026-02-30")),
            "2 月只有 28 天",
        ),
        (
            "column-twice",
            Box::new(|p: &Path| {
                let mut rows = csv_rows(&p.join("accounts.csv"));
                let n = rows[0].len();
                rows[0][n - 1] = "名称".into();
                write_csv(&p.join("accounts.csv"), &rows);
            }),
            "这一列出现了两次",
        ),
        (
            "unclosed-quote",
            Box::new(|p: &Path| {
                let mut text = std::fs::read_to_string(p.join("accounts.csv")).expect("read");
                text.push_str("\"没有闭合的引号,1\n");
                std::fs::write(p.join("accounts.csv"), text).expect("write");
            }),
            "引号没有闭合",
        ),
        (
            "not-text",
            Box::new(|p: &Path| {
                std::fs::write(p.join("accounts.csv"), b"\xef\xbb\xbfID,\xff\xfe\n").expect("write");
            }),
            "既不是 UTF-8 也不是 GBK",
        ),
    ];
    for (name, change, says) in cases {
        let folder = d.join(name);
        variant(&full, &folder, change);
        let arg = format!("./{name}");
        let o = kam(d, &["--db", &format!("{name}.db"), "import", &arg]);
        let words = english(&o);
        assert!(words.is_empty(), "{name}: English {words:?}:\n{o}");
        assert!(o.contains(says), "{name}: says {says:?}:\n{o}");
        // A dry run tells the same.
        let o = kam(d, &["--db", &format!("{name}.db"), "import", "--dry-run", &arg]);
        assert!(english(&o).is_empty() && o.contains(says), "{name} --dry-run:\n{o}");
    }
}
