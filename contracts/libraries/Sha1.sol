// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Sha1
/// @notice SHA-1 (FIPS 180-4), only to compute OpenPGP version-4 key fingerprints on chain (SHA-1 is not a
///         precompile). Not for anything that needs collision resistance: here it names a key whose bytes are
///         already pinned by keccak256. Roughly 10,000 gas per 64-byte block.
library Sha1 {
    /// @notice SHA-1 of the `len` bytes of memory at `ptr`. Uses memory past the free memory pointer as
    ///         scratch (`len` + 64 + 2,560 bytes) without allocating it.
    function hash(uint256 ptr, uint256 len) internal pure returns (bytes20 digest) {
        assembly ("memory-safe") {
            function rotl(x, n) -> y {
                y := and(or(shl(n, x), shr(sub(32, n), x)), 0xffffffff)
            }

            // Round function and constant of round t.
            function fk(t, b, c, d) -> f, k {
                switch div(t, 20)
                case 0 {
                    f := or(and(b, c), and(xor(b, 0xffffffff), d))
                    k := 0x5A827999
                }
                case 1 {
                    f := xor(b, xor(c, d))
                    k := 0x6ED9EBA1
                }
                case 2 {
                    f := or(or(and(b, c), and(b, d)), and(c, d))
                    k := 0x8F1BBCDC
                }
                default {
                    f := xor(b, xor(c, d))
                    k := 0xCA62C1D6
                }
            }

            // One 64-byte block at `blk`; the state h0..h4 is packed in one word (h0 highest); `w` is scratch
            // for the 80-word message schedule.
            function compress(blk, w, h) -> out {
                for {
                    let t := 0
                } lt(t, 16) {
                    t := add(t, 1)
                } {
                    mstore(add(w, shl(5, t)), shr(224, mload(add(blk, shl(2, t)))))
                }
                for {
                    let p := add(w, 512)
                } lt(p, add(w, 2560)) {
                    p := add(p, 32)
                } {
                    let x := xor(
                        xor(mload(sub(p, 96)), mload(sub(p, 256))),
                        xor(mload(sub(p, 448)), mload(sub(p, 512)))
                    )
                    mstore(p, rotl(x, 1))
                }
                let a := shr(128, h)
                let b := and(shr(96, h), 0xffffffff)
                let c := and(shr(64, h), 0xffffffff)
                let d := and(shr(32, h), 0xffffffff)
                let e := and(h, 0xffffffff)
                for {
                    let t := 0
                } lt(t, 80) {
                    t := add(t, 1)
                } {
                    let f, k := fk(t, b, c, d)
                    let temp := and(
                        add(add(add(add(rotl(a, 5), f), e), k), mload(add(w, shl(5, t)))),
                        0xffffffff
                    )
                    e := d
                    d := c
                    c := rotl(b, 30)
                    b := a
                    a := temp
                }
                out := or(
                    shl(128, and(add(shr(128, h), a), 0xffffffff)),
                    or(
                        shl(96, and(add(shr(96, h), b), 0xffffffff)),
                        or(
                            shl(64, and(add(shr(64, h), c), 0xffffffff)),
                            or(shl(32, and(add(shr(32, h), d), 0xffffffff)), and(add(h, e), 0xffffffff))
                        )
                    )
                )
            }

            // Padded message: data || 0x80 || zeros || uint64be(bit length), a multiple of 64 bytes.
            let buf := mload(0x40)
            let padEnd := add(buf, mul(div(add(len, 72), 64), 64))
            mcopy(buf, ptr, len)
            for {
                let q := add(buf, len)
            } lt(q, padEnd) {
                q := add(q, 32)
            } {
                mstore(q, 0)
            }
            mstore8(add(buf, len), 0x80)
            mstore(sub(padEnd, 32), or(and(mload(sub(padEnd, 32)), not(0xffffffffffffffff)), mul(len, 8)))

            let h := 0x67452301EFCDAB8998BADCFE10325476C3D2E1F0
            for {
                let blk := buf
            } lt(blk, padEnd) {
                blk := add(blk, 64)
            } {
                h := compress(blk, padEnd, h)
            }
            digest := shl(96, h)
        }
    }
}
