// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IEd25519Verifier
/// @notice The stateless Ed25519 (RFC 8032) and SHA-384/512 (FIPS 180-4) computations the OpenPGP verifier
///         calls (kept apart so that the verifier stays under the 24,576-byte code size limit). Every function
///         answers or reverts (out of gas): a revert is never a verdict for its caller.
interface IEd25519Verifier {
    /// @notice Whether (`r`, `s`) is a valid Ed25519 signature of `message` under the public key `publicKey`
    ///         (all as RFC 8032 octet strings, in order): A and R decoded strictly (canonical encodings), S < L,
    ///         and [8]([S]B - R - [k]A) the identity with k = SHA-512(R || A || message) mod L (the cofactored
    ///         equation: it accepts every signature RFC 8032's cofactorless check accepts).
    function verify(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes calldata message
    ) external view returns (bool);

    /// @notice Whether `a` is a canonical Ed25519 point encoding: y (little-endian, top bit cleared) < p, a
    ///         point of the curve, and not x = 0 with the sign bit set.
    function isCanonicalPoint(bytes32 a) external view returns (bool);

    /// @notice SHA-512 of `data` as (octets 0..31, octets 32..63), or with `sha384` SHA-384 as (octets 0..31,
    ///         octets 32..47 left-aligned).
    function sha512(bytes calldata data, bool sha384) external view returns (bytes32 hi, bytes32 lo);
}
