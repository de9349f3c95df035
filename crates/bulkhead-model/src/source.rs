//! Source files: the text that every span points into.

use std::sync::OnceLock;

use crate::span::{Position, Span};

/// One input (a file, or standard input) with its full text.
///
/// Objects keep an `Arc<SourceFile>` so that any finding can be turned into a line, a column
/// and a snippet without reading the file again.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user named it (or `-` for standard input), with `/` separators.
    pub path: String,
    pub text: String,
    line_starts: OnceLock<Vec<u32>>,
    ascii: OnceLock<bool>,
    /// Where the directory part of `path` ends: checks that pair namespace-less objects by
    /// directory compare it for many pairs, so the separator search happens once per file.
    directory_end: OnceLock<usize>,
    /// Answers of [`SourceFile::mentions`], so that per-finding questions scan the text once.
    mentions: std::sync::Mutex<Vec<(&'static str, bool)>>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
            ascii: OnceLock::new(),
            directory_end: OnceLock::new(),
            mentions: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0u32];
            starts.extend(
                self.text
                    .bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            starts
        })
    }

    /// The directory the file was read from (`""` at the top): the path up to its last slash
    /// or backslash.
    pub fn directory(&self) -> &str {
        let end = *self
            .directory_end
            .get_or_init(|| self.path.rfind(['/', '\\']).unwrap_or(0));
        &self.path[..end]
    }

    /// Whether the text contains `needle`, computed once per file and needle.
    pub fn mentions(&self, needle: &'static str) -> bool {
        let mut cache = self.mentions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&(_, found)) = cache.iter().find(|(n, _)| *n == needle) {
            return found;
        }
        let found = self.text.contains(needle);
        cache.push((needle, found));
        found
    }

    /// 1-based line and 1-based character column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let offset = offset.min(self.text.len() as u32);
        let line_index = match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = starts[line_index] as usize;
        let end = floor_char_boundary(&self.text, offset as usize);
        // Columns count characters; in ASCII text that is bytes, found without walking a
        // (possibly enormous, minified) line once per finding.
        let column = if *self.ascii.get_or_init(|| self.text.is_ascii()) {
            (end - line_start) as u32 + 1
        } else {
            self.text[line_start..end].chars().count() as u32 + 1
        };
        (line_index as u32 + 1, column)
    }

    pub fn position(&self, span: Span) -> Position {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end);
        Position {
            line,
            column,
            end_line,
            end_column,
            offset: span.start,
            length: span.len(),
        }
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let rest = &self.text[start as usize..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_span(&self, line: u32) -> Span {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1) as usize) else {
            let end = self.text.len() as u32;
            return Span::new(end, end);
        };
        Span::new(start, start + self.line_text(line).len() as u32)
    }

    pub fn slice(&self, span: Span) -> &str {
        let start = floor_char_boundary(&self.text, span.start as usize);
        let end = floor_char_boundary(&self.text, span.end as usize);
        &self.text[start..end]
    }
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let file = SourceFile::new("a.yaml", "a: 1\nnamé: x\n");
        let x = file.text.find('x').unwrap() as u32;
        assert_eq!(file.line_col(x), (2, 7));
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_text(2), "namé: x");
    }

    #[test]
    fn the_directory_is_the_path_up_to_its_last_separator() {
        for (path, directory) in [
            ("a.yaml", ""),
            ("-", ""),
            ("dir/a.yaml", "dir"),
            ("/abs/dir/sub/a.yaml", "/abs/dir/sub"),
            ("C:\\dir\\a.yaml", "C:\\dir"),
            ("dir/sub\\a.yaml", "dir/sub"),
        ] {
            let file = SourceFile::new(path, "");
            assert_eq!(file.directory(), directory, "{path}");
            assert_eq!(file.directory(), directory, "{path}, asked again");
        }
    }
}
