//! `GET /`: the HTML report of the latest good scan (the report's own renderer, unchanged)
//! with a trends section inserted at the top of its main column. The page stays
//! self-contained; its Content-Security-Policy (hashes of its own style and script, nothing
//! else) is also sent as a header, and the trend charts are plain SVG markup, so they need
//! no new allowance. Before the first good scan the page says why there is nothing yet.

use bulkhead_report::html;

use super::report::ScanReport;
use super::state::Attempt;
use super::trend::TrendPoint;
use super::trend_chart;

/// The policy of a page with no style or script of its own.
pub const STRICT_CSP: &str = "default-src 'none'; base-uri 'none'; form-action 'none'";

/// A rendered page and the policy to send with it.
pub struct Page {
    pub html: String,
    pub csp: String,
}

/// The dashboard of `report` (a good scan) with `points` as its trend.
pub fn render(report: &ScanReport, points: &[TrendPoint], last: Option<&Attempt>) -> Page {
    let Some(scanned) = report.succeeded() else {
        return waiting(last);
    };
    let result = scanned.scan_result(report.duration);
    let mut bytes = Vec::new();
    if html::render(&result, &mut bytes).is_err() {
        return waiting(last);
    }
    let page = String::from_utf8_lossy(&bytes).into_owned();
    let csp = meta_csp(&page).unwrap_or_else(|| STRICT_CSP.to_string());
    let mut insert = trend_chart::section(points);
    if let Some(a) = last.filter(|a| a.failure.is_some()) {
        insert.insert_str(0, &failure_banner(a, report.sequence));
    }
    let html = match page.find("<main>\n") {
        Some(at) => {
            let at = at + "<main>\n".len();
            format!("{}{insert}{}", &page[..at], &page[at..])
        }
        None => page,
    };
    Page { html, csp }
}

/// The page before any good scan.
pub fn waiting(last: Option<&Attempt>) -> Page {
    let reason = match last.and_then(|a| a.failure.as_ref().map(|f| (a.sequence, f))) {
        Some((sequence, f)) => format!(
            "<p>Scan {sequence} failed ({}): {}</p>",
            escape(f.kind),
            escape(&f.reason)
        ),
        None => "<p>The first scan is running.</p>".to_string(),
    };
    Page {
        html: format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"{STRICT_CSP}\">\n\
             <title>Bulkhead: no scan yet</title>\n</head>\n<body>\n\
             <h1>Bulkhead</h1>\n<p>No successful scan yet.</p>\n{reason}\n</body>\n</html>\n"
        ),
        csp: STRICT_CSP.to_string(),
    }
}

fn failure_banner(attempt: &Attempt, shown: u64) -> String {
    let f = attempt.failure.as_ref();
    format!(
        "<section class=\"card failed\" id=\"last-failure\"><h2>The latest scan failed</h2>\
         <p>Scan {} ({}): {}. This page shows scan {shown}, the latest good one.</p></section>\n",
        attempt.sequence,
        escape(f.map_or("", |f| f.kind)),
        escape(f.map_or("", |f| f.reason.as_str())),
    )
}

/// The policy of the report's `<meta http-equiv="Content-Security-Policy">`.
fn meta_csp(page: &str) -> Option<String> {
    let marker = "<meta http-equiv=\"Content-Security-Policy\" content=\"";
    let start = page.find(marker)? + marker.len();
    let end = page[start..].find('"')? + start;
    // The report escapes it for an attribute; a policy holds only `'` of those characters.
    Some(page[start..end].replace("&#39;", "'"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
