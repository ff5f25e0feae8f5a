// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Sha512
/// @notice SHA-512 and SHA-384 (FIPS 180-4) in EVM assembly: Ethereum has no precompile for them. Used by the
///         OpenPGP signature verifier (hash algorithms 9 and 10) and by Ed25519 verification (RFC 8032).
/// @dev Cost: about 40,500 gas per 128-byte block plus about 1,300 gas per call (measured in
///      test/crypto/Sha512.test.ts). A message of `len` bytes has `(len + 17 + 127) / 128` blocks.
///      Every function uses memory past the free memory pointer as scratch (about 1,700 bytes) without
///      allocating it; the hashed bytes must lie below the free memory pointer.
library Sha512 {
    /// @notice SHA-512 of `data`.
    /// @return hi The first 32 octets of the 64-octet digest (big-endian, as the digest is written).
    /// @return lo The last 32 octets of the digest.
    function sha512(bytes memory data) internal pure returns (bytes32 hi, bytes32 lo) {
        uint256 ptr;
        uint256 len;
        assembly ("memory-safe") {
            ptr := add(data, 32)
            len := mload(data)
        }
        return _hash(ptr, len, false);
    }

    /// @notice SHA-512 of the `len` bytes of memory at `ptr`, without copying them.
    /// @dev The range must lie below the free memory pointer (the scratch space starts there).
    /// @return hi The first 32 octets of the digest.
    /// @return lo The last 32 octets of the digest.
    function sha512At(uint256 ptr, uint256 len) internal pure returns (bytes32 hi, bytes32 lo) {
        return _hash(ptr, len, false);
    }

    /// @notice SHA-384 of `data`.
    /// @return hi The first 32 octets of the 48-octet digest.
    /// @return lo The last 16 octets of the digest.
    function sha384(bytes memory data) internal pure returns (bytes32 hi, bytes16 lo) {
        uint256 ptr;
        uint256 len;
        assembly ("memory-safe") {
            ptr := add(data, 32)
            len := mload(data)
        }
        bytes32 last;
        (hi, last) = _hash(ptr, len, true);
        lo = bytes16(last);
    }

    /// @notice SHA-384 of the `len` bytes of memory at `ptr`, without copying them (same rule as sha512At).
    function sha384At(uint256 ptr, uint256 len) internal pure returns (bytes32 hi, bytes16 lo) {
        bytes32 last;
        (hi, last) = _hash(ptr, len, true);
        lo = bytes16(last);
    }

    /// @dev The SHA-512 family core: `is384` picks SHA-384's initial values; the caller truncates.
    function _hash(uint256 ptr, uint256 len, bool is384) private pure returns (bytes32 hi, bytes32 lo) {
        assembly ("memory-safe") {
            // Scratch layout past the free memory pointer: K table (640 bytes + 32 slack), message schedule W
            // (640 + 32), state H0..H7 (8 words), padded final blocks (256 bytes).
            let kt := mload(0x40)
            let w := add(kt, 672)
            let st := add(w, 672)
            let pad := add(st, 256)
            // The 80 round constants, 64 bits each, packed big-endian: K[t] = shr(192, mload(kt + 8 t)).
            mstore(kt, 0x428a2f98d728ae227137449123ef65cdb5c0fbcfec4d3b2fe9b5dba58189dbbc)
            mstore(add(kt, 32), 0x3956c25bf348b53859f111f1b605d019923f82a4af194f9bab1c5ed5da6d8118)
            mstore(add(kt, 64), 0xd807aa98a303024212835b0145706fbe243185be4ee4b28c550c7dc3d5ffb4e2)
            mstore(add(kt, 96), 0x72be5d74f27b896f80deb1fe3b1696b19bdc06a725c71235c19bf174cf692694)
            mstore(add(kt, 128), 0xe49b69c19ef14ad2efbe4786384f25e30fc19dc68b8cd5b5240ca1cc77ac9c65)
            mstore(add(kt, 160), 0x2de92c6f592b02754a7484aa6ea6e4835cb0a9dcbd41fbd476f988da831153b5)
            mstore(add(kt, 192), 0x983e5152ee66dfaba831c66d2db43210b00327c898fb213fbf597fc7beef0ee4)
            mstore(add(kt, 224), 0xc6e00bf33da88fc2d5a79147930aa72506ca6351e003826f142929670a0e6e70)
            mstore(add(kt, 256), 0x27b70a8546d22ffc2e1b21385c26c9264d2c6dfc5ac42aed53380d139d95b3df)
            mstore(add(kt, 288), 0x650a73548baf63de766a0abb3c77b2a881c2c92e47edaee692722c851482353b)
            mstore(add(kt, 320), 0xa2bfe8a14cf10364a81a664bbc423001c24b8b70d0f89791c76c51a30654be30)
            mstore(add(kt, 352), 0xd192e819d6ef5218d69906245565a910f40e35855771202a106aa07032bbd1b8)
            mstore(add(kt, 384), 0x19a4c116b8d2d0c81e376c085141ab532748774cdf8eeb9934b0bcb5e19b48a8)
            mstore(add(kt, 416), 0x391c0cb3c5c95a634ed8aa4ae3418acb5b9cca4f7763e373682e6ff3d6b2b8a3)
            mstore(add(kt, 448), 0x748f82ee5defb2fc78a5636f43172f6084c87814a1f0ab728cc702081a6439ec)
            mstore(add(kt, 480), 0x90befffa23631e28a4506cebde82bde9bef9a3f7b2c67915c67178f2e372532b)
            mstore(add(kt, 512), 0xca273eceea26619cd186b8c721c0c207eada7dd6cde0eb1ef57d4f7fee6ed178)
            mstore(add(kt, 544), 0x06f067aa72176fba0a637dc5a2c898a6113f9804bef90dae1b710b35131c471b)
            mstore(add(kt, 576), 0x28db77f523047d8432caab7b40c724933c9ebe0a15c9bebc431d67c49c100d4c)
            mstore(add(kt, 608), 0x4cc5d4becb3e42b6597f299cfc657e2a5fcb6fab3ad6faec6c44198c4a475817)

            switch is384
            case 0 {
                mstore(st, 0x6a09e667f3bcc908)
                mstore(add(st, 32), 0xbb67ae8584caa73b)
                mstore(add(st, 64), 0x3c6ef372fe94f82b)
                mstore(add(st, 96), 0xa54ff53a5f1d36f1)
                mstore(add(st, 128), 0x510e527fade682d1)
                mstore(add(st, 160), 0x9b05688c2b3e6c1f)
                mstore(add(st, 192), 0x1f83d9abfb41bd6b)
                mstore(add(st, 224), 0x5be0cd19137e2179)
            }
            default {
                mstore(st, 0xcbbb9d5dc1059ed8)
                mstore(add(st, 32), 0x629a292a367cd507)
                mstore(add(st, 64), 0x9159015a3070dd17)
                mstore(add(st, 96), 0x152fecd8f70e5939)
                mstore(add(st, 128), 0x67332667ffc00b31)
                mstore(add(st, 160), 0x8eb44a8768581511)
                mstore(add(st, 192), 0xdb0c2e0d64f98fa7)
                mstore(add(st, 224), 0x47b5481dbefa4fa4)
            }
            // One 128-byte block at `blk` into the state, with the layout above (found from the free memory
            // pointer, to keep the stack small): the message schedule first, then the 80 rounds.
            function compress(blk) {
                let wp := add(mload(0x40), 672)
                mcopy(wp, blk, 128)
                for {
                    let p := add(wp, 128)
                } lt(p, add(wp, 640)) {
                    p := add(p, 8)
                } {
                    let x := shr(192, mload(sub(p, 120)))
                    let xx := or(x, shl(64, x))
                    let s0 := xor(xor(shr(1, xx), shr(8, xx)), shr(7, x))
                    x := shr(192, mload(sub(p, 16)))
                    xx := or(x, shl(64, x))
                    x := add(
                        add(s0, xor(xor(shr(19, xx), shr(61, xx)), shr(6, x))),
                        add(shr(192, mload(sub(p, 56))), shr(192, mload(sub(p, 128))))
                    )
                    mstore(p, shl(192, x))
                }
                rounds()
            }

            // The 80 rounds over the schedule W and the state. Sums are reduced mod 2^64 only where a value is
            // kept or enters a bitwise operation: the bits above 64 of an intermediate never reach the low 64.
            function rounds() {
                let a := mload(add(mload(0x40), 1344))
                let b := mload(add(mload(0x40), 1376))
                let c := mload(add(mload(0x40), 1408))
                let d := mload(add(mload(0x40), 1440))
                let e := mload(add(mload(0x40), 1472))
                let f := mload(add(mload(0x40), 1504))
                let g := mload(add(mload(0x40), 1536))
                let h := mload(add(mload(0x40), 1568))
                // Eight rounds per iteration, the variables renamed instead of moved; h accumulates T1, then
                // T1 + T2.
                for {
                    let wt := add(mload(0x40), 672)
                } lt(wt, add(mload(0x40), 1312)) {
                    wt := add(wt, 64)
                } {
                    {
                        let xx := or(e, shl(64, e))
                        h := add(h, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        h := add(h, xor(g, and(e, xor(f, g))))
                        h := add(h, add(shr(192, mload(wt)), shr(192, mload(sub(wt, 672)))))
                        d := and(add(d, h), 0xffffffffffffffff)
                        xx := or(a, shl(64, a))
                        h := add(h, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        h := and(add(h, or(and(a, b), and(c, or(a, b)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(d, shl(64, d))
                        g := add(g, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        g := add(g, xor(f, and(d, xor(e, f))))
                        g := add(g, add(shr(192, mload(add(wt, 8))), shr(192, mload(sub(wt, 664)))))
                        c := and(add(c, g), 0xffffffffffffffff)
                        xx := or(h, shl(64, h))
                        g := add(g, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        g := and(add(g, or(and(h, a), and(b, or(h, a)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(c, shl(64, c))
                        f := add(f, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        f := add(f, xor(e, and(c, xor(d, e))))
                        f := add(f, add(shr(192, mload(add(wt, 16))), shr(192, mload(sub(wt, 656)))))
                        b := and(add(b, f), 0xffffffffffffffff)
                        xx := or(g, shl(64, g))
                        f := add(f, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        f := and(add(f, or(and(g, h), and(a, or(g, h)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(b, shl(64, b))
                        e := add(e, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        e := add(e, xor(d, and(b, xor(c, d))))
                        e := add(e, add(shr(192, mload(add(wt, 24))), shr(192, mload(sub(wt, 648)))))
                        a := and(add(a, e), 0xffffffffffffffff)
                        xx := or(f, shl(64, f))
                        e := add(e, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        e := and(add(e, or(and(f, g), and(h, or(f, g)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(a, shl(64, a))
                        d := add(d, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        d := add(d, xor(c, and(a, xor(b, c))))
                        d := add(d, add(shr(192, mload(add(wt, 32))), shr(192, mload(sub(wt, 640)))))
                        h := and(add(h, d), 0xffffffffffffffff)
                        xx := or(e, shl(64, e))
                        d := add(d, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        d := and(add(d, or(and(e, f), and(g, or(e, f)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(h, shl(64, h))
                        c := add(c, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        c := add(c, xor(b, and(h, xor(a, b))))
                        c := add(c, add(shr(192, mload(add(wt, 40))), shr(192, mload(sub(wt, 632)))))
                        g := and(add(g, c), 0xffffffffffffffff)
                        xx := or(d, shl(64, d))
                        c := add(c, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        c := and(add(c, or(and(d, e), and(f, or(d, e)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(g, shl(64, g))
                        b := add(b, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        b := add(b, xor(a, and(g, xor(h, a))))
                        b := add(b, add(shr(192, mload(add(wt, 48))), shr(192, mload(sub(wt, 624)))))
                        f := and(add(f, b), 0xffffffffffffffff)
                        xx := or(c, shl(64, c))
                        b := add(b, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        b := and(add(b, or(and(c, d), and(e, or(c, d)))), 0xffffffffffffffff)
                    }
                    {
                        let xx := or(f, shl(64, f))
                        a := add(a, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx)))
                        a := add(a, xor(h, and(f, xor(g, h))))
                        a := add(a, add(shr(192, mload(add(wt, 56))), shr(192, mload(sub(wt, 616)))))
                        e := and(add(e, a), 0xffffffffffffffff)
                        xx := or(b, shl(64, b))
                        a := add(a, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx)))
                        a := and(add(a, or(and(b, c), and(d, or(b, c)))), 0xffffffffffffffff)
                    }
                }
                let s := add(mload(0x40), 1344)
                mstore(s, and(add(mload(s), a), 0xffffffffffffffff))
                mstore(add(s, 32), and(add(mload(add(s, 32)), b), 0xffffffffffffffff))
                mstore(add(s, 64), and(add(mload(add(s, 64)), c), 0xffffffffffffffff))
                mstore(add(s, 96), and(add(mload(add(s, 96)), d), 0xffffffffffffffff))
                mstore(add(s, 128), and(add(mload(add(s, 128)), e), 0xffffffffffffffff))
                mstore(add(s, 160), and(add(mload(add(s, 160)), f), 0xffffffffffffffff))
                mstore(add(s, 192), and(add(mload(add(s, 192)), g), 0xffffffffffffffff))
                mstore(add(s, 224), and(add(mload(add(s, 224)), h), 0xffffffffffffffff))
            }

            // Whole blocks straight from the input.
            let end := add(ptr, and(len, not(127)))
            for {
                let p := ptr
            } lt(p, end) {
                p := add(p, 128)
            } {
                compress(p)
            }

            // The rest, 0x80, zeros and the 128-bit bit length, in one or two blocks.
            let rem := and(len, 127)
            let padLen := 128
            if gt(rem, 111) {
                padLen := 256
            }
            for {
                let i := 0
            } lt(i, padLen) {
                i := add(i, 32)
            } {
                mstore(add(pad, i), 0)
            }
            mstore(add(pad, sub(padLen, 32)), shl(3, len))
            mcopy(pad, end, rem)
            mstore8(add(pad, rem), 0x80)
            compress(pad)
            if eq(padLen, 256) {
                compress(add(pad, 128))
            }

            hi := or(
                or(shl(192, mload(st)), shl(128, mload(add(st, 32)))),
                or(shl(64, mload(add(st, 64))), mload(add(st, 96)))
            )
            lo := or(
                or(shl(192, mload(add(st, 128))), shl(128, mload(add(st, 160)))),
                or(shl(64, mload(add(st, 192))), mload(add(st, 224)))
            )
        }
    }
}
