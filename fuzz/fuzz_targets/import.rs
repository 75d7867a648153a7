//! Fuzz target for restoring from a file: `read_import`, then `import_into` a small history that
//! shares ids with the file. The first byte of the input is not text: two bits of it per file
//! entry (cycling) choose what the history holds of that entry: nothing, the same entry, a copy
//! corrected later, or its deletion. No input may panic, and the result must be a settled
//! history (completion order, no deleted id among the entries) that lost nothing, counted every
//! entry, survives storage and a backup, and does not change when imported again.
#![no_main]

use alliance_checkin::domain::backup::{export_backup, import_into, read_import};
use alliance_checkin::domain::checkin::{
    canonical_history, CheckIn, History, InstrumentRef, Revision, Tombstone,
};
use alliance_checkin::domain::codec::{decode_history, encode_history};
use alliance_checkin::domain::scoring::Answer;
use libfuzzer_sys::fuzz_target;

/// Completion order (oldest first, ties by id), which also means no id twice.
fn in_order(entries: &[CheckIn]) -> bool {
    entries
        .windows(2)
        .all(|pair| (pair[0].completed_at_ms, &pair[0].id) < (pair[1].completed_at_ms, &pair[1].id))
}

fn holds(history: &History, id: &str) -> bool {
    history.entries.iter().any(|entry| entry.id == id)
}

fn deletes(history: &History, id: &str) -> bool {
    history.deleted.iter().any(|gone| gone.id == id)
}

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let Ok(file) = read_import(&text) else {
        return;
    };

    let own = CheckIn {
        id: "fuzz-own".into(),
        completed_at_ms: u64::from(control) << 20,
        instrument: InstrumentRef {
            id: "x".into(),
            version: 1,
        },
        answers: vec![Answer {
            item_id: "i".into(),
            value: 1,
        }],
        note: "mine".into(),
        practice: None,
        therapist: None,
        edited_at_ms: None,
        revision: Revision::default(),
    };
    let mut entries = vec![own];
    let mut deleted = vec![Tombstone {
        id: "fuzz-gone".into(),
        deleted_at_ms: 1,
        life: 0,
    }];
    for (index, entry) in file.entries().iter().enumerate() {
        match control.rotate_right(2 * index as u32) & 3 {
            0 => {}
            1 => entries.push(entry.clone()),
            2 => {
                let mut corrected = entry.clone();
                corrected.edited_at_ms =
                    Some(entry.edited_at_ms.map_or(0, |at| at.saturating_add(1)));
                corrected.revision.edits += 1;
                corrected.note.push_str(" (corrected here)");
                entries.push(corrected);
            }
            _ => deleted.push(Tombstone {
                id: entry.id.clone(),
                deleted_at_ms: index as u64,
                life: entry.revision.life,
            }),
        }
    }
    let history = canonical_history(History {
        generation: 0,
        entries,
        deleted,
    });

    let (after, report) = import_into(history.clone(), &file);

    // Settled.
    assert!(in_order(&after.entries));
    assert!(after.deleted.windows(2).all(|pair| pair[0].id < pair[1].id));
    assert!(!after.entries.iter().any(|entry| deletes(&after, &entry.id)));
    // Counted.
    assert_eq!(
        report.added + report.already_present + report.stayed_deleted,
        file.entries().len()
    );
    assert_eq!(report.rejected, file.rejected());
    // A merge: every entry of the file is there unless deleted here in its life; nothing the
    // history held is lost but to a later copy or a deletion; no deletion is undone but by a
    // later life.
    for entry in file.entries() {
        assert!(holds(&after, &entry.id) || deletes(&after, &entry.id));
    }
    for entry in &history.entries {
        let kept = after.entries.iter().find(|kept| kept.id == entry.id);
        assert!(kept.is_some_and(|kept| kept.revision >= entry.revision) || deletes(&after, &entry.id));
    }
    for gone in &history.deleted {
        let undone = after
            .entries
            .iter()
            .any(|entry| entry.id == gone.id && entry.revision.life > gone.life);
        assert!(deletes(&after, &gone.id) || undone);
    }
    // Twice is once.
    let (again, second) = import_into(after.clone(), &file);
    assert_eq!(again, after);
    assert_eq!(second.added, 0);
    // It can be stored, backed up and read back.
    assert_eq!(decode_history(&encode_history(&after)), Ok(after.clone()));
    let backup = read_import(&export_backup(&after.entries, &after.deleted, 7))
        .expect("own backup unreadable");
    assert!(backup.rejected().is_empty());
    assert_eq!(backup.entries(), after.entries.as_slice());
});
