//! `bulkhead rbac`: who-can, what-can and escalation paths over scenario clusters.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rbac")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn rbac(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("bulkhead")
        .unwrap()
        .arg("rbac")
        .args(args)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap(),
    )
}

fn json(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (out, code) = rbac(&all);
    let value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
    (value, code)
}

fn hops(path: &Value) -> Vec<String> {
    path["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["to"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn paths_finds_the_chain_and_explains_every_step() {
    let chain = fixture("chain");
    let (report, code) = json(&["paths", &chain]);
    assert_eq!(code, 1, "a path to cluster-admin exits 1");
    let paths = report["paths"].as_array().unwrap();
    let alice = paths
        .iter()
        .find(|p| p["from"] == "user:alice")
        .expect("alice reaches cluster-admin");
    assert_eq!(
        hops(alice),
        [
            "ns:ops",
            "sa:ops:backup",
            "sa:ci:deployer-bot",
            "cluster-admin"
        ]
    );
    let steps = alice["steps"].as_array().unwrap();
    // Step 1: the RoleBinding subject and the Role rule that allow creating deployments.
    let e = &steps[0]["evidence"];
    assert_eq!(e["binding"], "RoleBinding/ops/alice-deploys");
    assert_eq!(e["role"], "Role/ops/deployer");
    assert_eq!(e["ruleIndex"], 0);
    assert_eq!(e["bindingLocation"]["line"], 24);
    assert_eq!(e["ruleLocation"]["line"], 14);
    assert_eq!(e["ruleLocation"]["pointer"], "/rules/0");
    // Step 3: the secret read names the token Secret it reads.
    assert!(steps[2]["action"]
        .as_str()
        .unwrap()
        .contains("ci/deployer-bot-token"));
    assert_eq!(
        steps[2]["evidence"]["binding"],
        "ClusterRoleBinding/backup-reads-everything"
    );
    assert_eq!(steps[2]["location"]["line"], 73);
    // Step 4: the cluster-admin binding.
    assert_eq!(
        steps[3]["evidence"]["binding"],
        "ClusterRoleBinding/ci-admin"
    );
    // Shortest first.
    assert_eq!(paths[0]["from"], "sa:ci:deployer-bot");
}

#[test]
fn paths_from_a_compromised_workload() {
    let (report, code) = json(&["paths", "--from", "pod:payments/api-7c9", &fixture("chain")]);
    assert_eq!(code, 1);
    let path = &report["paths"][0];
    assert_eq!(path["from"], "deployment:payments/api");
    assert_eq!(
        hops(path),
        [
            "sa:payments:api",
            "pods:ops",
            "sa:ops:backup",
            "sa:ci:deployer-bot",
            "cluster-admin"
        ]
    );
    let (text, _) = rbac(&["paths", "--from", "pod:payments/api", &fixture("chain")]);
    assert!(
        text.contains("CronJob nightly-backup runs as backup"),
        "{text}"
    );
}

#[test]
fn hardened_variant_has_no_path() {
    let hardened = fixture("hardened");
    let (report, code) = json(&["paths", &hardened]);
    assert_eq!(code, 0);
    assert!(report["paths"].as_array().unwrap().is_empty());
    let (text, code) = rbac(&["paths", "--from", "pod:payments/api", &hardened]);
    assert_eq!(code, 0);
    assert!(
        text.contains("no path from pod:payments/api to cluster-admin"),
        "{text}"
    );
    let (text, _) = rbac(&["paths", &hardened]);
    assert_eq!(text, "no identity can reach cluster-admin\n");
}

#[test]
fn dot_output_is_a_digraph_of_the_paths() {
    let (text, code) = rbac(&["paths", "--format", "dot", &fixture("chain")]);
    assert_eq!(code, 1);
    assert!(text.starts_with("digraph escalation {"));
    assert!(text.contains("\"user:alice\" -> \"ns:ops\""));
    assert!(text.trim_end().ends_with('}'));
}

#[test]
fn who_can_lists_subjects_with_binding_role_and_rule() {
    let (report, code) = json(&[
        "who-can",
        "list",
        "secrets",
        "-n",
        "payments",
        &fixture("chain"),
    ]);
    assert_eq!(code, 0);
    let subjects: Vec<String> = report["grants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{}:{}",
                g["subject"]["kind"].as_str().unwrap(),
                g["subject"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        subjects,
        ["ServiceAccount:deployer-bot", "ServiceAccount:backup"]
    );
    let (text, _) = rbac(&[
        "who-can",
        "create",
        "pods/exec",
        "-n",
        "ops",
        &fixture("chain"),
    ]);
    assert!(text.contains("sa:payments:api"), "{text}");
    assert!(
        text.contains("RoleBinding/ops/api-debugs-ops → Role/ops/debug-ops"),
        "{text}"
    );
    let (text, _) = rbac(&[
        "who-can",
        "create",
        "pods/exec",
        "-n",
        "payments",
        &fixture("chain"),
    ]);
    assert!(!text.contains("sa:payments:api"), "{text}");
}

#[test]
fn what_can_groups_rules_by_namespace() {
    let (report, code) = json(&["what-can", "sa:payments:api", &fixture("chain")]);
    assert_eq!(code, 0);
    let scopes = report["scopes"].as_object().unwrap();
    assert_eq!(scopes.keys().collect::<Vec<_>>(), ["ops"]);
    assert_eq!(
        scopes["ops"][0]["evidence"]["rule"],
        "create pods/exec [\"\"]"
    );
    let (text, _) = rbac(&["what-can", "user:nobody", &fixture("chain")]);
    assert!(
        text.contains("nothing: no binding grants it anything"),
        "{text}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let (_, code) = rbac(&["what-can", "alice", &fixture("chain")]);
    assert_eq!(code, 2);
    let (_, code) = rbac(&[
        "who-can",
        "get",
        "secrets",
        "--format",
        "dot",
        &fixture("chain"),
    ]);
    assert_eq!(code, 2);
    let (_, code) = rbac(&["paths", "--from", "pod:nowhere/none", &fixture("chain")]);
    assert_eq!(code, 2);
}

#[test]
fn a_workload_without_a_mounted_token_has_no_path() {
    let dir = fixture("no-token");
    let (text, code) = rbac(&["paths", "--from", "pod:payments/api", &dir]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("no path from pod:payments/api to cluster-admin"),
        "{text}"
    );
    assert!(text.contains("token is not mounted"), "{text}");
    // The service account itself still reaches cluster-admin.
    let (report, code) = json(&["paths", "--from", "sa:payments:api", &dir]);
    assert_eq!(code, 1);
    assert_eq!(hops(&report["paths"][0]), ["cluster-admin"]);
}
