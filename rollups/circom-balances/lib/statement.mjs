// The chain's sequence statement as this circuit's public inputs, computed the way a prover
// host does it: from the chain's records (rollup id, sequence index, roots, batch headers)
// and the miner's account. Layout: `SequenceStatement::public_inputs` in
// primitives/src/statement.rs.
import sha3 from 'js-sha3';

const MASK_128 = (1n << 128n) - 1n;

/** 32 bytes from 0x-hex (64 digits), a Uint8Array/Buffer of 32 bytes, or a BigInt < 2^256. */
export function bytes32(value) {
  if (typeof value === 'bigint') {
    if (value < 0n || value >> 256n) throw new Error(`${value} does not fit 32 bytes`);
    return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
  }
  if (typeof value === 'string') {
    if (!/^0x[0-9a-fA-F]{64}$/.test(value)) throw new Error(`\`${value}\` is not 0x followed by 64 hex digits`);
    return Buffer.from(value.slice(2), 'hex');
  }
  if (value instanceof Uint8Array && value.length === 32) return Buffer.from(value);
  throw new Error('expected 32 bytes');
}

/** 0x-hex of 32 bytes (big-endian). */
export function hex32(value) {
  return `0x${bytes32(value).toString('hex')}`;
}

/** The high and low 128 bits of a 32-byte big-endian value, as BigInts. */
export function splitHalves(value) {
  const n = BigInt(hex32(value));
  return [n >> 128n, n & MASK_128];
}

/**
 * The chain's data commitment of a sequence's batch headers:
 * keccak256(state_root_1 ++ data_hash_1 ++ ... ++ state_root_n ++ data_hash_n), 0x-hex
 * (`sequence_commitment` in primitives/src/hashing.rs).
 */
export function dataCommitment(batches) {
  const bytes = Buffer.concat(batches.flatMap((b) => [bytes32(b.state_root), bytes32(b.data_hash)]));
  return `0x${sha3.keccak256(bytes)}`;
}

/**
 * The ten public inputs of the circuit as decimal strings, keyed by signal name, in
 * statement order. `rollupId` (u32) and `sequenceIndex` (u64) are numbers or BigInts; the
 * roots, the data commitment and the prover account are 32-byte values (0x-hex or bytes).
 */
export function statementInputs({ rollupId, sequenceIndex, prevRoot, newRoot, dataCommitment, prover }) {
  const id = BigInt(rollupId);
  const index = BigInt(sequenceIndex);
  if (id < 0n || id >> 32n) throw new Error(`rollup id ${rollupId} is not a u32`);
  if (index < 0n || index >> 64n) throw new Error(`sequence index ${sequenceIndex} is not a u64`);
  const out = { rollup_id: id.toString(), sequence_index: index.toString() };
  for (const [name, value] of [
    ['prev_state_root', prevRoot],
    ['new_state_root', newRoot],
    ['data_commitment', dataCommitment],
    ['prover', prover],
  ]) {
    const [hi, lo] = splitHalves(value);
    out[`${name}_hi`] = hi.toString();
    out[`${name}_lo`] = lo.toString();
  }
  return out;
}

/**
 * The complete circuit input for a sequence file's (only) batch: its witness and the
 * statement the chain derives, as a prover host builds it. The chain's records are taken
 * from the file here; a host takes them from the chain and checks the file against them.
 */
export function proverInput(sequence, { rollupId, prover }) {
  if (sequence.batches.length !== 1) throw new Error('a circom-balances sequence has exactly one batch');
  const [batch] = sequence.batches;
  return {
    ...batch.witness,
    ...statementInputs({
      rollupId,
      sequenceIndex: sequence.sequence_index,
      prevRoot: sequence.prev_root,
      newRoot: batch.state_root,
      dataCommitment: dataCommitment(sequence.batches),
      prover,
    }),
  };
}
