//! The trend charts as inline SVG: open findings per severity, and each framework's
//! score, over the last scans. Markup only (presentation attributes, no style attribute
//! and no script), so the report's Content-Security-Policy needs nothing new.

use std::fmt::Write as _;

use bulkhead_checks::Severity;

use super::trend::TrendPoint;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 24.0;

/// Line colours, the report's severity palette.
fn colour(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "#a3127f",
        Severity::High => "#d22d2d",
        Severity::Medium => "#c46a05",
        Severity::Low => "#1479a3",
        Severity::Info => "#66748a",
    }
}

const SCORE_COLOURS: [&str; 6] = [
    "#2f6fdb", "#1f9d55", "#7b5ad6", "#c46a05", "#1479a3", "#a3127f",
];

/// The trends section: both charts, or a line saying there is nothing to draw yet.
pub fn section(points: &[TrendPoint]) -> String {
    let mut out = String::from("<section class=\"card trends\" id=\"trends\"><h2>Trends</h2>\n");
    let good = points.iter().filter(|p| p.by_severity.is_some()).count();
    let failed = points.len() - good;
    let _ = writeln!(
        out,
        "<p class=\"sub\">The last {} scan{} of this cluster ({} failed; a failed scan is a gap).</p>",
        points.len(),
        if points.len() == 1 { "" } else { "s" },
        failed
    );
    if good < 2 {
        out.push_str("<p class=\"sub\">The charts appear after two good scans.</p>\n</section>\n");
        return out;
    }
    out.push_str(&findings_chart(points));
    out.push_str(&score_chart(points));
    out.push_str("</section>\n");
    out
}

fn x_of(index: usize, count: usize) -> f64 {
    let span = WIDTH - LEFT - RIGHT;
    if count <= 1 {
        LEFT + span / 2.0
    } else {
        LEFT + span * index as f64 / (count - 1) as f64
    }
}

fn y_of(value: f64, max: f64) -> f64 {
    let span = HEIGHT - TOP - BOTTOM;
    TOP + span * (1.0 - value / max.max(f64::MIN_POSITIVE))
}

/// Polylines over the points where `value` is known; a failed scan breaks the line.
fn lines(
    points: &[TrendPoint],
    max: f64,
    value: impl Fn(&TrendPoint) -> Option<f64>,
) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    for (i, p) in points.iter().enumerate() {
        match value(p) {
            Some(v) => {
                let _ = write!(run, "{:.1},{:.1} ", x_of(i, points.len()), y_of(v, max));
            }
            None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
            None => {}
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

fn frame(out: &mut String, title: &str, max_label: &str, points: &[TrendPoint]) {
    let _ = write!(
        out,
        "<figure class=\"chart trend\"><figcaption>{title}</figcaption>\n\
         <svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"100%\" role=\"img\" aria-label=\"{title}\">\n\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{b}\" stroke=\"#aab4c3\"/>\
         <line x1=\"{LEFT}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#aab4c3\"/>\n\
         <text x=\"{tx}\" y=\"{ty}\" font-size=\"10\" text-anchor=\"end\" fill=\"#66748a\">{max_label}</text>\
         <text x=\"{tx}\" y=\"{b}\" font-size=\"10\" text-anchor=\"end\" fill=\"#66748a\">0</text>\n",
        b = HEIGHT - BOTTOM,
        r = WIDTH - RIGHT,
        tx = LEFT - 4.0,
        ty = TOP + 8.0,
    );
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let _ = writeln!(
            out,
            "<text x=\"{LEFT}\" y=\"{y}\" font-size=\"10\" fill=\"#66748a\">{}</text>\
             <text x=\"{r}\" y=\"{y}\" font-size=\"10\" text-anchor=\"end\" fill=\"#66748a\">{}</text>",
            time(first),
            time(last),
            y = HEIGHT - 6.0,
            r = WIDTH - RIGHT,
        );
    }
}

fn time(point: &TrendPoint) -> String {
    let seconds = point
        .started
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    bulkhead_model::calendar::rfc3339(seconds as i64)
}

fn findings_chart(points: &[TrendPoint]) -> String {
    let max = points
        .iter()
        .filter_map(|p| p.by_severity)
        .flat_map(|c| c.into_iter())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let mut out = String::new();
    frame(
        &mut out,
        "Open findings by severity",
        &format!("{max}"),
        points,
    );
    for (i, severity) in Severity::ALL.iter().enumerate() {
        for run in lines(points, max, |p| p.by_severity.map(|c| c[i] as f64)) {
            let _ = writeln!(
                out,
                "<polyline class=\"line sev-{severity}\" data-severity=\"{severity}\" fill=\"none\" \
                 stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>",
                colour(*severity),
                run.trim_end()
            );
        }
    }
    out.push_str("</svg>\n<p class=\"legend\">");
    for severity in Severity::ALL {
        let _ = write!(
            out,
            "<span class=\"pill sev-{severity}\">{severity}</span> "
        );
    }
    out.push_str("</p></figure>\n");
    out
}

fn score_chart(points: &[TrendPoint]) -> String {
    let mut frameworks: Vec<&str> = Vec::new();
    for p in points {
        for (id, _) in &p.scores {
            if !frameworks.contains(&id.as_str()) {
                frameworks.push(id);
            }
        }
    }
    let mut out = String::new();
    frame(
        &mut out,
        "Compliance score per framework (%)",
        "100",
        points,
    );
    for (i, id) in frameworks.iter().enumerate() {
        let colour = SCORE_COLOURS[i % SCORE_COLOURS.len()];
        for run in lines(points, 100.0, |p| {
            p.scores.iter().find(|(f, _)| f == id).map(|(_, s)| *s)
        }) {
            let _ = writeln!(
                out,
                "<polyline class=\"line score\" data-framework=\"{id}\" fill=\"none\" stroke=\"{colour}\" \
                 stroke-width=\"2\" points=\"{}\"/>",
                run.trim_end()
            );
        }
    }
    out.push_str("</svg>\n<p class=\"legend\">");
    for (i, id) in frameworks.iter().enumerate() {
        let _ = write!(
            out,
            "<span class=\"framework\"><svg width=\"10\" height=\"10\" aria-hidden=\"true\"><rect width=\"10\" height=\"10\" fill=\"{}\"/></svg> {id}</span> ",
            SCORE_COLOURS[i % SCORE_COLOURS.len()]
        );
    }
    out.push_str("</p></figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn point(counts: Option<[usize; 5]>, score: f64) -> TrendPoint {
        TrendPoint {
            started: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            duration: Duration::from_secs(1),
            by_severity: counts,
            scores: vec![("cis-1.12".into(), score)],
        }
    }

    #[test]
    fn a_failed_scan_breaks_the_lines() {
        let points = [
            point(Some([1, 2, 3, 4, 5]), 50.0),
            point(Some([1, 2, 3, 4, 5]), 60.0),
            point(None, 0.0),
            point(Some([0, 2, 3, 4, 5]), 70.0),
        ];
        let html = section(&points);
        // Two runs per severity: before and after the failure.
        assert_eq!(html.matches("data-severity=\"critical\"").count(), 2);
        assert!(html.contains("(1 failed"));
        assert!(
            !html.contains("style="),
            "the CSP allows no style attribute"
        );
    }

    #[test]
    fn one_scan_draws_no_chart() {
        let html = section(&[point(Some([1, 0, 0, 0, 0]), 10.0)]);
        assert!(html.contains("after two good scans"));
        assert!(!html.contains("<polyline"));
    }
}
