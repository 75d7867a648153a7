//! When to remind the client to download a backup: after every tenth check-in since the last
//! backup (or reminder), or when a month has passed since then with at least one new check-in.
//! Gentle on purpose: never before the third check-in, and "Not now" counts as a reminder.

/// Check-ins between reminders.
pub const CHECK_INS_BETWEEN_REMINDERS: usize = 10;
/// Time between reminders, in milliseconds (30 days).
pub const TIME_BETWEEN_REMINDERS_MS: u64 = 30 * 24 * 60 * 60 * 1000;
/// No reminder before this many check-ins: there is little to lose yet.
pub const FIRST_REMINDER_AFTER: usize = 3;

/// The last backup or reminder: when, and how many check-ins there were then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupMark {
    pub at_ms: u64,
    pub check_ins: usize,
}

impl BackupMark {
    /// Stored as "<ms>:<count>".
    pub fn encode(self) -> String {
        let mut out = self.at_ms.to_string();
        out.push(':');
        out.push_str(&self.check_ins.to_string());
        out
    }

    /// The mark a stored word names; `None` for anything else (then the reminder counts from
    /// the first check-in, which is the safe side).
    pub fn parse(stored: &str) -> Option<Self> {
        let (at, count) = stored.split_once(':')?;
        Some(BackupMark {
            at_ms: at.parse().ok()?,
            check_ins: count.parse().ok()?,
        })
    }
}

/// Whether to show the backup reminder now. `first_check_in_ms` is when the oldest kept
/// check-in was made (the clock starts there when there has been no backup).
pub fn backup_reminder_due(
    now_ms: u64,
    check_ins: usize,
    first_check_in_ms: Option<u64>,
    last: Option<BackupMark>,
) -> bool {
    if check_ins < FIRST_REMINDER_AFTER {
        return false;
    }
    let (since_ms, check_ins_then) = match (last, first_check_in_ms) {
        (Some(mark), _) => (mark.at_ms, mark.check_ins),
        (None, Some(first)) => (first, 0),
        (None, None) => return false,
    };
    let new_check_ins = check_ins.saturating_sub(check_ins_then);
    new_check_ins >= CHECK_INS_BETWEEN_REMINDERS
        || (new_check_ins > 0 && now_ms.saturating_sub(since_ms) >= TIME_BETWEEN_REMINDERS_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 24 * 60 * 60 * 1000;

    #[test]
    fn never_for_the_first_few_check_ins() {
        assert!(!backup_reminder_due(400 * DAY, 2, Some(0), None));
        assert!(!backup_reminder_due(400 * DAY, 0, None, None));
    }

    #[test]
    fn after_ten_check_ins_or_a_month_since_the_last_backup() {
        let mark = Some(BackupMark {
            at_ms: 100 * DAY,
            check_ins: 5,
        });
        assert!(!backup_reminder_due(101 * DAY, 14, Some(0), mark));
        assert!(backup_reminder_due(101 * DAY, 15, Some(0), mark));
        assert!(!backup_reminder_due(129 * DAY, 6, Some(0), mark));
        assert!(backup_reminder_due(130 * DAY, 6, Some(0), mark));
        // A month with nothing new to back up is no reason to ask.
        assert!(!backup_reminder_due(200 * DAY, 5, Some(0), mark));
    }

    #[test]
    fn without_a_backup_the_clock_starts_at_the_first_check_in() {
        assert!(!backup_reminder_due(29 * DAY, 3, Some(0), None));
        assert!(backup_reminder_due(30 * DAY, 3, Some(0), None));
        assert!(backup_reminder_due(DAY, 10, Some(0), None));
    }

    #[test]
    fn marks_round_trip_and_junk_is_none() {
        let mark = BackupMark {
            at_ms: 1_763_800_000_000,
            check_ins: 42,
        };
        assert_eq!(BackupMark::parse(&mark.encode()), Some(mark));
        for junk in ["", "12", "a:b", "1:-2", ":3"] {
            assert_eq!(BackupMark::parse(junk), None, "{junk}");
        }
    }
}
