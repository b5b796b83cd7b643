//! arkworks `CanonicalSerialize` bytes of `ark_groth16::VerifyingKey<Bn254>` and
//! `ark_groth16::Proof<Bn254>` (the layout of ark-groth16 0.4 and 0.5), compressed or
//! uncompressed, told apart by their length.
//!
//! The fields follow in declaration order. A point is its little-endian coordinates (x
//! only when compressed; `Fq2` as `c0 ++ c1`) with arkworks' flags in the two top bits of
//! its last byte; `gamma_abc_g1` is a little-endian `u64` count followed by its points.
//! For the ten-input statement a key is 584 bytes compressed and 1,160 uncompressed; a
//! proof is 128 or 256 bytes.
//!
//! The bytes are parsed element by element (never trusting the length prefix for an
//! allocation) so that each error names its point.

use super::{
	error::ImportError,
	finish_vk,
	points::{check_fq_le, check_g1, check_g2, not_infinity},
};
use crate::{
	groth16::{decode_verifying_key, encode_proof, VerifyError},
	statement::STATEMENT_PUBLIC_INPUTS,
};
use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_groth16::{Proof, VerifyingKey};
use ark_serialize::{
	CanonicalDeserialize, CanonicalSerialize, Compress, SerializationError, Validate,
};

/// Sizes of one serialization mode.
#[derive(Clone, Copy)]
struct Layout {
	compress: Compress,
	g1: usize,
	g2: usize,
}

const COMPRESSED: Layout = Layout { compress: Compress::Yes, g1: 32, g2: 64 };
const UNCOMPRESSED: Layout = Layout { compress: Compress::No, g1: 64, g2: 128 };
const LAYOUTS: [Layout; 2] = [COMPRESSED, UNCOMPRESSED];

/// Bytes of a compressed arkworks key for the sequence statement.
pub const ARKWORKS_VK_COMPRESSED_LEN: usize = 32 + 3 * 64 + 8 + 32 * (STATEMENT_PUBLIC_INPUTS + 1);
/// Bytes of an uncompressed arkworks key for the sequence statement.
pub const ARKWORKS_VK_UNCOMPRESSED_LEN: usize =
	64 + 3 * 128 + 8 + 64 * (STATEMENT_PUBLIC_INPUTS + 1);

impl Layout {
	fn vk_header(&self) -> usize {
		self.g1 + 3 * self.g2
	}

	fn proof_len(&self) -> usize {
		2 * self.g1 + self.g2
	}
}

/// The little-endian `u64` at `at`, if there are eight bytes there.
fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
	let mut word = [0u8; 8];
	word.copy_from_slice(bytes.get(at..at.checked_add(8)?)?);
	Some(u64::from_le_bytes(word))
}

/// Length of `base` bytes, a `u64` count at `base` and that many `item`-byte elements.
fn counted_len(bytes: &[u8], base: usize, item: usize) -> Option<(u64, u128)> {
	let count = u64_at(bytes, base)?;
	Some((count, base as u128 + 8 + u128::from(count) * item as u128))
}

/// Finds the layout whose length prefix accounts for exactly `bytes.len()` bytes.
fn vk_layout(bytes: &[u8]) -> Result<(Layout, u64), ImportError> {
	let len = bytes.len() as u128;
	let candidates = LAYOUTS
		.iter()
		.filter_map(|l| counted_len(bytes, l.vk_header(), l.g1).map(|(n, total)| (*l, n, total)));
	let mut extra = None;
	for (layout, count, total) in candidates {
		if total == len {
			return Ok((layout, count));
		}
		if total < len && count > 0 && extra.is_none() {
			extra = Some((count, len - total));
		}
	}
	if let Some((count, extra)) = extra {
		return Err(ImportError::Commitments {
			detail: format!(
				"{extra} bytes of extra data after the arkworks key's {count} IC points \
				 (commitment keys?)"
			),
		});
	}
	Err(ImportError::Length {
		what: "arkworks VerifyingKey<Bn254>",
		len: bytes.len(),
		expected: "584 bytes compressed or 1160 uncompressed for 10 public inputs",
	})
}

fn point_error(field: &str, error: SerializationError) -> ImportError {
	match error {
		SerializationError::UnexpectedFlags => ImportError::Flags { field: field.to_string() },
		// Coordinates were checked to be canonical first, so this is a compressed `x`
		// with no curve point above it.
		SerializationError::InvalidData => ImportError::NotOnCurve { field: field.to_string() },
		_ => ImportError::Shape { field: field.to_string(), expected: "an arkworks point" },
	}
}

/// Reads points one after the other.
struct Reader<'a> {
	bytes: &'a [u8],
	layout: Layout,
}

impl Reader<'_> {
	fn take(&mut self, field: &str, len: usize) -> Result<&[u8], ImportError> {
		if self.bytes.len() < len {
			return Err(ImportError::Shape { field: field.to_string(), expected: "more bytes" });
		}
		let (head, rest) = self.bytes.split_at(len);
		self.bytes = rest;
		// Every 32-byte coordinate must be canonical; the last one carries the flags.
		let chunks = head.len() / 32;
		for (i, chunk) in head.chunks_exact(32).enumerate() {
			check_fq_le(field, chunk, i + 1 == chunks)?;
		}
		Ok(head)
	}

	/// Skips the `u64` length prefix of `gamma_abc_g1`, already read by [`vk_layout`].
	fn skip_count(&mut self) {
		self.bytes = self.bytes.get(8..).unwrap_or_default();
	}

	fn g1(&mut self, field: &str) -> Result<G1Affine, ImportError> {
		let (compress, len) = (self.layout.compress, self.layout.g1);
		let point = G1Affine::deserialize_with_mode(self.take(field, len)?, compress, Validate::No)
			.map_err(|e| point_error(field, e))?;
		check_g1(field, point)
	}

	fn g2(&mut self, field: &str) -> Result<G2Affine, ImportError> {
		let (compress, len) = (self.layout.compress, self.layout.g2);
		let point = G2Affine::deserialize_with_mode(self.take(field, len)?, compress, Validate::No)
			.map_err(|e| point_error(field, e))?;
		check_g2(field, point)
	}
}

/// Converts arkworks `VerifyingKey<Bn254>` bytes (compressed or uncompressed) into the
/// chain's verifying-key bytes, which pass the chain's registration check.
pub fn vk_from_arkworks(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
	let (layout, count) = vk_layout(bytes)?;
	if count != STATEMENT_PUBLIC_INPUTS as u64 + 1 {
		let found = usize::try_from(count.saturating_sub(1)).unwrap_or(usize::MAX);
		return Err(ImportError::PublicInputs { found });
	}
	let mut reader = Reader { bytes, layout };
	let alpha_g1 = not_infinity("alpha_g1", reader.g1("alpha_g1")?)?;
	let beta_g2 = not_infinity("beta_g2", reader.g2("beta_g2")?)?;
	let gamma_g2 = not_infinity("gamma_g2", reader.g2("gamma_g2")?)?;
	let delta_g2 = not_infinity("delta_g2", reader.g2("delta_g2")?)?;
	reader.skip_count();
	let gamma_abc_g1 = (0..=STATEMENT_PUBLIC_INPUTS)
		.map(|i| reader.g1(&format!("gamma_abc_g1[{i}]")))
		.collect::<Result<_, _>>()?;
	finish_vk(&VerifyingKey { alpha_g1, beta_g2, gamma_g2, delta_g2, gamma_abc_g1 })
}

/// Converts arkworks `Proof<Bn254>` bytes (128 compressed or 256 uncompressed) into the
/// chain's 256-byte proof.
pub fn proof_from_arkworks(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
	let Some(layout) = LAYOUTS.into_iter().find(|l| l.proof_len() == bytes.len()) else {
		for layout in LAYOUTS {
			if let Some((count, total)) = counted_len(bytes, layout.proof_len(), layout.g1) {
				if total == bytes.len() as u128 {
					return Err(ImportError::Commitments {
						detail: format!("{count} extra points after the arkworks proof"),
					});
				}
			}
		}
		return Err(ImportError::Length {
			what: "arkworks Proof<Bn254>",
			len: bytes.len(),
			expected: "128 bytes compressed or 256 uncompressed",
		});
	};
	let mut reader = Reader { bytes, layout };
	let proof = Proof::<Bn254> { a: reader.g1("a")?, b: reader.g2("b")?, c: reader.g1("c")? };
	Ok(encode_proof(&proof))
}

/// Converts the chain's verifying-key bytes into arkworks `VerifyingKey<Bn254>` bytes.
pub fn vk_to_arkworks(vk: &[u8], compress: bool) -> Result<Vec<u8>, ImportError> {
	let key = decode_verifying_key(vk).map_err(ImportError::Chain)?;
	let mode = if compress { Compress::Yes } else { Compress::No };
	let mut out = Vec::with_capacity(key.serialized_size(mode));
	key.serialize_with_mode(&mut out, mode)
		.map_err(|_| ImportError::Chain(VerifyError::BadLength))?;
	Ok(out)
}
