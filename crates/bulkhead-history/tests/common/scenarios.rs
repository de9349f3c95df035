//! What every backend must do, written once: each function gets a fresh, empty store.

use bulkhead_history::{
    FindingRecord, FrameworkScore, ScanRecord, ScanStatus, SeverityCounts, Store,
};

/// A finding with fingerprint `fp`, its check and severity derived from it.
pub fn finding(fp: &str, severity: &str) -> FindingRecord {
    FindingRecord {
        fingerprint: fp.to_string(),
        check_id: format!("BHW{}", fp.len()),
        severity: severity.to_string(),
        message: format!("finding {fp}"),
        kind: "Deployment".into(),
        namespace: (fp != "cluster-wide").then(|| "shop".to_string()),
        name: format!("app-{fp}"),
        location: format!("deploy/{fp}.yaml:3:5"),
        suppressed: false,
    }
}

/// An ok scan of `cluster` at `started_ms` with these findings and scores.
pub fn scan(
    cluster: &str,
    started_ms: i64,
    findings: Vec<FindingRecord>,
    scores: &[(&str, Option<f64>)],
) -> ScanRecord {
    let mut counts = SeverityCounts::default();
    for f in &findings {
        match f.severity.as_str() {
            "critical" => counts.critical += 1,
            "high" => counts.high += 1,
            "medium" => counts.medium += 1,
            "low" => counts.low += 1,
            _ => counts.info += 1,
        }
    }
    ScanRecord {
        cluster: cluster.into(),
        started_ms,
        duration_ms: 1200,
        status: ScanStatus::Ok,
        objects: 40,
        input_errors: 0,
        counts,
        suppressed: 0,
        scores: scores
            .iter()
            .map(|(framework, score)| FrameworkScore {
                framework: framework.to_string(),
                score: *score,
                passed: 7,
                failed: 3,
                not_evaluated: 1,
            })
            .collect(),
        findings,
    }
}

fn fingerprints(list: &[bulkhead_history::TrackedFinding]) -> Vec<&str> {
    list.iter()
        .map(|t| t.finding.fingerprint.as_str())
        .collect()
}

pub fn lists_scans_newest_first_with_failures_and_their_reason(store: &mut Store) {
    let a = store
        .record(&scan("prod", 1_000, vec![finding("a", "high")], &[]))
        .unwrap();
    let started = std::time::UNIX_EPOCH + std::time::Duration::from_millis(2_000);
    let failed = store
        .record(&ScanRecord::failed(
            "prod",
            started,
            "403: listing pods is forbidden",
        ))
        .unwrap();
    let other = store.record(&scan("staging", 3_000, vec![], &[])).unwrap();
    let b = store
        .record(&scan(
            "prod",
            4_000,
            vec![finding("a", "high"), finding("bb", "critical")],
            &[],
        ))
        .unwrap();
    assert!(a < failed && failed < other && other < b);

    let prod = store.scans(Some("prod"), 10).unwrap();
    let ids: Vec<i64> = prod.iter().map(|s| s.id).collect();
    assert_eq!(ids, [b, failed, a]);
    assert_eq!(prod[0].counts.critical, 1);
    assert_eq!(prod[0].counts.high, 1);
    assert_eq!(prod[0].objects, 40);
    assert_eq!(prod[0].duration_ms, 1200);
    assert!(prod[0].is_ok());
    assert_eq!(prod[1].status, "failed");
    assert_eq!(
        prod[1].reason.as_deref(),
        Some("403: listing pods is forbidden")
    );
    assert_eq!(prod[1].started_ms, 2_000);
    assert_eq!(prod[1].counts.total(), 0);

    let latest_two: Vec<i64> = store.scans(None, 2).unwrap().iter().map(|s| s.id).collect();
    assert_eq!(latest_two, [b, other]);
    assert!(store.scans(Some("nowhere"), 10).unwrap().is_empty());
}

pub fn new_resolved_and_still_open_between_two_scans(store: &mut Store) {
    let a = store
        .record(&scan(
            "prod",
            1_000,
            vec![
                finding("gone", "high"),
                finding("kept", "medium"),
                finding("cluster-wide", "low"),
            ],
            &[],
        ))
        .unwrap();
    // A failed scan in between sees nothing and changes no finding's last sighting.
    let failed = store
        .record(&ScanRecord::failed(
            "prod",
            std::time::UNIX_EPOCH,
            "API server unreachable",
        ))
        .unwrap();
    let mut kept = finding("kept", "critical"); // its severity was raised since
    kept.location = "deploy/moved.yaml:9:7".into();
    let b = store
        .record(&scan(
            "prod",
            2_000,
            vec![
                kept,
                finding("cluster-wide", "low"),
                finding("fresh", "high"),
            ],
            &[],
        ))
        .unwrap();

    let changes = store.changes(a, b).unwrap();
    assert_eq!(fingerprints(&changes.new), ["fresh"]);
    assert_eq!(fingerprints(&changes.resolved), ["gone"]);
    let mut open = fingerprints(&changes.still_open);
    open.sort();
    assert_eq!(open, ["cluster-wide", "kept"]);

    let fresh = &changes.new[0];
    assert_eq!((fresh.first_seen_scan, fresh.last_seen_scan), (b, b));
    assert_eq!(fresh.finding, finding("fresh", "high"));
    let gone = &changes.resolved[0];
    assert_eq!((gone.first_seen_scan, gone.last_seen_scan), (a, a));
    let kept = changes
        .still_open
        .iter()
        .find(|t| t.finding.fingerprint == "kept")
        .unwrap();
    assert_eq!((kept.first_seen_scan, kept.last_seen_scan), (a, b));
    assert_eq!(
        kept.finding.severity, "critical",
        "as the later scan saw it"
    );
    assert_eq!(kept.finding.location, "deploy/moved.yaml:9:7");
    let wide = changes
        .still_open
        .iter()
        .find(|t| t.finding.fingerprint == "cluster-wide")
        .unwrap();
    assert_eq!(wide.finding.namespace, None);

    // Backwards, what was new is resolved.
    let back = store.changes(b, a).unwrap();
    assert_eq!(fingerprints(&back.new), ["gone"]);
    assert_eq!(fingerprints(&back.resolved), ["fresh"]);

    let err = store.changes(a, failed).unwrap_err().to_string();
    assert!(err.contains("API server unreachable"), "{err}");
    let err = store.changes(a, 9_999).unwrap_err().to_string();
    assert!(err.contains("no scan 9999"), "{err}");
}

pub fn same_fingerprint_in_two_clusters_is_tracked_per_cluster(store: &mut Store) {
    let prod = store
        .record(&scan("prod", 1_000, vec![finding("x", "high")], &[]))
        .unwrap();
    let staging = store
        .record(&scan(
            "staging",
            2_000,
            vec![finding("x", "high"), finding("y", "low")],
            &[],
        ))
        .unwrap();
    let changes = store.changes(prod, staging).unwrap();
    assert_eq!(fingerprints(&changes.new), ["y"]);
    assert!(changes.resolved.is_empty());
    // In staging, x was first seen in staging's own scan, not in prod's.
    assert_eq!(changes.still_open[0].first_seen_scan, staging);
}

pub fn score_over_time_per_framework_and_cluster(store: &mut Store) {
    let s1 = store
        .record(&scan(
            "prod",
            1_000,
            vec![],
            &[("cis-1.12", Some(50.0)), ("nsa-cisa", Some(80.0))],
        ))
        .unwrap();
    store
        .record(&ScanRecord::failed(
            "prod",
            std::time::UNIX_EPOCH,
            "timeout",
        ))
        .unwrap();
    let s2 = store
        .record(&scan("staging", 2_000, vec![], &[("cis-1.12", None)]))
        .unwrap();
    let s3 = store
        .record(&scan("prod", 3_000, vec![], &[("cis-1.12", Some(62.5))]))
        .unwrap();

    let all = store.score_trend("cis-1.12", None).unwrap();
    let points: Vec<(i64, Option<f64>)> = all.iter().map(|p| (p.scan_id, p.score)).collect();
    assert_eq!(points, [(s1, Some(50.0)), (s2, None), (s3, Some(62.5))]);
    assert_eq!(
        (all[0].passed, all[0].failed, all[0].not_evaluated),
        (7, 3, 1)
    );
    assert_eq!(all[2].started_ms, 3_000);

    let prod: Vec<i64> = store
        .score_trend("cis-1.12", Some("prod"))
        .unwrap()
        .iter()
        .map(|p| p.scan_id)
        .collect();
    assert_eq!(prod, [s1, s3]);
    assert_eq!(store.score_trend("nsa-cisa", None).unwrap().len(), 1);
    assert!(store
        .score_trend("pss-restricted", None)
        .unwrap()
        .is_empty());

    // One scan's scores, by framework id; none for a failed or unknown scan.
    let of_s1: Vec<(String, Option<f64>)> = store
        .scores(s1)
        .unwrap()
        .into_iter()
        .map(|s| (s.framework, s.score))
        .collect();
    assert_eq!(
        of_s1,
        [
            ("cis-1.12".to_string(), Some(50.0)),
            ("nsa-cisa".to_string(), Some(80.0))
        ]
    );
    assert_eq!(store.scores(s2).unwrap()[0].score, None);
    assert_eq!(store.scores(s3).unwrap()[0].passed, 7);
    assert!(store.scores(9_999).unwrap().is_empty());
}

pub fn a_large_scan_round_trips(store: &mut Store) {
    let many: Vec<FindingRecord> = (0..5_000)
        .map(|i| finding(&format!("f{i:05}"), if i % 2 == 0 { "high" } else { "low" }))
        .collect();
    let a = store
        .record(&scan("prod", 1_000, many.clone(), &[]))
        .unwrap();
    let b = store
        .record(&scan("prod", 2_000, many[100..].to_vec(), &[]))
        .unwrap();
    let changes = store.changes(a, b).unwrap();
    assert_eq!(changes.resolved.len(), 100);
    assert_eq!(changes.still_open.len(), 4_900);
    assert!(changes.new.is_empty());
    let listed = store.scans(Some("prod"), 1).unwrap();
    assert_eq!(listed[0].counts.high + listed[0].counts.low, 4_900);
}

/// Every scenario, in order, each on a fresh store from `fresh`.
pub fn all(mut fresh: impl FnMut(&str) -> Store) {
    lists_scans_newest_first_with_failures_and_their_reason(&mut fresh("listing"));
    new_resolved_and_still_open_between_two_scans(&mut fresh("changes"));
    same_fingerprint_in_two_clusters_is_tracked_per_cluster(&mut fresh("clusters"));
    score_over_time_per_framework_and_cluster(&mut fresh("scores"));
    a_large_scan_round_trips(&mut fresh("large"));
}
