//! `kam check`: quick and full integrity check, foreign keys, schema
//! version, counts per record kind, trash size and the last backup; a
//! non-zero exit on any problem.

use crate::store::{RecordKind, Store};

use super::{Ctx, Failure};
use crate::i18n::T;
use crate::paths::{show, Paths};

/// Opens the file for the check, which only reads ([`Store::open_to_check`]):
/// a missing file is refused naming the path, and nothing is created,
/// migrated, purged or backed up.
pub fn open(ctx: &Ctx, paths: &Paths, user: Option<&str>) -> Result<Store, Failure> {
    if std::fs::symlink_metadata(&paths.db).is_err() {
        return Err(Failure::failed(T::ReadMissing.fill(ctx.lang, &[("path", &show(&paths.db))])));
    }
    super::restore::refuse_emptied(ctx.lang, paths)?;
    super::encrypt::unlock_for(ctx.lang, paths, false)?;
    let store =
        Store::open_to_check(&paths.db, ctx.clock).map_err(|e| super::restore::open_failure(ctx.lang, paths, &e))?;
    Ok(super::with_user(store, user))
}

pub fn run(ctx: &Ctx, store: &Store, paths: &Paths) -> Result<(), Failure> {
    let l = ctx.lang;
    let r = store.check(&paths.backups).map_err(|e| Failure::failed(e.to_string()))?;
    let ok = |problems: &[String]| {
        if problems.is_empty() {
            T::CheckOk.get(l).to_string()
        } else {
            problems.join("; ")
        }
    };
    crate::say!("{}: {}", T::CheckFile.get(l), show(&r.path));
    let schema = if r.needs_migration() { T::CheckSchemaOld } else { T::CheckSchemaValue };
    crate::say!(
        "{}: {}",
        T::CheckSchema.get(l),
        schema.fill(l, &[("found", &r.schema_version.to_string()), ("known", &r.supported_version.to_string())])
    );
    crate::say!("{}: {}", T::CheckQuick.get(l), ok(&r.quick_check));
    crate::say!("{}: {}", T::CheckIntegrity.get(l), ok(&r.integrity_check));
    crate::say!("{}: {}", T::CheckForeignKeys.get(l), ok(&r.foreign_keys));
    crate::say!("{}: {}", T::CheckSchemaObjects.get(l), ok(&r.schema_objects));
    crate::say!("{}:", T::CheckCounts.get(l));
    // Columns by display width: a Chinese label is twice as wide as its characters.
    let label_w =
        r.counts.iter().map(|c| unicode_width::UnicodeWidthStr::width(kind_label(c.kind, l))).max().unwrap_or(0);
    let live_w = r.counts.iter().map(|c| c.live.to_string().len()).max().unwrap_or(0);
    let trash_w = r.counts.iter().map(|c| c.trashed.to_string().len()).max().unwrap_or(0);
    for c in &r.counts {
        crate::say!(
            "  {}  {}",
            crate::width::pad(kind_label(c.kind, l), label_w),
            T::CheckCountValue.fill(
                l,
                &[("live", &format!("{:>live_w$}", c.live)), ("trashed", &format!("{:>trash_w$}", c.trashed))]
            )
        );
    }
    crate::say!("{}: {}", T::CheckTrash.get(l), r.trash_entries);
    crate::say!("{}: {}", T::CheckLog.get(l), r.change_log_lines);
    let backup = r.last_backup.as_ref().map_or_else(
        || T::CheckNoBackup.fill(l, &[("dir", &show(&paths.backups))]),
        |p| T::CheckBackupValue.fill(l, &[("path", &show(p)), ("count", &r.backups.to_string())]),
    );
    crate::say!("{}: {backup}", T::CheckBackup.get(l));
    if r.is_sound() {
        Ok(())
    } else {
        Err(Failure::failed(T::CheckProblems.fill(l, &[("path", &show(&r.path))]))
            .with_hint(T::CheckRestoreHint.fill(l, &[("dir", &show(&paths.backups))])))
    }
}

fn kind_label(kind: RecordKind, l: kam_rules::Lang) -> &'static str {
    let (zh, en) = match kind {
        RecordKind::Account => ("客户", "accounts"),
        RecordKind::Contact => ("联系人", "contacts"),
        RecordKind::Order => ("订单", "orders"),
        RecordKind::Visit => ("拜访", "visits"),
        RecordKind::ChangeEvent => ("重大异动", "change events"),
        RecordKind::Feedback => ("意见反馈", "feedback"),
        RecordKind::CallPlan => ("电话计划", "call plans"),
        RecordKind::Presentation => ("演讲计划", "presentations"),
        RecordKind::VipCard => ("VIP 来客卡", "VIP cards"),
        RecordKind::Target => ("考核目标", "targets"),
    };
    l.pick(zh, en)
}
