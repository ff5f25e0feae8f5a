// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Sha512
/// @notice SHA-512 and SHA-384 (FIPS 180-4) in EVM assembly: Ethereum has no precompile for them. Used by the
///         OpenPGP signature verifier (hash algorithms 9 and 10) and by Ed25519 verification (RFC 8032).
/// @dev Cost: about 29,600 gas per 128-byte block plus about 1,800 gas per call (measured in
///      test/crypto/Sha512.test.ts). A message of `len` bytes has `(len + 17 + 127) / 128` blocks.
///      Every function uses memory past the free memory pointer as scratch (3,136 bytes) without
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
            // Scratch layout past the free memory pointer: K table at 0 and message schedule W at 1312, each
            // 80 64-bit values in 16-byte slots (value in the low 8 bytes; 1280 bytes + 32 slack), state
            // H0..H7 (8 words) at 2624, padded final blocks (256 bytes) at 2880. Two slots are two lanes of
            // one 256-bit word, which lets the message schedule compute two values per step.
            let kt := mload(0x40)
            let st := add(kt, 2624)
            let pad := add(kt, 2880)
            // The 80 round constants: K[t] = shr(128, mload(kt + 16 t)).
            mstore(kt, 0x0000000000000000428a2f98d728ae2200000000000000007137449123ef65cd)
            mstore(add(kt, 32), 0x0000000000000000b5c0fbcfec4d3b2f0000000000000000e9b5dba58189dbbc)
            mstore(add(kt, 64), 0x00000000000000003956c25bf348b538000000000000000059f111f1b605d019)
            mstore(add(kt, 96), 0x0000000000000000923f82a4af194f9b0000000000000000ab1c5ed5da6d8118)
            mstore(add(kt, 128), 0x0000000000000000d807aa98a3030242000000000000000012835b0145706fbe)
            mstore(add(kt, 160), 0x0000000000000000243185be4ee4b28c0000000000000000550c7dc3d5ffb4e2)
            mstore(add(kt, 192), 0x000000000000000072be5d74f27b896f000000000000000080deb1fe3b1696b1)
            mstore(add(kt, 224), 0x00000000000000009bdc06a725c712350000000000000000c19bf174cf692694)
            mstore(add(kt, 256), 0x0000000000000000e49b69c19ef14ad20000000000000000efbe4786384f25e3)
            mstore(add(kt, 288), 0x00000000000000000fc19dc68b8cd5b50000000000000000240ca1cc77ac9c65)
            mstore(add(kt, 320), 0x00000000000000002de92c6f592b027500000000000000004a7484aa6ea6e483)
            mstore(add(kt, 352), 0x00000000000000005cb0a9dcbd41fbd4000000000000000076f988da831153b5)
            mstore(add(kt, 384), 0x0000000000000000983e5152ee66dfab0000000000000000a831c66d2db43210)
            mstore(add(kt, 416), 0x0000000000000000b00327c898fb213f0000000000000000bf597fc7beef0ee4)
            mstore(add(kt, 448), 0x0000000000000000c6e00bf33da88fc20000000000000000d5a79147930aa725)
            mstore(add(kt, 480), 0x000000000000000006ca6351e003826f0000000000000000142929670a0e6e70)
            mstore(add(kt, 512), 0x000000000000000027b70a8546d22ffc00000000000000002e1b21385c26c926)
            mstore(add(kt, 544), 0x00000000000000004d2c6dfc5ac42aed000000000000000053380d139d95b3df)
            mstore(add(kt, 576), 0x0000000000000000650a73548baf63de0000000000000000766a0abb3c77b2a8)
            mstore(add(kt, 608), 0x000000000000000081c2c92e47edaee6000000000000000092722c851482353b)
            mstore(add(kt, 640), 0x0000000000000000a2bfe8a14cf103640000000000000000a81a664bbc423001)
            mstore(add(kt, 672), 0x0000000000000000c24b8b70d0f897910000000000000000c76c51a30654be30)
            mstore(add(kt, 704), 0x0000000000000000d192e819d6ef52180000000000000000d69906245565a910)
            mstore(add(kt, 736), 0x0000000000000000f40e35855771202a0000000000000000106aa07032bbd1b8)
            mstore(add(kt, 768), 0x000000000000000019a4c116b8d2d0c800000000000000001e376c085141ab53)
            mstore(add(kt, 800), 0x00000000000000002748774cdf8eeb99000000000000000034b0bcb5e19b48a8)
            mstore(add(kt, 832), 0x0000000000000000391c0cb3c5c95a6300000000000000004ed8aa4ae3418acb)
            mstore(add(kt, 864), 0x00000000000000005b9cca4f7763e3730000000000000000682e6ff3d6b2b8a3)
            mstore(add(kt, 896), 0x0000000000000000748f82ee5defb2fc000000000000000078a5636f43172f60)
            mstore(add(kt, 928), 0x000000000000000084c87814a1f0ab7200000000000000008cc702081a6439ec)
            mstore(add(kt, 960), 0x000000000000000090befffa23631e280000000000000000a4506cebde82bde9)
            mstore(add(kt, 992), 0x0000000000000000bef9a3f7b2c679150000000000000000c67178f2e372532b)
            mstore(add(kt, 1024), 0x0000000000000000ca273eceea26619c0000000000000000d186b8c721c0c207)
            mstore(add(kt, 1056), 0x0000000000000000eada7dd6cde0eb1e0000000000000000f57d4f7fee6ed178)
            mstore(add(kt, 1088), 0x000000000000000006f067aa72176fba00000000000000000a637dc5a2c898a6)
            mstore(add(kt, 1120), 0x0000000000000000113f9804bef90dae00000000000000001b710b35131c471b)
            mstore(add(kt, 1152), 0x000000000000000028db77f523047d84000000000000000032caab7b40c72493)
            mstore(add(kt, 1184), 0x00000000000000003c9ebe0a15c9bebc0000000000000000431d67c49c100d4c)
            mstore(add(kt, 1216), 0x00000000000000004cc5d4becb3e42b60000000000000000597f299cfc657e2a)
            mstore(add(kt, 1248), 0x00000000000000005fcb6fab3ad6faec00000000000000006c44198c4a475817)

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
                let wp := add(mload(0x40), 1312)
                // W[0..15]: the block's big-endian 64-bit words, two per 16-byte step, spread into lanes.
                for {
                    let i := 0
                } lt(i, 128) {
                    i := add(i, 16)
                } {
                    let v := mload(add(blk, i))
                    mstore(
                        add(wp, shl(1, i)),
                        or(shl(128, shr(192, v)), and(shr(128, v), 0xffffffffffffffff))
                    )
                }
                // W[t], W[t + 1] for t = 16, 18, .., 78, in the two lanes (bits 128..191 and 0..63) of one word:
                // sigma1 of W[t - 2..t - 1] + W[t - 7..t - 6] + sigma0 of W[t - 15..t - 14] + W[t - 16..t - 15].
                // A rotation is a shift of the lane doubled (x | x << 64); bits that leave a lane land in the
                // unused upper half of the lane below and are masked off before the sum.
                for {
                    let p := add(wp, 256)
                } lt(p, add(wp, 1280)) {
                    p := add(p, 64)
                } {
                    {
                        let x := mload(sub(p, 240))
                        let xx := or(x, shl(64, x))
                        let s0 := and(
                            xor(xor(shr(1, xx), shr(8, xx)), shr(7, x)),
                            0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff
                        )
                        x := mload(sub(p, 32))
                        xx := or(x, shl(64, x))
                        x := and(
                            xor(xor(shr(19, xx), shr(61, xx)), shr(6, x)),
                            0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff
                        )
                        x := add(add(s0, x), add(mload(sub(p, 112)), mload(sub(p, 256))))
                        mstore(p, and(x, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff))
                    }
                    {
                        let x := mload(sub(p, 208))
                        let xx := or(x, shl(64, x))
                        let s0 := and(
                            xor(xor(shr(1, xx), shr(8, xx)), shr(7, x)),
                            0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff
                        )
                        x := mload(p)
                        xx := or(x, shl(64, x))
                        x := and(
                            xor(xor(shr(19, xx), shr(61, xx)), shr(6, x)),
                            0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff
                        )
                        x := add(add(s0, x), add(mload(sub(p, 80)), mload(sub(p, 224))))
                        mstore(
                            add(p, 32),
                            and(x, 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff)
                        )
                    }
                }
                rounds()
            }

            // The 80 rounds over the schedule W and the state. Sums are reduced mod 2^64 only where a value is
            // kept or enters a bitwise operation: the bits above 64 of an intermediate never reach the low 64.
            function rounds() {
                let a := mload(add(mload(0x40), 2624))
                let b := mload(add(mload(0x40), 2656))
                let c := mload(add(mload(0x40), 2688))
                let d := mload(add(mload(0x40), 2720))
                let e := mload(add(mload(0x40), 2752))
                let f := mload(add(mload(0x40), 2784))
                let g := mload(add(mload(0x40), 2816))
                let h := mload(add(mload(0x40), 2848))
                // Eight rounds per iteration, the variables renamed instead of moved; h accumulates T1, then
                // T1 + T2.
                for {
                    let wt := add(mload(0x40), 1312)
                } lt(wt, add(mload(0x40), 2592)) {
                    wt := add(wt, 128)
                } {
                    {
                        let xx := or(e, shl(64, e))
                        h := add(
                            add(h, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(g, and(e, xor(f, g))),
                                add(shr(128, mload(wt)), shr(128, mload(sub(wt, 1312))))
                            )
                        )
                        d := and(add(d, h), 0xffffffffffffffff)
                        xx := or(a, shl(64, a))
                        h := and(
                            add(
                                add(h, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(a, b), and(c, or(a, b)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(d, shl(64, d))
                        g := add(
                            add(g, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(f, and(d, xor(e, f))),
                                add(shr(128, mload(add(wt, 16))), shr(128, mload(sub(wt, 1296))))
                            )
                        )
                        c := and(add(c, g), 0xffffffffffffffff)
                        xx := or(h, shl(64, h))
                        g := and(
                            add(
                                add(g, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(h, a), and(b, or(h, a)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(c, shl(64, c))
                        f := add(
                            add(f, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(e, and(c, xor(d, e))),
                                add(shr(128, mload(add(wt, 32))), shr(128, mload(sub(wt, 1280))))
                            )
                        )
                        b := and(add(b, f), 0xffffffffffffffff)
                        xx := or(g, shl(64, g))
                        f := and(
                            add(
                                add(f, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(g, h), and(a, or(g, h)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(b, shl(64, b))
                        e := add(
                            add(e, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(d, and(b, xor(c, d))),
                                add(shr(128, mload(add(wt, 48))), shr(128, mload(sub(wt, 1264))))
                            )
                        )
                        a := and(add(a, e), 0xffffffffffffffff)
                        xx := or(f, shl(64, f))
                        e := and(
                            add(
                                add(e, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(f, g), and(h, or(f, g)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(a, shl(64, a))
                        d := add(
                            add(d, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(c, and(a, xor(b, c))),
                                add(shr(128, mload(add(wt, 64))), shr(128, mload(sub(wt, 1248))))
                            )
                        )
                        h := and(add(h, d), 0xffffffffffffffff)
                        xx := or(e, shl(64, e))
                        d := and(
                            add(
                                add(d, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(e, f), and(g, or(e, f)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(h, shl(64, h))
                        c := add(
                            add(c, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(b, and(h, xor(a, b))),
                                add(shr(128, mload(add(wt, 80))), shr(128, mload(sub(wt, 1232))))
                            )
                        )
                        g := and(add(g, c), 0xffffffffffffffff)
                        xx := or(d, shl(64, d))
                        c := and(
                            add(
                                add(c, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(d, e), and(f, or(d, e)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(g, shl(64, g))
                        b := add(
                            add(b, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(a, and(g, xor(h, a))),
                                add(shr(128, mload(add(wt, 96))), shr(128, mload(sub(wt, 1216))))
                            )
                        )
                        f := and(add(f, b), 0xffffffffffffffff)
                        xx := or(c, shl(64, c))
                        b := and(
                            add(
                                add(b, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(c, d), and(e, or(c, d)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                    {
                        let xx := or(f, shl(64, f))
                        a := add(
                            add(a, xor(xor(shr(14, xx), shr(18, xx)), shr(41, xx))),
                            add(
                                xor(h, and(f, xor(g, h))),
                                add(shr(128, mload(add(wt, 112))), shr(128, mload(sub(wt, 1200))))
                            )
                        )
                        e := and(add(e, a), 0xffffffffffffffff)
                        xx := or(b, shl(64, b))
                        a := and(
                            add(
                                add(a, xor(xor(shr(28, xx), shr(34, xx)), shr(39, xx))),
                                or(and(b, c), and(d, or(b, c)))
                            ),
                            0xffffffffffffffff
                        )
                    }
                }
                let s := add(mload(0x40), 2624)
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
