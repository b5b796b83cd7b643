#!/usr/bin/env node
// The two sequences of the Groth16Inbox vectors, and their assembly (used by gen.sh):
//
//   node sequences.js inputs WORK     write WORK/seq{0,1}.input.json (circom inputs)
//   node sequences.js assemble WORK   print the vector JSON from WORK/vk.hex,
//                                     WORK/seq{0,1}.proof.hex and WORK/seq{0,1}.public.json
//
// Rollup 7: sequence 0 (two batches) from the genesis root, then sequence 1 (one batch)
// from sequence 0's new root, both bound to the same prover. Roots and data hashes are
// fixed (keccak256 of labels) so only the snarkjs setup and proofs change on regeneration.
// The data commitment is `zkpow_primitives::sequence_commitment`: keccak256 of
// `state_root_1 ++ data_hash_1 ++ ...`; the new root is the last batch's root.
'use strict';

const fs = require('fs');
const path = require('path');
// js-sha3 comes with solc-js (`npm ci --prefix contracts`).
const { keccak256 } = require(require.resolve('js-sha3', { paths: [path.join(__dirname, '..', '..')] }));

const ROLLUP_ID = 7;
const FIRST_BATCH = 1;
/// Alice's account id (sr25519 `//Alice`), as the miner the proofs are bound to.
const PROVER = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
/// Batches per sequence.
const BATCHES = [2, 1];

const hex = (bytes) => '0x' + Buffer.from(bytes).toString('hex');
const unhex = (h) => Buffer.from(h.replace(/^0x/, ''), 'hex');
const label = (text) => '0x' + keccak256('zkpow/groth16-inbox/' + text);

function sequences() {
  const genesis = label('genesis');
  let prev = genesis;
  let batch = FIRST_BATCH;
  const out = [];
  BATCHES.forEach((count, index) => {
    const batches = [];
    for (let b = 0; b < count; b++, batch++) {
      batches.push({ state_root: label(`root/${batch}`), data_hash: label(`data/${batch}`) });
    }
    const headers = Buffer.concat(batches.flatMap((h) => [unhex(h.state_root), unhex(h.data_hash)]));
    out.push({
      sequence_index: index,
      start_batch: batch - count,
      prev_state_root: prev,
      new_state_root: batches[batches.length - 1].state_root,
      data_commitment: '0x' + keccak256(headers),
      prover: PROVER,
      batches,
    });
    prev = batches[batches.length - 1].state_root;
  });
  return { genesis, sequences: out };
}

/// The high and low 128 bits of a 32-byte value, as decimal strings.
function halves(value) {
  const n = BigInt(value);
  return [(n >> 128n).toString(), (n & ((1n << 128n) - 1n)).toString()];
}

function circomInput(seq) {
  const [prevHi, prevLo] = halves(seq.prev_state_root);
  const [newHi, newLo] = halves(seq.new_state_root);
  const [dcHi, dcLo] = halves(seq.data_commitment);
  const [proverHi, proverLo] = halves(seq.prover);
  return {
    rollup_id: String(ROLLUP_ID),
    sequence_index: String(seq.sequence_index),
    prev_state_root_hi: prevHi,
    prev_state_root_lo: prevLo,
    new_state_root_hi: newHi,
    new_state_root_lo: newLo,
    data_commitment_hi: dcHi,
    data_commitment_lo: dcLo,
    prover_hi: proverHi,
    prover_lo: proverLo,
    secret: '12345',
    secret_squared: '152399025',
  };
}

function main() {
  const [command, work] = process.argv.slice(2);
  if (!work || !['inputs', 'assemble'].includes(command)) {
    console.error('usage: sequences.js inputs|assemble WORK_DIR');
    process.exit(2);
  }
  const { genesis, sequences: seqs } = sequences();
  if (command === 'inputs') {
    seqs.forEach((seq, i) => {
      fs.writeFileSync(path.join(work, `seq${i}.input.json`), JSON.stringify(circomInput(seq), null, 1) + '\n');
    });
    return;
  }
  const read = (file) => fs.readFileSync(path.join(work, file), 'utf8').trim();
  const vectors = {
    description:
      'Groth16Inbox vectors: a snarkjs key of prover/tests/circom/statement10.circom and two consecutive ' +
      'sequences of rollup 7 proven with it, in the chain encoding (see README.md).',
    rollup_id: ROLLUP_ID,
    vk: read('vk.hex'),
    genesis_state_root: genesis,
    first_batch: FIRST_BATCH,
    sequences: seqs.map((seq, i) => {
      const publicSignals = JSON.parse(read(`seq${i}.public.json`));
      const expected = Object.values(circomInput(seq)).slice(0, 10);
      if (JSON.stringify(publicSignals) !== JSON.stringify(expected)) {
        throw new Error(`seq${i}: public signals ${publicSignals} differ from the statement ${expected}`);
      }
      return { ...seq, proof: read(`seq${i}.proof.hex`), public_signals: publicSignals };
    }),
  };
  process.stdout.write(JSON.stringify(vectors, null, 2) + '\n');
}

main();
