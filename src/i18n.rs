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
    RulesInForce => "# 当前生效的规则({source})", "# Rules in force ({source})";
    RulesBuiltIn => "内置默认值", "built-in defaults";
    RulesUserFile => "{path} 覆盖内置默认值", "{path} over the built-in defaults";
    BadAmount => "--{flag}:{detail}", "--{flag}: {detail}";
    BadTier => "--tier:未知等级“{given}”,可用:silver 银牌、gold 金牌、platinum 白金", "--tier: unknown tier '{given}': use silver, gold or platinum (银牌, 金牌, 白金)";
    FixRulesHint => "修改该文件,或删除它以使用内置规则;`kam rules` 打印完整的规则供参考", "fix the file, or remove it to use the built-in rules; `kam rules` prints the complete rules to start from";
    BadDay => "--{flag}:“{given}”不是日期,请写成 2026-11-23", "--{flag}: '{given}' is not a date: write it as 2026-11-23";
    BadRange => "--since {since} 晚于 --until {until}", "--since {since} is after --until {until}";
    UnmaskManagerOnly => "--unmask 仅限经理角色:在 config.toml 中设置 role = \"manager\"", "--unmask is for the manager role: set role = \"manager\" in config.toml";
    Exported => "已导出 {rows} 行到 {dir}", "Exported {rows} rows to {dir}";
    ExportMasked => "电话、出生日期、配偶和座驾已遮盖(经理可用 --unmask)", "Phones, birth dates, spouses and vehicles are masked (a manager may use --unmask)";
    ImportKindUnknown => "{path}:无法从文件名判断记录类型,请加 --kind accounts 或 --kind contacts", "{path}: cannot tell the kind of records from the file name: add --kind accounts or --kind contacts";
    ImportDuplicateRow => "第 {row} 行与已有记录重复:{matched}({action})", "row {row} duplicates {matched} ({action})";
    ImportIgnored => "未使用的列:{columns}", "columns not used: {columns}";
    ImportCounts => "新增 {new},更新 {updated},重复 {duplicate},拒绝 {rejected}", "new {new}, updated {updated}, duplicate {duplicate}, rejected {rejected}";
    ImportBadCell => "第 {row} 行,列 {column}:{message}", "row {row}, column {column}: {message}";
    ImportRejectsWritten => "被拒绝的行及原因已写入 {path}", "rejected rows with their reasons written to {path}";
    ImportRefused => "{rejected} 行有误,整个文件未导入,没有任何改动({counts})", "rows with errors: {rejected}; nothing was imported and nothing changed ({counts})";
    ImportRefusedHint => "改正这些行后重新导入,或加 --skip-bad 导入其余的行", "fix those rows and import again, or add --skip-bad to import the other rows";
    DryRun => "试运行,未做任何改动:", "Dry run, nothing changed:";
    MergeRefused => "{n} 行有误,未合并任何内容", "rows with errors: {n}; nothing was merged";
    MergeCounts => "{kind}:新增 {inserted},更新 {updated},相同 {same},保留本机较新 {kept}", "{kind}: inserted {inserted}, updated {updated}, same {same}, kept ours (newer) {kept}";
    MergeConflict => "冲突:{kind} {id} 本机 {ours} 较新,保留本机版本(对方 {theirs})", "conflict: {kind} {id} changed here at {ours}, later than theirs at {theirs}: ours kept";
    MergeMasked => "该导出已遮盖个人信息:电话、出生日期、配偶和座驾保留本机数据", "the export was masked: phones, birth dates, spouses and vehicles were left as they are here";
    ReportNoReps => "没有大客户专员:没有客户的负责人,也没有考核目标记录", "no reps: no account has an owner and there is no targets record";
    ReportHeader => "{rep} · {period} · 得分 {score} · {grade}", "{rep} · {period} · score {score} · {grade}";
    ReportSupervisor => "工作能力 {ability} · 工作态度 {attitude}(主管评分,0–100)", "ability {ability} · attitude {attitude} (supervisor's scores, 0–100)";
    ReportPartial => "仅按 {scored}/{total} 的权重计分;缺少:{missing}", "scored on {scored} of {total} weight; missing: {missing}";
    ReportDue => "考核截止日期:{due}", "evaluation due by {due}";
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
    TabAccounts => "客户档案", "Accounts";
    TabCallPlans => "电话计划", "Call plans";
    TabPresentations => "演讲计划", "Presentations";
    TabVip => "VIP 来客卡", "VIP cards";
    TabToday => "今日", "Today";
    NotBuiltYet => "此标签页尚未构建。", "This tab is not built yet.";
    ComingCallPlans => "这里将是执行人员电话计划:计划中与已完成的拜访电话,含目标、议程、影响力与介绍问题、事后总结和计划检查。", "Here will be the executive call plans, planned and done: objective, agenda, influence and introduction questions, the summary after the call, and the plan checks.";
    ComingPresentations => "这里将是演讲计划:目标客户、日期、目标、议程、客户参与者及其购买角色和论点,以及倒推的行动步骤。", "Here will be the presentation plans: target account, date, objective, agenda, customer participants with their buying roles and arguments, and the action steps worked backwards.";
    ComingVip => "这里将是门店的 VIP 来客卡:几分钟内登记来客、按电话后几位或特征认出老客户、推荐与异议记录,以及交接记录。", "Here will be the store's VIP visitor cards: fill a card in a minute or two, recognise a returning VIP by a few phone digits or a trait, recommendations and objections, and the handover log.";
    ComingToday => "这里将是今天的工作:逾期未拜访和未联系的客户、到期的电话与演讲、7 天内生日的联系人、计划检查提醒、今日改动、触发降级的应收款、等级与 A/B/C 分布,以及日终导出。", "Here will be the rep's day: overdue visits and contacts, calls and presentations due, birthdays in the next 7 days, plan-check warnings, today's changes, receivables that trigger a downgrade, tier and A/B/C distribution, and the day-end export.";
    ComingKeys => "按 1 回到客户档案,? 查看按键,q 退出。", "Press 1 for the accounts, ? for the keys, q to quit.";
    StatusUser => "用户", "user";
    StatusUnexported => "本次未导出的改动 {n}", "unexported changes {n}";
    StatusHelp => "? 按键", "? keys";
    Filter => "筛选", "filter";
    FilterHint => "按 / 输入名称、拼音首字母、全拼或电话号码", "press / and type a name, pinyin initials, full pinyin or phone digits";
    ListCount => "{n} 条 · {ms} 毫秒", "{n} rows · {ms} ms";
    ListReading => "正在读取…", "reading…";
    ListSorting => "正在排序…", "sorting…";
    ColName => "客户名称", "Name";
    ColTier => "等级", "Tier";
    ColAbc => "ABC", "ABC";
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
    FVisitKind => "方式", "Kind";
    FContact => "联系人", "Contact";
    FByManager => "经理级拜访", "By a manager";
    FPurpose => "目的", "Purpose";
    FSummary => "内容摘要", "Summary";
    FNextStep => "下一步", "Next step";
    FNextDate => "下一步日期", "Next step date";
    FListAmount => "订货金额(牌价)", "List amount";
    FPromotion => "已享其他促销", "Other promotion";
    FDueDate => "应收到期日", "Due date";
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
    ContactsFound => "匹配的联系人(Enter 打开其所在客户的个人档案)", "Contacts found (Enter on their account opens the profile)";
    SecCompany => "公司资料", "Company";
    SecContacts => "联系人", "Contacts";
    SecOrders => "订单与应收", "Orders & receivables";
    SecVisits => "拜访记录", "Visits";
    SecEvents => "重大异动与反馈", "Changes & feedback";
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
    NothingYet => "暂无记录。", "Nothing recorded yet.";
    NoContacts => "还没有联系人。按 n 新建联系人(个人档案)。", "No contacts yet. Press n to add one (a personal profile).";
    PoliticalMap => "政治地图(汇报关系)", "Political map (reports to)";
    Nobody => "无人担任", "nobody";
    OrdersHeader => "日期        订货金额        付款   折扣  折后金额        到期日      未收", "date        amount          pay.   rate  net             due         owed";
    FeedbackHeader => "意见反馈", "Feedback";
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
    FTierOverride => "手动等级", "Tier override";
    FTierReason => "手动等级原因", "Override reason";
    FCreditLimit => "信用额度", "Credit limit";
    FPaymentTerms => "付款条件", "Payment terms";
    FNotes => "备注", "Notes";
    FPersonName => "姓名", "Name";
    FTitle => "职务", "Title";
    FEmail => "电子邮件", "Email";
    FBirthDate => "出生日期", "Birth date";
    FSocialStyle => "社交风格", "Social style";
    FBuyingRole => "购买角色", "Buying role";
    FReportsTo => "汇报对象", "Reports to";
    FPersonality => "个性/风格/爱好", "Personality";
    FAgenda => "个人目标", "Personal agenda";
    FCompany => "公司", "Company";
    FFax => "传真", "Fax";
    FEducation => "教育程度", "Education";
    FSpouse => "配偶", "Spouse";
    FSecretary => "秘书", "Secretary";
    FEmployer => "雇主", "Employer";
    FBackground => "以往工作背景", "Background";
    FRecent => "近期决策成就", "Recent wins";
    FResponsibilities => "职责(;分隔)", "Duties (a; b)";
    FCriteriaTechnical => "技术决策标准", "Tech criteria";
    FCriteriaBusiness => "商业决策标准", "Biz criteria";
    FConsent => "同意存档", "Consent";
    FConsentDate => "同意日期", "Consent date";
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
    Settings => "设置(姓名、角色、语言)", "Settings (name, role, language)";
    Required => "必填", "required";
    BadDate => "日期写成 2026-11-22、today 或 +3d", "write the date as 2026-11-22, today or +3d";
    OverrideNeedsReason => "手动等级需要填写原因", "an override needs a reason";
    FixErrors => "请先改正标红的字段", "fix the fields marked in red first";
    DuplicatesFound => "可能重复:已有以下记录。再按 Ctrl-S 仍然保存,Esc 取消。", "Likely duplicates already saved: press Ctrl-S again to save anyway, Esc to cancel.";
    ConfirmDrop => "有未保存的改动:再按 Esc 放弃,按其他键继续编辑。", "Unsaved changes: Esc again drops them, any other key keeps editing.";
    FormKeys => "Tab/↓ 下一项 · Shift-Tab/↑ 上一项 · 多行项内 Enter 换行 · ←→ 选择 · Ctrl-S 保存 · Esc 关闭", "Tab/↓ next · Shift-Tab/↑ previous · Enter breaks a line in a text box · ←→ choose · Ctrl-S save · Esc close";
    SettingsKeys => "Ctrl-S 保存到 config.toml · Esc 保留默认值", "Ctrl-S saves to config.toml · Esc keeps the defaults";
    Saved => "已保存", "Saved";
    MovedToTrash => "已移入回收站(30 天内可恢复,按 t)", "Moved to the trash (restorable for 30 days: press t)";
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
    KTabs => "切换标签页", "switch tab";
    KFilter => "边输入边筛选(名称、拼音、电话)", "filter as you type (name, pinyin, phone)";
    KClearFilter => "清除筛选 / 返回", "clear the filter / go back";
    KMove => "在列表中移动", "move in the list";
    KOpen => "打开所选客户", "open the selected account";
    KNewAccount => "新建客户", "new account";
    KEdit => "编辑所选记录", "edit the selected record";
    KDelete => "删除到回收站(需填原因)", "delete to the trash (asks for a reason)";
    KSort => "切换排序列 / 反向", "next sort column / reverse";
    KTrash => "回收站(恢复)", "the trash (restore)";
    KSettings => "设置:姓名、角色、语言", "settings: name, role, language";
    KHelp => "本屏按键", "keys of this screen";
    KQuit => "退出", "quit";
    KSections => "切换分区", "switch section";
    KMoveDetail => "选择联系人 / 滚动", "select a contact / scroll";
    KEditAccount => "编辑客户(在联系人分区编辑联系人)", "edit the account (the contact in Contacts)";
    KEditContact => "打开联系人的个人档案", "open the contact's profile";
    KNewContact => "新建联系人", "new contact";
    KBack => "返回列表", "back to the list";
    KFormFields => "表单:下一项 / 上一项", "form: next / previous field";
    KChoice => "表单:在选项中选择", "form: pick from a list";
    KSave => "表单:保存", "form: save";
    KFormEsc => "表单:关闭(有改动时先询问)", "form: close (asks when changed)";
    // ---- call plans and presentations (tabs 2 and 3) ----
    PlanAccount => "目标帐目", "Target account";
    FOpportunity => "销售机会", "Opportunity";
    FAccountExecutive => "帐目执行人员", "Account executive";
    FLocation => "地点", "Location";
    FAssistant => "行政助手", "Assistant";
    FCallDate => "电话/拜访日期", "Call date";
    FCallTime => "时间", "Time";
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
    PlanNoAccount => "请先在客户档案中打开一个客户,按 c 新建电话计划,按 p 新建演讲计划", "Open an account on the Accounts tab first: c starts a call plan, p a presentation";
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
    PlansEmpty => "这一视图中没有计划。在客户详情中按 c 新建电话计划、按 p 新建演讲计划。", "No plans in this view. On an account's detail, c starts a call plan and p a presentation.";
    KPlanViews => "切换视图:即将进行 / 已过期 / 已完成 / 全部", "switch view: upcoming / past due / done / all";
    KPlanOpen => "打开所选计划", "open the selected plan";
    KPlanPrint => "打印为 Markdown 文件", "print to a Markdown file";
    KPlanNew => "新建计划(在客户详情中按 c / p)", "new plan (c / p on an account's detail)";
    KPlanRows => "表单:插入 / 删除 / 移动一行", "form: insert / delete / move a row";
    KStartCall => "为该客户新建电话计划", "start a call plan for this account";
    KStartPresentation => "为该客户新建演讲计划", "start a presentation for this account";
    KPhoneLog => "记录电话", "log a call";
    BadTime => "时间格式应为 HH:MM", "Time must be HH:MM";
    PlanNotFound => "没有 ID 为 {id} 的电话计划或演讲计划(或已在回收站中)", "No call plan or presentation with id {id} (or it is in the trash)";
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
        "description" => "描述",
        "discount_rate" => "折扣率",
        "done" => "已完成",
        "due" => "期限",
        "due_date" => "到期日",
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
    fn fill_replaces_slots() {
        assert_eq!(T::RulesOk.fill(Lang::En, &[("path", "a.toml")]), "a.toml: the rules file is valid");
    }
}
