//! Shared fixtures of the relayer tests: real anvil chains with deployed inboxes, real
//! proven sequences, a TCP proxy that can take an RPC endpoint down, and workers over a
//! database in a temporary directory.

#![allow(dead_code)]

pub mod appchain;

use alloy::{
	network::EthereumWallet,
	primitives::{Address, Bytes, FixedBytes},
	providers::{DynProvider, Provider, ProviderBuilder},
	signers::local::PrivateKeySigner,
};
use std::{
	path::Path,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, Mutex,
	},
	time::Duration,
};
use tokio::{net::TcpListener, task::JoinHandle};
use zkpow_contracts::{
	anvil::{Anvil, DEV_KEYS},
	fixtures::{vk_set, ProvingRollup},
	SequenceDelivery, ZkpowInbox,
};
use zkpow_relayer::{
	deliver::{ChainWorker, MissingSequences},
	evm::{EvmChain, SignedTx},
	metrics::Metrics,
	policy::{ChainPolicy, Finality},
	store::{Attempt, Destination, Store},
};

/// Key of the relayer's account (anvil account 1; account 0 deploys).
pub const RELAYER_KEY: &str = DEV_KEYS[1];

/// The salt name [`deploy_inbox_for`] deploys under.
pub const INBOX_SALT: &str = "test-rollup";

/// Where [`deploy_inbox_for`] puts the inbox (account 0 under [`INBOX_SALT`]): the address
/// to register the rollup with.
pub fn registered_inbox() -> Address {
	let deployer: PrivateKeySigner = DEV_KEYS[0].parse().unwrap();
	zkpow_contracts::deterministic::deployed_address(
		deployer.address(),
		zkpow_contracts::deterministic::salt_of(INBOX_SALT),
	)
}

/// A provider signing with anvil account 0.
pub fn deployer(url: &str) -> DynProvider {
	let signer: PrivateKeySigner = DEV_KEYS[0].parse().unwrap();
	ProviderBuilder::new()
		.wallet(EthereumWallet::from(signer))
		.connect_http(url.parse().unwrap())
		.erased()
}

/// Deploys an inbox for `rollup` and returns its address.
pub async fn deploy_inbox(url: &str, rollup: &ProvingRollup) -> Address {
	let inbox = ZkpowInbox::deploy(
		deployer(url),
		rollup.rollup_id,
		Bytes::from(vk_set()),
		FixedBytes(rollup.genesis_root),
		0,
		rollup.first_batch,
	)
	.await
	.expect("deploy inbox");
	*inbox.address()
}

/// The inbox's next index and root.
pub async fn inbox_state(url: &str, inbox: Address) -> (u64, [u8; 32]) {
	let contract = ZkpowInbox::new(inbox, deployer(url));
	let next = contract.nextSequenceIndex().call().await.unwrap();
	let root = contract.stateRoot().call().await.unwrap();
	(next, root.0)
}

/// Transactions the relayer's account has sent on the chain at `url`.
pub async fn relayer_tx_count(url: &str) -> u64 {
	let signer: PrivateKeySigner = RELAYER_KEY.parse().unwrap();
	deployer(url).get_transaction_count(signer.address()).await.unwrap()
}

/// The policy of the tests that do not reorg: a block is final once it includes the
/// delivery (one confirmation).
pub fn included_is_final() -> ChainPolicy {
	ChainPolicy {
		finality: Finality::Confirmations,
		confirmations: "1".parse().unwrap(),
		..ChainPolicy::default()
	}
}

/// A worker for `chain_id` at `url` over `store`, treating inclusion as final.
pub fn worker(
	chain_id: u64,
	url: &str,
	store: Arc<Store>,
	missing: MissingSequences,
) -> ChainWorker {
	worker_with(chain_id, url, store, missing, included_is_final(), Duration::from_secs(30))
}

/// A worker under `policy`, waiting up to `receipt_timeout` for a receipt in a pass.
pub fn worker_with(
	chain_id: u64,
	url: &str,
	store: Arc<Store>,
	missing: MissingSequences,
	policy: ChainPolicy,
	receipt_timeout: Duration,
) -> ChainWorker {
	let signer: PrivateKeySigner = RELAYER_KEY.parse().unwrap();
	let chain = EvmChain::new(chain_id, &[url.to_string()], signer).unwrap();
	ChainWorker::new(chain, store, Metrics::new().unwrap(), receipt_timeout, missing)
		.with_policy(policy)
}

/// Signs `sequence` the way a pass does (the chain's gas estimate and fees, the pending
/// nonce) without recording or sending it.
pub async fn sign_delivery(
	worker: &ChainWorker,
	inbox: Address,
	sequence: &SequenceDelivery,
) -> (SignedTx, Attempt) {
	let chain = worker.chain();
	let quote = chain.quote(inbox, sequence).await.unwrap();
	let fees = worker.policy().first_fees(quote.fees);
	let nonce = chain.pending_nonce().await.unwrap();
	let gas_limit = quote.gas + quote.gas / 5;
	let signed = chain.sign(inbox, sequence, nonce, gas_limit, fees).await.unwrap();
	let attempt = Attempt {
		nonce,
		gas_limit,
		hashes: vec![signed.hash],
		raw: signed.raw.clone(),
		fees,
		sent_at: chain.head().await.unwrap(),
		reverts: 0,
	};
	(signed, attempt)
}

/// Opens the database at `path` (again).
pub fn open_store(path: &Path) -> Arc<Store> {
	Arc::new(Store::open(path).unwrap())
}

/// The destination of an inbox.
pub fn destination(chain_id: u64, inbox: Address) -> Destination {
	Destination { chain_id, inbox: inbox.0 .0 }
}

/// Proves `sizes.len()` sequences of `rollup` with the given batch counts.
pub fn prove(rollup: &mut ProvingRollup, sizes: &[usize]) -> Vec<SequenceDelivery> {
	sizes
		.iter()
		.map(|n| rollup.next_sequence(*n, zkpow_contracts::fixtures::PROVER))
		.collect()
}

/// Starts anvil or fails with the install hint.
pub fn anvil(chain_id: u64) -> Anvil {
	Anvil::spawn(chain_id).unwrap_or_else(|e| panic!("{e}"))
}

/// A TCP proxy in front of an RPC endpoint that can be taken down (connections refused
/// and open ones cut) and brought back on the same port.
pub struct Proxy {
	/// The port clients connect to.
	pub port: u16,
	down: Arc<AtomicBool>,
	connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
	accept: JoinHandle<()>,
}

impl Proxy {
	/// Proxies 127.0.0.1:`target`.
	pub async fn start(target: u16) -> Proxy {
		let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
		let port = listener.local_addr().unwrap().port();
		let down = Arc::new(AtomicBool::new(false));
		let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
		let (down2, connections2) = (down.clone(), connections.clone());
		let accept = tokio::spawn(async move {
			loop {
				let Ok((mut inbound, _)) = listener.accept().await else { return };
				if down2.load(Ordering::SeqCst) {
					drop(inbound);
					continue;
				}
				let handle = tokio::spawn(async move {
					if let Ok(mut outbound) =
						tokio::net::TcpStream::connect(("127.0.0.1", target)).await
					{
						let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
					}
				});
				connections2.lock().unwrap().push(handle);
			}
		});
		Proxy { port, down, connections, accept }
	}

	/// The proxied HTTP endpoint.
	pub fn url(&self) -> String {
		format!("http://127.0.0.1:{}", self.port)
	}

	/// Takes the endpoint down (or brings it back).
	pub fn set_down(&self, down: bool) {
		self.down.store(down, Ordering::SeqCst);
		if down {
			for handle in self.connections.lock().unwrap().drain(..) {
				handle.abort();
			}
		}
	}
}

impl Drop for Proxy {
	fn drop(&mut self) {
		self.accept.abort();
		self.set_down(true);
	}
}

/// Deploys the inbox of `rollup_id` (settling on `chain`, id 31337) with
/// `zkpow-relayer deploy` from anvil account 0, once
/// the appchain has finalized the registration (`deploy` reads the finalized head), and
/// returns what it deployed with the relayer's configuration, now signing with the
/// relayer's own key (account 1). Keys and database live in `dir`.
pub async fn deploy_inbox_for(
	rpc: &zkpow_integration_tests::Rpc,
	node: &zkpow_integration_tests::Node,
	chain: &Anvil,
	rollup_id: u32,
	dir: &Path,
) -> (zkpow_relayer::config::Config, zkpow_relayer::deploy::Deployed) {
	let mut config = deployer_config(node, chain, dir);
	let registered_by = rpc.best_number().await.unwrap();
	zkpow_integration_tests::wait_for(
		"registration to be finalized",
		Duration::from_secs(60),
		|| async { Ok((rpc.finalized_number().await? >= registered_by).then_some(())) },
	)
	.await
	.unwrap();
	let deployed = zkpow_relayer::deploy::deploy(&config, rollup_id, INBOX_SALT)
		.await
		.expect("deploy the inbox");
	config.chains[0].key = key_file(dir, "relayer.key", RELAYER_KEY);
	(config, deployed)
}

/// A key source: the file `name` in `dir`, holding `hex`.
pub fn key_file(dir: &Path, name: &str, hex: &str) -> zkpow_relayer::config::KeySource {
	let path = dir.join(name);
	std::fs::write(&path, hex).unwrap();
	zkpow_relayer::config::KeySource { key_file: Some(path), key_env: None }
}

/// A relayer configuration for `node` and chain 31337 at `chain`, signing with anvil
/// account 0 (the deployer); key and database in `dir`.
pub fn deployer_config(
	node: &zkpow_integration_tests::Node,
	chain: &Anvil,
	dir: &Path,
) -> zkpow_relayer::config::Config {
	use zkpow_relayer::config::{ChainConfig, Config};
	Config {
		appchain_url: node.ws_url(),
		db_path: dir.join("relayer.db"),
		poll_interval: Duration::from_millis(300),
		chains: vec![ChainConfig {
			key: key_file(dir, "deployer.key", DEV_KEYS[0]),
			..ChainConfig::new(31337, vec![chain.url()])
		}],
		..Config::default()
	}
}

/// Log lines written while the returned guard lives (on this thread: a pass awaited in
/// the test body logs here).
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, Logs) {
	let logs = Logs::default();
	let writer = logs.clone();
	let subscriber = tracing_subscriber::fmt()
		.with_writer(move || writer.clone())
		.with_ansi(false)
		.with_max_level(tracing::Level::INFO)
		.finish();
	(tracing::subscriber::set_default(subscriber), logs)
}

/// Captured log output.
#[derive(Clone, Default)]
pub struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
	/// Everything logged so far.
	pub fn text(&self) -> String {
		String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
	}

	/// The lines containing every one of `words`.
	pub fn lines_with(&self, words: &[&str]) -> Vec<String> {
		self.text()
			.lines()
			.filter(|line| words.iter().all(|w| line.contains(w)))
			.map(str::to_string)
			.collect()
	}
}

impl std::io::Write for Logs {
	fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
		self.0.lock().unwrap().extend_from_slice(buf);
		Ok(buf.len())
	}

	fn flush(&mut self) -> std::io::Result<()> {
		Ok(())
	}
}

/// The relayer's account.
pub fn relayer_address() -> Address {
	RELAYER_KEY.parse::<PrivateKeySigner>().unwrap().address()
}

/// A sequence of `rollup_id` no inbox would verify (for inboxes that do not check).
pub fn unproven_sequence(rollup_id: u32, index: u64) -> SequenceDelivery {
	SequenceDelivery {
		rollup_id,
		sequence_index: index,
		start_batch: 1 + index,
		prev_state_root: [index as u8; 32],
		new_state_root: [index as u8 + 1; 32],
		data_commitment: [9; 32],
		proof: vec![1, 2, 3],
		prover: [7; 32],
		provers: vec![[7; 32]],
		batches: vec![zkpow_primitives::BatchHeader {
			state_root: [index as u8 + 1; 32],
			data_hash: [5; 32],
		}],
	}
}
