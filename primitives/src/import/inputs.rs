//! The sequence statement back from its ten public inputs.

use super::error::ImportError;
use crate::{
	statement::{SequenceStatement, STATEMENT_PUBLIC_INPUTS},
	Bytes32,
};

/// Names of the ten public inputs, in the order of
/// [`SequenceStatement::public_inputs`]; a circuit must expose its public signals in
/// this order.
pub const STATEMENT_INPUT_NAMES: [&str; STATEMENT_PUBLIC_INPUTS] = [
	"rollup_id",
	"sequence_index",
	"prev_state_root_hi",
	"prev_state_root_lo",
	"new_state_root_hi",
	"new_state_root_lo",
	"data_commitment_hi",
	"data_commitment_lo",
	"prover_hi",
	"prover_lo",
];

/// The low `bits` bits of `input`, refusing an input with any higher bit set.
fn low_bytes(
	inputs: &[Bytes32; STATEMENT_PUBLIC_INPUTS],
	index: usize,
	bits: u32,
) -> Result<&[u8], ImportError> {
	let start = 32 - bits as usize / 8;
	if inputs[index][..start].iter().any(|b| *b != 0) {
		return Err(ImportError::InputRange { index, name: STATEMENT_INPUT_NAMES[index], bits });
	}
	Ok(&inputs[index][start..])
}

fn join(inputs: &[Bytes32; STATEMENT_PUBLIC_INPUTS], hi: usize) -> Result<Bytes32, ImportError> {
	let mut out = [0u8; 32];
	out[..16].copy_from_slice(low_bytes(inputs, hi, 128)?);
	out[16..].copy_from_slice(low_bytes(inputs, hi + 1, 128)?);
	Ok(out)
}

/// The statement whose [`SequenceStatement::public_inputs`] are `inputs`; fails when an
/// input does not fit its field (`rollup_id` in 32 bits, `sequence_index` in 64, each
/// half in 128), that is when no statement encodes to these inputs.
pub fn statement_from_public_inputs(
	inputs: &[Bytes32; STATEMENT_PUBLIC_INPUTS],
) -> Result<SequenceStatement, ImportError> {
	let mut rollup = [0u8; 4];
	rollup.copy_from_slice(low_bytes(inputs, 0, 32)?);
	let mut index = [0u8; 8];
	index.copy_from_slice(low_bytes(inputs, 1, 64)?);
	Ok(SequenceStatement {
		rollup_id: u32::from_be_bytes(rollup),
		sequence_index: u64::from_be_bytes(index),
		prev_state_root: join(inputs, 2)?,
		new_state_root: join(inputs, 4)?,
		data_commitment: join(inputs, 6)?,
		prover: join(inputs, 8)?,
	})
}

/// The statement as a circom input object: each of [`STATEMENT_INPUT_NAMES`] with its
/// value as a decimal string (the form snarkjs reads), the inverse of
/// [`statement_from_public_inputs`]. A circuit that names its public signals this way
/// (like the example `statement10.circom`) takes this object merged with its own private
/// inputs as `input.json` for `snarkjs groth16 fullprove`.
pub fn circom_public_input(
	statement: &SequenceStatement,
) -> serde_json::Map<alloc::string::String, serde_json::Value> {
	use alloc::string::ToString;
	statement
		.public_inputs()
		.iter()
		.zip(STATEMENT_INPUT_NAMES)
		.map(|(input, name)| {
			// Every input fits 128 bits (see `SequenceStatement::public_inputs`).
			let mut low = [0u8; 16];
			low.copy_from_slice(&input[16..]);
			(name.to_string(), u128::from_be_bytes(low).to_string().into())
		})
		.collect()
}
