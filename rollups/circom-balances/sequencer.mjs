#!/usr/bin/env node
// The circom-balances sequencer: makes sequences of random valid transfers and writes, for
// each, the sequence file a miner fetches from the rollup's data endpoint.
//
//   node sequencer.mjs --out DIR [--sequences N] [--seed S] [--funded F] [--balance B]
//
// DIR holds
//   state.json              the rollup's state (balances, next sequence, generator state);
//                           a second run continues from it (--seed, --funded and --balance
//                           only apply to the first run, which creates genesis)
//   genesis.json            { "root": "0x…", … }: the prev_state_root of sequence 0 (for
//                           register_rollup's genesis root), and the genesis balances
//   sequence-000000.json …  one per sequence, named as `zkpow-prover publish` serves them
//                           (GET /sequences/{index}, GET /genesis)
//
// A sequence is one batch of TRANSFERS transfers (the second one sometimes padding, amount
// 0). Its file is prover-api's `SequenceData` plus its index:
//   { "prev_root": "0x…",
//     "batches": [ { "state_root": "0x…", "data_hash": "0x…", "witness": { …private inputs… } } ],
//     "sequence_index": n }
// Roots and data hashes are field elements as 32-byte big-endian 0x-hex. The witness holds
// every private input of balances.circom as decimal strings; the ten public statement
// inputs are not in it: a prover host fills them in from the chain's statement.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BalanceTree, DEPTH, TRANSFERS, applyBatch, fieldHex, poseidonHasher } from './lib/rollup.mjs';

/** Name of the file holding sequence `index` (as `zkpow-prover publish` looks it up). */
export function sequenceFileName(index) {
  return `sequence-${String(index).padStart(6, '0')}.json`;
}

/** splitmix64: a small deterministic generator whose state fits state.json. */
class Rng {
  constructor(state) {
    this.state = BigInt.asUintN(64, BigInt(state));
  }
  next() {
    this.state = BigInt.asUintN(64, this.state + 0x9e3779b97f4a7c15n);
    let z = this.state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  /** Uniform-ish in [0, n). */
  below(n) {
    return this.next() % BigInt(n);
  }
}

function writeJson(path, value) {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

/** Random valid transfers for one batch: the first is real, the others real or padding. */
function randomTransfers(rng, balances) {
  const accounts = balances.length;
  const transfers = [];
  const funds = [...balances];
  for (let slot = 0; slot < TRANSFERS; slot++) {
    const funded = funds.map((b, i) => [b, i]).filter(([b]) => b > 0n).map(([, i]) => i);
    if (funded.length === 0 || (slot > 0 && rng.below(4) === 0n)) {
      transfers.push({ from: 0, to: 0, amount: 0n });
      continue;
    }
    const from = funded[Number(rng.below(funded.length))];
    const to = Number(rng.below(accounts));
    const cap = funds[from] < 1000n ? funds[from] : 1000n;
    const amount = 1n + rng.below(cap);
    funds[from] -= amount;
    funds[to] += amount;
    transfers.push({ from, to, amount });
  }
  return transfers;
}

/**
 * Loads the state in `out` (or creates genesis there), makes `sequences` more sequences and
 * writes their files; returns the paths written.
 */
export async function runSequencer({ out, sequences = 1, seed = 1, funded = 8, balance = 1_000_000n }) {
  mkdirSync(out, { recursive: true });
  const hash = await poseidonHasher();
  const statePath = join(out, 'state.json');
  let state;
  if (existsSync(statePath)) {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
    if (state.depth !== DEPTH || state.transfers !== TRANSFERS) {
      throw new Error(`${statePath} is for depth ${state.depth} and ${state.transfers} transfers, not ${DEPTH} and ${TRANSFERS}`);
    }
  } else {
    if (funded < 0 || funded > 2 ** DEPTH) throw new Error(`--funded must be 0..${2 ** DEPTH}`);
    const balances = Array.from({ length: 2 ** DEPTH }, (_, i) => (i < funded ? BigInt(balance) : 0n));
    const tree = new BalanceTree(hash, balances);
    const root = fieldHex(tree.root);
    writeJson(join(out, 'genesis.json'), {
      root,
      depth: DEPTH,
      transfers_per_sequence: TRANSFERS,
      balances: balances.map(String),
    });
    state = {
      depth: DEPTH,
      transfers: TRANSFERS,
      next_sequence: 0,
      root,
      balances: balances.map(String),
      rng: BigInt.asUintN(64, BigInt(seed)).toString(),
    };
    writeJson(statePath, state);
  }
  const tree = new BalanceTree(hash, state.balances);
  if (fieldHex(tree.root) !== state.root) throw new Error(`${statePath}: balances do not give its root`);
  const rng = new Rng(state.rng);
  const written = [];
  for (let n = 0; n < sequences; n++) {
    const index = state.next_sequence;
    const prevRoot = fieldHex(tree.root);
    const batch = applyBatch(tree, randomTransfers(rng, tree.balances));
    const file = join(out, sequenceFileName(index));
    writeJson(file, {
      prev_root: prevRoot,
      batches: [{ state_root: fieldHex(batch.stateRoot), data_hash: fieldHex(batch.dataHash), witness: batch.witness }],
      sequence_index: index,
    });
    state = {
      ...state,
      next_sequence: index + 1,
      root: fieldHex(tree.root),
      balances: tree.balances.map(String),
      rng: rng.state.toString(),
    };
    writeJson(statePath, state);
    written.push(file);
  }
  return written;
}

const USAGE = 'usage: node sequencer.mjs --out DIR [--sequences N] [--seed S] [--funded F] [--balance B]';

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string' },
        sequences: { type: 'string', default: '1' },
        seed: { type: 'string', default: '1' },
        funded: { type: 'string', default: '8' },
        balance: { type: 'string', default: '1000000' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`${e.message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const integer = (name) => {
    if (!/^[0-9]+$/.test(values[name])) {
      console.error(`--${name} must be a non-negative integer\n${USAGE}`);
      process.exit(2);
    }
    return values[name];
  };
  if (!values.out) {
    console.error(USAGE);
    process.exit(2);
  }
  const files = await runSequencer({
    out: values.out,
    sequences: Number(integer('sequences')),
    seed: BigInt(integer('seed')),
    funded: Number(integer('funded')),
    balance: BigInt(integer('balance')),
  });
  for (const f of files) console.log(f);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`sequencer: ${e.message}`);
    process.exit(1);
  });
}
