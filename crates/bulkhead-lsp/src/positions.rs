//! Bulkhead counts columns in characters (Unicode scalar values); the protocol, by default,
//! in UTF-16 code units. The conversion needs the line's text.

/// The UTF-16 offset of the 1-based character column `column` in `line`.
pub fn utf16_column(line: &str, column: usize) -> u32 {
    line.chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum::<usize>() as u32
}

/// The text of 1-based line `line` of `text`, without its line break.
pub fn line_of(text: &str, line: usize) -> &str {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_beyond_the_basic_plane_count_twice() {
        assert_eq!(utf16_column("name: x", 7), 6);
        // "é" is one unit, "😀" two.
        assert_eq!(utf16_column("é😀: x", 2), 1);
        assert_eq!(utf16_column("é😀: x", 3), 3);
        assert_eq!(utf16_column("é😀: x", 4), 4);
        assert_eq!(utf16_column("", 1), 0);
        assert_eq!(line_of("a\r\nbc\n", 2), "bc");
        assert_eq!(line_of("a", 5), "");
    }
}
