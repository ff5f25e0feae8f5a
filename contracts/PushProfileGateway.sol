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
        bytes memory pk = bytes(publicKey);
        bytes32 digest = _digest(caip10, did, pk, encryptedPrivateKey);
        address wallet = _signer(caip10, did, verificationProof, digest);

        bytes memory key = _key(pk);
        keyHash = keccak256(key);
        keyRegistry.addKeyFromGateway(wallet, key);
        emit PushProfileRegistered(wallet, keyHash, digest);
    }

    /// @inheritdoc IPushProfileGateway
    function profileDigest(
        string calldata caip10,
        string calldata did,
        string calldata publicKey,
        string calldata encryptedPrivateKey
    ) external view returns (bytes32) {
        return _digest(caip10, did, bytes(publicKey), encryptedPrivateKey);
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
    /// a JSON string escaped as `JSON.stringify` does.
    function _digest(
        string calldata caip10,
        string calldata did,
        bytes memory pk,
        string calldata encryptedPrivateKey
    ) private view returns (bytes32) {
        bytes memory c = bytes(caip10);
        bytes memory d = bytes(did);
        bytes memory e = bytes(encryptedPrivateKey);
        uint256 start = PushJson.begin();
        uint256 p = PushJson.writeLiteral(start, "{\x22caip10\x22:", 10);
        p = PushJson.writeQuoted(p, c);
        p = PushJson.writeLiteral(p, ",\x22did\x22:", 7);
        p = PushJson.writeQuoted(p, d);
        p = PushJson.writeLiteral(p, ",\x22publicKey\x22:", 13);
        p = PushJson.writeQuoted(p, pk);
        p = PushJson.writeLiteral(p, ",\x22encryptedPrivateKey\x22:", 23);
        p = PushJson.writeQuoted(p, e);
        p = PushJson.writeLiteral(p, "}", 1);
        return PushJson.sha256Of(PushJson.finish(start, p));
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

    /// The binary key armored in `pk`: the SDK's JSON (armor JSON-escaped inside) or a bare armored key.
    function _key(bytes memory pk) private pure returns (bytes memory key) {
        uint256 n = pk.length;
        Base64Armor.Status st;
        uint256 offset;
        uint256 head = _JSON_HEAD.length;
        uint256 tail = _JSON_TAIL.length;
        if (n >= head + tail && _at(pk, 0, _JSON_HEAD) && _at(pk, n - tail, _JSON_TAIL)) {
            (st, offset, key) = Base64Armor.decode(pk, head, n - tail, _KEY_LABEL, true);
        } else if (_at(pk, 0, "-----BEGIN ")) {
            (st, offset, key) = Base64Armor.decode(pk, 0, n, _KEY_LABEL, false);
        } else {
            revert PushProfileGatewayBadPublicKeyShape();
        }
        if (st == Base64Armor.Status.BadArmor) revert PushProfileGatewayBadArmor(offset);
        if (st == Base64Armor.Status.BadBase64) revert PushProfileGatewayBadBase64(offset);
        if (st == Base64Armor.Status.BadCrc) revert PushProfileGatewayBadCrc(offset);
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
