//! A fast reader for the YAML that Kubernetes manifests are written in.
//!
//! Nearly every manifest uses a small part of YAML: block mappings and sequences, plain and
//! quoted scalars on one line, `{}` and `[]`, comments, a `---` line. The general parser
//! (libyaml's state machines, a token queue, an event per node) reads that at well under
//! 50 MB/s; this reader walks the lines once and feeds the same tree builder as the general
//! parser, so the tree, the spans, the typing and the duplicate-key warnings are the ones the
//! general parser gives.
//!
//! It answers `None` as soon as it meets anything outside that subset (anchors, aliases, tags,
//! block scalars, flow collections with content, multi-line or escaped scalars, tabs, line
//! breaks other than `\n`, directives, odd indentation, any error), and the chunk is read
//! again by the general parser. Being strict costs only the time of a second reading, on
//! documents that are rare in practice; being lenient would change results, so every rule
//! below errs on the side of handing over.

use crate::limits::Limits;
use crate::span::Span;
use crate::yaml::build::{is_yaml_char, Builder, ChunkResult, Problem};

/// Deepest nesting the fast reader follows (it recurses per level); deeper documents go to the
/// general parser, which also reports the depth limit.
const MAX_DEPTH: usize = 64;

/// libyaml refuses simple keys of more than 1,024 characters; longer keys go to it.
const MAX_KEY_BYTES: usize = 1000;

/// Reads `text` (a chunk starting at byte `base` of its file) when it is in the subset; `None`
/// hands it to the general parser.
pub fn parse(text: &str, base: usize, limits: &Limits) -> Option<ChunkResult> {
    if text.len() > limits.max_document_bytes || !in_character_subset(text) {
        return None;
    }
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        base: base as u32,
        builder: Builder::new(limits, base, text),
        line: None,
        depth: 0,
    };
    reader.document()?;
    Some(reader.builder.finish())
}

/// Only `\n` line breaks, no tabs, no control characters, and no character that YAML 1.1
/// treats as a line break or that the general parser refuses.
fn in_character_subset(text: &str) -> bool {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .all(|&b| b == b'\n' || (b' '..=b'~').contains(&b) || b >= 0x80)
    {
        return false;
    }
    text.is_ascii()
        || text.chars().all(|c| {
            c.is_ascii()
                || (is_yaml_char(c)
                    && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
        })
}

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy, Debug)]
struct Line {
    /// Byte offset of its first non-space character.
    content: usize,
    /// Number of leading spaces.
    indent: usize,
    /// A `---` or `...` line: the end of the document.
    marker: bool,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    base: u32,
    builder: Builder<'a>,
    /// The next line not yet read, `None` at the end of the text.
    line: Option<Line>,
    depth: usize,
}

/// A scalar token on one line.
struct Token {
    start: usize,
    /// End of the scalar (after the closing quote of a quoted one).
    end: usize,
    kind: TokenKind,
    /// After the token and the spaces that follow it.
    after: usize,
    /// Followed by `:` and a space or the end of the line: a mapping key.
    is_key: bool,
}

enum TokenKind {
    Plain,
    /// Single-quoted, with `''` escapes when the flag is set.
    Single(bool),
    Double,
    EmptyMap,
    EmptySeq,
}

impl<'a> Reader<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start as u32, self.base + end as u32)
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, from: usize) -> usize {
        self.bytes[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(self.bytes.len(), |p| from + p)
    }

    /// Finds the next line with content at or after `from` (a line start).
    fn next_line(&self, mut from: usize) -> Option<Line> {
        while from < self.bytes.len() {
            let mut i = from;
            while self.at(i) == b' ' {
                i += 1;
            }
            match self.at(i) {
                b'\n' | b'#' => from = self.line_end(i) + 1,
                _ => {
                    let marker = i == from && is_marker(&self.bytes[i..]);
                    return Some(Line {
                        content: i,
                        indent: i - from,
                        marker,
                    });
                }
            }
        }
        None
    }

    /// Moves past the line holding `position` to the next line with content.
    fn advance(&mut self, position: usize) {
        let end = self.line_end(position);
        self.line = self.next_line(end + 1);
    }

    fn document(&mut self) -> Option<()> {
        self.line = self.next_line(0);
        let first = self.line?;
        if first.marker {
            // `---`, then nothing but spaces and a comment on its line.
            if &self.bytes[first.content..first.content + 3] != b"---" {
                return None;
            }
            self.rest_is_blank(first.content + 3, true)?;
            self.advance(first.content);
        }
        let root = self.line?;
        if root.marker {
            return None;
        }
        self.block_node(root)?;
        match self.line {
            None => Some(()),
            // `...` ends the chunk ([`super::split_documents`] cuts after it).
            Some(end) if end.marker && self.bytes[end.content] == b'.' => {
                self.rest_is_blank(end.content + 3, true)?;
                let after = self.line_end(end.content) + 1;
                self.next_line(after.min(self.bytes.len()))
                    .is_none()
                    .then_some(())
            }
            Some(_) => None,
        }
    }

    /// Whether only spaces and, when allowed, a comment (after a space) follow `from` on its
    /// line.
    fn rest_is_blank(&self, from: usize, comment: bool) -> Option<()> {
        let mut i = from;
        while self.at(i) == b' ' {
            i += 1;
        }
        match self.at(i) {
            b'\n' => Some(()),
            b'#' if comment && (i > from || from == 0 || self.at(from - 1) == b' ') => Some(()),
            _ => None,
        }
    }

    /// A value that starts on a line of its own: a block mapping or sequence.
    fn block_node(&mut self, line: Line) -> Option<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let result = if self.is_entry(line.content) {
            self.sequence(line.content, line.indent)
        } else {
            self.mapping(line.content, line.indent)
        };
        self.depth -= 1;
        result
    }

    /// `-` followed by a space or the end of the line.
    fn is_entry(&self, i: usize) -> bool {
        self.at(i) == b'-' && matches!(self.at(i + 1), b' ' | b'\n')
    }

    /// A block mapping whose keys are at column `indent`, the first at `at`.
    fn mapping(&mut self, mut at: usize, indent: usize) -> Option<()> {
        self.builder.start_mapping(self.span(at, at), None).ok()?;
        loop {
            self.entry(at, indent)?;
            match self.line {
                Some(l) if l.indent == indent && !l.marker => {
                    if self.is_entry(l.content) {
                        return None;
                    }
                    at = l.content;
                }
                Some(l) if l.indent > indent => return None,
                _ => break,
            }
        }
        self.builder.end_collection(Span::default()).ok()
    }

    /// `key: value`, the key at `at`, in a mapping at column `indent`.
    fn entry(&mut self, at: usize, indent: usize) -> Option<()> {
        let key = self.token(at)?;
        if !key.is_key || key.end - key.start > MAX_KEY_BYTES {
            return None;
        }
        self.emit(&key)?;
        let colon_end = key.after + 1;
        let mut i = colon_end;
        while self.at(i) == b' ' {
            i += 1;
        }
        if self.rest_is_blank(colon_end, true).is_some() {
            self.advance(colon_end);
            return match self.line {
                Some(l) if l.indent > indent && !l.marker => self.block_node(l),
                Some(l) if l.indent == indent && !l.marker && self.is_entry(l.content) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return None;
                    }
                    let result = self.sequence(l.content, indent);
                    self.depth -= 1;
                    result
                }
                _ => self.null(colon_end),
            };
        }
        self.inline_value(i, indent)
    }

    /// A block sequence whose `-` are at column `indent`, the first at `at`.
    fn sequence(&mut self, mut at: usize, indent: usize) -> Option<()> {
        self.builder.start_sequence(self.span(at, at), None).ok()?;
        loop {
            self.item(at, indent)?;
            match self.line {
                Some(l) if l.indent == indent && !l.marker && self.is_entry(l.content) => {
                    at = l.content;
                }
                Some(l) if l.indent > indent => return None,
                _ => break,
            }
        }
        self.builder.end_collection(Span::default()).ok()
    }

    /// One `- item` whose `-` is at `at`, in a sequence at column `indent`.
    fn item(&mut self, at: usize, indent: usize) -> Option<()> {
        let mut i = at + 1;
        while self.at(i) == b' ' {
            i += 1;
        }
        if self.rest_is_blank(at + 1, true).is_some() {
            self.advance(at);
            return match self.line {
                Some(l) if l.indent > indent && !l.marker => self.block_node(l),
                _ => self.null(at + 1),
            };
        }
        if self.is_entry(i) {
            return None;
        }
        let token = self.token(i)?;
        if token.is_key {
            // A mapping that starts on the item's line: its keys are at the column of the first.
            let column = i - at + indent;
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return None;
            }
            let result = self.mapping(i, column);
            self.depth -= 1;
            return result;
        }
        self.inline_value(i, indent)
    }

    /// A scalar, `{}` or `[]` after `key: ` or `- `, in a block at column `indent`: nothing
    /// but a comment may follow it, and no later line may be indented more than the block (it
    /// would continue a multi-line scalar).
    fn inline_value(&mut self, at: usize, indent: usize) -> Option<()> {
        let token = self.token(at)?;
        if token.is_key {
            return None;
        }
        self.rest_is_blank(token.after, token.after > token.end)?;
        self.emit(&token)?;
        self.advance(token.end);
        match self.line {
            Some(l) if l.indent > indent => None,
            _ => Some(()),
        }
    }

    /// An empty value (`key:` or `-` with nothing after it), placed where the general parser
    /// places it: right after the indicator.
    fn null(&mut self, at: usize) -> Option<()> {
        self.builder.plain_scalar(self.span(at, at), "").ok()
    }

    /// Hands a token to the builder.
    fn emit(&mut self, token: &Token) -> Option<()> {
        let span = self.span(token.start, token.end);
        let result = match token.kind {
            TokenKind::Plain => self
                .builder
                .plain_scalar(span, &self.text[token.start..token.end]),
            TokenKind::Single(escaped) => {
                let inner = &self.text[token.start + 1..token.end - 1];
                let value = if escaped {
                    inner.replace("''", "'")
                } else {
                    inner.to_string()
                };
                self.builder.scalar(span, value, false, None)
            }
            TokenKind::Double => {
                let inner = &self.text[token.start + 1..token.end - 1];
                self.builder.scalar(span, inner.to_string(), false, None)
            }
            TokenKind::EmptyMap => self.empty_collection(token, true),
            TokenKind::EmptySeq => self.empty_collection(token, false),
        };
        result.ok()
    }

    fn empty_collection(&mut self, token: &Token, map: bool) -> Result<(), Problem> {
        let open = self.span(token.start, token.start + 1);
        if map {
            self.builder.start_mapping(open, None)?;
        } else {
            self.builder.start_sequence(open, None)?;
        }
        self.builder
            .end_collection(self.span(token.start + 1, token.start + 2))
    }

    /// The scalar token at `at`, or `None` when it is outside the subset.
    fn token(&self, at: usize) -> Option<Token> {
        let (end, kind) = match self.at(at) {
            b'"' => {
                let mut i = at + 1;
                loop {
                    match self.at(i) {
                        b'"' => break,
                        // Escapes and multi-line strings are the general parser's.
                        b'\\' | b'\n' => return None,
                        _ => i += 1,
                    }
                }
                (i + 1, TokenKind::Double)
            }
            b'\'' => {
                let mut i = at + 1;
                let mut escaped = false;
                loop {
                    match self.at(i) {
                        b'\'' if self.at(i + 1) == b'\'' && i + 1 < self.bytes.len() => {
                            escaped = true;
                            i += 2;
                        }
                        b'\'' => break,
                        b'\n' => return None,
                        _ => i += 1,
                    }
                }
                (i + 1, TokenKind::Single(escaped))
            }
            b'{' if self.at(at + 1) == b'}' => (at + 2, TokenKind::EmptyMap),
            b'[' if self.at(at + 1) == b']' => (at + 2, TokenKind::EmptySeq),
            b'-' if !matches!(self.at(at + 1), b' ' | b'\n') => {
                (self.plain_end(at), TokenKind::Plain)
            }
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' | b'\n' | b' ' => return None,
            _ => (self.plain_end(at), TokenKind::Plain),
        };
        let mut after = end;
        while self.at(after) == b' ' {
            after += 1;
        }
        let is_key = self.at(after) == b':' && matches!(self.at(after + 1), b' ' | b'\n');
        if !matches!(kind, TokenKind::Plain)
            && after == end
            && !matches!(self.at(end), b'\n' | b':')
        {
            return None;
        }
        Some(Token {
            start: at,
            end,
            kind,
            after,
            is_key,
        })
    }

    /// End of a plain scalar starting at `at`: before `: `, ` #` or the end of the line,
    /// trailing spaces excluded.
    fn plain_end(&self, at: usize) -> usize {
        let mut i = at;
        let mut end = at;
        loop {
            match self.at(i) {
                b'\n' => break,
                b':' if matches!(self.at(i + 1), b' ' | b'\n') => break,
                b'#' if self.at(i - 1) == b' ' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        end
    }
}

/// `---` or `...` followed by a space or the end of the line (at the start of a line).
fn is_marker(rest: &[u8]) -> bool {
    (rest.starts_with(b"---") || rest.starts_with(b"..."))
        && matches!(rest.get(3), None | Some(b' ' | b'\n'))
}
