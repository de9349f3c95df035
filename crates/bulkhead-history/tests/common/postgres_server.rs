//! A throwaway PostgreSQL server for the tests: `initdb` in a temporary directory, the
//! server on a free loopback port, stopped (and its directory removed) when dropped.
//!
//! It needs the PostgreSQL server binaries (Debian: `apt-get install postgresql`, which
//! `.ci/run` does). Without them a test skips with a loud message, except in CI (`CI=true`),
//! where it fails: a missing server must not pass for a green run.

use std::net::TcpListener;
use std::os::unix::fs::chown;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct PostgresServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl PostgresServer {
    /// A running server, or `None` (after saying so) when PostgreSQL is not installed and
    /// this is not CI.
    pub fn start() -> Option<PostgresServer> {
        let Some(bin) = server_binaries() else {
            let message = "PostgreSQL server binaries not found (no initdb under \
                           /usr/lib/postgresql/*/bin or on PATH): install the `postgresql` package";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message}");
            }
            eprintln!("\n!!!!!!!! SKIPPED: {message} !!!!!!!!\n");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("bulkhead-pg-")
            .tempdir()
            .expect("temporary directory");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data directory");
        // PostgreSQL refuses to run as root: as root, run it as the `postgres` user.
        let owner = run_as();
        if let Some((uid, gid)) = owner {
            chown(dir.path(), Some(uid), Some(gid)).expect("chown");
            chown(&data, Some(uid), Some(gid)).expect("chown");
        }
        let status = command(&bin.join("initdb"), owner)
            .args(["-D"])
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .status()
            .expect("run initdb");
        assert!(status.success(), "initdb failed: {status}");
        let port = free_port();
        let child = command(&bin.join("postgres"), owner)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=40",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        let server = PostgresServer {
            child,
            port,
            _dir: dir,
        };
        server.wait_ready();
        Some(server)
    }

    /// The URL of a new, empty database on this server.
    pub fn new_database(&self, name: &str) -> String {
        let mut admin = postgres::Client::connect(&self.url("postgres"), postgres::NoTls)
            .expect("connect as postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        self.url(name)
    }

    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn wait_ready(&self) {
        let started = Instant::now();
        loop {
            if postgres::Client::connect(&self.url("postgres"), postgres::NoTls).is_ok() {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "PostgreSQL did not accept connections within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown (ends sessions, then exits cleanly).
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The directory of `initdb` and `postgres`: the newest Debian versioned directory, else
/// the directory of an `initdb` on PATH.
fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|dir| dir.join("initdb").exists() && dir.join("postgres").exists())
}

/// The `postgres` user's ids when running as root.
fn run_as() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, "postgres"]).output().ok()?;
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    let ids = id("-u").zip(id("-g"));
    assert!(
        ids.is_some(),
        "running as root, and there is no `postgres` user to run PostgreSQL as"
    );
    ids
}

fn command(program: &Path, owner: Option<(u32, u32)>) -> Command {
    let mut command = Command::new(program);
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid).env("HOME", "/tmp");
    }
    command
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}
