//! `bulkhead drift`: the command-line shapes, formats and exit codes. The comparison itself
//! is snapshot-tested in the bulkhead-drift crate, over the same fixtures.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bulkhead-drift/tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn drift(args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.arg("drift").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn security_drift_exits_1_and_names_the_manifest_line_and_live_value() {
    let (out, _, code) = drift(
        &[
            &fixture("desired"),
            "--against",
            &fixture("live/cluster.yaml"),
        ],
        None,
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("desired/app.yaml:36:11: drift: Deployment/shop/api: spec.template.spec.containers[api].image changed live"),
        "{out}"
    );
    assert!(
        out.contains("   = live: registry.example.com/shop/api:1.4.3-debug  ("),
        "{out}"
    );
    assert!(out.contains("live/cluster.yaml:73:9)"), "{out}");
}

#[test]
fn two_paths_mean_desired_then_live() {
    let desired = fixture("desired/app.yaml");
    let live = fixture("live/cluster.yaml");
    let (two, _, code_two) = drift(&[&desired, &live], None);
    let (against, _, code_against) = drift(&[&desired, "--against", &live], None);
    assert_eq!(two, against);
    assert_eq!((code_two, code_against), (1, 1));
}

#[test]
fn no_drift_exits_0() {
    let desired = fixture("desired/worker.yaml");
    let (out, _, code) = drift(&[&desired, &desired], None);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("drift: 0 differences in 0 of 1 compared objects, 0 unmanaged, 0 not applied"),
        "{out}"
    );
}

#[test]
fn only_non_security_kinds_unmanaged_is_not_security_drift() {
    let live = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: default\n";
    let (out, _, code) = drift(
        &[
            &fixture("desired/worker.yaml"),
            "--all-kinds",
            "--against",
            &fixture("desired/worker.yaml"),
            "-",
        ],
        Some(live),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("-:4:3: unmanaged: ConfigMap/default/extra is live but in no manifest"),
        "{out}"
    );
}

#[test]
fn namespace_flag_places_namespace_less_manifests() {
    let live = std::fs::read_to_string(fixture("live/cluster.yaml"))
        .unwrap()
        .replace("namespace: default", "namespace: jobs");
    let desired = fixture("desired/worker.yaml");
    let (_, _, code) = drift(&[&desired, "--against", "-"], Some(&live));
    assert_eq!(code, 1, "worker is not in default any more: not applied");
    let (out, _, code) = drift(&[&desired, "-n", "jobs", "--against", "-"], Some(&live));
    assert!(
        out.contains(" 0 differences in 0 of 1 compared objects"),
        "{out}"
    );
    // The live ClusterRoleBinding has no manifest here: that is security drift.
    assert_eq!(code, 1, "{out}");
}

#[test]
fn exit_zero_keeps_the_report() {
    let (out, _, code) = drift(
        &[
            &fixture("desired"),
            &fixture("live/cluster.yaml"),
            "--exit-zero",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(
        out.contains("unmanaged: ClusterRoleBinding/debug-admin"),
        "{out}"
    );
}

#[test]
fn json_report_follows_the_contract() {
    let (out, _, code) = drift(
        &[
            &fixture("desired"),
            &fixture("live/cluster.yaml"),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["schemaVersion"], 1);
    assert_eq!(doc["summary"]["securityDrift"], true);
    let privileged = doc["differences"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["field"] == "spec.template.spec.containers[api].securityContext.privileged")
        .unwrap();
    assert_eq!(privileged["op"], "added");
    assert_eq!(privileged["live"]["value"], true);
    assert_eq!(privileged["desired"]["exact"], false);
    assert_eq!(privileged["desired"]["location"]["line"], 39);
    assert_eq!(doc["notApplied"][1]["object"]["kind"], "NetworkPolicy");
}

#[test]
fn unreadable_input_exits_2_with_its_location() {
    let broken = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: [unclosed\n";
    let (_, err, code) = drift(&[&fixture("desired/worker.yaml"), "-"], Some(broken));
    assert_eq!(code, 2);
    assert!(err.contains("bulkhead: error: live side: -:"), "{err}");
    let (_, err, code) = drift(&["missing-dir-xyz", &fixture("desired/worker.yaml")], None);
    assert_eq!(code, 2);
    assert!(err.contains("missing-dir-xyz"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let (_, err, code) = drift(&["a.yaml", "b.yaml", "c.yaml"], None);
    assert_eq!(code, 2);
    assert!(err.contains("exactly two paths"), "{err}");
    let (_, err, code) = drift(&["-", "--against", "-"], Some(""));
    assert_eq!(code, 2);
    assert!(err.contains("only one side"), "{err}");
}

#[test]
fn excluded_namespaces_are_counted_not_compared() {
    let (out, _, code) = drift(
        &[
            &fixture("desired"),
            &fixture("live/cluster.yaml"),
            "--exclude-namespace",
            "shop",
            "--exclude-namespace",
            "default",
        ],
        None,
    );
    // 11 manifests and 14 live objects are in them. The Namespace object `shop` itself is
    // cluster-scoped and still compared; the
    // ClusterRoleBinding is still unmanaged.
    assert!(
        out.contains("drift: 0 differences in 0 of 1 compared objects, 1 unmanaged, 0 not applied"),
        "{out}"
    );
    assert!(
        out.contains("drift: 25 objects in excluded namespaces not compared"),
        "{out}"
    );
    assert_eq!(code, 1);
}
