//! A local EVM chain: the `anvil` binary of the npm package `@foundry-rs/anvil-linux-amd64`
//! (installed by `npm ci --prefix contracts`), started on a free loopback port and killed
//! when dropped.

use std::{
	net::{TcpListener, TcpStream},
	path::PathBuf,
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

/// Private keys of anvil's default development accounts (mnemonic `test test ... junk`).
/// Public knowledge: for local chains only.
pub const DEV_KEYS: [&str; 3] = [
	"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1d1706367c2e68ca870fc3d71df5b2b9b4e6f",
];

/// Where the npm package puts the binary, relative to `contracts/`.
pub const NPM_BINARY: &str = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

/// Path of the `anvil` binary: `$ZKPOW_ANVIL_BIN`, else the one `npm ci --prefix contracts`
/// installs. The error names the install command.
pub fn binary() -> Result<PathBuf, String> {
	if let Some(path) = std::env::var_os("ZKPOW_ANVIL_BIN") {
		return Ok(PathBuf::from(path));
	}
	let path = crate::contracts_dir().join(NPM_BINARY);
	if path.exists() {
		Ok(path)
	} else {
		Err(format!(
			"anvil not found at {}: run `npm ci --prefix contracts` (or set ZKPOW_ANVIL_BIN)",
			path.display()
		))
	}
}

/// A TCP port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0")
		.and_then(|l| l.local_addr())
		.expect("bind")
		.port()
}

/// A running anvil process.
pub struct Anvil {
	child: Child,
	/// JSON-RPC port.
	pub port: u16,
	/// EIP-155 chain id.
	pub chain_id: u64,
}

impl Anvil {
	/// Starts anvil with `chain_id` (Prague rules, instant mining) and waits until its RPC
	/// accepts connections.
	pub fn spawn(chain_id: u64) -> Result<Anvil, String> {
		let port = free_port();
		let child = Command::new(binary()?)
			.args(["--port", &port.to_string()])
			.args(["--chain-id", &chain_id.to_string()])
			.args(["--hardfork", "prague"])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.map_err(|e| format!("cannot start anvil: {e}"))?;
		let mut anvil = Anvil { child, port, chain_id };
		anvil.wait_ready(Duration::from_secs(30))?;
		Ok(anvil)
	}

	fn wait_ready(&mut self, timeout: Duration) -> Result<(), String> {
		let start = Instant::now();
		loop {
			if let Ok(Some(status)) = self.child.try_wait() {
				return Err(format!("anvil exited with {status}"));
			}
			if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
				return Ok(());
			}
			if start.elapsed() > timeout {
				return Err(format!("anvil did not open port {} within {timeout:?}", self.port));
			}
			std::thread::sleep(Duration::from_millis(50));
		}
	}

	/// The HTTP JSON-RPC endpoint.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}
}

impl Drop for Anvil {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
	}
}
