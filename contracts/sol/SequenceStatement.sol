// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// One batch of a sequence, as the appchain stores it.
struct BatchHeader {
    /// The rollup's state root after the batch.
    bytes32 stateRoot;
    /// Commitment to the batch's transaction data.
    bytes32 dataHash;
}

/// The public statement of a sequence (`zkpow_primitives::SequenceStatement`).
struct Statement {
    uint32 rollupId;
    uint64 sequenceIndex;
    bytes32 prevStateRoot;
    bytes32 newStateRoot;
    bytes32 dataCommitment;
    /// The miner account the proofs are bound to.
    bytes32 prover;
}

/// The sequence has no batches.
error NoBatches();
/// The statement's new root or data commitment does not match the batch headers.
error StatementMismatch();

/// @title The sequence statement and its public inputs
/// @notice Mirrors `zkpow_primitives::statement` and `zkpow_primitives::sequence_commitment`:
///         what every verifier of the inboxes checks the statement against, and how it
///         becomes the ten public inputs `[rollupId, sequenceIndex, prevStateRoot hi, lo,
///         newStateRoot hi, lo, dataCommitment hi, lo, prover hi, lo]`.
library SequenceStatement {
    /// Number of public inputs of a statement (`STATEMENT_PUBLIC_INPUTS`).
    uint256 internal constant PUBLIC_INPUTS = 10;

    /// The statement's new root is the last batch's root and its data commitment is
    /// `keccak256(state_root_1 ++ data_hash_1 ++ ...)` over exactly these batches.
    function check(Statement memory statement, BatchHeader[] calldata batches) internal pure {
        if (batches.length == 0) revert NoBatches();
        if (statement.newStateRoot != batches[batches.length - 1].stateRoot) revert StatementMismatch();
        if (statement.dataCommitment != commitment(batches)) revert StatementMismatch();
    }

    /// `zkpow_primitives::sequence_commitment`: the headers are laid out in calldata
    /// exactly as the hash expects them (64 bytes each).
    function commitment(BatchHeader[] calldata batches) internal pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            let len := mul(batches.length, 0x40)
            calldatacopy(m, batches.offset, len)
            digest := keccak256(m, len)
        }
    }

    /// The statement's ten public inputs (`SequenceStatement::public_inputs`).
    function publicInputs(Statement memory s) internal pure returns (uint256[] memory inputs) {
        inputs = new uint256[](PUBLIC_INPUTS);
        writePublicInputs(inputs, s);
    }

    /// Writes the statement's ten public inputs to `inputs[0..10]`; returns 10.
    function writePublicInputs(uint256[] memory inputs, Statement memory s) internal pure returns (uint256 i) {
        inputs[0] = s.rollupId;
        inputs[1] = s.sequenceIndex;
        i = putHalves(inputs, 2, s.prevStateRoot);
        i = putHalves(inputs, i, s.newStateRoot);
        i = putHalves(inputs, i, s.dataCommitment);
        i = putHalves(inputs, i, s.prover);
    }

    /// Writes the high and the low 128 bits of `value` to `inputs[i]` and `inputs[i + 1]`
    /// (`split_halves`: every half is below the field modulus); returns `i + 2`.
    function putHalves(uint256[] memory inputs, uint256 i, bytes32 value) internal pure returns (uint256) {
        inputs[i] = uint256(value) >> 128;
        inputs[i + 1] = uint256(value) & type(uint128).max;
        return i + 2;
    }
}
