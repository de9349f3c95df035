//! SARIF for GitHub code scanning: a large scan never produces a log GitHub would refuse
//! or truncate at random; inside GitHub Actions the limits apply by themselves.

use assert_cmd::Command;
use serde_json::Value;

/// Enough insecure pods for well over 5,000 findings.
fn many_pods(dir: &std::path::Path) -> String {
    let mut text = String::new();
    for i in 0..450 {
        text += &format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns}}\nspec:\n  \
             hostPID: true\n  containers:\n  - name: c\n    image: nginx\n    \
             securityContext: {{privileged: true}}\n"
        );
    }
    let path = dir.join("pods.yaml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn run(args: &[&str], github_actions: bool) -> (Value, String) {
    let mut cmd = Command::cargo_bin("bulkhead").unwrap();
    cmd.env_remove("GITHUB_ACTIONS");
    if github_actions {
        cmd.env("GITHUB_ACTIONS", "true");
    }
    let out = cmd
        .args(["scan", "--exit-zero", "-f", "sarif"])
        .args(args)
        .output()
        .unwrap();
    (
        serde_json::from_slice(&out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn results(log: &Value) -> usize {
    log["runs"][0]["results"].as_array().unwrap().len()
}

#[test]
fn github_limits_keep_the_most_severe_five_thousand_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let pods = many_pods(dir.path());
    let (all, quiet) = run(&[&pods], false);
    let total = results(&all);
    assert!(total > 5_000, "{total}");
    assert!(quiet.is_empty(), "{quiet}");

    for (args, github_actions) in [
        (vec!["--sarif-limit", "github", pods.as_str()], false),
        (vec![pods.as_str()], true),
    ] {
        let (log, stderr) = run(&args, github_actions);
        assert_eq!(results(&log), 5_000);
        let properties = &log["runs"][0]["properties"];
        assert_eq!(properties["omittedResults"], total - 5_000);
        assert!(stderr.contains("kept the 5000 most severe"), "{stderr}");
        // Every error-level result of the full log that fits is kept first.
        let errors = |log: &Value| {
            log["runs"][0]["results"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["level"] == "error")
                .count()
        };
        assert_eq!(errors(&log), errors(&all).min(5_000));
    }
    // Asked for no limit inside GitHub Actions: everything.
    let (log, _) = run(&["--sarif-limit", "none", &pods], true);
    assert_eq!(results(&log), total);
}
