//! Signing keys, read from a file or an environment variable. Key material never reaches
//! a log line or an error message: errors name only where the key was looked for.

use crate::config::KeySource;
use alloy::signers::local::PrivateKeySigner;

/// Why no key could be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// Neither a file nor a variable was configured.
	#[error("no signing key configured (set key_file or key_env)")]
	NotConfigured,
	/// The key file could not be read.
	#[error("cannot read key file {path}: {error}")]
	File {
		/// The file.
		path: String,
		/// Why.
		error: std::io::Error,
	},
	/// The environment variable is not set.
	#[error("environment variable {0} is not set")]
	MissingEnv(String),
	/// The value is not a secp256k1 private key in hex (its content is not shown).
	#[error("the key from {0} is not a 32-byte hex private key")]
	Malformed(String),
}

/// Loads the signer `source` names; the file wins over the variable if both are set.
pub fn load_signer(source: &KeySource) -> Result<PrivateKeySigner, KeyError> {
	let (origin, text) = if let Some(path) = &source.key_file {
		let text = std::fs::read_to_string(path)
			.map_err(|error| KeyError::File { path: path.display().to_string(), error })?;
		(format!("file {}", path.display()), text)
	} else if let Some(var) = &source.key_env {
		let text = std::env::var(var).map_err(|_| KeyError::MissingEnv(var.clone()))?;
		(format!("environment variable {var}"), text)
	} else {
		return Err(KeyError::NotConfigured);
	};
	text.trim().parse::<PrivateKeySigner>().map_err(|_| KeyError::Malformed(origin))
}

#[cfg(test)]
mod tests {
	use super::*;

	const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

	#[test]
	fn keys_load_from_files_and_variables() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("key");
		std::fs::write(&path, format!("{KEY}\n")).unwrap();
		let from_file = load_signer(&KeySource { key_file: Some(path), key_env: None }).unwrap();
		assert_eq!(from_file.address().to_string(), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");

		std::env::set_var("ZKPOW_RELAYER_TEST_KEY", KEY.trim_start_matches("0x"));
		let from_env = load_signer(&KeySource {
			key_file: None,
			key_env: Some("ZKPOW_RELAYER_TEST_KEY".into()),
		})
		.unwrap();
		assert_eq!(from_env.address(), from_file.address());
	}

	#[test]
	fn errors_never_show_the_key() {
		std::env::set_var("ZKPOW_RELAYER_BAD_KEY", "0xdeadbeef-secret");
		let error = load_signer(&KeySource {
			key_file: None,
			key_env: Some("ZKPOW_RELAYER_BAD_KEY".into()),
		})
		.unwrap_err()
		.to_string();
		assert!(error.contains("ZKPOW_RELAYER_BAD_KEY"));
		assert!(!error.contains("secret") && !error.contains("deadbeef"));
		assert!(matches!(
			load_signer(&KeySource { key_file: None, key_env: Some("ZKPOW_NO_SUCH_VAR".into()) }),
			Err(KeyError::MissingEnv(_))
		));
		assert!(matches!(load_signer(&KeySource::default()), Err(KeyError::NotConfigured)));
	}
}
