#!/usr/bin/env node
// Makes the generated weights cover every measured cost, and records what was measured.
//
//   node scripts/bench-fit.mjs RAW_JSON WEIGHTS_RS MEASURED_JSON
//
// RAW_JSON is the benchmark CLI's `--json-file` output. For every benchmark and every
// value of its component, the cost at that value is the median extrinsic time over the
// repeats, with the most reads and writes seen. MEASURED_JSON gets those costs (the
// pallet's `weights_should` tests check the committed weights against them).
//
// The CLI fits `base + slope * n` to the medians, which passes below the cost at some
// values where the cost is not linear (an artifact of one batch has no aggregator proof;
// of two, it has one). Where it does, the base weight in WEIGHTS_RS is raised to the
// smallest value that covers every measured point: the maximum of the points, along the
// fitted slope.

import { existsSync, readFileSync, writeFileSync } from "node:fs";

const [rawPath, weightsPath, measuredPath] = process.argv.slice(2);
if (!measuredPath) {
	console.error("usage: bench-fit.mjs RAW_JSON WEIGHTS_RS MEASURED_JSON");
	process.exit(2);
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	return s[Math.floor((s.length - 1) / 2)];
};

// benchmark -> { component, points: [{ value, time_ps, reads, writes }] }; a run of some
// benchmarks only replaces theirs.
const measured = existsSync(measuredPath) ? JSON.parse(readFileSync(measuredPath, "utf8")) : {};
const run = new Set();
for (const batch of JSON.parse(readFileSync(rawPath, "utf8"))) {
	const component = batch.time_results[0]?.components[0]?.[0] ?? null;
	const byValue = new Map();
	const key = (r) => (component === null ? null : r.components[0][1]);
	for (const r of batch.time_results) {
		const v = key(r);
		if (!byValue.has(v)) byValue.set(v, { times: [], reads: 0, writes: 0 });
		byValue.get(v).times.push(BigInt(r.extrinsic_time));
	}
	for (const r of batch.db_results) {
		const entry = byValue.get(key(r));
		if (!entry) continue;
		entry.reads = Math.max(entry.reads, r.reads);
		entry.writes = Math.max(entry.writes, r.writes);
	}
	const points = [...byValue.entries()]
		.sort(([a], [b]) => (a ?? 0) - (b ?? 0))
		.map(([value, e]) => ({
			value,
			time_ps: Number(median(e.times) * 1000n),
			reads: e.reads,
			writes: e.writes,
		}));
	measured[batch.benchmark] = { component, points };
	run.add(batch.benchmark);
}

const num = (s) => BigInt(s.replaceAll("_", ""));
const underscore = (n) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, "_");

let weights = readFileSync(weightsPath, "utf8");
const raised = [];
for (const [name, { component, points }] of Object.entries(measured)) {
	if (!run.has(name)) continue;
	// Each function appears twice (runtime database weights and `()`); patch both.
	const fnStart = new RegExp(`\\n\\tfn ${name}\\(([^)]*)\\) -> Weight \\{\\n`, "g");
	let m;
	const edits = [];
	while ((m = fnStart.exec(weights)) !== null) {
		const bodyStart = m.index + m[0].length;
		const bodyEnd = weights.indexOf("\n\t}\n", bodyStart);
		const body = weights.slice(bodyStart, bodyEnd);
		const base = /Weight::from_parts\(([\d_]+), (\d+)\)/.exec(body);
		if (!base) throw new Error(`${name}: no base weight in the generated function`);
		const slopeMatch =
			component &&
			new RegExp(`Weight::from_parts\\(([\\d_]+), 0\\)\\.saturating_mul\\(${component}\\.into\\(\\)\\)`).exec(body);
		const slope = slopeMatch ? num(slopeMatch[1]) : 0n;
		let needed = num(base[1]);
		let at = null;
		for (const p of points) {
			const need = BigInt(p.time_ps) - slope * BigInt(p.value ?? 0);
			if (need > needed) {
				needed = need;
				at = p.value;
			}
		}
		if (at === null) continue;
		needed = ((needed + 999n) / 1000n) * 1000n;
		const replacement =
			`// Base raised from the fit to cover the cost measured at ${component} = ${at}.\n\t\t` +
			`Weight::from_parts(${underscore(needed)}, ${base[2]})`;
		edits.push({ at: bodyStart + base.index, len: base[0].length, replacement });
		raised.push(`${name}: ${base[1]} -> ${underscore(needed)} ps (${component} = ${at})`);
	}
	for (const e of edits.reverse()) {
		weights = weights.slice(0, e.at) + e.replacement + weights.slice(e.at + e.len);
	}
}
writeFileSync(weightsPath, weights);
const sorted = Object.fromEntries(Object.entries(measured).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(measuredPath, JSON.stringify(sorted, null, "\t") + "\n");
console.log(raised.length ? `raised:\n  ${raised.join("\n  ")}` : "every fit covers its measurements");
