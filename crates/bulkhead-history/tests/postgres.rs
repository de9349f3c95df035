//! The history store on a real PostgreSQL server started for the test (see
//! `common/postgres_server.rs`): the same scenarios as SQLite, migrations, concurrent opens.

mod common;

use bulkhead_history::{migrate, Store};
use common::postgres_server::PostgresServer;
use common::scenarios;

#[test]
fn postgresql_backend() {
    let Some(server) = PostgresServer::start() else {
        return;
    };
    scenarios::all(|name| {
        let store = Store::open(&server.new_database(name)).unwrap();
        assert_eq!(store.backend(), "postgres");
        store
    });

    // Migrations: recorded once; several processes opening a new database at once apply
    // them once (the advisory lock), and reopening applies nothing.
    let url = server.new_database("concurrent");
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || Store::open(&url).map(|mut s| s.schema_version()))
        })
        .collect();
    for opener in openers {
        let version = opener.join().unwrap().unwrap().unwrap();
        assert_eq!(version, migrate::POSTGRES.len() as i64);
    }
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let applied: Vec<(i64, String)> = client
        .query(
            "SELECT version, name FROM schema_migrations ORDER BY version",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let expected: Vec<(i64, String)> = migrate::POSTGRES
        .iter()
        .map(|m| (m.version, m.name.to_string()))
        .collect();
    assert_eq!(applied, expected);

    // A bad URL says where, without the password.
    let err = Store::open("postgres://bulkhead:secret@127.0.0.1:1/none")
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("127.0.0.1:1") && !err.contains("secret"),
        "{err}"
    );
}
