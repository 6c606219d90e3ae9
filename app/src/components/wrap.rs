//! Text that breaks only at its own signs: addresses, tickets, letter
//! numbers. `nurul.lubis@batam.go.id` may continue on the next line at
//! `@` or before a dot, never as `…batam.go.i` / `d`.
use leptos::prelude::*;

/// `text`, HTML-escaped, with a `<wbr>` after `@`, `/`, `-` and `_` and
/// before a `.`, where each is followed by a letter or digit (the places a
/// reader expects such a line to go on; not before a sentence's last dot).
pub fn breakable_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        let next_is_word = chars.peek().is_some_and(|n| n.is_alphanumeric());
        if c == '.' && next_is_word && prev.is_some_and(|p| p.is_alphanumeric()) {
            out.push_str("<wbr>");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
        if matches!(c, '@' | '/' | '-' | '_') && next_is_word {
            out.push_str("<wbr>");
        }
        prev = Some(c);
    }
    out
}

/// `text` in a `<span class="breakable {class}">` that breaks only at its
/// signs (see [`breakable_html`]); its text content is `text` unchanged.
#[component]
pub fn Breakable(#[prop(into)] text: String, #[prop(optional)] class: &'static str) -> impl IntoView {
    let class = if class.is_empty() { "breakable".to_string() } else { format!("breakable {class}") };
    view! { <span class=class inner_html=breakable_html(&text)></span> }
}

#[cfg(test)]
mod tests {
    use super::breakable_html;

    #[test]
    fn addresses_and_tickets_break_at_their_signs_only() {
        assert_eq!(breakable_html("nurul.lubis@batam.go.id"), "nurul<wbr>.lubis@<wbr>batam<wbr>.go<wbr>.id");
        assert_eq!(breakable_html("SRL-2026-000123"), "SRL-<wbr>2026-<wbr>000123");
        assert_eq!(breakable_html("800/12/DINKES/2026"), "800/<wbr>12/<wbr>DINKES/<wbr>2026");
        // a sentence's own dot and a spaced dash are left alone
        assert_eq!(breakable_html("Selesai. Lihat - di sini."), "Selesai. Lihat - di sini.");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(breakable_html("<b>\"a\" & 'b'</b>"), "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/<wbr>b&gt;");
    }
}
