//! The findings of the HTML report as one compact JSON block, which the page's script turns
//! into table rows on demand.
//!
//! A report of a large repository lists tens of thousands of findings; as markup, each cost
//! about 3 KB (its row, snippet and facts) and the page could not be rendered. Here every
//! string (path, message, field, source line, ...) is stored once in a table and findings
//! refer to it by index; a check's metadata is stored once per check and an object's once
//! per object. Only the lines findings point at, with their context, are stored, and a line
//! shared by findings is stored once. Secrets are masked before they get here, exactly as
//! the other reports mask them.
//!
//! The layout is by column, as JSON parses flat arrays of numbers many times faster than
//! one small array per finding; what only an unfolded row needs (snippet, fingerprint) is
//! one string, split by the script the first time a row unfolds. All indices are into `s`
//! unless said otherwise:
//!
//! - `sevs`: severity names by rank; `c`: checks, `[id, slug, remediation, [cis], [nsa],
//!   [mitre]]` (plain strings); `o`: objects, `[apiVersion, kind, namespace/name, namespace]` (namespace -1
//!   when cluster-scoped); `pl`:
//!   lists of PSS entries (`pl[0]` is the empty list);
//! - one array per field of the findings, worst first: `k` check (into `c`), `r` rank, `p`
//!   path, `l` line, `col` column, `t` field pointer, `m` message, `ob` object (into `o`),
//!   `x` exact (0/1), `ps` PSS entries (into `pl`);
//! - `fp`: the fingerprints, separated by spaces;
//! - `sn`: the snippets, one per line: `FROM ELIDED LINE...`, where a LINE is a string index,
//!   or `STRING:START:END:CUT_BEFORE:CUT_AFTER` with the mark in UTF-16 units of the shown
//!   text (-1 for none) and the cuts 0 or 1;
//! - `u` (suppressions, `[kind, source, until, reason]`, strings or null), `no` (notes) and
//!   `h` (Helm template): objects keyed by the finding's position, for the few that have one.
//!
//! The block is embedded in a `<script type="application/json">` element, which is not run
//! (so the page's Content-Security-Policy needs no entry for it); `<`, `>` and `&` are written
//! as `\u` escapes so nothing from the input can close the element.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use bulkhead_checks::policy::SuppressionKind;
use bulkhead_checks::{Finding, Severity};

use crate::snippet;

/// Lines of context shown before and after the offending span.
const CONTEXT_LINES: u32 = 2;
/// Lines of a multi-line span shown before the rest is elided.
const SPAN_LINES: u32 = 8;
/// Bytes of one source line shown around the highlight (minified JSON is one long line).
const LINE_BYTES: usize = 160;

/// Writes the JSON block of `listed` (already in display order) to `out`. `all` are every
/// finding of the scan, listed or not: the lines their secrets are on are masked in every
/// snippet that shows them, not only in their own.
pub fn write<'a>(out: &mut String, listed: &[&'a Finding], all: &'a [Finding]) {
    let mut data = Data::default();
    for f in all.iter().filter(|f| snippet::is_sensitive(f)) {
        let pos = &f.location.position;
        for line in pos.line..=pos.end_line.max(pos.line) {
            data.secrets
                .entry((f.location.path.as_str(), line))
                .or_insert(f);
        }
    }
    data.pss_lists.push(Vec::new());
    let mut columns: [Vec<usize>; 10] = Default::default();
    let (mut fingerprints, mut snippets) = (String::new(), String::new());
    let (mut suppressions, mut notes, mut templates) = (Vec::new(), Vec::new(), Vec::new());
    for (i, f) in listed.iter().enumerate() {
        let loc = &f.location;
        let row = [
            data.check(f.check),
            f.severity as usize,
            data.intern(&loc.path),
            loc.position.line as usize,
            loc.position.column as usize,
            data.intern(&loc.pointer),
            data.intern(&f.message),
            data.object(f),
            usize::from(loc.exact),
            data.pss(&f.pss),
        ];
        for (column, value) in columns.iter_mut().zip(row) {
            column.push(value);
        }
        if i > 0 {
            fingerprints.push(' ');
            snippets.push('\n');
        }
        fingerprints.push_str(&f.fingerprint);
        data.snippet(&mut snippets, f);
        if let Some(s) = &f.suppression {
            let kind = match s.kind {
                SuppressionKind::Annotation => "annotation",
                SuppressionKind::Comment => "comment",
                SuppressionKind::Baseline => "baseline",
            };
            let mut u = String::from("[");
            string(&mut u, kind);
            for part in [Some(&s.source), s.until.as_ref(), s.reason.as_ref()] {
                u.push(',');
                match part {
                    Some(text) => string(&mut u, text),
                    None => u.push_str("null"),
                }
            }
            u.push(']');
            suppressions.push((i, u));
        }
        if !f.notes.is_empty() {
            let mut n = String::new();
            strings(&mut n, f.notes.iter().map(String::as_str));
            notes.push((i, n));
        }
        if let Some(template) = &f.helm_source {
            let mut h = String::new();
            string(&mut h, template);
            templates.push((i, h));
        }
    }
    out.push_str("{\"sevs\":[");
    for (i, sev) in [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ]
    .iter()
    .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        debug_assert_eq!(*sev as usize, i);
        string(out, &sev.to_string());
    }
    out.push_str("],\"c\":[");
    for (i, c) in data.checks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        string(out, c.id);
        out.push(',');
        string(out, c.slug);
        out.push(',');
        string(out, c.remediation);
        for list in [c.compliance.cis, c.compliance.nsa, c.compliance.mitre] {
            out.push(',');
            strings(out, list.iter().copied());
        }
        out.push(']');
    }
    out.push_str("],\"o\":[");
    for (i, (api, kind, scope, namespace)) in data.objects.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{api},{kind},{scope},{namespace}]");
    }
    out.push_str("],\"pl\":[");
    for (i, list) in data.pss_lists.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        numbers(out, list);
    }
    out.push(']');
    for (name, column) in ["k", "r", "p", "l", "col", "t", "m", "ob", "x", "ps"]
        .iter()
        .zip(&columns)
    {
        let _ = write!(out, ",\"{name}\":");
        numbers(out, column);
    }
    out.push_str(",\"fp\":");
    string(out, &fingerprints);
    out.push_str(",\"sn\":");
    string(out, &snippets);
    for (name, entries) in [("u", suppressions), ("no", notes), ("h", templates)] {
        let _ = write!(out, ",\"{name}\":{{");
        for (k, (i, value)) in entries.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "\"{i}\":{value}");
        }
        out.push('}');
    }
    out.push_str(",\"s\":");
    strings(out, data.strings.iter().map(String::as_str));
    out.push('}');
}

fn numbers(out: &mut String, values: &[usize]) {
    out.push('[');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{v}");
    }
    out.push(']');
}

#[derive(Default)]
struct Data<'a> {
    /// The sensitive finding on each line (path, line) that holds a secret.
    secrets: HashMap<(&'a str, u32), &'a Finding>,
    strings: Vec<String>,
    string_ids: HashMap<String, usize>,
    checks: Vec<&'static bulkhead_checks::Check>,
    check_ids: BTreeMap<&'static str, usize>,
    objects: Vec<(usize, usize, usize, i64)>,
    object_ids: HashMap<(usize, usize, usize, i64), usize>,
    pss_lists: Vec<Vec<usize>>,
    pss_ids: HashMap<Vec<usize>, usize>,
}

impl<'a> Data<'a> {
    fn intern(&mut self, s: &str) -> usize {
        if let Some(&i) = self.string_ids.get(s) {
            return i;
        }
        let i = self.strings.len();
        self.strings.push(s.to_string());
        self.string_ids.insert(s.to_string(), i);
        i
    }

    fn check(&mut self, check: &'static bulkhead_checks::Check) -> usize {
        let next = self.checks.len();
        let i = *self.check_ids.entry(check.id).or_insert(next);
        if i == next {
            self.checks.push(check);
        }
        i
    }

    fn object(&mut self, f: &Finding) -> usize {
        let o = &f.object;
        let scope = match &o.namespace {
            Some(ns) => format!("{ns}/{}", o.name),
            None => o.name.clone(),
        };
        let namespace = o.namespace.as_deref().map(|ns| self.intern(ns) as i64);
        let key = (
            self.intern(&o.api_version),
            self.intern(&o.kind),
            self.intern(&scope),
            namespace.unwrap_or(-1),
        );
        let next = self.objects.len();
        let i = *self.object_ids.entry(key).or_insert(next);
        if i == next {
            self.objects.push(key);
        }
        i
    }

    /// The index of a list of PSS entries in `pl`.
    fn pss(&mut self, entries: &[String]) -> usize {
        if entries.is_empty() {
            return 0;
        }
        let ids: Vec<usize> = entries.iter().map(|e| self.intern(e)).collect();
        let next = self.pss_lists.len();
        let i = *self.pss_ids.entry(ids.clone()).or_insert(next);
        if i == next {
            self.pss_lists.push(ids);
        }
        i
    }

    /// The lines around the finding, the offending span marked; see the module's layout.
    fn snippet(&mut self, out: &mut String, f: &'a Finding) {
        let pos = &f.location.position;
        let file = &f.file;
        let first = pos.line.max(1);
        // A span that ends at the start of a line does not cover that line.
        let end = if pos.end_line > pos.line && pos.end_column == 1 {
            pos.end_line - 1
        } else {
            pos.end_line
        }
        .max(first);
        let shown_end = end.min(first + SPAN_LINES - 1);
        // Findings about credentials show only their own lines, masked: no context lines,
        // which could hold the neighbouring secrets.
        let sensitive = snippet::is_sensitive(f);
        let context = if sensitive { 0 } else { CONTEXT_LINES };
        let from = first.saturating_sub(context).max(1);
        let to = if shown_end < end {
            shown_end
        } else {
            end + context
        };
        let (span_start, span_end) = (
            pos.offset as usize,
            pos.offset as usize + pos.length as usize,
        );
        let _ = write!(out, "{from} {}", end - shown_end.min(end));
        let mut previous = "";
        for n in from..=to {
            if n > end && !has_line_after(&file.text, previous) {
                break;
            }
            let text = file.line_text(n);
            previous = text;
            out.push(' ');
            if sensitive {
                self.line(out, &snippet::display_line(f, n), None);
                continue;
            }
            // Another finding's secret on a context line: masked as in its own snippet.
            if let Some(secret) = self.secrets.get(&(f.location.path.as_str(), n)).copied() {
                self.line(out, &snippet::display_line(secret, n), None);
                continue;
            }
            let mark = (first..=end).contains(&n).then(|| {
                // Byte offsets within the line; positions are in characters, offsets in
                // bytes, and bytes keep a long minified line from being walked per finding.
                let line_start = offset_in(&file.text, text);
                let start = if n == first {
                    span_start.saturating_sub(line_start)
                } else {
                    text.len() - text.trim_start().len()
                };
                let stop = if n == end {
                    span_end.saturating_sub(line_start)
                } else {
                    text.trim_end().len()
                };
                let start = floor_boundary(text, start);
                (start, floor_boundary(text, stop).max(start))
            });
            self.line(out, text, mark);
        }
    }

    /// One source line; `mark` is the highlighted byte range. Long lines are cut to a window
    /// around the mark, so a minified file is not stored whole.
    fn line(&mut self, out: &mut String, text: &str, mark: Option<(usize, usize)>) {
        let (mut from, mut to) = (0, text.len());
        if text.len() > LINE_BYTES {
            let anchor = mark.map_or(0, |(start, _)| start);
            to = floor_boundary(text, anchor.saturating_sub(LINE_BYTES / 4) + LINE_BYTES);
            from = floor_boundary(text, to.saturating_sub(LINE_BYTES));
        }
        let shown = &text[from..to];
        let id = self.intern(shown);
        let cut = (from > 0, to < text.len());
        if mark.is_none() && cut == (false, false) {
            let _ = write!(out, "{id}");
            return;
        }
        let (start, stop) = match mark {
            Some((start, stop)) => {
                let units = |i: usize| text[from..i.clamp(from, to)].encode_utf16().count();
                (units(start) as i64, units(stop) as i64)
            }
            None => (-1, -1),
        };
        let _ = write!(
            out,
            "{id}:{start}:{stop}:{}:{}",
            u8::from(cut.0),
            u8::from(cut.1)
        );
    }
}

/// A JSON string that cannot end the `<script>` element it is embedded in.
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn strings<'a>(out: &mut String, items: impl Iterator<Item = &'a str>) {
    out.push('[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        string(out, s);
    }
    out.push(']');
}

/// Where `part`, a slice borrowed from `whole`, starts in it.
fn offset_in(whole: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).wrapping_sub(whole.as_ptr() as usize);
    match whole.get(offset..offset + part.len()) {
        Some(s) if std::ptr::eq(s, part) => offset,
        _ => 0,
    }
}

/// Whether another line follows `line`, a line of `whole` without its line break. A final
/// line break does not start a line.
fn has_line_after(whole: &str, line: &str) -> bool {
    let rest = &whole[offset_in(whole, line) + line.len()..];
    let rest = rest.trim_start_matches('\r');
    rest.strip_prefix('\n').is_some_and(|next| !next.is_empty())
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_cannot_close_the_script_element() {
        let mut out = String::new();
        string(&mut out, "</script><!-- a\"b\\c\n\u{1}&\u{2028}");
        assert_eq!(
            out,
            "\"\\u003c/script\\u003e\\u003c!-- a\\\"b\\\\c\\n\\u0001\\u0026\\u2028\""
        );
        let back: String = serde_json::from_str(&out).unwrap();
        assert_eq!(back, "</script><!-- a\"b\\c\n\u{1}&\u{2028}");
    }
}
