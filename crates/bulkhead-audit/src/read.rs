//! Reading audit logs: JSON lines (the log backend), `EventList` documents (the webhook
//! backend's batches, one per line or pretty-printed), gzip-compressed rotations, directories
//! of them in time order, standard input, and a live file followed across rotation.
//!
//! Input is read in chunks of whole lines and parsed in parallel; memory holds one chunk,
//! never the whole log.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use rayon::prelude::*;

use crate::detect::{Detector, Item, Sink};
use crate::event::Event;

/// Bytes read per chunk.
const CHUNK: usize = 1 << 20;

/// The longest line held in memory; a longer one is reported and skipped.
const MAX_LINE: usize = 64 << 20;

/// A line or document that is not an event.
struct Bad {
    line: u64,
    message: String,
}

/// Reads one stream (a file, a decompressed file, standard input) to its end.
pub fn read_stream(
    origin: &str,
    reader: impl Read,
    detector: &mut Detector,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let mut lines = LineReader::new(origin, reader);
    lines.run(detector, sink)
}

/// Opens a file, decompressing it when it is gzip (by its magic bytes, whatever its name).
pub fn open(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    let file = File::open(path)?;
    let mut reader = BufReader::new(file);
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    Ok(if gzip {
        Box::new(MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    })
}

/// The audit files of a directory (`*.log`, `*.log.gz`, `*.json`, `*.jsonl`, `*.gz`), in the
/// order of their first event's time; files without a readable first event go last, by name.
pub fn directory_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let audit_like = [".log", ".gz", ".json", ".jsonl"]
            .iter()
            .any(|s| name.ends_with(s));
        if path.is_file() && audit_like {
            files.push((first_time(&path).unwrap_or(i64::MAX), name, path));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, _, p)| p).collect())
}

/// The time of the first event of a file (its first line, or the first item of a batch).
fn first_time(path: &Path) -> Option<i64> {
    let mut reader = BufReader::new(open(path).ok()?.take(1 << 20));
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let event: Event<'_> = serde_json::from_str(line.trim()).ok()?;
    match &event.items {
        Some(items) if event.is_list() => items.first().and_then(Event::time_micros),
        _ => event.time_micros(),
    }
}

/// Follows a live log: reads what is there, then waits for more; when the file is rotated
/// (renamed away, a new one created) or truncated, it finishes the old one and goes on with
/// the new one from its start. Stops when `stop` says so (checked when there is no new data).
pub fn follow(
    path: &Path,
    detector: &mut Detector,
    sink: &mut dyn Sink,
    stop: &dyn Fn() -> bool,
    poll: std::time::Duration,
) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let origin = path.display().to_string();
    loop {
        let file = File::open(path)?;
        let identity = file.metadata().map(|m| (m.dev(), m.ino()))?;
        let mut lines = LineReader::new(
            &origin,
            FollowedFile {
                file,
                path: path.to_path_buf(),
                identity,
                poll,
                stop,
                ended: false,
            },
        );
        lines.run(detector, sink)?;
        if stop() {
            return Ok(());
        }
        // Rotated: the same path now names a new file.
    }
}

/// A file read as a stream that ends only when it has been rotated away (or `stop` says so):
/// at its end it polls, and a read returns 0 only when the path names another file.
struct FollowedFile<'s> {
    file: File,
    path: PathBuf,
    identity: (u64, u64),
    poll: std::time::Duration,
    stop: &'s dyn Fn() -> bool,
    ended: bool,
}

impl Read for FollowedFile<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::io::{Seek, SeekFrom};
        use std::os::unix::fs::MetadataExt;
        if self.ended {
            return Ok(0);
        }
        loop {
            let n = self.file.read(buf)?;
            if n > 0 {
                return Ok(n);
            }
            let position = self.file.stream_position()?;
            match std::fs::metadata(&self.path) {
                Ok(m) if (m.dev(), m.ino()) != self.identity => {
                    // Rotated: whatever was appended before the rename is read above; the
                    // file is finished.
                    let n = self.file.read(buf)?;
                    if n > 0 {
                        return Ok(n);
                    }
                    self.ended = true;
                    return Ok(0);
                }
                Ok(m) if m.len() < position => {
                    self.file.seek(SeekFrom::Start(0))?; // truncated in place
                    continue;
                }
                _ => {}
            }
            if (self.stop)() {
                self.ended = true;
                return Ok(0);
            }
            std::thread::sleep(self.poll);
        }
    }
}

/// Splits a stream into chunks of whole lines and hands them to the detector.
struct LineReader<'o, R> {
    origin: &'o str,
    reader: R,
    next_line: u64,
    /// Bytes read past a skipped line, to be processed first.
    pending: Vec<u8>,
}

impl<'o, R: Read> LineReader<'o, R> {
    fn new(origin: &'o str, reader: R) -> Self {
        LineReader {
            origin,
            reader,
            next_line: 1,
            pending: Vec::new(),
        }
    }

    fn run(&mut self, detector: &mut Detector, sink: &mut dyn Sink) -> io::Result<()> {
        // `buf[..filled]` holds unread bytes; the buffer keeps its length between chunks so
        // that reading a chunk does not zero a fresh one (a gigabyte of memset on a big log).
        let mut buf: Vec<u8> = Vec::new();
        let mut filled = 0;
        let mut first = true;
        loop {
            if !self.pending.is_empty() {
                let pending = std::mem::take(&mut self.pending);
                if buf.len() < filled + pending.len() {
                    buf.resize(filled + pending.len(), 0);
                }
                buf[filled..filled + pending.len()].copy_from_slice(&pending);
                filled += pending.len();
            }
            let want = filled + CHUNK.max(filled / 2);
            if buf.len() < want {
                buf.resize(want, 0);
            }
            let n = read_some(&mut self.reader, &mut buf[filled..want])?;
            filled += n;
            if first && n > 0 {
                first = false;
                if is_document(&buf[..filled]) {
                    buf.truncate(filled);
                    self.reader.read_to_end(&mut buf)?;
                    self.document(&buf, detector, sink);
                    return Ok(());
                }
            }
            if n == 0 {
                if filled > 0 {
                    self.lines(&buf[..filled], detector, sink);
                }
                return Ok(());
            }
            if let Some(last) = memchr::memrchr(b'\n', &buf[..filled]) {
                self.lines(&buf[..=last], detector, sink);
                buf.copy_within(last + 1..filled, 0);
                filled -= last + 1;
            } else if filled > MAX_LINE {
                // No end in sight: report the line and skip to its end, holding no more.
                detector.unreadable(
                    sink,
                    self.origin,
                    self.next_line,
                    &format!("line longer than {} MiB", MAX_LINE >> 20),
                );
                self.next_line += 1;
                filled = 0;
                buf = Vec::new();
                self.skip_to_newline()?;
            }
        }
    }

    /// Reads and drops bytes up to the next newline (the rest of a line too long to hold).
    fn skip_to_newline(&mut self) -> io::Result<()> {
        let mut scratch = vec![0u8; 64 << 10];
        loop {
            let n = match self.reader.read(&mut scratch) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(());
            }
            if let Some(end) = memchr::memchr(b'\n', &scratch[..n]) {
                // What follows the newline is the start of the next line: keep it.
                self.pending.extend_from_slice(&scratch[end + 1..n]);
                return Ok(());
            }
        }
    }

    /// Parses complete lines in parallel, then judges them in order.
    fn lines(&mut self, text: &[u8], detector: &mut Detector, sink: &mut dyn Sink) {
        let first_line = self.next_line;
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let mut bounds = Vec::with_capacity(text.len() / 512 + 1);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text) {
            bounds.push((start, end));
            start = end + 1;
        }
        bounds.push((start, text.len()));
        self.next_line += bounds.len() as u64;
        // Valid UTF-8 is checked once for the chunk (fast), not string by string; a chunk
        // with invalid bytes is parsed line by line so the error names its line.
        let valid = std::str::from_utf8(text).ok();
        let parsed: Vec<Result<Parsed<'_>, Bad>> = bounds
            .par_iter()
            .enumerate()
            .map(|(i, &(a, b))| {
                let number = first_line + i as u64;
                match valid {
                    Some(s) => parse_line_str(&s[a..b], number),
                    None => parse_line(&text[a..b], number),
                }
            })
            .collect();
        let mut items = Vec::with_capacity(parsed.len());
        for result in parsed {
            match result {
                Ok(Parsed::Nothing) => {}
                Ok(Parsed::One(item)) => items.push(item),
                Ok(Parsed::Many(mut events)) => items.append(&mut events),
                Err(bad) => {
                    detector.process(self.origin, &items, sink);
                    items.clear();
                    detector.unreadable(sink, self.origin, bad.line, &bad.message);
                }
            }
        }
        detector.process(self.origin, &items, sink);
    }

    /// A pretty-printed document (or several): each an event or an `EventList`.
    fn document(&mut self, text: &[u8], detector: &mut Detector, sink: &mut dyn Sink) {
        let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<Event<'_>>();
        let mut items = Vec::new();
        loop {
            let offset = stream.byte_offset();
            let line = 1 + memchr::memchr_iter(b'\n', &text[..offset]).count() as u64;
            match stream.next() {
                None => break,
                Some(Ok(event)) => match accept(event, line) {
                    Ok(mut events) => items.append(&mut events),
                    Err(bad) => detector.unreadable(sink, self.origin, bad.line, &bad.message),
                },
                Some(Err(e)) => {
                    detector.unreadable(
                        sink,
                        self.origin,
                        e.line() as u64,
                        &format!("not JSON: {e}"),
                    );
                    break; // a broken document cannot be resynchronised
                }
            }
        }
        detector.process(self.origin, &items, sink);
    }
}

fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let wanted = buf.len() - filled;
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                // A short read of whole lines: a live stream (a pipe, a followed file) has
                // nothing more right now, so hand these lines over instead of waiting.
                if n < wanted && buf[..filled].ends_with(b"\n") {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A file whose first line is a lone `{` is one pretty-printed JSON document.
fn is_document(buf: &[u8]) -> bool {
    let text = buf.trim_ascii_start();
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or(b"");
    first_line.trim_ascii() == b"{"
}

/// What one line held. Unboxed on purpose: each one moves into a `Vec` of items of the same
/// size at once, and a box would cost an allocation per event.
#[allow(clippy::large_enum_variant)]
enum Parsed<'a> {
    Nothing,
    One(Item<'a>),
    Many(Vec<Item<'a>>),
}

fn parse_line(line: &[u8], number: u64) -> Result<Parsed<'_>, Bad> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return Ok(Parsed::Nothing);
    }
    check_length(line.len(), number)?;
    match serde_json::from_slice::<Event<'_>>(line) {
        Ok(event) => accept_one(event, number),
        Err(e) => Err(Bad {
            line: number,
            message: format!("not an audit event: {e}"),
        }),
    }
}

fn parse_line_str(line: &str, number: u64) -> Result<Parsed<'_>, Bad> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return Ok(Parsed::Nothing);
    }
    check_length(line.len(), number)?;
    match serde_json::from_str::<Event<'_>>(line) {
        Ok(event) => accept_one(event, number),
        Err(e) => Err(Bad {
            line: number,
            message: format!("not an audit event: {e}"),
        }),
    }
}

fn check_length(len: usize, number: u64) -> Result<(), Bad> {
    if len > MAX_LINE {
        return Err(Bad {
            line: number,
            message: format!("line longer than {} MiB", MAX_LINE >> 20),
        });
    }
    Ok(())
}

fn accept_one(event: Event<'_>, line: u64) -> Result<Parsed<'_>, Bad> {
    if event.is_list() {
        return accept(event, line).map(Parsed::Many);
    }
    if !event.looks_like_event() {
        return Err(Bad {
            line,
            message: "not an audit event: no auditID or verb".to_string(),
        });
    }
    Ok(Parsed::One(Item { event, line }))
}

/// The events of one webhook POST body: an `EventList` (or a single event).
pub fn parse_batch(body: &[u8]) -> Result<Vec<Item<'_>>, String> {
    let event: Event<'_> = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    accept(event, 0).map_err(|bad| bad.message)
}

/// An event, or the events of a list; anything else is reported.
fn accept(mut event: Event<'_>, line: u64) -> Result<Vec<Item<'_>>, Bad> {
    if event.is_list() {
        let items = event.items.take().unwrap_or_default();
        return Ok(items
            .into_iter()
            .filter(Event::looks_like_event)
            .map(|event| Item { event, line })
            .collect());
    }
    if !event.looks_like_event() {
        return Err(Bad {
            line,
            message: "not an audit event: no auditID or verb".to_string(),
        });
    }
    Ok(vec![Item { event, line }])
}
