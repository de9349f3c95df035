//! End-to-end behaviour of the `bulkhead` command: inputs, formats, exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn bulkhead() -> Command {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn examples() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .to_string_lossy()
        .into_owned()
}

fn json_scan(args: &[&str], stdin: Option<&str>) -> (Value, i32) {
    let mut cmd = bulkhead();
    cmd.arg("scan").args(["--format", "json"]).args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (report, out.status.code().unwrap())
}

fn checks_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn text_report_points_at_the_field_with_a_caret() {
    let out = bulkhead()
        .args(["scan", &format!("{}/insecure-deployment.yaml", examples())])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "insecure-deployment.yaml:20:13: BHW001 [high] container \"api\" runs privileged"
        ),
        "{text}"
    );
    assert!(
        text.contains("20 |             privileged: true\n   |             ^^^^^^^^^^^^^^^^\n"),
        "{text}"
    );
    assert!(
        text.contains("= help: set securityContext.privileged to false"),
        "{text}"
    );
    assert!(
        text.contains("pss: baseline:privileged, restricted:privileged"),
        "{text}"
    );
    assert!(
        !text.contains("\x1b["),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn colour_is_opt_in_off_a_terminal() {
    let out = bulkhead()
        .args([
            "scan",
            "--color",
            "always",
            &format!("{}/insecure-deployment.yaml", examples()),
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("\x1b["));
}

#[test]
fn json_report_follows_the_contract() {
    let (report, code) = json_scan(&[&examples()], None);
    assert_eq!(code, 1);
    assert_eq!(report["schemaVersion"], 1);
    assert_eq!(report["tool"]["name"], "bulkhead");
    let summary = &report["summary"];
    assert_eq!(summary["files"], 5);
    assert_eq!(summary["objects"], 9);
    assert_eq!(
        summary["skippedDocuments"], 1,
        "values.yaml is skipped, not reported"
    );
    assert_eq!(summary["errors"], 0);
    let privileged = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "BHW001")
        .unwrap();
    assert_eq!(privileged["name"], "privileged-container");
    assert_eq!(privileged["severity"], "high");
    assert_eq!(
        privileged["object"],
        serde_json::json!({"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "default", "name": "payments-api"})
    );
    let location = &privileged["location"];
    assert!(location["path"]
        .as_str()
        .unwrap()
        .ends_with("examples/insecure-deployment.yaml"));
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(20), Some(13))
    );
    assert_eq!(
        (location["endLine"].as_u64(), location["endColumn"].as_u64()),
        (Some(20), Some(29))
    );
    assert_eq!(
        location["pointer"],
        "/spec/template/spec/containers/0/securityContext/privileged"
    );
    assert_eq!(
        privileged["compliance"]["cis"],
        serde_json::json!(["5.2.2"])
    );
    assert_eq!(privileged["fingerprint"].as_str().unwrap().len(), 32);
    // Hardened example stays quiet.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| !f["location"]["path"].as_str().unwrap().contains("hardened")));
}

#[test]
fn helm_templates_are_named() {
    let (report, _) = json_scan(&[&format!("{}/helm-rendered.yaml", examples())], None);
    let finding = &report["findings"][0];
    assert_eq!(finding["helmSource"], "cache/templates/statefulset.yaml");
}

#[test]
fn stdin_list_is_flattened_with_pointers_into_the_list() {
    let list = fs::read_to_string(format!("{}/kubectl-get-list.json", examples())).unwrap();
    let (report, code) = json_scan(&["-"], Some(&list));
    assert_eq!(code, 1);
    assert_eq!(report["summary"]["objects"], 2);
    let host = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "BHW003")
        .unwrap();
    assert_eq!(host["location"]["path"], "-");
    assert_eq!(
        host["location"]["pointer"],
        "/items/0/spec/template/spec/hostNetwork"
    );
    assert_eq!(host["location"]["line"], 12);
    assert_eq!(host["location"]["column"], 13);
    let root = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "BHW019" && f["object"]["kind"] == "Pod")
        .unwrap();
    assert_eq!(
        root["location"]["pointer"],
        "/items/1/spec/containers/0/securityContext/runAsUser"
    );
    assert_eq!(root["message"], "container \"shell\" runs as UID 0 (root)");
}

#[test]
fn unreadable_input_is_an_error_with_its_location_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("good.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: [{name: c, image: a:1, securityContext: {privileged: true}}]}\n",
    )
    .unwrap();
    let (report, code) = json_scan(&[dir.path().to_str().unwrap()], None);
    assert_eq!(code, 2, "input errors exit with 2");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["path"].as_str().unwrap().ends_with("broken.yaml"));
    assert_eq!(errors[0]["line"], 4);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("invalid YAML"));
    assert!(
        checks_of(&report).contains(&"BHW001".to_string()),
        "good.yaml was still scanned"
    );

    let code = bulkhead()
        .args(["scan", "--exit-zero", dir.path().to_str().unwrap()])
        .output()
        .unwrap()
        .status
        .code();
    assert_eq!(code, Some(0));
}

#[test]
fn fail_on_sets_the_threshold() {
    let path = format!("{}/helm-rendered.yaml", examples());
    // The worst finding there is medium.
    let (report, code) = json_scan(&[&path], None);
    assert_eq!(code, 0, "{}", report["summary"]);
    let (_, code) = json_scan(&["--fail-on", "medium", &path], None);
    assert_eq!(code, 1);
}

#[test]
fn select_and_ignore_by_id_prefix_slug_or_family() {
    let path = format!("{}/insecure-deployment.yaml", examples());
    let (report, _) = json_scan(&["--select", "BHW001,secrets", &path], None);
    let mut ids = checks_of(&report);
    ids.sort();
    ids.dedup();
    assert_eq!(ids, ["BHS001", "BHW001"]);
    let (report, _) = json_scan(&["--ignore", "BHW,resources", &path], None);
    assert!(checks_of(&report)
        .iter()
        .all(|id| !id.starts_with("BHW") && !id.starts_with("BHQ")));
    let out = bulkhead()
        .args(["scan", "--select", "BHX999", &path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("names no check"));
}

#[test]
fn directories_honour_gitignore_hidden_dirs_and_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME, namespace: ns}\nspec: {containers: [{name: c, image: a:1}]}\n";
    fs::create_dir_all(root.join("sub/deeper")).unwrap();
    fs::create_dir_all(root.join(".hidden")).unwrap();
    fs::create_dir_all(root.join("ignored")).unwrap();
    fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
    fs::write(root.join("a.yaml"), pod.replace("NAME", "a")).unwrap();
    fs::write(root.join("sub/deeper/b.yml"), pod.replace("NAME", "b")).unwrap();
    fs::write(
        root.join("sub/c.json"),
        r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"c"}}"#,
    )
    .unwrap();
    fs::write(root.join("sub/notes.txt"), "not a manifest").unwrap();
    fs::write(root.join(".hidden/d.yaml"), pod.replace("NAME", "d")).unwrap();
    fs::write(root.join("ignored/e.yaml"), pod.replace("NAME", "e")).unwrap();
    let (report, _) = json_scan(&[root.to_str().unwrap()], None);
    assert_eq!(report["summary"]["files"], 3);
    assert_eq!(report["summary"]["objects"], 3);
    // A hidden directory named explicitly is scanned.
    let (report, _) = json_scan(&[root.join(".hidden").to_str().unwrap()], None);
    assert_eq!(report["summary"]["objects"], 1);
    // Globs.
    let glob = format!("{}/sub/**/*.yml", root.display());
    let (report, _) = json_scan(&[&glob], None);
    assert_eq!(report["summary"]["files"], 1);
    // A path that does not exist is an input error.
    let (report, code) = json_scan(&[root.join("nope.yaml").to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["message"], "no such file or directory");
}

#[test]
fn a_huge_document_is_refused_quickly_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    // 200 MB in one document: a ConfigMap with one enormous value.
    let mut text = String::with_capacity(200 << 20);
    text.push_str("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  blob: ");
    text.push_str(&"x".repeat(200 << 20));
    text.push('\n');
    text.push_str("---\napiVersion: v1\nkind: Pod\nmetadata: {name: after}\nspec: {containers: [{name: c, image: a:1}]}\n");
    fs::write(&path, text).unwrap();
    let (report, code) = json_scan(&[path.to_str().unwrap()], None);
    assert_eq!(code, 2);
    let message = report["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("exceeds the limit"), "{message}");
    assert_eq!(
        report["summary"]["objects"], 1,
        "the document after it still loads"
    );
}

#[test]
fn checks_lists_every_check_and_explain_shows_its_documentation() {
    let out = bulkhead()
        .args(["checks", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() >= 12);
    for id in [
        "BHW001", "BHW002", "BHW003", "BHW004", "BHW005", "BHS001", "BHI001", "BHM001",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let text = bulkhead().arg("checks").output().unwrap();
    assert!(String::from_utf8(text.stdout)
        .unwrap()
        .contains("BHW001  privileged-container"));

    let out = bulkhead()
        .args(["explain", "privileged-container"])
        .output()
        .unwrap();
    let doc = String::from_utf8(out.stdout).unwrap();
    assert!(doc.starts_with("# BHW001 privileged-container"));
    assert!(doc.contains("## Why it matters"));
    assert!(doc.contains("CIS Kubernetes Benchmark v1.12: 5.2.2"));
    let out = bulkhead().args(["explain", "BHZ123"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let out = bulkhead()
        .args(["scan", "-f", "text", "-f", "json", "-o"])
        .arg(&json)
        .args(["--exit-zero", &examples()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("findings:"));
    let report: Value = serde_json::from_str(&fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["schemaVersion"], 1);
}

#[test]
fn pss_version_pins_the_controls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pod.yaml");
    // runAsUser: 0 is a restricted violation from v1.23 on, not before.
    fs::write(
        &path,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  securityContext: {runAsUser: 0}\n  containers: [{name: c, image: a:1}]\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let (latest, _) = json_scan(&["--select", "BHW019", path], None);
    assert_eq!(checks_of(&latest), ["BHW019"]);
    assert_eq!(
        latest["findings"][0]["compliance"]["pss"],
        serde_json::json!(["restricted:runAsUser"])
    );
    let (old, _) = json_scan(
        &["--select", "BHW019", "--pss-version", "v1.22", path],
        None,
    );
    assert!(checks_of(&old).is_empty());
    let out = bulkhead()
        .args(["scan", "--pss-version", "2.0", path])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid Pod Security version"));
}

#[test]
fn secret_values_never_reach_any_output() {
    let path = format!("{}/insecure-deployment.yaml", examples());
    for format in [
        "text",
        "json",
        "html",
        "markdown",
        "sarif",
        "junit",
        "policyreport",
    ] {
        let out = bulkhead()
            .args(["scan", "--format", format, "--select", "secrets", &path])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("BHS001"), "{format}: {text}");
        assert!(
            !text.contains("not-a-real-password"),
            "{format} leaks the value: {text}"
        );
    }
}

#[test]
fn long_lines_are_windowed_and_control_characters_escaped_in_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("min.json");
    // One minified line with many findings, and an escape sequence in a container name.
    let containers: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"name":"c{i}\u001b[31m","image":"a:1","securityContext":{{"privileged":true}}}}"#))
        .collect();
    let pod = format!(
        r#"{{"apiVersion":"v1","kind":"Pod","metadata":{{"name":"p","namespace":"ns"}},"spec":{{"containers":[{}]}}}}"#,
        containers.join(",")
    );
    fs::write(&path, &pod).unwrap();
    let out = bulkhead()
        .args(["scan", "--select", "BHW001", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("BHW001 [high]").count(), 200);
    assert!(
        !text.contains('\x1b'),
        "raw escape sequence reached the terminal"
    );
    assert!(text.contains("\\u{1b}[31m"));
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(
        longest < 400,
        "a source line of {longest} characters was printed"
    );
    // The caret still sits under the field.
    let first = text.lines().position(|l| l.starts_with("1 |")).unwrap();
    let (source, caret) = (
        text.lines().nth(first).unwrap(),
        text.lines().nth(first + 1).unwrap(),
    );
    let at = caret.chars().position(|c| c == '^').unwrap();
    let under: String = source.chars().skip(at).collect();
    assert!(
        under.starts_with("\"privileged\":true"),
        "{source}\n{caret}"
    );
}
