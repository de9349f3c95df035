//! The SSH server's configuration: `/etc/ssh/sshd_config` and every file its `Include`s name,
//! in the order sshd reads them. One `SshdConfig` object per file, whose directives point at
//! their own lines; each unconditional directive carries its place in the reading order
//! (`sequence`), since sshd keeps the first value it obtains.

use std::sync::Arc;

use bulkhead_model::{Node, Object, SourceFile, Span, Value};

use crate::collect::fs::{join_node, parent, NodeFs};
use crate::host::{spanned, sshd};

pub(crate) const MAIN: &str = "/etc/ssh/sshd_config";
/// How deep `Include`s may nest (sshd's own limit is 16).
const MAX_DEPTH: usize = 16;

struct Reader<'a> {
    fs: &'a mut NodeFs,
    sequence: i64,
    objects: Vec<Object>,
    files: Vec<String>,
}

pub(crate) fn sshd(fs: &mut NodeFs, found: &mut Vec<String>) -> Vec<Object> {
    let Some(text) = fs.read_optional(MAIN, "the SSH server's settings are not evaluated") else {
        return Vec::new();
    };
    let mut reader = Reader {
        fs,
        sequence: 0,
        objects: Vec::new(),
        files: Vec::new(),
    };
    reader.file(MAIN, text, false, 0);
    found.push(format!("sshd: {}", reader.files.join(", ")));
    reader.objects
}

impl Reader<'_> {
    fn file(&mut self, path: &str, text: String, conditional: bool, depth: usize) {
        self.files.push(path.to_string());
        let directives = sshd::parse(&text, conditional);
        let file = Arc::new(SourceFile::new(path, text));
        let start = Span::new(0, 0);
        let mut items = Vec::new();
        for d in &directives {
            if d.keyword == "include" {
                self.include(path, d, depth);
                continue;
            }
            if d.conditional || d.keyword == "match" {
                continue;
            }
            let span = d.keyword_span.to(d.value_span);
            items.push(spanned::map(
                span,
                vec![
                    (
                        "keyword".into(),
                        d.keyword_span,
                        spanned::text(d.keyword_span, &d.written),
                    ),
                    (
                        "value".into(),
                        d.value_span,
                        spanned::text(d.value_span, &d.value),
                    ),
                    (
                        "sequence".into(),
                        d.keyword_span,
                        Node::new(d.keyword_span, Value::Int(self.sequence)),
                    ),
                ],
            ));
            self.sequence += 1;
        }
        let whole = Span::new(0, file.text.len() as u32);
        let spec = spanned::map(
            whole,
            vec![
                ("path".into(), start, spanned::text(start, path)),
                (
                    "main".into(),
                    start,
                    Node::new(start, Value::Bool(path == MAIN)),
                ),
                (
                    "directives".into(),
                    whole,
                    Node::new(whole, Value::Seq(items)),
                ),
            ],
        );
        self.fs.stats.documents += 1;
        self.objects
            .push(spanned::object("SshdConfig", path, file, spec));
    }

    fn include(&mut self, from: &str, directive: &sshd::Directive, depth: usize) {
        if depth >= MAX_DEPTH {
            self.fs.warning(
                from,
                format!(
                    "{from}: Include nests deeper than {MAX_DEPTH} files; the rest is not read"
                ),
            );
            return;
        }
        for pattern in sshd::include_patterns(&directive.value) {
            let paths = if pattern.contains(['*', '?']) {
                let dir = parent(&pattern).to_string();
                let glob = pattern.rsplit('/').next().unwrap_or_default().to_string();
                self.fs
                    .list(&dir)
                    .into_iter()
                    .filter(|n| sshd::matches_glob(&glob, n))
                    .map(|n| join_node(&dir, &n))
                    .collect()
            } else {
                vec![pattern.clone()]
            };
            for path in paths {
                let named_by = format!("Include in {from}");
                if let Some(text) =
                    self.fs
                        .read_required(&path, &named_by, "its settings are not evaluated")
                {
                    self.file(&path, text, directive.conditional, depth + 1);
                }
            }
        }
    }
}
