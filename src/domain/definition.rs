//! Questionnaire definitions as JSON ("alliance-checkin.questionnaire/1"): how a practice loads
//! its own (licensed) questionnaire, and how the built-in check-in itself is written
//! (`src/instruments/`). The format is documented field by field in `src/instruments/README.md`.
//!
//! Reading reports every problem at once, each with the path of the offending value
//! (`items[3].scale.points: must be 2..=11`): the shape of the file (missing keys, unknown keys,
//! wrong types, numbers written wrongly) is checked here, and every rule about the values is
//! [`Instrument::validate`]'s, so a definition built in code and one read from a file meet the
//! same rules. Texts may be plain strings or objects of language tag to text; the text for the
//! client's language is picked while reading. No float is involved: numbers are read from their
//! JSON text into whole numbers and [`Tenths`].

use super::instrument::{
    text_problem, CeilingRule, DefinitionError, Instrument, Item, Scale, Scoring, Subscale,
    Thresholds, LIKERT_POINTS,
};
use std::borrow::Cow;

use super::json::{self, Json};
use super::tenths::Tenths;
use super::text::CATALOGUES;

/// The `format` every definition starts with; a file without it is not a questionnaire.
pub const DEFINITION_FORMAT: &str = "alliance-checkin.questionnaire/1";
const FORMAT_FAMILY: &str = "alliance-checkin.questionnaire/";

/// The fallback language for texts, after the client's and the definition's own.
const FALLBACK_LANGUAGE: &str = "en";

/// Thresholds whose allowed range is the largest score; judged only when every item's scale
/// was read (otherwise the largest score is unknown and the range would be wrong).
const THRESHOLDS_ON_THE_SCALE: [&str; 7] = [
    "thresholds.total_below",
    "thresholds.item_below",
    "thresholds.total_drop",
    "thresholds.item_drop",
    "thresholds.total_same_band",
    "thresholds.item_same_band",
    "thresholds.ceiling.item_at_least",
];

/// Reads a questionnaire definition, with its texts in `language` (a BCP 47 tag such as "es" or
/// "es-MX"). Each text is taken from its language object by: the exact tag, then the tag's
/// primary subtag, then the definition's own `language`, then English, then the first entry.
///
/// On failure, every problem found is returned, each with its path.
pub fn parse_definition(text: &str, language: &str) -> Result<Instrument, Vec<DefinitionError>> {
    read(text, language).0
}

/// The paths of the texts in a definition that have no translation into `language` (neither
/// the exact tag nor its primary subtag), so would be shown in another language. A plain string
/// counts as translated only into the definition's own `language`. Empty when the definition
/// does not parse.
pub fn untranslated_texts(text: &str, language: &str) -> Vec<String> {
    match read(text, language) {
        (Ok(_), untranslated) => untranslated,
        (Err(_), _) => Vec::new(),
    }
}

/// A practice's questionnaire as the widget uses it: read once in every language the widget
/// speaks, so a change of language needs no reader (the reader is a part loaded on first use,
/// src/ui/parts.rs, and only a page with a practice's questionnaire loads it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PracticeQuestionnaire {
    /// The definition's own `language`, if it names one (it ranks between the practice's
    /// setting and the browser's languages).
    pub language: Option<String>,
    /// The questionnaire worded in each language of the widget (`CATALOGUES`' tags); None where
    /// that language's texts do not make a valid questionnaire (the widget then shows the
    /// built-in check-in in that language, as it always did).
    pub in_languages: Vec<(&'static str, Option<Instrument>)>,
}

impl PracticeQuestionnaire {
    /// Reads a practice's definition in every language of the widget; on failure, every problem
    /// found reading it in English, each with its path, as the practice is shown them.
    pub fn read(text: &str) -> Result<PracticeQuestionnaire, Vec<String>> {
        let english = parse_definition(text, FALLBACK_LANGUAGE)
            .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        let in_languages = CATALOGUES
            .iter()
            .map(|catalogue| {
                let tag = catalogue.language_tag;
                let read = if tag == FALLBACK_LANGUAGE {
                    Some(english.clone())
                } else {
                    parse_definition(text, tag).ok()
                };
                (tag, read)
            })
            .collect();
        Ok(PracticeQuestionnaire {
            language: english.language,
            in_languages,
        })
    }

    /// The questionnaire worded in `language` (one of the widget's tags), if it reads in it.
    pub fn in_language(&self, language: &str) -> Option<Instrument> {
        self.in_languages
            .iter()
            .find(|(tag, _)| *tag == language)
            .and_then(|(_, instrument)| instrument.clone())
    }
}

type Members<'a> = [(Cow<'a, str>, Json<'a>)];

fn read(text: &str, language: &str) -> (Result<Instrument, Vec<DefinitionError>>, Vec<String>) {
    // A byte-order mark, as some editors save, is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(error) => {
            let (line, column) = error.line_and_column(text);
            let problem = DefinitionError::new(
                format!("{line}:{column}"),
                format!("not valid JSON: {}", error.message),
            );
            return (Err(vec![problem]), Vec::new());
        }
    };
    let Some(members) = root.as_object() else {
        let problem = DefinitionError::new(
            "",
            "not an Alliance Check-in questionnaire: a definition is a JSON object that starts \
             with \"format\": \"alliance-checkin.questionnaire/1\"",
        );
        return (Err(vec![problem]), Vec::new());
    };
    if let Err(problem) = check_format(members) {
        return (Err(vec![problem]), Vec::new());
    }
    let mut reader = Reader {
        language,
        own_language: None,
        errors: Vec::new(),
        untranslated: Vec::new(),
        scales_read: true,
        unread: Vec::new(),
    };
    let instrument = reader.instrument(&root);
    let mut errors = reader.errors;
    if let Err(rules) = instrument.validate() {
        // One problem per place: a value the reader already refused is not judged again.
        let judged: Vec<DefinitionError> = rules
            .into_iter()
            .filter(|rule| {
                let spoken = errors.iter().map(|error| &error.path);
                !spoken
                    .chain(&reader.unread)
                    .any(|path| overlaps(path, &rule.path))
            })
            .filter(|rule| reader.scales_read || !THRESHOLDS_ON_THE_SCALE.contains(&&*rule.path))
            .collect();
        errors.extend(judged);
    }
    if errors.is_empty() {
        (Ok(instrument), reader.untranslated)
    } else {
        (Err(errors), reader.untranslated)
    }
}

/// Whether one path is the other or lies inside it (`items[2]` and `items[2].scale.points`).
fn overlaps(a: &str, b: &str) -> bool {
    let inside = |outer: &str, inner: &str| {
        inner
            .strip_prefix(outer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

fn check_format(members: &Members) -> Result<(), DefinitionError> {
    let format = members
        .iter()
        .find(|(key, _)| key == "format")
        .map(|(_, value)| value);
    match format.and_then(Json::as_str) {
        Some(DEFINITION_FORMAT) => Ok(()),
        Some(other) if other.starts_with(FORMAT_FAMILY) => Err(DefinitionError::new(
            "format",
            format!(
                "is \"{}\", a version of the questionnaire format this check-in does not read \
                 (it reads \"{DEFINITION_FORMAT}\")",
                other.chars().take(60).collect::<String>()
            ),
        )),
        Some(_) | None => Err(DefinitionError::new(
            "format",
            format!(
                "{}: this is not an Alliance Check-in questionnaire (a questionnaire has \
                 \"format\": \"{DEFINITION_FORMAT}\")",
                if format.is_none() { "missing" } else { "wrong" }
            ),
        )),
    }
}

/// The path of member `key` inside `parent`: `items[0].prompt`, or `title["odd key"]` for a
/// key that is not a plain name (quoted as JSON, and shortened, so a hostile key stays legible).
fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 40
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
    let mut path = parent.to_owned();
    if plain {
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key);
    } else {
        let shown: String = key.chars().take(40).collect();
        path.push('[');
        json::write_string(&mut path, &shown);
        if shown.len() < key.len() {
            path.push('…');
        }
        path.push(']');
    }
    path
}

fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Whether `tag` looks like a BCP 47 language tag: a primary subtag of two or three letters,
/// then subtags of one to eight letters or digits ("es", "es-MX", "zh-Hant-TW").
fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let primary = subtags.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|byte| byte.is_ascii_alphabetic())
        && subtags.all(|subtag| {
            (1..=8).contains(&subtag.len())
                && subtag.bytes().all(|byte| byte.is_ascii_alphanumeric())
        })
}

fn primary_subtag(tag: &str) -> &str {
    tag.split('-').next().unwrap_or_default()
}

/// The entry of a language object for `wanted`: the exact tag, else an entry whose tag is
/// `wanted`'s primary subtag, else one that shares it (all compared without case).
fn entry_for<'e>(entries: &[(&str, &'e str)], wanted: &str) -> Option<&'e str> {
    let primary = primary_subtag(wanted);
    let find = |matches: &dyn Fn(&str) -> bool| {
        entries
            .iter()
            .find(|(tag, _)| matches(tag))
            .map(|(_, text)| *text)
    };
    find(&|tag| tag.eq_ignore_ascii_case(wanted))
        .or_else(|| find(&|tag| tag.eq_ignore_ascii_case(primary)))
        .or_else(|| find(&|tag| primary_subtag(tag).eq_ignore_ascii_case(primary)))
}

struct Reader<'a> {
    /// The client's language.
    language: &'a str,
    /// The definition's own `language`, when it names a valid one.
    own_language: Option<String>,
    errors: Vec<DefinitionError>,
    /// Texts with no translation into the client's language (their paths).
    untranslated: Vec<String>,
    /// False once an item or its scale could not be read: the largest score is then unknown.
    scales_read: bool,
    /// Places that could not be read at all (a scale of unknown type): the stand-ins there are
    /// not judged by `validate`.
    unread: Vec<String>,
}

impl Reader<'_> {
    fn problem(&mut self, path: String, message: &str) {
        self.errors.push(DefinitionError::new(path, message));
    }

    /// The members of an object, after reporting each key not in `known`.
    fn object<'j>(
        &mut self,
        value: &'j Json<'j>,
        path: &str,
        known: &[&str],
    ) -> Option<&'j Members<'j>> {
        let Some(members) = value.as_object() else {
            self.problem(path.to_owned(), "must be an object ({ … })");
            return None;
        };
        for (key, _) in members {
            if !known.contains(&&**key) {
                self.problem(key_path(path, key), "unknown key");
            }
        }
        Some(members)
    }

    fn member<'j>(members: &'j Members<'j>, key: &str) -> Option<&'j Json<'j>> {
        members
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
    }

    /// A member that must be there; reports "missing" when it is not.
    fn required<'j>(
        &mut self,
        members: &'j Members<'j>,
        path: &str,
        key: &str,
    ) -> Option<&'j Json<'j>> {
        let value = Self::member(members, key);
        if value.is_none() {
            self.problem(key_path(path, key), "missing");
        }
        value
    }

    fn plain_string(&mut self, value: &Json, path: String) -> Option<String> {
        match value.as_str() {
            Some(text) => Some(text.to_owned()),
            None => {
                self.problem(path, "must be text (in quotes)");
                None
            }
        }
    }

    /// A text: a string, or an object of language tag to string from which the client's
    /// language is picked. Every translation is checked, not only the one shown today.
    fn text(&mut self, value: &Json, path: String) -> Option<String> {
        match value {
            Json::String(text) => {
                let own = self.own_language.as_deref();
                if own.is_none_or(|own| !primary_subtag(self.language).eq_ignore_ascii_case(own)) {
                    self.untranslated.push(path);
                }
                Some(text.to_string())
            }
            Json::Object(members) => {
                if members.is_empty() {
                    self.problem(path, "must have a text for at least one language");
                    return None;
                }
                let mut entries: Vec<(&str, &str)> = Vec::new();
                for (tag, translation) in members {
                    let entry_path = key_path(&path, tag);
                    if !is_language_tag(tag) {
                        self.problem(
                            entry_path,
                            "is not a language tag such as \"en\" or \"es-MX\"",
                        );
                    } else if let Some(text) = translation.as_str() {
                        match text_problem(text) {
                            Some(problem) => self.problem(entry_path, problem),
                            None => entries.push((tag, text)),
                        }
                    } else {
                        self.problem(entry_path, "must be text (in quotes)");
                    }
                }
                if entry_for(&entries, self.language).is_none() {
                    self.untranslated.push(path);
                }
                let own = self.own_language.as_deref();
                entry_for(&entries, self.language)
                    .or_else(|| own.and_then(|own| entry_for(&entries, own)))
                    .or_else(|| entry_for(&entries, FALLBACK_LANGUAGE))
                    .or_else(|| entries.first().map(|(_, text)| *text))
                    .map(str::to_owned)
            }
            _ => {
                self.problem(
                    path,
                    "must be text, or an object of language tag to text ({\"en\": \"…\"})",
                );
                None
            }
        }
    }

    fn required_text(&mut self, members: &Members, path: &str, key: &str) -> String {
        self.required(members, path, key)
            .and_then(|value| self.text(value, key_path(path, key)))
            .unwrap_or_default()
    }

    fn whole_number(&mut self, value: &Json, path: String) -> Option<u64> {
        let number = value.as_u64();
        if number.is_none() {
            self.problem(path, "must be a whole number such as 1");
        }
        number
    }

    /// A decimal with at most one decimal place, in tenths. Values beyond `i32` saturate (the
    /// range check in `validate` then names the allowed range).
    fn decimal(&mut self, value: &Json, path: String) -> Option<Tenths> {
        let Json::Number(text) = value else {
            self.problem(path, "must be a number such as 7.5");
            return None;
        };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, &**text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
        {
            self.problem(path, "must be written without an exponent, such as 7.5");
            return None;
        }
        if fraction.len() > 1 {
            self.problem(path, "must have at most one decimal place");
            return None;
        }
        let tenths = whole
            .bytes()
            .chain(fraction.bytes())
            .chain(if fraction.is_empty() {
                Some(b'0')
            } else {
                None
            })
            .fold(0i32, |value, digit| {
                value
                    .saturating_mul(10)
                    .saturating_add(i32::from(digit - b'0'))
            });
        Some(Tenths(if negative { -tenths } else { tenths }))
    }

    fn instrument(&mut self, value: &Json) -> Instrument {
        const KEYS: [&str; 11] = [
            "format",
            "id",
            "version",
            "compares_with",
            "title",
            "language",
            "attribution",
            "scoring",
            "items",
            "subscales",
            "thresholds",
        ];
        let root = self.object(value, "", &KEYS).unwrap_or(&[]);
        // `language` first: texts fall back to it.
        let language = Self::member(root, "language")
            .and_then(|value| self.plain_string(value, "language".into()));
        self.own_language = language
            .clone()
            .filter(|tag| super::instrument::is_primary_language_tag(tag));

        let id = self
            .required(root, "", "id")
            .and_then(|value| self.plain_string(value, "id".into()))
            .unwrap_or_default();
        let version = self
            .required(root, "", "version")
            .and_then(|value| {
                let number = self.whole_number(value, "version".into())?;
                let version = u32::try_from(number).ok();
                if version.is_none() {
                    self.problem(
                        "version".into(),
                        "must be a whole number from 1 to 4294967295",
                    );
                }
                version
            })
            .unwrap_or(1);
        let compares_with = match Self::member(root, "compares_with") {
            Some(Json::Array(list)) => list
                .iter()
                .enumerate()
                .filter_map(|(index, value)| {
                    let number = self.whole_number(value, index_path("compares_with", index))?;
                    u32::try_from(number).ok()
                })
                .collect(),
            Some(_) => {
                self.problem(
                    "compares_with".into(),
                    "must be a list of earlier versions, such as [1]",
                );
                Vec::new()
            }
            None => Vec::new(),
        };
        let title = self.required_text(root, "", "title");
        let attribution = Self::member(root, "attribution")
            .and_then(|value| self.text(value, "attribution".into()));
        let scoring = match self.required(root, "", "scoring").map(Json::as_str) {
            Some(Some("sum")) | None => Scoring::Sum,
            Some(Some("mean")) => Scoring::Mean,
            Some(_) => {
                self.problem("scoring".into(), "must be \"sum\" or \"mean\"");
                Scoring::Sum
            }
        };
        let items = self.items(root);
        let subscales = match Self::member(root, "subscales") {
            Some(value) => self.subscales(value),
            None => Vec::new(),
        };
        let thresholds = match Self::member(root, "thresholds") {
            Some(value) => self.thresholds(value),
            None => no_thresholds(),
        };
        Instrument {
            id,
            version,
            compares_with,
            title,
            language,
            attribution,
            items,
            subscales,
            scoring,
            thresholds,
        }
    }

    fn items(&mut self, root: &Members) -> Vec<Item> {
        let Some(value) = self.required(root, "", "items") else {
            self.scales_read = false;
            return Vec::new();
        };
        let Some(list) = value.as_array() else {
            self.problem("items".into(), "must be a list ([ … ]) of items");
            self.scales_read = false;
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(index, value)| self.item(value, &index_path("items", index)))
            .collect()
    }

    /// One item; an item that cannot be read still takes its place, so later items keep their
    /// index in every path.
    fn item(&mut self, value: &Json, path: &str) -> Item {
        const KEYS: [&str; 5] = ["id", "title", "prompt", "reverse", "scale"];
        let Some(members) = self.object(value, path, &KEYS) else {
            self.scales_read = false;
            return Item {
                id: String::new(),
                title: String::new(),
                prompt: String::new(),
                scale: unread_scale(),
                reverse: false,
            };
        };
        let id = self
            .required(members, path, "id")
            .and_then(|value| self.plain_string(value, key_path(path, "id")))
            .unwrap_or_default();
        let title = self.required_text(members, path, "title");
        let prompt = self.required_text(members, path, "prompt");
        let reverse = match Self::member(members, "reverse") {
            None => false,
            Some(Json::Bool(reverse)) => *reverse,
            Some(_) => {
                self.problem(key_path(path, "reverse"), "must be true or false");
                false
            }
        };
        let scale = match self.required(members, path, "scale") {
            Some(value) => self.scale(value, &key_path(path, "scale")),
            None => None,
        };
        if scale.is_none() {
            self.scales_read = false;
            self.unread.push(key_path(path, "scale"));
        }
        Item {
            id,
            title,
            prompt,
            scale: scale.unwrap_or_else(unread_scale),
            reverse,
        }
    }

    fn scale(&mut self, value: &Json, path: &str) -> Option<Scale> {
        let Some(members) = value.as_object() else {
            self.problem(path.to_owned(), "must be an object ({ … })");
            return None;
        };
        let kind = self.required(members, path, "type")?;
        match kind.as_str() {
            Some("likert") => {
                self.object(value, path, &["type", "points", "labels", "first_value"])?;
                Some(self.likert(members, path))
            }
            Some("line") => {
                self.object(value, path, &["type", "low", "high"])?;
                Some(Scale::VisualAnalogue {
                    low_label: self.required_text(members, path, "low"),
                    high_label: self.required_text(members, path, "high"),
                })
            }
            _ => {
                self.problem(key_path(path, "type"), "must be \"likert\" or \"line\"");
                None
            }
        }
    }

    fn likert(&mut self, members: &Members, path: &str) -> Scale {
        let points = self
            .required(members, path, "points")
            .and_then(|value| self.whole_number(value, key_path(path, "points")));
        let labels_path = key_path(path, "labels");
        let mut labels: Vec<String> = match self.required(members, path, "labels") {
            None => Vec::new(),
            Some(Json::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(index, label)| {
                    self.text(label, index_path(&labels_path, index))
                        .unwrap_or_default()
                })
                .collect(),
            Some(_) => {
                self.problem(
                    labels_path.clone(),
                    "must be a list ([ … ]) of labels, one per point",
                );
                Vec::new()
            }
        };
        if let Some(points) = points {
            if u64::try_from(labels.len()).ok() != Some(points) {
                if Self::member(members, "labels").is_some_and(|labels| labels.as_array().is_some())
                {
                    self.problem(
                        labels_path,
                        &format!(
                            "must have one label per point: {points} points, {} labels",
                            labels.len()
                        ),
                    );
                }
                // Judge the declared number of points (any number past the limit fails alike,
                // so a hostile count allocates nothing).
                let limit = LIKERT_POINTS.end() + 1;
                labels.resize(
                    usize::try_from(points).unwrap_or(limit).min(limit),
                    String::new(),
                );
            }
        }
        let first_value = match Self::member(members, "first_value") {
            None => 1,
            Some(value) => self
                .whole_number(value, key_path(path, "first_value"))
                .map_or(1, |number| u16::try_from(number).unwrap_or(u16::MAX)),
        };
        Scale::Likert {
            labels,
            first_value,
        }
    }

    fn subscales(&mut self, value: &Json) -> Vec<Subscale> {
        let Some(list) = value.as_array() else {
            self.problem("subscales".into(), "must be a list ([ … ]) of subscales");
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .map(|(index, value)| {
                let path = index_path("subscales", index);
                let Some(members) = self.object(value, &path, &["id", "title", "items"]) else {
                    return Subscale {
                        id: String::new(),
                        title: String::new(),
                        item_ids: Vec::new(),
                    };
                };
                let id = self
                    .required(members, &path, "id")
                    .and_then(|value| self.plain_string(value, key_path(&path, "id")))
                    .unwrap_or_default();
                let title = self.required_text(members, &path, "title");
                let items_path = key_path(&path, "items");
                let item_ids = match self.required(members, &path, "items") {
                    None => Vec::new(),
                    Some(Json::Array(ids)) => ids
                        .iter()
                        .enumerate()
                        .map(|(position, id)| match id.as_str() {
                            Some(id) => id.to_owned(),
                            None => {
                                self.problem(
                                    index_path(&items_path, position),
                                    "must be an item's id (in quotes)",
                                );
                                String::new()
                            }
                        })
                        .collect(),
                    Some(_) => {
                        self.problem(items_path, "must be a list ([ … ]) of item ids");
                        Vec::new()
                    }
                };
                Subscale {
                    id,
                    title,
                    item_ids,
                }
            })
            .collect()
    }

    fn thresholds(&mut self, value: &Json) -> Thresholds {
        const KEYS: [&str; 7] = [
            "total_below",
            "item_below",
            "total_drop",
            "item_drop",
            "total_same_band",
            "item_same_band",
            "ceiling",
        ];
        let mut thresholds = no_thresholds();
        let Some(members) = self.object(value, "thresholds", &KEYS) else {
            return thresholds;
        };
        let number = |reader: &mut Self, key: &str| {
            Self::member(members, key)
                .and_then(|value| reader.decimal(value, key_path("thresholds", key)))
        };
        thresholds.total_below = number(self, "total_below");
        thresholds.item_below = number(self, "item_below");
        thresholds.total_drop = number(self, "total_drop");
        thresholds.item_drop = number(self, "item_drop");
        thresholds.total_same_band = number(self, "total_same_band").unwrap_or_default();
        thresholds.item_same_band = number(self, "item_same_band").unwrap_or_default();
        if let Some(value) = Self::member(members, "ceiling") {
            let path = "thresholds.ceiling";
            if let Some(ceiling) = self.object(value, path, &["item_at_least", "run_length"]) {
                let item_at_least = self
                    .required(ceiling, path, "item_at_least")
                    .and_then(|value| self.decimal(value, key_path(path, "item_at_least")));
                let run_length = self
                    .required(ceiling, path, "run_length")
                    .and_then(|value| self.whole_number(value, key_path(path, "run_length")))
                    .map(|run| u8::try_from(run).unwrap_or(u8::MAX));
                if let (Some(item_at_least), Some(run_length)) = (item_at_least, run_length) {
                    thresholds.ceiling = Some(CeilingRule {
                        item_at_least,
                        run_length,
                    });
                }
            }
        }
        thresholds
    }
}

/// Thresholds when a definition gives none: no signal, and any change is a direction.
fn no_thresholds() -> Thresholds {
    Thresholds {
        total_below: None,
        item_below: None,
        item_same_band: Tenths(0),
        total_same_band: Tenths(0),
        total_drop: None,
        item_drop: None,
        ceiling: None,
    }
}

/// Stands in for a scale that could not be read (never returned: its item has a problem).
fn unread_scale() -> Scale {
    Scale::VisualAnalogue {
        low_label: String::new(),
        high_label: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small definition using every feature, in English and Spanish.
    const SAMPLE: &str = r#"{
      "format": "alliance-checkin.questionnaire/1",
      "id": "practice.sample", "version": 2,
      "title": {"en": "Sample", "es": "Muestra"},
      "language": "en",
      "attribution": "Placeholder attribution.",
      "scoring": "mean",
      "items": [
        { "id": "i1", "title": "One", "prompt": {"en": "First", "es": "Primero"},
          "scale": { "type": "likert", "points": 3, "labels": ["Low", "Mid", {"en": "High", "es": "Alto"}] } },
        { "id": "i2", "title": "Two", "prompt": "Second", "reverse": true,
          "scale": { "type": "likert", "points": 2, "labels": ["No", "Yes"], "first_value": 0 } },
        { "id": "i3", "title": "Three", "prompt": "Third",
          "scale": { "type": "line", "low": "Never", "high": "Always" } }
      ],
      "subscales": [ { "id": "first-two", "title": "First two", "items": ["i1", "i2"] } ],
      "thresholds": { "total_below": 3.5, "item_below": 1, "total_drop": 0.5, "item_drop": 1,
                      "total_same_band": 0.3, "item_same_band": 0.5,
                      "ceiling": { "item_at_least": 2.5, "run_length": 3 } }
    }"#;

    /// Every definition in `src/instruments/`, by file name.
    const SHIPPED: [(&str, &str); 3] = [
        (
            "alliance-checkin.json",
            include_str!("../instruments/alliance-checkin.json"),
        ),
        (
            "example-12-item-5-point.json",
            include_str!("../instruments/example-12-item-5-point.json"),
        ),
        (
            "example-4-line.json",
            include_str!("../instruments/example-4-line.json"),
        ),
    ];

    #[test]
    fn every_shipped_definition_reads_in_every_language() {
        for (name, text) in SHIPPED {
            for catalogue in crate::domain::text::CATALOGUES {
                let read = parse_definition(text, catalogue.language_tag);
                assert!(
                    read.is_ok(),
                    "{name} ({}): {read:?}",
                    catalogue.language_tag
                );
            }
        }
        // A definition added to the folder is added to the list above, so it is read too.
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/instruments");
        let mut on_disk: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".json"))
            .collect();
        on_disk.sort();
        let listed: Vec<&str> = SHIPPED.iter().map(|(name, _)| *name).collect();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn a_practice_questionnaire_is_read_once_in_every_language_of_the_widget() {
        for text in [SAMPLE, SHIPPED[1].1, SHIPPED[2].1] {
            let read = PracticeQuestionnaire::read(text).unwrap();
            let english = parse_definition(text, "en").unwrap();
            assert_eq!(read.language, english.language);
            let tags: Vec<&str> = read.in_languages.iter().map(|(tag, _)| *tag).collect();
            let widget: Vec<&str> = crate::domain::text::CATALOGUES
                .iter()
                .map(|catalogue| catalogue.language_tag)
                .collect();
            assert_eq!(tags, widget);
            for tag in tags {
                assert_eq!(
                    read.in_language(tag),
                    Some(parse_definition(text, tag).unwrap())
                );
            }
        }
        assert_eq!(
            PracticeQuestionnaire::read(SAMPLE).unwrap().language,
            Some("en".into())
        );
        // A tag the widget does not speak has none (the widget only asks for its own).
        let read = PracticeQuestionnaire::read(SAMPLE).unwrap();
        assert_eq!(read.in_language("fr"), None);
    }

    #[test]
    fn a_practice_questionnaire_with_mistakes_gives_every_problem_as_the_practice_reads_it() {
        let broken = SAMPLE.replace("\"points\": 3", "\"points\": 12");
        let problems = PracticeQuestionnaire::read(&broken).unwrap_err();
        let expected: Vec<String> = parse_definition(&broken, "en")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(problems, expected);
        assert_eq!(
            PracticeQuestionnaire::read("{").unwrap_err(),
            ["1:2: not valid JSON: expected a key"]
        );
    }

    #[test]
    fn the_examples_show_what_they_say() {
        let twelve = parse_definition(SHIPPED[1].1, "en").unwrap();
        assert_eq!(twelve.items.len(), 12);
        assert_eq!(twelve.scoring, Scoring::Mean);
        assert_eq!(twelve.max_total(), Tenths::points(5));
        let reversed: Vec<&str> = twelve
            .items
            .iter()
            .filter(|item| item.reverse)
            .map(|item| item.id.as_str())
            .collect();
        assert_eq!(reversed, ["item-7"]);
        let subscales: Vec<(&str, usize)> = twelve
            .subscales
            .iter()
            .map(|subscale| (subscale.title.as_str(), subscale.item_ids.len()))
            .collect();
        assert_eq!(
            subscales,
            [("Subscale A", 4), ("Subscale B", 4), ("Subscale C", 4)]
        );
        for item in &twelve.items {
            assert!(item.prompt.ends_with(": text from your licensed copy"));
            let Scale::Likert { labels, .. } = &item.scale else {
                panic!("{} is not a Likert item", item.id);
            };
            assert_eq!(labels[0], "Point 1 label from your licensed copy");
            assert_eq!(labels.len(), 5);
        }
        assert_eq!(
            twelve.attribution.as_deref(),
            Some("Replace with the attribution your licence requires.")
        );

        let lines = parse_definition(SHIPPED[2].1, "es").unwrap();
        assert_eq!(lines.scoring, Scoring::Sum);
        assert_eq!(lines.max_total(), Tenths::points(40));
        assert_eq!(lines.items[0].title, "Línea 1");
        assert!(lines
            .items
            .iter()
            .all(|item| matches!(item.scale, Scale::VisualAnalogue { .. })));
        assert_eq!(untranslated_texts(SHIPPED[2].1, "es"), Vec::<String>::new());
    }

    fn problems(text: &str) -> Vec<String> {
        parse_definition(text, "en")
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// `SAMPLE` with `from` replaced by `to` (which must occur exactly once).
    fn sample_with(from: &str, to: &str) -> String {
        assert_eq!(SAMPLE.matches(from).count(), 1, "{from}");
        SAMPLE.replace(from, to)
    }

    #[test]
    fn compares_with_names_only_earlier_versions() {
        let with = |list: &str| {
            sample_with(
                r#""version": 2,"#,
                &format!(r#""version": 2, "compares_with": {list},"#),
            )
        };
        assert_eq!(
            parse_definition(&with("[1]"), "en").unwrap().compares_with,
            [1]
        );
        for wrong in ["[2]", "[0]", "[3]"] {
            assert_eq!(
                problems(&with(wrong)),
                ["compares_with: must list only earlier versions (from 1 to one less than version)"],
                "{wrong}"
            );
        }
        assert_eq!(
            problems(&with("1")),
            ["compares_with: must be a list of earlier versions, such as [1]"]
        );
        assert_eq!(
            problems(&with(r#"["1"]"#)),
            ["compares_with[0]: must be a whole number such as 1"]
        );
    }

    #[test]
    fn a_complete_definition_reads_into_an_instrument() {
        let instrument = parse_definition(SAMPLE, "en").unwrap();
        assert_eq!(
            instrument,
            Instrument {
                id: "practice.sample".into(),
                version: 2,
                compares_with: vec![],
                title: "Sample".into(),
                language: Some("en".into()),
                attribution: Some("Placeholder attribution.".into()),
                items: vec![
                    Item {
                        id: "i1".into(),
                        title: "One".into(),
                        prompt: "First".into(),
                        scale: Scale::Likert {
                            labels: vec!["Low".into(), "Mid".into(), "High".into()],
                            first_value: 1,
                        },
                        reverse: false,
                    },
                    Item {
                        id: "i2".into(),
                        title: "Two".into(),
                        prompt: "Second".into(),
                        scale: Scale::Likert {
                            labels: vec!["No".into(), "Yes".into()],
                            first_value: 0,
                        },
                        reverse: true,
                    },
                    Item {
                        id: "i3".into(),
                        title: "Three".into(),
                        prompt: "Third".into(),
                        scale: Scale::VisualAnalogue {
                            low_label: "Never".into(),
                            high_label: "Always".into(),
                        },
                        reverse: false,
                    },
                ],
                subscales: vec![Subscale {
                    id: "first-two".into(),
                    title: "First two".into(),
                    item_ids: vec!["i1".into(), "i2".into()],
                }],
                scoring: Scoring::Mean,
                thresholds: Thresholds {
                    total_below: Some(Tenths(35)),
                    item_below: Some(Tenths(10)),
                    item_same_band: Tenths(5),
                    total_same_band: Tenths(3),
                    total_drop: Some(Tenths(5)),
                    item_drop: Some(Tenths(10)),
                    ceiling: Some(CeilingRule {
                        item_at_least: Tenths(25),
                        run_length: 3,
                    }),
                },
            }
        );
    }

    #[test]
    fn optional_parts_may_be_left_out() {
        let minimal = r#"{"format": "alliance-checkin.questionnaire/1", "id": "x", "version": 1,
            "title": "T", "scoring": "sum",
            "items": [{"id": "a", "title": "A", "prompt": "P",
                       "scale": {"type": "likert", "points": 2, "labels": ["n", "y"]}}]}"#;
        let instrument = parse_definition(minimal, "en").unwrap();
        assert_eq!(instrument.language, None);
        assert_eq!(instrument.attribution, None);
        assert!(instrument.subscales.is_empty());
        assert_eq!(instrument.thresholds, no_thresholds());
        assert!(!instrument.items[0].reverse);
        assert_eq!(instrument.items[0].scale.answer_range(), (1, 2));
        // A byte-order mark, as some editors write, is not an error.
        assert_eq!(
            parse_definition(&format!("\u{feff}{minimal}"), "en"),
            Ok(instrument)
        );
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let broken = r#"{
          "format": "alliance-checkin.questionnaire/1",
          "id": "Practice Scale", "version": 0, "scoring": "median", "colour": "red",
          "items": [
            { "id": "a", "title": "A", "scale": { "type": "likert", "points": 12,
                "labels": ["1","2","3","4","5","6","7","8","9","10","11","12"] } },
            { "id": "b", "title": 7, "prompt": "", "reverse": "yes",
              "scale": { "type": "likert", "points": 3, "labels": ["x", "y"] } },
            { "id": "a", "title": "C", "promt": "typo", "prompt": "P",
              "scale": { "type": "slider" } },
            "not an item",
            { "id": "e", "title": "E", "prompt": "P",
              "scale": { "type": "line", "low": {"en": "", "xx-": "bad"}, "high": null } }
          ],
          "subscales": [ { "id": "s", "title": "S", "items": ["a", 2, "zz"] }, { "id": "s" } ],
          "thresholds": { "total_below": "36", "item_below": 7.55, "total_drop": 1e1,
                          "ceiling": { "item_at_least": 9.5 }, "extra": 1 }
        }"#;
        assert_eq!(
            problems(broken),
            [
                "colour: unknown key",
                "title: missing",
                "scoring: must be \"sum\" or \"mean\"",
                "items[0].prompt: missing",
                "items[1].title: must be text, or an object of language tag to text ({\"en\": \"…\"})",
                "items[1].reverse: must be true or false",
                "items[1].scale.labels: must have one label per point: 3 points, 2 labels",
                "items[2].promt: unknown key",
                "items[2].scale.type: must be \"likert\" or \"line\"",
                "items[3]: must be an object ({ … })",
                "items[4].scale.low.en: must not be empty",
                "items[4].scale.low.xx-: is not a language tag such as \"en\" or \"es-MX\"",
                "items[4].scale.high: must be text, or an object of language tag to text ({\"en\": \"…\"})",
                "subscales[0].items[1]: must be an item's id (in quotes)",
                "subscales[1].title: missing",
                "subscales[1].items: missing",
                "thresholds.extra: unknown key",
                "thresholds.total_below: must be a number such as 7.5",
                "thresholds.item_below: must have at most one decimal place",
                "thresholds.total_drop: must be written without an exponent, such as 7.5",
                "thresholds.ceiling.run_length: missing",
                // Then the rules every instrument meets, where nothing above already spoke.
                "id: must be 1 to 64 characters, each a-z, 0-9, \".\" or \"-\"",
                "version: must be 1 or more",
                "items[0].scale.points: must be 2..=11",
                "items[1].prompt: must not be empty",
                "items[2].id: repeats an earlier item's id",
                "subscales[0].items[2]: names no item of this instrument",
                "subscales[1].id: repeats an earlier subscale's id",
            ]
        );
    }

    #[test]
    fn thresholds_off_the_scale_name_its_range() {
        assert_eq!(
            problems(&sample_with(
                "\"total_below\": 3.5",
                "\"total_below\": 48.5"
            )),
            ["thresholds.total_below: must be a number from 0 to 10"]
        );
        assert_eq!(
            problems(&sample_with("\"item_below\": 1", "\"item_below\": -1")),
            ["thresholds.item_below: must be a number from 0 to 10"]
        );
        // Too many digits for any score: still a range error, never an overflow.
        assert_eq!(
            problems(&sample_with(
                "\"item_drop\": 1,",
                "\"item_drop\": 99999999999999999999.9,"
            )),
            ["thresholds.item_drop: must be a number from 0.1 to 10"]
        );
        assert_eq!(
            problems(&sample_with("\"run_length\": 3", "\"run_length\": 300")),
            ["thresholds.ceiling.run_length: must be a whole number from 2 to 20"]
        );
        assert_eq!(
            problems(&sample_with("\"first_value\": 0", "\"first_value\": 70000")),
            ["items[1].scale.first_value: must be a whole number from 0 to 100"]
        );
        assert_eq!(
            problems(&sample_with("\"version\": 2", "\"version\": 4294967296")),
            ["version: must be a whole number from 1 to 4294967295"]
        );
        // A scale that cannot be read leaves the largest score unknown: ranges wait for it.
        let unread = sample_with("\"type\": \"line\"", "\"type\": \"dial\"")
            .replace("\"total_below\": 3.5", "\"total_below\": 99");
        assert_eq!(
            problems(&unread),
            ["items[2].scale.type: must be \"likert\" or \"line\""]
        );
    }

    #[test]
    fn labels_must_match_the_points_and_the_points_their_limit() {
        let text = sample_with(
            "\"points\": 2, \"labels\": [\"No\", \"Yes\"]",
            "\"points\": 40, \"labels\": [\"No\", \"Yes\"]",
        );
        assert_eq!(
            problems(&text),
            [
                "items[1].scale.labels: must have one label per point: 40 points, 2 labels",
                "items[1].scale.points: must be 2..=11",
            ]
        );
        let text = sample_with("\"points\": 2, ", "\"points\": \"2\", ");
        assert_eq!(
            problems(&text),
            ["items[1].scale.points: must be a whole number such as 1"]
        );
        let text = sample_with("\"labels\": [\"No\", \"Yes\"]", "\"labels\": \"No, Yes\"");
        assert_eq!(
            problems(&text),
            ["items[1].scale.labels: must be a list ([ … ]) of labels, one per point"]
        );
    }

    #[test]
    fn sixty_items_at_most_and_texts_of_500_characters() {
        let item = r#"{"id": "i", "title": "T", "prompt": "P", "scale": {"type": "line", "low": "l", "high": "h"}}"#;
        let items: Vec<String> = (0..61)
            .map(|n| item.replace("\"i\"", &format!("\"i{n}\"")))
            .collect();
        let text = format!(
            r#"{{"format": "alliance-checkin.questionnaire/1", "id": "x", "version": 1, "title": "T",
                "scoring": "sum", "items": [{}]}}"#,
            items.join(",")
        );
        assert_eq!(problems(&text), ["items: must list at most 60 items"]);

        let long = "é".repeat(501);
        let text = sample_with("\"Second\"", &format!("\"{long}\""));
        assert_eq!(
            problems(&text),
            ["items[1].prompt: must be at most 500 characters"]
        );
        // Every translation is checked, not only the one shown.
        let text = sample_with("\"es\": \"Primero\"", &format!("\"es\": \"{long}\""));
        assert_eq!(
            problems(&text),
            ["items[0].prompt.es: must be at most 500 characters"]
        );
        assert_eq!(
            problems(&sample_with("\"es\": \"Muestra\"", "\"es\": 3")),
            ["title.es: must be text (in quotes)"]
        );
        assert_eq!(
            problems(&sample_with(
                "{\"en\": \"Sample\", \"es\": \"Muestra\"}",
                "{}"
            )),
            ["title: must have a text for at least one language"]
        );
    }

    #[test]
    fn json_syntax_errors_give_line_and_column() {
        // Columns count characters, not bytes: "é" is one column.
        let text = "{\n  \"title\": \"é\",\n  \"id\" \"x\"\n}";
        assert_eq!(problems(text), ["3:8: not valid JSON: expected :"]);
        assert_eq!(problems(""), ["1:1: not valid JSON: unexpected end"]);
        assert_eq!(
            problems("{\"format\": \"alliance-checkin.questionnaire/1\",}"),
            ["1:47: not valid JSON: expected a key"]
        );
        // A key given twice is placed at the second one's opening quote.
        assert_eq!(
            problems("{\"a\": 1, \"a\": 2}"),
            ["1:10: not valid JSON: duplicate key"]
        );
    }

    #[test]
    fn a_file_that_is_not_a_questionnaire_is_named_as_such() {
        assert_eq!(
            problems("[1, 2]"),
            ["not an Alliance Check-in questionnaire: a definition is a JSON object that starts with \"format\": \"alliance-checkin.questionnaire/1\""]
        );
        // A backup file, say: one clear sentence instead of a dozen unknown keys.
        assert_eq!(
            problems(r#"{"format": "alliance-checkin/backup", "version": 1, "entries": []}"#),
            ["format: wrong: this is not an Alliance Check-in questionnaire (a questionnaire has \"format\": \"alliance-checkin.questionnaire/1\")"]
        );
        assert_eq!(
            problems(r#"{"id": "x"}"#),
            ["format: missing: this is not an Alliance Check-in questionnaire (a questionnaire has \"format\": \"alliance-checkin.questionnaire/1\")"]
        );
        assert_eq!(
            problems(&SAMPLE.replace("questionnaire/1", "questionnaire/2")),
            ["format: is \"alliance-checkin.questionnaire/2\", a version of the questionnaire format this check-in does not read (it reads \"alliance-checkin.questionnaire/1\")"]
        );
    }

    #[test]
    fn texts_follow_the_language_then_fall_back() {
        let titled = |title: &str, own: &str| {
            format!(
                r#"{{"format": "alliance-checkin.questionnaire/1", "id": "x", "version": 1,
                    {own} "title": {title}, "scoring": "sum",
                    "items": [{{"id": "a", "title": "A", "prompt": "P",
                               "scale": {{"type": "line", "low": "l", "high": "h"}}}}]}}"#
            )
        };
        let title = |text: &str, language: &str| parse_definition(text, language).unwrap().title;
        let all = titled(
            r#"{"en": "Focus", "es": "Enfoque", "es-MX": "Enfoque (MX)", "pt-BR": "Foco", "de": "Fokus"}"#,
            "",
        );
        assert_eq!(title(&all, "es-MX"), "Enfoque (MX)", "the exact tag");
        assert_eq!(title(&all, "ES-mx"), "Enfoque (MX)", "tags ignore case");
        assert_eq!(title(&all, "es-AR"), "Enfoque", "the primary subtag");
        assert_eq!(
            title(&all, "pt"),
            "Foco",
            "an entry sharing the primary subtag"
        );
        assert_eq!(title(&all, "fr"), "Focus", "then English");
        let own = titled(r#"{"en": "Focus", "de": "Fokus"}"#, r#""language": "de","#);
        assert_eq!(
            title(&own, "fr"),
            "Fokus",
            "the definition's language before English"
        );
        let first = titled(r#"{"de": "Fokus", "nl": "Focus (nl)"}"#, "");
        assert_eq!(title(&first, "fr"), "Fokus", "else the first entry");
        // Plain strings are simply shown, whatever the language.
        let plain = titled(r#""Focus""#, "");
        assert_eq!(title(&plain, "es"), "Focus");
    }

    #[test]
    fn untranslated_texts_are_listed_by_path() {
        assert_eq!(untranslated_texts(SAMPLE, "en"), Vec::<String>::new());
        assert_eq!(
            untranslated_texts(SAMPLE, "es"),
            [
                "attribution",
                "items[0].title",
                "items[0].scale.labels[0]",
                "items[0].scale.labels[1]",
                "items[1].title",
                "items[1].prompt",
                "items[1].scale.labels[0]",
                "items[1].scale.labels[1]",
                "items[2].title",
                "items[2].prompt",
                "items[2].scale.low",
                "items[2].scale.high",
                "subscales[0].title",
            ]
        );
        assert_eq!(untranslated_texts("not json", "es"), Vec::<String>::new());
    }

    #[test]
    fn hostile_strings_stay_plain_text() {
        let hostile = r#"<img src=x onerror=alert(1)> \"quoted\" \u202Eevil\u202C {title} \\ ™"#;
        let text = sample_with("\"Second\"", &format!("\"{hostile}\""));
        let instrument = parse_definition(&text, "en").unwrap();
        assert_eq!(
            instrument.items[1].prompt,
            "<img src=x onerror=alert(1)> \"quoted\" \u{202e}evil\u{202c} {title} \\ ™"
        );
        // A hostile key is quoted (and shortened) in the path, never taken as structure.
        let key = format!("a\\n\\\"]{}", "x".repeat(60));
        let text = SAMPLE.replacen(
            "\"id\": \"practice.sample\"",
            &format!("\"{key}\": 1, \"id\": \"practice.sample\""),
            1,
        );
        assert_eq!(
            problems(&text),
            [format!("[\"a\\n\\\"]{}\"…]: unknown key", "x".repeat(36))]
        );
    }

    #[test]
    fn errors_never_repeat_a_place() {
        // A missing prompt is "missing", not also "must not be empty".
        let text = sample_with("\"prompt\": \"Second\", ", "");
        assert_eq!(problems(&text), ["items[1].prompt: missing"]);
        // null is not "left out": it is the wrong type, said once.
        let text = sample_with(
            "\"attribution\": \"Placeholder attribution.\"",
            "\"attribution\": null",
        );
        assert_eq!(
            problems(&text),
            ["attribution: must be text, or an object of language tag to text ({\"en\": \"…\"})"]
        );
        assert!(overlaps("items[2]", "items[2].scale.points"));
        assert!(overlaps("items[2].title.es", "items[2].title"));
        assert!(!overlaps("items[2]", "items[20]"));
        assert!(!overlaps("items[1].title", "items[1].titles"));
    }
}
