//! Hand-assembled WASM modules that pose as circom witness generators: they export the
//! circom 2 protocol with the right signatures, and one export's body is the attack.
//! The binary format is written out here (a few sections, LEB128 numbers) so the
//! attacks are exact bytes, independent of any assembler.

/// WASM value type `i32`.
const I32: u8 = 0x7f;

/// One exported function: its name, signature and body (instructions, without `end`).
struct Export {
	name: &'static str,
	params: Vec<u8>,
	results: Vec<u8>,
	body: Vec<u8>,
}

fn uleb(mut value: u64, out: &mut Vec<u8>) {
	loop {
		let byte = (value & 0x7f) as u8;
		value >>= 7;
		if value == 0 {
			out.push(byte);
			return;
		}
		out.push(byte | 0x80);
	}
}

/// Signed LEB128 of an `i32.const` immediate.
pub fn sleb(mut value: i64) -> Vec<u8> {
	let mut out = Vec::new();
	loop {
		let byte = (value & 0x7f) as u8;
		value >>= 7;
		let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0);
		out.push(if done { byte } else { byte | 0x80 });
		if done {
			return out;
		}
	}
}

fn name(text: &str, out: &mut Vec<u8>) {
	uleb(text.len() as u64, out);
	out.extend_from_slice(text.as_bytes());
}

fn section(id: u8, content: &[u8], out: &mut Vec<u8>) {
	out.push(id);
	uleb(content.len() as u64, out);
	out.extend_from_slice(content);
}

/// The circom 2 exports with trivial bodies (`i32.const 0` where a result is due).
fn circom_exports() -> Vec<Export> {
	let f = |name, params: &[u8], results: &[u8]| Export {
		name,
		params: params.to_vec(),
		results: results.to_vec(),
		body: if results.is_empty() { vec![] } else { vec![0x41, 0x00] },
	};
	vec![
		f("getVersion", &[], &[I32]),
		f("getFieldNumLen32", &[], &[I32]),
		f("getRawPrime", &[], &[]),
		f("readSharedRWMemory", &[I32], &[I32]),
		f("writeSharedRWMemory", &[I32, I32], &[]),
		f("init", &[I32], &[]),
		f("getInputSignalSize", &[I32, I32], &[I32]),
		f("setInputSignal", &[I32, I32, I32], &[]),
		f("getInputSize", &[], &[I32]),
		f("getWitnessSize", &[], &[I32]),
		f("getWitness", &[I32], &[]),
	]
}

/// A module exporting circom's protocol and a one-page memory, with `getVersion`'s body
/// replaced by `get_version` and the given function imports (module, name), `() -> ()`.
pub fn fake_circom(get_version: &[u8], imports: &[(&str, &str)]) -> Vec<u8> {
	let mut exports = circom_exports();
	exports[0].body = get_version.to_vec();
	let mut out = b"\0asm\x01\0\0\0".to_vec();
	// Types: one per export, then `() -> ()` for the imports.
	let mut types = Vec::new();
	uleb(exports.len() as u64 + 1, &mut types);
	for e in exports.iter().map(|e| (&e.params, &e.results)).chain([(&vec![], &vec![])]) {
		types.push(0x60);
		uleb(e.0.len() as u64, &mut types);
		types.extend_from_slice(e.0);
		uleb(e.1.len() as u64, &mut types);
		types.extend_from_slice(e.1);
	}
	section(1, &types, &mut out);
	let mut import_section = Vec::new();
	uleb(imports.len() as u64, &mut import_section);
	for (module, field) in imports {
		name(module, &mut import_section);
		name(field, &mut import_section);
		import_section.push(0x00);
		uleb(exports.len() as u64, &mut import_section);
	}
	section(2, &import_section, &mut out);
	let mut functions = Vec::new();
	uleb(exports.len() as u64, &mut functions);
	(0..exports.len()).for_each(|i| uleb(i as u64, &mut functions));
	section(3, &functions, &mut out);
	section(5, &[0x01, 0x00, 0x01], &mut out); // one memory, at least 1 page
	let mut export_section = Vec::new();
	uleb(exports.len() as u64 + 1, &mut export_section);
	for (i, e) in exports.iter().enumerate() {
		name(e.name, &mut export_section);
		export_section.push(0x00);
		uleb((imports.len() + i) as u64, &mut export_section);
	}
	name("memory", &mut export_section);
	export_section.extend_from_slice(&[0x02, 0x00]);
	section(7, &export_section, &mut out);
	let mut code = Vec::new();
	uleb(exports.len() as u64, &mut code);
	for e in &exports {
		let mut body = vec![0x00]; // no locals
		body.extend_from_slice(&e.body);
		body.push(0x0b);
		uleb(body.len() as u64, &mut code);
		code.extend_from_slice(&body);
	}
	section(10, &code, &mut out);
	out
}

/// `getVersion` body: `loop br 0 end; i32.const 2` — never returns.
pub fn infinite_loop() -> Vec<u8> {
	vec![0x03, 0x40, 0x0c, 0x00, 0x0b, 0x41, 0x02]
}

/// `getVersion` body: `memory.grow(pages)` (result dropped), then `i32.const 2`.
pub fn grow_memory(pages: i64) -> Vec<u8> {
	let mut body = vec![0x41];
	body.extend(sleb(pages));
	body.extend_from_slice(&[0x40, 0x00, 0x1a, 0x41, 0x02]);
	body
}

/// `getVersion` body: `unreachable`.
pub fn unreachable() -> Vec<u8> {
	vec![0x00]
}

/// `getVersion` body: calls the first import, then `i32.const 2`.
pub fn call_import() -> Vec<u8> {
	vec![0x10, 0x00, 0x41, 0x02]
}

/// `getVersion` body: calls itself (function 0 in a module without imports) forever.
pub fn recurse() -> Vec<u8> {
	vec![0x10, 0x00]
}

/// `getVersion` body: `i32.const 2` (an honest version, nothing else).
pub fn version_2() -> Vec<u8> {
	vec![0x41, 0x02]
}
