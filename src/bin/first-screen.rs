//! Prints the widget's first screen in every language as one JSON object (language tag ->
//! markup), for `.ci/post-build.mjs` to put into the loader. A host tool run at build time:
//! the markup comes from `domain::skeleton`, so the words are the catalogues' and the built-in
//! definition's, never copied by hand.

use alliance_checkin::domain::skeleton::first_screen;
use alliance_checkin::domain::text::CATALOGUES;

/// Appends `text` as a JSON string: quotes, backslashes and control characters escaped.
fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            control if control < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(control))),
            other => out.push(other),
        }
    }
    out.push('"');
}

fn main() {
    let mut out = String::from("{");
    for (index, text) in CATALOGUES.into_iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        write_string(&mut out, text.language_tag);
        out.push(':');
        write_string(&mut out, &first_screen(text));
    }
    out.push('}');
    println!("{out}");
}
