//! Turning parser events into the spanned value tree, under the safety limits.

use std::collections::HashMap;

use foldhash::{HashMap as FastMap, HashMapExt, HashSet as FastSet};

use libyaml_safer::{Encoding, ErrorKind, Event, EventData, Mark, Parser, ScalarStyle};

use crate::limits::Limits;
use crate::node::{Entry, Node, Str, Value};
use crate::span::Span;
use crate::yaml::scalar::resolve_plain;
use crate::yaml::{fast, guard};

/// A parsed document: its root value.
#[derive(Debug)]
pub struct ParsedDocument {
    pub root: Node,
}

/// A problem found while reading, at a byte range of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub span: Span,
    pub message: String,
    /// `true` when the document could not be read at all; `false` for problems such as
    /// duplicate keys, where the document is still evaluated.
    pub fatal: bool,
    /// Another place the message refers to (the first definition of a duplicate key).
    pub related: Option<Span>,
}

/// The documents of one chunk and the problems met reading them.
#[derive(Debug, Default)]
pub struct ChunkResult {
    pub documents: Vec<ParsedDocument>,
    pub problems: Vec<Problem>,
}

enum Frame {
    /// Its items are `Builder::items[first..]`.
    Seq {
        start: u32,
        anchor: Option<String>,
        first: usize,
    },
    /// Its entries are `Builder::entries[first..]`.
    Map {
        start: u32,
        anchor: Option<String>,
        first: usize,
        key: Option<(Str, Span)>,
        /// First key span of each key among `entries[..indexed]`, kept once the mapping is
        /// large, so that duplicate-key detection is not quadratic in the number of keys.
        index: FastMap<Str, Span>,
        indexed: usize,
    },
}

/// Mappings with at least this many entries find duplicate keys through a hash index.
const INDEXED_MAP: usize = 16;

/// A builder's working vectors, kept per thread between documents.
///
/// They grow to the size of a document's largest collection and are emptied, not freed, when
/// the builder is done. Allocated and freed once per document instead, they left whole
/// allocator pages empty after every file; the allocator returns those to the system at once
/// (the binary sets mimalloc's purge delay to 0) and the next file faulted them in again,
/// zeroed: tens of thousands of page faults at 50,000 files.
#[derive(Default)]
struct Scratch {
    stack: Vec<Frame>,
    items: Vec<Node>,
    entries: Vec<Entry>,
}

/// Working vectors larger than this (in elements) after a document are freed rather than kept.
const MAX_KEPT_SCRATCH: usize = 1 << 14;

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

pub(crate) struct Builder<'a> {
    limits: &'a Limits,
    /// Byte offset of the chunk in its file; the parser's marks are relative to the chunk.
    base: u32,
    text: &'a str,
    stack: Vec<Frame>,
    /// The items and entries of the open collections, innermost last. A collection's
    /// children collect here and move into a vector of exactly their number when it ends:
    /// one allocation per collection, instead of a vector per collection that grows by
    /// doubling and is then shrunk (each step a reallocation, and the freed blocks scattered
    /// over memory that the trees, which live for the whole scan, then leave half used).
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: HashMap<String, (Node, usize)>,
    /// Nodes copied so far for anchors and alias expansion (the alias-bomb budget).
    alias_nodes: usize,
    /// The line break [`parse_chunk`] appended, when a block scalar can tell it apart.
    sentinel: Option<char>,
    result: ChunkResult,
}

/// Parses the chunk `text`, which starts at byte `base` of its file.
///
/// The YAML that manifests are written in goes through the fast reader ([`fast`]); anything
/// it does not handle, it hands to the general parser ([`parse_chunk_general`]), so the
/// result is the same either way.
pub fn parse_chunk(text: &str, base: usize, limits: &Limits) -> ChunkResult {
    if !general_only() {
        if let Some(Some(result)) = guard::quietly(|| fast::parse(text, base, limits)) {
            return result;
        }
    }
    parse_chunk_general(text, base, limits)
}

/// `BULKHEAD_YAML_READER=general` turns the fast reader off: for measuring what it gains
/// (`bench/`), and as a way out should it ever misread something.
fn general_only() -> bool {
    static GENERAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *GENERAL
        .get_or_init(|| std::env::var_os("BULKHEAD_YAML_READER").is_some_and(|v| v == "general"))
}

/// Parses the chunk `text` with the general parser (every construct of YAML 1.1).
///
/// A panic inside the parser (a bug in it, not a property of the input) becomes an error on
/// this document instead of ending the scan, and prints nothing ([`guard::quietly`]).
pub fn parse_chunk_general(text: &str, base: usize, limits: &Limits) -> ChunkResult {
    guard::quietly(|| parse_chunk_unguarded(text, base, limits)).unwrap_or_else(|| ChunkResult {
        documents: Vec::new(),
        problems: vec![Problem {
            span: Span::new(base as u32, base as u32),
            message:
                "the YAML parser failed on this document (an internal error; please report it)"
                    .into(),
            fatal: true,
            related: None,
        }],
    })
}

fn parse_chunk_unguarded(text: &str, base: usize, limits: &Limits) -> ChunkResult {
    if text.len() > limits.max_document_bytes {
        return ChunkResult {
            documents: Vec::new(),
            problems: vec![Problem {
                span: Span::new(base as u32, base as u32),
                message: format!(
                    "document of {} bytes exceeds the limit of {} bytes; it was not read",
                    text.len(),
                    limits.max_document_bytes
                ),
                fatal: true,
                related: None,
            }],
        };
    }
    // A byte order mark opening a chunk (the file's first, or one after a `...` line) is not
    // content. The parser would skip it without counting its three bytes, putting every
    // position of the document three bytes early (inside the mark, for the first ones).
    let (text, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, base + '\u{feff}'.len_utf8()),
        None => (text, base),
    };
    // The parser assumes a final line break (it panics in a block scalar at the very end
    // otherwise); adding one changes no offset of the text before it. But a block scalar that
    // runs to the end would keep it: `a: |\n  x` would read `"x\n"` where libyaml and
    // go-yaml read `"x"`. So the break added is U+2028 (or U+2029) when the text has none:
    // the parser keeps those verbatim in block scalars, and [`Builder::event`] removes it.
    let sentinel = if text.ends_with(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        None
    } else {
        Some(
            ['\u{2028}', '\u{2029}']
                .into_iter()
                .find(|&c| !text.contains(c))
                .unwrap_or('\n'),
        )
    };
    let mut builder = Builder::new(limits, base, text);
    builder.sentinel = sentinel.filter(|&c| c != '\n');
    let terminated;
    let mut input = match sentinel {
        None => text.as_bytes(),
        Some(c) => {
            terminated = format!("{text}{c}");
            terminated.as_bytes()
        }
    };
    let mut parser = Parser::new();
    // The text is UTF-8 already. Left to guess, the parser takes a document that starts with a
    // character from U+F000 to U+FFFF (first byte 0xEF, like a byte order mark) for a
    // malformed byte order mark and refuses it.
    parser.set_encoding(Encoding::Utf8);
    parser.set_input_string(&mut input);
    for next in parser {
        let step = match next {
            Ok(event) => builder.event(event),
            Err(e) => {
                // Reader errors (a control character) come without a mark: find the character.
                let offset = match e.problem_mark() {
                    Some(mark) => mark.index.min(text.len() as u64) as usize,
                    None if e.kind() == ErrorKind::Reader => {
                        text.find(|c| !is_yaml_char(c)).unwrap_or(0)
                    }
                    None => 0,
                };
                let at = builder.base + offset as u32;
                let message = match e.context() {
                    Some(context) => format!("invalid YAML: {}, {context}", e.problem()),
                    None => format!("invalid YAML: {}", e.problem()),
                };
                Err(Problem {
                    span: Span::new(at, at),
                    message,
                    fatal: true,
                    related: None,
                })
            }
        };
        if let Err(problem) = step {
            builder.result.problems.push(problem);
            break;
        }
    }
    builder.finish()
}

/// Whether the parser's reader accepts `c` (YAML 1.1's printable set).
pub(crate) fn is_yaml_char(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}'
            | '\u{a0}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fffd}'
            | '\u{10000}'..
    )
}

impl<'a> Builder<'a> {
    /// A builder for the chunk `text`, which starts at byte `base` of its file.
    pub(crate) fn new(limits: &'a Limits, base: usize, text: &'a str) -> Self {
        let scratch = SCRATCH.try_with(std::cell::Cell::take).unwrap_or_default();
        Builder {
            limits,
            base: base as u32,
            text,
            stack: scratch.stack,
            items: scratch.items,
            entries: scratch.entries,
            anchors: HashMap::new(),
            alias_nodes: 0,
            sentinel: None,
            result: ChunkResult::default(),
        }
    }

    /// The documents and problems read.
    pub(crate) fn finish(mut self) -> ChunkResult {
        std::mem::take(&mut self.result)
    }

    /// A file span from parser marks, clamped to the chunk (marks can point at the line
    /// break that [`parse_chunk`] adds).
    fn span(&self, start: Mark, end: Mark) -> Span {
        let len = self.text.len() as u64;
        Span::new(
            self.base + start.index.min(len) as u32,
            self.base + end.index.min(len) as u32,
        )
    }

    fn event(&mut self, event: Event) -> Result<(), Problem> {
        let span = self.span(event.start_mark, event.end_mark);
        match event.data {
            EventData::DocumentStart { .. } => {
                self.anchors.clear();
                self.alias_nodes = 0;
            }
            EventData::Scalar {
                mut value,
                style,
                anchor,
                tag,
                ..
            } => {
                let span = self.trim_block(span, style);
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    if let Some(sentinel) = self.sentinel {
                        if value.ends_with(sentinel) {
                            value.pop();
                        }
                    }
                }
                let forced_string = matches!(
                    tag.as_deref(),
                    Some("tag:yaml.org,2002:str" | "tag:yaml.org,2002:binary")
                );
                let plain = style == ScalarStyle::Plain && !forced_string;
                self.scalar(span, value.into(), plain, anchor)?;
            }
            EventData::Alias { anchor } => {
                let Some((node, count)) = self.anchors.get(&anchor) else {
                    return Err(self.problem(span, format!("alias *{anchor} names no anchor")));
                };
                self.alias_nodes += count;
                if self.alias_nodes > self.limits.max_alias_nodes {
                    return Err(self.problem(
                        span,
                        format!(
                            "alias expansion exceeds the budget of {} nodes (an alias bomb?); the document was not read",
                            self.limits.max_alias_nodes
                        ),
                    ));
                }
                let mut node = node.clone();
                node.span = span;
                if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
                    let Some(text) = node.scalar_text() else {
                        return Err(self.problem(span, "a mapping key must be a scalar".into()));
                    };
                    return self.key(text.into(), span);
                }
                self.complete(node, None)?;
            }
            EventData::SequenceStart { anchor, .. } => self.start_sequence(span, anchor)?,
            EventData::MappingStart { anchor, .. } => self.start_mapping(span, anchor)?,
            EventData::SequenceEnd | EventData::MappingEnd => self.end_collection(span)?,
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentEnd { .. } => {}
        }
        Ok(())
    }

    /// A scalar read at `span`; `plain` ones are typed the way Kubernetes types them
    /// ([`resolve_plain`]), the others are strings.
    pub(crate) fn scalar(
        &mut self,
        span: Span,
        value: Str,
        plain: bool,
        anchor: Option<String>,
    ) -> Result<(), Problem> {
        let in_key_position = matches!(self.stack.last(), Some(Frame::Map { key: None, .. }));
        if in_key_position {
            if let Some(anchor) = anchor {
                let node = Node::new(span, Value::Str(value.clone()));
                self.anchors.insert(anchor, (node, 1));
            }
            return self.key(value, span);
        }
        let value = if plain {
            resolve_plain(&value)
        } else {
            Value::Str(value)
        };
        self.complete(Node::new(span, value), anchor)
    }

    /// A plain scalar borrowed from the text (the fast reader's common case: no copy
    /// unless it becomes a key or a string value).
    pub(crate) fn plain_scalar(&mut self, span: Span, text: &str) -> Result<(), Problem> {
        if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
            return self.key(text.into(), span);
        }
        self.complete(Node::new(span, resolve_plain(text)), None)
    }

    pub(crate) fn start_sequence(
        &mut self,
        span: Span,
        anchor: Option<String>,
    ) -> Result<(), Problem> {
        self.open(span)?;
        self.stack.push(Frame::Seq {
            start: span.start,
            anchor,
            first: self.items.len(),
        });
        Ok(())
    }

    pub(crate) fn start_mapping(
        &mut self,
        span: Span,
        anchor: Option<String>,
    ) -> Result<(), Problem> {
        self.open(span)?;
        self.stack.push(Frame::Map {
            start: span.start,
            anchor,
            first: self.entries.len(),
            key: None,
            index: FastMap::new(),
            indexed: 0,
        });
        Ok(())
    }

    /// The end of the innermost collection; `span` is its closing bracket for flow
    /// collections and empty for block ones.
    pub(crate) fn end_collection(&mut self, span: Span) -> Result<(), Problem> {
        {
            let Some(frame) = self.stack.pop() else {
                return Ok(());
            };
            let (start, anchor, last_end, value) = match frame {
                Frame::Seq {
                    start,
                    anchor,
                    first,
                } => (
                    start,
                    anchor,
                    self.items[first..].last().map(|n| n.span.end),
                    // `collect` from a `drain` allocates exactly the length.
                    Value::Seq(self.items.drain(first..).collect()),
                ),
                Frame::Map {
                    start,
                    anchor,
                    first,
                    ..
                } => (
                    start,
                    anchor,
                    self.entries[first..].last().map(|e| e.value.span.end),
                    Value::Map(apply_merge_keys(self.entries.drain(first..).collect())),
                ),
            };
            // Flow collections end at their closing bracket; block ones at their last child.
            let end = if span.is_empty() {
                last_end.unwrap_or(start)
            } else {
                span.end
            };
            self.complete(Node::new(Span::new(start, end), value), anchor)
        }
    }

    /// A block scalar's span runs to the next token; stop it at its last character instead.
    fn trim_block(&self, span: Span, style: ScalarStyle) -> Span {
        if !matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            return span;
        }
        let local = (span.start - self.base) as usize..(span.end - self.base) as usize;
        match self.text.get(local) {
            Some(local) => Span::new(span.start, span.start + local.trim_end().len() as u32),
            None => span,
        }
    }

    fn open(&mut self, span: Span) -> Result<(), Problem> {
        if matches!(self.stack.last(), Some(Frame::Map { key: None, .. })) {
            return Err(self.problem(
                span,
                "complex mapping keys (a mapping or sequence used as a key) are not supported"
                    .into(),
            ));
        }
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.problem(
                span,
                format!(
                    "nesting deeper than {} levels; the document was not read",
                    self.limits.max_depth
                ),
            ));
        }
        Ok(())
    }

    fn key(&mut self, key: Str, span: Span) -> Result<(), Problem> {
        if let Some(Frame::Map {
            first,
            key: k,
            index,
            indexed,
            ..
        }) = self.stack.last_mut()
        {
            let entries = &self.entries[*first..];
            let first = if &*key == "<<" {
                None
            } else if entries.len() < INDEXED_MAP {
                entries.iter().find(|e| e.key == key).map(|e| e.key_span)
            } else {
                for e in &entries[*indexed..] {
                    index.entry(e.key.clone()).or_insert(e.key_span);
                }
                *indexed = entries.len();
                index.get(&key).copied()
            };
            if let Some(first) = first {
                let message = format!(
                    "duplicate key \"{key}\": Kubernetes rejects it under strict field validation, and lenient readers take the last value"
                );
                self.result.problems.push(Problem {
                    span,
                    message,
                    fatal: false,
                    related: Some(first),
                });
            }
            *k = Some((key, span));
        }
        Ok(())
    }

    fn complete(&mut self, node: Node, anchor: Option<String>) -> Result<(), Problem> {
        if let Some(anchor) = anchor {
            // Keeping the anchored node is a copy too: nested anchors (`&a [&b [&c [...]]]`)
            // would otherwise copy a large node once per level without a single alias.
            let count = node.count();
            self.alias_nodes += count;
            if self.alias_nodes > self.limits.max_alias_nodes {
                return Err(self.problem(
                    node.span,
                    format!(
                        "anchored nodes exceed the alias budget of {} nodes (nested anchors copy their content; an alias bomb?); the document was not read",
                        self.limits.max_alias_nodes
                    ),
                ));
            }
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => self.result.documents.push(ParsedDocument { root: node }),
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map { key, .. }) => {
                let Some((key, key_span)) = key.take() else {
                    return Err(self.problem(node.span, "a mapping key must be a scalar".into()));
                };
                self.entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                });
            }
        }
        Ok(())
    }

    fn problem(&self, span: Span, message: String) -> Problem {
        Problem {
            span,
            message,
            fatal: true,
            related: None,
        }
    }
}

/// Gives the working vectors back to the thread, empty (see [`Scratch`]).
impl Drop for Builder<'_> {
    fn drop(&mut self) {
        let mut scratch = Scratch {
            stack: std::mem::take(&mut self.stack),
            items: std::mem::take(&mut self.items),
            entries: std::mem::take(&mut self.entries),
        };
        scratch.stack.clear();
        scratch.items.clear();
        scratch.entries.clear();
        if scratch.items.capacity().max(scratch.entries.capacity()) <= MAX_KEPT_SCRATCH {
            // During thread teardown there is nowhere to keep them: they are freed.
            let _ = SCRATCH.try_with(|kept| kept.set(scratch));
        }
    }
}

/// YAML merge keys (`<<: *defaults`), which go-yaml v2 and so Kubernetes honour: entries of
/// the merged mappings are added unless the mapping sets the key itself.
fn apply_merge_keys(entries: Vec<Entry>) -> Vec<Entry> {
    if !entries.iter().any(|e| &*e.key == "<<") {
        return entries;
    }
    let (merges, mut own): (Vec<Entry>, Vec<Entry>) =
        entries.into_iter().partition(|e| &*e.key == "<<");
    let mut present: FastSet<Str> = own.iter().map(|e| e.key.clone()).collect();
    for merge in merges {
        let sources: Vec<Node> = match merge.value.value {
            Value::Map(_) => vec![merge.value],
            Value::Seq(items) => items,
            _ => continue,
        };
        for source in sources {
            if let Value::Map(merged) = source.value {
                for entry in merged {
                    if present.insert(entry.key.clone()) {
                        own.push(entry);
                    }
                }
            }
        }
    }
    // Trees live for the whole scan: give back what growing reserved.
    own.shrink_to_fit();
    own
}
