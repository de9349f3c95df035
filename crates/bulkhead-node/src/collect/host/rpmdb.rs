//! Installed runtime packages from the RPM database, in its SQLite form
//! (`/var/lib/rpm/rpmdb.sqlite`, rpm 4.16 and later: Fedora 33+, RHEL 9, Amazon Linux 2023):
//! table `Packages`, one package header per row. The database is opened read-only and
//! immutable (nothing is written next to a copy of a node; a write-ahead log rpm has not yet
//! folded into the file is not read, and rpm folds it in when it closes). The older Berkeley DB
//! (`Packages`) and NDB (`Packages.db`) formats are not read: a node with only those says so,
//! and its runtime versions are then not judged.

use bulkhead_model::Object;
use rusqlite::{Connection, OpenFlags};

use super::fact;
use super::runtimes::{upstream_version, PACKAGES};
use crate::collect::fs::NodeFs;
use crate::host::rpm_header;
use crate::render::quote;

/// Where the SQLite database lives (`/var/lib/rpm` is a link to the second on newer Fedora).
const SQLITE: &[&str] = &[
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
];

/// The formats that are not read.
const UNREAD: &[&str] = &["/var/lib/rpm/Packages", "/var/lib/rpm/Packages.db"];

/// Packages that carry a runtime under the names RPM distributions use, beyond Debian's.
const RPM_ONLY: &[(&str, &str)] = &[("docker", "docker")];

/// `RuntimeVersion` objects for each installed runtime package; `probed` are runtimes whose
/// program already answered for itself.
pub(crate) fn versions(fs: &mut NodeFs, found: &mut Vec<String>, probed: &[String]) -> Vec<Object> {
    let Some(path) = SQLITE.iter().find(|p| fs.exists(p)).copied() else {
        if let Some(unread) = UNREAD.iter().find(|p| fs.exists(p)) {
            fs.warning(
                unread,
                format!("{unread} is an RPM database in a format Bulkhead does not read (Berkeley DB or NDB); the container runtimes' versions are not judged from it"),
            );
        }
        return Vec::new();
    };
    let consequence = "the container runtimes' versions are not judged";
    let headers = match read_headers(fs, path) {
        Ok(headers) => headers,
        Err(reason) => {
            fs.error(path, format!("cannot read {path}: {reason}; {consequence}"));
            return Vec::new();
        }
    };
    let mut objects = Vec::new();
    let mut bad = 0usize;
    for (row, blob) in headers {
        let package = match rpm_header::package(&blob) {
            Ok(package) => package,
            Err(reason) => {
                bad += 1;
                if bad == 1 {
                    fs.warning(
                        path,
                        format!("{path}: the header of package row {row} cannot be read ({reason}); that package is not judged"),
                    );
                }
                continue;
            }
        };
        let Some((_, runtime)) = PACKAGES
            .iter()
            .chain(RPM_ONLY)
            .find(|(p, _)| *p == package.name)
        else {
            continue;
        };
        if probed.iter().any(|p| p == runtime) {
            continue;
        }
        let Some(upstream) = upstream_version(&package.version) else {
            continue;
        };
        let full = package.full_version();
        let spec = format!(
            "  runtime: {runtime}\n  version: {}\n  package: {}\n  packageVersion: {}\n  source: {}\n",
            quote(&upstream),
            quote(&package.name),
            quote(&full),
            quote(path)
        );
        found.push(format!(
            "{runtime}: version {upstream} (package {} {full})",
            package.name
        ));
        objects.extend(fact(
            fs,
            &format!("rpm:{}", package.name),
            "RuntimeVersion",
            runtime,
            &spec,
        ));
    }
    if bad > 1 {
        fs.warning(
            path,
            format!("{path}: {bad} package headers cannot be read; those packages are not judged"),
        );
    }
    objects
}

/// Every row of `Packages`: its number and header.
fn read_headers(fs: &NodeFs, path: &str) -> Result<Vec<(i64, Vec<u8>)>, String> {
    let host = fs.resolve(path).map_err(|e| e.to_string())?;
    // `immutable=1`: no lock, no journal, nothing written beside the file.
    let escaped = host
        .to_string_lossy()
        .replace('%', "%25")
        .replace('?', "%3f")
        .replace('#', "%23");
    let uri = format!("file:{escaped}?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(uri, flags).map_err(|e| e.to_string())?;
    let mut statement = connection
        .prepare("SELECT hnum, blob FROM Packages")
        .map_err(|e| e.to_string())?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::rpm_header::tests::header;

    /// A node tree whose RPM database holds `packages` (name, version, release, epoch), in
    /// WAL mode as rpm leaves it.
    fn node(packages: &[(&str, &str, &str, Option<u32>)]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("var/lib/rpm");
        std::fs::create_dir_all(&dir).unwrap();
        let db = Connection::open(dir.join("rpmdb.sqlite")).unwrap();
        db.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
        for (name, version, release, epoch) in packages {
            db.execute(
                "INSERT INTO Packages (blob) VALUES (?1)",
                [header(name, version, release, *epoch)],
            )
            .unwrap();
        }
        db.execute(
            "INSERT INTO Packages (blob) VALUES (?1)",
            [vec![0u8, 0, 0, 9]],
        )
        .unwrap();
        db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .unwrap();
        drop(db);
        root
    }

    #[test]
    fn runtime_packages_of_the_sqlite_database_give_their_versions() {
        let root = node(&[
            ("bash", "5.1.8", "9.el9", None),
            ("runc", "1.1.11", "1.el9", Some(4)),
            ("containerd.io", "1.7.22", "3.1.el9", None),
        ]);
        let listing = || {
            let mut names: Vec<_> = std::fs::read_dir(root.path().join("var/lib/rpm"))
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            names.sort();
            names
        };
        let before = listing();
        let mut fs = NodeFs::new(root.path());
        let mut found = Vec::new();
        let objects = versions(&mut fs, &mut found, &[]);
        assert_eq!(
            found,
            [
                "runc: version 1.1.11 (package runc 4:1.1.11-1.el9)",
                "containerd: version 1.7.22 (package containerd.io 1.7.22-3.1.el9)",
            ]
        );
        assert_eq!(objects.len(), 2);
        let version = objects[0].root.path(&["spec", "version"]).unwrap();
        assert_eq!(version.as_str(), Some("1.1.11"));
        // The damaged row is said once, and the rest was still read.
        assert_eq!(fs.errors.len(), 1, "{:?}", fs.errors);
        assert!(fs.errors[0].message.contains("row 4"), "{:?}", fs.errors);
        // Nothing was written next to the database.
        assert_eq!(before, listing());
        // A runtime that answered for itself is not read again from the database.
        let mut fs = NodeFs::new(root.path());
        let objects = versions(&mut fs, &mut Vec::new(), &["runc".to_string()]);
        assert_eq!(objects.len(), 1);
    }

    #[test]
    fn a_database_that_is_not_sqlite_is_an_error_and_old_formats_are_named() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("var/lib/rpm");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("rpmdb.sqlite"), b"not a database").unwrap();
        let mut fs = NodeFs::new(root.path());
        assert!(versions(&mut fs, &mut Vec::new(), &[]).is_empty());
        assert!(
            fs.errors[0].message.contains("not judged"),
            "{:?}",
            fs.errors
        );

        std::fs::remove_file(dir.join("rpmdb.sqlite")).unwrap();
        std::fs::write(dir.join("Packages"), b"\0\0\0\0berkeley").unwrap();
        let mut fs = NodeFs::new(root.path());
        assert!(versions(&mut fs, &mut Vec::new(), &[]).is_empty());
        assert!(
            fs.errors[0]
                .message
                .contains("format Bulkhead does not read"),
            "{:?}",
            fs.errors
        );
    }
}
