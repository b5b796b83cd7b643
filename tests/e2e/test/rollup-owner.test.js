// A rollup owner on polkadot.js against a real `zkpow-node --dev`: registers the reference
// rollup with the key set from `zkpow-prover export-keys`, funds it, sets a new sequencer,
// pauses and resumes it, reads `api.query.zkpow.*` and `api.rpc.zkpow.*`, and follows its
// events with examples/watch.js. Tests run in order and share one node.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hexToU8a, u8aToString } from '@polkadot/util';
import { keccakAsU8a } from '@polkadot/util-crypto';
import { connect, signer, submit, findEvent, DispatchFailed } from '../lib/api.js';
import { startDevNode } from '../lib/node.js';
import { exportKeys } from '../lib/keys.js';
import { registerRollup, setDataUrl } from '../examples/register.js';
import { fundRollup } from '../examples/fund.js';
import { setSequencer, pauseRollup, resumeRollup, rotateKey, setFrozen } from '../examples/manage.js';
import { watchRollup } from '../examples/watch.js';

const UNIT = 10n ** 12n;
const REWARD = 100n * UNIT;
const MIN_BOND = 1_000n * UNIT;
const NAME = 'reference-rollup';
const INBOX = '0x' + '11'.repeat(20);
const examples = fileURLToPath(new URL('../examples/', import.meta.url));
const exec = promisify(execFile);

/** Rejects unless `promise` fails with the pallet error `zkpow.<name>` and docs matching `docs`. */
async function rejectsWith(promise, name, docs) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof DispatchFailed, `expected a dispatch error, got: ${e.message}`);
    assert.equal(e.section, 'zkpow');
    assert.equal(e.name, name);
    assert.match(e.docs, docs);
    return true;
  });
}

describe('rollup owner on polkadot.js', () => {
  let node, api, keys, alice, bob, charlie, dave, eve;
  let rollupId, otherId, lastBlock = 0, stopWatching;
  const watched = [];
  const seenBlocks = [];

  const block = async (hash) => (await api.rpc.chain.getHeader(hash)).number.toNumber();
  const rollup = async (id = rollupId) => (await api.query.zkpow.rollups(id)).unwrap();
  const track = async (result) => { lastBlock = Math.max(lastBlock, await block(result.blockHash)); return result; };
  /** `submit_sequence` continuing a rollup that has had no sequence yet (batch 1, zero root). */
  const submitTx = (id, batches) => api.tx.zkpow.submitSequence(id, 1, new Uint8Array(32), batches);
  /** Deposit held for a sequence of `batches` batches, from the runtime's constants. */
  const sequenceDeposit = (batches) => api.consts.zkpow.sequenceDepositBase.toBigInt()
    + api.consts.zkpow.sequenceDepositPerBatch.toBigInt() * BigInt(batches);

  before(async () => {
    keys = exportKeys({ config: 'test' });
    node = await startDevNode();
    api = await connect(node.url);
    [alice, bob, charlie, dave, eve] = await Promise.all(
      ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve'].map(signer),
    );
    rollupId = (await api.query.zkpow.nextRollupId()).toNumber();
    stopWatching = await watchRollup(api, rollupId, (e) => watched.push(e), (n) => seenBlocks.push(n));
  });

  after(async () => {
    stopWatching?.();
    await api?.disconnect();
    await node?.stop();
  });

  test('registers the reference rollup with the exported verifying-key set', async () => {
    const heldBefore = (await api.query.system.account(alice.address)).data.reserved.toBigInt();
    const r = await track(await registerRollup(api, alice, {
      name: NAME,
      verifier: 'ReferenceArtifactV1',
      verifyingKey: keys.vkSet,
      sequencer: bob.address,
      baseChain: { chainId: 31337, inbox: INBOX },
      params: { commitWindow: 3, revealWindow: 6, rewardPerSequence: REWARD, minMinerBond: MIN_BOND },
    }));

    // The event, decoded: defaults resolved, deposit = base + per byte of name and key.
    assert.equal(r.rollupId, rollupId);
    assert.equal(r.owner, alice.address);
    assert.equal(r.sequencer, bob.address);
    assert.equal(r.verifier, 'ReferenceArtifactV1');
    assert.deepEqual(r.terms, {
      commitWindow: 3, revealWindow: 6, rewardPerSequence: Number(REWARD), minMinerBond: Number(MIN_BOND),
      noProofPenalty: Number(MIN_BOND / 50n), invalidProofPenalty: Number(MIN_BOND / 5n),
    });
    const keyBytes = BigInt((keys.vkSet.length - 2) / 2);
    assert.equal(keyBytes, BigInt(keys.manifest.vk_set_len));
    const deposit = api.consts.zkpow.rollupDepositBase.toBigInt()
      + api.consts.zkpow.rollupDepositPerByte.toBigInt() * (BigInt(NAME.length) + keyBytes);
    assert.equal(r.deposit, deposit);
    const heldAfter = (await api.query.system.account(alice.address)).data.reserved.toBigInt();
    assert.equal(heldAfter - heldBefore, deposit, 'the deposit is held from the owner');

    // Storage.
    const info = await rollup();
    assert.equal(info.owner.toString(), alice.address);
    assert.equal(u8aToString(info.name), NAME);
    assert.equal(info.baseChain.chainId.toNumber(), 31337);
    assert.equal(info.baseChain.inbox.toHex(), INBOX);
    assert.equal(info.status.type, 'Active');
    assert.equal(info.pool.toBigInt(), 0n);
    const verifier = (await api.query.zkpow.verifiers(rollupId)).unwrap();
    assert.equal(verifier.kind.type, 'ReferenceArtifactV1');
    assert.equal(verifier.key.toHex(), keys.vkSet);
    assert.equal((await api.query.zkpow.nextRollupId()).toNumber(), rollupId + 1);

    // RPC, through the custom definitions.
    const summary = (await api.rpc.zkpow.rollupInfo(rollupId)).unwrap().toJSON();
    assert.equal(summary.rollup_id, rollupId);
    assert.equal(summary.owner, alice.address);
    assert.equal(summary.status, 'Active');
    assert.equal(summary.verifier, 'ReferenceArtifactV1');
    assert.equal(Buffer.from(summary.name).toString(), NAME);
    assert.equal(BigInt(summary.deposit), deposit);
    assert.equal(summary.terms.commit_window, 3);
    assert.ok((await api.rpc.zkpow.rollupInfo(rollupId + 1000)).isNone, 'unknown rollup: null');
    const limits = (await api.rpc.zkpow.protocolLimits()).toJSON();
    const stored = await api.query.zkpow.limits();
    assert.equal(limits.minCommitWindow, stored.minCommitWindow.toNumber());
    assert.equal(limits.minCommitWindow, 1);
    // Balances come as decimal strings, exact whatever their size.
    assert.equal(typeof limits.minMinerBond, 'string');
    assert.equal(BigInt(limits.minMinerBond), stored.minMinerBond.toBigInt());
    assert.equal(BigInt(limits.minRewardPerSequence), stored.minRewardPerSequence.toBigInt());
  });

  test('registers a second rollup with a single ten-input Groth16Bn254 key', async () => {
    const r = await track(await registerRollup(api, dave, {
      name: 'single-key-rollup', verifier: 'Groth16Bn254', verifyingKey: keys.final,
      sequencer: dave.address, params: { minMinerBond: MIN_BOND },
    }));
    otherId = r.rollupId;
    assert.equal(otherId, rollupId + 1);
    assert.equal(r.terms.commitWindow, (await api.query.zkpow.limits()).defaultCommitWindow.toNumber());
    assert.equal((await api.query.zkpow.verifiers(otherId)).unwrap().key.toHex(), keys.final);
  });

  test('registers a circom/snarkjs rollup from its verification_key.json (--snarkjs-vk) with its package', async () => {
    const vectors = fileURLToPath(new URL('../../../primitives/test-vectors/snarkjs-statement10/', import.meta.url));
    const hash = `0x${'5a'.repeat(32)}`;
    const { stdout } = await exec('node', [
      `${examples}register.js`, '--url', node.url, '--suri', '//Ferdie', '--name', 'circom-rollup',
      '--snarkjs-vk', `${vectors}verification_key.json`, '--min-bond', `${MIN_BOND}`, '--reward', `${REWARD}`,
      '--package-kind', 'Circom', '--package-url', 'http://127.0.0.1:1/package', '--package-hash', hash,
    ]);
    const out = JSON.parse(stdout);
    assert.equal(out.verifier, 'Groth16Bn254');
    const expected = readFileSync(`${vectors}vk.hex`, 'utf8').trim();
    assert.equal((await api.query.zkpow.verifiers(out.rollupId)).unwrap().key.toHex(), expected);
    const pkg = (await api.query.zkpow.proverPackages(out.rollupId)).unwrap();
    assert.deepEqual(
      // (JSON: a struct's own `hash` is the blake2 hash of its encoding)
      [pkg.kind.toString(), pkg.url.toUtf8(), pkg.toJSON().hash],
      ['Circom', 'http://127.0.0.1:1/package', hash],
    );
    // A package named by only some of its flags is refused before anything is sent.
    await assert.rejects(
      exec('node', [`${examples}register.js`, '--url', node.url, '--suri', '//Ferdie', '--name', 'x',
        '--snarkjs-vk', `${vectors}verification_key.json`, '--package-kind', 'Circom']),
      (e) => e.code === 1 && /go together \(got only --package-kind\)/.test(e.stderr),
    );
    // A file that is not a verification key is refused, with the reason, before anything is sent.
    await assert.rejects(
      exec('node', [`${examples}register.js`, '--url', node.url, '--suri', '//Ferdie', '--name', 'x',
        '--snarkjs-vk', `${vectors}public.json`]),
      (e) => e.code === 1 && /public.json: top level: expected a JSON object/.test(e.stderr),
    );
  });

  test('funds the pool: the owner and anyone else', async () => {
    const a = await track(await fundRollup(api, alice, rollupId, 5n * REWARD));
    assert.deepEqual([a.from, a.amount, a.pool], [alice.address, 5n * REWARD, 5n * REWARD]);
    const e = await track(await fundRollup(api, eve, rollupId, REWARD));
    assert.deepEqual([e.from, e.pool], [eve.address, 6n * REWARD]);
    await track(await fundRollup(api, dave, otherId, REWARD));
    assert.equal((await rollup()).pool.toBigInt(), 6n * REWARD);
    assert.equal(BigInt((await api.rpc.zkpow.rollupInfo(rollupId)).unwrap().toJSON().pool), 6n * REWARD);
  });

  test('reports pools above 2^53 planck to the planck over RPC', async () => {
    // A JSON number would reach JavaScript rounded above 2^53 (about 9,007 UNIT).
    const big = 2n ** 53n + 1n;
    await track(await fundRollup(api, alice, otherId, big));
    const info = (await api.rpc.zkpow.rollupInfo(otherId)).unwrap().toJSON();
    assert.equal(typeof info.pool, 'string', JSON.stringify(info));
    assert.equal(BigInt(info.pool), REWARD + big);
    assert.equal(BigInt(info.pool), (await api.query.zkpow.rollups(otherId)).unwrap().pool.toBigInt());
    assert.equal(typeof info.terms.reward_per_sequence, 'string');
  });

  test('sets a new sequencer: only it may submit sequences', async () => {
    const u = await track(await setSequencer(api, alice, rollupId, charlie.address));
    assert.equal(u.sequencer, charlie.address);
    assert.equal(u.terms.commitWindow, 3, 'parameters unchanged');
    assert.equal((await rollup()).sequencer.toString(), charlie.address);
    const batch = [{ stateRoot: '0x' + 'a1'.repeat(32), dataHash: '0x' + 'd1'.repeat(32) }];
    await rejectsWith(submit(api, submitTx(rollupId, batch), bob), 'NotSequencer', /sequencer/);
    await rejectsWith(setSequencer(api, bob, rollupId, bob.address), 'NotRollupOwner', /owner/);
  });

  test('pauses and resumes; a resumed rollup takes sequences again', async () => {
    const batch = [{ stateRoot: '0x' + 'a1'.repeat(32), dataHash: '0x' + 'd1'.repeat(32) }];
    const submitByCharlie = () => submit(api, submitTx(rollupId, batch), charlie);

    await track(await pauseRollup(api, alice, rollupId));
    assert.equal((await rollup()).status.type, 'Paused');
    assert.equal((await api.rpc.zkpow.rollupInfo(rollupId)).unwrap().toJSON().status, 'Paused');
    await rejectsWith(pauseRollup(api, alice, rollupId), 'RollupAlreadyPaused', /already paused/);
    await rejectsWith(submitByCharlie(), 'RollupPaused', /paused/);
    await rejectsWith(resumeRollup(api, bob, rollupId), 'NotRollupOwner', /owner/);

    await track(await resumeRollup(api, alice, rollupId));
    assert.equal((await rollup()).status.type, 'Active');
    await rejectsWith(resumeRollup(api, alice, rollupId), 'RollupNotPaused', /not paused/);

    const s = await track(await submitByCharlie());
    const ev = findEvent(api, s.events, 'SequenceSubmitted').data;
    assert.equal(ev.sequenceIndex.toNumber(), 0);
    assert.equal(ev.startBatch.toNumber(), 1);
    assert.equal(ev.reward.toBigInt(), REWARD);
    const info = await rollup();
    assert.deepEqual([info.pool.toBigInt(), info.escrowed.toBigInt(), info.inFlight.toNumber()], [5n * REWARD, REWARD, 1]);
    assert.equal(ev.deposit.toBigInt(), sequenceDeposit(1), 'the sequence deposit is held from the sequencer');
    // The same submission again (a retry) is refused instead of being taken as new batches.
    await rejectsWith(submitByCharlie(), 'UnexpectedStartBatch', /retried or\s+duplicated/);

    const tasks = (await api.rpc.zkpow.openTasks(rollupId, null, 10)).toJSON();
    assert.equal(tasks.length, 1, JSON.stringify(tasks));
    assert.deepEqual([tasks[0].rollup_id, tasks[0].sequence_index, tasks[0].batch_count], [rollupId, 0, 1]);
    assert.equal(BigInt(tasks[0].reward), REWARD);
    assert.deepEqual((await api.rpc.zkpow.openTasks(otherId)).toJSON(), []);
    const status = (await api.rpc.zkpow.sequenceStatus(rollupId, 0)).unwrap().toJSON();
    assert.equal(status.phase, 'Pending');
    assert.equal(status.new_state_root.length, 32);
    // The verifying key that will check its proof, by hash: what a prover host's command is
    // configured for (keccak256 of the key's bytes as registered).
    assert.deepEqual(status.key_hash, Array.from(keccakAsU8a(hexToU8a(keys.vkSet))));
    assert.ok((await api.rpc.zkpow.sequenceStatus(rollupId, 1)).isNone);
    const check = (await api.rpc.zkpow.checkProof(rollupId, 0, eve.address, '0x01020304')).unwrap().toJSON();
    assert.deepEqual(check, { valid: false, reason: { Artifact: 'MalformedArtifact' } });
    assert.ok((await api.rpc.zkpow.checkProof(rollupId, 1, eve.address, '0x01')).isNone, 'not in flight: null');
    await assert.rejects(api.rpc.zkpow.openTasks(rollupId, null, 0), /limit must be between 1 and 1000/);
  });

  test('minerInfo reports a bonded miner', async () => {
    assert.ok((await api.rpc.zkpow.minerInfo(eve.address)).isNone, 'no bond yet: null');
    await track(await submit(api, api.tx.zkpow.bond(MIN_BOND), eve));
    const miner = (await api.rpc.zkpow.minerInfo(eve.address)).unwrap().toJSON();
    assert.equal(BigInt(miner.bonded), MIN_BOND);
    assert.equal((await api.query.zkpow.miners(eve.address)).unwrap().bonded.toBigInt(), MIN_BOND);
  });

  test('names the data URL miners fetch witnesses from', async () => {
    const url = 'http://127.0.0.1:8548/rollup';
    await track({ blockHash: await setDataUrl(api, dave, otherId, url) });
    assert.equal((await api.query.zkpow.dataUrls(otherId)).unwrap().toUtf8(), url);
    const info = (await api.rpc.zkpow.rollupInfo(otherId)).unwrap().toJSON();
    assert.equal(Buffer.from(info.data_url).toString('utf8'), url);
    await rejectsWith(setDataUrl(api, dave, otherId, 'ftp://host/rollup'), 'DataUrlMalformed', /http:\/\//);
    await rejectsWith(setDataUrl(api, alice, otherId, url), 'NotRollupOwner', /owner/);
    await track({ blockHash: await setDataUrl(api, dave, otherId, null) });
    assert.ok((await api.query.zkpow.dataUrls(otherId)).isNone);
  });

  test('rotates a verifying key under notice: announced now, in force for later sequences', async () => {
    const notice = api.consts.zkpow.termsNoticePeriod.toNumber();
    const before = (await rollup(otherId)).deposit.toBigInt();
    const r = await rotateKey(api, dave, otherId, keys.final, 'Groth16Bn254');
    assert.equal(r.effectiveAt, (await block(r.blockHash)) + notice);
    const pending = (await api.query.zkpow.pendingKeys(otherId)).unwrap();
    assert.equal(pending.verifier.key.toHex(), keys.final);
    assert.equal(pending.effectiveAt.toNumber(), r.effectiveAt);
    const perByte = api.consts.zkpow.rollupDepositPerByte.toBigInt();
    assert.equal(r.deposit, before + perByte * BigInt((keys.final.length - 2) / 2));
    await rejectsWith(rotateKey(api, dave, otherId, keys.final, 'Groth16Bn254'), 'KeyRotationInProgress', /one rotation at a time/);
    await rejectsWith(rotateKey(api, alice, otherId, keys.final, 'Groth16Bn254'), 'NotRollupOwner', /owner/);
  });

  test('governance freezes a rollup: no sequences until it is unfrozen', async () => {
    await track(await setFrozen(api, alice, otherId, true));
    assert.ok((await api.query.zkpow.frozen(otherId)).isSome);
    await rejectsWith(submit(api, submitTx(otherId, [{ stateRoot: '0x' + '07'.repeat(32), dataHash: '0x' + '08'.repeat(32) }]), dave),
      'RollupFrozen', /froze/);
    // The owner cannot lift it: only the admin origin (sudo here).
    await assert.rejects(submit(api, api.tx.zkpow.setFrozen(otherId, false), dave), /BadOrigin/);
    await track(await setFrozen(api, alice, otherId, false));
    assert.ok((await api.query.zkpow.frozen(otherId)).isNone);
  });

  test('watch.js saw exactly this rollup\'s events, in order', async () => {
    const deadline = Date.now() + 30_000;
    while (Math.max(0, ...seenBlocks) < lastBlock && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    watched.sort((a, b) => a.block - b.block); // handlers of consecutive heads may finish out of order
    const names = watched.map((e) => e.name);
    assert.deepEqual(names, [
      'RollupRegistered', 'RollupFunded', 'RollupFunded', 'RollupUpdated', 'RollupPaused', 'RollupResumed',
      'SequenceSubmitted',
    ]);
    assert.ok(watched.every((e) => e.data.rollupId === rollupId));
    assert.equal(watched[0].data.owner, alice.address);
    assert.equal(watched[2].data.from, eve.address);
  });

  test('cancels a pending sequence: escrow back to the pool, deposit released, rollup rewound', async () => {
    const charlieHeld = (await api.query.system.account(charlie.address)).data.reserved.toBigInt();
    await rejectsWith(submit(api, api.tx.zkpow.cancelSequences(rollupId, 0), bob), 'NotRollupOwner', /owner/);
    const { events } = await submit(api, api.tx.zkpow.cancelSequences(rollupId, 0), alice);
    const e = findEvent(api, events, 'SequencesCancelled').data;
    assert.deepEqual([e.fromIndex.toNumber(), e.count.toNumber(), e.lastBatch.toNumber()], [0, 1, 0]);
    assert.equal(e.refunded.toBigInt(), REWARD);
    const info = await rollup();
    assert.deepEqual([info.pool.toBigInt(), info.escrowed.toBigInt(), info.inFlight.toNumber()], [6n * REWARD, 0n, 0]);
    const held = (await api.query.system.account(charlie.address)).data.reserved.toBigInt();
    assert.equal(charlieHeld - held, sequenceDeposit(1), 'the sequencer got its deposit back');
    await rejectsWith(submit(api, api.tx.zkpow.cancelSequences(rollupId, 0), alice), 'NothingToCancel', /no sequence/);
  });

  test('the example scripts run against a node URL', async () => {
    const { stdout } = await exec('node', [
      `${examples}fund.js`, '--url', node.url, '--suri', '//Ferdie', '--rollup', `${rollupId}`, '--amount', `${REWARD}`,
    ]);
    assert.equal(BigInt(JSON.parse(stdout).pool), 7n * REWARD, 'the cancelled escrow is back in the pool');
    const watch = await exec('node', [`${examples}watch.js`, '--url', node.url, '--rollup', `${rollupId}`, '--blocks', '1']);
    assert.equal(watch.stderr, '');
    await assert.rejects(exec('node', [`${examples}fund.js`, '--url', node.url, '--rollup', '0']), (e) => {
      assert.equal(e.code, 1);
      assert.match(e.stderr, /error: --amount is required/);
      return true;
    });
    await assert.rejects(
      exec('node', [`${examples}fund.js`, '--url', node.url, '--rollup', '9999', '--amount', '1']),
      (e) => /error: zkpow\.RollupNotFound: No rollup with this id is registered/.test(e.stderr),
    );
  });

  describe('bad inputs come back as the pallet\'s documented errors', () => {
    const base = () => ({
      name: 'bad-rollup', verifyingKey: keys.vkSet, sequencer: bob.address, params: { minMinerBond: MIN_BOND },
    });

    test('malformed key', async () => {
      await rejectsWith(registerRollup(api, alice, { ...base(), verifyingKey: keys.vkSet.slice(0, 2 + 2 * 100) }),
        'KeyMalformed', /not a well-formed key/);
      await rejectsWith(registerRollup(api, alice, { ...base(), verifier: 'Groth16Bn254' }),
        'KeyMalformed', /wrong length/);
    });

    test('key for the wrong number of public inputs', async () => {
      await rejectsWith(registerRollup(api, alice, { ...base(), verifier: 'Groth16Bn254', verifyingKey: keys.batch }),
        'KeyInputCountMismatch', /public inputs/);
    });

    test('zero T1', async () => {
      await rejectsWith(registerRollup(api, alice, { ...base(), params: { commitWindow: 0, minMinerBond: MIN_BOND } }),
        'CommitWindowOutOfBounds', /T1 is outside the protocol limits/);
    });

    test('empty name', async () => {
      await rejectsWith(registerRollup(api, alice, { ...base(), name: '' }), 'EmptyName', /empty/);
    });

    test('too-long name is refused by the example before it reaches the chain', async () => {
      const max = api.consts.zkpow.maxNameLen.toNumber();
      await assert.rejects(registerRollup(api, alice, { ...base(), name: 'n'.repeat(max + 1) }),
        new RegExp(`at most ${max} \\(zkpow.maxNameLen\\)`));
    });

    test('too-long name', async () => {
      const max = api.consts.zkpow.maxNameLen.toNumber();
      const raw = api.tx.zkpow.registerRollup('n'.repeat(max + 1), { chainId: 1, inbox: INBOX },
        { kind: 'Groth16Bn254', key: keys.final }, { Id: bob.address },
        { rewardPerSequence: REWARD, minMinerBond: MIN_BOND }, { stateRoot: new Uint8Array(32), lastBatch: 0 }, null);
      await rejectsWith(submit(api, raw, alice), 'NameTooLong', /longer than `MaxNameLen`/);
    });

    test('unknown rollup', async () => {
      await rejectsWith(fundRollup(api, alice, 9999, REWARD), 'RollupNotFound', /No rollup with this id/);
      await rejectsWith(pauseRollup(api, alice, 9999), 'RollupNotFound', /No rollup with this id/);
    });

    test('zero funding', async () => {
      await rejectsWith(fundRollup(api, alice, rollupId, 0), 'ZeroAmount', /above zero/);
    });

    test('findMetaError gives the docs written in the pallet', () => {
      const pallet = api.registry.metadata.pallets.find((p) => p.name.toString() === 'Zkpow');
      const meta = api.registry.findMetaError({ index: pallet.index, error: new Uint8Array([0, 0, 0, 0]) });
      assert.deepEqual([meta.section, meta.name], ['zkpow', 'RollupNotFound']);
      assert.equal(meta.docs.join(' '), 'No rollup with this id is registered.');
    });

    test('failed registrations registered nothing', async () => {
      assert.equal((await api.query.zkpow.nextRollupId()).toNumber(), otherId + 2, 'after the circom rollup');
    });
  });
});
