//! Schema migrations: numbered SQL files under `migrations/<backend>/`, applied in order
//! inside one transaction and recorded in `schema_migrations`, so every store says which
//! version of the schema it holds.
//!
//! The two backends have one set each (their dialects differ in identity columns and
//! types) with the same numbers and names; a test holds the lists below to the files.

/// One numbered step of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The table that records which migrations a store has; created by the runner itself.
pub const TABLE: &str = "schema_migrations";

pub const SQLITE: &[Migration] = &[Migration {
    version: 1,
    name: "initial",
    sql: include_str!("../migrations/sqlite/0001_initial.sql"),
}];

pub const POSTGRES: &[Migration] = &[Migration {
    version: 1,
    name: "initial",
    sql: include_str!("../migrations/postgres/0001_initial.sql"),
}];

/// The migrations a store at `current` still needs, or an error when the store was written
/// by a newer Bulkhead (its schema is one this build does not know).
pub fn pending(all: &'static [Migration], current: i64) -> Result<&'static [Migration], String> {
    let latest = all.last().map_or(0, |m| m.version);
    if current > latest {
        return Err(format!(
            "the store's schema is at version {current}, newer than this Bulkhead knows \
             ({latest}): use a newer bulkhead"
        ));
    }
    let done = all.iter().take_while(|m| m.version <= current).count();
    Ok(&all[done..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_skips_what_is_applied_and_refuses_newer_stores() {
        assert_eq!(pending(SQLITE, 0).map(<[_]>::len), Ok(SQLITE.len()));
        assert_eq!(pending(SQLITE, SQLITE.len() as i64).map(<[_]>::len), Ok(0));
        let newer = pending(SQLITE, 99).map(<[_]>::len);
        assert!(newer.is_err_and(|e| e.contains("version 99")));
    }
}
