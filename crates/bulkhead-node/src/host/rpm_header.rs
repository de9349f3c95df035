//! An RPM package header as the package database stores it (`rpmdb.sqlite`, table `Packages`,
//! one header per row): a big-endian count of index entries and the size of the data store,
//! then 16-byte entries (tag, type, offset into the store, count), then the store. Only what
//! names a package is read: `NAME` (1000), `VERSION` (1001), `RELEASE` (1002), `EPOCH`
//! (1003). Every offset is checked against the store: a header is untrusted input.

/// The tags read, and the types they must have.
const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;

/// How many index entries a header may claim (rpm's own limit is 0xffff).
const MAX_ENTRIES: usize = 0xffff;

/// What names an installed package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    pub release: Option<String>,
    pub epoch: Option<u32>,
}

impl Package {
    /// `[epoch:]version[-release]`, as `rpm -q` prints it.
    pub fn full_version(&self) -> String {
        let mut out = String::new();
        if let Some(epoch) = self.epoch {
            out.push_str(&format!("{epoch}:"));
        }
        out.push_str(&self.version);
        if let Some(release) = &self.release {
            out.push('-');
            out.push_str(release);
        }
        out
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([word[0], word[1], word[2], word[3]]))
}

/// The package a header names, or why it could not be read.
pub fn package(blob: &[u8]) -> Result<Package, String> {
    let entries = be32(blob, 0).ok_or("shorter than a header's 8-byte preamble")? as usize;
    let store_len = be32(blob, 4).ok_or("shorter than a header's 8-byte preamble")? as usize;
    if entries > MAX_ENTRIES {
        return Err(format!("claims {entries} index entries"));
    }
    let store_start = 8 + entries * 16;
    let store = store_start
        .checked_add(store_len)
        .and_then(|end| blob.get(store_start..end))
        .ok_or_else(|| {
            format!(
                "{} bytes where {entries} entries and a {store_len}-byte store need {}",
                blob.len(),
                store_start.saturating_add(store_len)
            )
        })?;
    let (mut name, mut version, mut release, mut epoch) = (None, None, None, None);
    for i in 0..entries {
        let at = 8 + i * 16;
        let (Some(tag), Some(kind), Some(offset), Some(count)) = (
            be32(blob, at),
            be32(blob, at + 4),
            be32(blob, at + 8),
            be32(blob, at + 12),
        ) else {
            return Err(format!("index entry {i} is cut short"));
        };
        let offset = offset as usize;
        match (tag, kind) {
            (NAME | VERSION | RELEASE, TYPE_STRING) => {
                let text = string_at(store, offset)
                    .ok_or_else(|| format!("tag {tag}: no string at offset {offset}"))?;
                match tag {
                    NAME => name = Some(text),
                    VERSION => version = Some(text),
                    _ => release = Some(text),
                }
            }
            (EPOCH, TYPE_INT32) if count >= 1 => {
                epoch = Some(
                    be32(store, offset)
                        .ok_or_else(|| format!("tag {tag}: no number at offset {offset}"))?,
                );
            }
            _ => {}
        }
    }
    // rpm refuses to build a package without a name or a version: an empty one is damage.
    let name = name
        .filter(|n| !n.is_empty())
        .ok_or("no NAME tag, or an empty one")?;
    let version = version
        .filter(|v| !v.is_empty())
        .ok_or("no VERSION tag, or an empty one")?;
    Ok(Package {
        name,
        version,
        release,
        epoch,
    })
}

/// The NUL-terminated UTF-8 string at `offset` of the store.
fn string_at(store: &[u8], offset: usize) -> Option<String> {
    let rest = store.get(offset..)?;
    let end = rest.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&rest[..end]).ok().map(str::to_string)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A header with `NAME`, `VERSION`, `RELEASE` and, if given, `EPOCH`, laid out as rpm
    /// writes one: a region entry (tag 63, type BIN) first, strings in the store.
    pub(crate) fn header(name: &str, version: &str, release: &str, epoch: Option<u32>) -> Vec<u8> {
        let mut store: Vec<u8> = Vec::new();
        let mut entries: Vec<[u32; 4]> = vec![[63, 7, 0, 16]];
        store.extend_from_slice(&[0u8; 16]);
        if let Some(epoch) = epoch {
            while store.len() % 4 != 0 {
                store.push(0);
            }
            entries.push([EPOCH, TYPE_INT32, store.len() as u32, 1]);
            store.extend_from_slice(&epoch.to_be_bytes());
        }
        for (tag, text) in [(NAME, name), (VERSION, version), (RELEASE, release)] {
            entries.push([tag, TYPE_STRING, store.len() as u32, 1]);
            store.extend_from_slice(text.as_bytes());
            store.push(0);
        }
        let mut blob = Vec::new();
        blob.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        blob.extend_from_slice(&(store.len() as u32).to_be_bytes());
        for entry in entries {
            for word in entry {
                blob.extend_from_slice(&word.to_be_bytes());
            }
        }
        blob.extend_from_slice(&store);
        blob
    }

    #[test]
    fn a_header_names_its_package() {
        let runc = package(&header("runc", "1.1.12", "1.el9", Some(4))).unwrap();
        assert_eq!(runc.name, "runc");
        assert_eq!(runc.version, "1.1.12");
        assert_eq!(runc.full_version(), "4:1.1.12-1.el9");
        let plain = package(&header("containerd.io", "1.7.22", "3.1.el9", None)).unwrap();
        assert_eq!(plain.full_version(), "1.7.22-3.1.el9");
    }

    #[test]
    fn a_damaged_header_is_an_error_never_a_panic() {
        let good = header("runc", "1.1.12", "1", None);
        for cut in 0..good.len() {
            assert!(package(&good[..cut]).is_err(), "cut at {cut}");
        }
        let mut huge = good.clone();
        huge[0..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(package(&huge).is_err());
        // An empty version (found by the rpm_header fuzz target).
        assert!(package(&header("runc", "", "1", None)).is_err());
        assert!(package(&header("", "1.1.12", "1", None)).is_err());
        let mut far = good.clone();
        // The NAME entry's offset, pointing past the store.
        far[8 + 16 + 8..8 + 16 + 12].copy_from_slice(&9999u32.to_be_bytes());
        assert!(package(&far).is_err());
    }
}
