// End-to-end tests of the circom-balances rollup with the real tools: sequences from the
// sequencer, the statement filled in as a prover host does, Groth16 proofs by snarkjs (and
// by `zkpow-prover circom prove` when ZKPOW_PROVER names its binary), verified by snarkjs.
//
// The package is taken from $CIRCOM_BALANCES_BUILD (default build/); when it has no zkey,
// setup.sh builds it there first (minutes: the local powers of tau, kept for later runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { BalanceTree, DEPTH, TRANSFERS, fieldHex, poseidonHasher } from '../lib/rollup.mjs';
import { dataCommitment, proverInput, statementInputs } from '../lib/statement.mjs';
import { packageHash } from '../lib/package-hash.mjs';
import { runSequencer, sequenceFileName } from '../sequencer.mjs';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const build = process.env.CIRCOM_BALANCES_BUILD ?? join(here, 'build');
const wasm = join(build, 'balances.wasm');
const zkey = join(build, 'balances.zkey');
const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

const ROLLUP_ID = 3;
const PROVER = `0x${'d4'.repeat(16)}${'35'.repeat(16)}`; // a miner's 32-byte account
const OTHER_PROVER = `0x${'8e'.repeat(16)}${'af'.repeat(16)}`;
const PUBLIC_ORDER = [
  'rollup_id', 'sequence_index',
  'prev_state_root_hi', 'prev_state_root_lo',
  'new_state_root_hi', 'new_state_root_lo',
  'data_commitment_hi', 'data_commitment_lo',
  'prover_hi', 'prover_lo',
];
const PRIVATE_INPUTS = [
  'from', 'to', 'amount', 'sender_balance', 'sender_path', 'receiver_balance', 'receiver_path', 'data_hash',
];

let dir;
let vk;
let sequences;
const proofs = [];

before(() => {
  if (!existsSync(zkey)) {
    execFileSync('bash', [join(here, 'setup.sh'), build], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  vk = JSON.parse(readFileSync(join(build, 'verification_key.json'), 'utf8'));
  dir = mkdtempSync(join(tmpdir(), 'circom-balances-'));
});

after(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  // snarkjs keeps the curve's worker threads alive until terminated.
  if (globalThis.curve_bn128) await globalThis.curve_bn128.terminate();
});

const readSequence = (index) => JSON.parse(readFileSync(join(dir, sequenceFileName(index)), 'utf8'));

/** Witness generation alone (what fails first for a false statement). */
const witness = (input) => snarkjs.wtns.calculate(input, wasm, { type: 'mem' });

const source = readFileSync(join(here, 'balances.circom'), 'utf8').split('\n');
/** Line number (1-based) of the one line of balances.circom that contains `snippet`. */
function lineOf(snippet) {
  const lines = source.flatMap((line, i) => (line.includes(snippet) ? [i + 1] : []));
  assert.equal(lines.length, 1, `\`${snippet}\` is on exactly one line of balances.circom`);
  return lines[0];
}

/**
 * Witness generation of `input` fails, at the constraint of template `template` on the line
 * holding `snippet` (circom reports the failed assertion's template and line).
 */
async function failsAt(input, template, snippet) {
  const where = new RegExp(`Error in template ${template}_\\d+ line: ${lineOf(snippet)}\\n`);
  // The witness calculator also prints the failure; the error carries the same text.
  const print = console.error;
  console.error = () => {};
  const result = witness(input).finally(() => {
    console.error = print;
  });
  await assert.rejects(result, (e) => {
    assert.match(e.message, /Assert Failed/);
    assert.match(e.message, where);
    return true;
  });
}

test('the sequencer writes genesis, state and sequence files in the published format', async () => {
  await runSequencer({ out: dir, sequences: 1, seed: 42 });
  await runSequencer({ out: dir, sequences: 1 }); // continues from state.json
  assert.deepEqual(readdirSync(dir).sort(), ['genesis.json', 'sequence-000000.json', 'sequence-000001.json', 'state.json']);
  sequences = [readSequence(0), readSequence(1)];
  const genesis = JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8'));
  assert.match(genesis.root, /^0x[0-9a-f]{64}$/);
  assert.equal(sequences[0].prev_root, genesis.root);
  assert.equal(sequences[1].prev_root, sequences[0].batches[0].state_root, 'consecutive sequences chain');
  for (const [i, s] of sequences.entries()) {
    assert.deepEqual(Object.keys(s), ['prev_root', 'batches', 'sequence_index']);
    assert.equal(s.sequence_index, i);
    assert.equal(s.batches.length, 1);
    assert.deepEqual(Object.keys(s.batches[0]), ['state_root', 'data_hash', 'witness']);
    assert.deepEqual(Object.keys(s.batches[0].witness).sort(), [...PRIVATE_INPUTS].sort());
    assert.equal(s.batches[0].witness.sender_path.length, TRANSFERS);
    assert.equal(s.batches[0].witness.sender_path[0].length, DEPTH);
  }
  // The same seed gives the same sequences.
  const again = mkdtempSync(join(tmpdir(), 'circom-balances-'));
  try {
    await runSequencer({ out: again, sequences: 2, seed: 42 });
    assert.deepEqual(JSON.parse(readFileSync(join(again, sequenceFileName(1)), 'utf8')), sequences[1]);
  } finally {
    rmSync(again, { recursive: true, force: true });
  }
});

test('statementInputs splits 32-byte values into their high and low 128 bits', () => {
  const value = `0x${'00'.repeat(15)}01${'00'.repeat(15)}02`;
  const inputs = statementInputs({
    rollupId: 7, sequenceIndex: 258n, prevRoot: value, newRoot: value, dataCommitment: value, prover: value,
  });
  assert.deepEqual(Object.keys(inputs), PUBLIC_ORDER);
  assert.equal(inputs.rollup_id, '7');
  assert.equal(inputs.sequence_index, '258');
  assert.equal(inputs.prover_hi, '1');
  assert.equal(inputs.prover_lo, '2');
  assert.throws(() => statementInputs({ rollupId: 2 ** 32, sequenceIndex: 0, prevRoot: value, newRoot: value, dataCommitment: value, prover: value }));
  // keccak256 of the empty input, the known value.
  assert.equal(dataCommitment([]), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
});

test('two consecutive sequences prove with snarkjs groth16 fullprove and verify', async () => {
  for (const s of sequences) {
    const input = proverInput(s, { rollupId: ROLLUP_ID, prover: PROVER });
    const started = Date.now();
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey);
    console.log(`sequence ${s.sequence_index}: fullprove ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // The public signals are exactly the ten statement inputs, in statement order.
    assert.deepEqual(publicSignals, PUBLIC_ORDER.map((name) => input[name]));
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
    proofs.push({ proof, publicSignals });
  }
});

test('attack: a claimed new root other than the transition fails witness generation', async () => {
  const [s0, s1] = sequences;
  // The next sequence's root, a real root of this rollup but not this batch's result.
  const forged = { ...s0, batches: [{ ...s0.batches[0], state_root: s1.batches[0].state_root }] };
  await failsAt(proverInput(forged, { rollupId: ROLLUP_ID, prover: PROVER }), 'SplitCanonical', 'lo === acc_lo;');
  // Nor may the batch start from another root than its witness's paths.
  const replay = { ...s1, prev_root: s0.prev_root };
  await failsAt(proverInput(replay, { rollupId: ROLLUP_ID, prover: PROVER }), 'Transfer', 'sender_before.root === root_in;');
  // The honest input does compute a witness.
  await witness(proverInput(s0, { rollupId: ROLLUP_ID, prover: PROVER }));
});

test('attack: a data hash that is not the transfers\' fails witness generation', async () => {
  const [s0] = sequences;
  const input = proverInput(s0, { rollupId: ROLLUP_ID, prover: PROVER });
  await failsAt({ ...input, data_hash: (BigInt(input.data_hash) + 1n).toString() }, 'Balances', 'data.out === data_hash;');
  // Changing a transfer's amount breaks the receiver's path first, whatever the data hash.
  const amount = [input.amount[0], (BigInt(input.amount[1]) + 1n).toString()];
  await failsAt({ ...input, amount }, 'Transfer', 'receiver_before.root === debited.root;');
});

/**
 * A batch built like the sequencer's but without its checks: balances wrap around the field
 * as the circuit's arithmetic does, so every Merkle path and root is consistent and only the
 * range checks can refuse it.
 */
function forgeBatch(tree, transfers) {
  const w = { from: [], to: [], amount: [], sender_balance: [], sender_path: [], receiver_balance: [], receiver_path: [] };
  for (const { from, to, amount } of transfers) {
    w.from.push(from);
    w.to.push(to);
    w.amount.push(amount);
    w.sender_balance.push(tree.balances[from]);
    w.sender_path.push(tree.path(from));
    tree.setBalance(from, (tree.balances[from] - amount + FIELD) % FIELD);
    w.receiver_balance.push(tree.balances[to]);
    w.receiver_path.push(tree.path(to));
    tree.setBalance(to, (tree.balances[to] + amount) % FIELD);
  }
  const dec = (v) => (Array.isArray(v) ? v.map(dec) : v.toString());
  const out = Object.fromEntries(Object.entries(w).map(([k, v]) => [k, dec(v)]));
  out.data_hash = tree.hash(transfers.flatMap((t) => [t.from, t.to, t.amount].map(BigInt))).toString();
  return out;
}

test('attack: an overdraft (amount above the sender\'s balance) fails, and so does an overflow', async () => {
  const hash = await poseidonHasher();
  const balances = Array.from({ length: 2 ** DEPTH }, (_, i) => (i === 0 ? 100n : 0n));
  const statement = (tree, prev, w) => statementInputs({
    rollupId: ROLLUP_ID, sequenceIndex: 0, prevRoot: prev, newRoot: fieldHex(tree.root),
    dataCommitment: dataCommitment([{ state_root: fieldHex(tree.root), data_hash: fieldHex(BigInt(w.data_hash)) }]),
    prover: PROVER,
  });
  // Control: spending exactly the balance is fine.
  let tree = new BalanceTree(hash, balances);
  let prev = fieldHex(tree.root);
  let w = forgeBatch(tree, [{ from: 0, to: 5, amount: 100n }, { from: 0, to: 0, amount: 0n }]);
  await witness({ ...w, ...statement(tree, prev, w) });
  // One more than the balance: the sender's new balance wraps around the field.
  tree = new BalanceTree(hash, balances);
  prev = fieldHex(tree.root);
  w = forgeBatch(tree, [{ from: 0, to: 5, amount: 101n }, { from: 0, to: 0, amount: 0n }]);
  await failsAt({ ...w, ...statement(tree, prev, w) }, 'Transfer', 'sender_after_bits.in <== sender_after;');
  // An account with nothing sends: the same.
  tree = new BalanceTree(hash, balances);
  prev = fieldHex(tree.root);
  w = forgeBatch(tree, [{ from: 9, to: 1, amount: 1n }, { from: 0, to: 0, amount: 0n }]);
  await failsAt({ ...w, ...statement(tree, prev, w) }, 'Transfer', 'sender_after_bits.in <== sender_after;');
  // A "negative" amount (p - 1) that would credit the sender instead.
  tree = new BalanceTree(hash, balances);
  prev = fieldHex(tree.root);
  w = forgeBatch(tree, [{ from: 1, to: 0, amount: FIELD - 1n }, { from: 0, to: 0, amount: 0n }]);
  await failsAt({ ...w, ...statement(tree, prev, w) }, 'Transfer', 'amount_bits.in <== amount;');
  // A credit past 2^64 - 1.
  const full = [...balances];
  full[3] = (1n << 64n) - 1n;
  tree = new BalanceTree(hash, full);
  prev = fieldHex(tree.root);
  w = forgeBatch(tree, [{ from: 0, to: 3, amount: 1n }, { from: 0, to: 0, amount: 0n }]);
  await failsAt({ ...w, ...statement(tree, prev, w) }, 'Transfer', 'receiver_after_bits.in <== receiver_after;');
});

test('a transfer to oneself leaves the balance as it was', async () => {
  const hash = await poseidonHasher();
  const balances = Array.from({ length: 2 ** DEPTH }, (_, i) => (i === 2 ? 50n : 0n));
  const tree = new BalanceTree(hash, balances);
  const prev = tree.root;
  const w = forgeBatch(tree, [{ from: 2, to: 2, amount: 30n }, { from: 2, to: 2, amount: 50n }]);
  assert.equal(tree.root, prev);
  await witness({
    ...w,
    ...statementInputs({
      rollupId: ROLLUP_ID, sequenceIndex: 0, prevRoot: fieldHex(prev), newRoot: fieldHex(prev),
      dataCommitment: fieldHex(0n), prover: PROVER,
    }),
  });
});

test('attack: changing the prover public input after proving makes verification fail', async () => {
  assert.equal(proofs.length, 2, 'needs the proofs of the proving test');
  const { proof, publicSignals } = proofs[0];
  const other = statementInputs({
    rollupId: ROLLUP_ID, sequenceIndex: 0, prevRoot: fieldHex(0n), newRoot: fieldHex(0n), dataCommitment: fieldHex(0n),
    prover: OTHER_PROVER,
  });
  const stolen = [...publicSignals];
  stolen[8] = other.prover_hi;
  stolen[9] = other.prover_lo;
  assert.equal(await snarkjs.groth16.verify(vk, stolen, proof), false);
  const lowOnly = [...publicSignals];
  lowOnly[9] = (BigInt(lowOnly[9]) ^ 1n).toString();
  assert.equal(await snarkjs.groth16.verify(vk, lowOnly, proof), false);
  // Any other statement input too (here: the data commitment), and another sequence's proof.
  const commitment = [...publicSignals];
  commitment[7] = (BigInt(commitment[7]) + 1n).toString();
  assert.equal(await snarkjs.groth16.verify(vk, commitment, proof), false);
  assert.equal(await snarkjs.groth16.verify(vk, proofs[1].publicSignals, proof), false);
});

const zkpowProver = process.env.ZKPOW_PROVER;
test(
  'zkpow-prover circom prove makes a proof snarkjs verifies',
  { skip: zkpowProver ? false : 'ZKPOW_PROVER is not set (path of a zkpow-prover binary): skipped' },
  async () => {
    const hash = packageHash(wasm, zkey);
    assert.equal(execFileSync(zkpowProver, ['circom', 'hash', '--wasm', wasm, '--zkey', zkey], { encoding: 'utf8' }).trim(), hash);
    const s = sequences[1];
    const input = proverInput(s, { rollupId: ROLLUP_ID, prover: PROVER });
    const inputPath = join(dir, 'input.json');
    writeFileSync(inputPath, JSON.stringify(input));
    const out = join(dir, 'native-proof.json');
    const pub = join(dir, 'native-public.json');
    const started = Date.now();
    execFileSync(zkpowProver, [
      'circom', 'prove', '--wasm', wasm, '--zkey', zkey, '--input', inputPath,
      '--expect-hash', hash, '--out', out, '--public', pub,
    ], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`zkpow-prover circom prove: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const proof = JSON.parse(readFileSync(out, 'utf8'));
    const publicSignals = JSON.parse(readFileSync(pub, 'utf8'));
    assert.deepEqual(publicSignals, PUBLIC_ORDER.map((name) => input[name]));
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
    const stolen = [...publicSignals];
    stolen[8] = (BigInt(stolen[8]) + 1n).toString();
    assert.equal(await snarkjs.groth16.verify(vk, stolen, proof), false);
  },
);
