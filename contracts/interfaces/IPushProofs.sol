// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ISlashing} from "./ISlashing.sol";
import {PushPreimage} from "../libraries/PushPreimage.sol";

/// @title IPushProofs
/// @notice Fault proofs of Push Chat SDK messages (issue 13; docs/push-format.md). A node attests a Push message
///         with the ordinary {ISlashing.Attestation} whose `digest` is the EIP-712 hash, in the slashing contract's
///         domain {name: "Push Nodes", version: "1", chainId, verifyingContract: the Slashing proxy}, of
///
///             PushMessage(uint8 sigType,address from,address to,uint64 timestamp,bytes32 senderKey,
///               bytes32 recipientKey,uint32 preimageSize,bytes toDID,PushSigned body)
///             PushSigned(bytes fromDID,bytes fromCAIP10,bytes toCAIP10,PushValue messageObj,bytes messageType,
///               bytes encType,PushValue sessionKey,PushValue encryptedSecret)
///             PushValue(uint8 kind,bytes data)
///
///         (each on one line, no space after the commas). Every `bytes` field holds the WTF-8 bytes of the JavaScript
///         string, a `PushValue` a `PushPreimage.Kind` and its bytes (see `PushPreimage`). This contract recomputes
///         the digest from calldata, decides the fault, and slashes through {ISlashing.slashPushFault} (it holds the
///         slashing contract's PUSH_PROVER_ROLE): the offence ({ISlashing.messageOffenceId}), the commit-reveal claim,
///         the slash, the reward and the {ISlashing.FaultProven} event are the slashing contract's, shared with the
///         envelope proofs and the court. A proof that shows no fault reverts with a named error and moves nothing.
///         Order of checks: the digest, then the fault, then (in the slashing contract) the node, the offence and
///         the claim. EQUIVOCATION of Push attestations is {ISlashing.proveEquivocation}, unchanged.
interface IPushProofs {
    /// @notice What every proof carries besides the signed fields: the attested struct's static members, in its
    ///         order, with `toDID` given as `keccak256(toDID bytes)` (its EIP-712 encoding; its bytes are never
    ///         needed: a valid message has `toDID == toCAIP10`). `sigType` 3 = pgpv3, 2 = pgpv2. `timestamp` is
    ///         the node's (the SDK signs none). `senderKey`: keyHash of the sender's registered key that made the
    ///         signature; `recipientKey`: keyHash of the recipient key the secret is encrypted to (pgp), zero for
    ///         PlainText. `preimageSize`: byte length of the signed JSON preimage of `sigType`.
    struct PushHeader {
        uint8 sigType;
        address from;
        address to;
        uint64 timestamp;
        bytes32 senderKey;
        bytes32 recipientKey;
        uint32 preimageSize;
        bytes32 toDID;
    }

    /// @notice The EIP-712 encodings of the signed fields (`keccak256` of each `bytes`, `hashStruct` of each
    ///         `PushValue`): what the proofs that need no field bytes carry instead of the fields.
    struct PushFieldHashes {
        bytes32 fromDID;
        bytes32 fromCAIP10;
        bytes32 toCAIP10;
        bytes32 messageObj;
        bytes32 messageType;
        bytes32 encType;
        bytes32 sessionKey;
        bytes32 encryptedSecret;
    }

    /// @notice Why a Push message is MALFORMED (the first reason found, in this order), the `detail` of
    ///         {ISlashing.FaultProven}. 1-5 need no field bytes ({provePushMalformedHashed}); all are checked by
    ///         {provePushMalformed}.
    enum MalformedReason {
        None,
        SigType, // sigType not 2 (pgpv2) or 3 (pgpv3)
        SameAddress, // from == to
        ClockSkew, // |timestamp - attestedAt| > maxClockSkew (effective at attestedAt)
        PreimageTooLarge, // preimageSize > maxContentSize (effective at attestedAt)
        SignatureTooLarge, // attestation.signatureSize > MAX_SIGNATURE_SIZE
        EncType, // encType not "PlainText" or "pgp" (pgpv1:group included: out of scope)
        FromDid, // fromDID not "eip155:0x" + 40 hex digits (EIP-55 checksum when mixed case) of `from`
        FromCaip10Mismatch, // fromCAIP10 != fromDID (bytes)
        ToCaip10Mismatch, // keccak256(toCAIP10) != the attested toDID hash
        ToDid, // toCAIP10 (= toDID) not "eip155:0x" + 40 hex digits (EIP-55 when mixed case) of `to`
        MessageType, // messageType empty, "Meta" or "UserActivity"
        SessionKey, // sessionKey not null
        EncryptedSecret, // pgp: not a non-empty string; PlainText: not "" or null
        MessageObj, // pgp: not a string; PlainText: null, or a Raw value not of the form {...}
        PreimageSize // the rebuilt preimage's length differs from the attested preimageSize
    }

    /// @notice The slashing contract given to the constructor was zero.
    error PushProofsZeroAddress();
    /// @notice The attestation's digest is not the digest of the Push message given with it.
    error PushProofsDigestMismatch(bytes32 attested, bytes32 computed);
    /// @notice The message is not faulty for `faultCode` (a proof against an honest message).
    error PushProofsNoFault(uint8 faultCode);
    /// @notice The OpenPGP signature bytes given do not hash to the attested `signatureHash`.
    error PushProofsSignatureHashMismatch(bytes32 attested, bytes32 computed);
    /// @notice The public key bytes given do not hash to the attested `senderKey`.
    error PushProofsSenderKeyMismatch(bytes32 senderKey, bytes32 computed);
    /// @notice BAD_SIGNATURE of a message whose sigType is not 2 or 3: it is MALFORMED ({provePushMalformedHashed}).
    error PushProofsSigType(uint8 sigType);

    /// @notice Proves MALFORMED by every rule of {MalformedReason}, from the full signed fields.
    /// @return offenceId {ISlashing.messageOffenceId}(node, digest), now consumed.
    /// @return slashed the amount taken from the node.
    function provePushMalformed(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves MALFORMED by the rules that need no field bytes ({MalformedReason} 1-5), from the field
    ///         hashes: a message too large to carry in a transaction is provable by its attested `preimageSize`.
    function provePushMalformedHashed(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves UNAUTHORIZED_SENDER: `senderKey` was not a key of `from` active at `timestamp`
    ///         ({ISlashing.keyActiveAt}: reverts with `SlashingStateLag` when the record changed within the state lag).
    function provePushUnauthorizedSender(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves WRONG_ENCRYPTION: encType "pgp" whose `recipientKey` was not a key of `to` active at
    ///         `timestamp`, or "PlainText" although `recipientActiveKey` was an active key of `to` then
    ///         (`recipientActiveKey` is ignored for pgp; the encType is read from its hash). Same state-lag rule.
    function provePushWrongEncryption(
        PushHeader calldata header,
        PushFieldHashes calldata hashes,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes32 recipientActiveKey,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice Proves BAD_SIGNATURE: `signature` hashes to the attested `signatureHash` and either its length
    ///         differs from the attested `signatureSize` (`detail` 255; the key is not read), or it does not verify,
    ///         under the strict profile, as a text-mode (type 0x01) signature over the 64 lowercase hex characters
    ///         of SHA-256 of the rebuilt preimage (pgpv3 or pgpv2 by `sigType`) under the primary key of
    ///         `publicKey` (hashing to `senderKey`): the verifier's `check(sha256(preimage), signature, publicKey)`,
    ///         `detail` its `OpenPgpSignature.Status`. A key the verifier cannot read, or a failed computation,
    ///         reverts with the verifier's error (never a verdict).
    function provePushBadSignature(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation,
        bytes calldata nodeSignature,
        bytes calldata signature,
        bytes calldata publicKey,
        ISlashing.Claim calldata claim
    ) external returns (bytes32 offenceId, uint256 slashed);

    /// @notice The attested digest of a Push message (what `Attestation.digest` must be).
    function pushMessageDigest(
        PushHeader calldata header,
        PushPreimage.Message calldata body
    ) external view returns (bytes32);

    /// @notice The same digest from the field hashes ({fieldHashes}).
    function pushMessageDigestHashed(
        PushHeader calldata header,
        PushFieldHashes calldata hashes
    ) external view returns (bytes32);

    /// @notice The EIP-712 encodings of `body`'s fields.
    function fieldHashes(PushPreimage.Message calldata body) external pure returns (PushFieldHashes memory);

    /// @notice The signed preimage of `body` (`JSON.stringify` text; pgpv3 when `sigType` is 3, else pgpv2).
    function preimage(PushPreimage.Message calldata body, uint8 sigType) external pure returns (bytes memory);

    /// @notice The first MALFORMED reason of a Push message attested by `attestation` (None when there is none).
    function malformedReason(
        PushHeader calldata header,
        PushPreimage.Message calldata body,
        ISlashing.Attestation calldata attestation
    ) external view returns (MalformedReason);

    /// @notice The slashing contract proofs go through (and whose domain, limits and key rule they use).
    function slashing() external view returns (ISlashing);

    /// @notice Largest attested `signatureSize` (4096, the slashing contract's): a larger one is MALFORMED.
    function MAX_SIGNATURE_SIZE() external view returns (uint256);
}
