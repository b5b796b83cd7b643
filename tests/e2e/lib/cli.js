// Command-line plumbing shared by the examples.

import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

/** True when the module at `metaUrl` is the script node was started with. */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === metaUrl;
}

/** Parses `--url` (default ws://127.0.0.1:9944), `--suri` (default //Alice) and `options`. */
export function args(options, usage) {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:9944' },
      suri: { type: 'string', default: '//Alice' },
      help: { type: 'boolean', short: 'h' },
      ...options,
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

/** Runs `main`, printing `error: ...` and exiting 1 on failure. */
export function run(main) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`error: ${e.message}`);
      process.exit(1);
    },
  );
}

/** A required option, or a usage error. */
export function required(values, name, usage) {
  if (values[name] === undefined) throw new Error(`--${name} is required\n${usage}`);
  return values[name];
}
