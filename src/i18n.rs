//! The one catalogue of UI strings, in Chinese and English.
//!
//! Labels of the rules' enums (tiers, roles …) come from `kam_rules::Labeled`;
//! everything else the user reads is here. A string may hold `{name}` slots,
//! filled with [`T::fill`].

use kam_rules::Lang;

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A UI string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum T {
            $($key),+
        }

        impl T {
            /// Every string, for completeness tests.
            #[cfg(test)]
            pub const ALL: &'static [T] = &[$(T::$key),+];

            pub fn zh(self) -> &'static str {
                match self { $(T::$key => $zh),+ }
            }

            pub fn en(self) -> &'static str {
                match self { $(T::$key => $en),+ }
            }
        }
    };
}

catalogue! {
    ErrorPrefix => "错误", "error";
    HintPrefix => "提示", "hint";
    TierLabel => "等级", "Tier";
    AnnualLabel => "年度订货量", "Annual volume";
    ReasonLabel => "原因", "Reason";
    DowngradedMark => "(已降级)", "(downgraded)";
    AmountLabel => "单次订货金额", "Order amount";
    PaymentLabel => "付款方式", "Payment";
    BandLabel => "档位", "Band";
    RateLabel => "折扣率", "Rate";
    NetLabel => "折后金额", "Net";
    NoBand => "无", "none";
    FullPrice => "不打折", "full list price";
    PercentOff => "减 {pct}%", "{pct}% off";
    Yuan => "元", "yuan";
    RulesOk => "{path}:规则文件有效", "{path}: the rules file is valid";
    RulesInForce => "# 当前生效的规则({source})", "# Rules in force ({source})";
    RulesBuiltIn => "内置默认值", "built-in defaults";
    RulesUserFile => "{path} 覆盖内置默认值", "{path} over the built-in defaults";
    BadAmount => "--{flag}:{detail}", "--{flag}: {detail}";
    BadTier => "--tier:未知等级“{given}”,可用:silver 银牌、gold 金牌、platinum 白金", "--tier: unknown tier '{given}': use silver, gold or platinum (银牌, 金牌, 白金)";
    FixRulesHint => "修改该文件,或删除它以使用内置规则;`kam rules` 打印完整的规则供参考", "fix the file, or remove it to use the built-in rules; `kam rules` prints the complete rules to start from";
    NoWorkbenchYet => "工作台尚未构建;可用命令:kam tier、kam discount、kam rules(见 kam --help)", "the workbench is not built yet; commands available: kam tier, kam discount, kam rules (see kam --help)";
    DemoBadToday => "--today:“{given}”不是 YYYY-MM-DD 格式的日期", "--today: '{given}' is not a YYYY-MM-DD date";
    DemoNotEmpty => "{path} 中已有记录,演示数据不会覆盖它", "{path} already holds records; the demo will not overwrite them";
    DemoForceHint => "加 --force 清空该文件并填入演示数据,或用 --db 指定一个新文件", "add --force to empty the file and fill it with demo data, or name a new file with --db";
    DemoDone => "已生成 {accounts} 个客户、共 {records} 条记录,写入 {path}(用时 {secs} 秒)", "generated {accounts} accounts, {records} records in all, in {path} ({secs} s)";
    CheckFile => "数据库文件", "Database file";
    CheckSchema => "结构版本", "Schema version";
    CheckSchemaValue => "{found}(本程序支持 {known})", "{found} (this kam knows {known})";
    CheckQuick => "快速检查", "Quick check";
    CheckIntegrity => "完整检查", "Integrity check";
    CheckForeignKeys => "外键检查", "Foreign keys";
    CheckOk => "正常", "ok";
    CheckCounts => "记录数", "Records";
    CheckCountValue => "{live} 条,回收站 {trashed} 条", "{live} live, {trashed} in the trash";
    CheckTrash => "回收站条目", "Trash entries";
    CheckLog => "变更日志行数", "Change-log lines";
    CheckBackup => "最近备份", "Last backup";
    CheckBackupValue => "{path}(共 {count} 份)", "{path} ({count} kept)";
    CheckNoBackup => "尚无备份(备份目录:{dir})", "none yet (backups folder: {dir})";
    CheckProblems => "{path} 检查发现问题", "{path} has problems";
    CheckRestoreHint => "从备份目录 {dir} 中恢复最近的副本", "restore the latest copy from the backups folder {dir}";
}

impl T {
    /// The string in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        lang.pick(self.zh(), self.en())
    }

    /// The string in `lang` with its `{name}` slots filled.
    pub fn fill(self, lang: Lang, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.get(lang).to_string(), |s, (k, v)| s.replace(&format!("{{{k}}}"), v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_in_both_languages_with_the_same_slots() {
        for t in T::ALL {
            assert!(!t.zh().is_empty() && !t.en().is_empty(), "{t:?}");
            let slots = |s: &str| {
                let mut v: Vec<String> =
                    s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(k, _)| k.to_string())).collect();
                v.sort();
                v
            };
            assert_eq!(slots(t.zh()), slots(t.en()), "{t:?} slots differ");
        }
    }

    #[test]
    fn fill_replaces_slots() {
        assert_eq!(T::RulesOk.fill(Lang::En, &[("path", "a.toml")]), "a.toml: the rules file is valid");
    }
}
