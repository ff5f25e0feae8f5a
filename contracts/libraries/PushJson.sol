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
///      between. Cost: about 100 gas per 32 bytes of input without a special byte, about 150 more per escape.
library PushJson {
    uint256 private constant _L7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    uint256 private constant _H = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _B60 = 0x6060606060606060606060606060606060606060606060606060606060606060;
    uint256 private constant _B22 = 0x2222222222222222222222222222222222222222222222222222222222222222;
    uint256 private constant _B5C = 0x5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c;
    uint256 private constant _BED = 0xedededededededededededededededededededededededededededededededed;
    uint256 private constant _B6D = 0x6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d6d;
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
    /// @dev Word at a time: a 32-byte word without `"`, `\`, a control byte or `0xED` is copied whole; otherwise the
    ///      bytes before the first such byte are copied and that byte is escaped. Each byte class is detected exactly
    ///      per byte (no carry crosses a byte), so the first special byte is found by counting leading zero bytes.
    function writeEscaped(uint256 dst, bytes memory s) internal pure returns (uint256 end) {
        assembly {
            function hexDigit(d) -> c {
                c := add(d, add(0x30, mul(gt(d, 9), 0x27)))
            }
            let src := add(s, 32)
            let len := mload(s)
            let srcEnd := add(src, len)
            let i := 0
            end := dst
            for {} lt(i, len) {} {
                // Fast run: whole words without a special byte are copied as they are.
                {
                    let p := add(src, i)
                    let delta := sub(end, p)
                    let lim := sub(srcEnd, 31)
                    for {} lt(p, lim) {
                        p := add(p, 32)
                    } {
                        let w := mload(p)
                        let x7 := and(w, _L7)
                        // bit 7 per byte: (>= 0x20 and != 0x22 and != 0x5C, or >= 0x80) and (!= 0xED)
                        if iszero(
                            eq(
                                and(
                                    and(
                                        or(
                                            and(
                                                and(add(x7, _B60), add(xor(x7, _B22), _L7)),
                                                add(xor(x7, _B5C), _L7)
                                            ),
                                            w
                                        ),
                                        or(add(xor(x7, _B6D), _L7), not(w))
                                    ),
                                    _H
                                ),
                                _H
                            )
                        ) {
                            break
                        }
                        mstore(add(p, delta), w)
                    }
                    end := add(p, delta)
                    i := sub(p, src)
                }
                if iszero(lt(i, len)) {
                    break
                }
                let w := mload(add(src, i))
                // Per byte, bit 7 set when the byte is NOT special: >= 0x20, != 0x22, != 0x5C, != 0xED.
                let ok := or(add(and(w, _L7), _B60), w)
                let y := xor(w, _B22)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                y := xor(w, _B5C)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                y := xor(w, _BED)
                ok := and(ok, or(add(and(y, _L7), _L7), y))
                let m := and(not(ok), _H)
                let rem := sub(len, i)
                if lt(rem, 32) {
                    m := and(m, not(shr(mul(rem, 8), not(0))))
                }
                // Every special byte of this word, from the one mask: copy the clean bytes before it, escape it.
                let n := 32
                if lt(rem, 32) {
                    n := rem
                }
                let pos := 0
                for {} 1 {} {
                    let sh := shl(3, pos)
                    let mm := shl(sh, m)
                    mstore(end, shl(sh, w))
                    if iszero(mm) {
                        end := add(end, sub(n, pos))
                        pos := n
                        break
                    }
                    // k = number of clean bytes before the next special one.
                    let k := 0
                    if iszero(shr(128, mm)) {
                        k := 16
                        mm := shl(128, mm)
                    }
                    if iszero(shr(192, mm)) {
                        k := add(k, 8)
                        mm := shl(64, mm)
                    }
                    if iszero(shr(224, mm)) {
                        k := add(k, 4)
                        mm := shl(32, mm)
                    }
                    if iszero(shr(240, mm)) {
                        k := add(k, 2)
                        mm := shl(16, mm)
                    }
                    if iszero(shr(248, mm)) {
                        k := add(k, 1)
                    }
                    end := add(end, k)
                    pos := add(pos, k)
                    let b := byte(pos, w)
                    // 0xED reads the bytes after it, maybe in the next word: handled below.
                    if eq(b, 0xed) {
                        break
                    }
                    pos := add(pos, 1)
                    switch b
                    case 0x22 {
                        mstore(end, shl(240, 0x5c22))
                        end := add(end, 2)
                    }
                    case 0x5c {
                        mstore(end, shl(240, 0x5c5c))
                        end := add(end, 2)
                    }
                    case 0x08 {
                        mstore(end, shl(240, 0x5c62))
                        end := add(end, 2)
                    }
                    case 0x09 {
                        mstore(end, shl(240, 0x5c74))
                        end := add(end, 2)
                    }
                    case 0x0a {
                        mstore(end, shl(240, 0x5c6e))
                        end := add(end, 2)
                    }
                    case 0x0c {
                        mstore(end, shl(240, 0x5c66))
                        end := add(end, 2)
                    }
                    case 0x0d {
                        mstore(end, shl(240, 0x5c72))
                        end := add(end, 2)
                    }
                    default {
                        // Another control character (< 0x20): \u00XY, lowercase.
                        mstore(end, shl(224, 0x5c753030))
                        mstore8(add(end, 4), add(0x30, shr(4, b)))
                        mstore8(add(end, 5), hexDigit(and(b, 15)))
                        end := add(end, 6)
                    }
                    if iszero(lt(pos, n)) {
                        break
                    }
                }
                i := add(i, pos)
                if lt(i, len) {
                    let t := mload(add(src, i))
                    if eq(byte(0, t), 0xed) {
                        // A lone surrogate in WTF-8: ED A0..BF 80..BF.
                        let b1 := byte(1, t)
                        let b2 := byte(2, t)
                        let isSurrogate := and(
                            lt(add(i, 2), len),
                            and(and(gt(b1, 0x9f), lt(b1, 0xc0)), and(gt(b2, 0x7f), lt(b2, 0xc0)))
                        )
                        switch isSurrogate
                        case 0 {
                            mstore8(end, 0xed)
                            end := add(end, 1)
                            i := add(i, 1)
                        }
                        default {
                            // \udXYZ with XYZ = the low 12 bits of the code unit, lowercase.
                            let u := or(shl(6, and(b1, 0x3f)), and(b2, 0x3f))
                            mstore(end, shl(232, 0x5c7564))
                            mstore8(add(end, 3), hexDigit(shr(8, u)))
                            mstore8(add(end, 4), hexDigit(and(shr(4, u), 15)))
                            mstore8(add(end, 5), hexDigit(and(u, 15)))
                            end := add(end, 6)
                            i := add(i, 3)
                        }
                    }
                }
            }
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
