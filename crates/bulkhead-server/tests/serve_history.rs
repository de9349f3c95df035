//! `serve` with a history store: every scan, good or failed, is written to a real SQLite
//! file and to a real PostgreSQL database (started for the test, see
//! `bulkhead-history/tests/common/postgres_server.rs`), and the dashboard's trend is read
//! back from the store, so it survives a restart of `serve`.

mod serve_support;

#[path = "../../bulkhead-history/tests/common/postgres_server.rs"]
mod postgres_server;

use bulkhead_history::Store;
use bulkhead_server::serve::start;
use bulkhead_test_apiserver::Auth;
use postgres_server::PostgresServer;
use serve_support::{api, get, options, post_scan, privileged_pod, ready, Kubeconfig};

/// Opens a store off the async threads (the PostgreSQL client blocks on a runtime of its
/// own).
async fn open(location: &str) -> Store {
    let location = location.to_string();
    tokio::task::spawn_blocking(move || Store::open(&location).unwrap())
        .await
        .unwrap()
}

/// Two good scans, then one whose credentials are refused, written to `location`; then
/// `serve` is started again on the same store and its dashboard draws all of them.
async fn scans_go_to_the_store_and_the_trend_survives_a_restart(location: &str) {
    let server = api(vec![privileged_pod("web"), privileged_pod("api")]);
    let kubeconfig = Kubeconfig::of(&server, Auth::Certificate);

    let mut first = options(&kubeconfig.path);
    first.store = Some(open(location).await);
    let serving = start(first).await.unwrap();
    let addr = serving.addr;
    ready(addr).await;
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 200, "{scan}");
    kubeconfig.point_at(&server, Auth::BadToken);
    let (status, scan) = post_scan(addr).await;
    assert_eq!(status, 502, "{scan}");
    let (_, page) = get(addr, "/").await;
    assert!(
        page.contains("The last 3 scans of this cluster (1 failed;"),
        "the trend is read from the store"
    );
    serving.shutdown().await.unwrap();

    // What the store holds, read as `bulkhead history` reads it.
    let location_owned = location.to_string();
    let (scans, changes, scores) = tokio::task::spawn_blocking(move || {
        let mut store = Store::open(&location_owned).unwrap();
        let scans = store.scans(None, 10).unwrap();
        let changes = store.changes(scans[2].id, scans[1].id).unwrap();
        let scores = store.scores(scans[1].id).unwrap();
        (scans, changes, scores)
    })
    .await
    .unwrap();
    assert_eq!(scans.len(), 3, "{scans:?}");
    let (failed, second, first) = (&scans[0], &scans[1], &scans[2]);
    assert_eq!(failed.status, "failed");
    let reason = failed.reason.as_deref().unwrap();
    assert!(
        reason.starts_with("credentials: ") && reason.contains("401"),
        "{reason}"
    );
    assert_eq!(failed.counts.total(), 0);
    for good in [second, first] {
        assert!(good.is_ok(), "{good:?}");
        assert_eq!(good.cluster, failed.cluster);
        assert!(good.counts.high >= 2, "two privileged containers: {good:?}");
        assert!(good.objects >= 2, "{good:?}");
    }
    // The same cluster twice: nothing new, nothing resolved, everything still open.
    assert!(changes.new.is_empty() && changes.resolved.is_empty());
    assert_eq!(
        changes.still_open.len() as i64,
        second.counts.total() + second.suppressed
    );
    assert!(changes
        .still_open
        .iter()
        .any(|t| t.finding.check_id == "BHW001" && t.first_seen_scan == first.id));
    // Every framework of the catalogue is scored, as in the metrics.
    let frameworks: Vec<&str> = scores.iter().map(|s| s.framework.as_str()).collect();
    let catalogue = bulkhead_checks::frameworks::catalogue::all_frameworks();
    assert_eq!(frameworks.len(), catalogue.len(), "{frameworks:?}");
    assert!(scores.iter().any(|s| s.failed > 0), "{scores:?}");

    // A new process on the same store: its first scan joins the three before.
    kubeconfig.point_at(&server, Auth::Certificate);
    let mut again = options(&kubeconfig.path);
    again.store = Some(open(location).await);
    let serving = start(again).await.unwrap();
    ready(serving.addr).await;
    let (_, page) = get(serving.addr, "/").await;
    assert!(
        page.contains("The last 4 scans of this cluster (1 failed;"),
        "the trend survived the restart"
    );
    // Three good scans drawn, broken by the failed one: two runs of the high line.
    assert_eq!(page.matches("data-severity=\"high\"").count(), 2);
    serving.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_history_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bulkhead.db");
    scans_go_to_the_store_and_the_trend_survives_a_restart(path.to_str().unwrap()).await;
    // One file with its write-ahead log, sound after both processes closed it.
    let mut store = Store::open(path.to_str().unwrap()).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn postgresql_history_store() {
    let Some(server) = PostgresServer::start() else {
        return;
    };
    let url = server.new_database("serve");
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(scans_go_to_the_store_and_the_trend_survives_a_restart(&url));
}
