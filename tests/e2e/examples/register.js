#!/usr/bin/env node
// Register a rollup: the signer becomes its owner and a deposit (base + per byte of name and
// key) is held from it until deregistration.
//
//   zkpow-prover export-keys --config test --out keys/
//   node examples/register.js --url ws://127.0.0.1:9944 --suri //Alice --name my-rollup \
//     --vk keys/vk_set.hex --sequencer 5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty \
//     --chain-id 31337 --inbox 0x<20 bytes> --t1 3 --t2 6 --reward 100000000000000 \
//     --min-bond 1000000000000000 --data-url http://127.0.0.1:8548
//
// `--data-url` names where miners fetch the batch witnesses (`zkpow-prover publish`); it is
// set right after registration (`set_data_url`).
//
// `--package-kind Circom --package-url URL --package-hash 0x<32 bytes>` states how the
// rollup's proofs are made (its prover package: for `Circom`, `URL/circuit.wasm` and
// `URL/circuit.zkey`, with `hash` = keccak256(keccak256(wasm) ++ keccak256(zkey)), as
// `zkpow-prover circom hash` prints it); the three go together.
//
// `--verifier ReferenceArtifactV1` (default) takes the key set `vk_set.hex`;
// `--verifier Groth16Bn254` takes a single ten-input key (`final_vk.hex`).
// `--snarkjs-vk verification_key.json` takes a circom/snarkjs key instead of `--vk` (and
// implies `Groth16Bn254`): it is converted by `zkpow-prover keys import --format snarkjs`,
// which refuses a key for another curve or number of public inputs with a message saying
// why. Amounts are in planck (1 UNIT = 10^12). Prints the new rollup as JSON.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isHex } from '@polkadot/util';
import { connect, signer, submit, findEvent } from '../lib/api.js';
import { args, isMain, required, run } from '../lib/cli.js';
import { proverBinary } from '../lib/keys.js';

/** Reads a hex-encoded key file as written by `zkpow-prover export-keys`. */
export function readKey(path) {
  const text = readFileSync(path, 'utf8').trim();
  if (!isHex(text)) throw new Error(`${path} does not hold 0x-prefixed hex`);
  return text;
}

/**
 * The chain's encoding (0x hex) of a snarkjs `verification_key.json`, converted by
 * `zkpow-prover keys import --format snarkjs`; throws with the converter's message when the
 * key is not usable (wrong curve, protocol or number of public inputs, malformed JSON).
 */
export function importSnarkjsKey(path) {
  try {
    return execFileSync(proverBinary(), ['keys', 'import', '--format', 'snarkjs', '--vk', path], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (e) {
    throw new Error(`${path}: ${(e.stderr || e.message).trim()}`);
  }
}

/** The `register_rollup` extrinsic for `opts` (see `registerRollup`), unchecked. */
export function registerTx(api, opts) {
  const p = opts.params ?? {};
  return api.tx.zkpow.registerRollup(
    opts.name,
    { chainId: opts.baseChain?.chainId ?? 31337, inbox: opts.baseChain?.inbox ?? new Uint8Array(20) },
    { kind: opts.verifier ?? 'ReferenceArtifactV1', key: opts.verifyingKey },
    { Id: opts.sequencer },
    {
      commitWindow: p.commitWindow ?? null,
      revealWindow: p.revealWindow ?? null,
      rewardPerSequence: p.rewardPerSequence ?? 0,
      minMinerBond: p.minMinerBond ?? 1,
      noProofPenalty: p.noProofPenalty ?? null,
      invalidProofPenalty: p.invalidProofPenalty ?? null,
    },
    { stateRoot: opts.genesisStateRoot ?? new Uint8Array(32), lastBatch: opts.lastBatch ?? 0 },
    opts.proverPackage ?? null,
  );
}

/** Byte length of a string (UTF-8), hex string or byte array. */
function byteLength(value) {
  if (value instanceof Uint8Array) return value.length;
  if (isHex(value)) return (value.length - 2) / 2;
  return Buffer.byteLength(value, 'utf8');
}

/**
 * Registers a rollup and resolves with `{ rollupId, owner, sequencer, verifier, terms,
 * deposit, blockHash }` from its `RollupRegistered` event.
 *
 * `opts`: `name`, `verifyingKey` (hex or bytes), `verifier` ('ReferenceArtifactV1' |
 * 'Groth16Bn254'), `sequencer` (address), `baseChain` `{ chainId, inbox }`, `params`
 * `{ commitWindow, revealWindow, rewardPerSequence, minMinerBond, noProofPenalty,
 * invalidProofPenalty }` (unset fields take the protocol defaults; reward and minimum bond
 * their floors), `genesisStateRoot`,
 * `lastBatch`, `proverPackage` `{ kind: 'Circom' | 'Reference', url, hash }` (how its proofs
 * are made; optional, its bytes join the deposit). Sizes are checked against the runtime's constants before submitting, because
 * an oversized name or key cannot even be decoded by the runtime.
 */
export async function registerRollup(api, pair, opts) {
  const maxName = api.consts.zkpow.maxNameLen.toNumber();
  const nameLen = byteLength(opts.name);
  if (nameLen > maxName) {
    throw new Error(`rollup name is ${nameLen} bytes; the runtime accepts at most ${maxName} (zkpow.maxNameLen)`);
  }
  const maxKey = api.consts.zkpow.maxVerifyingKeyLen.toNumber();
  const keyLen = byteLength(opts.verifyingKey);
  if (keyLen > maxKey) {
    throw new Error(`verifying key is ${keyLen} bytes; the runtime accepts at most ${maxKey} (zkpow.maxVerifyingKeyLen)`);
  }
  // Unset reward and minimum bond take the protocol's floors (`zkpow.limits`).
  const limits = await api.query.zkpow.limits();
  const params = {
    ...opts.params,
    rewardPerSequence: opts.params?.rewardPerSequence ?? limits.minRewardPerSequence.toBigInt(),
    minMinerBond: opts.params?.minMinerBond ?? limits.minMinerBond.toBigInt(),
  };
  const { blockHash, events } = await submit(api, registerTx(api, { ...opts, params }), pair);
  const e = findEvent(api, events, 'RollupRegistered').data;
  return {
    rollupId: e.rollupId.toNumber(),
    owner: e.owner.toString(),
    sequencer: e.sequencer.toString(),
    verifier: e.verifier.toString(),
    terms: e.terms.toJSON(),
    deposit: e.deposit.toBigInt(),
    blockHash,
  };
}

/** Sets (or with `url` null, removes) the rollup's data URL; resolves with the block hash. */
export async function setDataUrl(api, pair, rollupId, url) {
  const { blockHash } = await submit(api, api.tx.zkpow.setDataUrl(rollupId, url), pair);
  return blockHash;
}

const USAGE = `usage: node examples/register.js [--url ws://127.0.0.1:9944] [--suri //Alice]
  --name NAME (--vk FILE [--verifier ReferenceArtifactV1|Groth16Bn254] | --snarkjs-vk FILE)
  [--sequencer ADDRESS]
  [--chain-id 31337] [--inbox 0x<20 bytes>] [--t1 BLOCKS] [--t2 BLOCKS] [--reward PLANCK]
  [--min-bond PLANCK] [--genesis-root 0x<32 bytes>] [--last-batch N] [--data-url URL]
  [--package-kind Circom|Reference --package-url URL --package-hash 0x<32 bytes>]`;

/** The prover package named by the `--package-*` flags, or null when none is given. */
export function packageFromFlags(o) {
  const given = ['package-kind', 'package-url', 'package-hash'].filter((f) => o[f] !== undefined);
  if (given.length === 0) return null;
  if (given.length < 3) {
    throw new Error(`--package-kind, --package-url and --package-hash go together (got only ${given.map((f) => `--${f}`).join(', ')})`);
  }
  if (!['Circom', 'Reference'].includes(o['package-kind'])) {
    throw new Error(`--package-kind is Circom or Reference, not \`${o['package-kind']}\``);
  }
  if (!isHex(o['package-hash'], 256)) {
    throw new Error(`--package-hash must be 0x and 32 bytes of hex, not \`${o['package-hash']}\``);
  }
  return { kind: o['package-kind'], url: o['package-url'], hash: o['package-hash'] };
}

if (isMain(import.meta.url)) {
  run(async () => {
    const o = args(
      {
        name: { type: 'string' }, vk: { type: 'string' }, 'snarkjs-vk': { type: 'string' },
        verifier: { type: 'string' },
        sequencer: { type: 'string' }, 'chain-id': { type: 'string' }, inbox: { type: 'string' },
        t1: { type: 'string' }, t2: { type: 'string' }, reward: { type: 'string' },
        'min-bond': { type: 'string' }, 'genesis-root': { type: 'string' }, 'last-batch': { type: 'string' },
        'data-url': { type: 'string' }, 'package-kind': { type: 'string' },
        'package-url': { type: 'string' }, 'package-hash': { type: 'string' },
      },
      USAGE,
    );
    const proverPackage = packageFromFlags(o);
    const pair = await signer(o.suri);
    const api = await connect(o.url);
    try {
      const num = (v) => (v === undefined ? undefined : Number(v));
      const big = (v) => (v === undefined ? undefined : BigInt(v));
      const out = await registerRollup(api, pair, {
        name: required(o, 'name', USAGE),
        verifyingKey: o['snarkjs-vk'] !== undefined
          ? importSnarkjsKey(o['snarkjs-vk'])
          : readKey(required(o, 'vk', USAGE)),
        verifier: o['snarkjs-vk'] !== undefined ? 'Groth16Bn254' : o.verifier,
        sequencer: o.sequencer ?? pair.address,
        baseChain: { chainId: num(o['chain-id']), inbox: o.inbox },
        params: {
          commitWindow: num(o.t1), revealWindow: num(o.t2),
          rewardPerSequence: big(o.reward), minMinerBond: big(o['min-bond']),
        },
        genesisStateRoot: o['genesis-root'],
        lastBatch: big(o['last-batch']),
        proverPackage,
      });
      if (o['data-url'] !== undefined) {
        await setDataUrl(api, pair, out.rollupId, o['data-url']);
        out.dataUrl = o['data-url'];
      }
      console.log(JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? v.toString() : v), 2));
    } finally {
      await api.disconnect();
    }
  });
}

