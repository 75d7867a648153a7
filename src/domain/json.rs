//! A small, strict JSON reader and string writer (RFC 8259). The stored formats are read from
//! its tree through serde (`stored.rs`), the configuration and the questionnaire definition by
//! hand; the writer serves the configuration and the definition's paths (the stored formats are
//! written by serde_json, whose escaping is the same). It never panics: nesting is limited,
//! numbers are kept as text until asked for, duplicate keys and lone surrogates are errors.

use std::borrow::Cow;

/// A parsed JSON value. Numbers keep their text so no float code is needed to read them.
/// Strings and keys borrow from the text they were read from unless they hold an escape, and
/// numbers always do: reading a stored history allocates only its lists and escaped text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    /// Members in document order; keys are unique.
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// Why text is not JSON: where (byte offset) and what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub offset: usize,
    pub message: &'static str,
}

impl JsonError {
    /// Where the error is in `text` (the text it came from) as a person counts: the line and
    /// the column, both from 1, the column in characters (a byte offset would be wrong after any
    /// accent). A line ends at LF, CRLF or a lone CR.
    pub fn line_and_column(&self, text: &str) -> (usize, usize) {
        let before = text
            .as_bytes()
            .get(..self.offset)
            .unwrap_or(text.as_bytes());
        let mut line = 1;
        let mut line_start = 0;
        for (at, &byte) in before.iter().enumerate() {
            let lone_cr = byte == b'\r' && text.as_bytes().get(at + 1) != Some(&b'\n');
            if byte == b'\n' || lone_cr {
                line += 1;
                line_start = at + 1;
            }
        }
        // Count characters, not bytes: continuation bytes of UTF-8 start with 0b10.
        let column = 1 + before[line_start..]
            .iter()
            .filter(|&&byte| byte & 0xC0 != 0x80)
            .count();
        (line, column)
    }
}

/// Deeper nesting than this is refused (our formats need four levels).
pub const MAX_DEPTH: usize = 64;

impl<'a> Json<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value as a whole number, if it is written as one (no sign, fraction or exponent)
    /// and fits in a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(text) if text.bytes().all(|byte| byte.is_ascii_digit()) => {
                text.parse().ok()
            }
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member called `key`, when this is an object that has one.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.as_object()?
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: &'static str) -> JsonError {
        JsonError {
            offset: self.position,
            message,
        }
    }

    /// The text from `start` to the current position. Both always sit on ASCII bytes, so this
    /// cannot fail; the checked form keeps the panic path (and its formatting code) out.
    fn slice(&self, start: usize) -> Result<&'a str, JsonError> {
        self.text
            .get(start..self.position)
            .ok_or_else(|| self.error("not at a character boundary"))
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.position += 1;
        }
    }

    fn expect_word(&mut self, word: &str, value: Json<'a>) -> Result<Json<'a>, JsonError> {
        if self.bytes[self.position..].starts_with(word.as_bytes()) {
            self.position += word.len();
            Ok(value)
        } else {
            Err(self.error("unexpected word"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json<'a>, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("unexpected end")),
            Some(b'n') => self.expect_word("null", Json::Null),
            Some(b't') => self.expect_word("true", Json::Bool(true)),
            Some(b'f') => self.expect_word("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("unexpected character")),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.position;
        while let Some(b'0'..=b'9') = self.peek() {
            self.position += 1;
        }
        self.position - start
    }

    fn number(&mut self) -> Result<Json<'a>, JsonError> {
        let start = self.position;
        if self.peek() == Some(b'-') {
            self.position += 1;
        }
        match self.peek() {
            Some(b'0') => self.position += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.error("malformed number")),
        }
        if self.peek() == Some(b'.') {
            self.position += 1;
            if self.digits() == 0 {
                return Err(self.error("malformed number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.position += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.position += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("malformed number"));
            }
        }
        Ok(Json::Number(self.slice(start)?))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|byte| char::from(byte).to_digit(16))
                .ok_or_else(|| self.error("malformed \\u escape"))?;
            code = code * 16 + digit;
            self.position += 1;
        }
        Ok(code)
    }

    fn escape(&mut self, out: &mut String) -> Result<(), JsonError> {
        let Some(kind) = self.peek() else {
            return Err(self.error("unexpected end"));
        };
        self.position += 1;
        let plain = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                let code = match first {
                    0xD800..=0xDBFF => {
                        if !self.bytes[self.position..].starts_with(b"\\u") {
                            return Err(self.error("lone surrogate"));
                        }
                        self.position += 2;
                        let second = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&second) {
                            return Err(self.error("lone surrogate"));
                        }
                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    }
                    0xDC00..=0xDFFF => return Err(self.error("lone surrogate")),
                    code => code,
                };
                char::from_u32(code).ok_or_else(|| self.error("lone surrogate"))?
            }
            _ => return Err(self.error("unknown escape")),
        };
        out.push(plain);
        Ok(())
    }

    fn string(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.position += 1; // the opening quote
                            // Borrowed until the first escape: only then is the text copied.
        let mut out: Option<String> = None;
        let mut run_start = self.position;
        loop {
            match self.peek() {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    let run = self.slice(run_start)?;
                    self.position += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(run),
                        Some(mut out) => {
                            out.push_str(run);
                            Cow::Owned(out)
                        }
                    });
                }
                Some(b'\\') => {
                    let out = out.get_or_insert_with(String::new);
                    out.push_str(self.slice(run_start)?);
                    // A bad escape is placed at its backslash, where a person looks for it.
                    let escape_at = self.position;
                    self.position += 1;
                    self.escape(out).map_err(|error| JsonError {
                        offset: escape_at,
                        ..error
                    })?;
                    run_start = self.position;
                }
                Some(0x00..=0x1F) => return Err(self.error("control character in string")),
                // Multi-byte characters pass through whole: runs only break at ASCII bytes.
                Some(_) => self.position += 1,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json<'a>, JsonError> {
        self.position += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.position += 1;
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b']') => {
                    self.position += 1;
                    return Ok(Json::Array(items));
                }
                _ => return Err(self.error("expected , or ]")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Json<'a>, JsonError> {
        self.position += 1;
        let mut members: Vec<(Cow<'a, str>, Json<'a>)> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.position += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key"));
            }
            // A key refused whole is placed at its opening quote.
            let key_at = self.position;
            let key = self.string()?;
            // No object of any of our formats comes near this: the cap keeps the duplicate
            // check below (linear per member) from being quadratic in a hostile file.
            if members.len() >= MAX_MEMBERS {
                return Err(JsonError {
                    offset: key_at,
                    message: "too many members",
                });
            }
            if members.iter().any(|(existing, _)| *existing == key) {
                return Err(JsonError {
                    offset: key_at,
                    message: "duplicate key",
                });
            }
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected :"));
            }
            self.position += 1;
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.position += 1,
                Some(b'}') => {
                    self.position += 1;
                    return Ok(Json::Object(members));
                }
                _ => return Err(self.error("expected , or }")),
            }
        }
    }
}

/// Parses one JSON text (surrounding whitespace allowed, nothing else).
/// The most members one object may have.
pub const MAX_MEMBERS: usize = 128;

pub fn parse(text: &str) -> Result<Json<'_>, JsonError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        position: 0,
    };
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.position != text.len() {
        return Err(parser.error("text after the value"));
    }
    Ok(value)
}

impl Json<'_> {
    /// The value written back as compact JSON text (what `parse` reads back to the same value).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(true) => out.push_str("true"),
            Json::Bool(false) => out.push_str("false"),
            Json::Number(number) => out.push_str(number),
            Json::String(text) => write_string(out, text),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    write_string(out, key);
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Appends `text` as a JSON string literal: quotes, backslashes and control characters are
/// escaped (the same bytes serde_json writes: a property test holds them equal); everything else
/// is written as is.
pub fn write_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            control @ '\0'..='\u{1f}' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = control as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[code >> 4]));
                out.push(char::from(HEX[code & 0xF]));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> Json<'_> {
        Json::String(text.into())
    }

    /// Keys compare by their decoded text, whether borrowed from the input or decoded from an
    /// escape; strings borrow only when they hold no escape, and read the same either way.
    #[test]
    fn keys_compare_decoded_whether_borrowed_or_escaped() {
        for text in [
            r#"{"a":1,"\u0061":2}"#,
            r#"{"\u0061":1,"a":2}"#,
            r#"{"a\n":1,"a\u000a":2}"#,
            r#"{"":1,"":2}"#,
        ] {
            assert_eq!(
                parse(text).map_err(|error| error.message),
                Err("duplicate key")
            );
        }
        // Placed at the second key's opening quote.
        assert_eq!(parse(r#"{"a":1,"\u0061":2}"#).unwrap_err().offset, 7);
        let Ok(Json::Object(members)) = parse(r#"{"k\u0065y":"v","key2":"\u00e9","":""}"#) else {
            panic!("not an object");
        };
        assert!(matches!(members[0].0, Cow::Owned(_)) && members[0].0 == "key");
        assert!(matches!(members[1].0, Cow::Borrowed("key2")));
        assert_eq!(members[1].1, string("é"));
        assert!(matches!(&members[2].1, Json::String(Cow::Borrowed(""))));
        assert_eq!(parse(r#""\ud83d\ude00""#), Ok(string("😀")));
        assert_eq!(
            parse(r#""\ud83d""#).map_err(|error| error.message),
            Err("lone surrogate")
        );
    }

    #[test]
    fn parses_every_kind_of_value() {
        let parsed =
            parse(r#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"}, "e": ""} "#).unwrap();
        assert_eq!(
            parsed,
            Json::Object(vec![
                (
                    "a".into(),
                    Json::Array(vec![
                        Json::Number("1"),
                        Json::Number("-2.5e3"),
                        Json::Bool(true),
                        Json::Bool(false),
                        Json::Null,
                    ])
                ),
                ("b".into(), Json::Object(vec![("c".into(), string("d"))])),
                ("e".into(), string("")),
            ])
        );
        assert_eq!(parsed.get("b").and_then(|b| b.get("c")), Some(&string("d")));
    }

    #[test]
    fn an_error_is_placed_where_a_person_looks_for_it() {
        let at = |text: &str| {
            let error = parse(text).unwrap_err();
            (error.line_and_column(text), error.message)
        };
        // A bad escape at its backslash, even when the letter after it is not ASCII.
        assert_eq!(at(r#"{"title": "\é"}"#), ((1, 12), "unknown escape"));
        assert_eq!(at(r#"{"a":"\ud800x"}"#), ((1, 7), "lone surrogate"));
        // A key given twice at its opening quote; columns count characters, not bytes.
        assert_eq!(at("{\"é\":1,\n \"é\":2}"), ((2, 2), "duplicate key"));
        // Lines end at LF, CRLF or a lone CR.
        assert_eq!(at("{\r\"a\":1\r\"b\""), ((3, 1), "expected , or }"));
        assert_eq!(at("{\r\n\"a\":1\r\n\"b\""), ((3, 1), "expected , or }"));
        // An offset past the end (or inside a character) still gives a place, never a panic.
        let past = JsonError {
            offset: usize::MAX,
            message: "x",
        };
        assert_eq!(past.line_and_column("ab\ncd"), (2, 3));
        let inside = JsonError {
            offset: 2,
            message: "x",
        };
        assert_eq!(inside.line_and_column("aé"), (1, 3));
    }

    #[test]
    fn decodes_escapes_and_passes_unicode_through() {
        assert_eq!(
            parse(r#""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude42 שלום 🙂""#).unwrap(),
            string("q\"b\\s/n\nt\tué🙂 שלום 🙂")
        );
    }

    #[test]
    fn whole_numbers_only_when_written_as_such() {
        let number = |text: &str| parse(text).unwrap().as_u64();
        assert_eq!(number("0"), Some(0));
        assert_eq!(number("1763800000000"), Some(1_763_800_000_000));
        assert_eq!(number("18446744073709551615"), Some(u64::MAX));
        assert_eq!(number("18446744073709551616"), None);
        assert_eq!(number("-1"), None);
        assert_eq!(number("1.0"), None);
        assert_eq!(number("1e2"), None);
        assert_eq!(parse(r#""1""#).unwrap().as_u64(), None);
    }

    #[test]
    fn refuses_what_is_not_strict_json() {
        let bad = [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{a:1}",
            "{\"a\" 1}",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "NaN",
            "tru",
            "nul",
            "\"open",
            "\"bad \\x escape\"",
            "\"\\u12\"",
            "\"\\ud83d\"",
            "\"\\ude42\"",
            "\"\\ud83d\\u0041\"",
            "\"tab\there\"",
            "[1] [2]",
            "{\"a\":1,\"a\":2}",
            "'single'",
        ];
        for text in bad {
            assert!(parse(text).is_err(), "{text:?} was accepted");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep).unwrap_err().message, "nested too deeply");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn written_strings_read_back_identically() {
        let samples = [
            "",
            "plain",
            "quote \" backslash \\ slash /",
            "lines\nand\r\ttabs\u{8}\u{c}",
            "\u{0}\u{1}\u{1f}\u{7f}",
            "<script>alert(1)</script>",
            "emoji 🙂 rtl \u{202e}abc\u{202c} شكرا",
        ];
        for sample in samples {
            let mut written = String::new();
            write_string(&mut written, sample);
            assert_eq!(parse(&written).unwrap(), string(sample), "{written}");
        }
        let mut written = String::new();
        write_string(&mut written, "a\u{1}\"\n");
        assert_eq!(written, r#""a\u0001\"\n""#);
    }

    #[test]
    fn values_written_back_parse_to_the_same_value() {
        let text = r#"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"y\n"},"d":[]}"#;
        let value = parse(text).unwrap();
        assert_eq!(value.to_text(), text);
        assert_eq!(parse(&value.to_text()).unwrap(), value);
    }
}
