//! The one catalogue of UI strings, in Chinese and English.
//!
//! Labels of the rules' enums (tiers, roles …) come from `kam_rules::Labeled`;
//! everything else the user reads is here. A string may hold `{name}` slots,
//! filled with [`T::fill`].

use kam_rules::Lang;

/// A label in both languages kept outside the catalogue's list: a record
/// field's, declared beside the field itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub zh: &'static str,
    pub en: &'static str,
}

macro_rules! catalogue {
    ($($key:ident => $zh:literal, $en:literal;)+) => {
        /// A UI string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum T {
            $($key,)+
            /// A record field's label, declared with the field (see
            /// [`crate::model::fields`]): the field's one place.
            Of(&'static Label),
        }

        impl T {
            /// Every string, for completeness tests.
            #[cfg(test)]
            // A constant, not a stack array: the lint counts its size.
            #[allow(clippy::large_stack_arrays)]
            pub const ALL: &'static [T] = &[$(T::$key),+];

            pub fn zh(self) -> &'static str {
                match self { $(T::$key => $zh,)+ T::Of(l) => l.zh }
            }

            pub fn en(self) -> &'static str {
                match self { $(T::$key => $en,)+ T::Of(l) => l.en }
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
    ListSep => "、", ", ";
    PercentOff => "减 {pct}%", "{pct}% off";
    Yuan => "元", "yuan";
    RulesOk => "{path}:规则文件有效", "{path}: the rules file is valid";
    // Faults (issue #10): damaged files, kam restore, the crash harness.
    RestoreHint => "最新的完好备份是 {backup};恢复它:{command}(损坏的文件会改名保留在旁边,不会被删除)", "the newest good backup is {backup}; to put it back: {command} (the damaged file is renamed and kept beside it, never deleted)";
    RestoreNoGoodBackup => "{dir} 中没有完好的备份;请不要删除 {path},先复制一份再找人帮忙修复", "there is no good backup in {dir}; do not delete {path}: copy it somewhere safe and ask for help repairing it";
    EmptyWithBackups => "{path} 是空文件(0 字节),但它曾有备份;文件未被改动", "{path} is empty (0 bytes) but it had backups; the file was left untouched";
    RestoreDone => "已用备份 {backup} 恢复 {path}", "{path} restored from {backup}";
    RestoreAside => "原来的文件保留为 {aside}", "the file that was there is kept as {aside}";
    RestoreChecked => "检查通过:{accounts} 个客户", "check passed: {accounts} accounts";
    RestoreNoBackup => "{dir} 中没有可以恢复的完好备份", "there is no good backup to restore in {dir}";
    RestoreBadBackup => "{path} 不能用来恢复:{detail}", "{path} cannot be restored from: {detail}";
    RestoreListHint => "用 --from 指定一个备份文件;{dir} 中的备份:{list}", "name a backup file with --from; backups in {dir}: {list}";
    RestoreInUse => "{path} 正被另一个程序打开(工作台或另一个 kam 命令);请先关闭它再恢复,什么都没有改动", "{path} is open in another program (the workbench or another kam command); close it and run restore again — nothing was changed";
    RestoreSound => "{path} 完好({accounts} 个客户),无需恢复,什么都没有改动;确实要用备份替换它请加 --force(它会改名保留在旁边)", "{path} is sound ({accounts} accounts): there is nothing to restore and nothing was changed; to replace it with a backup anyway add --force (it is kept beside, renamed)";
    RestoreWalAside => "{path} 本身完好,有问题的是旁边的 -wal 文件(损坏或属于别的文件):它已改名保留为 {aside},文件本身未动,无需用备份", "{path} itself is sound; the -wal beside it was damaged or belonged to another file: it is kept as {aside}, the file itself was left as it was and no backup was needed";
    ReadMissing => "{path} 不存在;这个命令只读取,不会新建文件或文件夹(用 --db 指定文件)", "{path} does not exist; this command only reads and creates nothing, no file and no folder (name the file with --db)";
    NeedsTerminal => "工作台需要在终端里运行(标准输入和标准输出都必须是终端);不需要终端的命令:kam check、report、export、import、erase、plan print、restore、tier、discount、rules(kam --help 列出全部)", "the workbench needs a terminal (standard input and standard output must both be a terminal); commands that work without one: kam check, report, export, import, erase, plan print, restore, tier, discount, rules (kam --help lists them all)";
    CheckSchemaObjects => "表和索引", "Tables and indexes";
    BackupNotWritten => "今天的备份没有写成(已有的备份保持不变):{detail}", "today's backup was not written (the backups already there are kept): {detail}";
    RestoreWalHint => "也可能只是旁边的 {wal} 有问题:{command} 会先检查,文件本身完好时只把 -wal 改名放在一旁,文件保留不动", "it may be only {wal} beside it that is wrong: {command} checks first and, when the file itself is sound, sets only the -wal aside and keeps the file";
    RulesInForce => "# 当前生效的规则({source})", "# Rules in force ({source})";
    RulesBuiltIn => "内置默认值", "built-in defaults";
    RulesUserFile => "{path} 覆盖内置默认值", "{path} over the built-in defaults";
    BadAmount => "--{flag}:{detail}", "--{flag}: {detail}";
    BadTier => "--tier:未知等级“{given}”,可用:silver 银牌、gold 金牌、platinum 白金(钻石)", "--tier: unknown tier '{given}': use silver, gold or platinum (银牌, 金牌, 白金; diamond 钻石 is platinum)";
    FixRulesHint => "修改该文件,或删除它以使用内置规则;`kam rules` 打印完整的规则供参考", "fix the file, or remove it to use the built-in rules; `kam rules` prints the complete rules to start from";
    BadDay => "--{flag}:“{given}”不是日期,请写成 2026-11-23", "--{flag}: '{given}' is not a date: write it as 2026-11-23";
    BadRange => "--since {since} 晚于 --until {until}", "--since {since} is after --until {until}";
    UnmaskManagerOnly => "--unmask 仅限经理角色;需要完整的个人信息请向经理索取", "--unmask is for the manager role; ask your manager if you need the personal fields in full";
    Exported => "已导出 {rows} 行到 {dir}", "Exported {rows} rows to {dir}";
    // Encryption at rest (#21).
    PassphrasePrompt => "{path} 的口令:", "Passphrase for {path}: ";
    PassphraseNewPrompt => "为 {path} 设一个新口令:", "New passphrase for {path}: ";
    PassphraseAgainPrompt => "再输入一次新口令:", "The new passphrase again: ";
    PassphraseMismatch => "两次输入的口令不一样;什么都没有改动", "the two passphrases differ; nothing was changed";
    PassphraseEmpty => "口令不能为空;什么都没有改动", "the passphrase cannot be empty; nothing was changed";
    PassphraseFileBad => "KAM_PASSPHRASE_FILE={path}:{detail}", "KAM_PASSPHRASE_FILE={path}: {detail}";
    PassphraseFileEmpty => "文件的第一行是空的,没有口令", "its first line is empty: there is no passphrase in it";
    PassphraseNeeded => "{path} 已加密,需要口令;在终端里运行时 kam 会询问,脚本中请用 KAM_PASSPHRASE_FILE 指向存放口令的文件;文件未被改动", "{path} is encrypted and needs its passphrase: kam asks for it when run at a terminal; in a script, point KAM_PASSPHRASE_FILE at a file holding it; the file was left untouched";
    WrongPassphrase => "口令不对:它打不开已加密的 {path}(极少数情况下是文件的第一页损坏);文件未被改动,没有移走或恢复任何东西", "wrong passphrase: it does not open the encrypted file {path} (or, rarely, the file's first page is damaged); the file was left untouched and nothing was moved or restored";
    WrongPassphraseHint => "再运行一次并输入正确的口令;忘记口令时加密的文件无法找回", "run again with the right passphrase; an encrypted file cannot be read without it";
    Rekeyed => "{path} 已用新口令重新加密:{tables} 个表 {rows} 行,检查通过,{accounts} 个客户;以后打开它需要新口令", "{path} is encrypted under the new passphrase: {tables} tables, {rows} rows, all checked, {accounts} accounts; opening it now needs the new passphrase";
    RekeyedBackups => "已有的备份仍用旧口令加密,7 天后轮换掉;旧口令若已泄露,请删除它们;新的备份用新口令", "the backups already there stay encrypted under the old passphrase until they rotate out after 7 days (delete them if the old passphrase got out); new backups use the new one";
    RekeyedKeyring => "钥匙串中存的口令已换成新口令", "the passphrase kept in the keyring is now the new one";
    PassphraseSame => "新口令与现在的口令相同;什么都没有改动", "the new passphrase is the one the file has; nothing was changed";
    NewPassphraseFileBad => "KAM_NEW_PASSPHRASE_FILE={path}:{detail}", "KAM_NEW_PASSPHRASE_FILE={path}: {detail}";
    KeyRemembered => "{path} 的口令已存进系统的钥匙串:以这个用户登录这台电脑时,kam 打开它不再询问;kam key forget 可删除", "the passphrase of {path} is kept in the system's keyring: kam opens the file without asking while you are logged in as this user on this computer; kam key forget removes it";
    KeyForgotten => "已从钥匙串中删除 {path} 的口令:kam 会重新询问", "the passphrase of {path} was removed from the keyring: kam asks for it again";
    KeyNothingKept => "钥匙串中没有 {path} 的口令;什么都没有改动", "no passphrase of {path} is kept in the keyring; nothing was changed";
    KeyringUnreachable => "这台电脑上找不到可用的系统钥匙串({detail}):kam 在启动时询问口令,什么都没有改动", "no keyring of the system is reachable here ({detail}): kam asks for the passphrase at start; nothing was changed";
    KeyringFailed => "系统钥匙串拒绝了:{detail};什么都没有改动", "the system's keyring refused: {detail}; nothing was changed";
    KeyringStale => "钥匙串中存的口令打不开 {path}(口令改过?);请输入口令,kam key forget 可删除存着的旧口令", "the passphrase kept in the keyring does not open {path} (was it changed?); type it, and kam key forget removes the one kept";
    NoEncryptionBuilt => "这个 kam 编译时没有加密功能;加密需要用 cargo build --release --features encryption 编译的 kam", "this kam was built without encryption; build one with: cargo build --release --features encryption";
    ConvertMissing => "{path} 不存在", "{path} does not exist";
    ConvertInUse => "{path} 正被另一个程序打开(工作台或另一个 kam 命令);请先关闭它,什么都没有改动", "{path} is open in another program (the workbench or another kam command); close it and try again — nothing was changed";
    AlreadyEncrypted => "{path} 已经是加密的;什么都没有改动", "{path} is already encrypted; nothing was changed";
    NotEncrypted => "{path} 没有加密;什么都没有改动", "{path} is not encrypted; nothing was changed";
    ConvertUnverified => "转换后的副本没有通过检查({detail});{path} 保持原样,副本已删除", "the converted copy did not pass the check ({detail}); {path} was left as it was and the copy removed";
    Encrypted => "{path} 已加密:{tables} 个表 {rows} 行,检查通过,{accounts} 个客户;以后打开它需要口令", "{path} is encrypted: {tables} tables, {rows} rows, all checked, {accounts} accounts; opening it now needs the passphrase";
    Decrypted => "{path} 已解密为普通文件:{tables} 个表 {rows} 行,检查通过,{accounts} 个客户", "{path} is a plain file again: {tables} tables, {rows} rows, all checked, {accounts} accounts";
    EncryptedBackups => "已有的备份保持原样(之前的仍是未加密的,7 天后轮换掉);新的备份与文件一样加密", "the backups already there are left as they are (older ones stay unencrypted until they rotate out after 7 days); new backups are encrypted like the file";
    DecryptedBackups => "已有的加密备份保持原样,仍需原口令;新的备份不加密", "the encrypted backups already there are left as they are and still need the passphrase; new backups are plain";
    EraseNeedsReason => "--reason:抹去一个人必须写明原因(例如“本人要求,2026-11-23 来电”)", "--reason: erasing a person needs a reason (for example \"asked by the person, call of 2026-11-23\")";
    EraseNotFound => "没有编号以“{prefix}”开头或结尾的{kind}", "no {kind} has an id beginning or ending with '{prefix}'";
    EraseAmbiguous => "编号以“{prefix}”开头或结尾的{kind}不止一个:请多写几位", "more than one {kind} has an id beginning or ending with '{prefix}': type more of it";
    EraseKindContact => "联系人", "contact";
    EraseKindVip => "VIP 来客卡", "VIP card";
    Erased => "已彻底抹去 {n} 条{kind}:记录、变更日志中的个人信息和搜索索引;变更日志只记下抹去这件事(谁、何时、为何)", "Erased {n} {kind} record(s) for good: the record, its personal values in the change log and the search index; the change log keeps only that an erase happened (who, when, why)";
    ErasedBackups => "今天之前的备份里仍有此人,直到 7 天后轮换掉;从这些备份恢复(kam restore)或合并旧的导出文件夹时会再次抹去", "Backups from before today still hold them until they rotate out after 7 days; a kam restore from one, or a merge of an older export folder, erases them again";
    ExportMasked => "电话、出生日期、配偶和座驾已遮盖(经理可用 --unmask)", "Phones, birth dates, spouses and vehicles are masked (a manager may use --unmask)";
    ImportKindUnknown => "{path}:无法从文件名判断记录类型,请加 --kind accounts、--kind contacts 或 --kind scores", "{path}: cannot tell the kind of records from the file name: add --kind accounts, --kind contacts or --kind scores";
    ImportDuplicateRow => "第 {row} 行与已有记录重复:{matched}({action})", "row {row} duplicates {matched} ({action})";
    ImportDupInFile => "本文件第 {row} 行({name})", "row {row} of this file ({name})";
    ImportDupMany => "{n} 个客户:{names}", "{n} accounts: {names}";
    ImportDupContacts => "{n} 个名为 {name} 的联系人", "{n} contacts named {name}";
    ImportSkipped => "已跳过", "skipped";
    ImportUpdatedRow => "已更新", "updated";
    ImportIgnored => "未使用的列:{columns}", "columns not used: {columns}";
    ImportCounts => "新增 {new},更新 {updated},重复 {duplicate},拒绝 {rejected}", "new {new}, updated {updated}, duplicate {duplicate}, rejected {rejected}";
    MergeHeldTwice => "同一家公司由不同负责人各建了一份({n} 组,撞单),请核对后用 kam fold 多余的编号 保留的编号 合并:", "The same company entered by different owners ({n} groups): check them and fold the extra one into the one kept with kam fold EXTRA-ID KEPT-ID:";
    MergeHeldBy => "{name}(负责人 {owner},{id})", "{name} (owner {owner}, {id})";
    MergeNoOwner => "未填", "none";
    CannotRead => "无法读取 {path}:{why}", "cannot read {path}: {why}";
    IoNotFound => "文件不存在", "no such file";
    IoPermission => "没有权限", "permission denied";
    IoExists => "文件已存在", "the file already exists";
    IoFull => "磁盘已满", "the disk is full";
    CellNotWhole => "“{text}”不是整数", "'{text}' is not a whole number";
    CellNotRate => "“{text}”不是折扣率,如 0.95", "'{text}' is not a rate such as 0.95";
    CellNotFlag => "“{text}”不是“是”或“否”", "'{text}' is not yes or no";
    CellNotChoice => "“{text}”不是可选的值:{keys}", "'{text}' is not one of {keys}";
    CliBadChoice => "{arg} 的值“{value}”无效,可用:{valid}", "invalid value '{value}' for {arg}: one of {valid}";
    CliBadValue => "{arg} 的值“{value}”无效", "invalid value '{value}' for {arg}";
    CliMissing => "缺少必需的参数:{args}", "a required argument is missing: {args}";
    CliUnknownArg => "没有参数“{arg}”", "there is no argument '{arg}'";
    CliUnknownCommand => "没有命令“{what}”", "there is no command '{what}'";
    CliDidYouMean => "(是不是 {what}?)", " (did you mean {what}?)";
    CliConflict => "{arg} 不能与 {other} 同时使用", "{arg} cannot be used with {other}";
    // `kam --help` and `kam COMMAND --help` (cli::localized): what each command and argument is for.
    HelpUsage => "用法", "Usage";
    HelpCommands => "命令", "Commands";
    HelpArguments => "参数", "Arguments";
    HelpOptions => "选项", "Options";
    HelpOptionsTag => "[选项]", "[OPTIONS]";
    HelpDefault => "默认", "default";
    HelpChoices => "可选值", "possible values";
    HelpEnv => "环境变量", "env";
    HelpAbout => "离线优先的大客户工作台(终端界面);不带命令时打开工作台", "Offline-first key-account workbench for the terminal; with no command it opens the workbench";
    HelpHelp => "显示帮助", "Print help";
    HelpVersion => "显示版本", "Print version";
    HelpHelpCommand => "显示本帮助,或所给命令的帮助", "Print this message or the help of the given subcommand(s)";
    HelpHelpCommandArg => "要显示帮助的命令", "Print help for the subcommand(s)";
    HelpDb => "数据库文件(默认:数据文件夹中的 kam.db)", "Database file (default: kam.db in the data folder)";
    HelpLang => "消息和标签的语言(默认:config.toml,其次 LANG)", "Language of messages and labels (default: config.toml, else LANG)";
    HelpTier => "年度订货量对应的等级(设计文档 §4.1、§4.4)", "The tier for an annual order volume (DESIGN §4.1, §4.4)";
    HelpTierAnnual => "年度订货量(元):2500000、2,500,000.00、250万", "Annual order volume in yuan: 2500000, 2,500,000.00, 250万";
    HelpTierOverdue => "最早一笔未收款逾期的天数", "Days the oldest unpaid receivable is past due";
    HelpTierJson => "输出一个 JSON 对象:年度订货量、等级、是否降级、原因", "Print one JSON object: annual, tier, downgraded, reason";
    HelpDiscount => "单笔订单的折扣(设计文档 §4.2)", "The discount for a single order (DESIGN §4.2)";
    HelpDiscountTier => "等级:silver、gold、platinum(或 银牌、金牌、白金)", "Tier: silver, gold, platinum (or 银牌, 金牌, 白金)";
    HelpDiscountAmount => "单笔订单的标价金额(元):50000、50,000.00、5万", "Single-order amount at list price, in yuan: 50000, 50,000.00, 5万";
    HelpDiscountPayment => "付款方式:cash 现款,credit 赊销", "Payment method";
    HelpDiscountPromo => "已经参加了其他促销(折扣不叠加)", "Another promotion is already applied (discounts never stack)";
    HelpDiscountJson => "输出一个 JSON 对象:等级、金额、付款方式、档位、折扣率、折后金额、原因", "Print one JSON object: tier, amount, payment, band, rate, net, reason";
    HelpRules => "显示当前生效的规则,或检查一个规则文件", "Print the rules in force, or check a rules file";
    HelpRulesCheck => "检查这个规则文件,而不是显示当前规则", "Check this rules file instead of printing the rules in force";
    HelpDemo => "用虚构的演示数据填充一个空数据库", "Fill an empty database with fictional demo data";
    HelpDemoAccounts => "客户数量(每个客户约 3 个联系人、20 笔订单和 10 次拜访)", "How many accounts (each with about 3 contacts, 20 orders and 10 visits)";
    HelpDemoSeed => "相同的种子生成相同的数据(--today 也相同时)", "The same seed gives the same data (for the same --today)";
    HelpDemoForce => "文件里已有记录时也清空并填充", "Empty a file that already holds records and fill it anyway";
    HelpDemoToday => "数据围绕的日期,如 2026-11-23(默认:今天)", "The day the data is built around, YYYY-MM-DD (default: today)";
    HelpCheck => "完整性检查、各类记录的数量、回收站和备份(只读,不改动文件)", "Integrity check, counts per record kind, trash and backups (only reads: the file is left as it was)";
    HelpExport => "把记录导出为 CSV,供 Excel 和总部使用(设计文档 §5、§6)", "Export records as CSV for Excel and head office (DESIGN §5, §6)";
    HelpExportDay => "这一天新建或修改的记录(如 2026-11-23;默认今天)", "Records created or changed on this day (YYYY-MM-DD; default today)";
    HelpExportSince => "时间范围的第一天(与 --until 一起用)", "First day of a range (with --until)";
    HelpExportUntil => "时间范围的最后一天,包含当天(与 --since 一起用)", "Last day of a range, included (with --since)";
    HelpExportAll => "全部记录", "Every record";
    HelpExportDir => "写入的文件夹(默认:当前文件夹下的 kam-export-日期)", "Folder to write into (default: kam-export-DATE in the current folder)";
    HelpExportNoBom => "不写 Excel 识别中文所需的 UTF-8 字节顺序标记", "Leave out the UTF-8 byte-order mark Excel needs for Chinese text";
    HelpExportXlsx => "另外写一个 Excel 工作簿,每张表一个工作表", "Also write one Excel workbook with a sheet per table";
    HelpExportUnmask => "完整显示电话、生日、配偶和车辆(仅限经理角色)", "Show phones, birth dates, spouses and vehicles in full (manager role only)";
    HelpImport => "导入客户或联系人表格,或合并一个日终导出文件夹", "Import a spreadsheet of accounts or contacts, or merge a day-end export folder";
    HelpImportPath => "表格(accounts.csv、contacts.csv、scores.csv 等)或日终导出文件夹", "A spreadsheet (accounts.csv, contacts.csv, scores.csv, …) or a day-end export folder to merge";
    HelpImportKind => "文件名看不出记录种类时指定:accounts 客户,contacts 联系人,scores 评分表(一列客户,规则中每项评分标准一列)", "The kind of records in the file when its name does not say";
    HelpImportDryRun => "只报告会发生什么(新增、更新、重复、拒绝),不做任何改动", "Report what would happen (new, updated, duplicate, rejected) and change nothing";
    HelpImportSkipBad => "导入正确的行,把有误的行连同原因写到文件旁边", "Import the good rows and write the bad ones, with reasons, beside the file";
    HelpImportUpdate => "与已有记录重复时更新该记录,而不是跳过这一行", "Update a record matched as a duplicate instead of skipping the row";
    HelpReport => "客户经理在一个期间的考核(设计文档 §4.9)", "A rep's evaluation for a period (DESIGN §4.9)";
    HelpReportPeriod => "月份(2026-11)、季度(2026-Q4)或年份(2026);默认:本月", "A month (2026-11), a quarter (2026-Q4) or a year (2026); default: this month";
    HelpReportRep => "只看一位客户经理(默认:全部)", "One rep (default: every rep)";
    HelpReportJson => "输出 JSON:期间、客户经理、各项指标、得分、评级(全部客户经理时为数组)", "Print JSON: period, rep, kpis, score, grade (an array for every rep)";
    HelpPlan => "电话计划和演讲计划", "Call plans and presentation plans";
    HelpPlanList => "列出电话计划和演讲计划及其短编号,最新的在前", "List the call plans and presentation plans with their short ids, newest first";
    HelpPlanPrint => "把电话计划或演讲计划写成 Markdown,版式同纸质表格", "Write a call plan or presentation plan as Markdown, laid out like the paper form";
    HelpPlanPrintId => "计划的编号,或能唯一确定它的开头几位(kam plan list 和工作台显示 8 位)", "The plan's id, or any unique beginning of it (kam plan list and the workbench show 8 characters)";
    HelpPlanPrintOut => "写到这个文件,而不是标准输出", "Write to this file instead of standard output";
    HelpRestore => "用备份替换损坏的数据库;损坏的文件改名保留为 <名称>.damaged-<时间>", "Put a backup in place of a damaged database; the damaged file is kept as <name>.damaged-<time>";
    HelpRestoreFrom => "要恢复的备份(默认:备份文件夹中通过检查的最新一份)", "The backup to restore (default: the newest one in the backups folder that passes the check)";
    HelpRestoreForce => "文件通过全部检查时也替换(原文件改名保留在旁边)", "Replace the file even when it passes every check (it is kept beside, renamed)";
    HelpErase => "应本人要求永久删除一个人(依个人信息保护法):记录、变更日志中的个人信息、搜索索引", "Erase a person for good at their request (PIPL): the record, its personal values in the change log, the search index";
    HelpEncrypt => "就地加密数据库文件(需用带加密功能构建的 kam);会要求设置新口令", "Encrypt the database file in place (a kam built with --features encryption); asks for a new passphrase";
    HelpKey => "加密文件的口令:换一个新口令,存进系统的钥匙串,或从中删除", "The passphrase of the encrypted file: change it, keep it in the system's keyring or remove it from there";
    HelpKeyRemember => "把文件的口令存进系统的钥匙串:以后 kam 打开这个文件时不再询问", "Keep the file's passphrase in the system's keyring: kam then opens the file without asking";
    HelpKeyChange => "就地用新口令重新加密文件;先问现在的口令,再问两次新口令", "Encrypt the file again under a new passphrase, in place; asks for the current one, then the new one twice";
    HelpKeyForget => "从系统的钥匙串中删除文件的口令:kam 会重新询问", "Remove the file's passphrase from the system's keyring: kam asks for it again";
    HelpDecrypt => "就地解密数据库文件,还原为未加密的文件(需用带加密功能构建的 kam)", "Decrypt the database file in place back to a plain SQLite file (a kam built with --features encryption)";
    HelpEraseWhat => "此人在系统中的身份:contact 客户的联系人,vip VIP 来客卡", "What the person is on file as";
    HelpEraseIds => "要删除的编号;能唯一确定编号的开头几位即可", "The ids to erase; any unique beginning of an id will do";
    HelpEraseReason => "原因(记入变更日志,不含此人的信息)", "Why (kept in the change log, without the person's data)";
    HelpFold => "把一个客户并入另一个(同一家公司录了两份,撞单):联系人、订单、拜访和计划移到保留的客户,被并入的客户进回收站", "Fold one account into another (the same company entered twice): its contacts, orders, visits and plans move to the account kept, and it goes to the trash";
    HelpFoldFrom => "要并掉的客户:编号,能唯一确定它的开头或结尾几位即可(合并时列出的短编号)", "The account to fold away: its id, any unique beginning or end of it (the short id a merge lists)";
    HelpFoldInto => "保留的客户,写法同上", "The account to keep, named the same way";
    HelpFoldReason => "原因(记入变更日志和回收站;默认写明并入了哪个客户)", "Why (kept in the change log and the trash; default: which account it was folded into)";
    FoldManagerOnly => "合并客户仅限经理角色", "Folding accounts is for the manager role";
    FoldSame => "不能把客户并入它自己", "An account cannot be folded into itself";
    FoldNotFound => "没有编号以「{prefix}」开头或结尾的客户", "No account's id begins or ends with '{prefix}'";
    FoldAmbiguous => "编号以「{prefix}」开头或结尾的客户不止一个:请多写几位", "More than one account's id begins or ends with '{prefix}': type more of it";
    FoldDefaultReason => "并入「{into}」", "folded into '{into}'";
    Folded => "已把「{from}」并入「{into}」:{moved}。「{from}」已进回收站,可在 30 天内恢复。", "Folded '{from}' into '{into}': {moved}. '{from}' is in the trash, restorable for 30 days.";
    FoldedNothing => "没有记录需要移动", "nothing to move";
    HelpSync => "把本机的更改推送到总部服务器,再拉取本用户可见的他人更改", "Push local changes to the head-office hub, then pull what this user may see";
    HelpSyncHub => "总部服务器的连接串(默认:环境变量 KAM_HUB,否则 config.toml 中的 hub)", "The hub's connection string (default: KAM_HUB, else hub in config.toml)";
    HelpHub => "PostgreSQL 上的总部服务器:建立库结构、添加用户", "The head-office hub on PostgreSQL: create its schema, add users";
    HelpHubInit => "在 PostgreSQL 服务器上建立总部库结构,或升级到本版 kam 的结构", "Create the hub schema on a PostgreSQL server, or bring it up to this kam's version";
    HelpHubAddUser => "为一位用户建立总部数据库角色并生成口令;打印写入其 config.toml 的连接串", "Create a user's hub role with a generated password; print the connection string for their config.toml";
    HelpHubUrl => "管理员的连接串:postgresql://用户:口令@主机:端口/库(默认:KAM_HUB,否则 config.toml)", "An administrator's connection string: postgresql://USER:PASSWORD@HOST:PORT/DB (default: KAM_HUB, else config.toml)";
    HelpHubUserName => "用户的姓名,与其 config.toml 中的 user 及客户的负责人一致", "The user's name, as their config.toml has it (user = \"...\") and accounts name their owner";
    HelpHubUserRole => "用户可看、可改的范围:rep 客户经理(自己负责的客户),staff 门店员工(本店的 VIP 卡),manager 经理(全部)", "What the user may see and change: rep (the accounts they own), staff (their store's VIP cards), manager (everything)";
    HelpHubShare => "把一个客户共享给一位客户经理(经理或总部管理员的连接)", "Share an account with a rep (a manager's or the hub owner's connection)";
    HelpHubUnshare => "取消一个客户对一位客户经理的共享", "Stop sharing an account with a rep";
    HelpHubShares => "列出共享的客户(可只看一个客户)", "List the shared accounts (of one account, if given)";
    HelpHubShareAccount => "客户的编号(36 位)", "The account's id (a UUID)";
    HelpHubShareUser => "客户经理的姓名,与 kam hub add-user 时一致", "The rep's name, as kam hub add-user was given it";
    HelpHubConnUrl => "总部的连接串(默认:KAM_HUB,否则 config.toml 中的 hub)", "The hub's connection string (default: KAM_HUB, else hub in config.toml)";
    HelpHubTerritory => "给客户经理指定片区(其可读写区域与之相同的客户),或用 --remove 取消;不给区域则列出其片区", "Give a rep a territory (they reach the accounts whose region it is), or take it with --remove; without REGION, list their territories";
    HelpHubTerritoryUser => "客户经理的姓名", "The rep's name";
    HelpHubTerritoryRegion => "区域,与客户的「区域」一致", "The region, as accounts have it";
    HelpHubTerritoryRemove => "取消这个片区", "Take the territory away";
    HelpValueRegion => "区域", "REGION";
    HelpHubPending => "列出等经理批准的档案修改和客户删除(经理:全部;客户经理:自己的)", "List the archive edits and account deletions waiting for a manager's approval (a manager: all; a rep: their own)";
    HelpHubPendingAll => "也列出已批准和已驳回的", "List the approved and rejected ones too";
    HelpHubApprove => "批准一条待批更改,使其生效(仅限经理)", "Approve a waiting change so it takes effect (managers only)";
    HelpHubReject => "驳回一条待批更改(仅限经理),并说明原因", "Reject a waiting change (managers only), with the reason";
    HelpHubRequestId => "待批更改的编号(kam hub pending 列出)", "The request's id (kam hub pending lists them)";
    HelpHubRejectReason => "驳回的原因,提交人同步时看到", "Why it is rejected; the requester reads it when they sync";
    HelpValueRequestId => "编号", "REQUEST_ID";
    HelpHubUserStore => "该员工所在的门店(staff 必填)", "The store whose VIP cards the user keeps (staff)";
    HelpValueUrl => "连接串", "URL";
    HelpValueRole => "角色", "ROLE";
    HelpValueStore => "门店", "STORE";
    HelpValueAccountId => "客户编号", "ACCOUNT_ID";
    HelpValueUser => "用户", "USER";
    // The hub and kam sync (#23).
    HubNoUrl => "没有设置总部服务器:用 --hub 指定连接串,或在 config.toml 中写 hub = \"postgresql://…\"(也可设环境变量 KAM_HUB)", "no hub is set: give its connection string with --hub, or write hub = \"postgresql://…\" in config.toml (or set KAM_HUB)";
    HubBadUrl => "总部服务器的连接串无法识别:{detail}", "the hub's connection string cannot be read: {detail}";
    HubNoAnswer => "总部服务器 {hub} 接受了连接,但 {secs} 秒内没有应答(中间的代理或防火墙?连接串中的 connect_timeout 可放宽)", "the hub {hub} took the connection but did not answer within {secs} s (a proxy or firewall in between? connect_timeout in the connection string allows longer)";
    HubUnreachable => "连不上总部服务器 {hub}({detail})", "no connection to the hub {hub} ({detail})";
    HeldAtHubByName => "总部:{owner} 已在跟进同名的公司(不在你的档案里,撞单)", "At head office {owner} already holds a company of this name (not in your file)";
    HeldAtHubByPhone => "总部:{owner} 已在跟进同一电话的公司(不在你的档案里,撞单)", "At head office {owner} already holds a company with this phone (not in your file)";
    HeldAtHubByBoth => "总部:{owner} 已在跟进同名、同电话的公司(不在你的档案里,撞单)", "At head office {owner} already holds a company of this name and phone (not in your file)";
    HeldAtHubNoOwner => "未分配负责人的客户", "an account without an owner";
    HubTlsUntrusted => "总部服务器 {hub} 的证书不是由受信任的证书机构签发的({detail}):请在连接串中用 sslrootcert=/路径/ca.crt 指定公司自己的 CA 证书", "the certificate of the hub {hub} is not signed by a CA kam trusts ({detail}): name the company's CA certificate in the connection string with sslrootcert=/path/to/ca.crt";
    HubTlsWrongHost => "总部服务器 {hub} 的证书不是为连接串中的主机名签发的({detail}):请用证书上写明的主机名连接,或请管理员重新签发证书", "the certificate of the hub {hub} is not made out to the host name in the connection string ({detail}): connect by a name the certificate holds, or have the certificate reissued";
    HubTlsExpired => "总部服务器 {hub} 的证书不在有效期内({detail}):证书已过期,或本机的时钟不对", "the certificate of the hub {hub} is out of its dates ({detail}): it has expired, or this computer's clock is wrong";
    HubTlsNotOffered => "总部服务器 {hub} 不提供 TLS 加密连接,而连接串要求加密(sslmode=require):请管理员在服务器上开启 ssl", "the hub {hub} offers no TLS and the connection string requires it (sslmode=require): an administrator turns ssl on at the server";
    HubTlsPlainRefused => "总部服务器 {hub} 拒绝未加密的连接({detail}):连接串中写的是 sslmode=disable,请改为 sslmode=require(公司自己的 CA 证书用 sslrootcert 指定)", "the hub {hub} refused a connection without TLS ({detail}): the connection string says sslmode=disable; use sslmode=require (with sslrootcert for the company's own CA)";
    HubTlsFailed => "与总部服务器 {hub} 建立 TLS 加密连接失败({detail})", "TLS with the hub {hub} failed ({detail})";
    HubCaMissing => "连接串中 sslrootcert 指定的 CA 证书文件 {path} 不存在", "the CA certificate file {path} (sslrootcert in the connection string) does not exist";
    HubCaUnreadable => "无法读取连接串中 sslrootcert 指定的 CA 证书文件 {path}({detail})", "the CA certificate file {path} (sslrootcert in the connection string) cannot be read ({detail})";
    HubCaEmpty => "连接串中 sslrootcert 指定的 CA 证书文件 {path} 中没有证书(应为 PEM 格式)", "the CA certificate file {path} (sslrootcert in the connection string) holds no certificate (PEM)";
    HubCaInvalid => "连接串中 sslrootcert 指定的 CA 证书文件 {path} 中的证书无法识别({detail})", "the CA certificate file {path} (sslrootcert in the connection string) holds a certificate that cannot be read ({detail})";
    HubQueueKept => "本机数据完好:{n} 条更改在队列中,下次同步时推送", "nothing here was lost: {n} changes wait in the queue for the next sync";
    HubLogin => "总部服务器 {hub} 拒绝登录({detail}):请核对连接串中的用户名和口令", "the hub {hub} refused the login ({detail}): check the user and password in the connection string";
    HubDenied => "总部服务器 {hub} 不允许这样做:{detail}", "the hub {hub} does not allow this: {detail}";
    HubNotInit => "{hub} 上还没有 kam 总部库:请管理员先运行 kam hub init", "there is no kam hub at {hub} yet: an administrator runs kam hub init first";
    HubTooNew => "{hub} 的总部库结构是第 {found} 版,本 kam 只认识到第 {supported} 版:请升级 kam", "the hub at {hub} has schema version {found}, this kam knows up to {supported}: update kam";
    HubFailed => "总部服务器 {hub}:{context}时出错:{detail}", "the hub {hub}: {context} failed: {detail}";
    HubTooOld => "{hub} 的总部库结构是第 {found} 版,本 kam 需要第 {supported} 版:请管理员运行 kam hub init 升级", "the hub at {hub} has schema version {found}, this kam needs {supported}: an administrator runs kam hub init to bring it up to date";
    HubNoSuchUser => "总部服务器 {hub} 上没有用户「{name}」(用 kam hub add-user 添加)", "the hub {hub} has no user '{name}' (kam hub add-user adds one)";
    HubNoSuchAccount => "总部服务器 {hub} 上没有编号为 {id} 的客户", "the hub {hub} has no account with the id {id}";
    HubNotAnAccount => "总部服务器 {hub} 上的 {id} 是{kind},不是客户", "at the hub {hub}, {id} is a {kind}, not an account";
    HubNotARep => "「{name}」是 {role},不是客户经理:只有客户经理(rep)才需要共享客户", "'{name}' is a {role}, not a rep: only reps get accounts shared with them";
    HubNoSuchShare => "客户 {id} 没有共享给「{name}」", "account {id} is not shared with '{name}'";
    HubShared => "客户「{account}」({id})已共享给「{user}」:其下次同步时拉取该客户及其联系人、订单等", "account '{account}' ({id}) is shared with '{user}': their next sync pulls it with its contacts, orders and the rest";
    HubAlreadyShared => "客户「{account}」({id})早已共享给「{user}」", "account '{account}' ({id}) was already shared with '{user}'";
    HubUnshared => "客户 {id} 不再共享给「{user}」:总部不再允许其读写该客户", "account {id} is no longer shared with '{user}': the hub no longer lets them read or write it";
    HubSharesNone => "没有共享的客户", "no accounts are shared";
    HubShareLine => "{account}({id})→ {user},{by} 于 {at} 共享", "{account} ({id}) → {user}, shared by {by} on {at}";
    HubNoSuchTerritory => "「{region}」不是「{name}」的片区", "'{region}' is not a territory of '{name}'";
    HubTerritoryAdded => "「{name}」的片区加上了「{region}」:其下次同步时拉取该区域的客户及其联系人、订单等", "'{name}' now has the territory '{region}': their next sync pulls its accounts with their contacts, orders and the rest";
    HubTerritoryHad => "「{region}」早已是「{name}」的片区", "'{region}' was already a territory of '{name}'";
    HubTerritoryRemoved => "「{region}」不再是「{name}」的片区:总部不再允许其读写该区域中不归其负责、也未共享给其的客户", "'{region}' is no longer a territory of '{name}': the hub no longer lets them read or write its accounts they neither own nor have shared with them";
    HubRegionEmpty => "区域不能为空", "REGION cannot be empty";
    HubTerritoriesNone => "「{name}」没有片区", "'{name}' has no territories";
    HubTerritoryLine => "{region}({by} 于 {at} 指定)", "{region} (given by {by} on {at})";
    HubNoSuchRequest => "总部服务器 {hub} 上没有编号为 {id} 的待批更改", "the hub {hub} has no request {id}";
    HubAlreadyDecided => "待批更改 {id} 已经处理过(结果:{state})", "request {id} was {state} already";
    RequestPending => "待批", "pending";
    RequestApproved => "已批准", "approved";
    RequestRejected => "已驳回", "rejected";
    RequestWithdrawn => "已撤回(客户已恢复)", "withdrawn (the account was restored)";
    RequestDelete => "删除客户", "deletion of the account";
    RequestArchive => "修改客户档案(改后 {n} 条)", "archive edit ({n} entries after it) of the account";
    RequestLine => "{id}:{what}「{account}」({record}),{who} 于 {at} 提交", "{id}: {what} '{account}' ({record}), by {who} on {at}";
    RequestReason => ",原因:{reason}", ", reason: {reason}";
    RequestDecided => ";{by} 于 {at} {state}", "; {state} by {by} on {at}";
    RequestReasonNeeded => "驳回需要原因:--reason 不能为空", "a rejection needs its reason: --reason cannot be empty";
    KRequests => "待经理批准的更改(经理:批准或驳回)", "changes waiting for a manager's approval (a manager approves or rejects them)";
    RequestsTitle => " 待批更改 ", " Waiting for approval ";
    RequestsLoading => "正在向总部读取…", "Reading from the hub…";
    RequestsKeys => "↑↓ 选择 · a 批准 · r 驳回 · Esc 关闭", "↑↓ choose · a approve · r reject · Esc close";
    RequestsRejectAsk => "驳回的原因(提交人同步时看到),Enter 确定,Esc 取消:", "Why it is rejected (the requester reads it when they sync); Enter to reject, Esc to go back:";
    RequestNone => "没有待批的更改", "no changes wait for approval";
    RequestApprovedDone => "已批准:{what}「{account}」生效,各人下次同步时拉取", "approved: {what} '{account}' takes effect; everyone pulls it with their next sync";
    RequestRejectedDone => "已驳回:{what}「{account}」不生效,提交人下次同步时得知", "rejected: {what} '{account}' does not take effect; the requester is told at their next sync";
    SyncAwaiting => "你的 {n} 条更改(档案修改或删除客户)在等经理批准(kam hub pending 列出)", "{n} of your changes (archive edits, account deletions) wait for a manager's approval (kam hub pending lists them)";
    SyncDecided => "经理的决定:{line}", "a manager decided: {line}";
    SyncForgot => "{n} 个客户已不归你查看,已从本机移除", "{n} accounts no longer yours to see were removed from this file";
    SyncWithdrawn => "撤回了 {n} 个删除申请:客户已从回收站恢复", "withdrew {n} deletion request(s): the account was restored from the trash";
    SyncRejectedDelete => "客户仍在总部,已从本机回收站恢复", "the account stays at head office and is back here from the trash";
    SyncDoneAwaiting => "{n} 条待经理批准", "{n} wait for a manager's approval";
    SyncDoneDecided => "经理已决定你的 {n} 条更改(kam hub pending --all 列出)", "a manager decided on {n} of your changes (kam hub pending --all lists them)";
    HubInitDone => "总部库已就绪:{hub},结构第 {version} 版(原为第 {found} 版),编号 {id}", "the hub is ready: {hub}, schema version {version} (was {found}), id {id}";
    HubStoreNeeded => "--role staff 需要 --store(该员工所在的门店)", "--role staff needs --store (the store the user works in)";
    RequestIdAmbiguous => "“{id}” 是 {n} 个申请编号的开头:请多写几位", "'{id}' starts {n} request ids: give more of it";
    HubUserAdded => "已添加用户 {name}(角色 {role},数据库角色 {pg_role})。把下面这行写进该用户的 config.toml(口令只显示这一次):", "user {name} added (role {role}, database role {pg_role}). Put this line in their config.toml (the password is shown this once):";
    SyncPushed => "已推送 {n} 条更改:新建 {inserted},更新 {updated},无需更新 {same},早已送达 {already}", "pushed {n} changes: {inserted} new, {updated} updated, {same} unchanged, {already} already there";
    SyncNoAccess => "不在你可访问的范围内(不是你的客户,也没有共享给你或划入你的片区)", "outside what you may reach (not your account, not shared with you, not in your territory)";
    SyncRefused => "总部拒绝了{kind}「{label}」({id}):{detail};本机的数据保留不变", "the hub refused {kind} '{label}' ({id}): {detail}; it is kept here as it is";
    SyncPulled => "已拉取 {n} 条记录:新增 {inserted},更新 {updated},相同 {same},冲突 {conflicts}", "pulled {n} records: {inserted} new, {updated} updated, {same} the same, {conflicts} with conflicts";
    // The workbench's sync key and status line (#23).
    KSync => "与总部同步(推送本机更改,拉取他人更改)", "sync with head office (push changes here, pull others')";
    StatusSynced => "同步 {at}", "synced {at}";
    StatusNeverSynced => "未同步", "never synced";
    StatusToPush => "待推送 {n}", "{n} to push";
    SyncStarting => "同步中… 连接总部", "Syncing… connecting to the hub";
    SyncPushing => "同步中… 推送 {n}/{m}", "Syncing… pushed {n}/{m}";
    SyncPulling => "同步中… 拉取 {n}", "Syncing… pulling, {n} so far";
    SyncRunning => "正在同步,请等它完成", "a sync is already running: wait for it to finish";
    SyncNoHub => "没有设置总部服务器:在 config.toml 中写 hub = \"postgresql://…\"(或设环境变量 KAM_HUB),再重新打开 kam", "no hub is set: write hub = \"postgresql://…\" in config.toml (or set KAM_HUB) and start kam again";
    SyncReadOnly => "不能同步:{path} 是只读的", "cannot sync: {path} is read-only";
    SyncDone => "同步完成:推送 {pushed} 条,拉取 {pulled} 条", "synced: pushed {pushed}, pulled {pulled}";
    SyncDoneRefused => "总部拒绝了 {n} 条(本机保留不变,kam sync 列出明细)", "the hub refused {n} (kept here as they are; kam sync lists them)";
    SyncDoneConflicts => "{n} 条记录有冲突,清单在 {path}", "{n} records with conflicts, listed in {path}";
    SyncWaitQuit => "正在等与总部的同步完成,然后退出(Ctrl-C 立即退出,未完成的部分下次同步时重新发送)…", "waiting for the sync with the hub to finish before quitting (Ctrl-C quits now: what it had not finished is sent again next time)…";
    SyncStopped => "同步没有完成:{why}", "the sync did not finish: {why}";
    // Placeholders of argument values in `--help` under zh.
    HelpValuePath => "路径", "PATH";
    HelpValueYuan => "元", "YUAN";
    HelpValueFile => "文件", "FILE";
    HelpValueDate => "日期", "DATE";
    HelpValueDir => "文件夹", "DIR";
    HelpValueFileOrDir => "文件.csv|文件夹", "FILE.csv|DIR";
    HelpValueName => "姓名", "NAME";
    HelpValueText => "文字", "TEXT";
    HelpValueBackup => "备份", "BACKUP";
    HelpValueCommand => "命令", "COMMAND";
    HelpValuePeriod => "期间", "P";
    HelpValueTier => "等级", "T";
    HelpValueSeed => "种子", "S";
    HelpValueCount => "数量", "N";
    HelpValueWhat => "身份", "WHAT";
    HelpValuePayment => "付款方式", "PAYMENT";
    HelpValueKind => "种类", "KIND";
    CliHelpHint => "kam --help 列出全部命令,kam 命令 --help 列出该命令的参数", "kam --help lists the commands, kam COMMAND --help a command's arguments";
    MergeNoFiles => "这里没有导出文件:日终导出文件夹里有 accounts.csv、contacts.csv 等", "no export files here: a day-end export folder holds accounts.csv, contacts.csv, …";
    // A day-end folder refused whole, or its rows (#20, #22): every message of `kam import DIR`.
    MergeManifestNotJson => "不是 JSON 文件(第 {line} 行第 {column} 列读不下去):请从导出处重新复制这个文件夹", "not JSON (it stops making sense at line {line}, column {column}): copy the folder again from the export";
    MergeManifestNotObject => "不是 kam 导出的清单:应是一组带名字的值", "not a kam export manifest: expected an object of named values";
    MergeManifestNoMasked => "没有 “masked” 一项:kam 无法判断这个文件夹里的电话和生日是真实的还是打了码的;请重新导出", "no 'masked' value: kam cannot tell whether the phones and birth dates in this folder are real or masked; export the folder again";
    MergeManifestMaskedNotFlag => "“masked” 的值是 “{value}”,不是 “true” 或 “false”:kam 无法判断这个文件夹里的电话和生日是真实的还是打了码的;请重新导出", "'masked' is {value}, not true or false: kam cannot tell whether the phones and birth dates in this folder are real or masked; export the folder again";
    MergeManifestNewerSchema => "这份导出来自更新版本的 kam(结构版本 {n};本机的 kam 最多读到 {max}):请先升级 kam 再合并", "the export was made by a newer kam (schema {n}; this kam reads up to {max}): update kam before merging it";
    MergeManifestSchemaNotWhole => "“schema_version” 的值是 “{value}”,不是整数", "'schema_version' is {value}, not a whole number";
    MergeManifestCountNotWhole => "“files” 给 {name} 的行数是 “{value}”,不是整数", "'files' gives {value} rows for {name}: not a whole number";
    MergeManifestFilesNotMap => "“files” 的值是 “{value}”,不是每个文件的行数", "'files' is {value}, not the rows of each file";
    MergeCountMismatch => "清单上写 {file} 有 {claimed} 行,但 {file} 实际有 {n} 行:文件夹不完整,或导出后被改过;请从导出处重新复制", "it says {file} holds {claimed} rows, but {file} holds {n}: the folder is incomplete or was changed after the export; copy it again from the export";
    MergeClockNoColumn => "没有 “{column}” 一列:不是 kam 的字段时钟文件", "no column '{column}': not a kam field clock file";
    MergeClockBadTable => "“{value}” 不是 kam 导出里的表", "'{value}' is not a table of a kam export";
    MergeClockBadId => "“{value}” 不是记录 ID", "'{value}' is not a record id";
    MergeClockBadField => "“{value}” 不是字段名", "'{value}' is not a field name";
    MergeBadTime => "“{value}” 不是时间", "'{value}' is not a time";
    MergeClockFuture => "{time} 在将来:字段不可能在现在之后被修改", "{time} is in the future: a field cannot have been changed later than now";
    MergeClockBadWho => "不是用户名(最多 200 个字,不能有控制字符)", "not a user name (at most 200 characters, no control characters)";
    MergeDeletionNoColumn => "没有 “{column}” 一列:不是 kam 的删除记录文件", "no column '{column}': not a kam deletions file";
    MergeDeletionBadKind => "“{value}” 不是 kam 导出里的记录种类", "'{value}' is not a kind of record a kam export holds";
    MergeDeletionFuture => "{time} 在将来:记录不可能在现在之后被删除", "{time} is in the future: a record cannot have been deleted later than now";
    MergeDeletionTooLong => "最多 {max} 个字,不能有控制字符", "at most {max} characters, no control characters";
    MergeOrphan => "“{id}” 不是 {file} 里的记录", "'{id}' is not a record of {file}";
    MergeRefOutside => "“{id}” 指向 {file} 里的一条记录,但它既不在这个文件夹里,也不在本机文件里:请先合并含有它的文件夹,或一份完整导出(kam export --all)", "'{id}' names a record of {file} that is neither in this folder nor in this file: merge the folder that holds it first, or a full export (kam export --all)";
    MergeLooksMasked => "“{value}” 像是打了码的,但没有 manifest.json 说明这份导出打了码:请按导出时的样子、连同 manifest.json 一起合并", "'{value}' looks masked, but no manifest.json says this export was masked: merge the folder as exported, with its manifest.json";
    MergeNoIdColumn => "没有 “{column}”:只能合并 kam 自己导出的文件", "no {column}: only kam's own exports can be merged";
    MergeFutureTime => "{time} 在将来(本机时钟是 {now}):记录不可能在现在之后被修改", "{time} is in the future (this computer's clock says {now}): a record cannot have been changed later than now";
    MergeRowChanged => "{file} 第 {row} 行与检查时读到的不一样:文件在检查之后被改动了;请重新合并这个文件夹", "{file} row {row} does not read as it did since it was checked: the file changed; merge the folder again";
    CellBadVersion => "“{value}” 不是版本号:版本号记的是保存次数,从 1 到 {max}", "'{value}' is not a version: a record's version counts its saves, from 1 to {max}";
    CellBefore2000 => "“{value}” 早于 2000 年:那时还没有 kam 的记录被修改过", "'{value}' is before 2000: no record of kam's was changed then";
    CellNotTime => "“{value}” 不是时间(应写成 2026-11-23T09:30:00Z 这样)", "'{value}' is not a time (written like 2026-11-23T09:30:00Z)";
    CellNotId => "“{value}” 不是记录 ID", "'{value}' is not a record id";
    ImportColumnTwice => "“{column}” 这一列出现了两次", "column '{column}' is given twice";
    ImportNotText => "这个文件既不是 UTF-8 也不是 GBK 文本(第一个读不了的字节在第 {offset} 字节):请在 Excel 里另存为 “CSV UTF-8”", "the file is neither UTF-8 nor GBK text (first bad byte at offset {offset}): save it from Excel as \"CSV UTF-8\"";
    ScanUnclosedQuote => "第 {row} 行:第 {column} 列开始的引号没有闭合(一个不成对的 \" 会吞掉后面的行)", "row {row}: a quote opened in column {column} is never closed (an unbalanced \" swallows the rows after it)";
    ScanTextAfterQuote => "第 {row} 行第 {column} 列:引号闭合后还有文字(这一格或前一格里有不成对的 \")", "row {row}, column {column}: text follows a closing quote (an unbalanced \" in the cell or one before it)";
    ScanNul => "第 {row} 行第 {column} 列:有一个空字节(0):这不是文本表格", "row {row}, column {column}: a NUL byte: this is not a text spreadsheet";
    ScanFieldTooLong => "第 {row} 行第 {column} 列:一格超过 {limit} 字节", "row {row}, column {column}: a cell of more than {limit} bytes";
    ScanRecordTooLong => "第 {row} 行:一行超过 {limit} 字节", "row {row}: more than {limit} bytes in one row";
    ScanTooManyColumns => "第 {row} 行:超过 {limit} 列", "row {row}: more than {limit} columns";
    CellNoChildSet => "{kind} 没有名为 {child} 的子表", "{kind} has no rows named {child}";
    ScoresColumnTwice => "评分标准 {column} 出现了两次", "the criterion {column} is given twice";
    ScoresNoAccountColumn => "没有客户列:第一行须有一列“客户名称”(或“客户ID”、account)", "no account column: the first row must name one, as account, account_id or 客户名称";
    ScoresNoCriterion => "没有评分标准列:列名须是规则中的标准({criteria})", "no criterion column: name the columns after the rules' criteria ({criteria})";
    ScoresNoAccount => "未填客户", "no account given";
    ScoresAccountUnknown => "没有名为 {name} 的客户", "no account named {name}";
    ScoresAccountAmbiguous => "{name} 对应 {n} 个客户,请改用客户ID", "{name} names {n} accounts: use the account's id";
    ScoresAccountTwice => "该客户已在第 {row} 行评分", "this account was scored in row {row} already";
    ScoresBadScore => "{value} 不是 1–10 的整数分", "{value} is not a whole score from 1 to 10";
    ScoresReason => "从表格 {file} 导入评分", "scores imported from {file}";
    ScoresCounts => "{accounts} 个客户的 {scores} 项评分已更新,{unchanged} 行无变化(评分标准:{criteria})", "{scores} scores of {accounts} accounts updated, {unchanged} rows unchanged (criteria: {criteria})";
    ScoresRefused => "未导入:{rejected} 行有问题,表格未作任何更改", "Nothing imported: {rejected} rows have problems; nothing was changed";
    ImportMoreRows => "……另有 {n} 行同上,未逐一列出", "… and {n} more such rows, not listed one by one";
    ImportBadCell => "第 {row} 行,列 {column}:{message}", "row {row}, column {column}: {message}";
    ImportRejectsWritten => "被拒绝的行及原因已写入 {path}", "rejected rows with their reasons written to {path}";
    ImportRefused => "{rejected} 行有误,整个文件未导入,没有任何改动({counts})", "rows with errors: {rejected}; nothing was imported and nothing changed ({counts})";
    ImportRefusedHint => "改正这些行后重新导入,或加 --skip-bad 导入其余的行", "fix those rows and import again, or add --skip-bad to import the other rows";
    DryRun => "试运行,未做任何改动:", "Dry run, nothing changed:";
    MergeRefused => "{n} 行有误,未合并任何内容", "rows with errors: {n}; nothing was merged";
    MergeCounts => "{kind}:新增 {inserted},更新 {updated},相同 {same},有冲突 {kept},删除 {deleted}", "{kind}: inserted {inserted}, updated {updated}, same {same}, with conflicts {kept}, deleted {deleted}";
    MergeConflict => "冲突({kind}):{account}「{label}」的{field}两边都改了:本机 {ours}({ours_by},{ours_at}),对方 {theirs}({theirs_by},{theirs_at}),保留{kept}", "conflict in {kind}: {field} of {account} '{label}' changed on both sides: here {ours} ({ours_by}, {ours_at}), there {theirs} ({theirs_by}, {theirs_at}); kept {kept}";
    MergeConflictAccount => "冲突({kind}):「{label}」的{field}两边都改了:本机 {ours}({ours_by},{ours_at}),对方 {theirs}({theirs_by},{theirs_at}),保留{kept}", "conflict in {kind}: {field} of '{label}' changed on both sides: here {ours} ({ours_by}, {ours_at}), there {theirs} ({theirs_by}, {theirs_at}); kept {kept}";
    MergeDeletedThere => "冲突({kind}):{account}「{label}」对方删除了({theirs_by},{theirs_at},原因 {theirs}),本机改过({ours_by},{ours_at}),保留{kept}", "conflict in {kind}: {account} '{label}' deleted there ({theirs_by}, {theirs_at}, reason {theirs}) and changed here ({ours_by}, {ours_at}); kept {kept}";
    MergeDeletedThereAccount => "冲突({kind}):「{label}」对方删除了({theirs_by},{theirs_at},原因 {theirs}),本机改过({ours_by},{ours_at}),保留{kept}", "conflict in {kind}: '{label}' deleted there ({theirs_by}, {theirs_at}, reason {theirs}) and changed here ({ours_by}, {ours_at}); kept {kept}";
    MergeDeletedHere => "冲突({kind}):{account}「{label}」本机删除了({ours_by},{ours_at},原因 {ours}),对方改过({theirs_by},{theirs_at}),保留{kept}", "conflict in {kind}: {account} '{label}' deleted here ({ours_by}, {ours_at}, reason {ours}) and changed there ({theirs_by}, {theirs_at}); kept {kept}";
    MergeDeletedHereAccount => "冲突({kind}):「{label}」本机删除了({ours_by},{ours_at},原因 {ours}),对方改过({theirs_by},{theirs_at}),保留{kept}", "conflict in {kind}: '{label}' deleted here ({ours_by}, {ours_at}, reason {ours}) and changed there ({theirs_by}, {theirs_at}); kept {kept}";
    MergeFieldDeletedThere => "对方删除", "deleted there";
    MergeFieldDeletedHere => "本机删除", "deleted here";
    MergeKeptOurs => "本机的", "ours";
    MergeKeptTheirs => "对方的(较新)", "theirs (newer)";
    MergeConflictsHeader => "类型,记录,客户,字段,本机的值,本机修改人,本机修改时间,对方的值,对方修改人,对方修改时间,保留,ID", "kind,record,account,field,value here,changed here by,changed here at,value there,changed there by,changed there at,kept,id";
    MergeConflictsWritten => "冲突清单已写入 {path}", "the conflicts are listed in {path}";
    MergeMasked => "该导出已遮盖个人信息:联系人和来客卡的电话、出生日期、配偶和座驾保留本机数据(客户的公司电话照常合并)", "the export was masked: the phones, birth dates, spouses and vehicles of contacts and VIP cards were left as they are here (accounts' company phones were merged)";
    ReportNoReps => "没有大客户专员:没有客户的负责人,也没有考核目标记录", "no reps: no account has an owner and there is no targets record";
    ReportHeader => "{rep} · {period} · 得分 {score} · {grade}", "{rep} · {period} · score {score} · {grade}";
    ReportSupervisor => "工作能力 {ability} · 工作态度 {attitude}(0–100)", "ability {ability} · attitude {attitude} (0–100)";
    ReportPartial => "仅按 {scored}/{total} 的权重计分;缺少:{missing}", "scored on {scored} of {total} weight; missing: {missing}";
    ReportDue => "考核截止日期:{due}", "evaluation due by {due}";
    ReportInProgress => "进行中:第 {day} 天 / 共 {days} 天,数字截至今天,得分与等级尚未最终", "in progress (day {day} of {days}): the figures are so far, the score and grade not final";
    ReportScale => "{zero} 得 0 分,{full} 得满分", "0 points at {zero}, full at {full}";
    DemoBadToday => "--today:“{given}”不是 YYYY-MM-DD 格式的日期", "--today: '{given}' is not a YYYY-MM-DD date";
    DemoNotEmpty => "{path} 中已有记录,演示数据不会覆盖它", "{path} already holds records; the demo will not overwrite them";
    DemoForceHint => "加 --force 清空该文件并填入演示数据,或用 --db 指定一个新文件", "add --force to empty the file and fill it with demo data, or name a new file with --db";
    DemoDone => "已生成 {accounts} 个客户、共 {records} 条记录,写入 {path}(用时 {secs} 秒)", "generated {accounts} accounts, {records} records in all, in {path} ({secs} s)";
    CheckFile => "数据库文件", "Database file";
    CheckSchema => "结构版本", "Schema version";
    CheckSchemaValue => "{found}(本程序支持 {known})", "{found} (this kam knows {known})";
    CheckSchemaOld => "{found},需要升级到 v{known}(下一个写入数据的命令会自动升级;检查不改动文件)", "{found}, needs migration to v{known} (the next command that writes does it; the check changes nothing)";
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
    TabAccounts => "客户档案", "Accounts";
    TabCallPlans => "电话计划", "Call plans";
    TabPresentations => "演讲计划", "Presentations";
    TabVip => "VIP 来客卡", "VIP cards";
    TabToday => "今日", "Today";
    VipColDate => "来店", "Visit";
    VipColSalutation => "称呼", "Salutation";
    VipColPhone => "电话", "Phone";
    VipColStore => "门店", "Store";
    VipColHolder => "接待/跟进", "Holder";
    VipColStatus => "状态", "Status";
    VipColNext => "下次联系", "Follow-up";
    VipFilterHint => "按 / 输入电话后几位、称呼、拼音、座驾、装饰或行业", "press / and type the phone's last digits, a salutation, pinyin, vehicle, accessories or industry";
    VipCount => "{n} 张卡", "cards: {n}";
    VipMineMark => "我的卡", "my cards";
    VipEmpty => "还没有 VIP 来客卡。按 n 登记一位来客。", "No VIP cards yet. Press n to fill one.";
    VipNoMatch => "没有匹配的来客卡。Esc 清除筛选。", "No card matches. Esc clears the filter.";
    VipSummary => "来客摘要", "Visitor summary";
    VipLastVisit => "上次来店", "Last visit";
    VipServedBy => "接待人", "Served by";
    VipHolder => "当前跟进人", "Holder";
    VipRecommended => "推荐款式", "Recommended";
    VipObjections => "异议及解决", "Objections and how they were resolved";
    VipUnresolved => "未解决", "not resolved";
    VipReception => "接待总结", "Reception summary";
    VipTeam => "团队建议", "Team suggestions";
    VipReRecommended => "再次推荐", "Recommended again";
    VipHandovers => "交接记录", "Handover log";
    VipAccount => "客户档案", "Account";
    VipNotLinked => "未转为客户", "not an account yet";
    VipNeeds => "需求", "Needs";
    VipLooks => "特征", "Traits";
    NewVipCard => "登记 VIP 来客卡", "New VIP card";
    EditVipCard => "编辑 VIP 来客卡", "Edit VIP card";
    VipFStore => "门店", "Store";
    VipFPhoto => "照片", "Photo";
    VipFStyle => "需求:款式", "Style wanted";
    VipFUsage => "需求:用途", "Usage";
    VipFTraits => "其他特点", "Other traits";
    VipFItem1 => "主推款式1", "Item 1";
    VipFImage1 => "主推款1图片", "Item 1 image";
    VipFFab1 => "FAB1", "FAB 1";
    VipFItem2 => "主推款式2", "Item 2";
    VipFImage2 => "主推款2图片", "Item 2 image";
    VipFFab2 => "FAB2", "FAB 2";
    VipFItem3 => "主推款式3", "Item 3";
    VipFImage3 => "主推款3图片", "Item 3 image";
    VipFFab3 => "FAB3", "FAB 3";
    VipFObjKind1 => "客户异议1类型", "Objection 1 type";
    VipFObj1 => "客户异议1", "Objection 1";
    VipFObjKind2 => "客户异议2类型", "Objection 2 type";
    VipFObj2 => "客户异议2", "Objection 2";
    VipFObjKind3 => "客户异议3类型", "Objection 3 type";
    VipFObj3 => "客户异议3", "Objection 3";
    VipFReception => "接待总结", "Reception summary";
    VipFTeam => "团队建议", "Team suggestions";
    VipFReItem1 => "再次主推款式1", "Again 1: item";
    VipFReImage1 => "再次主推款1图片", "Again 1: image";
    VipFReFab1 => "再次 FAB1", "Again 1: FAB";
    VipFReItem2 => "再次主推款式2", "Again 2: item";
    VipFReImage2 => "再次主推款2图片", "Again 2: image";
    VipFReFab2 => "再次 FAB2", "Again 2: FAB";
    VipFReItem3 => "再次主推款式3", "Again 3: item";
    VipFReImage3 => "再次主推款3图片", "Again 3: image";
    VipFReFab3 => "再次 FAB3", "Again 3: FAB";
    VipFRes1 => "解决客户异议1", "Resolution 1";
    VipFRes2 => "解决客户异议2", "Resolution 2";
    VipFRes3 => "解决客户异议3", "Resolution 3";
    VipFStatus => "状态", "Status";
    VipFNextContact => "下次联系日期", "Next contact";
    VipIndFinance => "金融", "Finance";
    VipIndRealEstate => "房地产", "Real estate";
    VipIndManufacturing => "制造", "Manufacturing";
    VipIndIt => "信息技术", "IT";
    VipIndHealth => "医疗健康", "Healthcare";
    VipIndEducation => "教育", "Education";
    VipIndGovernment => "政府机关", "Government";
    VipIndTrade => "贸易零售", "Trade and retail";
    VipIndHospitality => "酒店餐饮", "Hospitality";
    VipIndOwner => "企业主", "Business owner";
    VipIndFreelance => "自由职业", "Freelance";
    VipIndOther => "其他", "Other";
    VipNoFile => "找不到文件:{path}", "no such file: {path}";
    VipNotImage => "不是图片(需 PNG、JPEG、GIF 或 WebP):{path}", "not an image (PNG, JPEG, GIF or WebP needed): {path}";
    VipFieldError => "{field}:{error}", "{field}: {error}";
    VipHandoverTitle => "交接来客卡", "Hand the card over";
    VipFHandTo => "交给", "To";
    VipFHandNote => "交接说明", "Note";
    VipHandedOver => "已交给 {to}", "Handed over to {to}";
    VipAlreadyHolds => "{to} 已经是这张卡的跟进人", "{to} already holds this card";
    VipNoPhoto => "这张卡没有照片", "This card has no photo";
    VipOpened => "正在用 {viewer} 打开 {path}", "Opening {path} with {viewer}";
    VipViewerFailed => "无法打开照片:{viewer} 启动失败({error})", "Cannot open the photo: {viewer} did not start ({error})";
    // The photo drawn on the card (#22).
    VipNoViewer => "这台电脑没有看图程序(找不到 {viewer});照片显示在卡片上", "No image viewer on this computer ({viewer} is not installed); the photo is shown on the card";
    VipViewerExit => "{viewer} 没能打开照片(退出码 {code}):这台电脑可能没有设置看图程序;照片显示在卡片上", "{viewer} could not open the photo (exit code {code}): no image viewer seems to be set up; the photo is shown on the card";
    VipPhotoLoading => "正在读取照片…", "Reading the photo…";
    VipPhotoMissing => "照片文件不在了:{path}", "The photo file is not there: {path}";
    VipPhotoNotFile => "不是普通文件,不会打开:{path}", "Not a regular file, not opened: {path}";
    VipPhotoFormat => "这里只显示 JPEG 和 PNG 照片;按 o 用看图程序打开", "Only JPEG and PNG photos are shown here; o opens it in the viewer";
    VipPhotoTooLarge => "照片太大({width}×{height}),不在这里显示;按 o 用看图程序打开", "The photo is too large to show here ({width}×{height}); o opens it in the viewer";
    VipPhotoDamaged => "照片已损坏或读不出来:{path}", "The photo is damaged or cannot be read: {path}";
    VipConvertTitle => "转为客户档案", "Make an account";
    VipConvertFound => "可能已有这位客户。选择要关联的档案,或新建:", "This visitor may already be an account. Pick the one to link, or create one:";
    VipConvertNew => "新建客户档案", "Create a new account";
    VipConvertKeys => "↑↓ 选择 · Enter 确定 · Esc 取消", "↑↓ pick · Enter confirm · Esc cancel";
    VipConverted => "已建客户档案 {name} 并关联", "Account {name} created and linked";
    VipLinked => "已关联客户档案 {name}", "Linked to account {name}";
    VipAlreadyLinked => "这张卡已关联客户档案 {name}", "This card is already linked to account {name}";
    VipCardNote => "来自 VIP 来客卡({date})", "From a VIP visitor card ({date})";
    VipLearnTitle => "从来客卡学习:{store}", "Learning from cards: {store}";
    VipAllStores => "所有门店", "all stores";
    VipObjByType => "异议按类型统计", "Objections by type";
    VipUntyped => "未分类", "no type";
    VipFabOfVips => "成为 VIP 的来客卡上用过的 FAB", "FAB lines on cards that became VIPs";
    VipNothingYet => "还没有记录", "nothing recorded yet";
    VipLearnKeys => "Tab/→ 下一位顾问 · ⇧Tab/← 上一位 · J K 翻页 · Esc / l 返回列表", "Tab/→ next advisor · ⇧Tab/← previous · J K scroll · Esc / l back";
    VipLearnWhole => "全店", "whole store";
    VipLearnAdvisor => "顾问 {advisor}", "advisor {advisor}";
    VipLearnCounts => "来客卡 {cards} 张 · 成为 VIP {vips} 张{vips_pct} · 写了 FAB 的 {fab} 张{fab_pct}", "Cards: {cards} · became VIPs: {vips}{vips_pct} · with a FAB line: {fab}{fab_pct}";
    VipLearnAdvisors => "顾问(Tab 逐一查看):", "Advisors (Tab to see each): ";
    VipLearnAdvisorCards => "{advisor} {cards} 张", "{advisor} ({cards})";
    VipResolvedOf => "已化解 {resolved}/{count}", "{resolved}/{count} resolved";
    VipWeakSpot => "短板:{kind}(还有 {open} 个未化解)", "Weak spot: {kind} ({open} left unresolved)";
    VipResolutionsWorked => "成为 VIP 的来客卡上化解异议的办法", "Resolutions on cards that became VIPs";
    VipStatusNow => "状态:{status}", "Status: {status}";
    VipListKeys => "n 登记 · Enter 编辑 · h 交接 · a 转客户 · o 照片 · s 状态 · m 我的卡 · l 学习 · ? 帮助", "n new · Enter edit · h hand over · a account · o photo · s status · m mine · l learn · ? help";
    KVipFilter => "筛选(电话后几位、称呼、拼音、座驾、装饰、行业)", "filter (phone's last digits, salutation, pinyin, vehicle, accessories, industry)";
    KVipNew => "登记来客卡", "new card";
    KVipEdit => "编辑来客卡", "edit the card";
    KVipHandover => "交给其他同事", "hand the card over";
    KVipAccount => "转为客户档案", "make it an account";
    KVipPhoto => "用系统看图程序打开照片", "open the photo in the system viewer";
    KVipStatus => "改状态(准VIP / VIP / 已关闭,Ctrl-S 确认)", "change the status (prospect / VIP / closed; Ctrl-S confirms)";
    VipPhoneWithoutConsent => "留了电话,但访客尚未同意保存个人信息:请询问并把“同意”改为是;再按 Ctrl-S 则照样保存", "A phone is kept but the visitor has not consented to their details being stored: ask, and set Consent to yes; Ctrl-S again saves as it is";
    VipStatusTitle => "来客卡状态", "Card status";
    KVipMine => "只看我的卡 / 全部", "my cards / all cards";
    KVipLearn => "异议统计与成功的 FAB", "objections by type and FAB lines that worked";
    KVipLearnAdvisor => "学习视图中:全店 / 每位顾问切换", "in the learning view: whole store / each advisor";
    KVipLearnClose => "关闭学习视图", "close the learning view";
    KVipScroll => "摘要(或学习视图)向下 / 向上翻", "scroll the summary (or the learning view) down / up";
    VNotAnId => "'{text}' 不是记录编号(UUID)", "'{text}' is not a record id (UUID)";
    VRequired => "必填", "required";
    VOutside => "{v} 不在 {lo}–{hi} 之间", "{v} is outside {lo}–{hi}";
    VNotNegative => "不能是负数", "must be zero or more";
    VTooLarge => "超过上限 {max} 元", "is more than the largest amount, {max} yuan";
    VSalutationOrPhone => "请填称呼或电话,以便认出这位来客", "give a salutation or a phone number to recognise the visitor";
    VAtMostRows => "最多 {n} 行", "at most {n} rows";
    VConsentDate => "同意存档需要填同意日期", "consent needs the date it was given";
    VDoneNeedsSummary => "已完成的电话需要填写实际情况", "a done call needs a summary of what happened";
    VArchiveEmpty => "档案条目需要标题或内容", "an archive entry needs a title or content";
    VReportsToSelf => "不能向自己汇报", "a person cannot report to themselves";
    VBehaviourTwice => "这个行为已经记过了", "this behaviour is already recorded";
    VNetOverAmount => "净额不能超过订单金额", "the net amount cannot exceed the order amount";
    VDueBeforeOrder => "到期日早于订单日期", "the due date is before the order date";
    VOverCollected => "回款超过了净额", "more collected than the net amount";
    VNextBeforeVisit => "下一步的日期早于这次拜访", "the next step's date is before the visit";
    VTooLong => "太长:超过 {max} 个字(最多 {max} 个)", "too long: more than {max} characters (at most {max})";
    VNotAPhone => "'{v}' 不是电话号码:请填数字,可带空格或 + - ( ),如 138 0013 8000 或 021-6234 5678 转 123", "'{v}' is not a phone number: expected digits with spaces or + - ( ), such as 138 0013 8000 or 021-6234 5678 转 123";
    StatusUser => "用户", "user";
    StatusUnexported => "本次打开后的改动 {n}", "changes this session {n}";
    StatusHelp => "? 按键", "? keys";
    Filter => "筛选", "filter";
    FilterHint => "按 / 输入名称、拼音首字母、全拼或电话号码", "press / and type a name, pinyin initials, full pinyin or phone digits";
    ListCount => "{n} 条 · {ms} 毫秒", "{n} rows · {ms} ms";
    ListReading => "正在读取…", "reading…";
    ListSorting => "正在排序…", "sorting…";
    ColName => "客户名称", "Name";
    ColTier => "等级", "Tier";
    ColAbc => "评分", "Card";
    ColAnnual => "年度订货量", "Annual";
    ColOwner => "负责人", "Owner";
    ColLast => "最近联系", "Contacted";
    ColFlags => "逾期", "Overdue";
    FlagCadence => "拜访", "visit";
    FlagReceivable => "应收>90天", "AR>90d";
    NoAccounts => "还没有客户。按 n 新建客户。", "No accounts yet. Press n to create one.";
    NoMatch => "没有匹配的客户。Esc 清除筛选。", "No account matches. Esc clears the filter.";
    QuoteLine => "{tier}:折扣率 {rate}({zhe}),折后 {net} 元", "{tier}: rate {rate} ({zhe}), net {net} yuan";
    FDate => "日期", "Date";
    FPurpose => "目的", "Purpose";
    FSummary => "内容摘要", "Summary";
    FNextStep => "下一步", "Next step";
    FListAmount => "订货金额(牌价)", "List amount";
    FPromotion => "已享其他促销", "Other promotion";
    LogVisit => "记录拜访/联系", "Log a visit or contact";
    RecordOrder => "记录订单", "Record an order";
    Calculator => "折扣计算器(不保存,Esc 关闭)", "Discount calculator (nothing saved, Esc closes)";
    KVisit => "记录拜访 / 电话", "log a visit / a call";
    KOrder => "记录订单(按折扣规则计算)", "record an order (discount rule applied)";
    KCalculator => "折扣计算器", "discount calculator";
    AllianceTitle => "政治联盟行为", "Alliance behaviours";
    AllianceKeys => "↑↓ 选择 · 空格 勾选(今天)· ←→ 调整观察日期 · Ctrl-S 保存 · Esc 关闭", "↑↓ select · Space ticks (today) · ←→ move the day observed · Ctrl-S save · Esc close";
    KAlliance => "联盟行为清单(带日期)", "alliance behaviours checklist (with dates)";
    ConflictHeader => "字段            你的版本  |  已保存的版本", "field           yours  |  stored";
    ConflictKeys => "Ctrl-S 用你的版本覆盖 · Ctrl-R 采用已保存的版本", "Ctrl-S keeps yours (saves over it) · Ctrl-R takes the stored one";
    ConflictMsg => "打开后此记录已在别处保存(现为第 {v} 版)", "This record was saved elsewhere after you opened it (now version {v})";
    StatusChecking => "后台检查文件并备份…", "checking the file and backing up in the background…";
    FoundViaContact => "联系人 {name}", "contact {name}";
    FoundViaOwner => "负责人 {name}", "owner {name}";
    ContactsFound => "匹配的联系人(Enter 打开其所在客户的个人档案)", "Contacts found (Enter on their account opens the profile)";
    SecCompany => "公司资料", "Company";
    SecContacts => "联系人", "Contacts";
    SecOrders => "订单与应收", "Orders & receivables";
    SecVisits => "拜访记录", "Visits";
    SecEvents => "重大异动", "Major changes";
    SecHistory => "变更历史", "History";
    SecArchive => "档案", "Archive";
    FArchiveCategory => "类别", "Category";
    FArchiveTitle => "标题", "Title";
    FArchiveContent => "内容", "Content";
    FArchiveAmount => "金额", "Amount";
    FArchiveApproval => "审批人", "Approved by";
    FArchiveReason => "原因", "Reason";
    FArchiveResponsibility => "责任鉴定", "Responsibility";
    FChangeReason => "修改原因", "Reason for the change";
    NewArchive => "新建档案条目", "New archive entry";
    EditArchive => "修改档案条目", "Edit archive entry";
    ArchiveEmpty => "(无)", "(none)";
    KArchive => "↑↓ 选择条目 · n 新建 · Enter/e 修改(需填原因) · d 删除(需填原因)", "↑↓ select · n new · Enter/e edit (asks why) · d delete (asks why)";
    KArchiveEdit => "修改所选条目(需填原因)", "change the selected entry (asks why)";
    KArchiveDelete => "删除所选条目(需填原因)", "delete the selected entry (asks why)";
    NothingYet => "暂无记录。", "Nothing recorded yet.";
    NoContacts => "还没有联系人。按 n 新建联系人(个人档案)。", "No contacts yet. Press n to add one (a personal profile).";
    PoliticalMap => "政治地图(汇报关系)", "Political map (reports to)";
    Nobody => "无人担任", "nobody";
    OrdersHeader => "日期 订货金额 付款 折扣 折后金额 到期日 未收 大客户专员", "Date Amount Payment Rate Net Due Owed Rep";
    ManagerMark => "(经理)", " (manager)";
    ComplaintMark => "投诉", "complaint";
    Yes => "是", "yes";
    No => "否", "no";
    FName => "客户名称", "Name";
    FShortName => "简称", "Short name";
    FPhone => "电话", "Phone";
    FIndustry => "行业", "Industry";
    FRegion => "地区", "Region";
    FAddress => "地址", "Address";
    FWebsite => "网站", "Website";
    FSize => "公司规模", "Company size";
    FCapital => "注册资本", "Registered capital";
    FListed => "是否上市", "Listed";
    FOwner => "负责人", "Owner";
    FCreditLimit => "信用额度", "Credit limit";
    FPaymentTerms => "付款条件", "Payment terms";
    FCustomerSince => "交往时间", "Customer since";
    FNotes => "备注", "Notes";
    FPersonName => "姓名", "Name";
    FTitle => "职务", "Title";
    FEmail => "电子邮件", "Email";
    FBirthDate => "出生日期", "Birth date";
    FSocialStyle => "社交风格", "Social style";
    FBuyingRole => "购买角色", "Buying role";
    FPersonality => "个性/风格/爱好", "Personality";
    FAgenda => "个人目标", "Personal agenda";
    FBackground => "以往工作背景", "Background";
    FRecent => "近期决策成就", "Recent wins";
    FResponsibilities => "职责(;分隔)", "Duties (a; b)";
    FCriteriaTechnical => "技术决策标准", "Tech criteria";
    FCriteriaBusiness => "商业决策标准", "Biz criteria";
    FConsent => "同意存档", "Consent";
    FStrategy => "政治策略", "Political strategy";
    FAlliance => "联盟状态", "Alliance";
    FUserName => "你的姓名", "Your name";
    FRole => "角色", "Role";
    FLanguage => "语言", "Language";
    ByVolume => "按订货量", "by volume";
    NotSet => "未填", "not set";
    RoleRep => "客户经理", "rep";
    RoleStaff => "导购", "store staff";
    RoleManager => "经理", "manager";
    NewAccount => "新建客户", "New account";
    EditAccount => "编辑客户", "Edit account";
    NewContact => "新建联系人", "New contact";
    EditContact => "编辑联系人", "Edit contact";
    Settings => "设置(姓名、角色、门店、语言)", "Settings (name, role, store, language)";
    Required => "必填", "required";
    // Why a text is not a day (model::dates::DayError), in forms, imports and merges.
    DateExpected => "应写成 2024-03-05、2024/3/5 或 2024年3月5日", "expected a date such as 2024-03-05, 2024/3/5 or 2024年3月5日";
    DateEmpty => "没有填写日期:{expected}", "no date given: {expected}";
    DateNotADate => "“{text}”不是日期:{expected}", "'{text}' is not a date: {expected}";
    DateYearDigits => "“{text}”不是日期:年份要写四位数字({expected})", "'{text}' is not a date: the year needs four digits ({expected})";
    DateNoMonth => "“{text}”不是日期:没有 {month} 月,月份是 1 到 12({expected})", "'{text}' is not a date: there is no month {month}, months are 1 to 12 ({expected})";
    DateNoSuchDay => "“{text}”不是日期:{month}只有 {last} 天", "'{text}' is not a date: there is no such day ({month} has {last} days)";
    DateExcelRange => "“{text}”不是日期:Excel 的日期序号是 1 到 2958465;{expected}", "'{text}' is not a date: a day number from Excel is 1 to 2958465; {expected}";
    BadDate => "日期写成 2026-11-22、今天、明天、3天后或下周一", "write the date as 2026-11-22, today, tomorrow, in 3 days or next monday";
    OverrideNeedsReason => "手动等级需要填写原因", "an override needs a reason";
    MoreFieldErrors => "(另有 {n} 处标红)", " ({n} more marked in red)";
    VipOpenMatchKey => "Ctrl-O 打开这张已有的卡(正在填写的新卡会保留,关掉那张卡后回到这里)", "Ctrl-O opens that card (this new card is kept and comes back when you close it)";
    VipNewCardSetAside => "新卡已保留:关掉这张卡后回到新卡", "The new card is kept: close this card to go back to it";
    DuplicatesFound => "可能重复(见下)。再按 Ctrl-S 仍然保存,Esc 取消。", "Likely duplicates (below): press Ctrl-S again to save anyway, Esc to cancel.";
    ConfirmDrop => "有未保存的改动:再按 Esc 放弃,按其他键继续编辑。", "Unsaved changes: Esc again drops them, any other key keeps editing.";
    FormKeys => "Tab/↓ 下一项 · Shift-Tab/↑ 上一项 · 多行项内 Enter 换行 · ←→ 选择 · Ctrl-S 保存 · Esc 关闭", "Tab/↓ next · Shift-Tab/↑ previous · Enter breaks a line in a text box · ←→ choose · Ctrl-S save · Esc close";
    SettingsKeys => "Ctrl-S 保存到 config.toml · Esc 保留默认值", "Ctrl-S saves to config.toml · Esc keeps the defaults";
    Saved => "已保存", "Saved";
    // Tab 5, Today, and the evaluation view.
    TodaySecOverdue => "逾期未拜访或未联系", "Past the visit or contact cadence";
    TodaySecPlans => "到期的电话与演讲", "Calls and presentations due";
    TodaySecCommitments => "未完成的承诺", "Open commitments";
    TodaySecVip => "待联系的 VIP 来客", "VIP cards to contact";
    TodaySecBirthdays => "7 天内生日", "Birthdays in the next 7 days";
    TodaySecDowngrades => "触发降级的应收款", "Receivables that downgrade";
    TodaySecWarnings => "计划检查提醒", "Plan-check warnings";
    TodaySecDeadlines => "考核截止", "Evaluations due";
    TodaySecChanges => "今日改动", "Today's changes";
    TodayNothing => "无", "none";
    TodayVisitOverdue => "{days} 天无经理拜访", "no manager visit for {days} days";
    TodayContactOverdue => "{days} 天未联系", "no contact for {days} days";
    TodayCall => "电话", "Call";
    TodayPresentation => "演讲", "Presentation";
    TodayNoDate => "无期限", "no date";
    TodayBy => "期限 {by}", "by {by}";
    TodayContactOn => "{date} 联系", "contact {date}";
    TodayBirthdayToday => "今天", "today";
    TodayBirthdayIn => "{n} 天后", "in {n} days";
    TodayOverdueDays => "逾期 {days} 天", "{days} days overdue";
    TodayYuan => "{amount} 元", "{amount} yuan";
    TodayWarningCount => "{n} 条", "{n} warnings";
    TodayDeadlineMonth => "月度考核", "Monthly evaluation";
    TodayDeadlineQuarter => "季度考核", "Quarterly evaluation";
    TodayDeadlineYear => "年度考核", "Yearly evaluation";
    TodayDue => "截止 {due}", "due {due}";
    TodaySinceExport => "上次导出后改动 {n} 条", "changed since the last export: {n}";
    TodayLastExport => "上次导出 {at}", "last export {at}";
    TodayNeverExported => "尚未导出过", "never exported";
    TodayExported => "已导出到 {dir}:{rows} 行", "Exported to {dir}: {rows} rows";
    TodayExporting => "正在导出…", "Exporting…";
    TodayLoading => "正在读取…", "Reading…";
    TodayChartTiers => "等级与 A/B/C", "Tier and A/B/C";
    TodayChartMonths => "近 12 个月", "Last 12 months";
    TodayOrders => "订货", "Orders";
    TodayCollected => "回款", "Collected";
    TodayChartVisits => "每周拜访", "Visits per week";
    TodayWan => "{n} 万", "{n}k";
    TodayTicked => "已完成:{what}", "Done: {what}";
    KindAccount => "客户", "accounts";
    KindContact => "联系人", "contacts";
    KindOrder => "订单", "orders";
    KindVisit => "拜访", "visits";
    KindChangeEvent => "重大异动", "change events";
    KindFeedback => "意见反馈", "feedback";
    KindCallPlan => "电话计划", "call plans";
    KindPresentation => "演讲计划", "presentations";
    KindVipCard => "VIP 来客卡", "VIP cards";
    KindTarget => "考核目标", "targets";
    KindExport => "导出", "exports";
    KindPrint => "打印", "prints";
    KTodayOpen => "打开记录", "open the record";
    KTodayTick => "勾选承诺已完成", "tick a commitment done";
    KTodayExport => "日终导出", "day-end export";
    KTodayEval => "考核", "evaluation";
    KTodayReload => "刷新", "refresh";
    KEvalRep => "换人", "another rep";
    KEvalPeriod => "上月 / 下月", "previous / next month";
    KEvalTargets => "填写考核目标", "enter the targets";
    KEvalBack => "返回今日", "back to Today";
    TodayMore => "…… 另有 {n} 条", "… {n} more";
    EvalTitle => "考核 · {rep} · {period}", "Evaluation · {rep} · {period}";
    EvalKpi => "指标", "KPI";
    EvalAbility => "工作能力", "ability";
    EvalAttitude => "工作态度", "attitude";
    EvalValue => "数值", "Value";
    EvalPoints => "得分", "Points";
    EvalInputs => "依据", "Inputs";
    EvalTotal => "总分 {score} · 等级 {grade}", "Score {score} · grade {grade}";
    EvalNoScore => "无法计分:缺少全部输入", "no score: every input is missing";
    EvalTargets => "目标:计划销售 {sales} · 计划回款 {collection} · 费用 {actual}/{budget}", "Targets: sales {sales} · collection {collection} · expense {actual} of {budget}";
    EvalKeys => "←/→ 换人 · [ ] 换月 · t 目标 · Esc 返回", "←/→ rep · [ ] month · t targets · Esc back";
    TargetsTitle => "考核目标", "Targets";
    FPlannedSales => "计划销售额", "Planned sales";
    BadScore => "请填 0 到 100 的整数", "a whole number from 0 to 100";
    MovedToTrash => "已移入回收站(30 天内可恢复:在客户列表按 t)", "Moved to the trash (restorable for 30 days: t on the account list)";
    Restored => "已恢复", "Restored";
    DeleteTitle => "删除到回收站", "Delete to the trash";
    DeleteAsk => "删除“{name}”?请填写原因:", "Delete '{name}'? Give a reason:";
    ReasonRequired => "必须填写原因", "a reason is required";
    ReasonKeys => "Enter 删除 · Esc 取消", "Enter deletes · Esc cancels";
    TrashTitle => "回收站", "Trash";
    TrashEmpty => "回收站是空的。", "The trash is empty.";
    TrashKeys => "↑↓ 选择 · Enter 恢复 · Esc 关闭", "↑↓ select · Enter restores · Esc closes";
    WelcomeTitle => "欢迎使用 kam", "Welcome to kam";
    WelcomeEmpty => "这个数据库还是空的。", "This database is empty.";
    WelcomeDemo => "d  填入虚构的演示数据(200 个客户)", "d  fill it with fictional demo data (200 accounts)";
    WelcomeBlank => "b  从空白开始(Esc 同)", "b  start blank (or Esc)";
    DemoFilled => "已填入 {accounts} 个演示客户", "Filled with {accounts} demo accounts";
    HelpTitle => "按键", "Keys";
    HelpClose => "任意键关闭", "any key closes";
    HelpScroll => "↑↓ 翻看 · 其他键关闭", "↑↓ scroll · other keys close";
    HelpMore => "还有 {n} 行", "{n} more lines";
    KTabs => "切换标签页", "switch tab";
    KFilter => "边输入边筛选(名称、拼音、电话),Enter 打开所选", "filter as you type (name, pinyin, phone); Enter opens the selected";
    KClearFilter => "清除筛选 / 返回", "clear the filter / go back";
    KMove => "在列表中移动", "move in the list";
    KOpen => "打开所选客户", "open the selected account";
    KNewAccount => "新建客户", "new account";
    KEdit => "编辑所选记录", "edit the selected record";
    KDelete => "删除到回收站(需填原因)", "delete to the trash (asks for a reason)";
    KErase => "应本人要求彻底抹去此人(不进回收站,不可恢复;需确认并填原因)", "erase this person for good at their request (no trash, no undo; asks to confirm and a reason)";
    EraseTitle => "彻底抹去(不可恢复)", "Erase for good (no undo)";
    EraseAsk => "彻底抹去“{name}”及其所有个人信息?原因:", "Erase '{name}' and every personal value for good? Reason:";
    EraseKeys => "Enter 彻底抹去 · Esc 取消", "Enter erases for good · Esc cancels";
    ErasedOne => "已彻底抹去;变更日志只记下抹去这件事", "Erased for good; the change log keeps only that an erase happened";
    KSort => "切换排序列 / 反向", "next sort column / reverse";
    KTrash => "回收站(恢复)", "the trash (restore)";
    KSettings => "设置:姓名、角色、门店、语言", "settings: name, role, store, language";
    KHelp => "本屏按键", "keys of this screen";
    KQuit => "退出", "quit";
    KQuitForm => "退出(表单有改动时先询问,存为草稿)", "quit (a changed form asks, kept as a draft)";
    KSections => "切换分区", "switch section";
    KMoveDetail => "选择 / 滚动", "select / scroll";
    KEditAccount => "编辑客户信息", "edit the account";
    KEditContact => "打开联系人的个人档案", "open the contact's profile";
    KNewContact => "新建联系人", "new contact";
    KBack => "返回列表", "back to the list";
    KFormFields => "表单:下一项 / 上一项", "form: next / previous field";
    KChoice => "表单:在选项中选择", "form: pick from a list";
    KSave => "表单:保存", "form: save";
    KFormEsc => "表单:关闭(有改动时先询问)", "form: close (asks when changed)";
    KPopMove => "选择上一行 / 下一行", "choose the line above / below";
    KPopClose => "关闭", "close";
    KPopCancel => "取消", "cancel";
    KTrashRestore => "恢复所选记录", "restore the selected record";
    KDraftRestore => "恢复草稿,继续编辑", "restore the draft to go on";
    KDraftDiscard => "丢弃草稿", "discard the draft";
    KDraftLater => "稍后再说(草稿保留)", "decide later (the draft is kept)";
    KWelcomeDemo => "填入虚构的演示数据", "fill in made-up demo data";
    KWelcomeBlank => "从空白开始", "start from a blank file";
    KReasonConfirm => "按所填原因删除(或抹去)", "delete (or erase) with the reason typed";
    KPickerChoose => "为所选客户新建计划", "start the plan for the selected account";
    KTsOpen => "打开所选结果", "open the selected result";
    KRequestApprove => "批准所选请求", "approve the selected request";
    KRequestReject => "驳回所选请求(需填原因)", "reject the selected request (asks a reason)";
    KRejectConfirm => "按所填原因驳回", "reject with the reason typed";
    KScoreDigits => "打分:1–9,0 为 10", "score: 1–9, 0 is 10";
    KScoreAdjust => "分数减一 / 加一", "score one down / up";
    KScoreClear => "清除分数", "clear the score";
    KAllianceTick => "勾选 / 取消(观察日期为今天)", "tick / untick (observed today)";
    KAllianceDay => "观察日期提前 / 推后一天", "the day observed one earlier / later";
    KConvertChoose => "并入所选客户(或新建客户)", "join the selected account (or a new one)";
    KFormArrows => "表单:下一项 / 上一项(多行文字中在文字里移动,Enter 换行)", "form: next / previous field (in a text of several lines, move in the text; Enter breaks the line)";
    KFormTakeStored => "表单:别人先保存了时,改用已保存的版本", "form: when another save came first, take the stored version";
    KFormOpenMatch => "来客卡:打开电话相同的已有卡", "VIP card: open the existing card with this phone";
    // ---- call plans and presentations (tabs 2 and 3) ----
    PlanAccount => "目标帐目", "Target account";
    FOpportunity => "销售机会", "Opportunity";
    FAccountExecutive => "帐目执行人员", "Account executive";
    FLocation => "地点", "Location";
    FAssistant => "行政助手", "Assistant";
    FCallDate => "电话/拜访日期", "Call date";
    FSalesRep => "销售代表", "Sales rep";
    FManager => "经理", "Manager";
    FObjective => "目标", "Objective";
    FExpectedResult => "预计的结果", "Expected result";
    FPlanAgenda => "计划议程", "Planned agenda";
    FObstacles => "竞争观点或障碍", "Competition / obstacles";
    FResources => "所需资源与准备", "Resources, preparation";
    FPrepCards => "准备:名片", "Prep: business cards";
    FPrepMaterials => "准备:资料", "Prep: materials";
    FPrepEvidence => "准备:数据和证据", "Prep: data, evidence";
    FPrepProposal => "准备:标准方案", "Prep: proposal";
    FPrepWhy => "准备:为何见我", "Prep: why see me";
    FPlanStatus => "状态", "Status";
    FWhatHappened => "实际情况", "What happened";
    FSupporterAssessment => "支持者的评估", "Supporter's view";
    FManagerAssessment => "经理的评估", "Manager's view";
    FPresentationDate => "演讲日期", "Date";
    RowCustomer => "客户", "Cust";
    RowOurs => "我方", "Ours";
    RowInfluence => "影响", "Infl";
    RowIntro => "介绍", "Intro";
    RowCommitment => "承诺", "Commit";
    RowParticipant => "参与", "Part";
    RowStep => "步骤", "Step";
    CContact => "联系人", "contact";
    CName => "姓名", "name";
    CTitle => "职务", "title";
    CRole => "角色", "role";
    CNameTitle => "姓名/职务", "name/title";
    CView => "可影响的观点", "view";
    CHow => "如何影响", "how";
    CBusinessValue => "商业价值", "business value";
    CPoliticalValue => "政治/个人价值", "political value";
    CNeed => "需要了解", "need to know";
    CWhy => "原因", "why";
    CQuestion => "问题", "question";
    CWho => "谁", "who";
    CWhat => "做什么", "what";
    CBy => "期限", "by when";
    CDone => "完成", "done";
    CBusinessArgs => "商业论点", "business args";
    CPoliticalArgs => "政治论点", "political args";
    CStep => "步骤", "step";
    COwner => "负责人", "owner";
    CDue => "期限", "due";
    TypedIn => "(手填)", "(typed in)";
    ContactsRole => "(联系人的角色)", "(contact's role)";
    Unticked => "☐", "☐";
    Ticked => "☑", "☑";
    NewCallPlan => "新建执行人员电话计划", "New executive call plan";
    EditCallPlan => "执行人员电话计划", "Executive call plan";
    NewPresentation => "新建演讲计划", "New presentation plan";
    EditPresentation => "演讲计划", "Presentation plan";
    PlanChecks => "计划检查", "Plan checks";
    PlanChecksNone => "没有提醒", "No warnings";
    PlanEditorKeys => "Tab/↑↓ 移动 · Ctrl-N 插入一行 · Ctrl-D 删除该行 · Alt-↑↓ 调整顺序 · Ctrl-P 打印 · Ctrl-S 保存 · Esc 关闭", "Tab/↑↓ move · Ctrl-N insert a row · Ctrl-D delete the row · Alt-↑↓ reorder · Ctrl-P print · Ctrl-S save · Esc close";
    PlanDoneLogs => "完成后自动记录一次{kind}", "When done, a {kind} is logged on the account";
    PlanVisitLogged => "已保存;已在客户上记录{kind}({date})", "Saved; a {kind} on {date} is logged on the account";
    PlanPrinted => "已写入 {path}", "Written to {path}";
    PlanNoSuchAccount => "该计划的客户已不存在或在回收站中", "This plan's account is gone or in the trash";
    ViewUpcoming => "即将进行", "Upcoming";
    ViewPastDue => "已过期", "Past due";
    ViewDone => "已完成", "Done";
    ViewAll => "全部", "All";
    HPlanDate => "日期", "Date";
    HPlanTime => "时间", "Time";
    HPlanAccount => "客户", "Account";
    HPlanOpportunity => "销售机会", "Opportunity";
    HPlanStatus => "状态", "Status";
    HPlanChecks => "提醒", "Checks";
    PlanStatusPastDue => "过期", "past due";
    PlansEmpty => "这一视图中没有计划。按 n 选客户新建;在客户详情中也可按 c 新建电话计划、按 p 新建演讲计划。", "No plans in this view. n picks an account for a new one; on an account's detail, c starts a call plan and p a presentation.";
    KPlanViews => "切换视图:即将进行 / 已过期 / 已完成 / 全部", "switch view: upcoming / past due / done / all";
    KPlanOpen => "打开所选计划", "open the selected plan";
    KPlanPrint => "打印为 Markdown 文件", "print to a Markdown file";
    KPlanNew => "新建计划:先选择客户(客户详情中按 c / p 亦可)", "new plan: pick its account (or c / p on an account)";
    KPlanRows => "表单:插入 / 删除 / 移动一行", "form: insert / delete / move a row";
    KStartCall => "为该客户新建电话计划", "start a call plan for this account";
    KStartPresentation => "为该客户新建演讲计划", "start a presentation for this account";
    BadTime => "时间格式应为 HH:MM", "Time must be HH:MM";
    DraftTitle => "上次未保存的表单", "A form kept from last time";
    DraftBody => "kam 上次停止时,表单「{form}」还没有保存({at})。", "kam stopped while the form \"{form}\" was open and unsaved ({at}).";
    DraftKeys => "Enter 恢复并继续编辑 · d 丢弃 · Esc 稍后再说", "Enter restores it to go on · d discards it · Esc decides later";
    StatusReadOnly => "只读:可以查看,不能保存", "READ-ONLY: view only, nothing can be saved";
    SaveReadOnly => "没有保存:{path} 是只读的(文件、文件夹或磁盘)。表单里的内容还在;把文件复制到可写的文件夹后再编辑。", "Not saved: {path} is read-only (the file, its folder or its disk). The form keeps what you typed; copy the file to a writable folder to edit.";
    SaveDiskFull => "没有保存 {change}:磁盘已满({path})。表单里的内容还在,文件保持原样;腾出空间后再按 Ctrl-S。", "Not saved: {change}: the disk is full ({path}). The form keeps what you typed and the file is as before; free some space and press Ctrl-S again.";
    SaveBusy => "没有保存:另一个程序一直锁着 {path}。表单里的内容还在;稍后再按 Ctrl-S。", "Not saved: another program kept {path} locked. The form keeps what you typed; press Ctrl-S again in a moment.";
    InternalStop => "kam 因内部错误停止(没有打开的表单需要保存)", "kam stopped on an internal error (no open form to keep)";
    DraftKept => "kam 因内部错误停止;打开的表单已保存为草稿 {path},下次启动时可恢复", "kam stopped on an internal error; the open form is kept as a draft in {path} and offered at the next start";
    PasteTooLong => "没有粘贴:这一栏最多 {max} 个字,粘贴的文字会超出;原来的内容不变", "paste refused: this field holds at most {max} characters and the pasted text would pass that; the field is as it was";
    QuitTitle => "退出 kam?", "Quit kam?";
    QuitBody => "表单「{form}」有未保存的修改。", "The form \"{form}\" has unsaved changes.";
    QuitKeys => "Ctrl-C 或 Enter 退出(表单保存为草稿,下次启动时可恢复)· 其他键 继续编辑", "Ctrl-C or Enter quits (the form is kept as a draft, offered at the next start) · any other key goes back to the form";
    QuitKeysDrop => "Ctrl-C 或 Enter 退出(这张表单不能存为草稿,修改会丢失)· 其他键 继续编辑", "Ctrl-C or Enter quits (this form cannot be kept as a draft: the changes are lost) · any other key goes back to it";
    QuitDraftKept => "打开的表单已保存为草稿 {path},下次启动时可恢复", "the open form is kept as a draft in {path} and offered at the next start";
    QuitDraftFailed => "没有退出:表单无法保存为草稿({path}),内容还在;先按 Ctrl-S 保存或按 Esc 放弃", "Not quitting: the form could not be kept as a draft ({path}) and is still open; save it with Ctrl-S or drop it with Esc first";
    SignalStop => "kam 收到 {signal} 而停止", "kam stopped on {signal}";
    SignalDraftKept => "kam 收到 {signal} 而停止;打开的表单已保存为草稿 {path},下次启动时可恢复", "kam stopped on {signal}; the open form is kept as a draft in {path} and offered at the next start";
    WorkerStop => "kam 因读取数据的后台线程出错而停止:{error}", "kam stopped: the thread reading the file failed: {error}";
    LiveRefreshed => "文件已被其他程序修改:列表已重新读取", "the file was changed by another program: the list is read again";
    PlanIdBad => "“{id}”不是计划 ID:请输入 kam plan list 或工作台显示的 ID(末 8 位,或任意至少 4 位的开头或结尾)", "{id} is not a plan id: type the id kam plan list or the workbench shows (its last 8 characters, or any beginning or end of 4 or more)";
    PlanIdAmbiguous => "有多个计划的 ID 以“{id}”开头或结尾({ids}),请多输入几位", "more than one plan's id begins or ends with {id} ({ids}); type a few more characters";
    PlanListEmpty => "还没有电话计划或演讲计划;在工作台的第 2、3 页按 n 新建", "No call plans or presentations yet; press n on tab 2 or 3 of the workbench to make one";
    PlanListId => "ID", "Id";
    PlanListKind => "类型", "Kind";
    PlanListCall => "电话计划", "Call plan";
    PlanListPresentation => "演讲计划", "Presentation";
    PlanListAccount => "客户", "Account";
    PlanListWhat => "机会", "Opportunity";
    PlanNotFound => "没有 ID 为“{id}”的电话计划或演讲计划(或已在回收站中)", "No call plan or presentation with id {id} (or it is in the trash)";
    TodayMoreExpand => "…… 另有 {n} 条(Enter 展开)", "… and {n} more (Enter shows them)";
    KTodayExpand => "展开/收起所在的一节", "show all / fewer rows of the section";
    ReportUnknownRep => "没有名为“{rep}”的大客户专员:不是任何客户的负责人,没有考核目标,也没有拜访记录。已知的专员:{known}", "no rep named '{rep}': owner of no account, no targets and no visits by them. Known reps: {known}";
    ReportNoGrade => "不评等级", "no grade";
    EvalScoreNoGrade => "得分 {score}(仅按 {scored}/{total} 的权重)· 有输入的权重不足一半,不评等级", "Score {score} (on {scored} of {total} weight points) · under half the weight has its inputs: no grade";
    // ---- the ledger, visits, major changes and feedback (#18) ----
    SecFeedback => "意见反馈", "Feedback";
    RowCollection => "回款", "Paid";
    RowVisitContact => "联系人", "Contact";
    FCollectionAmount => "金额", "Amount";
    EditOrder => "修改订单", "Edit the order";
    EditVisit => "修改拜访/联系记录", "Edit the visit or contact";
    NewEvent => "记录重大异动", "Record a major change";
    EditEvent => "修改重大异动", "Edit the major change";
    NewFeedback => "记录意见反馈", "Record feedback";
    EditFeedback => "修改意见反馈", "Edit the feedback";
    FEventDescription => "异动情况", "What changed";
    FFollowUp => "跟进措施", "Follow-up";
    FFeedbackContent => "反馈内容", "What they said";
    FHandling => "处理情况", "Handling";
    FClosed => "已处理完毕", "Closed";
    CollectionOverOwed => "超过应收:此笔最多 {left}", "more than is owed: at most {left} on this row";
    CollectionNeedsBoth => "回款需要日期和金额", "a collection needs a date and an amount";
    OrderCollected => "已收 {collected} · 未收 {owed}", "collected {collected} · owed {owed}";
    OrderNoCollections => "尚无回款", "nothing collected yet";
    VisitNext => "下一步:{step}({date})", "next: {step} ({date})";
    VisitWith => "联系人:{names}", "with: {names}";
    ScorecardTitle => "客户评分卡", "Scorecard";
    ScorecardHeader => "评选标准                        权重  得分", "Criterion                       weight score";
    ScorecardResult => "得分率 {pct}%({points}/{possible})· {class}", "{pct}% ({points} of {possible}) · class {class}";
    ScorecardNone => "尚未评分:至少给一项打分(1–10)", "no scores yet: score at least one criterion (1–10)";
    ScorecardKeys => "↑↓ 选择 · 1–9 打分(0 为 10)· ←→ 减/加 · 空格 清除 · Ctrl-S 保存 · Esc 关闭", "↑↓ select · 1–9 score (0 is 10) · ←→ down/up · Space clears · Ctrl-S save · Esc close";
    FClass => "A/B/C 分类", "A/B/C class";
    ClassScorecard => "评分卡 {class}({pct}%)", "scorecard {class} ({pct}%)";
    ClassNoScores => "评分卡:未评分(按 s 评分)", "scorecard: not scored (s scores it)";
    ClassPareto => "二八法则 {class}", "Pareto {class}";
    TodayParetoBar => "二八 {class}", "80/20 {class}";
    TodayCardBar => "评分 {class}", "card {class}";
    PickerTitleCall => "新建电话计划:选择客户", "New call plan: pick the account";
    PickerTitlePresentation => "新建演讲计划:选择客户", "New presentation: pick the account";
    PickerFilter => "筛选", "Filter";
    PickerNothing => "没有符合的客户", "no account matches";
    PickerNoAccounts => "还没有客户:先在客户档案(1)按 n 新建", "no accounts yet: press n on the Accounts tab (1) to add one";
    PickerMore => "共 {n} 个,继续输入以缩小", "{n} found, type more to narrow";
    PickerKeys => "输入筛选 · ↑↓ 选择 · Enter 确定 · Esc 取消", "type to filter · ↑↓ pick · Enter confirm · Esc cancel";
    PickerFailed => "未能打开新计划", "the new plan could not be opened";
    KTextSearch => "全文搜索(拜访、备注、计划…)", "search what was written (visits, notes …)";
    TsTitle => "全文搜索", "Search what was written";
    TsQuery => "搜索", "Search";
    TsSearching => "搜索中…", "searching…";
    TsHint => "输入记得的几个词(空格分隔,须出现在同一条记录里)", "type a few words you remember (all in one record)";
    TsNothing => "没有记录包含这些词", "no record holds these words";
    TsFound => "找到 {n} 条", "{n} found";
    TsMore => "只列出前 {n} 条,再输入一个词以缩小", "only the first {n} are listed: type another word to narrow";
    TsKeys => "输入搜索 · ↑↓ 选择 · Enter 打开 · Esc 关闭", "type to search · ↑↓ pick · Enter open · Esc close";
    ScoredBy => "能力与态度评分由 {who} 于 {date} 录入", "ability and attitude scored by {who} on {date}";
    SelfAssessed => "能力与态度为 {who} 的自评(不是主管评分),{date} 录入", "ability and attitude are {who}'s self-assessment (not the supervisor's), entered {date}";
    HistInsert => "新建", "created";
    HistUpdate => "修改", "changed";
    HistDelete => "删除", "deleted";
    HistRestore => "恢复", "restored";
    HistPurge => "永久删除", "purged";
    HistErase => "抹去个人信息", "erased";
    HistDemo => "填入演示数据", "filled with demo data";
    HistExport => "导出", "exported";
    HistPrint => "打印", "printed";
    KScorecard => "客户评分卡(A/B/C)", "the account's scorecard (A/B/C)";
    TodaySecNextSteps => "到期的下一步", "Next steps due";
    TodaySecComplaints => "未处理完的投诉", "Open complaints";
    TodayDueToday => "今天", "today";
    RowsFull => "此表最多 {max} 行", "this table holds at most {max} rows";
    KSectionNew => "在本分区新建一条记录", "new record in this section";
    KSectionEdit => "编辑所选记录", "edit the selected record";
    KSectionDelete => "把所选记录删到回收站(需填原因)", "move the selected record to the trash (asks a reason)";
    KSectionMove => "选择记录", "select a record";
    KDeleteAccount => "删除客户到回收站(需填原因)", "delete the account to the trash (asks a reason)";
    KRows => "表单:Ctrl-N 加一行 · Ctrl-D 删除该行", "form: Ctrl-N adds a row · Ctrl-D removes it";
    // ---- call plans: the full pre-visit checklist (#19) ----
    FPrepState => "准备:状态", "Prep: in good form";
    FPrepAppearance => "准备:仪表", "Prep: appearance";
    FPrepNotebook => "准备:记录本", "Prep: notebook";
    FPrepValue => "准备:能提供什么价值", "Prep: what value we offer";
    FPrepDifferent => "准备:与他人有何不同", "Prep: how we differ";
    SheetAccountScores => "客户评分", "account scores";
    SheetAccountArchive => "客户档案条目", "account archive";
    SheetContactResponsibilities => "联系人职责", "contact responsibilities";
    SheetContactBehaviours => "联系人行为", "contact behaviours";
    SheetOrderCollections => "订单回款", "order collections";
    SheetVisitContacts => "拜访联系人", "visit contacts";
    SheetCallPlanCustomers => "电话计划-客户参与者", "call plan customers";
    SheetCallPlanOurs => "电话计划-我方参与者", "call plan our people";
    SheetCallPlanInfluence => "电话计划-影响", "call plan influence";
    SheetCallPlanIntroduction => "电话计划-介绍问题", "call plan introduction";
    SheetCallPlanCommitments => "电话计划-承诺", "call plan commitments";
    SheetPresentationParticipants => "演讲计划-参与者", "presentation participants";
    SheetPresentationSteps => "演讲计划-行动步骤", "presentation steps";
    SheetVipRecommended => "VIP 推荐款式", "VIP recommended";
    SheetVipObjections => "VIP 顾客异议", "VIP objections";
    SheetVipReRecommended => "VIP 再次推荐", "VIP recommended again";
    SheetVipResolutions => "VIP 解决方法", "VIP resolutions";
    SheetVipHandovers => "VIP 交接记录", "VIP handovers";
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

/// The Chinese header of an exported column, by its snake_case name; the
/// English header is the name itself. `None` for a column with no label
/// (a test keeps every exported column labelled).
/// A kind of record in the change log, in the catalogue's words (`None`
/// for a line that is not about one kind, such as a demo fill).
pub fn kind_label(kind: &str) -> Option<T> {
    Some(match kind {
        "account" => T::KindAccount,
        "contact" => T::KindContact,
        "order" => T::KindOrder,
        "visit" => T::KindVisit,
        "change_event" => T::KindChangeEvent,
        "feedback" => T::KindFeedback,
        "call_plan" => T::KindCallPlan,
        "presentation" => T::KindPresentation,
        "vip_card" => T::KindVipCard,
        "target" => T::KindTarget,
        "export" => T::KindExport,
        "print" => T::KindPrint,
        _ => return None,
    })
}

/// The name of an exported table in the catalogue's words, for a sheet of
/// the workbook (`None` for a table that is not exported).
pub fn table_label(table: &str) -> Option<T> {
    Some(match table {
        "accounts" => T::KindAccount,
        "contacts" => T::KindContact,
        "orders" => T::KindOrder,
        "visits" => T::KindVisit,
        "change_events" => T::KindChangeEvent,
        "feedback" => T::KindFeedback,
        "call_plans" => T::KindCallPlan,
        "presentations" => T::KindPresentation,
        "vip_cards" => T::KindVipCard,
        "targets" => T::KindTarget,
        "account_scores" => T::SheetAccountScores,
        "account_archive" => T::SheetAccountArchive,
        "contact_responsibilities" => T::SheetContactResponsibilities,
        "contact_behaviours" => T::SheetContactBehaviours,
        "order_collections" => T::SheetOrderCollections,
        "visit_contacts" => T::SheetVisitContacts,
        "call_plan_customers" => T::SheetCallPlanCustomers,
        "call_plan_ours" => T::SheetCallPlanOurs,
        "call_plan_influence" => T::SheetCallPlanInfluence,
        "call_plan_introduction" => T::SheetCallPlanIntroduction,
        "call_plan_commitments" => T::SheetCallPlanCommitments,
        "presentation_participants" => T::SheetPresentationParticipants,
        "presentation_steps" => T::SheetPresentationSteps,
        "vip_recommended" => T::SheetVipRecommended,
        "vip_objections" => T::SheetVipObjections,
        "vip_re_recommended" => T::SheetVipReRecommended,
        "vip_resolutions" => T::SheetVipResolutions,
        "vip_handovers" => T::SheetVipHandovers,
        _ => return None,
    })
}

/// A column's Chinese header in a given table: where one column name means
/// different things in different tables (a commitment's `by` is its
/// deadline, not who visited), the table's own word.
pub fn column_zh_in(table: &str, column: &str) -> Option<&'static str> {
    // The label declared with the record's field, which its form shows:
    // the screen, the export's header and the history say the same word.
    let kind = crate::store::RecordKind::ALL.iter().find(|k| k.table() == table);
    if let Some(f) = kind.and_then(|k| k.fields().iter().find(|f| f.name == column)) {
        return Some(f.label.zh);
    }
    if let Some(t) = kind.and_then(|k| crate::tui::editors::field_label(k.key(), column)) {
        return Some(t.get(Lang::Zh));
    }
    // A plan's table: the label its rows show.
    if let Some(t) = crate::tui::editors::row_label(table, column) {
        return Some(t.get(Lang::Zh));
    }
    match (table, column) {
        // As the scorecard's heading says (评估项 before).
        ("account_scores", "criterion") => Some("评选标准"),
        _ => column_zh_before(table, column),
    }
}

/// A column's Chinese header as exports before the form's labels wrote it:
/// a merge still reads those files.
pub fn column_zh_before(table: &str, column: &str) -> Option<&'static str> {
    match (table, column) {
        ("call_plan_commitments", "by") => Some("期限"),
        ("account_scores", "criterion") => Some("评估项"),
        // A customer's role on a call is their buying role; ours is free text.
        ("call_plan_customers", "role") => Some("购买角色"),
        ("call_plan_ours", "role") => Some("角色"),
        ("vip_objections", "text") => Some("顾客异议"),
        ("vip_resolutions", "text") => Some("解决方法"),
        _ => column_zh(column),
    }
}

/// A discount rate in words: 9.5折 / 不打折 in Chinese, 5% off / full list
/// price in English.
pub fn rate_in_words(rate: kam_rules::Rate, lang: Lang) -> String {
    use kam_rules::Rate;
    match lang {
        Lang::Zh => rate.zhe(),
        Lang::En if rate == Rate::FULL => T::FullPrice.get(lang).to_string(),
        Lang::En => {
            let off = Rate::FULL.bp() - rate.bp();
            let pct = format!("{}.{:02}", off / 100, off % 100);
            T::PercentOff.fill(lang, &[("pct", pct.trim_end_matches('0').trim_end_matches('.'))])
        }
    }
}

/// A column of `field_clocks.csv` in Chinese.
pub fn clock_column_zh(column: &str) -> Option<&'static str> {
    Some(match column {
        "table" => "表",
        "record_id" => "记录ID",
        "field" => "字段",
        "at" => "修改时间",
        "who" => "修改人",
        "base" => "基于的修改时间",
        _ => return None,
    })
}

/// A column of `deletions.csv` in Chinese.
pub fn deletion_column_zh(column: &str) -> Option<&'static str> {
    Some(match column {
        "kind" => "记录类型",
        "record_id" => "记录ID",
        "deleted_at" => "删除时间",
        "deleted_by" => "删除人",
        "reason" => "删除原因",
        "seen" => "删除方所见最新修改",
        _ => return None,
    })
}

pub fn column_zh(column: &str) -> Option<&'static str> {
    Some(match column {
        "ability" => "工作能力评分",
        "accessories" => "名贵装饰",
        "account_executive" => "帐目执行人员",
        "account_id" => "客户ID",
        "address" => "地址",
        "age" => "年龄",
        "agenda" => "议程",
        "amount" => "金额",
        "approval" => "审批",
        "assistant" => "行政助手",
        "attitude" => "工作态度评分",
        "background" => "先前的工作/公司/背景",
        "behaviour" => "行为",
        "birth_date" => "出生日期",
        "business_arguments" => "商业论点",
        "business_value" => "商业价值",
        "buying_role" => "购买角色",
        "by" => "拜访人",
        "by_manager" => "管理层拜访",
        "call_date" => "通话日期",
        "call_time" => "通话时间",
        "category" => "类别",
        "closed" => "已结案",
        "company" => "公司",
        "company_size" => "公司规模",
        "complaint" => "投诉",
        "consent" => "同意授权",
        "consent_date" => "授权日期",
        "contact_id" => "联系人ID",
        "content" => "内容",
        "created_at" => "创建时间",
        "credit_limit" => "信用额度",
        "criteria_business" => "决策标准(商业)",
        "criteria_technical" => "决策标准(产品和技术)",
        "criterion" => "评估项",
        "date" => "日期",
        "time" => "时间",
        "description" => "描述",
        "discount_rate" => "折扣率",
        "done" => "已完成",
        "due" => "期限",
        "due_date" => "到期日",
        "customer_since" => "交往时间",
        "education" => "教育程度",
        "email" => "电子邮件",
        "employer" => "雇主",
        "expected_result" => "预计的结果",
        "expense_actual" => "实际销售费用",
        "expense_budget" => "销售费用预算",
        "fab" => "FAB(特征·优势·利益)",
        "fax" => "传真",
        "follow_up" => "跟进",
        "from" => "交出人",
        "from_whom" => "反馈人",
        "handling" => "处理",
        "how" => "如何影响",
        "id" => "ID",
        "image_path" => "图片路径",
        "industry" => "行业",
        "item" => "商品",
        "kind" => "类型",
        "listed" => "上市",
        "location" => "位置",
        "manager" => "管理者",
        "manager_assessment" => "管理者的估计/推荐",
        "material" => "材质",
        "name" => "名称",
        "next_contact" => "下次跟进日期",
        "name_title" => "名字/头衔",
        "need" => "需要知道什么",
        "net_amount" => "折后金额",
        "next_date" => "下次联系日期",
        "next_step" => "下一步",
        "note" => "交接说明",
        "notes" => "备注",
        "objective" => "目的",
        "observed_on" => "观察日期",
        "obstacles" => "竞争的观点或障碍",
        "opportunity" => "销售机会",
        "owner" => "负责人",
        "parent_id" => "所属记录ID",
        "payment" => "付款方式",
        "payment_terms" => "付款条件",
        "period" => "考核期",
        "personal_agenda" => "个人议程",
        "personality" => "个性/风格/兴趣",
        "phone" => "电话",
        "photo_path" => "照片路径",
        "planned_collection" => "计划回款额",
        "planned_sales" => "计划销售额",
        "scored_by" => "评分录入人",
        "scored_on" => "评分录入日期",
        "political_arguments" => "政治论点",
        "political_strategy" => "政治策略",
        "political_value" => "政治/个人价值",
        "pos" => "序号",
        "position" => "职位",
        "prep_business_cards" => "准备:名片",
        "prep_evidence" => "准备:数据和证据",
        "prep_materials" => "准备:资料",
        "prep_proposal" => "准备:标准方案",
        "prep_why_answer" => "准备:“我为什么要花时间见你?”",
        "price_range" => "价位",
        "promotion" => "其他促销",
        "purpose" => "拜访目的",
        "question" => "问题",
        "reason" => "原因",
        "received_by" => "接待人",
        "recent" => "最近的决策/项目/成就",
        "reception_summary" => "接待总结",
        "region" => "地区",
        "registered_capital" => "注册资金",
        "rep" => "大客户专员",
        "reports_to" => "向谁报告",
        "resources" => "所需资源和预先的准备",
        "responsibility" => "责任",
        "role" => "职务",
        "sales_rep" => "销售人员",
        "salutation" => "称呼",
        "satisfaction" => "满意度",
        "score" => "评分",
        "secretary" => "秘书",
        "short_name" => "简称",
        "social_style" => "社交风格",
        "spouse" => "配偶",
        "status" => "状态",
        "step" => "行为步骤",
        "store" => "门店",
        "style" => "款式",
        "summary" => "摘要",
        "supporter_assessment" => "支持者的估计/推荐",
        "team_suggestions" => "团队建议",
        "text" => "职责",
        "tier_override" => "手动等级",
        "tier_override_reason" => "手动等级原因",
        "title" => "头衔",
        "to" => "接手人",
        "traits" => "其他特征",
        "updated_at" => "更新时间",
        "updated_by" => "更新人",
        "usage" => "用途/场合",
        "vehicle" => "座驾",
        "version" => "版本",
        "view" => "可影响的观点",
        "visit_date" => "来店日期",
        "visit_time" => "来店时间",
        "website" => "网址",
        "what" => "事项",
        "what_happened" => "实际发生的通话事件",
        "who" => "谁",
        "why" => "为什么",
        "prep_state" => "准备:状态",
        "prep_appearance" => "准备:仪表",
        "prep_notebook" => "准备:记录用的本子",
        "prep_value_answer" => "准备:“你能提供什么对我有价值的服务?”",
        "prep_different_answer" => "准备:“你和我见过的其他人有什么不同?”",
        _ => return None,
    })
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
    fn no_english_words_in_chinese() {
        // What a Chinese string may hold in Latin letters: keys, commands,
        // flags and values a user types, and the names of formats and files.
        const ALLOWED: &[&str] = &[
            "Alt",
            "CSV",
            "Ctrl",
            "Enter",
            "Esc",
            "Excel",
            "FAB",
            "GBK",
            "GIF",
            "JPEG",
            "JSON",
            "KAM_HUB",
            "KAM_PASSPHRASE_FILE",
            "KAM_NEW_PASSPHRASE_FILE",
            "LANG",
            "Markdown",
            "PNG",
            "PEM",
            "PostgreSQL",
            "Shift",
            "TLS",
            "Tab",
            "UTF",
            "UUID",
            "VIP",
            "WebP",
            "YYYY",
            "account",
            "accounts",
            "add",
            "all",
            "pending",
            "build",
            "cargo",
            "cash",
            "check",
            "config",
            "contact",
            "contacts",
            "credit",
            "csv",
            "damaged",
            "discount",
            "encryption",
            "erase",
            "export",
            "false",
            "features",
            "files",
            "fold",
            "force",
            "from",
            "gold",
            "help",
            "hub",
            "import",
            "init",
            "json",
            "kam",
            "key",
            "forget",
            "change",
            "remember",
            "kind",
            "list",
            "manager",
            "manifest",
            "masked",
            "plan",
            "platinum",
            "postgresql",
            "print",
            "reason",
            "release",
            "remove",
            "rep",
            "report",
            "restore",
            "role",
            "rules",
            "schema_version",
            "scores",
            "silver",
            "since",
            "skip",
            "bad",
            // what a hub's connection string and postgresql.conf hold (TLS, #23)
            "disable",
            "require",
            "ssl",
            "sslmode",
            "sslrootcert",
            "connect_timeout",
            "crt",
            "staff",
            "store",
            "sync",
            "tier",
            "today",
            "toml",
            "true",
            "unmask",
            "until",
            "user",
            "vip",
            "wal",
        ];
        for t in T::ALL {
            let mut text = t.zh().to_string();
            // Slots are filled with the user's words.
            while let (Some(a), Some(b)) = (text.find('{'), text.find('}')) {
                if b < a {
                    break;
                }
                text.replace_range(a..=b, " ");
            }
            for word in text.split(|c: char| !c.is_ascii_alphabetic() && c != '_') {
                assert!(
                    word.len() < 3 || ALLOWED.contains(&word),
                    "{t:?} speaks English under zh: {word:?} in {:?}",
                    t.zh()
                );
            }
        }
    }

    #[test]
    fn fill_replaces_slots() {
        assert_eq!(T::RulesOk.fill(Lang::En, &[("path", "a.toml")]), "a.toml: the rules file is valid");
    }
}
