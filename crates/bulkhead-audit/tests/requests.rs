//! The checks on requests: the object a request wrote is judged by the scan's checks, with
//! the event's who, when and where.

mod common;

use bulkhead_audit::read::read_stream;
use bulkhead_audit::RuleOptions;
use common::{detector, Collect};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules")
            .join(name),
    )
    .unwrap()
}

#[test]
fn a_privileged_pod_created_through_the_api_is_reported_with_its_check() {
    let mut d = detector(RuleOptions::default(), true, None, None);
    let mut sink = Collect::default();
    read_stream(
        "audit.log",
        fixture("BHA006.fires.jsonl").as_bytes(),
        &mut d,
        &mut sink,
    )
    .unwrap();
    let check = sink
        .alerts
        .iter()
        .find(|a| a.check.as_deref() == Some("BHW001"))
        .expect("BHW001 on the request object");
    assert_eq!(check.rule, "BHW001");
    assert_eq!(check.user, "alice@example.com");
    assert_eq!(check.source_ips, ["10.0.0.5"]);
    assert_eq!(check.timestamp, "2024-05-01T12:00:00.000000Z");
    assert!(check.audit_id.starts_with("00000000-0000-4000-8000-"));
    assert_eq!(
        check.pointer.as_deref(),
        Some("/spec/containers/0/securityContext/privileged")
    );
    assert!(check.message.starts_with("user alice@example.com created Pod default/priv: container \"app\" runs privileged (BHW001)"), "{}", check.message);
    assert!(sink
        .alerts
        .iter()
        .all(|a| a.severity >= bulkhead_checks::Severity::Medium));
    assert_eq!(d.stats.requests.judged, 1);
}

#[test]
fn rbac_and_network_objects_are_judged_and_refused_requests_are_not() {
    let mut d = detector(RuleOptions::default(), true, None, None);
    let mut sink = Collect::default();
    let text = fixture("BHA014.fires.jsonl")
        + &fixture("BHA023.fires.jsonl")
        + &fixture("BHA006.quiet.jsonl");
    read_stream("audit.log", text.as_bytes(), &mut d, &mut sink).unwrap();
    let checks: Vec<&str> = sink
        .alerts
        .iter()
        .filter_map(|a| a.check.as_deref())
        .collect();
    assert!(checks.iter().any(|c| c.starts_with("BHR")), "{checks:?}");
    assert!(checks.iter().any(|c| c.starts_with("BHN")), "{checks:?}");
    // The quiet BHA006 file holds a plain pod and a refused privileged one: no BHW001.
    assert!(!checks.contains(&"BHW001"), "{checks:?}");
}

#[test]
fn a_patch_is_judged_by_its_resulting_object_or_counted() {
    let mut d = detector(RuleOptions::default(), true, None, None);
    let mut sink = Collect::default();
    let patch = |response: &str| {
        format!(
            r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"p-1","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/shop/deployments/api","verb":"patch","user":{{"username":"bob"}},"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.30.1","objectRef":{{"resource":"deployments","namespace":"shop","name":"api","apiGroup":"apps","apiVersion":"v1"}},"responseStatus":{{"code":200}},"requestObject":{{"spec":{{"template":{{"spec":{{"hostPID":true}}}}}}}}{response},"requestReceivedTimestamp":"2024-05-01T12:00:00.000000Z"}}"#
        ) + "\n"
    };
    // Logged with only the patch document: counted, not judged.
    read_stream("audit.log", patch("").as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(d.stats.requests.judged, 0);
    assert_eq!(d.stats.requests.patches_without_object, 1);
    // With the resulting object (RequestResponse level): judged.
    let object = r#","responseObject":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"api","namespace":"shop"},"spec":{"selector":{"matchLabels":{"app":"api"}},"template":{"metadata":{"labels":{"app":"api"}},"spec":{"hostPID":true,"containers":[{"name":"api","image":"registry.example/api:1.0"}]}}}}"#;
    read_stream("audit.log", patch(object).as_bytes(), &mut d, &mut sink).unwrap();
    assert_eq!(d.stats.requests.judged, 1);
    let host = sink
        .alerts
        .iter()
        .find(|a| a.check.as_deref() == Some("BHW003"))
        .expect("hostPID judged");
    assert!(
        host.message
            .starts_with("user bob patched Deployment shop/api: "),
        "{}",
        host.message
    );
    assert_eq!(host.pointer.as_deref(), Some("/spec/template/spec/hostPID"));
}
