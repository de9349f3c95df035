//! The store's one error type: a message that says what failed and where.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error(message)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error(format!("SQLite: {e}"))
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        // The server's own message (with its detail) says more than the client's summary.
        match e.as_db_error() {
            Some(db) => Error(format!("PostgreSQL: {}", db.message())),
            None => Error(format!("PostgreSQL: {e}")),
        }
    }
}
