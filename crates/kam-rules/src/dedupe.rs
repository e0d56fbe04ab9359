//! §4.12 Duplicate guard: normalised company names, phone digits and person
//! matches, so "上海华联(中国)有限公司" and "上海华联" are seen as one.

/// Legal-form suffixes dropped from the end of a company name, longest first.
const SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "分公司",
    "公司",
    "(集团)",
    "集团",
    "corporation",
    "limited",
    "company",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd",
    "coltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
    "corp.",
    "corp",
    "co.",
    "group",
];

/// Region marks dropped wherever they stand.
const REGIONS: &[&str] = &["(中国)", "(china)", "(上海)", "(北京)", "(深圳)", "(广州)"];

/// Folds full-width ASCII (ＡＢＣ１２３，) to half-width and the ideographic space to a space.
pub fn fold_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '(' => '(',
            ')' => ')',
            _ => c,
        })
        .collect()
}

/// A company name reduced for comparison: width folded, lower case, region
/// marks and legal-form suffixes dropped, spaces and punctuation removed.
pub fn normalize_company(name: &str) -> String {
    let mut s = fold_width(name).to_lowercase();
    s.retain(|c| !c.is_whitespace());
    for r in REGIONS {
        s = s.replace(r, "");
    }
    loop {
        let before = s.len();
        for suffix in SUFFIXES {
            if let Some(rest) = s.strip_suffix(suffix) {
                if !rest.is_empty() {
                    s = rest.to_string();
                }
            }
        }
        s = s.trim_end_matches([',', '.', '-', '&']).to_string();
        if s.len() == before {
            break;
        }
    }
    s.retain(char::is_alphanumeric);
    s
}

/// Phone digits only, with a leading 86 / 0086 country code dropped from
/// mobile numbers so `+86 138-0013-8000` and `13800138000` match.
pub fn phone_digits(phone: &str) -> String {
    let digits: String = fold_width(phone).chars().filter(char::is_ascii_digit).collect();
    for prefix in ["0086", "86"] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            if rest.len() == 11 && rest.starts_with('1') {
                return rest.to_string();
            }
        }
    }
    digits
}

/// A person's name for comparison: width folded, no spaces, lower case.
pub fn normalize_person(name: &str) -> String {
    let mut s = fold_width(name).to_lowercase();
    s.retain(|c| !c.is_whitespace() && c != '·' && c != '.');
    s
}

/// Fewer digits than this are not a phone number to match on.
pub const PHONE_MIN_DIGITS: usize = 7;

/// What a company is matched on: its normalised name, when anything is left.
pub fn company_key(name: &str) -> Option<String> {
    Some(normalize_company(name)).filter(|k| !k.is_empty())
}

/// What a phone is matched on: its digits, when there are enough.
pub fn phone_key(phone: &str) -> Option<String> {
    Some(phone_digits(phone)).filter(|k| k.len() >= PHONE_MIN_DIGITS)
}

/// Whether two company names are likely the same company.
pub fn same_company(a: &str, b: &str) -> bool {
    company_key(a).is_some_and(|k| company_key(b) == Some(k))
}

/// Whether two phone numbers are the same number (at least 7 digits).
pub fn same_phone(a: &str, b: &str) -> bool {
    phone_key(a).is_some_and(|k| phone_key(b) == Some(k))
}

/// Whether two people are likely the same: same name and either the same
/// phone or the same account.
pub fn same_person(name_a: &str, phone_a: &str, account_a: &str, name_b: &str, phone_b: &str, account_b: &str) -> bool {
    let (na, nb) = (normalize_person(name_a), normalize_person(name_b));
    if na.is_empty() || na != nb {
        return false;
    }
    same_phone(phone_a, phone_b) || (!account_a.is_empty() && account_a == account_b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_suffixes_and_width() {
        assert_eq!(normalize_company("上海华联(中国)有限公司"), "上海华联");
        assert_eq!(normalize_company("上海华联(中国)股份有限公司"), "上海华联");
        assert_eq!(normalize_company("上海华联集团"), "上海华联");
        assert_eq!(
            normalize_company("成都华美教育（集团）股份有限公司"),
            "成都华美教育",
            "a group mark before the suffix"
        );
        assert_eq!(normalize_company("成都华美教育(集团)有限公司"), normalize_company("成都华美教育有限公司"));
        assert_eq!(normalize_company("ＡＢＣ 科技有限公司"), "abc科技");
        assert_eq!(normalize_company("Acme Co., Ltd."), "acme");
        assert_eq!(normalize_company("有限公司"), "有限");
        assert!(same_company("华为技术有限公司", "华为技术"));
        assert!(!same_company("华为技术", "华为终端"));
        assert!(!same_company("", ""));
    }

    #[test]
    fn phones_by_digits() {
        assert_eq!(phone_digits("+86 138-0013-8000"), "13800138000");
        assert_eq!(phone_digits("１３８００１３８０００"), "13800138000");
        assert_eq!(phone_digits("021-6234 5678"), "02162345678");
        assert!(same_phone("138 0013 8000", "+8613800138000"));
        assert!(!same_phone("123", "123"));
    }

    #[test]
    fn people_by_name_and_phone_or_account() {
        assert!(same_person("张三", "13800138000", "", "张 三", "+86 13800138000", ""));
        assert!(same_person("张三", "", "acc1", "张三", "", "acc1"));
        assert!(!same_person("张三", "", "acc1", "张三", "", "acc2"));
        assert!(!same_person("张三", "13800138000", "a", "李四", "13800138000", "a"));
    }
}
