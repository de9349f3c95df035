//! Rendering a Helm chart with `helm template`.
//!
//! The rendered stream carries a `# Source: CHART/templates/FILE` comment above each
//! document; the loader keeps it, and every finding names that template beside its line
//! in the rendered output. Limits: the line is the rendered output's, not the template's
//! (a template's `{{ }}` logic has no line-for-line correspondence with what it prints);
//! objects rendered by hooks and subcharts name their own templates; values files and
//! `--set` change which documents exist, so a finding is only as general as the values
//! given.

use std::path::Path;

use super::tool;
use super::Options;

/// The chart file that marks a directory as a Helm chart.
pub const CHART_FILE: &str = "Chart.yaml";

/// Renders the chart in `dir` with the values the options name.
pub fn template(dir: &str, options: &Options) -> Result<String, String> {
    let Some(helm) = tool::on_path("helm") else {
        return Err(format!(
            "is a Helm chart and `helm` is not installed: render it and scan the output with \
             `helm template RELEASE {dir} [-f VALUES] | bulkhead scan -` (or pass --no-render to \
             scan its files as they are)"
        ));
    };
    let mut args = vec!["template".to_string(), dir.to_string()];
    for values in &options.helm_values {
        args.push("--values".into());
        args.push(values.display().to_string());
    }
    for set in &options.helm_set {
        args.push("--set".into());
        args.push(set.clone());
    }
    tool::run(&helm, &args, "helm template")
}

/// Whether `dir` is a chart.
pub fn is_chart(dir: &Path) -> bool {
    dir.join(CHART_FILE).is_file()
}
