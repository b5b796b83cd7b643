// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title BN254 (alt_bn128) through the EVM precompiles
/// @notice Thin wrappers over `ecAdd` (0x06), `ecMul` (0x07) and `ecPairing` (0x08)
///         (EIP-196, EIP-197, gas of EIP-1108). Points use the precompile encoding, which is
///         also the encoding of `zkpow_primitives::groth16`: G1 `x ++ y`, G2
///         `x.c1 ++ x.c0 ++ y.c1 ++ y.c0`, the point at infinity all zeros.
/// @dev The precompiles reject (the call fails) any coordinate `>= P`, any point not on its
///      curve and any G2 point outside the prime-order subgroup, so a successful call also
///      validates every point it was given. Callers turn a failure into their own error.
library Bn254 {
    /// Base-field modulus `p`.
    uint256 internal constant P = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// Scalar-field modulus `r` (the group order).
    uint256 internal constant R = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// Bytes of one `(G1, G2)` pair in the pairing precompile's input.
    uint256 internal constant PAIR_LEN = 192;

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

    /// The `y` coordinate of `-(x, y)` (the point at infinity stays all zeros).
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
}
