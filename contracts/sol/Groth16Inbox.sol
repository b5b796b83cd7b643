// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {InboxBase} from "./InboxBase.sol";
import {Groth16Verifier, MalformedProof} from "./Groth16Verifier.sol";
import {BatchHeader, Statement, SequenceStatement} from "./SequenceStatement.sol";

/// @title ZKPoW rollup inbox (one Groth16 proof per sequence)
/// @notice The EVM end of one rollup of verifier kind `Groth16Bn254`: the rollup registered
///         one Groth16/BN254 verifying key for the ten-input sequence statement and each
///         sequence is proven by one 256-byte proof `A ++ B ++ C`, checked here as the chain
///         checks it (`zkpow_primitives::groth16::verify` with
///         `SequenceStatement::public_inputs`). `InboxBase` keeps the state root and the
///         order, so the delivery ABI (`finalizeSequence`, views, event, errors) is
///         ZkpowInbox's; the key is read back with `verifyingKey()`.
/// @dev The key (1,152 bytes) lives in the code of a data contract; `IC[0] + rollupId·IC[1]`
///      is computed once at deployment (the rollup id is fixed per inbox), so a finalization
///      costs one 4-pair pairing and at most nine `ecMul`.
contract Groth16Inbox is InboxBase {
    /// The data contract whose code (after one STOP byte) is the verifying key.
    address public immutable vkStore;
    /// `IC[0] + rollupId·IC[1]`: the fixed part of `vk_x`.
    uint256 private immutable _fixedTermX;
    uint256 private immutable _fixedTermY;

    /// @param rollupId_ the rollup's id on the appchain.
    /// @param verifyingKey_ the rollup's Groth16 verifying key (as registered on the
    ///        appchain, 1,152 bytes for ten public inputs); fully validated here, so an
    ///        unusable key cannot be deployed.
    /// @param genesisStateRoot the state root before `firstSequenceIndex`.
    /// @param firstSequenceIndex the first sequence this inbox accepts (0 for a new rollup).
    /// @param firstBatch the number of that sequence's first batch.
    constructor(
        uint32 rollupId_,
        bytes memory verifyingKey_,
        bytes32 genesisStateRoot,
        uint64 firstSequenceIndex,
        uint64 firstBatch
    ) InboxBase(rollupId_, genesisStateRoot, firstSequenceIndex, firstBatch) {
        Groth16Verifier.validateKey(verifyingKey_, SequenceStatement.PUBLIC_INPUTS);
        uint256[] memory fixedInputs = new uint256[](1);
        fixedInputs[0] = rollupId_;
        (_fixedTermX, _fixedTermY) = Groth16Verifier.fixedInputsTerm(verifyingKey_, fixedInputs);
        vkStore = _storeData(verifyingKey_);
    }

    /// The verifying key fixed at deployment.
    function verifyingKey() external view returns (bytes memory vk) {
        return _loadData(vkStore);
    }

    /// The statement matches the headers (`NoBatches`, `StatementMismatch`), then the proof
    /// (256 bytes, else `MalformedProof`) verifies for the statement's public inputs.
    function _verify(Statement memory statement, bytes calldata proof, BatchHeader[] calldata batches)
        internal
        view
        override
    {
        SequenceStatement.check(statement, batches);
        if (proof.length != Groth16Verifier.PROOF_LEN) revert MalformedProof();
        // Input 0, the rollup id, is this inbox's (`finalizeSequence` checked it) and is
        // already in the fixed term.
        Groth16Verifier.verify(
            vkStore,
            DATA_OFFSET,
            _fixedTermX,
            _fixedTermY,
            1,
            SequenceStatement.publicInputs(statement),
            proof
        );
    }
}
