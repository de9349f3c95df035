//! The readers: JSON lines, EventList lines and documents, gzip, directories in time order,
//! lines that are not events (counted, with their line numbers), time bounds, following a
//! live file across rotation.

mod common;

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use bulkhead_audit::read::{follow, read_stream};
use bulkhead_audit::sources::read_all;
use bulkhead_audit::time::parse_rfc3339_micros;
use bulkhead_audit::RuleOptions;
use bulkhead_audit::{Alert, Sink};
use common::{detector, event, Collect};

/// Counts alerts where the stop condition can see them.
struct Counting {
    inner: Collect,
    seen: Arc<AtomicUsize>,
}

impl Sink for Counting {
    fn alert(&mut self, alert: &Alert) {
        self.seen.fetch_add(1, Ordering::Relaxed);
        self.inner.alert(alert);
    }
    fn unreadable(&mut self, origin: &str, line: u64, message: &str) {
        self.inner.unreadable(origin, line, message);
    }
}

fn exec(second: u32) -> String {
    event(second, "alice", "create", "pods", "exec", "default", 101)
}

#[test]
fn json_lines_and_event_list_lines_are_read_and_bad_lines_are_reported_by_number() {
    let list = format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{{}},"items":[{},{}]}}"#,
        exec(2),
        exec(3)
    );
    let text = format!(
        "{}\n\nnot json\n{list}\n{{\"hello\":1}}\n{}",
        exec(1),
        exec(4)
    );
    let mut d = detector(RuleOptions::default(), false, None, None);
    let mut sink = Collect::default();
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(d.stats.events, 4);
    assert_eq!(sink.rules(), ["BHA003"; 4]);
    let origins: Vec<&str> = sink
        .alerts
        .iter()
        .filter_map(|a| a.origin.as_deref())
        .collect();
    assert_eq!(
        origins,
        ["audit.log:1", "audit.log:4", "audit.log:4", "audit.log:6"]
    );
    let bad: Vec<u64> = sink.unreadable.iter().map(|(_, line, _)| *line).collect();
    assert_eq!(bad, [3, 5]);
    assert!(
        sink.unreadable[1].2.contains("no auditID or verb"),
        "{:?}",
        sink.unreadable
    );
    assert_eq!(d.stats.unreadable, 2);
}

#[test]
fn a_pretty_printed_event_list_is_one_document() {
    let items: Vec<serde_json::Value> = (1..=3)
        .map(|s| serde_json::from_str(&exec(s)).unwrap())
        .collect();
    let doc = serde_json::to_string_pretty(
        &serde_json::json!({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": items}),
    )
    .unwrap();
    let mut d = detector(RuleOptions::default(), false, None, None);
    let mut sink = Collect::default();
    read_stream("batch.json", doc.as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(d.stats.events, 3);
    assert_eq!(sink.rules(), ["BHA003"; 3]);
    assert!(sink.unreadable.is_empty());
}

#[test]
fn gzip_rotations_and_the_live_file_are_read_in_time_order() {
    let dir = tempfile::tempdir().unwrap();
    let gz = |name: &str, lines: &[String]| {
        let file = std::fs::File::create(dir.path().join(name)).unwrap();
        let mut enc = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
        for l in lines {
            writeln!(enc, "{l}").unwrap();
        }
        enc.finish().unwrap();
    };
    // Names that sort in the wrong order: the reader orders by the first event's time.
    gz("audit-b.log.gz", &[exec(10), exec(11)]);
    gz("audit-z.log.gz", &[exec(1), exec(2)]);
    std::fs::write(dir.path().join("audit.log"), format!("{}\n", exec(20))).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a log").unwrap();
    let mut d = detector(RuleOptions::default(), false, None, None);
    let mut sink = Collect::default();
    let errors = read_all(&[dir.path().display().to_string()], &mut d, &mut sink);
    assert!(errors.is_empty(), "{errors:?}");
    let times: Vec<&str> = sink.alerts.iter().map(|a| &a.timestamp[11..19]).collect();
    assert_eq!(
        times,
        ["12:00:01", "12:00:02", "12:00:10", "12:00:11", "12:00:20"]
    );
    assert!(sink.alerts[0]
        .origin
        .as_deref()
        .unwrap()
        .ends_with("audit-z.log.gz:1"));
    let missing = read_all(&["no/such/file.log".to_string()], &mut d, &mut sink);
    assert_eq!(missing.len(), 1);
}

#[test]
fn since_and_until_bound_the_events_judged() {
    let since = parse_rfc3339_micros("2024-05-01T12:00:02Z");
    let until = parse_rfc3339_micros("2024-05-01T12:00:04Z");
    let text: String = (1..=5).map(|s| exec(s) + "\n").collect();
    let mut d = detector(RuleOptions::default(), false, since, until);
    let mut sink = Collect::default();
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    let times: Vec<&str> = sink.alerts.iter().map(|a| &a.timestamp[11..19]).collect();
    assert_eq!(times, ["12:00:02", "12:00:03"]);
    assert_eq!(d.stats.outside_time, 3);
}

#[test]
fn following_reads_appended_lines_across_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("audit.log");
    std::fs::write(&live, format!("{}\n", exec(1))).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let live = live.clone();
        let rotated = dir.path().join("audit-1.log");
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let pause = || std::thread::sleep(std::time::Duration::from_millis(150));
            pause();
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&live)
                .unwrap();
            // A line written in two parts: the reader must wait for its end.
            let line = exec(2);
            let (a, b) = line.split_at(40);
            write!(f, "{a}").unwrap();
            f.flush().unwrap();
            pause();
            writeln!(f, "{b}").unwrap();
            drop(f);
            pause();
            std::fs::rename(&live, &rotated).unwrap();
            std::fs::write(&live, format!("{}\n{}\n", exec(3), exec(4))).unwrap();
            pause();
            pause();
            stop.store(true, Ordering::Relaxed);
        })
    };
    let mut d = detector(RuleOptions::default(), false, None, None);
    let seen = Arc::new(AtomicUsize::new(0));
    let mut sink = Counting {
        inner: Collect::default(),
        seen: Arc::clone(&seen),
    };
    // Stops once the writer is done and everything it wrote was judged (or after a minute,
    // so that a broken follower fails instead of hanging).
    let started = std::time::Instant::now();
    let stop_when = move || {
        (stop.load(Ordering::Relaxed) && seen.load(Ordering::Relaxed) >= 4)
            || started.elapsed().as_secs() > 60
    };
    follow(
        &live,
        &mut d,
        &mut sink,
        &stop_when,
        std::time::Duration::from_millis(20),
    )
    .unwrap();
    let sink = sink.inner;
    writer.join().unwrap();
    let times: Vec<&str> = sink.alerts.iter().map(|a| &a.timestamp[11..19]).collect();
    assert_eq!(times, ["12:00:01", "12:00:02", "12:00:03", "12:00:04"]);
    assert!(sink.unreadable.is_empty(), "{:?}", sink.unreadable);
}

#[test]
fn a_line_too_long_to_hold_is_reported_and_skipped() {
    let mut text = exec(1);
    text.push('\n');
    text.push_str(&"x".repeat(65 << 20));
    text.push('\n');
    text.push_str(&exec(2));
    text.push('\n');
    let mut d = detector(RuleOptions::default(), false, None, None);
    let mut sink = Collect::default();
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(sink.rules(), ["BHA003", "BHA003"]);
    assert_eq!(sink.unreadable.len(), 1);
    assert_eq!(sink.unreadable[0].1, 2);
    assert!(sink.unreadable[0].2.contains("longer than 64 MiB"));
    let origins: Vec<&str> = sink
        .alerts
        .iter()
        .filter_map(|a| a.origin.as_deref())
        .collect();
    assert_eq!(origins, ["audit.log:1", "audit.log:3"]);
}
