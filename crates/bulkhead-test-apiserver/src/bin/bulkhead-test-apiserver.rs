//! Serves YAML files as a Kubernetes API server on loopback, for benchmarks and manual
//! trials: `bulkhead-test-apiserver --kubeconfig OUT [--configz NODE=FILE]... PATH...`
//! writes a kubeconfig for the server to OUT, prints `ready URL`, and serves until killed.

use std::collections::BTreeMap;

use bulkhead_test_apiserver::{objects_from_paths, Auth, Options, Server};

fn main() {
    if let Err(message) = run() {
        eprintln!("bulkhead-test-apiserver: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut kubeconfig = None;
    let mut paths = Vec::new();
    let mut configz = BTreeMap::new();
    let mut listen = "127.0.0.1:0".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--kubeconfig" => kubeconfig = args.next(),
            "--listen" => listen = args.next().ok_or("--listen needs an address")?,
            "--configz" => {
                let pair = args.next().ok_or("--configz needs NODE=FILE")?;
                let (node, file) = pair.split_once('=').ok_or("--configz needs NODE=FILE")?;
                let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
                let value: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
                configz.insert(node.to_string(), value);
            }
            _ => paths.push(arg),
        }
    }
    let kubeconfig = kubeconfig.ok_or("--kubeconfig FILE is required")?;
    let objects = objects_from_paths(&paths);
    let count = objects.len();
    let mut options = Options::new(objects);
    options.configz = configz;
    let server = Server::start_on(&listen, options)?;
    std::fs::write(&kubeconfig, server.kubeconfig(Auth::Certificate))
        .map_err(|e| format!("{kubeconfig}: {e}"))?;
    println!("ready {} ({count} objects)", server.url());
    loop {
        std::thread::park();
    }
}
