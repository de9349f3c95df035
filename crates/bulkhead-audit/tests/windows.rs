//! The stateful detections: each fires when its threshold is reached within its window, not
//! when the same events are spread wider, once per burst, and with resizable windows; memory
//! stays bounded however many identities pass.

mod common;

use bulkhead_audit::read::read_stream;
use bulkhead_audit::RuleOptions;
use common::{detector, event, event_from, Collect};

fn run(options: RuleOptions, lines: &[String]) -> Collect {
    let mut d = detector(options, false, None, None);
    let mut sink = Collect::default();
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    sink
}

fn count(sink: &Collect, rule: &str) -> usize {
    sink.alerts.iter().filter(|a| a.rule == rule).count()
}

#[test]
fn a_burst_of_refusals_fires_once_and_a_slow_trickle_does_not() {
    // 25 forbidden requests in 25 s: one alert (threshold 20 in 60 s), not six.
    let burst: Vec<String> = (0..25)
        .map(|s| event(s, "mallory", "list", "secrets", "", "default", 403))
        .collect();
    let sink = run(RuleOptions::default(), &burst);
    assert_eq!(count(&sink, "BHA101"), 1);
    assert!(
        sink.alerts[0]
            .message
            .contains("mallory was refused (401/403) 20 times within 1m"),
        "{}",
        sink.alerts[0].message
    );
    // The same number spread over 25 minutes never has 20 within a minute.
    let trickle: Vec<String> = (0..25)
        .map(|s| event(s * 60, "mallory", "list", "secrets", "", "default", 403))
        .collect();
    assert_eq!(count(&run(RuleOptions::default(), &trickle), "BHA101"), 0);
    // Successful requests do not count.
    let fine: Vec<String> = (0..25)
        .map(|s| event(s, "alice", "list", "pods", "", "default", 200))
        .collect();
    assert_eq!(count(&run(RuleOptions::default(), &fine), "BHA101"), 0);
    // A resized window sees the trickle.
    let wide = RuleOptions {
        lists: vec![],
        windows: vec![("BHA101".into(), Some(3_600_000_000), Some(10))],
    };
    assert_eq!(count(&run(wide, &trickle), "BHA101"), 1);
}

#[test]
fn anonymous_refusals_are_counted_per_source_address() {
    let lines: Vec<String> = (0..20)
        .map(|s| {
            event_from(
                s,
                "system:anonymous",
                "get",
                "pods",
                "",
                "default",
                401,
                if s % 2 == 0 {
                    "198.51.100.1"
                } else {
                    "198.51.100.2"
                },
                "curl/8",
            )
        })
        .collect();
    assert_eq!(
        count(&run(RuleOptions::default(), &lines), "BHA101"),
        0,
        "10 per address"
    );
    let one: Vec<String> = (0..20)
        .map(|s| {
            event_from(
                s,
                "system:anonymous",
                "get",
                "pods",
                "",
                "default",
                401,
                "198.51.100.1",
                "curl/8",
            )
        })
        .collect();
    let sink = run(RuleOptions::default(), &one);
    assert_eq!(count(&sink, "BHA101"), 1);
    assert!(sink
        .alerts
        .iter()
        .any(|a| a.message.starts_with("anonymous@198.51.100.1")));
}

#[test]
fn secrets_read_across_namespaces() {
    let sweep: Vec<String> = (0..6)
        .map(|i| {
            event(
                i * 10,
                "sa-x",
                "list",
                "secrets",
                "",
                &format!("team-{i}"),
                200,
            )
        })
        .collect();
    let sink = run(RuleOptions::default(), &sweep);
    assert_eq!(count(&sink, "BHA102"), 1);
    assert!(
        sink.alerts
            .iter()
            .any(|a| a.message.contains("team-0, team-1, team-2, team-3, team-4")),
        "{:?}",
        sink.alerts
    );
    // The same namespace many times is one namespace.
    let one_ns: Vec<String> = (0..20)
        .map(|i| event(i, "app", "get", "secrets", "", "shop", 200))
        .collect();
    assert_eq!(count(&run(RuleOptions::default(), &one_ns), "BHA102"), 0);
    // Spread over more than the window (10 m): never 5 within it.
    let slow: Vec<String> = (0..6)
        .map(|i| {
            event(
                i * 300,
                "sa-x",
                "list",
                "secrets",
                "",
                &format!("team-{i}"),
                200,
            )
        })
        .collect();
    assert_eq!(count(&run(RuleOptions::default(), &slow), "BHA102"), 0);
}

#[test]
fn service_account_tokens_used_from_outside_or_by_a_new_program() {
    let sa = "system:serviceaccount:shop:api";
    let lines = vec![
        event_from(
            0,
            sa,
            "get",
            "configmaps",
            "",
            "shop",
            200,
            "10.2.3.4",
            "api-server/1.0",
        ),
        event_from(
            5,
            sa,
            "get",
            "configmaps",
            "",
            "shop",
            200,
            "203.0.113.9",
            "api-server/1.0",
        ),
        event_from(
            6,
            sa,
            "get",
            "configmaps",
            "",
            "shop",
            200,
            "203.0.113.9",
            "api-server/1.0",
        ),
        // After the 10-minute learning time: a new program, versions aside.
        event_from(
            900,
            sa,
            "get",
            "configmaps",
            "",
            "shop",
            200,
            "10.2.3.4",
            "api-server/1.1",
        ),
        event_from(
            901,
            sa,
            "list",
            "secrets",
            "",
            "shop",
            200,
            "10.2.3.4",
            "curl/8.5.0",
        ),
        event_from(
            902,
            sa,
            "list",
            "secrets",
            "",
            "shop",
            200,
            "10.2.3.4",
            "curl/8.5.0",
        ),
    ];
    let sink = run(RuleOptions::default(), &lines);
    let outside: Vec<&str> = sink
        .alerts
        .iter()
        .filter(|a| a.rule == "BHA103")
        .map(|a| a.message.as_str())
        .collect();
    assert_eq!(outside, ["service account system:serviceaccount:shop:api used its token from 203.0.113.9, outside the cluster's ranges"]);
    let agents: Vec<&str> = sink
        .alerts
        .iter()
        .filter(|a| a.rule == "BHA104")
        .map(|a| a.user_agent.as_str())
        .collect();
    assert_eq!(agents, ["curl/8.5.0"]);
    // Users are not service accounts.
    let user = vec![event_from(
        0,
        "alice",
        "get",
        "pods",
        "",
        "x",
        200,
        "203.0.113.9",
        "curl/8",
    )];
    assert_eq!(count(&run(RuleOptions::default(), &user), "BHA103"), 0);
}

#[test]
fn repeated_failed_exec() {
    let tries: Vec<String> = (0..5)
        .map(|s| event(s * 30, "eve", "create", "pods", "exec", "default", 403))
        .collect();
    let sink = run(RuleOptions::default(), &tries);
    assert_eq!(count(&sink, "BHA105"), 1);
    let allowed: Vec<String> = (0..5)
        .map(|s| event(s * 30, "eve", "create", "pods", "exec", "default", 101))
        .collect();
    assert_eq!(count(&run(RuleOptions::default(), &allowed), "BHA105"), 0);
}

#[test]
fn memory_is_bounded_by_the_identity_cap_not_the_log() {
    let mut d = detector(RuleOptions::default(), false, None, None);
    let mut sink = Collect::default();
    // More distinct identities than a table holds, each refused once: it stays at its cap.
    let mut text = String::new();
    let n = bulkhead_audit::windows::MAX_TRACKED as u32 + 5_000;
    for i in 0..n {
        text.push_str(&event(
            i / 100,
            &format!("user-{i}"),
            "get",
            "pods",
            "",
            "default",
            403,
        ));
        text.push('\n');
    }
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(d.stats.events, u64::from(n));
    assert!(
        d.tracked_identities() <= bulkhead_audit::windows::MAX_TRACKED,
        "{}",
        d.tracked_identities()
    );
}
