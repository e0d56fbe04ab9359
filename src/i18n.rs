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
    FieldRequired => "必填", "required";
    FieldBadDate => "日期写成 2026-11-23、today 或 +3d", "write a date as 2026-11-23, today or +3d";
    FormConfirmDrop => "放弃未保存的修改?y 放弃,其他键继续编辑", "Drop the unsaved changes? y drops, any other key goes on editing";
    FormKeys => "Tab/↑↓ 换字段 · ←→/空格 选择 · Ctrl-S 保存 · Esc 关闭", "Tab/↑↓ field · ←→/Space choose · Ctrl-S save · Esc close";
    Yes => "是", "yes";
    No => "否", "no";
    TabAccounts => "客户档案", "Accounts";
    TabCallPlans => "电话计划", "Call plans";
    TabPresentations => "演讲计划", "Presentations";
    TabVip => "VIP 来客卡", "VIP cards";
    TabToday => "今日", "Today";
    NotBuiltCallPlans => "电话计划尚未构建。这里将是执行人员电话计划:目标客户、参与者、议程、影响和介绍表、通话总结与承诺。", "Call plans are not built yet. Here will be the executive call plans: target account, participants, agenda, influence and introduction rows, the summary and commitments.";
    NotBuiltPresentations => "演讲计划尚未构建。这里将是演讲计划:客户方参与者及其购买角色和论点,以及从结果倒推的行动步骤。", "Presentations are not built yet. Here will be the presentation plans: customer participants with their buying roles and arguments, and action steps worked back from the result.";
    NotBuiltVip => "VIP 来客卡尚未构建。这里将是门店的准VIP客户信息登记表:快速登记、按电话尾号识别回头客、交接。", "VIP cards are not built yet. Here will be the store's VIP visitor cards: quick capture, recognising a returning VIP by the last phone digits, handover.";
    NotBuiltToday => "今日页尚未构建。这里将是今天要做的事:逾期拜访和联系、到期的通话和演讲、生日、降级的应收账款和日终导出。", "Today is not built yet. Here will be the day's work: overdue visits and contacts, calls and presentations due, birthdays, downgrading receivables and the day-end export.";
    ColName => "名称", "Name";
    ColTier => "等级", "Tier";
    ColAbc => "分类", "ABC";
    ColAnnual => "年度订货量", "Annual volume";
    ColOwner => "负责人", "Owner";
    ColLastContact => "最近联系", "Last contact";
    ColFlags => "提醒", "Flags";
    FlagVisit => "拜访逾期", "visit due";
    FlagContact => "联系逾期", "contact due";
    FlagReceivable => "应收逾期", "receivable";
    FilterPrompt => "筛选", "Filter";
    NoAccounts => "没有客户。按 n 新建。", "No accounts. Press n to add one.";
    NoMatch => "没有匹配的客户。", "No account matches.";
    StatusFile => "文件", "File";
    StatusUser => "用户", "User";
    StatusKeys => "? 帮助 · q 退出", "? help · q quit";
    Saved => "已保存", "Saved";
    Deleted => "已移入回收站:{name}", "Moved to the trash: {name}";
    NewAccount => "新建客户", "New account";
    EditAccount => "编辑客户", "Edit account";
    NewContact => "新建联系人", "New contact";
    EditContact => "编辑个人档案", "Edit personal profile";
    DuplicateWarning => "可能重复:{names}。再按 Ctrl-S 仍然保存。", "Possible duplicate: {names}. Press Ctrl-S again to save anyway.";
    ConflictMessage => "别人已在你之后保存了这条记录(版本 {theirs})。你的输入仍在;按 Ctrl-S 以你的为准覆盖,Esc 放弃。", "Someone saved this record after you opened it (version {theirs}). Your typing is kept; Ctrl-S saves yours over it, Esc drops yours.";
    DeleteAsk => "删除“{name}”到回收站?请输入原因后按 Enter(Esc 取消)", "Delete \"{name}\" to the trash? Type a reason and press Enter (Esc cancels)";
    ReasonRequired => "请填写原因", "A reason is required";
    FirstRunTitle => "欢迎使用 kam", "Welcome to kam";
    FirstRunBody => "数据库是空的。按 d 填入虚构的演示数据,按 b 从空白开始。", "The database is empty. Press d to fill it with fictional demo data, or b to start blank.";
    Loading => "正在生成演示数据…", "Generating demo data…";
    HelpTitle => "按键", "Keys";
    SectionCompany => "公司资料", "Company";
    SectionContacts => "联系人", "Contacts";
    SectionOrders => "订单与应收", "Orders and receivables";
    SectionVisits => "拜访与联系", "Visits and contacts";
    SectionEvents => "重大异动与反馈", "Changes and feedback";
    SectionArchive => "档案", "Archive";
    SectionHistory => "修改记录", "History";
    TierReason => "等级依据", "Tier";
    Outstanding => "未收", "outstanding";
    NoneYet => "(无)", "(none)";
    ReportNoReps => "没有大客户专员:没有客户的负责人,也没有考核目标记录", "no reps: no account has an owner and there is no targets record";
    ReportHeader => "{rep} · {period} · 得分 {score} · {grade}", "{rep} · {period} · score {score} · {grade}";
    ReportSupervisor => "工作能力 {ability} · 工作态度 {attitude}(主管评分,0–100)", "ability {ability} · attitude {attitude} (supervisor's scores, 0–100)";
    ReportPartial => "仅按 {scored}/{total} 的权重计分;缺少:{missing}", "scored on {scored} of {total} weight; missing: {missing}";
    ReportDue => "考核截止日期:{due}", "evaluation due by {due}";
    HelpTabs => "切换标签页(列表中)", "switch tab (in a list)";
    HelpHelp => "本页按键", "keys of this screen";
    HelpMove => "在列表中移动", "move in the list";
    HelpFilter => "边输入边筛选:名称、拼音首字母或全拼、电话号码", "filter as you type: name, pinyin initials or syllables, phone digits";
    HelpClearFilter => "清除筛选", "clear the filter";
    HelpOpen => "打开所选客户", "open the selected account";
    HelpNewAccount => "新建客户", "new account";
    HelpEditAccount => "编辑所选客户", "edit the selected account";
    HelpDelete => "删除到回收站(需填写原因)", "delete to the trash (asks for a reason)";
    HelpQuit => "退出", "quit";
    HelpSections => "切换分区", "next / previous section";
    HelpEditDetail => "编辑客户;在联系人分区中编辑所选联系人", "edit the account; in Contacts, the selected contact";
    HelpNewContact => "在联系人分区中新建联系人", "new contact (in Contacts)";
    HelpBack => "返回列表", "back to the list";
    HelpFormFields => "表单中:下一个 / 上一个字段", "in a form: next / previous field";
    HelpSave => "保存表单", "save the form";
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

/// A column's label in forms and detail views: the Chinese header, or the
/// English words of the column's name.
pub fn column_label(column: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => column_zh(column).map_or_else(|| column.to_string(), str::to_string),
        Lang::En => {
            let words = column.replace('_', " ");
            let mut c = words.chars();
            c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        }
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
