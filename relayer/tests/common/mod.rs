//! Shared fixtures of the relayer tests: real anvil chains with deployed inboxes, real
//! proven sequences, a TCP proxy that can take an RPC endpoint down, and workers over a
//! database in a temporary directory.

#![allow(dead_code)]

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
	evm::EvmChain,
	metrics::Metrics,
	store::{Destination, Store},
};

/// Key of the relayer's account (anvil account 1; account 0 deploys).
pub const RELAYER_KEY: &str = DEV_KEYS[1];

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

/// A worker for `chain_id` at `url` over `store`.
pub fn worker(
	chain_id: u64,
	url: &str,
	store: Arc<Store>,
	missing: MissingSequences,
) -> ChainWorker {
	let signer: PrivateKeySigner = RELAYER_KEY.parse().unwrap();
	let chain = EvmChain::new(chain_id, &[url.to_string()], signer).unwrap();
	ChainWorker::new(chain, store, Metrics::new().unwrap(), Duration::from_secs(30), missing)
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
	use zkpow_relayer::config::{ChainConfig, Config, KeySource};
	let key = |name: &str, hex: &str| {
		let path = dir.join(name);
		std::fs::write(&path, hex).unwrap();
		KeySource { key_file: Some(path), key_env: None }
	};
	let mut config = Config {
		appchain_url: node.ws_url(),
		db_path: dir.join("relayer.db"),
		poll_interval: Duration::from_millis(300),
		chains: vec![ChainConfig {
			chain_id: 31337,
			rpc: vec![chain.url()],
			key: key("deployer.key", DEV_KEYS[0]),
		}],
		..Config::default()
	};
	let registered_by = rpc.best_number().await.unwrap();
	zkpow_integration_tests::wait_for(
		"registration to be finalized",
		Duration::from_secs(60),
		|| async { Ok((rpc.finalized_number().await? >= registered_by).then_some(())) },
	)
	.await
	.unwrap();
	let deployed = zkpow_relayer::deploy::deploy(&config, rollup_id)
		.await
		.expect("deploy the inbox");
	config.chains[0].key = key("relayer.key", RELAYER_KEY);
	(config, deployed)
}
