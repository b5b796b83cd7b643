#!/usr/bin/env node
// Compiles the Solidity sources in sol/ with solc-js (the `solc` npm package pinned in
// package.json) and writes one JSON artifact per deployable contract to out/:
// `{ contractName, abi, bytecode: { object }, deployedBytecode: { object }, compiler }`,
// the Foundry-style shape that alloy's `sol!` reads.
//
//   node build.js          write out/*.json
//   node build.js --check  compile and fail if out/ differs (the Rust test suite runs this)
'use strict';

const fs = require('fs');
const path = require('path');

let solc;
try {
  solc = require('solc');
} catch (e) {
  console.error('solc-js is not installed: run `npm ci --prefix contracts` first');
  process.exit(2);
}

const ROOT = __dirname;
const SOURCES = path.join(ROOT, 'sol');
const OUT = path.join(ROOT, 'out');
/**
 * Contracts that get an artifact `out/<name>.json` (libraries are inlined into them), by
 * the source file (relative to sol/) that defines them. `sol/test/` holds contracts for the
 * Rust tests only (never deployed on a real chain).
 */
const DEPLOYABLE = {
  ZkpowInbox: 'ZkpowInbox.sol',
  Groth16Inbox: 'Groth16Inbox.sol',
  BeefyClient: 'BeefyClient.sol',
  InboxDeployer: 'InboxDeployer.sol',
  ProofHarness: 'test/ProofHarness.sol',
  HostileInbox: 'test/HostileInbox.sol',
};

/** Settings are part of the artifact so a reader knows how the bytecode was made. */
const SETTINGS = {
  // Cancun: supported by Ethereum and the major EVM base chains; nothing newer is used.
  evmVersion: 'cancun',
  viaIR: true,
  optimizer: { enabled: true, runs: 200 },
  // No metadata hash in the bytecode: the same code gives the same bytes whatever the
  // comments, so `--check` flags only real changes.
  metadata: { bytecodeHash: 'none' },
  outputSelection: {
    '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
  },
};

function compile() {
  const sources = {};
  for (const file of solidityFiles(SOURCES, '')) {
    sources[file] = { content: fs.readFileSync(path.join(SOURCES, file), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) {
    console.error(e.formattedMessage);
  }
  if (errors.length > 0) {
    throw new Error(`solc reported ${errors.length} error(s)`);
  }
  const artifacts = {};
  for (const [name, source] of Object.entries(DEPLOYABLE)) {
    const contract = output.contracts[source][name];
    artifacts[`${name}.json`] =
      JSON.stringify(
        {
          contractName: name,
          abi: contract.abi,
          bytecode: { object: `0x${contract.evm.bytecode.object}` },
          deployedBytecode: { object: `0x${contract.evm.deployedBytecode.object}` },
          compiler: {
            version: solc.version(),
            evmVersion: SETTINGS.evmVersion,
            optimizer: SETTINGS.optimizer,
          },
        },
        null,
        2,
      ) + '\n';
  }
  return artifacts;
}

/** The `.sol` files under `dir`, as paths relative to sol/ (source unit names), sorted. */
function solidityFiles(dir, prefix) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const name = prefix + entry.name;
    if (entry.isDirectory()) {
      files.push(...solidityFiles(path.join(dir, entry.name), `${name}/`));
    } else if (entry.name.endsWith('.sol')) {
      files.push(name);
    }
  }
  return files.sort();
}

function main() {
  const check = process.argv.includes('--check');
  const artifacts = compile();
  let stale = [];
  for (const [file, text] of Object.entries(artifacts)) {
    const target = path.join(OUT, file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (current === text) continue;
    if (check) {
      stale.push(file);
    } else {
      fs.mkdirSync(OUT, { recursive: true });
      fs.writeFileSync(target, text);
      console.log(`wrote out/${file}`);
    }
  }
  if (stale.length > 0) {
    console.error(
      `contracts/out is stale (${stale.join(', ')}): run \`npm run build --prefix contracts\` and commit the result`,
    );
    process.exit(1);
  }
  if (check) console.log('contracts/out is up to date');
}

main();
