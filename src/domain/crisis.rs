//! Whom to call in a crisis, by the region of the client's language: the safety text under the
//! note field and on the result screen names the numbers that serve that region, and says
//! "your local emergency number" when the region is unknown. A practice's own `safety-text`
//! replaces all of this (the caller decides).
//!
//! The region comes from the browser's languages (`es-MX` means Mexico): the first tag of the
//! widget's language that names a region, else the first tag that names one at all (a
//! Spanish-speaking client whose browser says `en-US` is in the US). A region with no entry
//! below gets the neutral sentence: a wrong number is worse than none.

use super::text::{fill, join_list, Text};

/// Emergency number first, then a crisis line that serves the whole region, as dialled.
const NUMBERS: [(&str, &[&str]); 7] = [
    ("US", &["911", "988"]),
    ("CA", &["911", "988"]),
    ("MX", &["911"]),
    ("GB", &["999", "116 123"]),
    ("IE", &["112", "116 123"]),
    ("ES", &["112", "024"]),
    ("AU", &["000", "13 11 14"]),
];

/// The region subtag (`MX`) of a BCP 47 tag, if it has a two-letter one.
fn region_of(tag: &str) -> Option<&str> {
    tag.split('-')
        .skip(1)
        .find(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_alphabetic()))
}

/// The client's region for crisis numbers (as written: `MX`, `mx`): from the first of
/// `browser_languages` in the widget's language (`language_tag`) that names a region, else
/// from the first that does.
pub fn client_region<'a>(language_tag: &str, browser_languages: &'a [String]) -> Option<&'a str> {
    let in_language = |tag: &&String| {
        tag.split('-')
            .next()
            .is_some_and(|primary| primary.eq_ignore_ascii_case(language_tag))
    };
    browser_languages
        .iter()
        .filter(in_language)
        .chain(browser_languages)
        .find_map(|tag| region_of(tag))
}

/// "This is not a crisis service… call 911 or 988 now", or the neutral sentence.
pub fn crisis_sentence(text: &Text, region: Option<&str>) -> String {
    let numbers = region.and_then(|region| {
        NUMBERS
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(region))
            .map(|(_, numbers)| numbers)
    });
    match numbers {
        Some(numbers) => {
            let numbers: Vec<String> = numbers.iter().map(|n| (*n).to_owned()).collect();
            fill(
                text.safety_crisis_numbers,
                &[("numbers", &join_list(&numbers, text.list_or))],
            )
        }
        None => text.safety_crisis_local.to_owned(),
    }
}

/// The practice's own safety text when it set one, else the crisis sentence for the client's
/// region (found from `browser_languages`).
pub fn crisis_words(text: &Text, practice: Option<&str>, browser_languages: &[String]) -> String {
    match practice {
        Some(practice) => practice.to_owned(),
        None => crisis_sentence(text, client_region(text.language_tag, browser_languages)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{ENGLISH, SPANISH};

    fn tags(list: &[&str]) -> Vec<String> {
        list.iter().map(|tag| (*tag).to_owned()).collect()
    }

    fn sentence(text: &Text, browser: &[&str]) -> String {
        let browser = tags(browser);
        let region = client_region(text.language_tag, &browser);
        crisis_sentence(text, region)
    }

    #[test]
    fn each_region_gets_its_own_numbers() {
        let spain = sentence(&SPANISH, &["es-ES", "es"]);
        assert!(spain.contains("al 112 o 024."), "{spain}");
        let mexico = sentence(&SPANISH, &["es-MX"]);
        assert!(mexico.contains("al 911."), "{mexico}");
        assert!(!mexico.contains("999"));
        let britain = sentence(&ENGLISH, &["en-GB"]);
        assert!(britain.contains("call 999 or 116 123 now"), "{britain}");
        let us = sentence(&ENGLISH, &["en-US", "en"]);
        assert!(us.contains("call 911 or 988 now"), "{us}");
    }

    #[test]
    fn an_unknown_region_gets_the_neutral_line() {
        for browser in [&[][..], &["es"], &["es-419"], &["es-CO"], &["en-ZZ"]] {
            assert_eq!(sentence(&SPANISH, browser), SPANISH.safety_crisis_local);
        }
        assert_eq!(sentence(&ENGLISH, &["en"]), ENGLISH.safety_crisis_local);
    }

    #[test]
    fn the_practices_own_text_wins() {
        let words = crisis_words(&SPANISH, Some("Llama a la consulta"), &tags(&["es-MX"]));
        assert_eq!(words, "Llama a la consulta");
        let ours = crisis_words(&SPANISH, None, &tags(&["es-MX"]));
        assert!(ours.contains("911"));
    }

    #[test]
    fn the_widgets_language_is_preferred_then_any_region() {
        // A Spanish widget in a browser that prefers en-GB but also lists es-MX: Mexico.
        assert_eq!(client_region("es", &tags(&["en-GB", "es-MX"])), Some("MX"));
        // No Spanish tag with a region: the browser's own region still locates the client.
        assert_eq!(client_region("es", &tags(&["en-US", "es"])), Some("US"));
        assert_eq!(client_region("es", &tags(&["zh-Hant-TW"])), Some("TW"));
        // Case does not matter.
        assert!(crisis_sentence(&ENGLISH, client_region("en", &tags(&["en-gb"]))).contains("999"));
    }
}
