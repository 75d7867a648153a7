//! The summary for the therapist: plain text, in the client's own voice, that survives any
//! messaging app (no markdown, no tables, no emoji). The client previews and can edit it before
//! anything leaves the device. Also the `mailto:` link, built so that no text can add headers or
//! recipients.

use super::builtin::BUILTIN_INSTRUMENT_ID;
use super::checkin::CheckIn;
use super::feedback::{BaselineKind, Direction, Feedback, Signal};
use super::instrument::{Instrument, Scale};
use super::report::{self, assess_entry, item_title};
use super::scoring::{score, ScoreError, ScoreSheet};
use super::tenths::Tenths;
use super::text::{fill, join_list, Text};

/// How many check-ins the trend shows, at most.
pub const TREND_LENGTH: usize = 6;

/// What the client chose to include.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SummaryOptions {
    pub include_note: bool,
    pub include_trend: bool,
}

/// The headline: the items that fell against the usual (or last time), else the total's
/// direction; the first check-in says so. The ceiling note is never a concern here.
fn headline(text: &Text, instrument: &Instrument, feedback: &Feedback) -> String {
    let Some(comparison) = &feedback.comparison else {
        return text.summary_first_check_in.to_owned();
    };
    let usual = comparison.kind == BaselineKind::Usual;
    for signal in &feedback.signals {
        if let Signal::ItemsLower { item_ids, .. } = signal {
            let titles: Vec<String> = item_ids
                .iter()
                .map(|id| item_title(instrument, id).to_owned())
                .collect();
            return fill(
                if usual {
                    text.summary_items_lower_than_usual
                } else {
                    text.summary_items_lower_than_last_time
                },
                &[("items", &join_list(&titles, text.list_and))],
            );
        }
    }
    match (comparison.total_direction, usual) {
        (Direction::Lower, true) => text.summary_signal_lower_than_usual,
        (Direction::Lower, false) => text.summary_signal_lower_than_last_time,
        (Direction::Higher, true) => text.summary_higher_than_usual,
        (Direction::Higher, false) => text.summary_higher_than_last_time,
        (Direction::AboutTheSame, true) => text.summary_same_as_usual,
        (Direction::AboutTheSame, false) => text.summary_same_as_last_time,
    }
    .to_owned()
}

/// " (usual 9)" or " (last time 9.5)" after a score, and ", under 7.5" when it is under
/// `threshold`: the numbers the therapist needs, on the score's own line.
fn with_comparison(
    text: &Text,
    mut line: String,
    score: Tenths,
    baseline: Option<(BaselineKind, Tenths)>,
    threshold: Option<Tenths>,
) -> String {
    let separator = text.decimal_separator;
    if let Some((kind, baseline)) = baseline {
        let template = match kind {
            BaselineKind::Usual => text.summary_usual,
            BaselineKind::LastTime => text.summary_last_time,
        };
        line.push_str(" (");
        line.push_str(&fill(
            template,
            &[("score", &baseline.format_with(separator))],
        ));
        line.push(')');
    }
    if let Some(threshold) = threshold.filter(|threshold| score < *threshold) {
        line.push_str(", ");
        line.push_str(&fill(
            text.summary_under,
            &[("threshold", &threshold.format_with(separator))],
        ));
    }
    line
}

/// What an item asks, in one line: its prompt, and for a line the words at its top end.
fn asks_line(text: &Text, item: &super::instrument::Item) -> String {
    let prompt = match &item.scale {
        Scale::VisualAnalogue { high_label, .. } => format!("{} {high_label}", item.prompt),
        Scale::Likert { .. } => item.prompt.clone(),
    };
    fill(
        text.summary_asks,
        &[("title", &item.title), ("prompt", &prompt)],
    )
}

/// The check-ins of `instrument` up to and including `entry`, oldest first.
fn up_to<'a>(instrument: &Instrument, entry: &CheckIn, history: &'a [CheckIn]) -> Vec<&'a CheckIn> {
    history
        .iter()
        .filter(|other| other.instrument.is(instrument))
        .filter(|other| report::same_relationship(other, entry))
        .filter(|other| (other.completed_at_ms, &other.id) <= (entry.completed_at_ms, &entry.id))
        .collect()
}

/// The lowest-scoring item (the first in the instrument's order on a tie).
fn lowest_item(sheet: &ScoreSheet) -> Option<(&str, Tenths)> {
    sheet.items.iter().fold(None, |lowest, item| match lowest {
        Some((_, score)) if score <= item.score => lowest,
        _ => Some((item.item_id.as_str(), item.score)),
    })
}

/// The trend lines: the last check-ins up to `entry` (at most `TREND_LENGTH`), oldest first,
/// each with its total and its lowest item. Entries that do not score are left out.
pub fn trend_lines(
    text: &Text,
    instrument: &Instrument,
    entry: &CheckIn,
    history: &[CheckIn],
    date: &dyn Fn(u64) -> String,
) -> Vec<String> {
    let earlier = up_to(instrument, entry, history);
    let start = earlier.len().saturating_sub(TREND_LENGTH);
    let separator = text.decimal_separator;
    earlier[start..]
        .iter()
        .filter_map(|check_in| {
            let sheet = score(instrument, &check_in.answers).ok()?;
            let (item_id, item_score) = lowest_item(&sheet)?;
            Some(fill(
                text.summary_trend_line,
                &[
                    ("date", &date(check_in.completed_at_ms)),
                    ("total", &sheet.total.format_with(separator)),
                    ("max", &instrument.max_total().format_with(separator)),
                    ("item", item_title(instrument, item_id)),
                    ("score", &item_score.format_with(separator)),
                ],
            ))
        })
        .collect()
}

/// Composes the summary of `entry` against the check-ins before it in `history`. `date` writes
/// a timestamp in the client's locale (the browser adapter passes Intl's formatter).
pub fn compose_summary(
    text: &Text,
    instrument: &Instrument,
    entry: &CheckIn,
    history: &[CheckIn],
    options: SummaryOptions,
    date: &dyn Fn(u64) -> String,
) -> Result<String, ScoreError> {
    let (current, feedback) = assess_entry(instrument, entry, history)?;
    let separator = text.decimal_separator;
    let thresholds = &instrument.thresholds;
    // 1. The headline.
    let mut lines = vec![
        fill(
            text.summary_heading,
            &[
                ("title", &instrument.title),
                ("date", &date(entry.completed_at_ms)),
            ],
        ),
        headline(text, instrument, &feedback),
    ];

    // 2. The note, the most useful part, when the client includes it.
    let note = entry.note.trim();
    if options.include_note && !note.is_empty() {
        lines.push(String::new());
        lines.push(text.summary_note_heading.to_owned());
        lines.push(note.to_owned());
    }

    // 3. Each score with its usual (or last time), and the threshold it is under.
    lines.push(String::new());
    let comparison = feedback.comparison.as_ref();
    for item_score in &current.items {
        let title = item_title(instrument, &item_score.item_id);
        let baseline = comparison.and_then(|comparison| {
            comparison
                .items
                .iter()
                .find(|compared| compared.item_id == item_score.item_id)
                .map(|compared| (comparison.kind, compared.baseline))
        });
        lines.push(with_comparison(
            text,
            fill(
                text.summary_item,
                &[
                    ("title", title),
                    ("score", &item_score.score.format_with(separator)),
                ],
            ),
            item_score.score,
            baseline,
            thresholds.item_below,
        ));
    }
    lines.push(with_comparison(
        text,
        fill(
            text.summary_total,
            &[
                ("total", &current.total.format_with(separator)),
                ("max", &instrument.max_total().format_with(separator)),
            ],
        ),
        current.total,
        comparison.map(|comparison| (comparison.kind, comparison.total_baseline)),
        thresholds.total_below,
    ));

    // 4. The recent totals.
    if options.include_trend {
        let trend = trend_lines(text, instrument, entry, history, date);
        if trend.len() >= 2 {
            lines.push(String::new());
            lines.push(text.summary_trend_heading.to_owned());
            lines.extend(trend.into_iter().map(|line| format!("- {line}")));
        }
    }

    // 5. What each question asks.
    lines.push(String::new());
    lines.push(text.summary_asks_heading.to_owned());
    lines.extend(
        instrument
            .items
            .iter()
            .map(|item| format!("- {}", asks_line(text, item))),
    );

    lines.push(String::new());
    // Only the built-in check-in is known not to be validated; a practice's may well be.
    lines.push(if instrument.id == BUILTIN_INSTRUMENT_ID {
        text.summary_footer.to_owned()
    } else {
        text.summary_footer_other.to_owned()
    });
    Ok(lines.join("\n"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters, so no character of `value`
/// can end a header field or start another one in a `mailto:` URI (RFC 6068).
/// Every line break (LF, CR or CRLF) becomes CRLF, as a mailto body needs (RFC 6068, section 5).
fn percent_encode(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut previous = 0;
    for byte in value.bytes() {
        let after_cr = previous == b'\r';
        previous = byte;
        if byte == b'\r' || (byte == b'\n' && !after_cr) {
            out.push_str("%0D%0A");
        } else if byte == b'\n' {
            // The LF of a CRLF, already written.
        } else if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
}

/// Whether `address` is one plain e-mail address: a local part and a domain, and no character
/// that could add a recipient, a header or a line (`,` `;` `?` `&` `%` `<` `>` quotes, spaces,
/// control characters).
pub fn is_plain_email_address(address: &str) -> bool {
    // Bytes, not `str` patterns: this keeps string-search code out of the download.
    let Some(at) = address.bytes().position(|byte| byte == b'@') else {
        return false;
    };
    let (local, domain) = (&address.as_bytes()[..at], &address.as_bytes()[at + 1..]);
    let local_allowed =
        |byte: &u8| byte.is_ascii_alphanumeric() || b"!#$*+-/=^_`{|}~.".contains(byte);
    let domain_allowed = |byte: &u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.');
    !local.is_empty()
        && address.len() <= 254
        && domain.contains(&b'.')
        && domain.first() != Some(&b'.')
        && domain.last() != Some(&b'.')
        && local.iter().all(local_allowed)
        && domain.iter().all(domain_allowed)
}

/// A `mailto:` link to one address with the subject and body encoded, or `None` when the
/// address is not one plain e-mail address.
pub fn mailto_link(address: &str, subject: &str, body: &str) -> Option<String> {
    if !is_plain_email_address(address) {
        return None;
    }
    let mut link = String::with_capacity(16 + address.len() + 3 * (subject.len() + body.len()));
    link.push_str("mailto:");
    percent_encode(&mut link, address);
    link.push_str("?subject=");
    percent_encode(&mut link, subject);
    link.push_str("&body=");
    percent_encode(&mut link, body);
    Some(link)
}

// Snapshot tests use expect-test, a host-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::fixtures::builtin_check_in;
    use crate::domain::text::ENGLISH;
    use expect_test::{expect, Expect};

    const DAY: u64 = 24 * 60 * 60 * 1000;

    /// Dates as "day N" so snapshots do not depend on a locale.
    fn day(ms: u64) -> String {
        format!("day {}", ms / DAY)
    }

    fn summary(entry_index: usize, history: &[CheckIn], options: SummaryOptions) -> String {
        compose_summary(
            &ENGLISH,
            &builtin_instrument(),
            &history[entry_index],
            history,
            options,
            &day,
        )
        .unwrap()
    }

    const EVERYTHING: SummaryOptions = SummaryOptions {
        include_note: true,
        include_trend: true,
    };
    const NOTHING_EXTRA: SummaryOptions = SummaryOptions {
        include_note: false,
        include_trend: false,
    };

    fn check(actual: String, expected: Expect) {
        expected.assert_eq(&actual);
    }

    #[test]
    fn first_check_in() {
        let history = [builtin_check_in("a", DAY, [92, 88, 100, 95])];
        check(
            summary(0, &history, EVERYTHING),
            expect![[r#"
                Session check-in, day 1
                My first check-in here.

                Connection 9.2
                Topics 8.8
                Way of working 10
                Overall 9.5
                Total 37.5 of 40

                What each question asks (higher is better):
                - Connection: Today, with my therapist… I could be open without feeling judged
                - Topics: What we worked on today… was something I had a real say in
                - Way of working: The way we worked today… made sense to me
                - Overall: Looking back on today's session… it was time well spent

                From my Alliance Check-in: format and thresholds after the Session Rating Scale (PCOMS), its own wording, not validated."#]],
        );
    }

    #[test]
    fn a_five_point_questionnaire_reads_against_its_own_scale() {
        use crate::domain::fixtures::{likert_check_in, likert_example};
        let history = [
            likert_check_in("a", DAY, [4; 12]),
            likert_check_in("b", 2 * DAY, [4, 4, 4, 4, 4, 3, 1, 3, 3, 3, 3, 3]),
        ];
        let summary = compose_summary(
            &ENGLISH,
            &likert_example(),
            &history[1],
            &history,
            EVERYTHING,
            &day,
        )
        .unwrap();
        check(
            summary,
            expect![[r#"
                Example: 12 items, 5 points (replace with your licensed questionnaire), day 2
                About the same as last time.

                Item 1 4 (last time 4)
                Item 2 4 (last time 4)
                Item 3 4 (last time 4)
                Item 4 4 (last time 4)
                Item 5 4 (last time 4)
                Item 6 3 (last time 4)
                Item 7 5 (last time 2)
                Item 8 3 (last time 4)
                Item 9 3 (last time 4)
                Item 10 3 (last time 4)
                Item 11 3 (last time 4)
                Item 12 3 (last time 4)
                Total 3.6 of 5 (last time 3.8)

                Recent totals (oldest first):
                - day 1: 3.8 of 5 (lowest: Item 7 2)
                - day 2: 3.6 of 5 (lowest: Item 6 3)

                What each question asks (higher is better):
                - Item 1: Item 1: text from your licensed copy
                - Item 2: Item 2: text from your licensed copy
                - Item 3: Item 3: text from your licensed copy
                - Item 4: Item 4: text from your licensed copy
                - Item 5: Item 5: text from your licensed copy
                - Item 6: Item 6: text from your licensed copy
                - Item 7: Item 7: text from your licensed copy
                - Item 8: Item 8: text from your licensed copy
                - Item 9: Item 9: text from your licensed copy
                - Item 10: Item 10: text from your licensed copy
                - Item 11: Item 11: text from your licensed copy
                - Item 12: Item 12: text from your licensed copy

                From my Alliance Check-in."#]],
        );
    }

    #[test]
    fn a_drop_with_and_without_the_note() {
        let mut today = builtin_check_in("b", 2 * DAY, [95, 70, 85, 60]);
        today.note = "Felt rushed at the end.\nCan we slow down?".into();
        let history = [builtin_check_in("a", DAY, [95, 95, 95, 95]), today];
        check(
            summary(1, &history, EVERYTHING),
            expect![[r#"
                Session check-in, day 2
                Lower than last time: Topics, Way of working and Overall.

                My note:
                Felt rushed at the end.
                Can we slow down?

                Connection 9.5 (last time 9.5)
                Topics 7 (last time 9.5), under 7.5
                Way of working 8.5 (last time 9.5)
                Overall 6 (last time 9.5), under 7.5
                Total 31 of 40 (last time 38), under 36

                Recent totals (oldest first):
                - day 1: 38 of 40 (lowest: Connection 9.5)
                - day 2: 31 of 40 (lowest: Overall 6)

                What each question asks (higher is better):
                - Connection: Today, with my therapist… I could be open without feeling judged
                - Topics: What we worked on today… was something I had a real say in
                - Way of working: The way we worked today… made sense to me
                - Overall: Looking back on today's session… it was time well spent

                From my Alliance Check-in: format and thresholds after the Session Rating Scale (PCOMS), its own wording, not validated."#]],
        );
        let without_note = summary(1, &history, NOTHING_EXTRA);
        assert!(!without_note.contains("My note"));
        assert!(!without_note.contains("rushed"));
        assert!(!without_note.contains("Recent check-ins"));
    }

    #[test]
    fn a_low_session_against_the_usual_reads_in_ten_seconds() {
        // The headline names what fell against the usual; the note comes next; each score
        // carries its usual; then the totals and what each question asks.
        let mut today = builtin_check_in("d", 4 * DAY, [90, 95, 65, 80]);
        today.note = "The homework idea didn't fit my week.".into();
        let history = [
            builtin_check_in("a", DAY, [90, 95, 90, 90]),
            builtin_check_in("b", 2 * DAY, [95, 90, 90, 90]),
            builtin_check_in("c", 3 * DAY, [90, 95, 90, 95]),
            today,
        ];
        check(
            summary(3, &history, EVERYTHING),
            expect![[r#"
                Session check-in, day 4
                Lower than my usual: Way of working and Overall.

                My note:
                The homework idea didn't fit my week.

                Connection 9 (usual 9.2)
                Topics 9.5 (usual 9.3)
                Way of working 6.5 (usual 9), under 7.5
                Overall 8 (usual 9.2)
                Total 33 of 40 (usual 36.7), under 36

                Recent totals (oldest first):
                - day 1: 36.5 of 40 (lowest: Connection 9)
                - day 2: 36.5 of 40 (lowest: Topics 9)
                - day 3: 37 of 40 (lowest: Connection 9)
                - day 4: 33 of 40 (lowest: Way of working 6.5)

                What each question asks (higher is better):
                - Connection: Today, with my therapist… I could be open without feeling judged
                - Topics: What we worked on today… was something I had a real say in
                - Way of working: The way we worked today… made sense to me
                - Overall: Looking back on today's session… it was time well spent

                From my Alliance Check-in: format and thresholds after the Session Rating Scale (PCOMS), its own wording, not validated."#]],
        );
    }

    #[test]
    fn a_run_at_the_top_is_never_a_concern() {
        let history = [
            builtin_check_in("a", DAY, [100; 4]),
            builtin_check_in("b", 2 * DAY, [98; 4]),
            builtin_check_in("c", 3 * DAY, [100; 4]),
            builtin_check_in("d", 4 * DAY, [99; 4]),
        ];
        let text = summary(3, &history, NOTHING_EXTRA);
        assert!(!text.contains("small things"));
        check(
            text,
            expect![[r#"
                Session check-in, day 4
                About as usual.

                Connection 9.9 (usual 9.9)
                Topics 9.9 (usual 9.9)
                Way of working 9.9 (usual 9.9)
                Overall 9.9 (usual 9.9)
                Total 39.6 of 40 (usual 39.7)

                What each question asks (higher is better):
                - Connection: Today, with my therapist… I could be open without feeling judged
                - Topics: What we worked on today… was something I had a real say in
                - Way of working: The way we worked today… made sense to me
                - Overall: Looking back on today's session… it was time well spent

                From my Alliance Check-in: format and thresholds after the Session Rating Scale (PCOMS), its own wording, not validated."#]],
        );
    }

    #[test]
    fn spanish_with_a_drop_the_note_and_the_trend() {
        use crate::domain::builtin::builtin_instrument_in;
        use crate::domain::text::SPANISH;
        let mut today = builtin_check_in("b", 2 * DAY, [65, 80, 90, 75]);
        today.note = "Me sentí con prisa.".into();
        let history = [builtin_check_in("a", DAY, [90, 90, 95, 90]), today];
        let text = compose_summary(
            &SPANISH,
            &builtin_instrument_in(&SPANISH),
            &history[1],
            &history,
            EVERYTHING,
            &|ms| format!("día {}", ms / DAY),
        )
        .unwrap();
        check(
            text,
            expect![[r#"
                Valoración de la sesión, día 2
                Por debajo de la última vez: Conexión, Temas y En general.

                Mi nota:
                Me sentí con prisa.

                Conexión 6,5 (la última vez: 9), por debajo de 7,5
                Temas 8 (la última vez: 9)
                Forma de trabajar 9 (la última vez: 9,5)
                En general 7,5 (la última vez: 9)
                Total 31 de 40 (la última vez: 36,5), por debajo de 36

                Totales recientes (el más antiguo primero):
                - día 1: 36,5 de 40 (puntuación más baja: Conexión 9)
                - día 2: 31 de 40 (puntuación más baja: Conexión 6,5)

                Qué pregunta cada ítem (cuanto más alto, mejor):
                - Conexión: Hoy, con mi terapeuta… pude abrirme sin miedo a que me juzgara
                - Temas: Lo que trabajamos hoy… lo decidimos contando conmigo
                - Forma de trabajar: La forma en que trabajamos hoy… tenía sentido para mí
                - En general: Pensando en la sesión de hoy… fue un tiempo bien aprovechado

                De mi Alliance Check-in: formato y umbrales según la Session Rating Scale (PCOMS), redacción propia, sin validar."#]],
        );
    }

    #[test]
    fn spanish_against_the_usual_without_agreement_problems() {
        use crate::domain::builtin::builtin_instrument_in;
        use crate::domain::text::SPANISH;
        let history = [
            builtin_check_in("a", DAY, [90, 95, 90, 90]),
            builtin_check_in("b", 2 * DAY, [95, 90, 90, 90]),
            builtin_check_in("c", 3 * DAY, [90, 95, 90, 95]),
            builtin_check_in("d", 4 * DAY, [90, 95, 65, 80]),
        ];
        let text = compose_summary(
            &SPANISH,
            &builtin_instrument_in(&SPANISH),
            &history[3],
            &history,
            NOTHING_EXTRA,
            &|ms| format!("día {}", ms / DAY),
        )
        .unwrap();
        check(
            text,
            expect![[r#"
            Valoración de la sesión, día 4
            Por debajo de lo habitual: Forma de trabajar y En general.

            Conexión 9 (lo habitual: 9,2)
            Temas 9,5 (lo habitual: 9,3)
            Forma de trabajar 6,5 (lo habitual: 9), por debajo de 7,5
            En general 8 (lo habitual: 9,2)
            Total 33 de 40 (lo habitual: 36,7), por debajo de 36

            Qué pregunta cada ítem (cuanto más alto, mejor):
            - Conexión: Hoy, con mi terapeuta… pude abrirme sin miedo a que me juzgara
            - Temas: Lo que trabajamos hoy… lo decidimos contando conmigo
            - Forma de trabajar: La forma en que trabajamos hoy… tenía sentido para mí
            - En general: Pensando en la sesión de hoy… fue un tiempo bien aprovechado

            De mi Alliance Check-in: formato y umbrales según la Session Rating Scale (PCOMS), redacción propia, sin validar."#]],
        );
    }

    #[test]
    fn the_trend_keeps_the_last_six_up_to_this_check_in() {
        let history: Vec<CheckIn> = (1..=9)
            .map(|n| builtin_check_in(&format!("e{n}"), n * DAY, [90 + n as u16, 80, 90, 90]))
            .collect();
        // Summarising the 8th: the trend is days 3 to 8, never the later day 9.
        let lines = trend_lines(&ENGLISH, &builtin_instrument(), &history[7], &history, &day);
        assert_eq!(lines.len(), TREND_LENGTH);
        assert_eq!(lines[0], "day 3: 35.3 of 40 (lowest: Topics 8)");
        assert_eq!(lines[5], "day 8: 35.8 of 40 (lowest: Topics 8)");
    }

    #[test]
    fn unusual_notes_pass_through_on_their_own_lines() {
        let mut today = builtin_check_in("a", DAY, [90; 4]);
        today.note = "  שלום, תודה  \n🙂 ok\r\nline three  ".into();
        let history = [today];
        let text = summary(0, &history, EVERYTHING);
        assert!(
            text.contains("My note:\nשלום, תודה  \n🙂 ok\r\nline three\n"),
            "{text}"
        );
        let long = "word ".repeat(200);
        let mut today = builtin_check_in("a", DAY, [90; 4]);
        today.note = long.clone();
        let text = summary(0, &[today], EVERYTHING);
        assert!(text.contains(long.trim()));
    }

    #[test]
    fn mailto_encodes_everything_that_could_add_headers_or_recipients() {
        let link = mailto_link(
            "therapist@example.org",
            "Check-in & notes",
            "Line one\nbcc=me@evil.example?&cc=x\r\n%0A",
        )
        .unwrap();
        assert_eq!(
            link,
            "mailto:therapist%40example.org?subject=Check-in%20%26%20notes&body=Line%20one%0D%0Abcc%3Dme%40evil.example%3F%26cc%3Dx%0D%0A%250A"
        );
        // Old Mac line ends and mixed ones all become one CRLF each.
        assert_eq!(
            mailto_link("a@b.org", "s", "1\r2\r\n3\n\n4").unwrap(),
            "mailto:a%40b.org?subject=s&body=1%0D%0A2%0D%0A3%0D%0A%0D%0A4"
        );
        for hostile in [
            "a@b.org?cc=c@d.org",
            "a@b.org,c@d.org",
            "a@b.org;c@d.org",
            "a@b.org\r\nBcc: c@d.org",
            "a@b.org%0Acc",
            "\"a\"@b.org",
            "a b@c.org",
            "<a@b.org>",
            "a@b",
            "@b.org",
            "a@.org",
            "",
        ] {
            assert_eq!(mailto_link(hostile, "s", "b"), None, "{hostile:?}");
        }
    }
}
