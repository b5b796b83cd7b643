// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Bn254} from "./Bn254.sol";

// Errors of key validation and proof verification, shared by every verifier of the
// inboxes (declared once, so each inbox's ABI has the same signatures).

/// The verifying key (or key set) has the wrong layout: a length that does not fit the
/// expected number of public inputs, or (key sets) an unknown version or capacity.
error MalformedKeySet();
/// A point of the verifying key(s) is not a valid curve point (or a G2 point is outside
/// the prime-order subgroup).
error InvalidKeyPoint();
/// A verifying key has the point at infinity as alpha, beta, gamma or delta.
error DegenerateKey();
/// A proof has the wrong length or holds a point that is not a valid curve point.
error MalformedProof();
/// The proof is well formed but does not verify for this statement.
error ProofRejected();

/// @title Groth16 over BN254 with the precompiles
/// @notice Validation of verifying keys and verification of one proof, in the encoding of
///         `zkpow_primitives::groth16` (a mirror of `validate_verifying_key` and `verify`):
///         key `alpha (G1) ++ beta, gamma, delta (G2) ++ IC[0..=n] (G1)`, proof
///         `A (G1) ++ B (G2) ++ C (G1)`, check
///         `e(−A, B) · e(alpha, beta) · e(vk_x, gamma) · e(C, delta) = 1` with
///         `vk_x = IC[0] + Σ x_k·IC[k+1]`.
library Groth16Verifier {
    /// Bytes of a proof.
    uint256 internal constant PROOF_LEN = 256;
    /// Bytes of a key before `IC[0]`.
    uint256 internal constant VK_HEADER_LEN = 448;
    /// Offsets within a key.
    uint256 internal constant VK_ALPHA = 0;
    uint256 internal constant VK_BETA = 64;
    uint256 internal constant VK_GAMMA = 192;
    uint256 internal constant VK_DELTA = 320;
    uint256 internal constant VK_IC = 448;

    /// Length of a verifying key for `inputs` public inputs.
    function vkLen(uint256 inputs) internal pure returns (uint256) {
        return VK_HEADER_LEN + Bn254.G1_LEN * (inputs + 1);
    }

    // ---------------------------------------------------------------- keys

    /// Fully validates a verifying key for exactly `inputs` public inputs: its length
    /// (`MalformedKeySet`), non-degenerate alpha, beta, gamma, delta (`DegenerateKey`),
    /// every G1 point through `ecAdd` and the three G2 points through one pairing call
    /// (`InvalidKeyPoint`).
    function validateKey(bytes memory vk, uint256 inputs) internal view {
        if (vk.length != vkLen(inputs)) revert MalformedKeySet();
        bytes memory g2Check = new bytes(3 * Bn254.PAIR_LEN);
        checkKey(vk, 0, inputs, g2Check, 0);
        checkG2(g2Check);
    }

    /// Checks the key at `data[offset..]` with `inputs` public inputs (its length already
    /// checked): non-degenerate, alpha and `IC[0..=inputs]` valid G1 points. Its beta, gamma
    /// and delta go to pairs `slot..slot + 3` of `g2Check`, each after the G1 generator,
    /// for the caller to validate all collected G2 points at once with `checkG2`.
    function checkKey(bytes memory data, uint256 offset, uint256 inputs, bytes memory g2Check, uint256 slot)
        internal
        view
    {
        for (uint256 g2 = 0; g2 < 3; g2++) {
            uint256 at = offset + VK_BETA + Bn254.G2_LEN * g2;
            Bn254.writeG1(g2Check, slot + g2, Bn254.G1_GEN_X, Bn254.G1_GEN_Y);
            Bn254.copyG2FromMemory(g2Check, slot + g2, data, at);
            if (Bn254.isZero(data, at, Bn254.G2_LEN)) revert DegenerateKey();
        }
        if (Bn254.isZero(data, offset + VK_ALPHA, Bn254.G1_LEN)) revert DegenerateKey();
        if (!Bn254.isG1(data, offset + VK_ALPHA)) revert InvalidKeyPoint();
        for (uint256 k = 0; k <= inputs; k++) {
            if (!Bn254.isG1(data, offset + VK_IC + Bn254.G1_LEN * k)) revert InvalidKeyPoint();
        }
    }

    /// Validates the G2 points `checkKey` collected with one pairing call (the precompile
    /// fails on an invalid point; the pairing's value does not matter).
    function checkG2(bytes memory g2Check) internal view {
        (bool ok,) = Bn254.pairing(g2Check);
        if (!ok) revert InvalidKeyPoint();
    }

    /// `IC[0] + Σ_{k < fixedInputs.length} fixedInputs[k]·IC[k+1]` for a validated key: the
    /// part of `vk_x` of inputs that never change (an inbox's rollup id), computed once so
    /// that `verify` multiplies only the others.
    function fixedInputsTerm(bytes memory vk, uint256[] memory fixedInputs)
        internal
        view
        returns (uint256 x, uint256 y)
    {
        (x, y) = Bn254.loadG1(vk, VK_IC);
        for (uint256 k = 0; k < fixedInputs.length; k++) {
            (x, y) = _addMul(x, y, vk, VK_IC + Bn254.G1_LEN * (k + 1), fixedInputs[k]);
        }
    }

    // ---------------------------------------------------------------- proofs

    /// Verifies `proof` for the public `inputs` (as many as the key has) against a key that
    /// passed `validateKey`, stored in the code of the contract `store` from byte
    /// `codeOffset` on. The first `fixedCount` inputs are already folded into
    /// `(baseX, baseY)` (`fixedInputsTerm` of exactly those values); only the others are
    /// multiplied, and zero inputs are skipped. Reverts with `MalformedProof` (length,
    /// invalid point) or `ProofRejected`.
    /// @dev Reads only what the check needs from the key, with `EXTCODECOPY` straight into
    ///      the pairing input: alpha ++ beta, gamma, delta and `IC[fixedCount + 1..]`.
    function verify(
        address store,
        uint256 codeOffset,
        uint256 baseX,
        uint256 baseY,
        uint256 fixedCount,
        uint256[] memory inputs,
        bytes calldata proof
    ) internal view {
        if (proof.length != PROOF_LEN) revert MalformedProof();

        // vk_x = base + Σ_{k >= fixedCount} inputs[k]·IC[k+1]
        uint256 free = inputs.length - fixedCount;
        bytes memory ics = new bytes(Bn254.G1_LEN * free);
        uint256 icOffset = codeOffset + VK_IC + Bn254.G1_LEN * (fixedCount + 1);
        assembly ("memory-safe") {
            extcodecopy(store, add(ics, 0x20), icOffset, mload(ics))
        }
        (uint256 x, uint256 y) = (baseX, baseY);
        for (uint256 k = 0; k < free; k++) {
            uint256 input = inputs[fixedCount + k];
            if (input != 0) (x, y) = _addMul(x, y, ics, Bn254.G1_LEN * k, input);
        }

        (uint256 ax, uint256 ay, uint256 cx, uint256 cy) = proofG1Points(proof);
        // The pairing precompile validates every coordinate it gets, but A's y is negated
        // first: a y of p or more would wrap into a canonical one.
        if (ay >= Bn254.P) revert MalformedProof();
        bytes memory pairs = new bytes(4 * Bn254.PAIR_LEN);
        Bn254.writeG1(pairs, 0, ax, Bn254.negY(ay));
        Bn254.copyG2FromCalldata(pairs, 0, proof[64:192]);
        Bn254.writeG1(pairs, 2, x, y);
        Bn254.writeG1(pairs, 3, cx, cy);
        assembly ("memory-safe") {
            let p := add(pairs, 0x20)
            // pair 1: alpha ++ beta (contiguous in the key), pair 2's G2: gamma, pair 3's: delta.
            extcodecopy(store, add(p, 192), add(codeOffset, VK_ALPHA), 192)
            extcodecopy(store, add(p, 448), add(codeOffset, VK_GAMMA), 128)
            extcodecopy(store, add(p, 640), add(codeOffset, VK_DELTA), 128)
        }
        (bool ok, bool holds) = Bn254.pairing(pairs);
        if (!ok) revert MalformedProof();
        if (!holds) revert ProofRejected();
    }

    // ---------------------------------------------------------------- internals

    /// `(x, y) + s·P` for the G1 point `P` at `data[offset..]` of a validated key.
    function _addMul(uint256 x, uint256 y, bytes memory data, uint256 offset, uint256 s)
        private
        view
        returns (uint256, uint256)
    {
        (uint256 px, uint256 py) = Bn254.loadG1(data, offset);
        bool ok;
        (ok, px, py) = Bn254.mul(px, py, s);
        if (!ok) revert InvalidKeyPoint();
        (ok, x, y) = Bn254.add(x, y, px, py);
        if (!ok) revert InvalidKeyPoint();
        return (x, y);
    }

    /// The G1 points `A` and `C` of a proof `A ++ B ++ C` in calldata (unchecked).
    function proofG1Points(bytes calldata proof)
        internal
        pure
        returns (uint256 ax, uint256 ay, uint256 cx, uint256 cy)
    {
        assembly ("memory-safe") {
            ax := calldataload(proof.offset)
            ay := calldataload(add(proof.offset, 0x20))
            cx := calldataload(add(proof.offset, 0xc0))
            cy := calldataload(add(proof.offset, 0xe0))
        }
    }
}
