//! circom's witness generator (circom 2 WASM) run in a wasmtime sandbox.
//!
//! The module sees nothing of the host but the four `runtime` callbacks circom's WASM
//! imports (`exceptionHandler`, `printErrorMessage`, `writeBufferMessage`,
//! `showSharedRWMemory`); any other import is refused before it runs (other `runtime`
//! functions some circom versions declare trap if called). Every calculation gets a
//! fresh instance in a store of its own with a memory budget (a `ResourceLimiter`: a
//! memory may not start or grow beyond [`SandboxLimits::memory_bytes`]) and a fuel
//! budget (each WASM instruction burns fuel; [`SandboxLimits::fuel`] bounds the time a
//! calculation can take, deterministically). A trap, an exhausted budget or a rejection
//! by the circuit ends the calculation with a [`WitnessError`]; the host carries on.
//!
//! The protocol is circom 2's: `getVersion` (2), `getFieldNumLen32` (8 for BN254),
//! `getRawPrime` then `readSharedRWMemory(i)` for the modulus' 32-bit words (least
//! significant first), `getWitnessSize`; `init(0)`; for each input signal
//! `getInputSignalSize(h₁, h₀)` with `h` the 64-bit FNV-1a of its name, then per value
//! `writeSharedRWMemory(i, word)` and `setInputSignal(h₁, h₀, index)`; `getInputSize`
//! must equal the values set; finally `getWitness(i)` and `readSharedRWMemory` per
//! witness value. A failed `assert`/`===` makes the circuit call `exceptionHandler(code)`
//! after printing where through `printErrorMessage` (read with `getMessageChar`).

use super::{
	error::WitnessError,
	input::{fnv1a_64, CircomInputs},
};
use ark_bn254::Fr;
use ark_ff::{BigInt, PrimeField};
use wasmtime::{
	Caller, Config, Engine, ExternType, Instance, Linker, Memory, Module, ResourceLimiter, Store,
	Trap, TypedFunc,
};

/// Words of a BN254 scalar-field element in circom's shared memory.
const FIELD_WORDS: usize = 8;
/// Most characters read from one circuit message.
const MAX_MESSAGE_CHARS: usize = 1024;
/// Most characters of circuit messages kept for an error.
const MAX_MESSAGES_CHARS: usize = 4096;
/// Most table elements a module may have.
const MAX_TABLE_ELEMENTS: usize = 1 << 16;

/// Budgets of one witness calculation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SandboxLimits {
	/// Most bytes of linear memory the module may have at any time.
	pub memory_bytes: usize,
	/// Fuel for one calculation (instantiation included), about one unit per WASM
	/// instruction.
	pub fuel: u64,
	/// Largest witness-generator module accepted, in bytes.
	pub max_wasm_bytes: usize,
}

impl Default for SandboxLimits {
	/// 2 GiB of memory, 10¹¹ fuel (tens of seconds of WASM), modules up to 256 MiB.
	fn default() -> Self {
		SandboxLimits { memory_bytes: 2 << 30, fuel: 100_000_000_000, max_wasm_bytes: 256 << 20 }
	}
}

/// Why the host stopped the module (carried through wasmtime as the trap's error).
#[derive(Debug, Clone, thiserror::Error)]
enum Abort {
	#[error("memory of {requested} bytes over the budget of {limit}")]
	Memory { requested: usize, limit: usize },
	#[error("circuit rejected the input with code {code}")]
	Rejected { code: i32, message: String },
	#[error("call of the unsupported host function runtime.{0}")]
	UnsupportedCall(String),
}

/// What a calculation's store holds: the memory budget and the circuit's messages.
struct Host {
	memory_limit: usize,
	messages: String,
}

impl ResourceLimiter for Host {
	fn memory_growing(
		&mut self,
		_current: usize,
		desired: usize,
		_maximum: Option<usize>,
	) -> wasmtime::Result<bool> {
		if desired > self.memory_limit {
			let abort = Abort::Memory { requested: desired, limit: self.memory_limit };
			return Err(wasmtime::Error::new(abort));
		}
		Ok(true)
	}

	fn table_growing(
		&mut self,
		_current: usize,
		desired: usize,
		_maximum: Option<usize>,
	) -> wasmtime::Result<bool> {
		Ok(desired <= MAX_TABLE_ELEMENTS)
	}

	fn instances(&self) -> usize {
		1
	}

	fn tables(&self) -> usize {
		4
	}

	fn memories(&self) -> usize {
		1
	}
}

/// The circom 2 exports the protocol calls.
struct Exports {
	get_version: TypedFunc<(), i32>,
	get_field_num_len32: TypedFunc<(), i32>,
	get_raw_prime: TypedFunc<(), ()>,
	read_shared: TypedFunc<i32, i32>,
	write_shared: TypedFunc<(i32, i32), ()>,
	init: TypedFunc<i32, ()>,
	get_input_signal_size: Option<TypedFunc<(i32, i32), i32>>,
	set_input_signal: TypedFunc<(i32, i32, i32), ()>,
	get_input_size: TypedFunc<(), i32>,
	get_witness_size: TypedFunc<(), i32>,
	get_witness: TypedFunc<i32, ()>,
}

fn export<P, R>(
	instance: &Instance,
	store: &mut Store<Host>,
	name: &'static str,
) -> Result<TypedFunc<P, R>, WitnessError>
where
	P: wasmtime::WasmParams,
	R: wasmtime::WasmResults,
{
	instance
		.get_typed_func::<P, R>(&mut *store, name)
		.map_err(|e| WitnessError::MissingExport { name, detail: format!("{e:#}") })
}

impl Exports {
	fn of(instance: &Instance, store: &mut Store<Host>) -> Result<Exports, WitnessError> {
		let optional_size = instance.get_func(&mut *store, "getInputSignalSize").is_some();
		Ok(Exports {
			get_version: export(instance, store, "getVersion")?,
			get_field_num_len32: export(instance, store, "getFieldNumLen32")?,
			get_raw_prime: export(instance, store, "getRawPrime")?,
			read_shared: export(instance, store, "readSharedRWMemory")?,
			write_shared: export(instance, store, "writeSharedRWMemory")?,
			init: export(instance, store, "init")?,
			get_input_signal_size: match optional_size {
				true => Some(export(instance, store, "getInputSignalSize")?),
				false => None,
			},
			set_input_signal: export(instance, store, "setInputSignal")?,
			get_input_size: export(instance, store, "getInputSize")?,
			get_witness_size: export(instance, store, "getWitnessSize")?,
			get_witness: export(instance, store, "getWitness")?,
		})
	}
}

/// What circom's `exceptionHandler` codes mean.
fn rejection_reason(code: i32) -> &'static str {
	match code {
		1 => "signal not found",
		2 => "too many signals set",
		3 => "signal already set",
		4 => "assert failed",
		5 => "not enough memory",
		6 => "input signal array access exceeds the size",
		7 => "out of bounds array access",
		_ => "unknown error",
	}
}

/// Turns an error out of wasmtime into the typed reason the module was stopped.
fn classify(error: wasmtime::Error, fuel: u64) -> WitnessError {
	if let Some(abort) = error.downcast_ref::<Abort>() {
		return match abort.clone() {
			Abort::Memory { requested, limit } => WitnessError::MemoryLimit { requested, limit },
			Abort::Rejected { code, message } => {
				WitnessError::Rejected { code, reason: rejection_reason(code), message }
			},
			Abort::UnsupportedCall(name) => {
				WitnessError::Protocol(format!("the module called runtime.{name}"))
			},
		};
	}
	if let Some(trap) = error.downcast_ref::<Trap>() {
		return match trap {
			Trap::OutOfFuel => WitnessError::OutOfFuel { fuel },
			trap => WitnessError::Trap(*trap),
		};
	}
	WitnessError::Runtime(format!("{error:#}"))
}

/// Reads one message the circuit wrote (`getMessageChar` until 0), bounded in length.
fn read_message(caller: &mut Caller<'_, Host>) -> wasmtime::Result<String> {
	let Some(func) = caller.get_export("getMessageChar").and_then(|e| e.into_func()) else {
		return Ok(String::new());
	};
	let func = func.typed::<(), i32>(&*caller)?;
	let mut message = String::new();
	for _ in 0..MAX_MESSAGE_CHARS {
		let c = func.call(&mut *caller, ())?;
		if c == 0 {
			break;
		}
		message.push(char::from((c & 0x7f) as u8));
	}
	Ok(message)
}

/// Defines the `runtime` functions circom's WASM imports (and `env.memory` when the
/// module imports its memory); refuses any other import.
fn link(
	engine: &Engine,
	module: &Module,
	store: &mut Store<Host>,
) -> Result<Linker<Host>, WitnessError> {
	let mut linker = Linker::new(engine);
	let runtime = |e: wasmtime::Error| WitnessError::Runtime(format!("{e:#}"));
	for import in module.imports() {
		let (module_name, name) = (import.module(), import.name());
		match (module_name, name, import.ty()) {
			("runtime", "exceptionHandler", _) => {
				linker
					.func_wrap("runtime", name, |caller: Caller<'_, Host>, code: i32| {
						let message = caller.data().messages.trim_end().to_string();
						Err::<(), _>(wasmtime::Error::new(Abort::Rejected { code, message }))
					})
					.map_err(runtime)?;
			},
			("runtime", "printErrorMessage", _) => {
				linker
					.func_wrap("runtime", name, |mut caller: Caller<'_, Host>| {
						let message = read_message(&mut caller)?;
						let messages = &mut caller.data_mut().messages;
						if messages.len() + message.len() < MAX_MESSAGES_CHARS {
							messages.push_str(&message);
							messages.push('\n');
						}
						Ok(())
					})
					.map_err(runtime)?;
			},
			("runtime", "writeBufferMessage", _) => {
				// `log()` output: read to keep the circuit's message buffer in step, dropped.
				linker
					.func_wrap("runtime", name, |mut caller: Caller<'_, Host>| {
						read_message(&mut caller).map(drop)
					})
					.map_err(runtime)?;
			},
			("runtime", "showSharedRWMemory", _) => {
				linker.func_wrap("runtime", name, || {}).map_err(runtime)?;
			},
			("runtime", _, ExternType::Func(ty)) => {
				let called = name.to_string();
				linker
					.func_new("runtime", name, ty, move |_, _, _| {
						Err(wasmtime::Error::new(Abort::UnsupportedCall(called.clone())))
					})
					.map_err(runtime)?;
			},
			("env", "memory", ExternType::Memory(ty)) => {
				let memory = Memory::new(&mut *store, ty).map_err(|e| classify(e, 0))?;
				linker.define(&*store, "env", "memory", memory).map_err(runtime)?;
			},
			_ => {
				return Err(WitnessError::UnsupportedImport {
					module: module_name.to_string(),
					name: name.to_string(),
				})
			},
		}
	}
	Ok(linker)
}

/// A compiled witness generator, ready to compute witnesses (it is `Send + Sync`; every
/// calculation runs in an instance of its own).
pub struct WitnessCalculator {
	engine: Engine,
	module: Module,
	limits: SandboxLimits,
	witness_size: usize,
}

impl std::fmt::Debug for WitnessCalculator {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("WitnessCalculator")
			.field("limits", &self.limits)
			.field("witness_size", &self.witness_size)
			.finish_non_exhaustive()
	}
}

/// One running instance: its store and exports.
struct Session {
	store: Store<Host>,
	exports: Exports,
	fuel: u64,
}

impl Session {
	fn call<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(
		&mut self,
		func: impl Fn(&Exports) -> &TypedFunc<P, R>,
		params: P,
	) -> Result<R, WitnessError> {
		let func = func(&self.exports).clone();
		func.call(&mut self.store, params).map_err(|e| classify(e, self.fuel))
	}

	/// Reads a field element from the shared memory (after `getRawPrime`/`getWitness`).
	fn read_field(&mut self) -> Result<BigInt<4>, WitnessError> {
		let mut limbs = [0u64; 4];
		for i in 0..FIELD_WORDS {
			let word = self.call(|e| &e.read_shared, i as i32)? as u32;
			limbs[i / 2] |= u64::from(word) << (32 * (i % 2));
		}
		Ok(BigInt(limbs))
	}

	fn write_field(&mut self, value: &Fr) -> Result<(), WitnessError> {
		let limbs = value.into_bigint().0;
		for i in 0..FIELD_WORDS {
			let word = (limbs[i / 2] >> (32 * (i % 2))) as u32;
			self.call(|e| &e.write_shared, (i as i32, word as i32))?;
		}
		Ok(())
	}

	/// Checks version and field; returns the witness size.
	fn header(&mut self) -> Result<usize, WitnessError> {
		let version = self.call(|e| &e.get_version, ())?;
		if version != 2 {
			return Err(WitnessError::UnsupportedVersion(version));
		}
		if self.call(|e| &e.get_field_num_len32, ())? != FIELD_WORDS as i32 {
			return Err(WitnessError::WrongField);
		}
		self.call(|e| &e.get_raw_prime, ())?;
		if self.read_field()? != Fr::MODULUS {
			return Err(WitnessError::WrongField);
		}
		let size = self.call(|e| &e.get_witness_size, ())?;
		usize::try_from(size)
			.map_err(|_| WitnessError::Protocol(format!("negative witness size {size}")))
	}

	fn set_inputs(&mut self, inputs: &CircomInputs) -> Result<(), WitnessError> {
		let mut set = 0usize;
		for (name, values) in inputs.signals() {
			let (hi, lo) = fnv1a_64(name);
			let (hi, lo) = (hi as i32, lo as i32);
			if let Some(size) = self.exports.get_input_signal_size.clone() {
				let expected =
					size.call(&mut self.store, (hi, lo)).map_err(|e| classify(e, self.fuel))?;
				// circom answers 0 (older versions -1) for a name that is not an input.
				let expected = usize::try_from(expected)
					.ok()
					.filter(|size| *size > 0)
					.ok_or_else(|| WitnessError::UnknownSignal(name.clone()))?;
				if expected != values.len() {
					return Err(WitnessError::SignalLength {
						signal: name.clone(),
						expected,
						found: values.len(),
					});
				}
			}
			for (index, value) in values.iter().enumerate() {
				self.write_field(value)?;
				let index = i32::try_from(index).map_err(|_| WitnessError::SignalLength {
					signal: name.clone(),
					expected: i32::MAX as usize,
					found: values.len(),
				})?;
				self.call(|e| &e.set_input_signal, (hi, lo, index))?;
				set += 1;
			}
		}
		let needed = self.call(|e| &e.get_input_size, ())?;
		let needed = usize::try_from(needed).unwrap_or(0);
		if set < needed {
			return Err(WitnessError::MissingInputs { set, needed });
		}
		Ok(())
	}
}

impl WitnessCalculator {
	/// Compiles a circom 2 witness generator and checks, in the sandbox, that it is for
	/// BN254 and which witness size it has.
	pub fn new(wasm: &[u8], limits: SandboxLimits) -> Result<WitnessCalculator, WitnessError> {
		if wasm.len() > limits.max_wasm_bytes {
			return Err(WitnessError::TooLarge { size: wasm.len(), limit: limits.max_wasm_bytes });
		}
		let mut config = Config::new();
		config.consume_fuel(true);
		config.wasm_threads(false);
		let compile = |e: wasmtime::Error| WitnessError::Compile(format!("{e:#}"));
		let engine = Engine::new(&config).map_err(compile)?;
		let module = Module::from_binary(&engine, wasm).map_err(compile)?;
		let mut calculator = WitnessCalculator { engine, module, limits, witness_size: 0 };
		calculator.witness_size = calculator.start()?.header()?;
		Ok(calculator)
	}

	/// Values in a witness (signals, the constant 1 included).
	pub fn witness_size(&self) -> usize {
		self.witness_size
	}

	/// The budgets every calculation runs under.
	pub fn limits(&self) -> SandboxLimits {
		self.limits
	}

	/// A fresh instance in a fresh store with full budgets.
	fn start(&self) -> Result<Session, WitnessError> {
		let fuel = self.limits.fuel;
		let host = Host { memory_limit: self.limits.memory_bytes, messages: String::new() };
		let mut store = Store::new(&self.engine, host);
		store.limiter(|host| host as &mut dyn ResourceLimiter);
		store.set_fuel(fuel).map_err(|e| WitnessError::Runtime(format!("{e:#}")))?;
		let linker = link(&self.engine, &self.module, &mut store)?;
		let instance =
			linker.instantiate(&mut store, &self.module).map_err(|e| classify(e, fuel))?;
		let exports = Exports::of(&instance, &mut store)?;
		Ok(Session { store, exports, fuel })
	}

	/// Computes the witness of `inputs`: `witness_size` field elements, the constant 1
	/// first, then the public signals, then the private ones.
	pub fn calculate(&self, inputs: &CircomInputs) -> Result<Vec<Fr>, WitnessError> {
		let mut session = self.start()?;
		let size = session.header()?;
		session.call(|e| &e.init, 0)?;
		session.set_inputs(inputs)?;
		let mut witness = Vec::with_capacity(size.min(1 << 24));
		for i in 0..size {
			let index = i32::try_from(i)
				.map_err(|_| WitnessError::Protocol(format!("witness size {size} too large")))?;
			session.call(|e| &e.get_witness, index)?;
			let raw = session.read_field()?;
			let value = Fr::from_bigint(raw).ok_or_else(|| {
				WitnessError::Protocol(format!("witness value {i} is not below the field modulus"))
			})?;
			witness.push(value);
		}
		Ok(witness)
	}
}
