// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Sha512} from "./Sha512.sol";

/// @title Ed25519
/// @notice Ed25519 signature verification (RFC 8032) with strict decoding and the cofactored equation, for the
///         OpenPGP signature verifier (public-key algorithms 22 and 27). Ethereum has no precompile for it.
/// @dev Semantics (a TypeScript twin with @noble/curves implements the same; off-chain code may rely on them):
///      - A (the public key) and R decode strictly: the little-endian 255-bit y (bit 255 cleared) must be below
///        p = 2^255 - 19; x = sqrt((y^2 - 1) / (d y^2 + 1)) must exist; x = 0 with the sign bit set is refused;
///        else x is the root whose parity is the sign bit. Any other encoding makes `verify` return false.
///      - S (little-endian) >= L = 2^252 + 27742317777372353535851937790883648493 returns false.
///      - k = SHA-512(R || A || message) read little-endian, mod L.
///      - valid iff [8]([S]B - R - [k]A) is the identity (cofactored: every signature the cofactorless RFC 8032
///        check accepts is accepted, and some with small-order components too).
///      Cost: about 330,000 to 385,000 gas for a 32- to 64-byte message (measured in
///      test/crypto/Ed25519.test.ts): two square roots through the MODEXP precompile (0x05), SHA-512 of
///      64 + message bytes, and a Straus double-scalar multiplication [S]B + [L - k]A in extended twisted
///      Edwards coordinates. isCanonicalPoint costs about 5,500 gas. Uses memory past the free memory
///      pointer as scratch without allocating it.
library Ed25519 {
    /// @notice The MODEXP precompile (0x05) failed (out of gas or absent): never a verdict.
    error Ed25519PrecompileFailed();

    uint256 private constant P = 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffed;
    uint256 private constant L = 0x1000000000000000000000000000000014def9dea2f79cd65812631a5cf5d3ed;
    uint256 private constant D = 0x52036cee2b6ffe738cc740797779e89800700a4d4141d8ab75eb4dca135978a3;
    uint256 private constant D2 = 0x2406d9dc56dffce7198e80f2eef3d13000e0149a8283b156ebd69b9426b2f159;
    uint256 private constant SQRT_M1 = 0x2b8324804fc1df0b2b4d00993dfbd7a72f431806ad2fe478c4ee1b274a0ea0b0;
    /// @dev (p - 5) / 8, the exponent of the square root.
    uint256 private constant EXP = 0x0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd;
    /// @dev 2^256 mod L.
    uint256 private constant R256 = 0x0ffffffffffffffffffffffffffffffec6ef5bf4737dcf70d6ec31748d98951d;
    /// @dev The base point B in cached form (y - x, y + x, 2 d x y; z = 1).
    uint256 private constant B_YMX = 0x44fd2f9298f81267a5c18434688f8a09fd399f05d140beb39d103905d740913e;
    uint256 private constant B_YPX = 0x07cf9d3a33d4ba65270b4898643d42c2cf932dc6fb8c0e192fbc93c6f58c3b85;
    uint256 private constant B_T2D = 0x6f117b689f0c65a85a1b7dcbdd43598c26d9e823ccaac49eabc91205877aaa68;

    /// @notice Whether `publicKey`, `r`, `s` is a valid Ed25519 signature of `message` (any length), with the
    ///         semantics in the library's description.
    /// @param publicKey The 32 encoded octets of A, in order.
    /// @param r The 32 encoded octets of R, in order.
    /// @param s The 32 octets of S (little-endian), in order.
    /// @dev Reverts with `Ed25519PrecompileFailed` if the MODEXP precompile fails; never returns false for it.
    function verify(
        bytes32 publicKey,
        bytes32 r,
        bytes32 s,
        bytes memory message
    ) internal view returns (bool) {
        uint256 sv = _le(s);
        if (sv >= L) return false;
        (bool okA, uint256 ax, uint256 ay) = _decompress(publicKey);
        if (!okA) return false;
        (bool okR, uint256 rx, uint256 ry) = _decompress(r);
        if (!okR) return false;
        (bytes32 hHi, bytes32 hLo) = Sha512.sha512(abi.encodePacked(r, publicKey, message));
        uint256 k = addmod(mulmod(_le(hLo), R256, L), _le(hHi), L);
        return _cofactoredCheck(sv, L - k, ax, ay, rx, ry);
    }

    /// @notice Whether `encoded` (32 octets, RFC 8032 encoding) decodes strictly to a curve point: y < p, x
    ///         exists, and not x = 0 with the sign bit set. Any point of the curve, small-order ones included.
    /// @dev Reverts with `Ed25519PrecompileFailed` if the MODEXP precompile fails.
    function isCanonicalPoint(bytes32 encoded) internal view returns (bool ok) {
        (ok, , ) = _decompress(encoded);
    }

    /// @dev The little-endian integer of 32 octets.
    function _le(bytes32 b) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := b
            v := or(
                shr(8, and(v, 0xff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00)),
                shl(8, and(v, 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff))
            )
            v := or(
                shr(16, and(v, 0xffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000)),
                shl(16, and(v, 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff))
            )
            v := or(
                shr(32, and(v, 0xffffffff00000000ffffffff00000000ffffffff00000000ffffffff00000000)),
                shl(32, and(v, 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff))
            )
            v := or(
                shr(64, and(v, 0xffffffffffffffff0000000000000000ffffffffffffffff0000000000000000)),
                shl(64, and(v, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff))
            )
            v := or(shr(128, v), shl(128, v))
        }
    }

    /// @dev Strict RFC 8032 point decoding (section 5.1.3): (ok, x, y); x, y < p when ok.
    function _decompress(bytes32 encoded) private view returns (bool ok, uint256 x, uint256 y) {
        uint256 v = _le(encoded);
        uint256 sign = v >> 255;
        y = v & ((1 << 255) - 1);
        if (y >= P) return (false, 0, 0);
        uint256 y2 = mulmod(y, y, P);
        uint256 u = addmod(y2, P - 1, P);
        uint256 w = addmod(mulmod(D, y2, P), 1, P);
        uint256 w3 = mulmod(mulmod(w, w, P), w, P);
        uint256 uw7 = mulmod(u, mulmod(mulmod(w3, w3, P), w, P), P);
        x = mulmod(mulmod(u, w3, P), _powExp(uw7), P);
        uint256 wx2 = mulmod(w, mulmod(x, x, P), P);
        if (wx2 != u) {
            if (wx2 != P - u) return (false, 0, 0);
            x = mulmod(x, SQRT_M1, P);
        }
        if (x == 0 && sign == 1) return (false, 0, 0);
        if (x & 1 != sign) x = P - x;
        ok = true;
    }

    /// @dev b^((p - 5) / 8) mod p through the MODEXP precompile; reverts if the call fails.
    function _powExp(uint256 b) private view returns (uint256 r) {
        bool success;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, 32)
            mstore(add(m, 32), 32)
            mstore(add(m, 64), 32)
            mstore(add(m, 96), b)
            mstore(add(m, 128), EXP)
            mstore(add(m, 160), P)
            success := staticcall(gas(), 0x05, m, 192, m, 32)
            success := and(success, eq(returndatasize(), 32))
            r := mload(m)
        }
        if (!success) revert Ed25519PrecompileFailed();
    }

    /// @dev Whether [8]([s]B + [k2]A - R) is the identity, with A = (ax, ay) and R = (rx, ry) on the curve.
    ///      With k2 = L - k this is [8]([s]B - [k]A - R): [8][L]A is the identity for every curve point A.
    function _cofactoredCheck(
        uint256 s,
        uint256 k2,
        uint256 ax,
        uint256 ay,
        uint256 rx,
        uint256 ry
    ) private pure returns (bool ok) {
        assembly ("memory-safe") {
            // Scratch past the free memory pointer: a table of three cached points at tb + 128 i (i = 1: B,
            // 2: A, 3: B + A; i = 0 unused), the accumulator q (X, Y, Z, T) at tb + 512. A cached point is
            // (Y - X, Y + X, 2 d T, 2 Z).
            let tb := mload(0x40)
            let q := add(tb, 512)

            // q := 2 q (dbl-2008-hwcd, a = -1).
            function dbl(pq) {
                let x := mload(pq)
                let y := mload(add(pq, 32))
                let a := mulmod(x, x, P)
                let b := mulmod(y, y, P)
                let e := addmod(x, y, P)
                e := mulmod(e, e, P)
                let h := addmod(a, b, P)
                e := addmod(e, sub(P, h), P)
                h := sub(P, h)
                let g := addmod(b, sub(P, a), P)
                a := mload(add(pq, 64))
                let f := addmod(g, sub(P, mulmod(2, mulmod(a, a, P), P)), P)
                mstore(pq, mulmod(e, f, P))
                mstore(add(pq, 32), mulmod(g, h, P))
                mstore(add(pq, 64), mulmod(f, g, P))
                mstore(add(pq, 96), mulmod(e, h, P))
            }

            // q := q + c for the cached point at pk (add-2008-hwcd-3, a = -1).
            function addCached(pq, pk) {
                let x := mload(pq)
                let y := mload(add(pq, 32))
                let a := mulmod(addmod(y, sub(P, x), P), mload(pk), P)
                let b := mulmod(addmod(y, x, P), mload(add(pk, 32)), P)
                let c := mulmod(mload(add(pq, 96)), mload(add(pk, 64)), P)
                let d := mulmod(mload(add(pq, 64)), mload(add(pk, 96)), P)
                let e := addmod(b, sub(P, a), P)
                let h := addmod(b, a, P)
                let f := addmod(d, sub(P, c), P)
                let g := addmod(d, c, P)
                mstore(pq, mulmod(e, f, P))
                mstore(add(pq, 32), mulmod(g, h, P))
                mstore(add(pq, 64), mulmod(f, g, P))
                mstore(add(pq, 96), mulmod(e, h, P))
            }

            // The cached form of the extended point at pq, written at pk.
            function cache(pq, pk) {
                let x := mload(pq)
                let y := mload(add(pq, 32))
                mstore(pk, addmod(y, sub(P, x), P))
                mstore(add(pk, 32), addmod(y, x, P))
                mstore(add(pk, 64), mulmod(mload(add(pq, 96)), D2, P))
                mstore(add(pk, 96), mulmod(mload(add(pq, 64)), 2, P))
            }

            // Table entry 1: B.
            mstore(add(tb, 128), B_YMX)
            mstore(add(tb, 160), B_YPX)
            mstore(add(tb, 192), B_T2D)
            mstore(add(tb, 224), 2)
            // Entry 2: A.
            mstore(q, ax)
            mstore(add(q, 32), ay)
            mstore(add(q, 64), 1)
            mstore(add(q, 96), mulmod(ax, ay, P))
            cache(q, add(tb, 256))
            // Entry 3: B + A (q still holds A).
            addCached(q, add(tb, 128))
            cache(q, add(tb, 384))

            // Straus: q := [s]B + [k2]A, bits 252 down to 0 (s, k2 <= L < 2^253).
            mstore(q, 0)
            mstore(add(q, 32), 1)
            mstore(add(q, 64), 1)
            mstore(add(q, 96), 0)
            for {
                let i := 253
            } i {} {
                i := sub(i, 1)
                dbl(q)
                let idx := or(and(shr(i, s), 1), shl(1, and(shr(i, k2), 1)))
                if idx {
                    addCached(q, add(tb, shl(7, idx)))
                }
            }

            // q := q - R, with -R = (-rx, ry) cached in entry 0; then three doublings.
            mstore(tb, addmod(ry, rx, P))
            mstore(add(tb, 32), addmod(ry, sub(P, rx), P))
            mstore(add(tb, 64), mulmod(sub(P, mulmod(rx, ry, P)), D2, P))
            mstore(add(tb, 96), 2)
            addCached(q, tb)
            dbl(q)
            dbl(q)
            dbl(q)
            ok := and(iszero(mload(q)), eq(mload(add(q, 32)), mload(add(q, 64))))
        }
    }
}
