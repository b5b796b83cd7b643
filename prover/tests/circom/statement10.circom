pragma circom 2.1.0;

// A minimal final circuit for a ZKPoW rollup: it exposes exactly the chain's ten-input
// sequence statement (`SequenceStatement::public_inputs` in primitives/src/statement.rs)
// and proves a trivial private fact in place of a real rollup's state transition.
//
// circom orders the public signals as main's outputs (none here) followed by main's
// public inputs in the order they are declared below, so the declaration order IS the
// statement order; do not reorder these signals.

include "circomlib/circuits/bitify.circom";

template Statement10() {
	signal input rollup_id;          // 0: u32
	signal input sequence_index;     // 1: u64
	signal input prev_state_root_hi; // 2: high 128 bits of the previous state root
	signal input prev_state_root_lo; // 3: low 128 bits
	signal input new_state_root_hi;  // 4
	signal input new_state_root_lo;  // 5
	signal input data_commitment_hi; // 6: sequence_commitment of the batches
	signal input data_commitment_lo; // 7
	signal input prover_hi;          // 8: the miner's 32-byte account id, high half
	signal input prover_lo;          // 9: low half

	// Private witness.
	signal input secret;
	signal input secret_squared;
	secret * secret === secret_squared;

	// The chain encodes rollup_id as a u32 and sequence_index as a u64.
	component rollup_bits = Num2Bits(32);
	rollup_bits.in <== rollup_id;
	component index_bits = Num2Bits(64);
	index_bits.in <== sequence_index;
}

component main {public [
	rollup_id, sequence_index,
	prev_state_root_hi, prev_state_root_lo,
	new_state_root_hi, new_state_root_lo,
	data_commitment_hi, data_commitment_lo,
	prover_hi, prover_lo
]} = Statement10();
