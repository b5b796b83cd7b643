pragma circom 2.1.0;

// circom-balances: an example ZKPoW rollup written in circom.
//
// State: a Poseidon Merkle tree of depth DEPTH (2^DEPTH accounts). Leaf i is
// Poseidon(i, balance_i); an inner node is Poseidon(left, right). Balances are below 2^64.
//
// A sequence is one batch of TRANSFERS transfers (from, to, amount), applied in order.
// Unused slots are padding: amount 0 (any accounts, usually 0 -> 0). Every transfer is
// proven against the running root with Merkle paths: the sender's leaf is debited (its new
// balance is range-checked to 64 bits, so amount <= balance), then the receiver's leaf is
// read from the tree AFTER the debit and credited (range-checked to 64 bits, no overflow).
// A transfer to oneself therefore debits and credits the same leaf and leaves it as it was.
//
// The batch's data hash is Poseidon(from_0, to_0, amount_0, ..., from_{K-1}, to_{K-1},
// amount_{K-1}), a private input checked against the transfers.
//
// Public signals: exactly the chain's ten-input sequence statement
// (`SequenceStatement::public_inputs` in primitives/src/statement.rs). circom orders the
// public signals as main's outputs (none here) followed by main's public inputs in the
// order they are declared in the template, so the declaration order below IS the
// statement order; do not reorder these signals or add outputs.
//
// What the proof binds: prev_state_root -> new_state_root is the result of the batch's
// transfers; rollup_id, sequence_index, data_commitment and prover are bound as public
// inputs (range-checked) but data_commitment is NOT recomputed in the circuit (it is
// keccak256(new_state_root ++ data_hash), too costly here; see README.md).

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

// Root of a Merkle tree of depth `depth` from a leaf, the leaf's index bits (LSB first:
// bit j set = the node is the right child at level j) and the siblings from the leaf up.
template MerkleRoot(depth) {
	signal input leaf;
	signal input index_bits[depth];
	signal input siblings[depth];
	signal output root;

	signal node[depth + 1];
	signal left[depth];
	component hash[depth];
	node[0] <== leaf;
	for (var j = 0; j < depth; j++) {
		// left = bit ? sibling : node; right = bit ? node : sibling.
		left[j] <== node[j] + index_bits[j] * (siblings[j] - node[j]);
		hash[j] = Poseidon(2);
		hash[j].inputs[0] <== left[j];
		hash[j].inputs[1] <== node[j] + siblings[j] - left[j];
		node[j + 1] <== hash[j].out;
	}
	root <== node[depth];
}

// Root of the tree after leaf `index` := Poseidon(index, balance), given its path.
template AccountRoot(depth) {
	signal input index_bits[depth];
	signal input index;
	signal input balance;
	signal input siblings[depth];
	signal output root;

	component leaf = Poseidon(2);
	leaf.inputs[0] <== index;
	leaf.inputs[1] <== balance;
	component merkle = MerkleRoot(depth);
	merkle.leaf <== leaf.out;
	merkle.index_bits <== index_bits;
	merkle.siblings <== siblings;
	root <== merkle.root;
}

// One transfer applied to the tree whose root is `root_in`.
template Transfer(depth) {
	signal input root_in;
	signal input from;
	signal input to;
	signal input amount;
	signal input sender_balance;        // the sender's balance before the transfer
	signal input sender_path[depth];    // its siblings in the tree `root_in`
	signal input receiver_balance;      // the receiver's balance after the debit
	signal input receiver_path[depth];  // its siblings in the tree after the debit
	signal output root_out;

	// Account indices are below 2^depth (their bits are the paths' directions).
	component from_bits = Num2Bits(depth);
	from_bits.in <== from;
	component to_bits = Num2Bits(depth);
	to_bits.in <== to;
	component amount_bits = Num2Bits(64);
	amount_bits.in <== amount;

	// The sender's leaf is in the tree.
	component sender_before = AccountRoot(depth);
	sender_before.index_bits <== from_bits.out;
	sender_before.index <== from;
	sender_before.balance <== sender_balance;
	sender_before.siblings <== sender_path;
	sender_before.root === root_in;

	// Debit: no underflow (a negative result wraps around the field, far above 2^64).
	signal sender_after <== sender_balance - amount;
	component sender_after_bits = Num2Bits(64);
	sender_after_bits.in <== sender_after;
	component debited = AccountRoot(depth);
	debited.index_bits <== from_bits.out;
	debited.index <== from;
	debited.balance <== sender_after;
	debited.siblings <== sender_path;

	// The receiver's leaf is in the debited tree.
	component receiver_before = AccountRoot(depth);
	receiver_before.index_bits <== to_bits.out;
	receiver_before.index <== to;
	receiver_before.balance <== receiver_balance;
	receiver_before.siblings <== receiver_path;
	receiver_before.root === debited.root;

	// Credit: no overflow past 64 bits.
	signal receiver_after <== receiver_balance + amount;
	component receiver_after_bits = Num2Bits(64);
	receiver_after_bits.in <== receiver_after;
	component credited = AccountRoot(depth);
	credited.index_bits <== to_bits.out;
	credited.index <== to;
	credited.balance <== receiver_after;
	credited.siblings <== receiver_path;
	root_out <== credited.root;
}

// A field element (a state root) and the high and low 128 bits of its canonical 32-byte
// big-endian encoding: the only (hi, lo) with hi * 2^128 + lo = value as integers.
template SplitCanonical() {
	signal input value;
	signal input hi;
	signal input lo;

	// Num2Bits_strict rejects the second bit pattern value + p, which also fits 254 bits.
	component bits = Num2Bits_strict();
	bits.in <== value;
	var acc_lo = 0;
	var acc_hi = 0;
	var e = 1;
	for (var i = 0; i < 128; i++) {
		acc_lo += bits.out[i] * e;
		e = e + e;
	}
	e = 1;
	for (var i = 128; i < 254; i++) {
		acc_hi += bits.out[i] * e;
		e = e + e;
	}
	lo === acc_lo;
	hi === acc_hi;
}

template Balances(DEPTH, TRANSFERS) {
	// The ten public inputs, in statement order.
	signal input rollup_id;          // 0: u32
	signal input sequence_index;     // 1: u64
	signal input prev_state_root_hi; // 2: high 128 bits of the root before the batch
	signal input prev_state_root_lo; // 3: low 128 bits
	signal input new_state_root_hi;  // 4: root after the batch
	signal input new_state_root_lo;  // 5
	signal input data_commitment_hi; // 6: keccak256(new_state_root ++ data_hash), not recomputed here
	signal input data_commitment_lo; // 7
	signal input prover_hi;          // 8: the miner's 32-byte account, high half
	signal input prover_lo;          // 9: low half

	// Private inputs: the batch (the sequencer publishes them in the sequence file).
	signal input from[TRANSFERS];
	signal input to[TRANSFERS];
	signal input amount[TRANSFERS];
	signal input sender_balance[TRANSFERS];
	signal input sender_path[TRANSFERS][DEPTH];
	signal input receiver_balance[TRANSFERS];
	signal input receiver_path[TRANSFERS][DEPTH];
	signal input data_hash;

	// The chain encodes rollup_id as a u32 and sequence_index as a u64.
	component rollup_bits = Num2Bits(32);
	rollup_bits.in <== rollup_id;
	component index_bits = Num2Bits(64);
	index_bits.in <== sequence_index;

	// The transfers, in order, from the previous root.
	component transfer[TRANSFERS];
	signal root[TRANSFERS + 1];
	root[0] <== prev_state_root_hi * (1 << 128) + prev_state_root_lo;
	for (var i = 0; i < TRANSFERS; i++) {
		transfer[i] = Transfer(DEPTH);
		transfer[i].root_in <== root[i];
		transfer[i].from <== from[i];
		transfer[i].to <== to[i];
		transfer[i].amount <== amount[i];
		transfer[i].sender_balance <== sender_balance[i];
		transfer[i].sender_path <== sender_path[i];
		transfer[i].receiver_balance <== receiver_balance[i];
		transfer[i].receiver_path <== receiver_path[i];
		root[i + 1] <== transfer[i].root_out;
	}

	// Both roots are given by the canonical halves of their 32-byte encodings.
	component prev_split = SplitCanonical();
	prev_split.value <== root[0];
	prev_split.hi <== prev_state_root_hi;
	prev_split.lo <== prev_state_root_lo;
	component new_split = SplitCanonical();
	new_split.value <== root[TRANSFERS];
	new_split.hi <== new_state_root_hi;
	new_split.lo <== new_state_root_lo;

	// The batch's data hash over its transfers.
	component data = Poseidon(3 * TRANSFERS);
	for (var i = 0; i < TRANSFERS; i++) {
		data.inputs[3 * i] <== from[i];
		data.inputs[3 * i + 1] <== to[i];
		data.inputs[3 * i + 2] <== amount[i];
	}
	data.out === data_hash;

	// The data commitment and the prover account are 32-byte values split in halves.
	component commitment_hi_bits = Num2Bits(128);
	commitment_hi_bits.in <== data_commitment_hi;
	component commitment_lo_bits = Num2Bits(128);
	commitment_lo_bits.in <== data_commitment_lo;
	component prover_hi_bits = Num2Bits(128);
	prover_hi_bits.in <== prover_hi;
	component prover_lo_bits = Num2Bits(128);
	prover_lo_bits.in <== prover_lo;
	// The proof is bound to the prover account through the public inputs themselves (the
	// Groth16 verifier's input terms); this product keeps both halves in a non-linear
	// constraint of their own as well.
	signal prover_sq <== prover_hi * prover_lo;
}

component main {public [
	rollup_id, sequence_index,
	prev_state_root_hi, prev_state_root_lo,
	new_state_root_hi, new_state_root_lo,
	data_commitment_hi, data_commitment_lo,
	prover_hi, prover_lo
]} = Balances(4, 2);
