//! `kam rules [--check FILE]`: print the rules in force, or check a file.

use super::{Ctx, Failure};
use crate::cli::RulesArgs;
use crate::config;
use crate::i18n::T;
use crate::paths::{show, Paths};

pub fn run(ctx: &Ctx, paths: &Paths, args: &RulesArgs) -> Result<(), Failure> {
    let l = ctx.lang;
    if let Some(file) = &args.check {
        config::check_rules_file(file).map_err(|e| Failure::failed(e.message(l)).with_hint(T::FixRulesHint.get(l)))?;
        crate::say!("{}", T::RulesOk.fill(l, &[("path", &show(file))]));
        return Ok(());
    }
    let user = paths.rules_file();
    let source = if user.exists() {
        T::RulesUserFile.fill(l, &[("path", &show(&user))])
    } else {
        T::RulesBuiltIn.get(l).to_string()
    };
    crate::say!("{}", T::RulesInForce.fill(l, &[("source", &source)]));
    crate::say!("{}", ctx.rules.to_toml().trim_end());
    Ok(())
}
