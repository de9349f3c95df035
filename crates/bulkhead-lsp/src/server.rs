//! The protocol loop: initialize, keep the open documents, analyse after a pause in typing
//! (debounced), publish diagnostics, answer code actions, shut down.

use std::path::PathBuf;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, Request as _};
use lsp_types::{
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    InitializeParams, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use serde_json::Value;

use crate::actions;
use crate::analysis::{analyze, Diagnostics};
use crate::documents::{is_manifest, path_to_uri, uri_to_path, Documents};

/// How long typing must pause before the workspace is analysed again.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// Serves the protocol on standard input and output until the client says `exit`.
pub fn serve_stdio() -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(connection)?;
    threads
        .join()
        .map_err(|e| format!("language server I/O: {e}"))
}

/// Serves the protocol on `connection` (tests give an in-memory one).
pub fn serve(connection: Connection) -> Result<(), String> {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": ServerInfo {
            name: "bulkhead".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("language server: {e}"))?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("language server: {e}"))?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let mut server = Server {
        root: root_of(&params),
        documents: Documents::default(),
        published: Diagnostics::new(),
        dirty: false,
    };
    server.run(&connection)
}

/// The workspace: the first workspace folder, else the (deprecated) root URI.
#[allow(deprecated)]
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|f| f.uri.as_str().to_string())
        .or_else(|| params.root_uri.as_ref().map(|u| u.as_str().to_string()))
        .and_then(|uri| uri_to_path(&uri))
}

struct Server {
    root: Option<PathBuf>,
    documents: Documents,
    /// What was last published, per file, so closed or fixed files are cleared.
    published: Diagnostics,
    /// A document changed since the last analysis.
    dirty: bool,
}

impl Server {
    fn run(&mut self, connection: &Connection) -> Result<(), String> {
        loop {
            let message = if self.dirty {
                match connection.receiver.recv_timeout(DEBOUNCE) {
                    Ok(message) => message,
                    Err(e) if e.is_timeout() => {
                        self.publish(connection)?;
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            } else {
                match connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(()),
                }
            };
            match message {
                Message::Request(request) => {
                    if connection
                        .handle_shutdown(&request)
                        .map_err(|e| format!("language server: {e}"))?
                    {
                        return Ok(());
                    }
                    self.request(connection, request)?;
                }
                Message::Notification(notification) => self.notification(notification),
                Message::Response(_) => {}
            }
        }
    }

    fn notification(&mut self, notification: Notification) {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<DidOpenTextDocumentParams>(notification.params)
                {
                    if let Some(path) = manifest_path(&p.text_document.uri) {
                        self.documents.set(path, p.text_document.text);
                        self.dirty = true;
                    }
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<DidChangeTextDocumentParams>(notification.params)
                {
                    // Full synchronisation: the last change holds the whole text.
                    if let (Some(path), Some(change)) = (
                        manifest_path(&p.text_document.uri),
                        p.content_changes.into_iter().last(),
                    ) {
                        self.documents.set(path, change.text);
                        self.dirty = true;
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<DidCloseTextDocumentParams>(notification.params)
                {
                    if let Some(path) = manifest_path(&p.text_document.uri) {
                        self.documents.close(&path);
                        self.dirty = true;
                    }
                }
            }
            // Another file of the workspace may have changed on disk.
            DidSaveTextDocument::METHOD => self.dirty = true,
            _ => {}
        }
    }

    fn request(&mut self, connection: &Connection, request: Request) -> Result<(), String> {
        let result = match request.method.as_str() {
            CodeActionRequest::METHOD => {
                let actions = serde_json::from_value::<CodeActionParams>(request.params)
                    .ok()
                    .map(|p| self.code_actions(&p))
                    .unwrap_or_default();
                serde_json::to_value(actions).unwrap_or(Value::Null)
            }
            _ => {
                let response = Response::new_err(
                    request.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("bulkhead does not answer {}", request.method),
                );
                return send(connection, Message::Response(response));
            }
        };
        send(
            connection,
            Message::Response(Response::new_ok(request.id, result)),
        )
    }

    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(path) = manifest_path(uri) else {
            return Vec::new();
        };
        let Some(text) = self.documents.get(&path) else {
            return Vec::new();
        };
        let ours: Vec<_> = params
            .context
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some("bulkhead"))
            .cloned()
            .collect();
        let is_yaml = path.extension().is_some_and(|e| e != "json");
        let mut all = actions::suppressions(uri, text, is_yaml, &ours);
        all.extend(actions::fixes(uri, &path, text, &ours));
        all.into_iter()
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }

    /// Analyses the workspace and publishes every open document's diagnostics, and empty
    /// ones for documents that had some and are now closed.
    fn publish(&mut self, connection: &Connection) -> Result<(), String> {
        self.dirty = false;
        let fresh = analyze(self.root.as_deref(), &self.documents);
        for path in self.published.keys() {
            if !fresh.contains_key(path) {
                publish(connection, path, Vec::new())?;
            }
        }
        for (path, diagnostics) in &fresh {
            publish(connection, path, diagnostics.clone())?;
        }
        self.published = fresh;
        Ok(())
    }
}

fn manifest_path(uri: &Uri) -> Option<PathBuf> {
    uri_to_path(uri.as_str()).filter(|p| is_manifest(p))
}

fn publish(
    connection: &Connection,
    path: &std::path::Path,
    diagnostics: Vec<lsp_types::Diagnostic>,
) -> Result<(), String> {
    let Ok(uri) = path_to_uri(path).parse::<Uri>() else {
        return Ok(());
    };
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    send(
        connection,
        Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )),
    )
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection
        .sender
        .send(message)
        .map_err(|e| format!("language server: the client went away: {e}"))
}
