//! The command line (DESIGN §5): clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// kam — the key-account workbench. With no command it opens the workbench.
#[derive(Debug, Parser)]
#[command(name = "kam", version, about, long_about = None)]
pub struct Cli {
    /// Database file (default: kam.db in the data folder)
    #[arg(long, global = true, env = "KAM_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Language of messages and labels (default: config.toml, else LANG)
    #[arg(long, global = true, value_enum, value_name = "zh|en")]
    pub lang: Option<LangArg>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The tier for an annual order volume (DESIGN §4.1, §4.4)
    Tier(TierArgs),
    /// The discount for a single order (DESIGN §4.2)
    Discount(DiscountArgs),
    /// Print the rules in force, or check a rules file
    Rules(RulesArgs),
    /// Fill an empty database with fictional demo data
    Demo(DemoArgs),
    /// Integrity check, counts per record kind, trash and backups
    Check,
    /// Export records as CSV for Excel and head office (DESIGN §5, §6)
    Export(ExportArgs),
    /// Import a spreadsheet of accounts or contacts, or merge a day-end export folder
    Import(ImportArgs),
    /// A rep's evaluation for a period (DESIGN §4.9)
    Report(ReportArgs),
    /// Call plans and presentation plans
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Put a backup in place of a damaged database; the damaged file is kept as <name>.damaged-<time>
    Restore(RestoreArgs),
    /// Erase a person for good at their request (PIPL): the record, its personal values in the change log, the search index
    Erase(EraseArgs),
    /// Fold one account into another (the same company entered twice): its contacts, orders, visits and plans move to the account kept, and it goes to the trash
    Fold(FoldArgs),
    /// Encrypt the database file in place (a kam built with --features encryption); asks for a new passphrase
    Encrypt,
    /// Turn an encrypted database file back into a plain one, in place; asks for its passphrase
    Decrypt,
    /// The passphrase of the encrypted file: change it, keep it in the system's keyring or remove it from there
    #[command(subcommand)]
    Key(KeyCommand),
    /// Push local changes to the head-office hub, then pull what this user may see
    Sync(SyncArgs),
    /// The head-office hub on PostgreSQL: create its schema, add users
    #[command(subcommand)]
    Hub(HubCommand),
    /// Fault harness for tests: write through the store, acknowledging each committed change
    #[command(hide = true)]
    SelftestWriter(SelftestArgs),
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Keep the file's passphrase in the system's keyring: kam then opens the file without asking
    Remember,
    /// Remove the file's passphrase from the system's keyring: kam asks for it again
    Forget,
    /// Encrypt the file again under a new passphrase, in place; asks for the current one, then the new one twice
    Change,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub hub: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum HubCommand {
    /// Create the hub schema on a PostgreSQL server, or bring it up to this kam's version
    Init(HubInitArgs),
    /// Create a user's hub role with a generated password; print the connection string for their config.toml
    AddUser(HubAddUserArgs),
    /// Share an account with a rep (a manager's or the hub owner's connection)
    Share(HubShareArgs),
    /// Stop sharing an account with a rep
    Unshare(HubShareArgs),
    /// List the shared accounts (of one account, if given)
    Shares(HubSharesArgs),
    /// Give a rep a territory (they reach the accounts whose region it is), or take it with --remove; without REGION, list their territories
    Territory(HubTerritoryArgs),
    /// List the archive edits and account deletions waiting for a manager's approval (a manager: all; a rep: their own)
    Pending(HubPendingArgs),
    /// Approve a waiting change so it takes effect (managers only)
    Approve(HubApproveArgs),
    /// Reject a waiting change (managers only), with the reason
    Reject(HubRejectArgs),
}

#[derive(Debug, Args)]
pub struct HubTerritoryArgs {
    /// The rep's name
    #[arg(value_name = "USER")]
    pub user: String,
    /// The region, as accounts have it
    #[arg(value_name = "REGION")]
    pub region: Option<String>,
    /// Take the territory away
    #[arg(long, requires = "region")]
    pub remove: bool,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubPendingArgs {
    /// List the approved and rejected ones too
    #[arg(long)]
    pub all: bool,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubApproveArgs {
    /// The request's id (kam hub pending lists them)
    #[arg(value_name = "REQUEST_ID")]
    pub id: String,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubRejectArgs {
    /// The request's id (kam hub pending lists them)
    #[arg(value_name = "REQUEST_ID")]
    pub id: String,
    /// Why it is rejected; the requester reads it when they sync
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubShareArgs {
    /// The account's id (a UUID)
    #[arg(value_name = "ACCOUNT_ID")]
    pub account: String,
    /// The rep's name, as kam hub add-user was given it
    #[arg(value_name = "USER")]
    pub user: String,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubSharesArgs {
    /// The account's id (a UUID)
    #[arg(value_name = "ACCOUNT_ID")]
    pub account: Option<String>,
    /// The hub's connection string (default: KAM_HUB, else hub in config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubInitArgs {
    /// An administrator's connection string: postgresql://USER:PASSWORD@HOST:PORT/DB (default: KAM_HUB, else config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct HubAddUserArgs {
    /// The user's name, as their config.toml has it (user = "...") and accounts name their owner
    pub name: String,
    /// What the user may see and change
    #[arg(long, value_enum, value_name = "ROLE")]
    pub role: HubRoleArg,
    /// The store whose VIP cards the user keeps (staff)
    #[arg(long, value_name = "STORE")]
    pub store: Option<String>,
    /// An administrator's connection string (default: KAM_HUB, else config.toml)
    #[arg(long, env = "KAM_HUB", value_name = "URL", hide_env_values = true)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HubRoleArg {
    /// A rep: the accounts they own, with their contacts, orders, visits and plans
    Rep,
    /// Store staff: the VIP cards of their store
    Staff,
    /// A manager: everything
    Manager,
}

#[derive(Debug, Args)]
pub struct SelftestArgs {
    /// Append one synced line per committed change to this file
    #[arg(long, value_name = "FILE")]
    pub ack: PathBuf,
    /// What to write
    #[arg(long, value_enum)]
    pub mode: SelftestMode,
    /// Varies the work; the same seed does the same work
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Stop after this many seconds (default: run until killed)
    #[arg(long, value_name = "S")]
    pub secs: Option<f64>,
    /// This writer's name (editor mode)
    #[arg(long, default_value = "w")]
    pub writer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SelftestMode {
    /// Inserts, updates and deletes of records with child rows, and save_pair
    Edits,
    /// Imports of generated spreadsheets
    Import,
    /// Merges of day-end exports of another file
    Merge,
    /// Full exports
    Export,
    /// Version 1 files created and migrated
    Migrate,
    /// Daily backups
    Backup,
    /// One of two editors of the same account
    Editor,
}

#[derive(Debug, Args)]
pub struct EraseArgs {
    /// What the person is on file as
    #[arg(value_enum)]
    pub what: EraseWhat,
    /// The ids to erase; any unique beginning of an id will do
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
    /// Why (kept in the change log, without the person's data)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct FoldArgs {
    /// The account to fold away: its id, any unique beginning or end of it (the short id a merge lists)
    #[arg(value_name = "ID")]
    pub from: String,
    /// The account to keep, named the same way
    #[arg(value_name = "ID")]
    pub into: String,
    /// Why (kept in the change log and the trash; default: which account it was folded into)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EraseWhat {
    /// A contact of an account
    Contact,
    /// A VIP visitor card
    Vip,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore (default: the newest one in the backups folder that passes the check)
    #[arg(long, value_name = "BACKUP")]
    pub from: Option<PathBuf>,
    /// Replace the file even when it passes every check (it is kept beside, renamed)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// List the call plans and presentation plans with their short ids, newest first
    List,
    /// Write a call plan or presentation plan as Markdown, laid out like the paper form
    Print(PlanPrintArgs),
}

#[derive(Debug, Args)]
pub struct PlanPrintArgs {
    /// The plan's id, or any unique beginning of it (kam plan list and the workbench show 8 characters)
    pub id: String,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TierArgs {
    /// Annual order volume in yuan: 2500000, 2,500,000.00, 250万
    #[arg(long, value_name = "YUAN", allow_hyphen_values = true)]
    pub annual: String,
    /// Days the oldest unpaid receivable is past due
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub overdue_days: u32,
    /// Print one JSON object: annual, tier, downgraded, reason
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiscountArgs {
    /// Tier: silver, gold, platinum (or 银牌, 金牌, 白金)
    #[arg(long, value_name = "T")]
    pub tier: String,
    /// Single-order amount at list price, in yuan: 50000, 50,000.00, 5万
    #[arg(long, value_name = "YUAN", allow_hyphen_values = true)]
    pub amount: String,
    /// Payment method
    #[arg(long, value_enum, default_value_t = PaymentArg::Cash)]
    pub payment: PaymentArg,
    /// Another promotion is already applied (discounts never stack)
    #[arg(long)]
    pub promo: bool,
    /// Print one JSON object: tier, amount, payment, band, rate, net, reason
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PaymentArg {
    /// 现款
    Cash,
    /// 赊销
    Credit,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Check this rules file instead of printing the rules in force
    #[arg(long, value_name = "FILE")]
    pub check: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many accounts (each with about 3 contacts, 20 orders and 10 visits)
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub accounts: u32,
    /// The same seed gives the same data (for the same --today)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Empty a file that already holds records and fill it anyway
    #[arg(long)]
    pub force: bool,
    /// The day the data is built around, YYYY-MM-DD (default: today)
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Records created or changed on this day (YYYY-MM-DD; default today)
    #[arg(long, value_name = "D", conflicts_with_all = ["since", "until", "all"])]
    pub day: Option<String>,
    /// First day of a range (with --until)
    #[arg(long, value_name = "D", requires = "until", conflicts_with = "all")]
    pub since: Option<String>,
    /// Last day of a range, included (with --since)
    #[arg(long, value_name = "D", requires = "since", conflicts_with = "all")]
    pub until: Option<String>,
    /// Every record
    #[arg(long)]
    pub all: bool,
    /// Folder to write into (default: kam-export-DATE in the current folder)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Leave out the UTF-8 byte-order mark Excel needs for Chinese text
    #[arg(long)]
    pub no_bom: bool,
    /// Also write one Excel workbook with a sheet per table
    #[arg(long)]
    pub xlsx: bool,
    /// Show phones, birth dates, spouses and vehicles in full (manager role only)
    #[arg(long)]
    pub unmask: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A spreadsheet (accounts.csv, contacts.csv, scores.csv, …) or a day-end export folder to merge
    #[arg(value_name = "FILE.csv|DIR")]
    pub path: PathBuf,
    /// The kind of records in the file when its name does not say
    #[arg(long, value_enum)]
    pub kind: Option<ImportKind>,
    /// Report what would happen (new, updated, duplicate, rejected) and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows and write the bad ones, with reasons, beside the file
    #[arg(long)]
    pub skip_bad: bool,
    /// Update a record matched as a duplicate instead of skipping the row
    #[arg(long)]
    pub update: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    Accounts,
    Contacts,
    /// Scorecard scores: an account column and one column per criterion of the rules
    Scores,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A month (2026-11), a quarter (2026-Q4) or a year (2026); default: this month
    #[arg(long, value_name = "P")]
    pub period: Option<String>,
    /// One rep (default: every rep)
    #[arg(long, value_name = "NAME")]
    pub rep: Option<String>,
    /// Print JSON: period, rep, kpis, score, grade (an array for every rep)
    #[arg(long)]
    pub json: bool,
}

/// A command-line mistake in `lang`'s words, from what clap found: a value
/// not among the choices, a missing or unknown argument, an unknown
/// command. `None` where kam has no words of its own (clap's English text
/// is printed then).
pub fn error_text(e: &clap::Error, lang: kam_rules::Lang) -> Option<String> {
    use crate::i18n::T;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |k: ContextKind| -> String {
        match e.get(k) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join(", "),
            Some(ContextValue::StyledStr(s)) => s.to_string(),
            Some(ContextValue::StyledStrs(v)) => v.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            Some(ContextValue::Number(n)) => n.to_string(),
            Some(ContextValue::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    };
    let text = match e.kind() {
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let t = if valid.is_empty() { T::CliBadValue } else { T::CliBadChoice };
            t.fill(
                lang,
                &[
                    ("arg", &get(ContextKind::InvalidArg)),
                    ("value", &get(ContextKind::InvalidValue)),
                    ("valid", &valid),
                ],
            )
        }
        ErrorKind::MissingRequiredArgument => T::CliMissing.fill(lang, &[("args", &get(ContextKind::InvalidArg))]),
        ErrorKind::UnknownArgument => {
            let mut t = T::CliUnknownArg.fill(lang, &[("arg", &get(ContextKind::InvalidArg))]);
            let suggested = get(ContextKind::SuggestedArg);
            if !suggested.is_empty() {
                t.push_str(&T::CliDidYouMean.fill(lang, &[("what", &suggested)]));
            }
            t
        }
        ErrorKind::InvalidSubcommand => {
            let mut t = T::CliUnknownCommand.fill(lang, &[("what", &get(ContextKind::InvalidSubcommand))]);
            let suggested = get(ContextKind::SuggestedSubcommand);
            if !suggested.is_empty() {
                t.push_str(&T::CliDidYouMean.fill(lang, &[("what", &suggested)]));
            }
            t
        }
        ErrorKind::ArgumentConflict => {
            T::CliConflict.fill(lang, &[("arg", &get(ContextKind::InvalidArg)), ("other", &get(ContextKind::PriorArg))])
        }
        _ => return None,
    };
    Some(text)
}

/// The command line as `--help` shows it in `lang`: every command's about
/// text and every argument's help from the catalogue ([`crate::i18n::T`]);
/// under zh also clap's own words (the "Usage", "Commands", "Arguments" and
/// "Options" headings, `[OPTIONS]`, the value placeholders, and the
/// `[default: …]`, `[env: …]` and `[possible values: …]` notes), which clap
/// writes in English. The command is built first so that clap's own
/// arguments (`--help`, `--version`) and `help` subcommands are there to be
/// rewritten; parsing is the same in either language.
pub fn localized(lang: kam_rules::Lang) -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    localize(cmd, "", lang)
}

fn localize(mut cmd: clap::Command, path: &str, lang: kam_rules::Lang) -> clap::Command {
    use crate::i18n::T;
    if let Some(t) = about_of(path) {
        cmd = cmd.about(t.get(lang)).long_about(None);
    }
    cmd = cmd.mut_args(|a| localize_arg(a, path, lang));
    if lang == kam_rules::Lang::Zh {
        cmd = cmd
            .subcommand_help_heading(T::HelpCommands.get(lang))
            .subcommand_value_name(T::HelpValueCommand.get(lang))
            .help_template(format!(
                "{{before-help}}{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
                T::HelpUsage.get(lang)
            ));
        let usage = cmd.render_usage().to_string();
        let usage = usage.split_once(": ").map_or(usage.as_str(), |(_, u)| u);
        let usage = usage.replace("[OPTIONS]", T::HelpOptionsTag.get(lang));
        cmd = cmd.override_usage(usage);
    }
    cmd.mut_subcommands(|sc| {
        let name = sc.get_name().to_string();
        let sub = if path.is_empty() { name } else { format!("{path} {name}") };
        localize(sc, &sub, lang)
    })
}

fn localize_arg(mut a: clap::Arg, path: &str, lang: kam_rules::Lang) -> clap::Arg {
    use crate::i18n::T;
    if let Some(t) = arg_help(path, a.get_id().as_str()) {
        a = a.help(t.get(lang)).long_help(None);
    }
    if lang != kam_rules::Lang::Zh {
        return a;
    }
    let heading = if a.is_positional() { T::HelpArguments } else { T::HelpOptions };
    a = a.help_heading(heading.get(lang));
    if let Some(names) = a.get_value_names() {
        let names: Vec<clap::builder::Str> =
            names.iter().map(|n| value_name(n.as_str()).map_or_else(|| n.clone(), |t| t.get(lang).into())).collect();
        a = a.value_names(names);
    }
    let mut notes = Vec::new();
    let takes_values = a.get_action().takes_values();
    if takes_values && !a.is_hide_possible_values_set() {
        let choices: Vec<String> =
            a.get_possible_values().iter().filter(|v| !v.is_hide_set()).map(|v| v.get_name().to_string()).collect();
        if !choices.is_empty() {
            notes.push(format!("{}: {}", T::HelpChoices.get(lang), choices.join(", ")));
            a = a.hide_possible_values(true);
        }
    }
    if takes_values && !a.is_hide_default_value_set() && !a.get_default_values().is_empty() {
        let values: Vec<String> = a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
        notes.push(format!("{}: {}", T::HelpDefault.get(lang), values.join(", ")));
        a = a.hide_default_value(true);
    }
    if let Some(env) = a.get_env().filter(|_| !a.is_hide_env_set()) {
        notes.push(format!("{}: {}", T::HelpEnv.get(lang), env.to_string_lossy()));
        a = a.hide_env(true);
    }
    if !notes.is_empty() {
        let help = a.get_help().map(ToString::to_string).unwrap_or_default();
        a = a.help(format!("{help} [{}]", notes.join("; ")));
    }
    a
}

/// A command's about text: `path` is its name under kam ("plan print").
fn about_of(path: &str) -> Option<crate::i18n::T> {
    use crate::i18n::T;
    Some(match path {
        "" => T::HelpAbout,
        "tier" => T::HelpTier,
        "discount" => T::HelpDiscount,
        "rules" => T::HelpRules,
        "demo" => T::HelpDemo,
        "check" => T::HelpCheck,
        "export" => T::HelpExport,
        "import" => T::HelpImport,
        "report" => T::HelpReport,
        "plan" => T::HelpPlan,
        "plan list" => T::HelpPlanList,
        "plan print" => T::HelpPlanPrint,
        "restore" => T::HelpRestore,
        "erase" => T::HelpErase,
        "fold" => T::HelpFold,
        "encrypt" => T::HelpEncrypt,
        "decrypt" => T::HelpDecrypt,
        "key" => T::HelpKey,
        "key remember" => T::HelpKeyRemember,
        "key forget" => T::HelpKeyForget,
        "key change" => T::HelpKeyChange,
        "sync" => T::HelpSync,
        "hub" => T::HelpHub,
        "hub init" => T::HelpHubInit,
        "hub add-user" => T::HelpHubAddUser,
        "hub share" => T::HelpHubShare,
        "hub unshare" => T::HelpHubUnshare,
        "hub shares" => T::HelpHubShares,
        "hub territory" => T::HelpHubTerritory,
        "hub pending" => T::HelpHubPending,
        "hub approve" => T::HelpHubApprove,
        "hub reject" => T::HelpHubReject,
        p if p == "help" || p.ends_with(" help") => T::HelpHelpCommand,
        _ => return None,
    })
}

/// An argument's help: `id` is its name in [`Cli`] (the field's name).
fn arg_help(path: &str, id: &str) -> Option<crate::i18n::T> {
    use crate::i18n::T;
    Some(match (path, id) {
        (_, "db") => T::HelpDb,
        (_, "lang") => T::HelpLang,
        (_, "help") => T::HelpHelp,
        (_, "version") => T::HelpVersion,
        (p, "subcommand") if p == "help" || p.ends_with(" help") => T::HelpHelpCommandArg,
        ("tier", "annual") => T::HelpTierAnnual,
        ("tier", "overdue_days") => T::HelpTierOverdue,
        ("tier", "json") => T::HelpTierJson,
        ("discount", "tier") => T::HelpDiscountTier,
        ("discount", "amount") => T::HelpDiscountAmount,
        ("discount", "payment") => T::HelpDiscountPayment,
        ("discount", "promo") => T::HelpDiscountPromo,
        ("discount", "json") => T::HelpDiscountJson,
        ("rules", "check") => T::HelpRulesCheck,
        ("demo", "accounts") => T::HelpDemoAccounts,
        ("demo", "seed") => T::HelpDemoSeed,
        ("demo", "force") => T::HelpDemoForce,
        ("demo", "today") => T::HelpDemoToday,
        ("export", "day") => T::HelpExportDay,
        ("export", "since") => T::HelpExportSince,
        ("export", "until") => T::HelpExportUntil,
        ("export", "all") => T::HelpExportAll,
        ("export", "dir") => T::HelpExportDir,
        ("export", "no_bom") => T::HelpExportNoBom,
        ("export", "xlsx") => T::HelpExportXlsx,
        ("export", "unmask") => T::HelpExportUnmask,
        ("import", "path") => T::HelpImportPath,
        ("import", "kind") => T::HelpImportKind,
        ("import", "dry_run") => T::HelpImportDryRun,
        ("import", "skip_bad") => T::HelpImportSkipBad,
        ("import", "update") => T::HelpImportUpdate,
        ("report", "period") => T::HelpReportPeriod,
        ("report", "rep") => T::HelpReportRep,
        ("report", "json") => T::HelpReportJson,
        ("plan print", "id") => T::HelpPlanPrintId,
        ("plan print", "out") => T::HelpPlanPrintOut,
        ("restore", "from") => T::HelpRestoreFrom,
        ("restore", "force") => T::HelpRestoreForce,
        ("erase", "what") => T::HelpEraseWhat,
        ("erase", "ids") => T::HelpEraseIds,
        ("erase", "reason") => T::HelpEraseReason,
        ("fold", "from") => T::HelpFoldFrom,
        ("fold", "into") => T::HelpFoldInto,
        ("fold", "reason") => T::HelpFoldReason,
        ("sync", "hub") => T::HelpSyncHub,
        ("hub init" | "hub add-user", "url") => T::HelpHubUrl,
        ("hub add-user", "name") => T::HelpHubUserName,
        ("hub add-user", "role") => T::HelpHubUserRole,
        ("hub add-user", "store") => T::HelpHubUserStore,
        ("hub share" | "hub unshare" | "hub shares", "account") => T::HelpHubShareAccount,
        ("hub share" | "hub unshare", "user") => T::HelpHubShareUser,
        ("hub territory", "user") => T::HelpHubTerritoryUser,
        ("hub territory", "region") => T::HelpHubTerritoryRegion,
        ("hub territory", "remove") => T::HelpHubTerritoryRemove,
        (
            "hub share" | "hub unshare" | "hub shares" | "hub territory" | "hub pending" | "hub approve" | "hub reject",
            "url",
        ) => T::HelpHubConnUrl,
        ("hub pending", "all") => T::HelpHubPendingAll,
        ("hub approve" | "hub reject", "id") => T::HelpHubRequestId,
        ("hub reject", "reason") => T::HelpHubRejectReason,
        _ => return None,
    })
}

/// A value placeholder's words (`--db <路径>`).
fn value_name(name: &str) -> Option<crate::i18n::T> {
    use crate::i18n::T;
    Some(match name {
        "PATH" => T::HelpValuePath,
        "YUAN" => T::HelpValueYuan,
        "FILE" => T::HelpValueFile,
        "DATE" | "D" => T::HelpValueDate,
        "DIR" => T::HelpValueDir,
        "FILE.csv|DIR" => T::HelpValueFileOrDir,
        "NAME" => T::HelpValueName,
        "TEXT" => T::HelpValueText,
        "BACKUP" => T::HelpValueBackup,
        "COMMAND" => T::HelpValueCommand,
        "P" => T::HelpValuePeriod,
        "T" => T::HelpValueTier,
        "S" => T::HelpValueSeed,
        "N" => T::HelpValueCount,
        "WHAT" => T::HelpValueWhat,
        "PAYMENT" => T::HelpValuePayment,
        "KIND" => T::HelpValueKind,
        "URL" => T::HelpValueUrl,
        "ROLE" => T::HelpValueRole,
        "STORE" => T::HelpValueStore,
        "ACCOUNT_ID" => T::HelpValueAccountId,
        "USER" => T::HelpValueUser,
        "REQUEST_ID" => T::HelpValueRequestId,
        "REGION" => T::HelpValueRegion,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every visible command and argument has its words in the catalogue:
    /// a new one without them would show English under zh.
    #[test]
    fn every_command_and_argument_has_catalogue_words() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if about_of(path).is_none() {
                missing.push(format!("command '{path}'"));
            }
            for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
                if arg_help(path, a.get_id().as_str()).is_none() {
                    missing.push(format!("'{path}' argument {}", a.get_id()));
                }
            }
            // clap's `help` holds copies of the commands (for completion), never shown.
            if path == "help" || path.ends_with(" help") {
                return;
            }
            for sc in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
                let sub = if path.is_empty() { sc.get_name().to_string() } else { format!("{path} {}", sc.get_name()) };
                walk(sc, &sub, missing);
            }
        }
        let mut cmd = <Cli as clap::CommandFactory>::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no words in i18n for: {missing:?}");
    }
}
