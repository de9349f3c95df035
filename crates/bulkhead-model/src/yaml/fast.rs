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
use crate::yaml::build::{is_yaml_char, Builder, ChunkResult};

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
    // Blocks of 64 bytes without an early exit inside each: the compiler turns the test into
    // vector instructions (a byte at a time, it was a visible share of reading).
    let allowed = |b: u8| b == b'\n' || (b >= b' ' && b != 0x7f);
    if !text
        .as_bytes()
        .chunks(64)
        .all(|block| block.iter().fold(true, |ok, &b| ok & allowed(b)))
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
    /// Double-quoted, with backslash escapes when the flag is set.
    Double(bool),
}

impl<'a> Reader<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.base + start as u32, self.base + end as u32)
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(b'\n')
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.bytes[from..]).map_or(self.bytes.len(), |p| from + p)
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
        if matches!(self.bytes[root.content], b'[' | b'{') {
            // A JSON document (or any flow collection as the root), over as many lines as
            // it likes.
            let end = self.flow_node(root.content, true)?;
            self.rest_is_blank(end, true)?;
            self.advance(end);
        } else {
            self.block_node(root)?;
        }
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
        if matches!(self.at(i), b'|' | b'>' | b'[' | b'{') {
            return self.inline_value(i, indent);
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
        let end = match self.at(at) {
            b'|' | b'>' => return self.block_scalar(at, indent),
            b'[' | b'{' => {
                let end = self.flow_node(at, false)?;
                let mut after = end;
                while self.at(after) == b' ' {
                    after += 1;
                }
                self.rest_is_blank(after, after > end)?;
                end
            }
            _ => {
                let token = self.token(at)?;
                if token.is_key {
                    return None;
                }
                self.rest_is_blank(token.after, token.after > token.end)?;
                self.emit(&token)?;
                token.end
            }
        };
        self.advance(end);
        self.no_continuation(indent)
    }

    /// After a value: no later line may be indented more than its block (it would continue
    /// a multi-line scalar, or be an error).
    fn no_continuation(&self, indent: usize) -> Option<()> {
        match self.line {
            Some(l) if l.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at `at`, in a block at
    /// column `indent`. Indentation indicators, comments after the header, content that does
    /// not end with a line break, more-indented lines in folded scalars and lines of spaces
    /// deeper than the content are left to the general parser.
    fn block_scalar(&mut self, at: usize, indent: usize) -> Option<()> {
        let folded = self.at(at) == b'>';
        let mut i = at + 1;
        let chomping = match self.at(i) {
            b'-' => {
                i += 1;
                Chomping::Strip
            }
            b'+' => {
                i += 1;
                Chomping::Keep
            }
            _ => Chomping::Clip,
        };
        self.rest_is_blank(i, false)?;
        let mut pos = self.line_end(i) + 1;
        // Lines of the scalar: `Some(range)` of content (indentation removed), `None` empty.
        let mut lines: Vec<Option<(usize, usize)>> = Vec::new();
        let mut content_indent: Option<usize> = None;
        let mut leading_spaces = 0;
        while pos < self.bytes.len() {
            let end = self.line_end(pos);
            if end == self.bytes.len() {
                // The last line has no line break: the general parser adds one.
                return None;
            }
            let mut spaces = 0;
            while self.at(pos + spaces) == b' ' {
                spaces += 1;
            }
            let blank = pos + spaces == end;
            match content_indent {
                None if blank => {
                    leading_spaces = leading_spaces.max(spaces);
                    lines.push(None);
                }
                None => {
                    if spaces <= indent || spaces < leading_spaces {
                        return None;
                    }
                    content_indent = Some(spaces);
                    lines.push(Some((pos + spaces, end)));
                }
                Some(deep) if blank => {
                    if spaces > deep {
                        return None;
                    }
                    lines.push(None);
                }
                Some(deep) if spaces < deep => break,
                Some(deep) => lines.push(Some((pos + deep, end))),
            }
            pos = end + 1;
        }
        let last = lines.iter().rposition(Option::is_some)?;
        let trailing_empty = lines.len() - last - 1;
        let mut value = String::new();
        let mut previous_content = false;
        let mut empties = 0;
        for line in &lines[..=last] {
            let Some((start, end)) = *line else {
                empties += 1;
                continue;
            };
            let text = &self.text[start..end];
            if folded {
                if text.starts_with(' ') {
                    return None;
                }
                if previous_content && empties == 0 {
                    value.push(' ');
                }
                for _ in 0..empties {
                    value.push('\n');
                }
            } else {
                if previous_content {
                    value.push('\n');
                }
                for _ in 0..empties {
                    value.push('\n');
                }
            }
            value.push_str(text);
            previous_content = true;
            empties = 0;
        }
        match chomping {
            Chomping::Strip => {}
            Chomping::Clip => value.push('\n'),
            Chomping::Keep => {
                for _ in 0..=trailing_empty {
                    value.push('\n');
                }
            }
        }
        let (_, last_end) = lines[last]?;
        let end = at + self.text[at..last_end].trim_end().len();
        self.builder
            .scalar(self.span(at, end), value.into(), false, None)
            .ok()?;
        self.line = self.next_line(pos.min(self.bytes.len()));
        self.no_continuation(indent)
    }

    /// A flow collection (`[...]`, `{...}`) or scalar at `at`, on one line unless `multiline`
    /// (a JSON document). Returns the position after it.
    fn flow_node(&mut self, at: usize, multiline: bool) -> Option<usize> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let result = match self.at(at) {
            b'[' => self.flow_sequence(at, multiline),
            b'{' => self.flow_mapping(at, multiline),
            _ => {
                let (end, _) = self.flow_scalar(at)?;
                Some(end)
            }
        };
        self.depth -= 1;
        result
    }

    fn flow_sequence(&mut self, at: usize, multiline: bool) -> Option<usize> {
        self.builder
            .start_sequence(self.span(at, at + 1), None)
            .ok()?;
        let mut i = self.flow_space(at + 1, multiline)?;
        if self.at(i) != b']' {
            loop {
                i = self.flow_node(i, multiline)?;
                i = self.flow_space(i, multiline)?;
                match self.at(i) {
                    b',' => i = self.flow_space(i + 1, multiline)?,
                    b']' => break,
                    _ => return None,
                }
                if self.at(i) == b']' {
                    // A trailing comma.
                    return None;
                }
            }
        }
        self.builder.end_collection(self.span(i, i + 1)).ok()?;
        Some(i + 1)
    }

    fn flow_mapping(&mut self, at: usize, multiline: bool) -> Option<usize> {
        self.builder
            .start_mapping(self.span(at, at + 1), None)
            .ok()?;
        let mut i = self.flow_space(at + 1, multiline)?;
        if self.at(i) != b'}' {
            loop {
                if matches!(self.at(i), b'[' | b'{') {
                    return None;
                }
                let (key_end, quoted) = self.flow_scalar(i)?;
                i = self.flow_space(key_end, multiline)?;
                // After a quoted key, `:` needs no space (JSON); after a plain one it does.
                if self.at(i) != b':'
                    || (!quoted && !matches!(self.at(i + 1), b' ' | b'\n'))
                    || (!multiline && self.at(i + 1) == b'\n')
                {
                    return None;
                }
                i = self.flow_space(i + 1, multiline)?;
                if matches!(self.at(i), b',' | b'}') {
                    return None;
                }
                i = self.flow_node(i, multiline)?;
                i = self.flow_space(i, multiline)?;
                match self.at(i) {
                    b',' => i = self.flow_space(i + 1, multiline)?,
                    b'}' => break,
                    _ => return None,
                }
                if self.at(i) == b'}' {
                    return None;
                }
            }
        }
        self.builder.end_collection(self.span(i, i + 1)).ok()?;
        Some(i + 1)
    }

    /// Skips spaces (and line breaks when `multiline`); comments are the general parser's.
    fn flow_space(&self, mut i: usize, multiline: bool) -> Option<usize> {
        loop {
            match self.at(i) {
                b' ' => i += 1,
                b'\n' if multiline && i < self.bytes.len() => i += 1,
                b'#' => return None,
                _ => return Some(i),
            }
        }
    }

    /// A quoted or plain scalar inside a flow collection; returns its end and whether it was
    /// quoted. Plain ones stop at `,[]{}` and `: `; any other `:` or `#` in them is left to the general parser.
    fn flow_scalar(&mut self, at: usize) -> Option<(usize, bool)> {
        let (end, kind) = match self.at(at) {
            b'"' | b'\'' => self.quoted(at)?,
            b'-' if !matches!(self.at(at + 1), b' ' | b'\n' | b',' | b']' | b'}') => {
                (self.flow_plain_end(at)?, TokenKind::Plain)
            }
            b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
            | b'|' | b'>' | b'%' | b'@' | b'`' | b'\n' | b' ' => return None,
            _ => (self.flow_plain_end(at)?, TokenKind::Plain),
        };
        let quoted = !matches!(kind, TokenKind::Plain);
        let token = Token {
            start: at,
            end,
            kind,
            after: end,
            is_key: false,
        };
        self.emit(&token)?;
        Some((end, quoted))
    }

    fn flow_plain_end(&self, at: usize) -> Option<usize> {
        let mut i = at;
        let mut end = at;
        loop {
            match self.at(i) {
                b'\n' | b',' | b'[' | b']' | b'{' | b'}' => return Some(end),
                b':' if matches!(self.at(i + 1), b' ' | b'\n') => return Some(end),
                b':' | b'#' => return None,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
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
                    inner.replace("''", "'").into()
                } else {
                    inner.into()
                };
                self.builder.scalar(span, value, false, None)
            }
            TokenKind::Double(escaped) => {
                let inner = &self.text[token.start + 1..token.end - 1];
                let value = if escaped {
                    unescape(inner)?.into()
                } else {
                    inner.into()
                };
                self.builder.scalar(span, value, false, None)
            }
        };
        result.ok()
    }

    /// The scalar token at `at`, or `None` when it is outside the subset.
    fn token(&self, at: usize) -> Option<Token> {
        let (end, kind) = match self.at(at) {
            b'"' | b'\'' => self.quoted(at)?,
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

    /// A quoted scalar on one line starting at `at`: its end (after the closing quote) and
    /// kind. Of the escapes in double quotes, JSON's (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`,
    /// `\r`, `\t`, `\uXXXX`) are read here ([`unescape`]); YAML's others are left to the
    /// general parser.
    fn quoted(&self, at: usize) -> Option<(usize, TokenKind)> {
        if self.at(at) == b'"' {
            let mut i = at + 1;
            let mut escaped = false;
            loop {
                match self.at(i) {
                    b'"' if i < self.bytes.len() => {
                        return Some((i + 1, TokenKind::Double(escaped)))
                    }
                    b'\\' => {
                        escaped = true;
                        i += match self.at(i + 1) {
                            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                            b'u' if (i + 2..i + 6).all(|j| self.at(j).is_ascii_hexdigit()) => 6,
                            _ => return None,
                        };
                    }
                    b'\n' => return None,
                    _ => i += 1,
                }
            }
        }
        let mut i = at + 1;
        let mut escaped = false;
        loop {
            match self.at(i) {
                b'\'' if self.at(i + 1) == b'\'' && i + 1 < self.bytes.len() => {
                    escaped = true;
                    i += 2;
                }
                b'\'' if i < self.bytes.len() => return Some((i + 1, TokenKind::Single(escaped))),
                b'\n' => return None,
                _ => i += 1,
            }
        }
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

/// The text of a double-quoted scalar whose escapes [`Reader::quoted`] accepted; `None` for a
/// `\u` escape of a surrogate, which the general parser reports as an error.
fn unescape(inner: &str) -> Option<String> {
    let mut value = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(at) = rest.find('\\') {
        value.push_str(&rest[..at]);
        let escape = rest.as_bytes().get(at + 1).copied()?;
        let (c, len) = match escape {
            b'"' => ('"', 2),
            b'\\' => ('\\', 2),
            b'/' => ('/', 2),
            b'b' => ('\u{8}', 2),
            b'f' => ('\u{c}', 2),
            b'n' => ('\n', 2),
            b'r' => ('\r', 2),
            b't' => ('\t', 2),
            b'u' => {
                let code = u32::from_str_radix(rest.get(at + 2..at + 6)?, 16).ok()?;
                (char::from_u32(code)?, 6)
            }
            _ => return None,
        };
        value.push(c);
        rest = &rest[at + len..];
    }
    value.push_str(rest);
    Some(value)
}

/// What a block scalar does with its final line breaks.
enum Chomping {
    Strip,
    Clip,
    Keep,
}

/// `---` or `...` followed by a space or the end of the line (at the start of a line).
fn is_marker(rest: &[u8]) -> bool {
    (rest.starts_with(b"---") || rest.starts_with(b"..."))
        && matches!(rest.get(3), None | Some(b' ' | b'\n'))
}
