// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Base64Armor
/// @notice Decodes one OpenPGP ASCII-armored block (RFC 4880 section 6.2) in the exact shape openpgp.js 5 and 6 write
///         it, and checks its CRC-24. Accepted, in order:
///         `-----BEGIN <label>-----` NL, NL (an empty line: armor headers such as `Version:` are refused),
///         one or more base64 lines (each at least one character of `A-Z a-z 0-9 + /`; the last may end in one or
///         two `=`), the checksum line `=` and four base64 characters (the CRC-24 of the decoded bytes, init
///         0xB704CE, polynomial 0x864CFB, big-endian; openpgp.js 5 and the Push SDK always write it; it may be
///         absent, as openpgp.js 6 and RFC 9580 omit it, and is checked when present), `-----END <label>-----` NL,
///         and nothing after.
///         NL is the line feed (0x0A), or, for armor that sits JSON-escaped inside a JSON string (the Push Chat SDK's
///         `{"key":"...","signature":"DEPRECATED"}`), the two characters `\n`. CR is not accepted. The base64 text is
///         read as one stream across lines (any line length); the total, padding included, must be a multiple of
///         four characters. Unused low bits of the last character are ignored, as openpgp.js ignores them.
/// @dev Nothing reverts: {decode} returns a status and the offset (in the given text) of the first byte that breaks a
///      rule, so a caller can make that a named error or a verdict. Cost: about 250 gas per 32 base64 characters,
///      plus about 30 gas per decoded byte for the CRC.
library Base64Armor {
    /// @notice Outcome of {decode}.
    /// @param Ok the block is well formed and its CRC matches.
    /// @param BadArmor a frame line (BEGIN, blank, checksum, END, line ends) is missing or different.
    /// @param BadBase64 a character outside the base64 alphabet, misplaced padding, or a length that is not a
    ///        multiple of four.
    /// @param BadCrc the CRC-24 of the decoded bytes differs from the checksum line.
    enum Status {
        Ok,
        BadArmor,
        BadBase64,
        BadCrc
    }

    uint256 private constant _L7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    uint256 private constant _H = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _G41 = 0x3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f;
    uint256 private constant _G5B = 0x2525252525252525252525252525252525252525252525252525252525252525;
    uint256 private constant _G61 = 0x1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f;
    uint256 private constant _G7B = 0x0505050505050505050505050505050505050505050505050505050505050505;
    uint256 private constant _G30 = 0x5050505050505050505050505050505050505050505050505050505050505050;
    uint256 private constant _G3A = 0x4646464646464646464646464646464646464646464646464646464646464646;
    uint256 private constant _B2B = 0x2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b;
    uint256 private constant _B2F = 0x2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f;
    uint256 private constant _B41 = 0x4141414141414141414141414141414141414141414141414141414141414141;
    uint256 private constant _B47 = 0x4747474747474747474747474747474747474747474747474747474747474747;
    uint256 private constant _B04 = 0x0404040404040404040404040404040404040404040404040404040404040404;
    uint256 private constant _B13 = 0x1313131313131313131313131313131313131313131313131313131313131313;
    uint256 private constant _B10 = 0x1010101010101010101010101010101010101010101010101010101010101010;

    /// CRC-24 table: entry i (4 bytes, big-endian) is the register after shifting byte i through a zero register.
    bytes private constant _CRC_TABLE =
        hex"0000000000864cfb008ad50d000c99f60093e6e10015aa1a001933ec009f7f1700a181390027cdc2002b543400ad18cf"
        hex"003267d800b42b2300b8b2d5003efe2e00c54e8900430272004f9b8400c9d77f0056a86800d0e49300dc7d65005a319e"
        hex"0064cfb000e2834b00ee1abd0068564600f72951007165aa007dfc5c00fbb0a7000cd1e9008a9d12008604e40000481f"
        hex"009f370800197bf30015e2050093aefe00ad50d0002b1c2b002785dd00a1c926003eb63100b8faca00b4633c00322fc7"
        hex"00c99f60004fd39b00434a6d00c50696005a798100dc357a00d0ac8c0056e07700681e5900ee52a200e2cb54006487af"
        hex"00fbf8b8007db44300712db500f7614e0019a3d2009fef29009376df00153a24008a4533000c09c80000903e0086dcc5"
        hex"00b822eb003e6e100032f7e600b4bb1d002bc40a00ad88f100a1110700275dfc00dced5b005aa1a00056385600d074ad"
        hex"004f0bba00c9474100c5deb70043924c007d6c6200fb209900f7b96f0071f59400ee8a830068c67800645f8e00e21375"
        hex"0015723b00933ec0009fa7360019ebcd008694da0000d821000c41d7008a0d2c00b4f3020032bff9003e260f00b86af4"
        hex"002715e300a1591800adc0ee002b8c1500d03cb200567049005ae9bf00dca5440043da5300c596a800c90f5e004f43a5"
        hex"0071bd8b00f7f17000fb6886007d247d00e25b6a0064179100688e6700eec29c003347a400b50b5f00b992a9003fde52"
        hex"00a0a1450026edbe002a744800ac38b30092c69d00148a6600181390009e5f6b0001207c00876c87008bf571000db98a"
        hex"00f6092d007045d6007cdc2000fa90db0065efcc00e3a33700ef3ac10069763a0057881400d1c4ef00dd5d19005b11e2"
        hex"00c46ef50042220e004ebbf800c8f703003f964d00b9dab600b5434000330fbb00ac70ac002a3c570026a5a100a0e95a"
        hex"009e177400185b8f0014c27900928e82000df195008bbd6e008724980001686300fad8c4007c943f00700dc900f64132"
        hex"00693e2500ef72de00e3eb280065a7d3005b59fd00dd150600d18cf00057c00b00c8bf1c004ef3e700426a1100c426ea"
        hex"002ae47600aca88d00a0317b00267d8000b90297003f4e6c0033d79a00b59b61008b654f000d29b40001b0420087fcb9"
        hex"001883ae009ecf55009256a300141a5800efaaff0069e60400657ff200e33309007c4c1e00fa00e500f699130070d5e8"
        hex"004e2bc600c8673d00c4fecb0042b23000ddcd27005b81dc0057182a00d154d10026359f00a0796400ace092002aac69"
        hex"00b5d37e00339f85003f067300b94a880087b4a60001f85d000d61ab008b2d500014524700921ebc009e874a0018cbb1"
        hex"00e37b16006537ed0069ae1b00efe2e000709df700f6d10c00fa48fa007c04010042fa2f00c4b6d400c82f22004e63d9"
        hex"00d11cce00575035005bc9c300dd8538";

    /// Where {decode} is in the text.
    struct Cursor {
        uint256 p;
        uint256 end;
        bool json;
    }

    /// @notice Decodes the armored block `text[start:end)` whose label is `label` (e.g. `PGP PUBLIC KEY BLOCK`).
    /// @param jsonEscaped true when line ends are the two characters `\n` (armor inside a JSON string), false for LF.
    /// @return status {Status.Ok} or the first rule broken.
    /// @return offset index in `text` of the first byte that breaks the rule (0 for Ok).
    /// @return data the decoded bytes (only when Ok; empty otherwise).
    function decode(
        bytes memory text,
        uint256 start,
        uint256 end,
        bytes memory label,
        bool jsonEscaped
    ) internal pure returns (Status status, uint256 offset, bytes memory data) {
        if (end > text.length || start > end) return (Status.BadArmor, start, data);
        Cursor memory c = Cursor(start, end, jsonEscaped);
        // BEGIN line and the empty line after it.
        if (!_frame(text, c, "-----BEGIN ", label) || !_nl(text, c)) return (Status.BadArmor, c.p, data);
        // Base64 lines: their characters, mapped to 6-bit values, are gathered in `data` (long enough: fewer values
        // than text bytes).
        data = new bytes(end - c.p + 32);
        uint256 values;
        uint256 pad;
        (status, values, pad) = _lines(text, c, data);
        if (status != Status.Ok) return (status, c.p, _empty());
        // Optional checksum line ('=' and four base64 characters), END line, nothing after.
        bool hasCrc = c.p < end && _byteAt(text, c.p) == 0x3d;
        uint256 expected;
        uint256 crcAt = c.p;
        if (hasCrc) {
            bool crcOk;
            (crcOk, expected) = _crcLine(text, c.p + 1, end);
            if (!crcOk) return (Status.BadArmor, c.p, _empty());
            c.p += 5;
            if (!_nl(text, c)) return (Status.BadArmor, c.p, _empty());
        }
        if (!_frame(text, c, "-----END ", label) || c.p != end) return (Status.BadArmor, c.p, _empty());
        _pack(data, values, pad);
        if (hasCrc && crc24(data) != expected) return (Status.BadCrc, crcAt, _empty());
        return (Status.Ok, 0, data);
    }

    /// Reads the base64 lines from `c.p` into `data` as 6-bit values; returns the number of values and of padding
    /// characters, with `c.p` at the checksum line or the END line (or at the first byte that breaks a rule).
    function _lines(
        bytes memory text,
        Cursor memory c,
        bytes memory data
    ) private pure returns (Status, uint256 values, uint256 pad) {
        uint256 qStart;
        assembly {
            qStart := add(data, 32)
        }
        uint256 q = qStart;
        uint256 end = c.end;
        while (true) {
            uint256 p = c.p;
            if (p >= end) return (Status.BadArmor, 0, 0);
            uint256 first = _byteAt(text, p);
            if (first == 0x3d || first == 0x2d) break; // '=' or '-' at a line start: the checksum or END line
            (p, q) = _gather(text, p, end, q);
            bool empty = p == c.p;
            c.p = p;
            if (p >= end) return (Status.BadArmor, 0, 0);
            if (_nl(text, c)) {
                if (empty) {
                    c.p = p;
                    return (Status.BadArmor, 0, 0);
                }
                continue;
            }
            if (empty || _byteAt(text, p) != 0x3d) return (Status.BadBase64, 0, 0);
            // Padding at the end of the last line, then the checksum line.
            pad = 1;
            c.p = p + 1;
            if (c.p < end && _byteAt(text, c.p) == 0x3d) {
                pad = 2;
                c.p += 1;
            }
            if (!_nl(text, c)) return (Status.BadBase64, 0, 0);
            break;
        }
        values = q - qStart;
        uint256 n = values + pad;
        if (n == 0 || n % 4 != 0) return (Status.BadBase64, 0, 0);
        return (Status.Ok, values, pad);
    }

    /// Packs the `values` 6-bit values at the start of `data` (plus `pad` zero values) into bytes, in place, and
    /// sets the length of `data` to the decoded length.
    function _pack(bytes memory data, uint256 values, uint256 pad) private pure {
        uint256 n = values + pad;
        uint256 outLen = (n / 4) * 3 - pad;
        assembly {
            let qStart := add(data, 32)
            mstore(add(qStart, values), 0)
            let o := qStart
            for {
                let r := qStart
                let rEnd := add(qStart, n)
            } lt(r, rEnd) {
                r := add(r, 32)
            } {
                let v := mload(r)
                // Each 4-byte lane [a b c d] (values < 64) -> a << 18 | b << 12 | c << 6 | d.
                v := or(
                    or(
                        shr(6, and(v, 0xff000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000)),
                        shr(4, and(v, 0x00ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff0000))
                    ),
                    or(
                        shr(2, and(v, 0x0000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff00)),
                        and(v, 0x000000ff000000ff000000ff000000ff000000ff000000ff000000ff000000ff)
                    )
                )
                // 8 lanes of 24 bits in 32-bit slots -> 192 contiguous bits.
                v := or(
                    shr(8, and(v, 0x00ffffff0000000000ffffff0000000000ffffff0000000000ffffff00000000)),
                    and(v, 0x0000000000ffffff0000000000ffffff0000000000ffffff0000000000ffffff)
                )
                v := or(
                    shr(16, and(v, 0x0000ffffffffffff00000000000000000000ffffffffffff0000000000000000)),
                    and(v, 0x00000000000000000000ffffffffffff00000000000000000000ffffffffffff)
                )
                v := or(
                    shr(32, and(v, 0x00000000ffffffffffffffffffffffff00000000000000000000000000000000)),
                    and(v, 0x0000000000000000000000000000000000000000ffffffffffffffffffffffff)
                )
                mstore(o, shl(64, v))
                o := add(o, 24)
            }
            mstore(data, outLen)
        }
    }

    /// Checks `prefix`, `label`, `-----` and a line end at `c.p`, advancing past each part that matches.
    function _frame(
        bytes memory text,
        Cursor memory c,
        bytes memory prefix,
        bytes memory label
    ) private pure returns (bool) {
        if (!_at(text, c, prefix)) return false;
        if (!_at(text, c, label)) return false;
        if (!_at(text, c, "-----")) return false;
        return _nl(text, c);
    }

    /// @notice The OpenPGP CRC-24 of `data` (RFC 4880 section 6.1).
    function crc24(bytes memory data) internal pure returns (uint256 crc) {
        bytes memory table = _CRC_TABLE;
        assembly {
            // Entry i is the low 4 bytes of the word read at t + 4 i (bytes above it are ignored: only byte 29 of
            // the register is read, and higher bits are shifted out).
            let t := sub(add(table, 32), 28)
            crc := 0xb704ce
            let p := add(data, 32)
            let e := add(p, mload(data))
            for {
                let e8 := sub(e, mod(mload(data), 8))
            } lt(p, e8) {
                p := add(p, 8)
            } {
                let w := mload(p)
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(0, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(1, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(2, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(3, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(4, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(5, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(6, w))))))
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(7, w))))))
            }
            for {

            } lt(p, e) {
                p := add(p, 1)
            } {
                crc := xor(shl(8, crc), mload(add(t, shl(2, xor(byte(29, crc), byte(0, mload(p)))))))
            }
            crc := and(crc, 0xffffff)
        }
    }

    /// Copies the run of base64 characters at `text[p..)` (stopping at the first other byte or at `end`), mapped
    /// to their 6-bit values, to memory at `q`. Returns the positions after the run.
    function _gather(
        bytes memory text,
        uint256 p,
        uint256 end,
        uint256 q
    ) private pure returns (uint256, uint256) {
        assembly {
            let base := add(text, 32)
            for {

            } 1 {

            } {
                let w := mload(add(base, p))
                let x7 := and(w, _L7)
                // Bit 7 of each byte: byte >= k (bytes >= 0x80 count as >= every k).
                let upper := and(or(add(x7, _G41), w), not(or(add(x7, _G5B), w)))
                let lower := and(or(add(x7, _G61), w), not(or(add(x7, _G7B), w)))
                let digit := and(or(add(x7, _G30), w), not(or(add(x7, _G3A), w)))
                let y := xor(w, _B2B)
                let plus := not(or(add(and(y, _L7), _L7), y))
                y := xor(w, _B2F)
                let slash := not(or(add(and(y, _L7), _L7), y))
                upper := and(upper, _H)
                lower := and(lower, _H)
                digit := and(digit, _H)
                plus := and(plus, _H)
                slash := and(slash, _H)
                let inv := xor(or(or(upper, lower), or(digit, or(plus, slash))), _H)
                let rem := sub(end, p)
                if lt(rem, 32) {
                    inv := or(inv, and(shr(mul(rem, 8), not(0)), _H))
                }
                // value = byte - S + A per byte, without borrow or carry across bytes.
                let s := or(and(mul(shr(7, upper), 0xff), _B41), and(mul(shr(7, lower), 0xff), _B47))
                let a := or(
                    and(mul(shr(7, digit), 0xff), _B04),
                    or(and(mul(shr(7, plus), 0xff), _B13), and(mul(shr(7, slash), 0xff), _B10))
                )
                mstore(q, add(sub(w, s), a))
                if iszero(inv) {
                    p := add(p, 32)
                    q := add(q, 32)
                    continue
                }
                let k := 0
                if iszero(shr(128, inv)) {
                    k := 16
                    inv := shl(128, inv)
                }
                if iszero(shr(192, inv)) {
                    k := add(k, 8)
                    inv := shl(64, inv)
                }
                if iszero(shr(224, inv)) {
                    k := add(k, 4)
                    inv := shl(32, inv)
                }
                if iszero(shr(240, inv)) {
                    k := add(k, 2)
                    inv := shl(16, inv)
                }
                if iszero(shr(248, inv)) {
                    k := add(k, 1)
                }
                p := add(p, k)
                q := add(q, k)
                break
            }
        }
        return (p, q);
    }

    /// Reads the four base64 characters of the checksum line at `text[p..p+4)`: (true, the 24-bit value), or
    /// (false, 0) when they are not four base64 characters.
    function _crcLine(bytes memory text, uint256 p, uint256 end) private pure returns (bool ok, uint256 value) {
        if (p + 4 > end) return (false, 0);
        for (uint256 i = 0; i < 4; ++i) {
            uint256 c = _byteAt(text, p + i);
            uint256 v;
            if (c >= 0x41 && c <= 0x5a) v = c - 0x41;
            else if (c >= 0x61 && c <= 0x7a) v = c - 0x47;
            else if (c >= 0x30 && c <= 0x39) v = c + 4;
            else if (c == 0x2b) v = 62;
            else if (c == 0x2f) v = 63;
            else return (false, 0);
            value = (value << 6) | v;
        }
        return (true, value);
    }

    /// When `text[c.p..)` starts with `lit` (within `c.end`): advances past it and returns true.
    function _at(bytes memory text, Cursor memory c, bytes memory lit) private pure returns (bool r) {
        uint256 len = lit.length;
        uint256 p = c.p;
        if (p + len > c.end) return false;
        assembly {
            r := eq(keccak256(add(add(text, 32), p), len), keccak256(add(lit, 32), len))
        }
        if (r) c.p = p + len;
    }

    /// When a line end (LF, or the two characters `\n` in JSON-escaped armor) is at `c.p`: advances past it and
    /// returns true.
    function _nl(bytes memory text, Cursor memory c) private pure returns (bool) {
        uint256 p = c.p;
        if (c.json) {
            if (p + 2 <= c.end && _byteAt(text, p) == 0x5c && _byteAt(text, p + 1) == 0x6e) {
                c.p = p + 2;
                return true;
            }
            return false;
        }
        if (p < c.end && _byteAt(text, p) == 0x0a) {
            c.p = p + 1;
            return true;
        }
        return false;
    }

    function _byteAt(bytes memory text, uint256 p) private pure returns (uint256 b) {
        assembly {
            b := byte(0, mload(add(add(text, 32), p)))
        }
    }

    function _empty() private pure returns (bytes memory e) {}
}
