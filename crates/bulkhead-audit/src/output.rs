//! Alert writers: text (one alert per line with its evidence) and JSON lines (one alert
//! object per line, schema in docs/audit-alerts.md), and the summary by rule and identity.

use std::io::Write;

use crate::alert::Alert;
use crate::detect::{Sink, Stats};

/// Most unreadable lines reported one by one; the rest are counted in the summary.
pub const MAX_REPORTED_UNREADABLE: u64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            _ => Err(format!("unknown format {s:?} (text, json)")),
        }
    }
}

/// Writes alerts to `out` and unreadable-line notices to `errors`.
pub struct Writer<W: Write, E: Write> {
    pub format: Format,
    pub out: W,
    pub errors: E,
    unreadable: u64,
    /// The first write error (a closed pipe): later alerts are dropped, the run goes on.
    pub failed: Option<std::io::Error>,
}

impl<W: Write, E: Write> Writer<W, E> {
    pub fn new(format: Format, out: W, errors: E) -> Self {
        Writer {
            format,
            out,
            errors,
            unreadable: 0,
            failed: None,
        }
    }
}

impl<W: Write, E: Write> Sink for Writer<W, E> {
    fn alert(&mut self, alert: &Alert) {
        if self.failed.is_some() {
            return;
        }
        let result = match self.format {
            Format::Text => writeln!(self.out, "{}", text_line(alert)),
            Format::Json => serde_json::to_writer(&mut self.out, alert)
                .map_err(std::io::Error::from)
                .and_then(|()| self.out.write_all(b"\n")),
        };
        if let Err(e) = result {
            self.failed = Some(e);
        }
    }

    fn unreadable(&mut self, origin: &str, line: u64, message: &str) {
        self.unreadable += 1;
        if self.unreadable <= MAX_REPORTED_UNREADABLE {
            let _ = writeln!(self.errors, "bulkhead: {origin}:{line}: {message}");
        }
    }
}

/// `2024-05-01T12:00:00Z BHA003 [high] user alice ran exec in default/web ... | user=alice ...`
pub fn text_line(a: &Alert) -> String {
    let mut line = format!(
        "{} {} [{}] {}  | user={} verb={} object={} sourceIPs={} userAgent={:?} auditID={}",
        a.timestamp,
        a.rule,
        a.severity,
        a.message,
        if a.user.is_empty() { "-" } else { &a.user },
        a.verb,
        a.object_text(),
        a.source_ips.join(","),
        a.user_agent,
        a.audit_id,
    );
    if let Some(code) = a.response_code {
        line.push_str(&format!(" code={code}"));
    }
    if let Some(p) = &a.pointer {
        line.push_str(&format!(" field={p}"));
    }
    if !a.mitre.is_empty() {
        line.push_str(&format!(" mitre={}", a.mitre.join(",")));
    }
    if let Some(origin) = &a.origin {
        line.push_str(&format!(" at={origin}"));
    }
    line
}

/// The summary for standard error: counts, then alerts by rule and by identity.
pub fn summary(stats: &Stats) -> String {
    let mut s = format!(
        "{} events, {} alerts, {} unreadable lines",
        stats.events, stats.alerts, stats.unreadable
    );
    if stats.outside_time > 0 {
        s.push_str(&format!(", {} outside --since/--until", stats.outside_time));
    }
    s.push_str(&format!(
        "; {} request objects checked",
        stats.requests.judged
    ));
    if stats.requests.patches_without_object > 0 {
        s.push_str(&format!(
            ", {} patches not checked (logged without the resulting object)",
            stats.requests.patches_without_object
        ));
    }
    if stats.requests.unreadable > 0 {
        s.push_str(&format!(
            ", {} request objects unreadable",
            stats.requests.unreadable
        ));
    }
    s.push('\n');
    if !stats.by_rule.is_empty() {
        s.push_str("by rule:\n");
        for (id, (title, n)) in &stats.by_rule {
            s.push_str(&format!("  {n:>8}  {id}  {title}\n"));
        }
        s.push_str("by identity:\n");
        let mut who: Vec<(&String, &u64)> = stats.by_identity.iter().collect();
        who.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (user, n) in who.iter().take(20) {
            s.push_str(&format!("  {n:>8}  {user}\n"));
        }
        let rest: u64 = who.iter().skip(20).map(|(_, n)| **n).sum::<u64>() + stats.other_identities;
        if rest > 0 {
            s.push_str(&format!("  {rest:>8}  (other identities)\n"));
        }
    }
    s
}
