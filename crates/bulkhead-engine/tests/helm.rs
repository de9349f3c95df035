//! Helm charts: a chart directory is rendered with the real `helm template` (values files
//! and `--set` passed through), and every finding names the template it came from.

use std::process::Command;

use bulkhead_engine::{run, ConfigChoice, Flags, Outcome, Request, Sources};

const CHART: &str = "tests/fixtures/chart/web";

fn helm_installed() -> bool {
    let found = Command::new("helm")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "helm must be installed in CI (.ci/run installs it)"
    );
    if !found {
        eprintln!("helm not installed; skipping");
    }
    found
}

fn scan(values: &[&str], set: &[&str]) -> Outcome {
    let mut settings =
        bulkhead_engine::settings::resolve(&Flags::default(), &ConfigChoice::Ignore, &[]).unwrap();
    settings.render.helm_values = values.iter().map(Into::into).collect();
    settings.render.helm_set = set.iter().map(|s| s.to_string()).collect();
    run(Request::new(
        Sources::Paths(vec![CHART.to_string()]),
        &settings,
    ))
    .unwrap()
}

fn privileged(outcome: &Outcome) -> Vec<(String, u32, Option<String>)> {
    outcome
        .findings
        .iter()
        .filter(|f| f.check.id == "BHW001")
        .map(|f| {
            (
                f.location.path.clone(),
                f.location.position.line,
                f.helm_source.clone(),
            )
        })
        .collect()
}

#[test]
fn a_chart_is_rendered_with_its_values() {
    if !helm_installed() {
        return;
    }
    let default = scan(&[], &[]);
    assert!(default.errors.is_empty(), "{:?}", default.errors);
    assert!(privileged(&default).is_empty());
    // The rendered Deployment is judged: its image is not pinned.
    assert!(default.findings.iter().any(|f| f.check.id == "BHI002"
        && f.helm_source.as_deref() == Some("web/templates/deployment.yaml")));

    let prod_values = format!("{CHART}/prod-values.yaml");
    for outcome in [scan(&[&prod_values], &[]), scan(&[], &["privileged=true"])] {
        let found = privileged(&outcome);
        assert_eq!(found.len(), 1, "{found:?}");
        let (path, line, template) = &found[0];
        assert_eq!(path, "tests/fixtures/chart/web/(helm template)");
        assert_eq!(template.as_deref(), Some("web/templates/deployment.yaml"));
        // The line of `privileged: true` in what helm printed.
        let text = &outcome.findings[0].file.text;
        let printed = text.lines().nth(*line as usize - 1).unwrap_or("");
        assert_eq!(printed.trim(), "privileged: true", "{text}");
    }
}
