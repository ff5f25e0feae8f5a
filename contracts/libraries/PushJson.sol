// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title PushJson
/// @notice Rebuilds, byte for byte, the UTF-8 text of JavaScript's `JSON.stringify` for the objects the Push Chat SDK
///         signs (string values, `null`, pre-serialized values), and renders a SHA-256 digest as the 64 lowercase
///         hex characters the SDK signs.
///
///         String escaping, exactly as ECMAScript's `JSON.stringify` (ES2019, well-formed): `"` -> `\"`,
///         `\` -> `\\`, U+0008 `\b`, U+0009 `\t`, U+000A `\n`, U+000C `\f`, U+000D `\r`, every other code point below
///         U+0020 -> `\u00xx` (lowercase hex), a lone surrogate -> `\udxxx` (lowercase hex); everything else
///         (`/`, U+007F, U+2028, U+2029, characters outside the BMP...) is written raw as UTF-8.
///
///         Input encoding: a JavaScript string is carried as its WTF-8 bytes (UTF-8, where a lone surrogate
///         U+D800..U+DFFF is written as the 3-byte sequence `ED A0..BF 80..BF`, as WTF-8 and `Buffer`-less encoders
///         do; a surrogate pair is one 4-byte UTF-8 character). For every JavaScript string `s`,
///         `escape(wtf8(s)) == utf8(JSON.stringify(s))` without the quotes. Bytes that are not WTF-8 (invalid UTF-8,
///         a pair written as two 3-byte sequences) are copied raw or escaped by the same rules: the result is still
///         an injective encoding (distinct inputs, distinct outputs) but it is no JavaScript string's.
/// @dev Writers take a memory pointer and return the pointer after what they wrote; they do not allocate and may write
///      up to 32 bytes past that end. Use {begin} / {finish} around a sequence of writes and allocate nothing in
///      between. Cost: about 70 gas per 32 bytes of input without a special byte (four words per loop), about
///      400 more per special byte (less when several share a word).
library PushJson {
    uint256 private constant _L7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    uint256 private constant _H = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _B60 = 0x6060606060606060606060606060606060606060606060606060606060606060;
    uint256 private constant _B22 = 0x2222222222222222222222222222222222222222222222222222222222222222;
    uint256 private constant _B5C = 0x5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c;
    uint256 private constant _BED = 0xedededededededededededededededededededededededededededededededed;
    uint256 private constant _B20 = 0x2020202020202020202020202020202020202020202020202020202020202020;
    uint256 private constant _B01 = 0x0101010101010101010101010101010101010101010101010101010101010101;
    uint256 private constant _B02 = 0x0202020202020202020202020202020202020202020202020202020202020202;
    /// @notice The SHA-256 precompile call failed (out of gas).
    error PushJsonSha256Failed();

    /// @notice Start of a sequence of writes: the free memory pointer plus one word (room for the length).
    function begin() internal pure returns (uint256 dst) {
        assembly {
            dst := add(mload(0x40), 32)
        }
    }

    /// @notice Ends a sequence of writes started at `start` (from {begin}) and ended at `end`: returns them as a
    ///         `bytes` and moves the free memory pointer past them.
    function finish(uint256 start, uint256 end) internal pure returns (bytes memory out) {
        assembly {
            out := sub(start, 32)
            mstore(out, sub(end, start))
            mstore(0x40, and(add(end, 31), not(31)))
        }
    }

    /// @notice Writes the first `len` (<= 32) bytes of `lit` at `dst`.
    function writeLiteral(uint256 dst, bytes32 lit, uint256 len) internal pure returns (uint256) {
        assembly {
            mstore(dst, lit)
        }
        return dst + len;
    }

    /// @notice Copies `s` verbatim to `dst`.
    function writeRaw(uint256 dst, bytes memory s) internal pure returns (uint256 end) {
        assembly {
            let len := mload(s)
            let src := add(s, 32)
            for {
                let i := 0
            } lt(i, len) {
                i := add(i, 32)
            } {
                mstore(add(dst, i), mload(add(src, i)))
            }
            end := add(dst, len)
        }
    }

    /// @notice Writes `s` as a JSON string: `"`, the escaped bytes ({writeEscaped}), `"`.
    function writeQuoted(uint256 dst, bytes memory s) internal pure returns (uint256 end) {
        assembly {
            mstore8(dst, 0x22)
        }
        end = writeEscaped(dst + 1, s);
        assembly {
            mstore8(end, 0x22)
            end := add(end, 1)
        }
    }

    /// @notice Writes the bytes of `s` JSON-escaped (no quotes) at `dst`, per the rules of this library's notice.
    /// @dev Scans a word at a time with a test that never misses a special byte (it may flag a word holding `]`
    ///      or a byte >= 0x80 that needs nothing: the exact per-byte mask then decides). Runs of bytes that need no
    ///      escape are copied with `mcopy`; `"` and `\` get a `\` written before them and start the next run.
    function writeEscaped(uint256 dst, bytes memory s) internal pure returns (uint256 end) {
        uint256 src;
        uint256 len;
        assembly {
            src := add(s, 32)
            len := mload(s)
        }
        return writeEscapedAt(dst, src, len);
    }

    /// @notice {writeEscaped} of the `len` bytes at memory `src`.
    function writeEscapedAt(uint256 dst, uint256 src, uint256 len) internal pure returns (uint256 end) {
        assembly {
            function hexDigit(d) -> c {
                c := add(d, add(0x30, mul(gt(d, 9), 0x27)))
            }
            let srcEnd := add(src, len)
            let lim128 := sub(srcEnd, 127)
            let lim32 := sub(srcEnd, 31)
            let run := src // first byte not yet written
            let p := src // first byte not yet scanned
            end := dst
            for {} 1 {} {
                // Bit 7 of some byte of `or(or(w - 0x20.., w), or(y - 0x01.., y + 0x02..))`, y = w ^ 0x22.., is set
                // when a word may hold a byte < 0x20, `"`, `\` or >= 0x80, and always when it does (a borrow or
                // carry starts only at such a byte, so the lowest one is flagged exactly).
                for {} lt(p, lim128) {
                    p := add(p, 128)
                } {
                    let w := mload(p)
                    let y := xor(w, _B22)
                    if and(or(or(sub(w, _B20), w), or(sub(y, _B01), add(y, _B02))), _H) {
                        break
                    }
                    w := mload(add(p, 32))
                    y := xor(w, _B22)
                    if and(or(or(sub(w, _B20), w), or(sub(y, _B01), add(y, _B02))), _H) {
                        p := add(p, 32)
                        break
                    }
                    w := mload(add(p, 64))
                    y := xor(w, _B22)
                    if and(or(or(sub(w, _B20), w), or(sub(y, _B01), add(y, _B02))), _H) {
                        p := add(p, 64)
                        break
                    }
                    w := mload(add(p, 96))
                    y := xor(w, _B22)
                    if and(or(or(sub(w, _B20), w), or(sub(y, _B01), add(y, _B02))), _H) {
                        p := add(p, 96)
                        break
                    }
                }
                if iszero(lt(p, lim128)) {
                    for {} lt(p, lim32) {
                        p := add(p, 32)
                    } {
                        let w := mload(p)
                        let y := xor(w, _B22)
                        if and(or(or(sub(w, _B20), w), or(sub(y, _B01), add(y, _B02))), _H) {
                            break
                        }
                    }
                }
                if iszero(lt(p, srcEnd)) {
                    break
                }
                let w := mload(p)
                // Per byte, bit 7 set when the byte is NOT special: >= 0x20, != 0x22, != 0x5C, != 0xED.
                let ok := or(add(and(w, _L7), _B60), w)
                let y := xor(w, _B22)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                y := xor(w, _B5C)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                y := xor(w, _BED)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                let m := and(not(ok), _H)
                if lt(sub(srcEnd, p), 32) {
                    m := and(m, not(shr(shl(3, sub(srcEnd, p)), not(0))))
                }
                if iszero(m) {
                    // A false alarm (or the clean tail): nothing to escape in this word.
                    p := add(p, 32)
                    continue
                }
                // Every special byte of this word, from the one mask (a lone surrogate ends the word's turn).
                let isEd := 0
                for {} 1 {} {
                    // k = number of bytes before the first special one left: flag every byte from it to the end
                    // of the word, count the flags (their sum lands in the top byte of the product).
                    let k := or(m, shr(8, m))
                    k := or(k, shr(16, k))
                    k := or(k, shr(32, k))
                    k := or(k, shr(64, k))
                    k := or(k, shr(128, k))
                    k := sub(32, shr(248, mul(shr(7, k), _B01)))
                    let b := byte(k, w)
                    k := add(p, k)
                    if eq(b, 0xed) {
                        isEd := 1
                        p := k
                        break
                    }
                    mcopy(end, run, sub(k, run))
                    end := add(end, sub(k, run))
                    switch lt(b, 0x20)
                    case 0 {
                        // `"` or `\`: a backslash, then the byte itself as the first of the next run.
                        mstore8(end, 0x5c)
                        end := add(end, 1)
                        run := k
                    }
                    default {
                        // \b \t \n \f \r, or \u00XY (lowercase) for the other control characters.
                        let c := byte(b, 0x000000000000000062746e006672000000000000000000000000000000000000)
                        switch c
                        case 0 {
                            mstore(end, shl(224, 0x5c753030))
                            mstore8(add(end, 4), add(0x30, shr(4, b)))
                            mstore8(add(end, 5), hexDigit(and(b, 15)))
                            end := add(end, 6)
                        }
                        default {
                            mstore(end, shl(240, or(0x5c00, c)))
                            end := add(end, 2)
                        }
                        run := add(k, 1)
                    }
                    // Clear the flags up to and including this byte.
                    m := and(m, shr(shl(3, add(sub(k, p), 1)), not(0)))
                    if iszero(m) {
                        p := add(k, 1)
                        break
                    }
                }
                if isEd {
                    // A lone surrogate in WTF-8 (ED A0..BF 80..BF) becomes \udXYZ; any other 0xED stays raw.
                    let t := mload(p)
                    let b1 := byte(1, t)
                    let b2 := byte(2, t)
                    if iszero(
                        and(
                            lt(add(p, 2), srcEnd),
                            and(and(gt(b1, 0x9f), lt(b1, 0xc0)), and(gt(b2, 0x7f), lt(b2, 0xc0)))
                        )
                    ) {
                        p := add(p, 1)
                        continue
                    }
                    mcopy(end, run, sub(p, run))
                    end := add(end, sub(p, run))
                    // XYZ = the low 12 bits of the code unit, lowercase.
                    let u := or(shl(6, and(b1, 0x3f)), and(b2, 0x3f))
                    mstore(end, shl(232, 0x5c7564))
                    mstore8(add(end, 3), hexDigit(shr(8, u)))
                    mstore8(add(end, 4), hexDigit(and(shr(4, u), 15)))
                    mstore8(add(end, 5), hexDigit(and(u, 15)))
                    end := add(end, 6)
                    p := add(p, 3)
                    run := p
                }
            }
            mcopy(end, run, sub(srcEnd, run))
            end := add(end, sub(srcEnd, run))
        }
    }

    /// @notice `JSON.stringify(s)` for the JavaScript string whose WTF-8 bytes are `s` (quotes included).
    function quote(bytes memory s) internal pure returns (bytes memory) {
        uint256 start = begin();
        return finish(start, writeQuoted(start, s));
    }

    /// @notice The 64 lowercase hex characters of `digest` (no `0x`), as CryptoJS's `toString(enc.Hex)` writes them.
    function hex64(bytes32 digest) internal pure returns (bytes memory out) {
        out = new bytes(64);
        uint256 hi = _hex32(uint256(digest) >> 128);
        uint256 lo = _hex32(uint256(digest) & type(uint128).max);
        assembly {
            mstore(add(out, 32), hi)
            mstore(add(out, 64), lo)
        }
    }

    /// @notice `hex64(sha256(data))`: the text the Push Chat SDK signs for the JSON preimage `data`.
    function sha256Hex(bytes memory data) internal view returns (bytes memory) {
        return hex64(sha256Of(data));
    }

    /// @notice SHA-256 of `data`, hashed where it lies (the `sha256` builtin copies its argument first). Reverts with
    ///         {PushJsonSha256Failed} if the precompile call fails (out of gas): never a wrong digest.
    function sha256Of(bytes memory data) internal view returns (bytes32 digest) {
        bool ok;
        assembly {
            ok := staticcall(gas(), 0x02, add(data, 32), mload(data), 0x00, 0x20)
            digest := mload(0x00)
        }
        if (!ok) revert PushJsonSha256Failed();
    }

    /// 16 bytes -> 32 lowercase hex characters (most significant nibble first).
    function _hex32(uint256 x) private pure returns (uint256 r) {
        x = (x | (x << 64)) & 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff;
        x = (x | (x << 32)) & 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff;
        x = (x | (x << 16)) & 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff;
        x = (x | (x << 8)) & 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff;
        x = (x | (x << 4)) & 0x0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f;
        // nibble n -> '0' + n, plus 0x27 ('a' - '0' - 10) where n >= 10.
        uint256 ge10 =
            ((x + 0x0606060606060606060606060606060606060606060606060606060606060606) &
                0x1010101010101010101010101010101010101010101010101010101010101010) >> 4;
        r = x + 0x3030303030303030303030303030303030303030303030303030303030303030 + ge10 * 0x27;
    }
}
