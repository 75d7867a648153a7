//! Regression tests from an attacker's review of the history engine: each was a failing test
//! first (data loss, then crash, then wrong result), and each scenario is named in its doc.

use super::backup::{export_backup, read_import};
use super::checkin::Revision;
use super::fixtures::{builtin_check_in, Device};
use super::history_engine::{HistoryEngine, Keys, StorageError};
use super::stored_reader::StoredReader;

fn keys() -> Keys {
    Keys::new("default")
}

fn ids(engine: &HistoryEngine) -> Vec<String> {
    engine.history().into_iter().map(|entry| entry.id).collect()
}

/// An imported backup whose check-in has life u32::MAX: delete, then undo. `restored` saturates,
/// the undo's copy has the same life as the deletion, and the deletion wins: the undo is lost.
#[test]
fn review_undo_is_lost_when_a_backup_carried_life_u32_max() {
    let mut device = Device::default();
    let mut tab = HistoryEngine::new(keys(), true);
    let mut entry = builtin_check_in("a1", 1_000, [50; 4]);
    entry.revision = Revision {
        life: u32::MAX,
        edits: 0,
    };
    let hostile = read_import(&export_backup(&[entry.clone()], &[], 2_000)).unwrap();
    // A count no client reaches is refused at the door: that entry is rejected, not imported.
    assert!(hostile.entries().is_empty());
    assert_eq!(hostile.rejected()[0].problem.field, "life");
    // A large life that reads still leaves the undo room to outrank its deletion.
    entry.revision.life = 1_000;
    let file = read_import(&export_backup(&[entry], &[], 2_000)).unwrap();
    tab.import(file);
    device.sync(&mut tab, 3_000);
    let shown = tab.history()[0].clone();
    tab.delete(&shown, 4_000);
    device.sync(&mut tab, 4_000);
    assert!(ids(&tab).is_empty());
    tab.undo_delete(shown, true);
    device.sync(&mut tab, 5_000);
    assert_eq!(ids(&tab), ["a1"], "the client's undo was lost");
    assert_eq!(device.main_ids(&keys()), ["a1"]);
}

/// A previous-release (v2) tab is open. Another tab deletes everything (main key removed,
/// marker gen 1). The client then saves a NEW check-in in the v2 tab: v2 sees no main key and
/// writes its history (version 2, no generation) to the MAIN key. Any v3 tab then reads it as
/// generation 0, drops it (`absorb(.., older_version: false)`) and writes generation 1 over it.
#[test]
fn review_a_v2_tabs_save_after_delete_everything_is_overwritten() {
    let keys = keys();
    let mut device = Device::default();
    let mut v3 = HistoryEngine::new(keys.clone(), true);
    v3.save(builtin_check_in("old", 1_000, [50; 4]));
    device.sync(&mut v3, 1_000);
    v3.erase_everything();
    device.sync(&mut v3, 2_000);
    assert_eq!(v3.generation(), 1);
    // The v2 tab's save, made after the erasure, lands in the main key as version 2.
    let v2_text = r#"{"format":"alliance-checkin/history","version":2,"entries":[{"id":"after","completed_at":3000,"instrument":{"id":"builtin.alliance-checkin","version":1},"answers":[{"item":"overall","value":50}],"note":""}],"deleted":[]}"#;
    device.0.insert(keys.history(), v2_text.into());
    // A v3 tab opened now (or the open one on the storage event).
    let mut fresh = HistoryEngine::new(keys.clone(), true);
    device.sync(&mut fresh, 4_000);
    assert_eq!(
        ids(&fresh),
        ["after"],
        "a check-in saved after the erasure is not shown"
    );
    assert_eq!(device.main_ids(&keys), ["after"], "it was written away");
}

/// A previous-release (v2) tab's "delete everything" removes every key of the namespace (the
/// v3 marker included) and leaves no marker. Any open v3 tab replays its intents (every check-in
/// it saved or restored in its life) at the next storage event: everything comes back.
/// (The same happens after `localStorage.clear()` / "clear site data" with a v3 tab open.)
#[test]
fn review_delete_everything_by_an_older_version_is_undone_by_an_open_v3_tab() {
    let keys = keys();
    let mut device = Device::default();
    let mut v3 = HistoryEngine::new(keys.clone(), true);
    v3.save(builtin_check_in("private", 1_000, [50; 4]));
    device.sync(&mut v3, 1_000);
    // v2's delete_everything: every owned key removed.
    device.0.clear();
    device.sync(&mut v3, 2_000); // the storage event
    assert!(
        device.main_ids(&keys).is_empty(),
        "the erased check-in was written back"
    );
}

/// A restore whose write fails is reported as failed (no report; `WriteFailed`), but the file
/// was already merged into the intents in `plan`: it lands silently at the next sync.
#[test]
fn review_a_failed_restore_lands_later_without_a_report() {
    let keys = keys();
    let mut device = Device::default();
    let mut tab = HistoryEngine::new(keys.clone(), true);
    let file = read_import(&export_backup(
        &[builtin_check_in("b1", 1_000, [50; 4])],
        &[],
        2_000,
    ))
    .unwrap();
    tab.import(file);
    let plan = tab.plan(&device.snapshot(&keys), 3_000, Some(&StoredReader::new()));
    tab.finish(plan, Err((0, StorageError::QuotaExceeded)));
    assert!(tab.take_import_report().is_none());
    device.sync(&mut tab, 4_000);
    assert!(
        device.main_ids(&keys).is_empty() || tab.take_import_report().is_some(),
        "the restore the client was told failed landed anyway, with no report"
    );
}

/// Tab A deletes X; tab B deletes everything; tab A's undo toast is still there and the client
/// presses it before tab A heard of the erasure: X comes back into the new generation.
#[test]
fn review_undo_after_delete_everything_elsewhere_brings_the_check_in_back() {
    let keys = keys();
    let mut device = Device::default();
    let mut a = HistoryEngine::new(keys.clone(), true);
    let mut b = HistoryEngine::new(keys.clone(), true);
    a.save(builtin_check_in("x", 1_000, [50; 4]));
    device.sync(&mut a, 1_000);
    let shown = a.history()[0].clone();
    a.delete(&shown, 2_000);
    device.sync(&mut a, 2_000);
    device.sync(&mut b, 2_500);
    b.erase_everything();
    device.sync(&mut b, 3_000);
    a.undo_delete(shown, true);
    device.sync(&mut a, 4_000);
    assert!(
        device.main_ids(&keys).is_empty(),
        "'delete everything' was undone by a stale undo"
    );
}

/// A marker with generation u64::MAX (damaged or hostile storage): "delete everything" adds 1
/// without checking (history_engine.rs plan_erasure). Debug: panic. Release wasm: wraps to 0.
#[test]
fn review_delete_everything_with_a_huge_generation_does_not_overflow() {
    let keys = keys();
    let mut device = Device::default();
    device.0.insert(
        keys.erased(),
        format!("{{\"generation\":{},\"erased_at\":1}}", u64::MAX),
    );
    let mut tab = HistoryEngine::new(keys.clone(), true);
    device.sync(&mut tab, 1_000);
    tab.erase_everything();
    device.sync(&mut tab, 2_000);
    // A generation no version writes is not ours: the erasure starts the next one from what
    // this version can read, and writes a marker every tab can read.
    assert!(tab.generation() >= 1);
    let marker = device.0.get(&keys.erased()).unwrap();
    assert_eq!(
        super::history_engine::ErasedMark::decode(marker)
            .unwrap()
            .generation,
        tab.generation()
    );
}

/// The main key is unreadable and the copy aside fails (no room): the plan already raised
/// `UnreadableSetAside` ("set aside, here is the key") and listed the key for rescue, but
/// nothing was copied; the listed key does not exist.
#[test]
fn review_set_aside_that_failed_is_not_reported_as_done() {
    use super::history_engine::HistoryNotice;
    let keys = keys();
    let mut device = Device::default();
    device.0.insert(keys.history(), "{not json".into());
    let mut tab = HistoryEngine::new(keys.clone(), true);
    let plan = tab.plan(&device.snapshot(&keys), 1_000, Some(&StoredReader::new()));
    tab.finish(plan, Err((0, StorageError::QuotaExceeded)));
    let notices = tab.take_notices();
    assert!(
        !notices.contains(&HistoryNotice::UnreadableSetAside),
        "told it was set aside: {notices:?}"
    );
    for key in tab.set_aside_keys() {
        assert!(
            device.0.contains_key(key),
            "offers {key} for rescue; it does not exist"
        );
    }
}

/// Tab P deleted everything (generation 1). The marker then disappears (a previous-release
/// tab's "delete everything" removes every key of the namespace, or `localStorage.clear()`).
/// A new tab Q starts at generation 0 and saves X (told "Saved"). P's next sync reads the main
/// history as generation 0 < 1, ignores it (absorb: not older_version) and writes generation 1
/// over it; Q then learns generation 1 from the main key and drops X from its intents.
#[test]
fn review_a_check_in_saved_after_the_marker_vanished_is_destroyed_by_an_older_tab() {
    use super::history_engine::EntryStatus;
    let keys = keys();
    let mut device = Device::default();
    let mut p = HistoryEngine::new(keys.clone(), true);
    p.save(builtin_check_in("old", 1_000, [50; 4]));
    device.sync(&mut p, 1_000);
    p.erase_everything();
    device.sync(&mut p, 2_000);
    device.0.clear(); // v2's delete_everything: every owned key removed, no marker left
    let mut q = HistoryEngine::new(keys.clone(), true);
    device.sync(&mut q, 3_000);
    q.save(builtin_check_in("x", 4_000, [50; 4]));
    device.sync(&mut q, 4_000);
    assert_eq!(q.status("x"), EntryStatus::Saved);
    device.sync(&mut p, 5_000); // storage event in P
    device.sync(&mut q, 6_000); // storage event in Q
    device.sync(&mut p, 7_000);
    assert_eq!(ids(&q), ["x"], "the tab that saved it no longer shows it");
    assert_eq!(device.main_ids(&keys), ["x"], "reported saved, and lost");
}

/// A restore can delete check-ins the device holds (the file's deletions travel), and the report
/// ("Restored: N added, M already here, K stayed deleted") says nothing about it; there is no
/// undo. With a deletion of life u32::MAX in the file, nothing can ever bring the check-in back.
#[test]
fn review_a_restore_that_deletes_check_ins_here_says_so() {
    use super::checkin::Tombstone;
    let keys = keys();
    let mut device = Device::default();
    let mut tab = HistoryEngine::new(keys.clone(), true);
    tab.save(builtin_check_in("mine", 1_000, [50; 4]));
    device.sync(&mut tab, 1_000);
    let file = read_import(&export_backup(
        &[builtin_check_in("other", 500, [10; 4])],
        &[Tombstone {
            id: "mine".into(),
            deleted_at_ms: 900,
            life: 0,
        }],
        2_000,
    ))
    .unwrap();
    tab.import(file);
    device.sync(&mut tab, 3_000);
    let report = tab.take_import_report().unwrap();
    let gone = !device.main_ids(&keys).contains(&"mine".to_string());
    assert!(
        !gone || report.removed_here > 0,
        "'mine' was deleted by the restore; the report {report:?} does not say so"
    );
}

/// Tab B corrects X; tab A (which had not synced B's write yet) deletes X (the deletion is
/// resolved against the device: B's corrected copy) and then presses Undo: `Change::Undo`
/// brings back the copy A's page SAW (uncorrected), one life later, so B's correction is lost.
#[test]
fn review_undo_brings_back_the_stale_copy_and_loses_a_correction() {
    use super::fixtures::edited;
    let keys = keys();
    let mut device = Device::default();
    let mut a = HistoryEngine::new(keys.clone(), true);
    let mut b = HistoryEngine::new(keys.clone(), true);
    a.save(builtin_check_in("x", 1_000, [50; 4]));
    device.sync(&mut a, 1_000);
    device.sync(&mut b, 1_100);
    let stale = a.history()[0].clone();
    b.correct(edited(b.history()[0].clone(), 1_500, "corrected in B"));
    device.sync(&mut b, 1_500);
    a.delete(&stale, 2_000); // A's storage event for B's write had not arrived
    device.sync(&mut a, 2_000);
    a.undo_delete(stale, true);
    device.sync(&mut a, 3_000);
    device.sync(&mut b, 3_100);
    let notes: Vec<String> = b.history().into_iter().map(|e| e.note).collect();
    assert_eq!(
        notes,
        ["corrected in B"],
        "the correction was lost by delete + undo"
    );
}
