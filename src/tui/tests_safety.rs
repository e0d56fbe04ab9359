//! What a field holds never reaches the terminal raw.

use kam_rules::Lang;

use super::tests::{app, buffer};
use crate::model::Account;

#[test]
fn escape_sequences_and_bidi_overrides_in_a_name_are_shown_not_sent() {
    let (_d, mut app) = app(Lang::En);
    let mut a = Account::named("恶意\u{1b}]0;pwned\u{7}公司\u{202E}gnp.exe");
    a.notes = "\u{1b}[2J cleared?".into();
    app.store.save(&mut a, "").expect("save");
    app.reload_list(None);
    for (w, h) in [(80, 24), (120, 40)] {
        let buf = buffer(&app, w, h);
        let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
        assert!(!text.chars().any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)), "{w}x{h}");
        assert!(text.replace(' ', "").contains("公司"), "the name is still shown, made safe");
    }
    app.open_detail(&a.meta.id, super::app::Section::Company);
    let buf = buffer(&app, 120, 40);
    let text: String = buf.content.iter().map(ratatui::buffer::Cell::symbol).collect();
    assert!(!text.contains('\u{1b}'), "no raw escape in the detail");
}
