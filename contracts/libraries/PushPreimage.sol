// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PushJson} from "./PushJson.sol";

/// @title PushPreimage
/// @notice Rebuilds the text a Push Chat SDK message signature signs (`pgpv3`, and `pgpv2` of older clients): the 64
///         lowercase hex characters of SHA-256 over the UTF-8 of
///         `JSON.stringify({fromDID, toDID: fromDID, fromCAIP10, toCAIP10, messageObj, messageType, encType,
///         sessionKey, encryptedSecret})` (`pgpv2`: the same without `sessionKey`), in that key order, no whitespace.
///
///         How calldata carries the values (the encoding decisions):
///         - `fromDID`, `fromCAIP10`, `toCAIP10`, `messageType`, `encType` are strings (Push's backend required them
///           to be strings): their WTF-8 bytes, escaped here exactly as `JSON.stringify` escapes (see `PushJson`).
///           `toDID` is not signed (the SDK signs `fromDID` in its place) and so is not an input.
///         - `messageObj`, `sessionKey`, `encryptedSecret` are a {Value}: a {Kind} tag and bytes.
///           `Undefined`: the key is absent from the object (`JSON.stringify` drops `undefined`); `Null`: `null`;
///           `String`: a JSON string of the bytes; `ContentObject`: `{"content":<the bytes as a JSON string>}`, the
///           `messageObj` of a `PlainText` `Text` message; `Raw`: the bytes are a JSON value already serialized
///           (any other plaintext `messageObj`, e.g. with a `reference`), inserted verbatim.
///         - Canonical form: every kind but `Raw` is canonical by construction (one input, one text, equal to
///           `JSON.stringify`'s). `Raw` is NOT checked: whether a text equals `JSON.stringify(JSON.parse(text))`
///           depends on JavaScript number formatting and on the order JavaScript gives integer-like keys, which no
///           contract can check at a bounded cost. A proof that uses `Raw` must take the bytes from data the
///           accused node committed to (its attestation binds the serialized `messageObj`), never from the prover.
/// @dev View (the SHA-256 precompile). In the literals below, `\x22` is `"`. The preimage is built in one pass in
///      fresh memory (`PushJson.begin`/`finish`).
library PushPreimage {
    /// @notice How a {Value} is written (see the library notice).
    enum Kind {
        Undefined,
        Null,
        String,
        ContentObject,
        Raw
    }

    /// @notice A JSON value of the signed object that is not always a string.
    struct Value {
        Kind kind;
        bytes data;
    }

    /// @notice The signed fields of a Push message body (`toDID` is not signed).
    struct Message {
        bytes fromDID;
        bytes fromCAIP10;
        bytes toCAIP10;
        Value messageObj;
        bytes messageType;
        bytes encType;
        Value sessionKey;
        Value encryptedSecret;
    }

    /// @notice The 64 lowercase hex characters a `pgpv3` signature signs for `m`.
    function pgpv3Hex(Message memory m) internal view returns (bytes memory hex64) {
        return PushJson.sha256Hex(preimage(m, true));
    }

    /// @notice The 64 lowercase hex characters a `pgpv2` signature signs for `m` (`sessionKey` is ignored).
    function pgpv2Hex(Message memory m) internal view returns (bytes memory hex64) {
        return PushJson.sha256Hex(preimage(m, false));
    }

    /// @notice The UTF-8 `JSON.stringify` text of the signed object: with `sessionKey` for `pgpv3`, without for
    ///         `pgpv2`.
    function preimage(Message memory m, bool withSessionKey) internal pure returns (bytes memory) {
        uint256 start = PushJson.begin();
        uint256 p = PushJson.writeLiteral(start, "{\x22fromDID\x22:", 11);
        p = PushJson.writeQuoted(p, m.fromDID);
        p = PushJson.writeLiteral(p, ",\x22toDID\x22:", 9);
        p = PushJson.writeQuoted(p, m.fromDID);
        p = PushJson.writeLiteral(p, ",\x22fromCAIP10\x22:", 14);
        p = PushJson.writeQuoted(p, m.fromCAIP10);
        p = PushJson.writeLiteral(p, ",\x22toCAIP10\x22:", 12);
        p = PushJson.writeQuoted(p, m.toCAIP10);
        p = _writeValue(p, ",\x22messageObj\x22:", 14, m.messageObj);
        p = PushJson.writeLiteral(p, ",\x22messageType\x22:", 15);
        p = PushJson.writeQuoted(p, m.messageType);
        p = PushJson.writeLiteral(p, ",\x22encType\x22:", 11);
        p = PushJson.writeQuoted(p, m.encType);
        if (withSessionKey) p = _writeValue(p, ",\x22sessionKey\x22:", 14, m.sessionKey);
        p = _writeValue(p, ",\x22encryptedSecret\x22:", 19, m.encryptedSecret);
        p = PushJson.writeLiteral(p, "}", 1);
        return PushJson.finish(start, p);
    }

    /// Writes `name` (`,"key":`, `nameLen` bytes) and the value, or nothing for `Undefined`.
    function _writeValue(
        uint256 p,
        bytes32 name,
        uint256 nameLen,
        Value memory v
    ) private pure returns (uint256) {
        if (v.kind == Kind.Undefined) return p;
        p = PushJson.writeLiteral(p, name, nameLen);
        if (v.kind == Kind.Null) return PushJson.writeLiteral(p, "null", 4);
        if (v.kind == Kind.String) return PushJson.writeQuoted(p, v.data);
        if (v.kind == Kind.ContentObject) {
            p = PushJson.writeLiteral(p, "{\x22content\x22:", 11);
            p = PushJson.writeQuoted(p, v.data);
            return PushJson.writeLiteral(p, "}", 1);
        }
        return PushJson.writeRaw(p, v.data);
    }
}
