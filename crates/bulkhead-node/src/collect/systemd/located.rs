//! Text that remembers where each character was written, so that a word assembled from a
//! quoted assignment, a continued line or an environment variable still points at the exact
//! characters of the real file.

use bulkhead_model::Span;

/// One character and its byte range in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Char {
    pub c: char,
    pub start: u32,
    pub end: u32,
}

/// Characters of one file (`file` indexes the collector's list of read files).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Text {
    pub file: usize,
    pub chars: Vec<Char>,
}

impl Text {
    pub fn new(file: usize) -> Self {
        Text {
            file,
            chars: Vec::new(),
        }
    }

    /// Every character of `text`, which starts at byte `offset` of file `file`.
    pub fn of(file: usize, text: &str, offset: usize) -> Self {
        let chars = text
            .char_indices()
            .map(|(i, c)| Char {
                c,
                start: (offset + i) as u32,
                end: (offset + i + c.len_utf8()) as u32,
            })
            .collect();
        Text { file, chars }
    }

    pub fn string(&self) -> String {
        self.chars.iter().map(|c| c.c).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// From the first character to the end of the last.
    pub fn span(&self) -> Option<Span> {
        Some(Span::new(self.chars.first()?.start, self.chars.last()?.end))
    }

    /// The characters from index `from` on.
    pub fn tail(&self, from: usize) -> Text {
        Text {
            file: self.file,
            chars: self.chars.get(from..).unwrap_or(&[]).to_vec(),
        }
    }

    /// Leading and trailing whitespace removed.
    pub fn trimmed(&self) -> Text {
        let start = self
            .chars
            .iter()
            .position(|c| !c.c.is_whitespace())
            .unwrap_or(self.chars.len());
        let end = self
            .chars
            .iter()
            .rposition(|c| !c.c.is_whitespace())
            .map_or(start, |p| p + 1);
        Text {
            file: self.file,
            chars: self.chars[start..end.max(start)].to_vec(),
        }
    }

    /// Words separated by whitespace, no quote handling (how systemd splits `$VAR`).
    pub fn split_whitespace(&self) -> Vec<Text> {
        let mut words = Vec::new();
        let mut current = Text::new(self.file);
        for ch in &self.chars {
            if ch.c.is_whitespace() {
                if !current.is_empty() {
                    words.push(std::mem::replace(&mut current, Text::new(self.file)));
                }
            } else {
                current.chars.push(*ch);
            }
        }
        if !current.is_empty() {
            words.push(current);
        }
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_the_original_text() {
        let text = Text::of(3, "  a bé c ", 10);
        let words = text.split_whitespace();
        assert_eq!(words.len(), 3);
        assert_eq!(words[1].string(), "bé");
        assert_eq!(words[1].span(), Some(Span::new(14, 17)));
        assert_eq!(text.trimmed().string(), "a bé c");
    }
}
