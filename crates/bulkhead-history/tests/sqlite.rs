//! The history store on a real SQLite file: the shared scenarios, migrations, the journal,
//! and a writer killed with SIGKILL in the middle of a scan.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use bulkhead_history::{migrate, Store};
use common::scenarios::{self, finding, scan};

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("history.db").to_str().unwrap()).unwrap();
    (dir, store)
}

#[test]
fn lists_scans_newest_first_with_failures_and_their_reason() {
    scenarios::lists_scans_newest_first_with_failures_and_their_reason(&mut fresh().1);
}

#[test]
fn new_resolved_and_still_open_between_two_scans() {
    scenarios::new_resolved_and_still_open_between_two_scans(&mut fresh().1);
}

#[test]
fn same_fingerprint_in_two_clusters_is_tracked_per_cluster() {
    scenarios::same_fingerprint_in_two_clusters_is_tracked_per_cluster(&mut fresh().1);
}

#[test]
fn score_over_time_per_framework_and_cluster() {
    scenarios::score_over_time_per_framework_and_cluster(&mut fresh().1);
}

#[test]
fn a_large_scan_round_trips() {
    scenarios::a_large_scan_round_trips(&mut fresh().1);
}

#[test]
fn the_file_uses_a_write_ahead_log_and_records_its_migrations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let path = path.to_str().unwrap();
    let mut store = Store::open(path).unwrap();
    assert_eq!(store.backend(), "sqlite");
    assert_eq!(
        store.schema_version().unwrap(),
        migrate::SQLITE.len() as i64
    );
    let id = store
        .record(&scan("prod", 1, vec![finding("a", "high")], &[]))
        .unwrap();
    drop(store);

    let conn = rusqlite::Connection::open(path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let applied: Vec<(i64, String)> = conn
        .prepare("SELECT version, name FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let expected: Vec<(i64, String)> = migrate::SQLITE
        .iter()
        .map(|m| (m.version, m.name.to_string()))
        .collect();
    assert_eq!(applied, expected);
    drop(conn);

    // Opening again applies nothing twice and keeps what was stored; `sqlite://` names the
    // same file.
    let mut again = Store::open(&format!("sqlite://{path}")).unwrap();
    assert_eq!(
        again.schema_version().unwrap(),
        migrate::SQLITE.len() as i64
    );
    assert_eq!(again.scans(None, 10).unwrap()[0].id, id);
}

#[test]
fn a_store_from_a_newer_bulkhead_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    drop(Store::open(path.to_str().unwrap()).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_ms) VALUES (999, 'future', 0)",
        [],
    )
    .unwrap();
    drop(conn);
    let err = Store::open(path.to_str().unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("version 999") && err.contains("newer"),
        "{err}"
    );
}

#[test]
fn a_path_that_cannot_be_opened_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("history.db");
    let err = Store::open(path.to_str().unwrap())
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no-such-dir"), "{err}");
    assert!(Store::open("").is_err());
}

/// The scan the writer below records as its `n`th: `n % 7 + 1` findings, so a reader can
/// tell a whole scan from a torn one.
fn writer_scan(n: i64) -> bulkhead_history::ScanRecord {
    let findings = (0..=n % 7)
        .map(|i| finding(&format!("w{n}-{i}"), "medium"))
        .chain((0..2_000).map(|i| finding(&format!("shared{i}"), "low")))
        .collect();
    scan("writer", n, findings, &[("cis-1.12", Some(n as f64))])
}

/// Not a test of its own: the child process of the SIGKILL test. With
/// `BULKHEAD_HISTORY_WRITER` set to a store path, it records scans forever and prints the
/// id of each one after its commit returned.
#[test]
fn kill9_writer_child() {
    let Ok(path) = std::env::var("BULKHEAD_HISTORY_WRITER") else {
        return;
    };
    let mut store = Store::open(&path).unwrap();
    for n in 1.. {
        let id = store.record(&writer_scan(n)).unwrap();
        println!("committed {id} {n}");
    }
}

#[test]
fn the_store_survives_sigkill_in_the_middle_of_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "kill9_writer_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("BULKHEAD_HISTORY_WRITER", &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut last_committed: Option<(i64, i64)> = None;
        let mut lines = stdout.lines();
        // Let it commit a few scans, then kill it at a moment that differs per round, most
        // likely in the middle of the next transaction (each takes thousands of statements).
        let wanted = 5 + round * 3;
        while let Some(Ok(line)) = lines.next() {
            if let Some(rest) = line.strip_prefix("committed ") {
                let mut parts = rest.split(' ').map(|p| p.parse::<i64>().unwrap());
                last_committed = Some((parts.next().unwrap(), parts.next().unwrap()));
                if last_committed.is_some_and(|(_, n)| n >= wanted) {
                    break;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(3 * round as u64));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let (last_id, last_n) = last_committed.expect("the writer committed scans");

        let mut store = Store::open(path.to_str().unwrap()).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok");
        let latest = &store.scans(Some("writer"), 1).unwrap()[0];
        // The last scan it reported committed is there; at most one more committed after the
        // report and before the kill; a half-written one is gone entirely.
        assert!(
            latest.id == last_id || latest.id == last_id + 1,
            "latest stored scan {} vs last reported commit {last_id}",
            latest.id
        );
        let n = latest.started_ms;
        assert!(n == last_n || n == last_n + 1);
        let previous = store.scans(Some("writer"), 2).unwrap()[1].id;
        let changes = store.changes(previous, latest.id).unwrap();
        let expected = writer_scan(n);
        assert_eq!(
            changes.new.len() + changes.still_open.len(),
            expected.findings.len(),
            "scan {} is whole",
            latest.id
        );
        assert_eq!(latest.counts, expected.counts);
        let trend = store.score_trend("cis-1.12", Some("writer")).unwrap();
        assert_eq!(trend.last().map(|p| p.scan_id), Some(latest.id));
    }
}
