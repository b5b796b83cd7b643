//! The rollup's data endpoint: serves what the sequencer tool wrote so that miners can
//! fetch each sequence's batch witnesses.
//!
//! A rollup owner names the endpoint on chain with `set_data_url`; a miner requests
//! `GET {url}/sequences/{sequence_index}` and gets the sequence file (see
//! [`crate::sequencer`]), whose batch headers it checks against the chain before proving.
//! `GET {url}/genesis` answers the rollup's genesis. A rollup with its own circom circuit
//! can publish its prover package from the same directory: `GET {url}/package/circuit.wasm`
//! and `GET {url}/package/circuit.zkey` serve `package/` (register `{url}/package` as the
//! package URL).
//!
//! Files are read on every request, so sequences the sequencer tool adds later are served
//! without a restart.

use crate::api::ErrorBody;
use axum::{
	extract::{Path, State},
	http::{header, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use std::{net::SocketAddr, path::PathBuf, sync::Arc};
use tokio::net::TcpListener;

/// Name of the file holding sequence `index` in a sequencer output directory.
pub fn sequence_file_name(index: u64) -> String {
	format!("sequence-{index:06}.json")
}

fn error(status: StatusCode, message: String) -> Response {
	(status, Json(ErrorBody { error: message })).into_response()
}

async fn file(dir: &std::path::Path, name: &str, what: String) -> Response {
	match tokio::fs::read(dir.join(name)).await {
		Ok(bytes) => ([(header::CONTENT_TYPE, "application/json")], bytes).into_response(),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
			error(StatusCode::NOT_FOUND, format!("{what} is not published (yet)"))
		},
		Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read {what}: {e}")),
	}
}

async fn sequence(State(dir): State<Arc<PathBuf>>, Path(index): Path<String>) -> Response {
	match index.parse::<u64>() {
		Ok(index) => file(&dir, &sequence_file_name(index), format!("sequence {index}")).await,
		Err(_) => error(
			StatusCode::BAD_REQUEST,
			format!("`{index}` is not a sequence index (a non-negative integer)"),
		),
	}
}

async fn genesis(State(dir): State<Arc<PathBuf>>) -> Response {
	file(&dir, "genesis.json", "the genesis".into()).await
}

/// The files of a circom prover package under `package/`.
const PACKAGE_FILES: [&str; 2] = ["circuit.wasm", "circuit.zkey"];

async fn package(State(dir): State<Arc<PathBuf>>, Path(name): Path<String>) -> Response {
	if !PACKAGE_FILES.contains(&name.as_str()) {
		return error(
			StatusCode::NOT_FOUND,
			format!("`{name}` is not a package file (circuit.wasm, circuit.zkey)"),
		);
	}
	match tokio::fs::read(dir.join("package").join(&name)).await {
		Ok(bytes) => ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response(),
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
			error(StatusCode::NOT_FOUND, format!("the package's {name} is not published"))
		},
		Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read {name}: {e}")),
	}
}

/// The routes over a sequencer output directory.
pub fn router(dir: PathBuf) -> Router {
	Router::new()
		.route("/sequences/{index}", get(sequence))
		.route("/genesis", get(genesis))
		.route("/package/{name}", get(package))
		.with_state(Arc::new(dir))
}

/// Binds `addr` and serves `dir` until `shutdown` resolves; returns the bound address
/// through `bound` as soon as it listens.
pub async fn serve(
	addr: SocketAddr,
	dir: PathBuf,
	bound: impl FnOnce(SocketAddr),
	shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
	let listener = TcpListener::bind(addr).await?;
	bound(listener.local_addr()?);
	axum::serve(listener, router(dir)).with_graceful_shutdown(shutdown).await
}
