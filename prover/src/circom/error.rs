//! Why a circom package, an input, a witness calculation or a proof was refused.

use std::path::PathBuf;

/// Why a `.zkey` file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ZkeyError {
	/// The file does not start with the magic bytes `zkey`.
	#[error("not a snarkjs zkey: the file does not start with \"zkey\"")]
	BadMagic,
	/// The container version is not the one snarkjs writes (1).
	#[error("unsupported zkey container version {0} (snarkjs writes 1)")]
	UnsupportedVersion(u32),
	/// The file ends before a field, a section header or a section's declared end.
	#[error("truncated zkey: {0} runs past the end of the file")]
	Truncated(&'static str),
	/// A section the prover needs is absent.
	#[error("the zkey has no section {0} ({name})", name = section_name(*.0))]
	MissingSection(u32),
	/// A section the prover needs appears more than once.
	#[error("the zkey has section {0} ({name}) more than once", name = section_name(*.0))]
	DuplicateSection(u32),
	/// A section's length is not what the Groth16 header implies.
	#[error(
		"section {section} ({name}) has {found} bytes where the header implies {expected}",
		name = section_name(*.section)
	)]
	SectionSize {
		/// The section id.
		section: u32,
		/// The length the header implies.
		expected: u64,
		/// The length in the file.
		found: u64,
	},
	/// The key is for another proving system (1 is Groth16, 2 PLONK, 10 FFLONK).
	#[error("the zkey is for protocol {0}, not Groth16 (1)")]
	NotGroth16(u32),
	/// The base or scalar field is not BN254's (snarkjs's `bn128`).
	#[error("the zkey is not for BN254 (bn128): its {0} field modulus differs")]
	WrongCurve(&'static str),
	/// A header count is impossible (domain size not a power of two, fewer variables than
	/// public inputs, sizes beyond what a machine can hold).
	#[error("malformed zkey header: {0}")]
	BadHeader(String),
	/// A field element is not below its modulus.
	#[error("{what}[{index}] is not a canonical field element (not below the modulus)")]
	NonCanonical {
		/// Which table (e.g. `A points`, `coefficients`).
		what: &'static str,
		/// Position in the table.
		index: usize,
	},
	/// A point is not on BN254 or not in its prime-order subgroup.
	#[error("{what}[{index}] is not a point of BN254's prime-order subgroup")]
	BadPoint {
		/// Which table or header field.
		what: &'static str,
		/// Position in the table (0 for header fields).
		index: usize,
	},
	/// A constraint coefficient names a matrix, constraint or signal that does not exist.
	#[error("coefficient {index}: {reason}")]
	BadCoefficient {
		/// Position in the coefficient section.
		index: usize,
		/// What is out of range.
		reason: String,
	},
}

/// What the zkey sections are called in snarkjs's `zkey_utils.js`.
pub(crate) fn section_name(id: u32) -> &'static str {
	match id {
		1 => "header",
		2 => "Groth16 header",
		3 => "IC",
		4 => "coefficients",
		5 => "A points",
		6 => "B1 points",
		7 => "B2 points",
		8 => "C points",
		9 => "H points",
		10 => "contributions",
		_ => "unknown",
	}
}

/// Why a circom `input.json` was refused.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
	/// The text is not JSON.
	#[error("input is not JSON: {0}")]
	Json(#[from] serde_json::Error),
	/// The top level is not an object of signal names.
	#[error("input must be a JSON object mapping signal names to values")]
	NotAnObject,
	/// A signal's value is not a number, a decimal or 0x-hex string, or an array of them.
	#[error("input signal `{signal}`: {reason}")]
	BadValue {
		/// The signal.
		signal: String,
		/// Why its value is refused.
		reason: String,
	},
}

/// Why the witness generator's WASM could not compute a witness. The sandbox stops every
/// misbehaviour with one of these; none of them panics or harms the host process.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
	/// The WASM is larger than the configured limit.
	#[error("the witness generator is {size} bytes, more than the limit of {limit}")]
	TooLarge {
		/// Its size.
		size: usize,
		/// The limit.
		limit: usize,
	},
	/// The bytes are not a valid WASM module (or the engine could not be set up).
	#[error("cannot compile the witness generator: {0}")]
	Compile(String),
	/// The module imports something the circom runtime does not provide.
	#[error(
		"the witness generator imports {module}.{name}, which circom's runtime does not provide"
	)]
	UnsupportedImport {
		/// Import module.
		module: String,
		/// Import name.
		name: String,
	},
	/// A function of the circom witness protocol is not exported (or has the wrong type).
	#[error("the witness generator does not export `{name}` with circom's signature: {detail}")]
	MissingExport {
		/// The export.
		name: &'static str,
		/// The engine's explanation.
		detail: String,
	},
	/// The module was built by a circom other than 2.x.
	#[error("unsupported circom version {0} (circom 2 is supported)")]
	UnsupportedVersion(i32),
	/// The circuit's field is not BN254's scalar field.
	#[error("the circuit is not over BN254's scalar field (bn128)")]
	WrongField,
	/// The input names a signal the circuit does not have as an input.
	#[error("`{0}` is not an input signal of the circuit")]
	UnknownSignal(String),
	/// The input gives a signal the wrong number of values.
	#[error("input signal `{signal}` takes {expected} value(s), the input gives {found}")]
	SignalLength {
		/// The signal.
		signal: String,
		/// What the circuit takes.
		expected: usize,
		/// What the input gives.
		found: usize,
	},
	/// Not every input signal was given a value.
	#[error("the input sets {set} of the circuit's {needed} input values")]
	MissingInputs {
		/// Values set.
		set: usize,
		/// Values the circuit needs.
		needed: usize,
	},
	/// The circuit refused the input (circom's `exceptionHandler`): a failed `assert` or
	/// `===`, a signal set twice, too many values, …
	#[error("the circuit rejects the input: {reason} (circom error {code}){}", fmt_message(.message))]
	Rejected {
		/// circom's error code.
		code: i32,
		/// What the code means.
		reason: &'static str,
		/// The messages the circuit printed before (template and line), if any.
		message: String,
	},
	/// The calculation ran out of its fuel (time) budget.
	#[error("the witness generator exceeded its time budget of {fuel} fuel units")]
	OutOfFuel {
		/// The budget.
		fuel: u64,
	},
	/// The module tried to use more memory than its budget.
	#[error(
		"the witness generator asked for {requested} bytes of memory, over its budget of {limit}"
	)]
	MemoryLimit {
		/// Bytes it asked for.
		requested: usize,
		/// The budget.
		limit: usize,
	},
	/// The module trapped (out-of-bounds access, `unreachable`, stack overflow, …).
	#[error("the witness generator trapped: {0}")]
	Trap(wasmtime::Trap),
	/// Another failure inside the WASM runtime.
	#[error("the witness generator failed: {0}")]
	Runtime(String),
	/// The module answered something the protocol does not allow (a witness value not
	/// below the field modulus, a negative size, …).
	#[error("the witness generator broke circom's protocol: {0}")]
	Protocol(String),
}

fn fmt_message(message: &str) -> String {
	if message.is_empty() {
		String::new()
	} else {
		format!(": {message}")
	}
}

/// Why proving a witness failed.
#[derive(Debug, thiserror::Error)]
pub enum ProveError {
	/// The witness does not have the zkey's number of variables.
	#[error("the witness has {found} values, the zkey's circuit {expected}")]
	WitnessLength {
		/// Variables of the zkey.
		expected: usize,
		/// Values in the witness.
		found: usize,
	},
	/// The witness's first value is not 1 (circom's constant signal).
	#[error("the witness's first value is not 1")]
	NoConstantOne,
	/// arkworks refused the computation.
	#[error("Groth16 proving failed: {0}")]
	Groth16(#[from] ark_relations::r1cs::SynthesisError),
	/// The proof does not verify against the zkey's own verifying key: the witness does
	/// not satisfy the circuit's constraints (or the key is inconsistent).
	#[error(
		"the proof does not verify against the zkey's verifying key: the witness does not \
		 satisfy the circuit"
	)]
	DoesNotVerify,
}

/// Why a circom prover package could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
	/// A file could not be read.
	#[error("cannot read {}: {source}", path.display())]
	Io {
		/// The file.
		path: PathBuf,
		/// The cause.
		source: std::io::Error,
	},
	/// The package's content hash is not the one it is pinned to.
	#[error(
		"package hash mismatch: expected 0x{}, the package hashes to 0x{}",
		hex::encode(expected),
		hex::encode(found)
	)]
	HashMismatch {
		/// The pinned hash.
		expected: [u8; 32],
		/// The hash of what was loaded.
		found: [u8; 32],
	},
	/// The zkey was refused.
	#[error("zkey: {0}")]
	Zkey(#[from] ZkeyError),
	/// The witness generator was refused.
	#[error("witness generator: {0}")]
	Witness(#[from] WitnessError),
	/// The witness generator and the zkey are not of the same circuit.
	#[error("the witness generator computes {wasm} values, the zkey's circuit has {zkey}")]
	Mismatch {
		/// Witness size the WASM reports.
		wasm: usize,
		/// Variables of the zkey.
		zkey: usize,
	},
}

/// Why proving an input with a circom package failed.
#[derive(Debug, thiserror::Error)]
pub enum CircomError {
	/// The input was refused.
	#[error(transparent)]
	Input(#[from] InputError),
	/// The witness could not be computed.
	#[error(transparent)]
	Witness(#[from] WitnessError),
	/// The witness could not be proven.
	#[error(transparent)]
	Prove(#[from] ProveError),
}
