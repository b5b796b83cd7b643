// examples/status.js prints each rollup by name: the RPC's JSON gives a name's bytes as an
// array of numbers, which the status line must show as text (not as "114,101,…").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameText } from '../examples/status.js';

test('rollup names print as text whatever form the JSON gives them in', () => {
  const bytes = Array.from(new TextEncoder().encode('circom-balances'));
  assert.equal(nameText(bytes), 'circom-balances');
  assert.equal(nameText('0x636972636f6d'), 'circom');
  assert.equal(nameText('reference-rollup'), 'reference-rollup');
});
