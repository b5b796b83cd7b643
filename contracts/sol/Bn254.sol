// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title BN254 (alt_bn128) through the EVM precompiles
/// @notice Thin wrappers over `ecAdd` (0x06), `ecMul` (0x07) and `ecPairing` (0x08)
///         (EIP-196, EIP-197, gas of EIP-1108), and helpers that move points between byte
///         arrays in the precompile encoding. That encoding is also the one of
///         `zkpow_primitives::groth16`: G1 `x ++ y`, G2 `x.c1 ++ x.c0 ++ y.c1 ++ y.c0`,
///         32-byte big-endian numbers, the point at infinity all zeros.
/// @dev The precompiles reject (the call fails) any coordinate `>= P`, any point not on its
///      curve and any G2 point outside the prime-order subgroup, so a successful call also
///      validates every point it was given. Callers turn a failure into their own error.
library Bn254 {
    /// Base-field modulus `p`.
    uint256 internal constant P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// Scalar-field modulus `r` (the group order).
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// Bytes of a G1 point.
    uint256 internal constant G1_LEN = 64;
    /// Bytes of a G2 point.
    uint256 internal constant G2_LEN = 128;
    /// Bytes of one `(G1, G2)` pair in the pairing precompile's input.
    uint256 internal constant PAIR_LEN = 192;
    /// The G1 generator `(1, 2)`.
    uint256 internal constant G1_GEN_X = 1;
    uint256 internal constant G1_GEN_Y = 2;

    // ---------------------------------------------------------------- precompiles

    /// `s * (x, y)`; `ok` is false when the point is invalid.
    function mul(uint256 x, uint256 y, uint256 s) internal view returns (bool ok, uint256 rx, uint256 ry) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x)
            mstore(add(m, 0x20), y)
            mstore(add(m, 0x40), s)
            ok := staticcall(gas(), 0x07, m, 0x60, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
    }

    /// `(x1, y1) + (x2, y2)`; `ok` is false when a point is invalid.
    function add(uint256 x1, uint256 y1, uint256 x2, uint256 y2)
        internal
        view
        returns (bool ok, uint256 rx, uint256 ry)
    {
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, x1)
            mstore(add(m, 0x20), y1)
            mstore(add(m, 0x40), x2)
            mstore(add(m, 0x60), y2)
            ok := staticcall(gas(), 0x06, m, 0x80, m, 0x40)
            rx := mload(m)
            ry := mload(add(m, 0x20))
        }
    }

    /// The `y` coordinate of `-(x, y)` (the point at infinity stays all zeros). `y` must be
    /// canonical (below `P`) for the result to be the negation.
    function negY(uint256 y) internal pure returns (uint256) {
        return y == 0 ? 0 : P - (y % P);
    }

    /// Runs the pairing check over `pairs` (a multiple of `PAIR_LEN` bytes).
    /// @return ok false when a point is invalid (the precompile call failed).
    /// @return holds whether the product of the pairings is one.
    function pairing(bytes memory pairs) internal view returns (bool ok, bool holds) {
        uint256 result;
        assembly ("memory-safe") {
            let m := mload(0x40)
            ok := staticcall(gas(), 0x08, add(pairs, 0x20), mload(pairs), m, 0x20)
            result := mload(m)
        }
        holds = ok && result == 1;
    }

    // ---------------------------------------------------------------- encoded points

    /// Whether the G1 point at `data[offset..offset + 64]` is valid (canonical, on the
    /// curve, or the point at infinity): `ecAdd` with the identity accepts it.
    function isG1(bytes memory data, uint256 offset) internal view returns (bool ok) {
        (uint256 x, uint256 y) = loadG1(data, offset);
        (ok,,) = add(x, y, 0, 0);
    }

    /// The G1 point at `data[offset..offset + 64]`.
    function loadG1(bytes memory data, uint256 offset) internal pure returns (uint256 x, uint256 y) {
        assembly ("memory-safe") {
            let p := add(add(data, 0x20), offset)
            x := mload(p)
            y := mload(add(p, 0x20))
        }
    }

    /// Whether `data[offset..offset + len]` is all zeros (`len` a multiple of 32).
    function isZero(bytes memory data, uint256 offset, uint256 len) internal pure returns (bool zero) {
        zero = true;
        for (uint256 i = 0; i < len; i += 32) {
            uint256 word;
            assembly ("memory-safe") {
                word := mload(add(add(data, 0x20), add(offset, i)))
            }
            if (word != 0) return false;
        }
    }

    /// Writes the G1 point `(x, y)` as the first half of pair `slot` of a pairing input.
    function writeG1(bytes memory pairs, uint256 slot, uint256 x, uint256 y) internal pure {
        assembly ("memory-safe") {
            let p := add(add(pairs, 0x20), mul(slot, 192))
            mstore(p, x)
            mstore(add(p, 0x20), y)
        }
    }

    /// Copies a 128-byte G2 point from calldata into the second half of pair `slot`.
    function copyG2FromCalldata(bytes memory pairs, uint256 slot, bytes calldata g2) internal pure {
        assembly ("memory-safe") {
            calldatacopy(add(add(pairs, 0x20), add(mul(slot, 192), 0x40)), g2.offset, 0x80)
        }
    }

    /// Copies the G2 point at `data[offset..offset + 128]` into the second half of pair
    /// `slot`.
    function copyG2FromMemory(bytes memory pairs, uint256 slot, bytes memory data, uint256 offset) internal pure {
        assembly ("memory-safe") {
            let to := add(add(pairs, 0x20), add(mul(slot, 192), 0x40))
            let from := add(add(data, 0x20), offset)
            mstore(to, mload(from))
            mstore(add(to, 0x20), mload(add(from, 0x20)))
            mstore(add(to, 0x40), mload(add(from, 0x40)))
            mstore(add(to, 0x60), mload(add(from, 0x60)))
        }
    }
}
