//! Under `zh` the workbench speaks Chinese: every Chinese snapshot of a
//! screen (src/tui/snapshots/*_zh_*.snap) holds no English word but the
//! keys, formats and names a user types, and the test data typed in Latin
//! letters. A screen string left in English (a status word, a hint, a
//! label drawn outside the catalogue) fails here.

use std::collections::BTreeMap;

/// Latin words a Chinese screen may show: keys, names of formats and the
/// program, and text the tests type (a visitor's notes, a search).
const ALLOWED: &[&str] = &[
    // Keys.
    "Alt",
    "Ctrl",
    "End",
    "Enter",
    "Esc",
    "Home",
    "PgDn",
    "PgUp",
    "Shift",
    "Space",
    "Tab",
    // Names.
    "FAB",
    "VIP",
    "kam",
    // What the tests type: an English visitor's notes, searches, a date word,
    // pinyin filters, a photo's path and a brand.
    "Came",
    "GIA",
    "WINTER",
    "about",
    "before",
    "boiler",
    "cares",
    "certificate",
    "cut",
    "deal",
    "deciding",
    "explained",
    "great",
    "her",
    "mother",
    "needs",
    "quote",
    "retrofit",
    "target",
    "the",
    "today",
    "turbine",
    "wants",
    "warranty",
    "wint",
    "winter",
    "with",
    "xhjm",
    "zzw",
];

/// Snapshots whose English is the test's, not the screen's: drawn in both
/// languages from one session, so a message made under `en` shows.
const MADE_IN_ENGLISH: &[&str] =
    &["kam__tui__tests__call_plan_list_zh_80x24.snap", "kam__tui__tests__call_plan_list_zh_120x40.snap"];

#[test]
fn chinese_screens_have_no_english_words() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui/snapshots");
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("snapshots") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        if !name.contains("_zh_")
            || path.extension().and_then(|e| e.to_str()) != Some("snap")
            || MADE_IN_ENGLISH.contains(&name.as_str())
        {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).expect("read");
        // The screen is what follows the snapshot's header.
        let screen = text.splitn(3, "---").nth(2).unwrap_or_default();
        for line in screen.lines() {
            let line = line.split(" Hidden by multi-width symbols").next().unwrap_or_default();
            for token in line.split(|c: char| c.is_whitespace() || "│┌┐└┘─".contains(c)) {
                // Paths and flags are the user's.
                if token.contains('/') || token.starts_with("--") {
                    continue;
                }
                for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
                    if word.len() >= 3 && !ALLOWED.contains(&word) {
                        found.entry(word.to_string()).or_default().push(name.clone());
                    }
                }
            }
        }
    }
    assert!(seen > 50, "the Chinese snapshots are read ({seen})");
    assert!(found.is_empty(), "English on Chinese screens: {found:#?}");
}
