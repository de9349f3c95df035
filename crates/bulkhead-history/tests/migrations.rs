//! The migrations the code applies are exactly the numbered files in the repository, in
//! order, with the same numbers and names for both backends.

use std::path::Path;

use bulkhead_history::migrate::{self, Migration};

fn files(backend: &str) -> Vec<(i64, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<(i64, String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let file = e.file_name().into_string().unwrap();
            let stem = file.strip_suffix(".sql").expect("only .sql files");
            let (number, name) = stem.split_once('_').expect("NNNN_name.sql");
            assert_eq!(number.len(), 4, "{file}: four digits");
            let text = std::fs::read_to_string(e.path()).unwrap();
            (number.parse().unwrap(), name.to_string(), text)
        })
        .collect();
    files.sort();
    files
}

fn listed(all: &[Migration]) -> Vec<(i64, String, String)> {
    all.iter()
        .map(|m| (m.version, m.name.to_string(), m.sql.to_string()))
        .collect()
}

#[test]
fn every_migration_file_is_applied_in_order() {
    for (backend, all) in [("sqlite", migrate::SQLITE), ("postgres", migrate::POSTGRES)] {
        let files = files(backend);
        assert_eq!(listed(all), files, "{backend}");
        let numbers: Vec<i64> = files.iter().map(|f| f.0).collect();
        let expected: Vec<i64> = (1..=files.len() as i64).collect();
        assert_eq!(numbers, expected, "{backend}: numbered from 1 without gaps");
    }
    let names = |all: &[Migration]| all.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
    assert_eq!(names(migrate::SQLITE), names(migrate::POSTGRES));
}
