//! The iden3 binary container snarkjs writes `.zkey` (and `.wtns`, `.r1cs`) files in:
//! a 4-byte magic, a `u32` version, a `u32` section count, then sections, each a `u32`
//! type, a `u64` byte length and the bytes; all integers little-endian. Sections may come
//! in any order.

use super::error::ZkeyError;

/// The sections of a container file, borrowed from its bytes.
pub(crate) struct Sections<'a> {
	sections: Vec<(u32, &'a [u8])>,
}

impl<'a> Sections<'a> {
	/// Splits `bytes` into sections after checking the magic and the version.
	pub(crate) fn parse(
		bytes: &'a [u8],
		magic: &[u8; 4],
		version: u32,
	) -> Result<Sections<'a>, ZkeyError> {
		let mut reader = Reader::new(bytes, "the file header");
		if reader.bytes(4)? != magic {
			return Err(ZkeyError::BadMagic);
		}
		let found = reader.u32()?;
		if found != version {
			return Err(ZkeyError::UnsupportedVersion(found));
		}
		let count = reader.u32()?;
		let mut sections = Vec::new();
		for _ in 0..count {
			reader.what = "a section header";
			let id = reader.u32()?;
			let len = reader.u64()?;
			reader.what = "a section";
			let len = usize::try_from(len).map_err(|_| ZkeyError::Truncated("a section"))?;
			sections.push((id, reader.bytes(len)?));
		}
		Ok(Sections { sections })
	}

	/// The one section with this id.
	pub(crate) fn unique(&self, id: u32) -> Result<&'a [u8], ZkeyError> {
		let mut found = self.sections.iter().filter(|(s, _)| *s == id);
		let (_, bytes) = found.next().ok_or(ZkeyError::MissingSection(id))?;
		if found.next().is_some() {
			return Err(ZkeyError::DuplicateSection(id));
		}
		Ok(bytes)
	}

	/// The one section with this id, which must be exactly `len` bytes long.
	pub(crate) fn sized(&self, id: u32, len: u64) -> Result<&'a [u8], ZkeyError> {
		let bytes = self.unique(id)?;
		if bytes.len() as u64 != len {
			return Err(ZkeyError::SectionSize {
				section: id,
				expected: len,
				found: bytes.len() as u64,
			});
		}
		Ok(bytes)
	}
}

/// A cursor over bytes whose reads fail with [`ZkeyError::Truncated`] naming `what`.
pub(crate) struct Reader<'a> {
	bytes: &'a [u8],
	pos: usize,
	/// What is being read, for the error.
	pub(crate) what: &'static str,
}

impl<'a> Reader<'a> {
	/// A reader at the start of `bytes`.
	pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Reader<'a> {
		Reader { bytes, pos: 0, what }
	}

	/// The next `len` bytes.
	pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], ZkeyError> {
		let end = self.pos.checked_add(len).filter(|end| *end <= self.bytes.len());
		let end = end.ok_or(ZkeyError::Truncated(self.what))?;
		let out = &self.bytes[self.pos..end];
		self.pos = end;
		Ok(out)
	}

	/// The next little-endian `u32`.
	pub(crate) fn u32(&mut self) -> Result<u32, ZkeyError> {
		let mut le = [0u8; 4];
		le.copy_from_slice(self.bytes(4)?);
		Ok(u32::from_le_bytes(le))
	}

	/// The next little-endian `u64`.
	pub(crate) fn u64(&mut self) -> Result<u64, ZkeyError> {
		let mut le = [0u8; 8];
		le.copy_from_slice(self.bytes(8)?);
		Ok(u64::from_le_bytes(le))
	}

	/// Bytes not read yet.
	pub(crate) fn remaining(&self) -> usize {
		self.bytes.len() - self.pos
	}
}
