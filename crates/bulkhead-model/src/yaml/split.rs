//! Splitting a YAML stream into documents before parsing.
//!
//! A line that starts with `---` or `...` followed by a space or the end of the line is always
//! a document marker: YAML forbids those at column 0 inside any content. Splitting there first
//! means a broken document cannot take the rest of the file down with it, the size limit is
//! checked before any parsing, and large streams parse in parallel.

/// A byte range of the stream holding one document (its `---` line included).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
}

pub fn split_documents(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    let bytes = text.as_bytes();
    while line_start < bytes.len() {
        let line_end = memchr_newline(bytes, line_start);
        let line = &bytes[line_start..line_end];
        if is_marker(line, b"---") {
            if has_content(&bytes[start..line_start]) {
                chunks.push(Chunk {
                    start,
                    end: line_start,
                });
            }
            start = line_start;
        } else if is_marker(line, b"...") {
            let next = (line_end + 1).min(bytes.len());
            chunks.push(Chunk { start, end: next });
            start = next;
        }
        line_start = line_end + 1;
    }
    if has_content(&bytes[start.min(bytes.len())..]) {
        chunks.push(Chunk {
            start,
            end: bytes.len(),
        });
    }
    chunks
}

/// The end of the line starting at `from` (SIMD search: this runs over every line of the
/// input before anything is parsed).
fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |p| from + p)
}

fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.starts_with(marker) && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'#'))
}

/// Whether a range holds anything but blank lines and comments.
fn has_content(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        let line = if is_marker(line, b"---") {
            &line[3..]
        } else {
            line
        };
        let trimmed = line.trim_ascii_start();
        !trimmed.is_empty() && trimmed[0] != b'#'
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_markers_only_at_column_zero() {
        let text = "a: 1\n---\nb: |\n  ---\n  x\n--- # c\nc: 3\n...\n";
        let chunks = split_documents(text);
        let parts: Vec<&str> = chunks.iter().map(|c| &text[c.start..c.end]).collect();
        assert_eq!(
            parts,
            ["a: 1\n", "---\nb: |\n  ---\n  x\n", "--- # c\nc: 3\n...\n"]
        );
    }

    #[test]
    fn comment_only_documents_are_dropped() {
        let text = "---\n# Source: x\n---\na: 1\n";
        let chunks = split_documents(text);
        assert_eq!(chunks.len(), 1);
        assert_eq!(&text[chunks[0].start..], "---\na: 1\n");
    }
}
