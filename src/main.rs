//! kam: parse the command line, dispatch, map errors to exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::FromArgMatches;
use kam::cli::{Cli, Command, LangArg};
use kam::commands::{self, Ctx, Failure};
use kam::config::{self, Config};
use kam::i18n::T;
use kam::paths::Paths;
use kam_rules::Lang;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // `--help` speaks the user's language: the command line is read by the
    // command as that language shows it (parsing is the same in both).
    let parsed = kam::cli::localized(typed_lang()).try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return command_line_error(&e),
    };
    let flag_lang = cli.lang.map(|l| match l {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    });
    let paths = Paths::resolve(cli.db.clone());
    // A broken config must not hide the error's language: fall back to the flag or LANG.
    let (config, config_error) = match Config::load(&paths) {
        Ok(c) => (c, None),
        Err(e) => (Config::default(), Some(e)),
    };
    let lang = config::resolve_lang(flag_lang, &config);
    let result = config_error
        .map_or(Ok(()), |e| Err(Failure::failed(e.message(lang))))
        .and_then(|()| run(&cli, &paths, &config, lang));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Messages can quote what a file or field held: shown, never sent raw.
            eprintln!("kam: {}: {}", T::ErrorPrefix.get(lang), kam::safe_text::lines(&f.message));
            if let Some(h) = f.hint {
                eprintln!("kam: {}: {}", T::HintPrefix.get(lang), kam::safe_text::lines(&h));
            }
            ExitCode::from(f.code)
        }
    }
}

/// A command line clap could not read. `--help` and `--version` print as
/// clap writes them; a mistake is told in the user's language (the
/// `--lang` typed, else the settings, else `LANG`) where kam has the words.
fn command_line_error(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
    }
    let lang = typed_lang();
    match kam::cli::error_text(e, lang) {
        Some(text) => {
            eprintln!("kam: {}: {}", T::ErrorPrefix.get(lang), kam::safe_text::lines(&text));
            eprintln!("kam: {}: {}", T::HintPrefix.get(lang), T::CliHelpHint.get(lang));
        }
        None => {
            let _ = e.print();
        }
    }
    ExitCode::from(2)
}

/// The language before the command line is read: the `--lang` typed, else
/// the settings, else `LANG`.
fn typed_lang() -> Lang {
    let args: Vec<String> = std::env::args().collect();
    let typed = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang") {
        Some("") => args.get(i + 1).and_then(|v| Lang::parse(v)),
        Some(v) => v.strip_prefix('=').and_then(Lang::parse),
        None => None,
    });
    let config = Config::load(&Paths::resolve(None)).unwrap_or_default();
    config::resolve_lang(typed, &config)
}

fn run(cli: &Cli, paths: &Paths, config: &Config, lang: Lang) -> Result<(), Failure> {
    let rules =
        config::load_rules(paths).map_err(|e| Failure::failed(e.message(lang)).with_hint(T::FixRulesHint.get(lang)))?;
    let clock = kam::clock::Clock::from_env().map_err(Failure::usage)?;
    let ctx = Ctx { lang, rules, clock };
    match &cli.command {
        Some(Command::Tier(a)) => commands::tier::run(&ctx, a),
        Some(Command::Discount(a)) => commands::discount::run(&ctx, a),
        Some(Command::Rules(a)) => commands::rules::run(&ctx, paths, a),
        Some(Command::Demo(a)) => {
            let mut store = commands::open_store(&ctx, paths, config.user.as_deref())?;
            commands::require_writable(&store)?;
            commands::demo::run(&ctx, &mut store, a)
        }
        Some(Command::Check) => {
            let store = commands::check::open(&ctx, paths, config.user.as_deref())?;
            commands::check::run(&ctx, &store, paths)
        }
        Some(Command::Export(a)) => {
            // Export only reads: a damaged page surfaces as an error on the
            // row that meets it, so the whole-file check is not paid first.
            let store = commands::open_store_to_read(&ctx, paths, config.user.as_deref(), false)?;
            commands::export::run(&ctx, &store, config, a)
        }
        Some(Command::Import(a)) => {
            let mut store = commands::open_store(&ctx, paths, config.user.as_deref())?;
            commands::require_writable(&store)?;
            let mut backup = commands::start_backup(&ctx, &store, paths);
            // A large import waits for the backup (see `outweighs`).
            if commands::import::outweighs(&a.path, store.path()) {
                commands::finish_backup(lang, backup.take());
            }
            let done = commands::import::run(&ctx, &mut store, a);
            commands::finish_backup(lang, backup);
            done
        }
        Some(Command::Plan(kam::cli::PlanCommand::List)) => {
            let store = commands::open_store_to_read(&ctx, paths, config.user.as_deref(), false)?;
            commands::plan::list(&ctx, &store)
        }
        Some(Command::Plan(kam::cli::PlanCommand::Print(a))) => {
            let store = commands::open_store_to_read(&ctx, paths, config.user.as_deref(), false)?;
            commands::plan::print(&ctx, &store, a)
        }
        Some(Command::Restore(a)) => commands::restore::run(&ctx, paths, a),
        Some(Command::Erase(a)) => {
            // No backup first: the point is that the person is gone; the
            // next command's daily backup is taken without them.
            let mut store = commands::open_store(&ctx, paths, config.user.as_deref())?;
            commands::require_writable(&store)?;
            commands::erase::run(&ctx, &mut store, a)
        }
        Some(Command::Fold(a)) => {
            let mut store = commands::open_store(&ctx, paths, config.user.as_deref())?;
            commands::require_writable(&store)?;
            let backup = commands::start_backup(&ctx, &store, paths);
            let done = commands::fold::run(&ctx, &mut store, config, a);
            commands::finish_backup(lang, backup);
            done
        }
        Some(Command::Encrypt) => commands::encrypt::run(&ctx, paths, kam::store::Conversion::Encrypt),
        Some(Command::Decrypt) => commands::encrypt::run(&ctx, paths, kam::store::Conversion::Decrypt),
        Some(Command::Key(kam::cli::KeyCommand::Remember)) => commands::encrypt::remember(&ctx, paths),
        Some(Command::Key(kam::cli::KeyCommand::Forget)) => commands::encrypt::forget(&ctx, paths),
        Some(Command::Key(kam::cli::KeyCommand::Change)) => {
            commands::encrypt::run(&ctx, paths, kam::store::Conversion::Rekey)
        }
        Some(Command::Sync(a)) => {
            let mut store = commands::open_store(&ctx, paths, config.user.as_deref())?;
            commands::require_writable(&store)?;
            commands::sync::run(&ctx, &mut store, config, a)
        }
        Some(Command::Hub(kam::cli::HubCommand::Init(a))) => commands::hub::init(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::AddUser(a))) => commands::hub::add_user(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Share(a))) => commands::hub::share(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Unshare(a))) => commands::hub::unshare(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Shares(a))) => commands::hub::shares(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Territory(a))) => commands::hub::territory(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Pending(a))) => commands::hub::pending(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Approve(a))) => commands::hub::approve(&ctx, config, a),
        Some(Command::Hub(kam::cli::HubCommand::Reject(a))) => commands::hub::reject(&ctx, config, a),
        Some(Command::SelftestWriter(a)) => commands::selftest::run(paths, a, ctx.clock),
        Some(Command::Report(a)) => {
            let store = commands::open_store_to_read(&ctx, paths, config.user.as_deref(), true)?;
            commands::report::run(&ctx, &store, a)
        }
        None => {
            // Without a terminal the workbench cannot read keys or draw: say
            // so before anything is opened, and never draw into a file.
            if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
                return Err(Failure::failed(T::NeedsTerminal.get(lang)));
            }
            // The integrity check and the daily backup run on the worker
            // thread once the first frame is drawn.
            let store = commands::open_store_for_workbench(&ctx, paths, config.user.as_deref())?;
            let config_exists = paths.config_file().exists();
            let mut app = kam::tui::app::App::new(store, paths.clone(), config.clone(), ctx.rules, lang);
            app.first_start(config_exists);
            kam::tui::run::run(app).map_err(|e| Failure::failed(e.to_string()))
        }
    }
}
