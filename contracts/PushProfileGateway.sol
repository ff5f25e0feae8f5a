// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";

import {IKeyRegistry} from "./interfaces/IKeyRegistry.sol";
import {IPushProfileGateway} from "./interfaces/IPushProfileGateway.sol";
import {PushJson} from "./libraries/PushJson.sol";
import {Base64Armor} from "./libraries/Base64Armor.sol";

/// @title PushProfileGateway
/// @notice Registers Push Chat SDK profiles in the key registry (see {IPushProfileGateway}). Stateless and not
///         upgradeable: it holds no funds and no roles; governance grants or revokes the registry's GATEWAY_ROLE,
///         and the registry's pause stops it.
contract PushProfileGateway is IPushProfileGateway {
    /// @inheritdoc IPushProfileGateway
    uint256 public constant MAX_FIELD_SIZE = 24_576;

    /// @inheritdoc IPushProfileGateway
    IKeyRegistry public immutable keyRegistry;

    uint256 private constant _L7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;
    uint256 private constant _H = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant _G30 = 0x5050505050505050505050505050505050505050505050505050505050505050;
    uint256 private constant _G3A = 0x4646464646464646464646464646464646464646464646464646464646464646;
    uint256 private constant _G41 = 0x3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f3f;
    uint256 private constant _G47 = 0x3939393939393939393939393939393939393939393939393939393939393939;
    uint256 private constant _G61 = 0x1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f1f;
    uint256 private constant _G67 = 0x1919191919191919191919191919191919191919191919191919191919191919;
    uint256 private constant _B30 = 0x3030303030303030303030303030303030303030303030303030303030303030;
    uint256 private constant _B37 = 0x3737373737373737373737373737373737373737373737373737373737373737;
    uint256 private constant _B57 = 0x5757575757575757575757575757575757575757575757575757575757575757;

    bytes private constant _KEY_LABEL = "PGP PUBLIC KEY BLOCK";
    /// `{"key":"` and `","signature":"DEPRECATED"}`: the SDK's JSON around the (JSON-escaped) armored key
    /// (`\x22` is `"`).
    bytes private constant _JSON_HEAD = "{\x22key\x22:\x22";
    bytes private constant _JSON_TAIL = "\x22,\x22signature\x22:\x22DEPRECATED\x22}";
    /// Their lengths (reading a `bytes` constant allocates memory, which the preimage writers must not see).
    uint256 private constant _JSON_HEAD_LEN = 8;
    uint256 private constant _JSON_TAIL_LEN = 27;

    constructor(IKeyRegistry registry) {
        if (address(registry) == address(0)) revert PushProfileGatewayZeroAddress();
        keyRegistry = registry;
    }

    /// @inheritdoc IPushProfileGateway
    function registerPushProfile(
        string calldata caip10,
        string calldata did,
        string calldata publicKey,
        string calldata encryptedPrivateKey,
        string calldata verificationProof
    ) external returns (bytes32 keyHash) {
        if (bytes(publicKey).length > MAX_FIELD_SIZE)
            revert PushProfileGatewayTooLarge(bytes(publicKey).length, MAX_FIELD_SIZE);
        if (bytes(encryptedPrivateKey).length > MAX_FIELD_SIZE)
            revert PushProfileGatewayTooLarge(bytes(encryptedPrivateKey).length, MAX_FIELD_SIZE);
        // The armor is read first (its lines make the preimage cheaper to write), but its faults revert only after
        // the proof is checked, as a profile that is not the wallet's is that fault first.
        bytes memory pk = bytes(publicKey);
        Armor memory a = _key(pk);
        bytes32 digest = _digest(caip10, did, pk, encryptedPrivateKey, a);
        address wallet = _signer(caip10, did, verificationProof, digest);
        _armorFaults(a);
        keyHash = keccak256(a.key);
        keyRegistry.addKeyFromGateway(wallet, a.key);
        emit PushProfileRegistered(wallet, keyHash, digest);
    }

    /// @inheritdoc IPushProfileGateway
    function profileDigest(
        string calldata caip10,
        string calldata did,
        string calldata publicKey,
        string calldata encryptedPrivateKey
    ) external view returns (bytes32) {
        Armor memory none;
        return _digest(caip10, did, bytes(publicKey), encryptedPrivateKey, none);
    }

    // ------------------------------------------------------------------ internals

    /// The wallet of `caip10`, once `did` equals it and `proof` is its EIP-191 signature of `hex64(digest)`.
    function _signer(
        string calldata caip10,
        string calldata did,
        string calldata proof,
        bytes32 digest
    ) private pure returns (address wallet) {
        wallet = _wallet(caip10);
        if (keccak256(bytes(did)) != keccak256(bytes(caip10))) revert PushProfileGatewayDidMismatch();
        (uint8 v, bytes32 r, bytes32 s) = _proof(proof);
        bytes32 signed = MessageHashUtils.toEthSignedMessageHash(PushJson.hex64(digest));
        (address signer, ECDSA.RecoverError err, ) = ECDSA.tryRecover(signed, v, r, s);
        if (err != ECDSA.RecoverError.NoError) revert PushProfileGatewayMalformedProof();
        if (signer != wallet) revert PushProfileGatewayWrongSigner(wallet, signer);
    }

    /// SHA-256 of `{"caip10":<caip10>,"did":<did>,"publicKey":<publicKey>,"encryptedPrivateKey":<...>}`, each value
    /// a JSON string escaped as `JSON.stringify` does. `a` (from {_key} on `publicKey`, or empty) only makes the
    /// publicKey cheaper to escape: the SDK's JSON head and tail are written escaped as constants, and the armor's
    /// whole lines by their shape; the text is the same.
    function _digest(
        string calldata caip10,
        string calldata did,
        bytes memory pk,
        string calldata encryptedPrivateKey,
        Armor memory a
    ) private view returns (bytes32 digest) {
        uint256 mark;
        assembly {
            mark := mload(0x40)
        }
        bytes memory c = bytes(caip10);
        bytes memory d = bytes(did);
        bytes memory e = bytes(encryptedPrivateKey);
        uint256 start = PushJson.begin();
        uint256 p = PushJson.writeLiteral(start, "{\x22caip10\x22:", 10);
        p = PushJson.writeQuoted(p, c);
        p = PushJson.writeLiteral(p, ",\x22did\x22:", 7);
        p = PushJson.writeQuoted(p, d);
        p = PushJson.writeLiteral(p, ",\x22publicKey\x22:", 13);
        if (a.lines.len == 0) {
            p = PushJson.writeQuoted(p, pk);
        } else {
            p = _writePublicKey(p, pk, a);
        }
        p = PushJson.writeLiteral(p, ",\x22encryptedPrivateKey\x22:", 23);
        p = PushJson.writeQuoted(p, e);
        p = PushJson.writeLiteral(p, "}", 1);
        digest = PushJson.sha256Of(PushJson.finish(start, p));
        // Nothing written here is read again: the memory is free for what follows (the registry call).
        assembly {
            mstore(0x40, mark)
        }
    }

    /// `pk` as a quoted JSON string at `dst`, given its armor's whole lines `a.lines` (non-empty).
    function _writePublicKey(uint256 dst, bytes memory pk, Armor memory a) private pure returns (uint256 p) {
        uint256 base;
        assembly {
            base := add(pk, 32)
        }
        Base64Armor.Lines memory lines = a.lines;
        bool json = a.json;
        // The SDK's JSON: `"{\"key\":\"` + escaped armor + `\",\"signature\":\"DEPRECATED\"}"`; a bare armored
        // key: `"` + escaped armor + `"`.
        uint256 head = json ? _JSON_HEAD_LEN : 0;
        uint256 tail = json ? _JSON_TAIL_LEN : 0;
        p = PushJson.writeLiteral(dst, "\x22{\x5c\x22key\x5c\x22:\x5c\x22", json ? 12 : 1);
        p = PushJson.writeEscapedAt(p, base + head, lines.start - head);
        p = _writeLines(p, base + lines.start, base + lines.end, lines.len, json);
        p = PushJson.writeEscapedAt(p, base + lines.end, pk.length - tail - lines.end);
        if (json) {
            p = PushJson.writeLiteral(p, "\x5c\x22,\x5c\x22signature\x5c\x22:\x5c\x22", 19);
            p = PushJson.writeLiteral(p, "DEPRECATED\x5c\x22}\x22", 14);
        } else {
            p = PushJson.writeLiteral(p, "\x22", 1);
        }
    }

    /// JSON-escapes the whole lines at memory [src, srcEnd) to `dst`: each is `len` base64 characters (copied) and a
    /// line end, `\n` (written `\\n`) in JSON-escaped armor or LF (written `\n`).
    function _writeLines(
        uint256 dst,
        uint256 src,
        uint256 srcEnd,
        uint256 len,
        bool json
    ) private pure returns (uint256 p) {
        assembly {
            let nl := 1
            let escLen := 2
            let esc := shl(240, 0x5c6e)
            if json {
                nl := 2
                escLen := 3
                esc := shl(232, 0x5c5c6e)
            }
            let step := add(len, nl)
            p := dst
            for {} lt(src, srcEnd) {
                src := add(src, step)
            } {
                mcopy(p, src, len)
                p := add(p, len)
                mstore(p, esc)
                p := add(p, escLen)
            }
        }
    }

    /// The address in `eip155:0x<40 hex digits>` (any case).
    function _wallet(string calldata caip10) private pure returns (address) {
        bytes calldata c = bytes(caip10);
        if (c.length != 49 || bytes9(c[0:9]) != "eip155:0x") revert PushProfileGatewayBadCaip10();
        uint256 w1;
        uint256 w2;
        assembly {
            w1 := calldataload(add(c.offset, 9))
            // the last 8 digits, then '0' digits
            w2 := or(and(calldataload(add(c.offset, 41)), shl(192, 0xffffffffffffffff)), shr(64, _B30))
        }
        (bool ok1, uint256 hi) = _hex16(w1);
        (bool ok2, uint256 lo) = _hex16(w2);
        if (!ok1 || !ok2) revert PushProfileGatewayBadCaip10();
        return address(uint160((hi << 32) | (lo >> 96)));
    }

    /// (v, r, s) of `eip191v2:0x<130 hex digits>`.
    function _proof(string calldata proof) private pure returns (uint8 v, bytes32 r, bytes32 s) {
        bytes calldata c = bytes(proof);
        if (c.length != 141 || bytes11(c[0:11]) != "eip191v2:0x") revert PushProfileGatewayMalformedProof();
        uint256[5] memory w;
        assembly {
            let o := add(c.offset, 11)
            mstore(w, calldataload(o))
            mstore(add(w, 32), calldataload(add(o, 32)))
            mstore(add(w, 64), calldataload(add(o, 64)))
            mstore(add(w, 96), calldataload(add(o, 96)))
            mstore(add(w, 128), or(and(calldataload(add(o, 128)), shl(240, 0xffff)), shr(16, _B30)))
        }
        uint256 acc;
        uint256[5] memory h;
        bool all = true;
        for (uint256 i = 0; i < 5; ++i) {
            (bool ok, uint256 x) = _hex16(w[i]);
            all = all && ok;
            h[i] = x;
        }
        if (!all) revert PushProfileGatewayMalformedProof();
        r = bytes32((h[0] << 128) | h[1]);
        s = bytes32((h[2] << 128) | h[3]);
        acc = h[4] >> 120;
        v = uint8(acc);
    }

    /// 32 hex digits (any case) -> (true, their 16-byte value), or (false, _) if one is not a hex digit.
    function _hex16(uint256 w) private pure returns (bool ok, uint256 x) {
        assembly {
            let x7 := and(w, _L7)
            let digit := and(and(or(add(x7, _G30), w), not(or(add(x7, _G3A), w))), _H)
            let upper := and(and(or(add(x7, _G41), w), not(or(add(x7, _G47), w))), _H)
            let lower := and(and(or(add(x7, _G61), w), not(or(add(x7, _G67), w))), _H)
            ok := eq(or(digit, or(upper, lower)), _H)
            let sub_ := or(
                and(mul(shr(7, digit), 0xff), _B30),
                or(and(mul(shr(7, upper), 0xff), _B37), and(mul(shr(7, lower), 0xff), _B57))
            )
            x := sub(w, sub_)
            x := and(or(x, shr(4, x)), 0x00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff)
            x := and(or(x, shr(8, x)), 0x0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff0000ffff)
            x := and(or(x, shr(16, x)), 0x00000000ffffffff00000000ffffffff00000000ffffffff00000000ffffffff)
            x := and(or(x, shr(32, x)), 0x0000000000000000ffffffffffffffff0000000000000000ffffffffffffffff)
            x := and(or(x, shr(64, x)), 0xffffffffffffffffffffffffffffffff)
        }
    }

    /// What {_key} read in a publicKey.
    struct Armor {
        bool shapeOk;
        bool json;
        Base64Armor.Status status;
        uint256 offset;
        bytes key;
        Base64Armor.Lines lines;
    }

    /// The binary key armored in `pk` (the SDK's JSON, armor JSON-escaped inside, or a bare armored key), with the
    /// outcome; {_armorFaults} makes a fault its error.
    function _key(bytes memory pk) private pure returns (Armor memory a) {
        uint256 n = pk.length;
        uint256 head = _JSON_HEAD.length;
        uint256 tail = _JSON_TAIL.length;
        if (n >= head + tail && _at(pk, 0, _JSON_HEAD) && _at(pk, n - tail, _JSON_TAIL)) {
            a.shapeOk = true;
            a.json = true;
            (a.status, a.offset, a.key, a.lines) = Base64Armor.decodeLines(
                pk,
                head,
                n - tail,
                _KEY_LABEL,
                true
            );
        } else if (_at(pk, 0, "-----BEGIN ")) {
            a.shapeOk = true;
            (a.status, a.offset, a.key, a.lines) = Base64Armor.decodeLines(pk, 0, n, _KEY_LABEL, false);
        }
    }

    function _armorFaults(Armor memory a) private pure {
        if (!a.shapeOk) revert PushProfileGatewayBadPublicKeyShape();
        Base64Armor.Status st = a.status;
        if (st == Base64Armor.Status.BadArmor) revert PushProfileGatewayBadArmor(a.offset);
        if (st == Base64Armor.Status.BadBase64) revert PushProfileGatewayBadBase64(a.offset);
        if (st == Base64Armor.Status.BadCrc) revert PushProfileGatewayBadCrc(a.offset);
    }

    /// True when `s[at..)` starts with `lit`.
    function _at(bytes memory s, uint256 at, bytes memory lit) private pure returns (bool r) {
        uint256 len = lit.length;
        if (at + len > s.length) return false;
        assembly {
            r := eq(keccak256(add(add(s, 32), at), len), keccak256(add(lit, 32), len))
        }
    }
}
