//! `kam selftest-writer` (hidden): the fault harness of issue #10.
//!
//! Writes through kam's own store, import, merge, export, migration and
//! backup code in a loop, and after each change is committed appends one
//! line to the ack file and syncs it. `tests/crash.rs` kills it at random
//! moments and checks that every acknowledged change survived and nothing
//! was half-applied; `tests/faults.rs` runs two in the editor mode against
//! one file. Lines are space-separated words:
//!
//! ```text
//! insert account ID 0          a record saved (the number: its child rows)
//! update account ID VERSION NOTES
//! conflict account ID EXPECTED CURRENT
//! delete contact ID
//! pair CALL_PLAN_ID VISIT_ID   a call saved done with its visit (save_pair)
//! import TAG ROWS | merge TAG ROWS | export DIR | migrate FILE | backup FILE
//! ```

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use kam_rules::{Lang, Money};

use super::Failure;
use crate::cli::{SelftestArgs, SelftestMode};
use crate::demo::Rng;
use crate::exchange::export::{export, ExportOptions};
use crate::exchange::import::{import_sheet, merge_dir, ImportOptions, SheetKind};
use crate::model::{
    Account, CallPlan, Collection, Commitment, Contact, Id, Order, OurParticipant, PlanStatus, Responsibility, Visit,
};
use crate::paths::Paths;
use crate::store::{create_v1_file, Span, Store, StoreError};

/// The name of the account both editors change.
pub const SHARED_ACCOUNT: &str = "共享客户";

/// Rows in each generated import and merge.
pub const IMPORT_ROWS: usize = 30;
pub const MERGE_ROWS: usize = 10;
/// VIP cards in each version 1 file of the migration mode.
pub const V1_CARDS: u32 = 20;

pub fn run(paths: &Paths, args: &SelftestArgs, clock: crate::clock::Clock) -> Result<(), Failure> {
    let mut h = Harness {
        store: Store::open(&paths.db, clock).map_err(fail)?,
        ack: Ack::open(&args.ack)?,
        rng: Rng(args.seed ^ 0x9e37_79b9_7f4a_7c15),
        seed: args.seed,
        work: paths
            .db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        deadline: args.secs.map(|s| Instant::now() + Duration::from_secs_f64(s)),
    };
    h.store.set_user(format!("selftest-{}", args.writer));
    match args.mode {
        SelftestMode::Edits => h.edits(),
        SelftestMode::Import => h.imports(),
        SelftestMode::Merge => h.merges(),
        SelftestMode::Export => h.exports(),
        SelftestMode::Migrate => h.migrations(),
        SelftestMode::Backup => h.backups(),
        SelftestMode::Editor => h.editor(&args.writer),
    }
}

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::failed(e.to_string())
}

/// The ack file: appended and synced line by line.
struct Ack(File);

impl Ack {
    fn open(path: &Path) -> Result<Self, Failure> {
        OpenOptions::new().create(true).append(true).open(path).map(Self).map_err(fail)
    }

    fn line(&mut self, text: &str) -> Result<(), Failure> {
        self.0.write_all(format!("{text}\n").as_bytes()).and_then(|()| self.0.sync_data()).map_err(fail)
    }
}

struct Harness {
    store: Store,
    ack: Ack,
    rng: Rng,
    seed: u64,
    work: PathBuf,
    deadline: Option<Instant>,
}

impl Harness {
    fn going(&self) -> bool {
        self.deadline.is_none_or(|d| Instant::now() < d)
    }

    /// The day orders and visits are dated.
    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn insert_account(&mut self, name: String) -> Result<Id, Failure> {
        let mut a = Account::named(name);
        self.store.insert(&mut a).map_err(fail)?;
        self.ack.line(&format!("insert account {} 0", a.meta.id))?;
        Ok(a.meta.id)
    }

    /// Plain edits: inserts, updates, deletes of accounts, contacts, orders
    /// and call plans with child rows, and a call saved done with its visit.
    fn edits(&mut self) -> Result<(), Failure> {
        let mut accounts: Vec<Id> =
            self.store.list::<Account>(200, 0).map_err(fail)?.into_iter().map(|a| a.meta.id).collect();
        let mut contacts: Vec<Id> = Vec::new();
        let mut n = 0u64;
        while self.going() {
            n += 1;
            if accounts.is_empty() {
                accounts.push(self.insert_account(format!("编辑{}-{n}", self.seed))?);
                continue;
            }
            let account = accounts[self.rng.below(accounts.len() as u64) as usize].clone();
            match self.rng.below(7) {
                0 => accounts.push(self.insert_account(format!("编辑{}-{n}", self.seed))?),
                1 => {
                    let mut a: Account = self.store.get(&account).map_err(fail)?;
                    a.notes = format!("n{}-{n}", self.seed);
                    self.store.update(&mut a, "selftest").map_err(fail)?;
                    self.ack.line(&format!("update account {} {} {}", a.meta.id, a.meta.version, a.notes))?;
                }
                2 => {
                    let mut c = Contact {
                        responsibilities: vec![
                            Responsibility { text: "采购".into() },
                            Responsibility { text: format!("第{n}项") },
                        ],
                        ..Contact::of(account, format!("联系人{n}"))
                    };
                    self.store.insert(&mut c).map_err(fail)?;
                    self.ack.line(&format!("insert contact {} 2", c.meta.id))?;
                    contacts.push(c.meta.id);
                }
                3 => {
                    let date = Self::day();
                    let mut o = Order {
                        account_id: account,
                        date,
                        amount: Money::from_yuan(1000),
                        net_amount: Money::from_yuan(1000),
                        collections: vec![
                            Collection { date, amount: Money::from_yuan(100) },
                            Collection { date, amount: Money::from_yuan(200) },
                        ],
                        ..Order::default()
                    };
                    self.store.insert(&mut o).map_err(fail)?;
                    self.ack.line(&format!("insert order {} 2", o.meta.id))?;
                }
                4 => {
                    let mut p = plan(account, n);
                    self.store.insert(&mut p).map_err(fail)?;
                    self.ack.line(&format!("insert call_plan {} 3", p.meta.id))?;
                }
                5 => {
                    let mut p = plan(account.clone(), n);
                    p.status = PlanStatus::Done;
                    p.what_happened = "谈妥了".into();
                    let mut v =
                        Visit { account_id: account, date: Self::day(), by: "王芳".into(), ..Visit::default() };
                    self.store.save_pair(&mut p, "", &mut v).map_err(fail)?;
                    self.ack.line(&format!("pair {} {}", p.meta.id, v.meta.id))?;
                }
                _ => {
                    if let Some(c) = contacts.pop() {
                        self.store.delete::<Contact>(&c, "selftest").map_err(fail)?;
                        self.ack.line(&format!("delete contact {c}"))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Imports of generated spreadsheets of [`IMPORT_ROWS`] accounts each,
    /// in `imports/TAG.csv` beside the database.
    fn imports(&mut self) -> Result<(), Failure> {
        let dir = self.work.join("imports");
        fs::create_dir_all(&dir).map_err(fail)?;
        let mut i = 0;
        while self.going() {
            i += 1;
            let tag = format!("imp{}x{i}", self.seed);
            let file = dir.join(format!("{tag}.csv"));
            let mut text = String::from("name,notes,region\n");
            for r in 0..IMPORT_ROWS {
                let _ = writeln!(text, "{tag}-{}号店,\"第一行\n第二行 {r}\",华东", char_name(r));
            }
            fs::write(&file, text).map_err(fail)?;
            let opts = ImportOptions::default();
            let r = import_sheet(&mut self.store, &file, SheetKind::Accounts, opts, &mut |_, _| {}).map_err(fail)?;
            if !r.written || r.new != IMPORT_ROWS {
                return Err(Failure::failed(format!("import {tag}: {r:?}")));
            }
            self.ack.line(&format!("import {tag} {IMPORT_ROWS}"))?;
        }
        Ok(())
    }

    /// Merges of day-end exports of another file: each round builds a
    /// small file in `merge/TAG.db`, exports it to `merge/TAG/` and merges
    /// that folder.
    fn merges(&mut self) -> Result<(), Failure> {
        let dir = self.work.join("merge");
        fs::create_dir_all(&dir).map_err(fail)?;
        let mut i = 0;
        while self.going() {
            i += 1;
            let tag = format!("mrg{}x{i}", self.seed);
            let out = dir.join(&tag);
            {
                let mut other = Store::open(&dir.join(format!("{tag}.db")), self.store.clock()).map_err(fail)?;
                for k in 0..MERGE_ROWS {
                    let mut a = Account::named(format!("{tag}-{}号店", char_name(k)));
                    other.insert(&mut a).map_err(fail)?;
                    let mut c = Contact::of(a.meta.id.clone(), format!("{tag}-联系人{k}"));
                    other.insert(&mut c).map_err(fail)?;
                }
                export(&other, &export_options(out.clone(), other.now())).map_err(fail)?;
            }
            merge_dir(&mut self.store, &out, false, &mut |_, _| {}).map_err(fail)?;
            self.ack.line(&format!("merge {tag} {MERGE_ROWS}"))?;
        }
        Ok(())
    }

    /// Full exports into `exports/N/`.
    fn exports(&mut self) -> Result<(), Failure> {
        let mut i = 0;
        while self.going() {
            i += 1;
            let name = format!("{}x{i}", self.seed);
            export(&self.store, &export_options(self.work.join("exports").join(&name), self.store.now()))
                .map_err(fail)?;
            self.ack.line(&format!("export {name}"))?;
        }
        Ok(())
    }

    /// Version 1 files in `migrate/` created and opened (so migrated).
    fn migrations(&mut self) -> Result<(), Failure> {
        let dir = self.work.join("migrate");
        fs::create_dir_all(&dir).map_err(fail)?;
        let mut i = 0;
        while self.going() {
            i += 1;
            let name = format!("m{}x{i}.db", self.seed);
            create_v1_file(&dir.join(&name), V1_CARDS).map_err(fail)?;
            drop(Store::open(&dir.join(&name), self.store.clock()).map_err(fail)?);
            self.ack.line(&format!("migrate {name}"))?;
        }
        Ok(())
    }

    /// An account, then a backup for the next day, into `backups/`.
    fn backups(&mut self) -> Result<(), Failure> {
        let dir = self.work.join("backups");
        let first = NaiveDate::from_ymd_opt(2001, 1, 1).unwrap_or_default();
        let mut i = 0u64;
        while self.going() {
            i += 1;
            self.insert_account(format!("备份{}-{i}", self.seed))?;
            let day = first + chrono::Days::new(self.seed * 1000 + i);
            if let Some(made) = self.store.daily_backup(&dir, day).map_err(fail)? {
                let name = made.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                self.ack.line(&format!("backup {name}"))?;
            }
        }
        Ok(())
    }

    /// One of two editors: changes the shared account (read, a short
    /// think, save) and its own, acknowledging saves and conflicts. Any
    /// other error, "database is locked" first of all, ends it with a failure.
    fn editor(&mut self, writer: &str) -> Result<(), Failure> {
        let shared = self
            .store
            .list::<Account>(1000, 0)
            .map_err(fail)?
            .into_iter()
            .find(|a| a.name == SHARED_ACCOUNT)
            .map(|a| a.meta.id)
            .ok_or_else(|| Failure::failed(format!("no account named {SHARED_ACCOUNT}")))?;
        let own = self.insert_account(format!("{writer}自己的客户"))?;
        let mut i = 0u64;
        while self.going() {
            i += 1;
            let id = if self.rng.below(10) < 7 { shared.clone() } else { own.clone() };
            let mut a: Account = self.store.get(&id).map_err(fail)?;
            std::thread::sleep(Duration::from_micros(self.rng.below(3000)));
            a.notes = format!("{writer}-{i}");
            match self.store.update(&mut a, "selftest") {
                Ok(()) => self.ack.line(&format!("update account {id} {} {}", a.meta.version, a.notes))?,
                Err(StoreError::Conflict(c)) => {
                    self.ack.line(&format!("conflict account {id} {} {}", c.expected_version, c.current_version()))?;
                }
                Err(e) => return Err(fail(e)),
            }
            if self.rng.below(5) == 0 {
                let mut c = Contact::of(shared.clone(), format!("{writer}的联系人{i}"));
                self.store.insert(&mut c).map_err(fail)?;
                self.ack.line(&format!("insert contact {} 0", c.meta.id))?;
            }
        }
        Ok(())
    }
}

/// A call plan with child rows: two of ours and a commitment.
fn plan(account: Id, n: u64) -> CallPlan {
    CallPlan {
        account_id: account,
        opportunity: format!("机会{n}"),
        our_participants: vec![
            OurParticipant { name: "王芳".into(), ..OurParticipant::default() },
            OurParticipant { name: "李强".into(), ..OurParticipant::default() },
        ],
        commitments: vec![Commitment { who: "客户".into(), what: "试用".into(), ..Commitment::default() }],
        ..CallPlan::default()
    }
}

/// Distinct words for generated names, so the duplicate guard sees no two
/// rows alike: 甲乙…, then 甲甲, 甲乙, …
fn char_name(n: usize) -> String {
    const STEMS: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
    let mut s = String::new();
    let mut k = n;
    loop {
        s.insert(0, STEMS[k % 10]);
        k /= 10;
        if k == 0 {
            break;
        }
    }
    s
}

/// The options every harness export uses, so two exports of the same data
/// are the same bytes (the manifest's time aside).
pub fn export_options(dir: PathBuf, now: chrono::DateTime<chrono::Utc>) -> ExportOptions {
    ExportOptions {
        span: Span::All,
        range: "all".into(),
        dir,
        bom: true,
        lang: Lang::En,
        unmask: false,
        who: "selftest".into(),
        now,
    }
}
