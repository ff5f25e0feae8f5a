// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISlashing} from "./interfaces/ISlashing.sol";
import {IPushProofs} from "./interfaces/IPushProofs.sol";
import {IOpenPgpVerifier} from "./interfaces/IOpenPgpVerifier.sol";
import {OpenPgpSignature} from "./libraries/OpenPgpSignature.sol";
import {PushPreimage} from "./libraries/PushPreimage.sol";

/// @title PushProofs
/// @notice Fault proofs of Push Chat SDK messages attested by nodes (see {IPushProofs}; docs/push-format.md).
/// @dev Stateless and not upgradeable: a new version is a new deployment granted PUSH_PROVER_ROLE by governance
///      (and the old one's role revoked). It holds no funds; it reads the limits, the key rule and the verifier from
///      the slashing contract at each proof, so that they never diverge from the envelope proofs'.
contract PushProofs is IPushProofs {
    /// @inheritdoc IPushProofs
    uint256 public constant MAX_SIGNATURE_SIZE = 4096;

    /// @notice {ISlashing.FaultProven} detail of a BAD_SIGNATURE whose signature length differs from the attested
    ///         `signatureSize` (as the envelope proof's).
    uint8 public constant SIGNATURE_SIZE_MISMATCH = 255;

    /// @notice keccak256("PushValue(uint8 kind,bytes data)").
    bytes32 public constant PUSH_VALUE_TYPEHASH = keccak256("PushValue(uint8 kind,bytes data)");

    /// @notice The EIP-712 type hash of `PushSigned` (with `PushValue` appended).
    bytes32 public constant PUSH_SIGNED_TYPEHASH = keccak256(
        "PushSigned(bytes fromDID,bytes fromCAIP10,bytes toCAIP10,PushValue messageObj,bytes messageType,"
        "bytes encType,PushValue sessionKey,PushValue encryptedSecret)PushValue(uint8 kind,bytes data)"
    );

    /// @notice The EIP-712 type hash of `PushMessage` (with `PushSigned` and `PushValue` appended).
    bytes32 public constant PUSH_MESSAGE_TYPEHASH = keccak256(
        "PushMessage(uint8 sigType,address from,address to,uint64 timestamp,bytes32 senderKey,"
        "bytes32 recipientKey,uint32 preimageSize,bytes toDID,PushSigned body)"
        "PushSigned(bytes fromDID,bytes fromCAIP10,bytes toCAIP10,PushValue messageObj,bytes messageType,"
        "bytes encType,PushValue sessionKey,PushValue encryptedSecret)PushValue(uint8 kind,bytes data)"
    );

    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _PGP = keccak256("pgp");
    bytes32 private constant _PLAINTEXT = keccak256("PlainText");

    /// @inheritdoc IPushProofs
    ISlashing public immutable slashing;

    uint256 private immutable _chainId;
    bytes32 private immutable _domainSeparator;

    constructor(ISlashing slashing_) {
        if (address(slashing_) == address(0)) revert PushProofsZeroAddress();
        slashing = slashing_;
        _chainId = block.chainid;
        _domainSeparator = _separator(address(slashing_));
    }

    // ------------------------------------------------------------------------------------------------
    // Proofs
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPushProofs
    function provePushMalformed(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed) {
        PushPreimage.Message memory m = body;
        _requireDigest(attestation, _digest(header, _bodyHash(_fieldHashes(m))));
        MalformedReason reason = _malformedReason(header, m, attestation);
        if (reason == MalformedReason.None) revert PushProofsNoFault(uint8(ISlashing.FaultCode.Malformed));
        return
            slashing.slashPushFault(
                attestation,
                nodeSignature,
                ISlashing.FaultCode.Malformed,
                uint8(reason),
                claim
            );
    }

    /// @inheritdoc IPushProofs
    function provePushMalformedHashed(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed) {
        _requireDigest(attestation, _digest(header, _bodyHash(hashes)));
        MalformedReason reason = _headerReason(header, attestation);
        if (reason == MalformedReason.None) revert PushProofsNoFault(uint8(ISlashing.FaultCode.Malformed));
        return
            slashing.slashPushFault(
                attestation,
                nodeSignature,
                ISlashing.FaultCode.Malformed,
                uint8(reason),
                claim
            );
    }

    /// @inheritdoc IPushProofs
    function provePushUnauthorizedSender(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed) {
        _requireDigest(attestation, _digest(header, _bodyHash(hashes)));
        if (slashing.keyActiveAt(header.from, header.senderKey, header.timestamp, attestation.attestedAt)) {
            revert PushProofsNoFault(uint8(ISlashing.FaultCode.UnauthorizedSender));
        }
        return
            slashing.slashPushFault(
                attestation,
                nodeSignature,
                ISlashing.FaultCode.UnauthorizedSender,
                0,
                claim
            );
    }

    /// @inheritdoc IPushProofs
    function provePushWrongEncryption(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes32 recipientActiveKey,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed) {
        _requireDigest(attestation, _digest(header, _bodyHash(hashes)));
        bool fault;
        if (hashes.encType == _PGP) {
            // Encrypted: the key it is encrypted to must be one of the recipient's, active then.
            fault =
                !slashing.keyActiveAt(
                    header.to,
                    header.recipientKey,
                    header.timestamp,
                    attestation.attestedAt
                );
        } else if (hashes.encType == _PLAINTEXT) {
            // Plaintext is only for recipients without an active key.
            fault = slashing.keyActiveAt(
                header.to,
                recipientActiveKey,
                header.timestamp,
                attestation.attestedAt
            );
        }
        if (!fault) revert PushProofsNoFault(uint8(ISlashing.FaultCode.WrongEncryption));
        return
            slashing.slashPushFault(
                attestation,
                nodeSignature,
                ISlashing.FaultCode.WrongEncryption,
                0,
                claim
            );
    }

    /// @inheritdoc IPushProofs
    function provePushBadSignature(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes calldata signature,
        bytes calldata publicKey,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed) {
        PushPreimage.Message memory m = body;
        _requireDigest(attestation, _digest(header, _bodyHash(_fieldHashes(m))));
        bytes32 sigHash = keccak256(signature);
        if (sigHash != attestation.signatureHash) {
            revert PushProofsSignatureHashMismatch(attestation.signatureHash, sigHash);
        }
        uint8 detail = SIGNATURE_SIZE_MISMATCH;
        // The attested signature, but not of the attested size: a fault whatever the signature says.
        if (signature.length == attestation.signatureSize)
            detail = _signatureVerdict(header, m, signature, publicKey);
        return
            slashing.slashPushFault(
                attestation,
                nodeSignature,
                ISlashing.FaultCode.BadSignature,
                detail,
                claim
            );
    }

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @inheritdoc IPushProofs
    function pushMessageDigest(
        PushHeader calldata header,
        PushPreimage.Message calldata body
    ) external view returns (bytes32) {
        return _digest(header, _bodyHash(_fieldHashes(body)));
    }

    /// @inheritdoc IPushProofs
    function pushMessageDigestHashed(
        PushHeader calldata header,
        PushFieldHashes calldata hashes
    ) external view returns (bytes32) {
        return _digest(header, _bodyHash(hashes));
    }

    /// @inheritdoc IPushProofs
    function fieldHashes(PushPreimage.Message calldata body) external pure returns (PushFieldHashes memory) {
        return _fieldHashes(body);
    }

    /// @inheritdoc IPushProofs
    function preimage(
        PushPreimage.Message calldata body,
        uint8 sigType
    ) external pure returns (bytes memory) {
        return PushPreimage.preimage(body, sigType == 3);
    }

    /// @inheritdoc IPushProofs
    function malformedReason(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation
    ) external view returns (MalformedReason) {
        return _malformedReason(header, body, attestation);
    }

    // ------------------------------------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------------------------------------

    function _separator(address verifyingContract) private view returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _DOMAIN_TYPEHASH,
                    keccak256("Push Nodes"),
                    keccak256("1"),
                    block.chainid,
                    verifyingContract
                )
            );
    }

    /// keccak256(0x1901 || domain separator || hashStruct(PushMessage)).
    function _digest(PushHeader calldata h, bytes32 bodyHash) private view returns (bytes32 d) {
        bytes32 separator = block.chainid == _chainId ? _domainSeparator : _separator(address(slashing));
        bytes32 structHash = keccak256(abi.encode(PUSH_MESSAGE_TYPEHASH, h, bodyHash));
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, hex"1901")
            mstore(add(ptr, 0x02), separator)
            mstore(add(ptr, 0x22), structHash)
            d := keccak256(ptr, 0x42)
        }
    }

    function _bodyHash(PushFieldHashes memory hs) private pure returns (bytes32) {
        return keccak256(abi.encode(PUSH_SIGNED_TYPEHASH, hs));
    }

    function _valueHash(PushPreimage.Value memory v) private pure returns (bytes32) {
        return keccak256(abi.encode(PUSH_VALUE_TYPEHASH, uint8(v.kind), keccak256(v.data)));
    }

    function _fieldHashes(PushPreimage.Message memory m) private pure returns (PushFieldHashes memory hs) {
        hs.fromDID = keccak256(m.fromDID);
        hs.fromCAIP10 = keccak256(m.fromCAIP10);
        hs.toCAIP10 = keccak256(m.toCAIP10);
        hs.messageObj = _valueHash(m.messageObj);
        hs.messageType = keccak256(m.messageType);
        hs.encType = keccak256(m.encType);
        hs.sessionKey = _valueHash(m.sessionKey);
        hs.encryptedSecret = _valueHash(m.encryptedSecret);
    }

    function _requireDigest(ISlashing.Attestation calldata a, bytes32 computed) private pure {
        if (computed != a.digest) revert PushProofsDigestMismatch(a.digest, computed);
    }

    /// The verifier's status of `signature` over the message's preimage under `publicKey` (reverting when it is
    /// Valid, or when no verdict is possible).
    function _signatureVerdict(
        PushHeader calldata h,
        PushPreimage.Message memory m,
        bytes calldata signature,
        bytes calldata publicKey
    ) private view returns (uint8 status) {
        bytes32 keyHash = keccak256(publicKey);
        if (keyHash != h.senderKey) revert PushProofsSenderKeyMismatch(h.senderKey, keyHash);
        uint8 sigType = h.sigType;
        if (sigType != 2 && sigType != 3) revert PushProofsSigType(sigType);
        bytes32 signed = sha256(PushPreimage.preimage(m, sigType == 3));
        IOpenPgpVerifier v = slashing.verifier();
        try v.check(signed, signature, publicKey) returns (uint8, uint8 status_) {
            status = status_;
        } catch (bytes memory reason) {
            // A key outside the profile, a failed computation, out of gas: no verdict.
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
        if (status == uint8(OpenPgpSignature.Status.Valid)) {
            revert PushProofsNoFault(uint8(ISlashing.FaultCode.BadSignature));
        }
    }

    /// MALFORMED reasons 1-5: those of the static members and the attestation.
    function _headerReason(
        PushHeader calldata h,
        ISlashing.Attestation calldata a
    ) private view returns (MalformedReason) {
        if (h.sigType != 2 && h.sigType != 3) return MalformedReason.SigType;
        if (h.from == h.to) return MalformedReason.SameAddress;
        uint64 attestedAt = a.attestedAt;
        (, uint256 maxContentSize, uint256 maxClockSkew) = slashing.effectiveLimits(attestedAt);
        uint64 t = h.timestamp;
        if ((t > attestedAt ? t - attestedAt : attestedAt - t) > maxClockSkew)
            return MalformedReason.ClockSkew;
        if (h.preimageSize > maxContentSize) return MalformedReason.PreimageTooLarge;
        if (a.signatureSize > MAX_SIGNATURE_SIZE) return MalformedReason.SignatureTooLarge;
        return MalformedReason.None;
    }

    /// The first MALFORMED reason, header rules first, then the fields' (the preimage is built last).
    function _malformedReason(
        PushHeader calldata h,
        PushPreimage.Message memory m,
        ISlashing.Attestation calldata a
    ) private view returns (MalformedReason reason) {
        reason = _headerReason(h, a);
        if (reason != MalformedReason.None) return reason;
        bytes32 encType = keccak256(m.encType);
        bool pgp = encType == _PGP;
        if (!pgp && encType != _PLAINTEXT) return MalformedReason.EncType;
        if (!_isDidOf(m.fromDID, h.from)) return MalformedReason.FromDid;
        if (keccak256(m.fromCAIP10) != keccak256(m.fromDID)) return MalformedReason.FromCaip10Mismatch;
        if (keccak256(m.toCAIP10) != h.toDID) return MalformedReason.ToCaip10Mismatch;
        if (!_isDidOf(m.toCAIP10, h.to)) return MalformedReason.ToDid;
        bytes32 messageType = keccak256(m.messageType);
        if (
            m.messageType.length == 0 ||
            messageType == keccak256("Meta") ||
            messageType == keccak256("UserActivity")
        ) {
            return MalformedReason.MessageType;
        }
        if (m.sessionKey.kind != PushPreimage.Kind.Null) return MalformedReason.SessionKey;
        PushPreimage.Value memory secret = m.encryptedSecret;
        PushPreimage.Value memory obj = m.messageObj;
        if (pgp) {
            if (secret.kind != PushPreimage.Kind.String || secret.data.length == 0) {
                return MalformedReason.EncryptedSecret;
            }
            if (obj.kind != PushPreimage.Kind.String) return MalformedReason.MessageObj;
        } else {
            if (
                secret.kind != PushPreimage.Kind.Null &&
                (secret.kind != PushPreimage.Kind.String || secret.data.length != 0)
            ) return MalformedReason.EncryptedSecret;
            if (
                obj.kind == PushPreimage.Kind.Null ||
                (obj.kind == PushPreimage.Kind.Raw && !_isObjectText(obj.data))
            ) {
                return MalformedReason.MessageObj;
            }
        }
        if (PushPreimage.preimage(m, h.sigType == 3).length != h.preimageSize)
            return MalformedReason.PreimageSize;
        return MalformedReason.None;
    }

    /// Whether `data` starts with `{` and ends with `}` (what every `JSON.stringify` of an object does).
    function _isObjectText(bytes memory data) private pure returns (bool) {
        uint256 n = data.length;
        return n >= 2 && data[0] == "{" && data[n - 1] == "}";
    }

    /// Whether `did` is "eip155:0x" followed by the 40 hex digits of `account`: any case when all its letters are
    /// lower or all upper case, the EIP-55 checksum when mixed (as ethers' `getAddress`, which the node applies).
    function _isDidOf(bytes memory did, address account) private pure returns (bool) {
        if (did.length != 49) return false;
        if (bytes9(_word(did, 0)) != bytes9("eip155:0x")) return false;
        uint160 value;
        bool upper;
        bool lower;
        for (uint256 i = 9; i < 49; ++i) {
            uint8 c = uint8(did[i]);
            uint8 nibble;
            if (c >= 0x30 && c <= 0x39) nibble = c - 0x30;
            else if (c >= 0x61 && c <= 0x66) {
                nibble = c - 0x57;
                lower = true;
            } else if (c >= 0x41 && c <= 0x46) {
                nibble = c - 0x37;
                upper = true;
            } else return false;
            value = (value << 4) | nibble;
        }
        if (address(value) != account) return false;
        if (!(upper && lower)) return true;
        // EIP-55: a letter is upper case iff the matching nibble of keccak256(lower-case hex) is >= 8.
        bytes memory low = new bytes(40);
        for (uint256 i = 0; i < 40; ++i) {
            uint8 c = uint8(did[i + 9]);
            low[i] = bytes1(c >= 0x41 && c <= 0x46 ? c + 0x20 : c);
        }
        bytes32 hash = keccak256(low);
        for (uint256 i = 0; i < 40; ++i) {
            uint8 c = uint8(did[i + 9]);
            if (c < 0x41) continue; // a digit
            uint8 nibble = uint8(hash[i / 2]);
            nibble = i % 2 == 0 ? nibble >> 4 : nibble & 0x0f;
            if ((c <= 0x46) != (nibble >= 8)) return false;
        }
        return true;
    }

    function _word(bytes memory b, uint256 offset) private pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), offset))
        }
    }
}
