// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Bn254} from "./Bn254.sol";
import {
    Groth16Verifier, MalformedKeySet, InvalidKeyPoint, DegenerateKey, MalformedProof, ProofRejected
} from "./Groth16Verifier.sol";
import {BatchHeader, Statement, SequenceStatement, NoBatches} from "./SequenceStatement.sol";

/// @title Verifier of ZKPoW sequence artifacts (version 1)
/// @notice Mirrors `zkpow_primitives::artifact::verify_with_keys` byte for byte: the same
///         layouts, the same public-input derivation, the same Fiat–Shamir transcript
///         (keccak256) and the same randomized batched pairing check. See the table at the
///         top of `primitives/src/artifact.rs`, which is normative.
/// @dev Proof order `j`: final (0), batches (1..=n), aggregator (n+1), which is also their
///      order in the artifact, so proof `j` sits at artifact offset `2 + 256·j`.
library ArtifactVerifier {
    uint8 internal constant ARTIFACT_VERSION = 1;
    uint8 internal constant VK_SET_VERSION = 1;
    uint256 internal constant ARTIFACT_HEADER_LEN = 2;
    uint256 internal constant PROOF_LEN = Groth16Verifier.PROOF_LEN;
    /// `alpha (G1) ++ beta, gamma, delta (G2)`.
    uint256 internal constant VK_HEADER_LEN = Groth16Verifier.VK_HEADER_LEN;
    uint256 internal constant BATCH_INPUTS = 8;
    uint256 internal constant FINAL_INPUTS = 10;
    uint256 internal constant AGGREGATOR_FIXED_INPUTS = 9;
    uint256 internal constant AGGREGATOR_INPUTS_PER_BATCH = 4;
    uint256 internal constant MAX_CAPACITY = 64;
    bytes17 internal constant TRANSCRIPT_DOMAIN = "zkpow/artifact/v1";

    /// Key roles, in the order the accumulator keeps them.
    uint256 private constant ROLE_FINAL = 0;
    uint256 private constant ROLE_BATCH = 1;
    uint256 private constant ROLE_AGGREGATOR = 2;

    // Key-set errors (`MalformedKeySet`: unknown version, a capacity of 0 or above 64, or a
    // length that does not match the capacity; `InvalidKeyPoint`; `DegenerateKey`), proof
    // errors (`MalformedProof`, `ProofRejected`) and statement errors (`NoBatches`,
    // `StatementMismatch`) are the file-level ones of Groth16Verifier.sol and
    // SequenceStatement.sol, shared with Groth16Inbox.

    /// The artifact's length does not match its batch count, or the count is 0.
    error MalformedArtifact();
    /// The artifact has an unknown version byte.
    error UnsupportedArtifactVersion(uint8 version);
    /// The artifact proves a different number of batches than headers were given.
    error BatchCountMismatch(uint256 artifactBatches, uint256 headers);
    /// The sequence has more batches than the key set's aggregator capacity.
    error TooManyBatches(uint256 batches, uint256 capacity);

    /// What the batched check accumulates for one key.
    struct KeyTerms {
        /// Offset of the key in the key set.
        uint256 offset;
        /// `Σ rho_j` over the proofs checked against this key.
        uint256 rhoSum;
        /// Scalars of `IC[0..]`: `Σ rho_j` and `Σ rho_j·x_jk`.
        uint256[] icScalars;
        /// `Σ rho_j·C_j`.
        uint256 cx;
        uint256 cy;
        bool used;
    }

    // ---------------------------------------------------------------- layouts

    /// Length of a verifying key for `inputs` public inputs.
    function vkLen(uint256 inputs) internal pure returns (uint256) {
        return Groth16Verifier.vkLen(inputs);
    }

    /// Public inputs of an aggregator key of capacity `capacity`.
    function aggregatorInputCount(uint256 capacity) internal pure returns (uint256) {
        return AGGREGATOR_FIXED_INPUTS + AGGREGATOR_INPUTS_PER_BATCH * capacity;
    }

    /// Length of a version-1 key set with aggregator capacity `capacity`.
    function vkSetLen(uint256 capacity) internal pure returns (uint256) {
        return 2 + vkLen(BATCH_INPUTS) + vkLen(aggregatorInputCount(capacity)) + vkLen(FINAL_INPUTS);
    }

    /// Length of a version-1 artifact for `n` batches.
    function artifactLen(uint256 n) internal pure returns (uint256) {
        return ARTIFACT_HEADER_LEN + PROOF_LEN * (n + 1) + (n > 1 ? PROOF_LEN : 0);
    }

    /// Offsets of the final, batch and aggregator keys in a key set (role order).
    function keyOffsets(uint256 capacity) private pure returns (uint256[3] memory offsets) {
        offsets[ROLE_BATCH] = 2;
        offsets[ROLE_AGGREGATOR] = 2 + vkLen(BATCH_INPUTS);
        offsets[ROLE_FINAL] = offsets[ROLE_AGGREGATOR] + vkLen(aggregatorInputCount(capacity));
    }

    function inputCount(uint256 role, uint256 capacity) private pure returns (uint256) {
        if (role == ROLE_FINAL) return FINAL_INPUTS;
        if (role == ROLE_BATCH) return BATCH_INPUTS;
        return aggregatorInputCount(capacity);
    }

    // ---------------------------------------------------------------- key set

    /// Fully validates an encoded key set (as `VkSet::decode` does) and returns its
    /// aggregator capacity: layout, non-degenerate keys, every point valid.
    function validateKeySet(bytes memory vkSet) internal view returns (uint256 capacity) {
        if (vkSet.length < 2 || uint8(vkSet[0]) != VK_SET_VERSION) revert MalformedKeySet();
        capacity = uint8(vkSet[1]);
        if (capacity == 0 || capacity > MAX_CAPACITY || vkSet.length != vkSetLen(capacity)) {
            revert MalformedKeySet();
        }
        uint256[3] memory offsets = keyOffsets(capacity);
        // One pairing call validates all nine G2 points.
        bytes memory g2Check = new bytes(9 * Bn254.PAIR_LEN);
        for (uint256 role = 0; role < 3; role++) {
            Groth16Verifier.checkKey(vkSet, offsets[role], inputCount(role, capacity), g2Check, 3 * role);
        }
        Groth16Verifier.checkG2(g2Check);
    }

    // ---------------------------------------------------------------- verification

    /// Verifies the artifact of a sequence against a key set that passed
    /// `validateKeySet`; reverts with the error `verify_with_keys` would return.
    function verify(
        bytes memory vkSet,
        bytes32 vkSetHash,
        uint256 capacity,
        bytes calldata artifact,
        Statement memory statement,
        BatchHeader[] calldata batches
    ) internal view {
        uint256 n = checkShape(artifact, batches.length, capacity);
        SequenceStatement.check(statement, batches);
        uint256[] memory inputs = deriveInputs(capacity, statement, batches);
        bytes32 seed = keccak256(abi.encodePacked(TRANSCRIPT_DOMAIN, vkSetHash, artifact, inputs));

        uint256[3] memory offsets = keyOffsets(capacity);
        KeyTerms[3] memory terms;
        for (uint256 role = 0; role < 3; role++) {
            terms[role].offset = offsets[role];
            terms[role].icScalars = new uint256[](inputCount(role, capacity) + 1);
        }
        uint256 proofs = n + 1 + (n > 1 ? 1 : 0);
        uint256 keysUsed = n > 1 ? 3 : 2;
        bytes memory pairs = new bytes((proofs + 3 * keysUsed) * Bn254.PAIR_LEN);

        uint256 position = 0;
        for (uint256 j = 0; j < proofs; j++) {
            uint256 role = j == 0 ? ROLE_FINAL : (j <= n ? ROLE_BATCH : ROLE_AGGREGATOR);
            uint256 count = inputCount(role, capacity);
            uint256 start = ARTIFACT_HEADER_LEN + PROOF_LEN * j;
            _addProof(terms[role], pairs, j, artifact[start:start + PROOF_LEN], inputs, position, count, challenge(seed, j));
            position += count;
        }
        uint256 slot = proofs;
        for (uint256 role = 0; role < 3; role++) {
            if (terms[role].used) {
                _addKeyTerms(terms[role], vkSet, pairs, slot);
                slot += 3;
            }
        }
        (bool ok, bool holds) = Bn254.pairing(pairs);
        if (!ok) revert MalformedProof();
        if (!holds) revert ProofRejected();
    }

    /// Artifact layout and batch count checks, in the order of `verify_with_keys`; returns
    /// the number of batches.
    function checkShape(bytes calldata artifact, uint256 headers, uint256 capacity)
        internal
        pure
        returns (uint256 n)
    {
        if (artifact.length < ARTIFACT_HEADER_LEN) revert MalformedArtifact();
        if (uint8(artifact[0]) != ARTIFACT_VERSION) revert UnsupportedArtifactVersion(uint8(artifact[0]));
        n = uint8(artifact[1]);
        if (n == 0 || artifact.length != artifactLen(n)) revert MalformedArtifact();
        if (headers == 0) revert NoBatches();
        if (n != headers) revert BatchCountMismatch(n, headers);
        if (n > capacity) revert TooManyBatches(n, capacity);
    }

    /// Every proof's public inputs, in proof order (final, batches, aggregator).
    function deriveInputs(uint256 capacity, Statement memory s, BatchHeader[] calldata batches)
        internal
        pure
        returns (uint256[] memory inputs)
    {
        uint256 n = batches.length;
        inputs = new uint256[](FINAL_INPUTS + BATCH_INPUTS * n + (n > 1 ? aggregatorInputCount(capacity) : 0));
        uint256 i = SequenceStatement.writePublicInputs(inputs, s);
        bytes32 prev = s.prevStateRoot;
        for (uint256 b = 0; b < n; b++) {
            i = SequenceStatement.putHalves(inputs, i, prev);
            i = SequenceStatement.putHalves(inputs, i, batches[b].stateRoot);
            i = SequenceStatement.putHalves(inputs, i, batches[b].dataHash);
            i = SequenceStatement.putHalves(inputs, i, s.prover);
            prev = batches[b].stateRoot;
        }
        if (n > 1) {
            inputs[i++] = n;
            i = SequenceStatement.putHalves(inputs, i, s.prevStateRoot);
            i = SequenceStatement.putHalves(inputs, i, s.newStateRoot);
            i = SequenceStatement.putHalves(inputs, i, s.dataCommitment);
            i = SequenceStatement.putHalves(inputs, i, s.prover);
            for (uint256 b = 0; b < n; b++) {
                i = SequenceStatement.putHalves(inputs, i, batches[b].stateRoot);
                i = SequenceStatement.putHalves(inputs, i, batches[b].dataHash);
            }
            // Slots n+1..=capacity stay zero.
        }
    }

    /// The `j`-th combination coefficient: the first 16 bytes of
    /// `keccak256(seed ++ uint32_be(j))` as an integer, or 1 if that is 0.
    function challenge(bytes32 seed, uint256 j) internal pure returns (uint256 rho) {
        rho = uint256(keccak256(abi.encodePacked(seed, uint32(j)))) >> 128;
        if (rho == 0) rho = 1;
    }

    // ---------------------------------------------------------------- internals

    /// Adds proof `j` (`A ++ B ++ C`) with coefficient `rho` and inputs
    /// `inputs[position..position + count]`: the pair `(−rho·A, B)` goes to `pairs`, the
    /// rest to the key's terms.
    function _addProof(
        KeyTerms memory t,
        bytes memory pairs,
        uint256 j,
        bytes calldata proof,
        uint256[] memory inputs,
        uint256 position,
        uint256 count,
        uint256 rho
    ) private view {
        (uint256 ax, uint256 ay, uint256 cx, uint256 cy) = Groth16Verifier.proofG1Points(proof);
        (bool ok, uint256 x, uint256 y) = Bn254.mul(ax, ay, rho);
        if (!ok) revert MalformedProof();
        Bn254.writeG1(pairs, j, x, Bn254.negY(y));
        Bn254.copyG2FromCalldata(pairs, j, proof[64:192]);

        (ok, x, y) = Bn254.mul(cx, cy, rho);
        if (!ok) revert MalformedProof();
        (ok, t.cx, t.cy) = Bn254.add(t.cx, t.cy, x, y);
        if (!ok) revert MalformedProof();

        t.used = true;
        t.rhoSum = addmod(t.rhoSum, rho, Bn254.R);
        uint256[] memory scalars = t.icScalars;
        scalars[0] = addmod(scalars[0], rho, Bn254.R);
        for (uint256 k = 0; k < count; k++) {
            uint256 input = inputs[position + k];
            if (input != 0) {
                scalars[k + 1] = addmod(scalars[k + 1], mulmod(rho, input, Bn254.R), Bn254.R);
            }
        }
    }

    /// Appends a key's three pairs at `slot`: `(Σrho·alpha, beta)`,
    /// `(Σ scalar_k·IC_k, gamma)`, `(Σrho·C, delta)`.
    function _addKeyTerms(KeyTerms memory t, bytes memory vkSet, bytes memory pairs, uint256 slot) private view {
        uint256 key = t.offset;
        (uint256 x, uint256 y) = Bn254.loadG1(vkSet, key);
        bool ok;
        (ok, x, y) = Bn254.mul(x, y, t.rhoSum);
        if (!ok) revert InvalidKeyPoint();
        Bn254.writeG1(pairs, slot, x, y);
        Bn254.copyG2FromMemory(pairs, slot, vkSet, key + Groth16Verifier.VK_BETA);

        (x, y) = _msm(vkSet, key + VK_HEADER_LEN, t.icScalars);
        Bn254.writeG1(pairs, slot + 1, x, y);
        Bn254.copyG2FromMemory(pairs, slot + 1, vkSet, key + Groth16Verifier.VK_GAMMA);

        Bn254.writeG1(pairs, slot + 2, t.cx, t.cy);
        Bn254.copyG2FromMemory(pairs, slot + 2, vkSet, key + Groth16Verifier.VK_DELTA);
    }

    /// `Σ scalars[k]·point_k` over the G1 points at `vkSet[offset + 64k]` (zero scalars
    /// skipped).
    function _msm(bytes memory vkSet, uint256 offset, uint256[] memory scalars)
        private
        view
        returns (uint256 accX, uint256 accY)
    {
        for (uint256 k = 0; k < scalars.length; k++) {
            if (scalars[k] == 0) continue;
            (uint256 x, uint256 y) = Bn254.loadG1(vkSet, offset + 64 * k);
            bool ok;
            (ok, x, y) = Bn254.mul(x, y, scalars[k]);
            if (!ok) revert InvalidKeyPoint();
            (ok, accX, accY) = Bn254.add(accX, accY, x, y);
            if (!ok) revert InvalidKeyPoint();
        }
    }
}
