//! §4.13 Personal data (PIPL): what an export shows of a person unless a
//! manager asks for the full data with `--unmask`.
//!
//! Masks keep enough to recognise a record (the phone's first three and
//! last four digits, a name's first character) and drop the rest.

/// `+86 138-0013-8000` → `138****8000`: the number's digits (country code
/// dropped as in the duplicate guard) with all but the first three and last
/// four hidden; shorter numbers keep only their last two digits.
pub fn mask_phone(phone: &str) -> String {
    let digits = crate::dedupe::phone_digits(phone);
    let n = digits.len();
    let (head, tail) = if n >= 11 { (3, 4) } else { (0, 2.min(n)) };
    digits.char_indices().map(|(i, c)| if i < head || i >= n - tail { c } else { '*' }).collect()
}

/// A birth date is hidden whole: `****-**-**` (empty stays empty).
pub fn mask_date(date: &str) -> String {
    if date.trim().is_empty() {
        String::new()
    } else {
        "****-**-**".to_string()
    }
}

/// Free text about a person (spouse, vehicle): the first character, then
/// one `*` for each further character, at most five.
pub fn mask_text(text: &str) -> String {
    let mut chars = text.trim().chars();
    match chars.next() {
        None => String::new(),
        Some(first) => {
            let rest = chars.count().min(5);
            format!("{first}{}", "*".repeat(rest))
        }
    }
}

/// Whether a personal field's text is what the masks above make of it: a
/// phone, date or name never holds a `*` otherwise. A merge refuses such a
/// value unless the export says it was masked.
pub fn looks_masked(text: &str) -> bool {
    text.contains('*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_phone("+86 138-0013-8000"), "138****8000");
        assert_eq!(mask_phone("021-62345678"), "021****5678");
        assert_eq!(mask_phone("1234"), "**34");
        assert_eq!(mask_phone(""), "");
    }

    #[test]
    fn dates_and_text() {
        assert_eq!(mask_date("1980-05-06"), "****-**-**");
        assert_eq!(mask_date(""), "");
        assert_eq!(mask_text("王丽华"), "王**");
        assert_eq!(mask_text("奔驰 S450 沪A12345"), "奔*****");
        assert_eq!(mask_text(" "), "");
    }
}
