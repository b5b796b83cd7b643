//! Support for end-to-end tests that run the real `zkpow-node` binary.
//!
//! [`Node`] starts the binary on free loopback ports in its own base path and kills it
//! when dropped; [`Rpc`] talks JSON-RPC to it and reads storage with the runtime's own
//! types; [`sign`] builds signed extrinsics the way wallets do.

#![cfg_attr(not(test), warn(unreachable_pub))]

pub mod circom;
pub mod circom_rollup;
pub mod mining;
pub mod old_state;

use codec::{Decode, Encode};
use jsonrpsee::{
	core::client::ClientT,
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use sp_core::{Pair, H256};
use sp_keyring::Sr25519Keyring;
use sp_version::RuntimeVersion;
use std::{
	future::Future,
	net::TcpListener,
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};
use zkpow_runtime::{
	AccountId, Balance, Nonce, Runtime, RuntimeCall, RuntimeEvent, UncheckedExtrinsic,
};

/// Boxed error for test helpers.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A binary of this workspace: `$<env>`, or the one cargo built next to this executable
/// (`target/<profile>/<name>`, from a test in `target/<profile>/deps/` or a binary in
/// `target/<profile>/`).
fn workspace_binary(name: &str, env: &str) -> PathBuf {
	if let Ok(path) = std::env::var(env) {
		return PathBuf::from(path);
	}
	let exe = std::env::current_exe().expect("executable has a path");
	let dir = exe.parent().expect("executable in a directory");
	let candidates = [dir.join(name), dir.parent().map(|d| d.join(name)).unwrap_or_default()];
	candidates.iter().find(|p| p.is_file()).cloned().unwrap_or_else(|| {
		panic!(
			"no {name} next to {}: build it first (`cargo build -p {name}`) or set {env}",
			exe.display()
		)
	})
}

/// The runtime built with the `next-spec-version` feature, named by `ZKPOW_UPGRADE_WASM`
/// (`scripts/upgrade-test.sh` builds it and runs the upgrade tests with it).
pub fn upgrade_wasm() -> Vec<u8> {
	let path = std::env::var("ZKPOW_UPGRADE_WASM").expect(
		"ZKPOW_UPGRADE_WASM names the runtime built with next-spec-version: run \
		 scripts/upgrade-test.sh",
	);
	std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Path of the `zkpow-node` binary: `$ZKPOW_NODE_BIN`, or the one cargo built.
pub fn node_binary() -> PathBuf {
	workspace_binary("zkpow-node", "ZKPOW_NODE_BIN")
}

/// Path of the `zkpow-prover` binary: `$ZKPOW_PROVER_BIN`, or the one cargo built.
pub fn prover_binary() -> PathBuf {
	workspace_binary("zkpow-prover", "ZKPOW_PROVER_BIN")
}

/// A running prover host (`zkpow-prover serve`, `test` circuits) on a loopback port;
/// killed when dropped.
pub struct ProverHost {
	child: Option<Child>,
	/// The port it listens on (kept across [`ProverHost::stop`] and [`ProverHost::start`]).
	pub port: u16,
	dir: tempfile::TempDir,
	/// Seed of its development keys; `None`: the default keys, which the test rollups
	/// register.
	seed: Option<String>,
	/// Whether it proves circom packages (`--circom-cache` in its directory).
	circom: bool,
	/// Its native commands' configuration (`--commands`), if any.
	commands: Option<std::path::PathBuf>,
}

impl Default for ProverHost {
	fn default() -> Self {
		Self::new()
	}
}

impl ProverHost {
	/// A host on a free port, not started yet.
	pub fn new() -> ProverHost {
		let dir = tempfile::Builder::new().prefix("zkpow-prover-").tempdir().expect("tempdir");
		ProverHost {
			child: None,
			port: free_port(),
			dir,
			seed: None,
			circom: false,
			commands: None,
		}
	}

	/// A started host whose keys come from another `seed` than the test rollups' keys:
	/// every artifact it makes is rejected on chain.
	pub async fn spawn_with_seed(seed: &str) -> ProverHost {
		let mut host = ProverHost::new();
		host.seed = Some(seed.to_string());
		host.start().await;
		host
	}

	/// A started host that also proves circom packages (`--circom-cache`).
	pub async fn spawn_with_circom() -> ProverHost {
		let mut host = ProverHost::new();
		host.circom = true;
		host.start().await;
		host
	}

	/// A started host that runs the native commands configured in `toml` (`--commands`,
	/// the file written in its directory).
	pub async fn spawn_with_commands(toml: &str) -> ProverHost {
		let mut host = ProverHost::new();
		let file = host.dir.path().join("commands.toml");
		std::fs::write(&file, toml).expect("write the command configuration");
		host.commands = Some(file);
		host.start().await;
		host
	}

	/// A started host.
	pub async fn spawn() -> ProverHost {
		let mut host = ProverHost::new();
		host.start().await;
		host
	}

	/// Its base URL.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// Starts it and waits until it listens (it loads its keys first).
	pub async fn start(&mut self) {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(self.dir.path().join("prover.log"))
			.expect("log file");
		let mut args = vec!["serve".to_string(), "--config".into(), "test".into()];
		args.extend(["--listen".to_string(), format!("127.0.0.1:{}", self.port)]);
		if let Some(seed) = &self.seed {
			args.extend(["--seed".to_string(), seed.clone()]);
		}
		if self.circom {
			let cache = self.dir.path().join("circom-packages");
			args.extend(["--circom-cache".to_string(), cache.display().to_string()]);
		}
		if let Some(file) = &self.commands {
			args.extend(["--commands".to_string(), file.display().to_string()]);
		}
		let child = Command::new(prover_binary())
			.args(&args)
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("start zkpow-prover");
		self.child = Some(child);
		let port = self.port;
		wait_for("the prover host to listen", Duration::from_secs(300), || async move {
			Ok(std::net::TcpStream::connect(("127.0.0.1", port)).ok().map(|_| ()))
		})
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", self.log()));
	}

	/// Kills it.
	pub fn stop(&mut self) {
		if let Some(mut child) = self.child.take() {
			let _ = child.kill();
			let _ = child.wait();
		}
	}

	/// What it logged.
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.dir.path().join("prover.log")).unwrap_or_default()
	}
}

impl Drop for ProverHost {
	fn drop(&mut self) {
		self.stop();
	}
}

/// `GET path` from a loopback HTTP server (e.g. a node's Prometheus endpoint); the body.
pub fn http_get(port: u16, path: &str) -> String {
	use std::io::{Read, Write};
	let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
	write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
		.expect("request");
	let mut response = String::new();
	stream.read_to_string(&mut response).expect("response");
	response
		.split_once("\r\n\r\n")
		.map(|(_, body)| body.to_string())
		.unwrap_or_default()
}

/// A TCP port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.expect("bind")
		.port()
}

/// A running `zkpow-node` process; killed when dropped.
pub struct Node {
	child: Child,
	/// JSON-RPC port (WebSocket and HTTP).
	pub rpc_port: u16,
	/// libp2p port.
	pub p2p_port: u16,
	/// Prometheus port.
	pub prometheus_port: u16,
	args: Vec<String>,
	base: tempfile::TempDir,
}

impl Node {
	/// Starts the node with `args` plus free ports and a fresh base path.
	pub fn spawn(args: &[&str]) -> Node {
		let base = tempfile::Builder::new().prefix("zkpow-node-").tempdir().expect("tempdir");
		let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
		let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
		let child = Self::start(&args, base.path(), rpc_port, p2p_port, prometheus_port);
		Node { child, rpc_port, p2p_port, prometheus_port, args, base }
	}

	fn start(args: &[String], base: &Path, rpc: u16, p2p: u16, prometheus: u16) -> Child {
		let log = std::fs::OpenOptions::new()
			.create(true)
			.append(true)
			.open(base.join("node.log"))
			.expect("log file");
		Command::new(node_binary())
			.args(args)
			.arg("--base-path")
			.arg(base.join("data"))
			.args(["--rpc-port", &rpc.to_string()])
			.args(["--port", &p2p.to_string()])
			.args(["--prometheus-port", &prometheus.to_string()])
			.args(["--no-telemetry", "--no-mdns"])
			// Validators of non-development chains need a persistent network key.
			.args(["--node-key", &format!("{:064x}", u64::from(p2p) + 1)])
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("start zkpow-node")
	}

	/// Kills the process (as a crash would) and starts it again with the same arguments,
	/// ports and base path; its log continues in the same file.
	pub fn restart(&mut self) {
		self.kill();
		self.child = Self::start(
			&self.args,
			self.base.path(),
			self.rpc_port,
			self.p2p_port,
			self.prometheus_port,
		);
	}

	/// The `/ip4/127.0.0.1/tcp/<port>/p2p/<peer id>` address other nodes reach it at.
	pub async fn multiaddr(&self, rpc: &Rpc) -> String {
		let peer_id: String = rpc
			.call("system_localPeerId", rpc_params![])
			.await
			.expect("peer id")
			.as_str()
			.expect("string")
			.into();
		format!("/ip4/127.0.0.1/tcp/{}/p2p/{peer_id}", self.p2p_port)
	}

	/// Everything the node logged so far (across restarts).
	pub fn log(&self) -> String {
		std::fs::read_to_string(self.base.path().join("node.log")).unwrap_or_default()
	}

	/// The WebSocket URL of the node's RPC server.
	pub fn ws_url(&self) -> String {
		format!("ws://127.0.0.1:{}", self.rpc_port)
	}

	/// The last `lines` lines the node logged (for failure messages).
	pub fn log_tail(&self, lines: usize) -> String {
		let log = self.log();
		let all: Vec<&str> = log.lines().collect();
		all[all.len().saturating_sub(lines)..].join("\n")
	}

	/// Connects to the node's RPC, waiting up to `timeout` for it to come up.
	pub async fn rpc(&mut self, timeout: Duration) -> Rpc {
		let start = Instant::now();
		loop {
			if let Ok(Some(status)) = self.child.try_wait() {
				panic!("zkpow-node exited with {status}:\n{}", self.log_tail(40));
			}
			match WsClientBuilder::default().build(self.ws_url()).await {
				Ok(client) => return Rpc { client },
				Err(_) if start.elapsed() < timeout => {
					tokio::time::sleep(Duration::from_millis(250)).await
				},
				Err(e) => panic!("RPC of zkpow-node not reachable: {e}\n{}", self.log_tail(40)),
			}
		}
	}

	/// Kills the process (as a crash would) and waits for it to exit.
	pub fn kill(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		self.kill();
	}
}

/// Polls `check` every 250 ms until it returns `Some`, or fails after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T, Error>
where
	F: FnMut() -> Fut,
	Fut: Future<Output = Result<Option<T>, Error>>,
{
	let start = Instant::now();
	loop {
		if let Some(value) = check().await? {
			return Ok(value);
		}
		if start.elapsed() > timeout {
			return Err(format!("timed out after {timeout:?} waiting for {what}").into());
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
}

/// Submits `call` signed by `signer` and waits (up to 60 s) for the first event from the
/// current best block on that `pick` accepts; returns the block number and what `pick`
/// extracted. Panics with the node's last log lines on failure (a test helper).
pub async fn submit_and_find<T>(
	rpc: &Rpc,
	node: &Node,
	signer: Sr25519Keyring,
	call: RuntimeCall,
	what: &str,
	pick: impl FnMut(&RuntimeEvent) -> Option<T>,
) -> (u32, T) {
	let from = rpc.best_number().await.unwrap();
	rpc.submit(signer, call).await.unwrap_or_else(|e| panic!("{what}: {e}"));
	let (_, number, found) = rpc
		.find_event(from, Duration::from_secs(60), what, pick)
		.await
		.unwrap_or_else(|e| panic!("{e}\n{}", node.log_tail(30)));
	(number, found)
}

/// A JSON-RPC connection to a node.
pub struct Rpc {
	/// The underlying client, for calls without a helper.
	pub client: WsClient,
}

#[derive(serde::Deserialize)]
struct HeaderNumber {
	number: String,
}

fn parse_number(hex_number: &str) -> Result<u32, Error> {
	Ok(u32::from_str_radix(hex_number.trim_start_matches("0x"), 16)?)
}

fn decode_hex(s: &str) -> Result<Vec<u8>, Error> {
	Ok(hex::decode(s.trim_start_matches("0x"))?)
}

impl Rpc {
	/// Number of the best block.
	pub async fn best_number(&self) -> Result<u32, Error> {
		let header: HeaderNumber = self.client.request("chain_getHeader", rpc_params![]).await?;
		parse_number(&header.number)
	}

	/// Number of the last block GRANDPA finalized.
	pub async fn finalized_number(&self) -> Result<u32, Error> {
		let hash: H256 = self.client.request("chain_getFinalizedHead", rpc_params![]).await?;
		let header: HeaderNumber =
			self.client.request("chain_getHeader", rpc_params![hash]).await?;
		parse_number(&header.number)
	}

	/// Hash of block `number`.
	pub async fn block_hash(&self, number: u32) -> Result<H256, Error> {
		let hash: Option<H256> =
			self.client.request("chain_getBlockHash", rpc_params![number]).await?;
		hash.ok_or_else(|| format!("no block #{number}").into())
	}

	/// Raw storage value at `key`, at block `at` (best block if `None`).
	pub async fn storage(&self, key: &[u8], at: Option<H256>) -> Result<Option<Vec<u8>>, Error> {
		let key = format!("0x{}", hex::encode(key));
		let value: Option<String> =
			self.client.request("state_getStorage", rpc_params![key, at]).await?;
		value.map(|v| decode_hex(&v)).transpose()
	}

	/// `System::Account` of `who` at `at`.
	pub async fn account(
		&self,
		who: &AccountId,
		at: Option<H256>,
	) -> Result<frame_system::AccountInfo<Nonce, pallet_balances::AccountData<Balance>>, Error> {
		let key = frame_system::Account::<Runtime>::hashed_key_for(who);
		Ok(match self.storage(&key, at).await? {
			Some(bytes) => Decode::decode(&mut &bytes[..])?,
			None => Default::default(),
		})
	}

	/// Events deposited in block `at`.
	pub async fn events(
		&self,
		at: H256,
	) -> Result<Vec<frame_system::EventRecord<RuntimeEvent, H256>>, Error> {
		// `System::Events` is private to frame-system; its key is the plain storage-value
		// key: twox128("System") ++ twox128("Events").
		let key = [sp_crypto_hashing::twox_128(b"System"), sp_crypto_hashing::twox_128(b"Events")]
			.concat();
		Ok(match self.storage(&key, Some(at)).await? {
			Some(bytes) => Decode::decode(&mut &bytes[..])?,
			None => Vec::new(),
		})
	}

	/// Scans blocks from `from` on until one carries an event matching `pick`; returns
	/// the block's hash and what `pick` extracted. Fails after `timeout`.
	pub async fn find_event<T>(
		&self,
		from: u32,
		timeout: Duration,
		what: &str,
		mut pick: impl FnMut(&RuntimeEvent) -> Option<T>,
	) -> Result<(H256, u32, T), Error> {
		let start = Instant::now();
		let mut next = from;
		loop {
			let best = self.best_number().await?;
			while next <= best {
				let hash = self.block_hash(next).await?;
				for record in self.events(hash).await? {
					if let Some(found) = pick(&record.event) {
						return Ok((hash, next, found));
					}
				}
				next += 1;
			}
			if start.elapsed() > timeout {
				return Err(format!("timed out after {timeout:?} waiting for {what}").into());
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}

	/// Calls a JSON-RPC method and returns its raw JSON result.
	pub async fn call(
		&self,
		method: &str,
		params: jsonrpsee::core::params::ArrayParams,
	) -> Result<serde_json::Value, Error> {
		Ok(self.client.request(method, params).await?)
	}

	/// Signs `call` as `signer` with its next nonce and submits it; returns the
	/// extrinsic hash.
	pub async fn submit(&self, signer: Sr25519Keyring, call: RuntimeCall) -> Result<H256, Error> {
		let nonce: Nonce = self
			.client
			.request("system_accountNextIndex", rpc_params![signer.to_account_id().to_string()])
			.await?;
		let genesis = self.block_hash(0).await?;
		let version = self.runtime_version().await?;
		let xt = sign_for(signer, call, nonce, genesis, &version);
		let hex = format!("0x{}", hex::encode(xt.encode()));
		Ok(self.client.request("author_submitExtrinsic", rpc_params![hex]).await?)
	}

	/// The version of the runtime the best block runs (`state_getRuntimeVersion`): the
	/// versions a signature commits to change with a runtime upgrade.
	pub async fn runtime_version(&self) -> Result<RuntimeVersion, Error> {
		Ok(self.client.request("state_getRuntimeVersion", rpc_params![]).await?)
	}
}

/// A signed, immortal extrinsic with every transaction extension the runtime expects, for
/// the runtime this crate was built with.
pub fn sign(
	signer: Sr25519Keyring,
	call: RuntimeCall,
	nonce: Nonce,
	genesis: H256,
) -> UncheckedExtrinsic {
	sign_for(signer, call, nonce, genesis, &zkpow_runtime::VERSION)
}

/// Like [`sign`], for the runtime `version` (the one the chain runs now).
pub fn sign_for(
	signer: Sr25519Keyring,
	call: RuntimeCall,
	nonce: Nonce,
	genesis: H256,
	version: &RuntimeVersion,
) -> UncheckedExtrinsic {
	let payload = zkpow_runtime::signed_payload(call, nonce, genesis, version);
	let signature = payload.using_encoded(|bytes| signer.pair().sign(bytes));
	let (call, tx_ext, _) = payload.deconstruct();
	UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::MultiAddress::Id(signer.to_account_id()),
		sp_runtime::MultiSignature::Sr25519(signature),
		tx_ext,
	)
}
