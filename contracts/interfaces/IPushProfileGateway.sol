// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IKeyRegistry} from "./IKeyRegistry.sol";

/// @title IPushProfileGateway
/// @notice Registers the OpenPGP key of a Push Chat profile, exactly as the Push Chat SDK (`@pushprotocol/restapi`
///         1.7.x) posts it to `POST /v2/users/`, in the {IKeyRegistry} for the profile's wallet. Anyone may submit
///         (a node, a relayer, the user): the wallet's consent is the profile's `eip191v2` proof.
///
///         The SDK's proof: `verificationProof = "eip191v2:" + personal_sign(hex)` where `hex` is the 64 lowercase hex
///         characters of SHA-256 over `JSON.stringify({caip10, did, publicKey, encryptedPrivateKey})` (UTF-8, the
///         fields in that order). The gateway rebuilds that text byte for byte (`PushJson`), recovers the EIP-191
///         signer and requires it to be the address of `caip10`; it then decodes the armored key in `publicKey` and
///         calls `IKeyRegistry.addKeyFromGateway(wallet, key)`, which applies the key profile and every rule of
///         `addKey` (its errors, its {IKeyRegistry.KeyAdded} record).
///
///         Accepted shapes (what SDK 1.7.32 writes): `caip10` = `did` = `eip155:0x` + 40 hex digits (any case; the
///         SDK writes the EIP-55 checksum and compares case-insensitively); `verificationProof` = `eip191v2:0x` +
///         130 hex digits (a 65-byte secp256k1 signature, v = 27 or 28, s in the lower half order); `publicKey` =
///         `{"key":"<armored key, JSON-escaped>","signature":"DEPRECATED"}` (the SDK's JSON) or the bare armored key
///         (what `create` writes for the `ENC_TYPE_V1` version), armor as `Base64Armor` reads it.
///
///         Not accepted: smart-contract wallets. SDK 1.7.32 verifies `eip191v2` proofs with `ecrecover` only
///         (`verifyProfileSignature`: viem `recoverAddress`, no ERC-1271 call) and names such wallets
///         `scw:eip155:<chainId>:<address>`, a different `caip10` with a password-encrypted key: a profile the SDK
///         itself cannot verify is not registered here. NFT profiles (`nft:eip155:...`) are not accepted either.
///         A proof has no nonce or expiry (the SDK's format has none): any profile the wallet ever signed can be
///         submitted, once per key; a key its owner revoked in the registry can never be added again.
interface IPushProfileGateway {
    /// @notice The profile of `wallet`, with key `keyHash` (= the {IKeyRegistry.KeyAdded} key hash), was registered.
    /// @dev Emitted right after the registry's `KeyAdded`. `profileDigest` is the SHA-256 of the SDK's preimage (the
    ///      value whose hex the wallet signed): off-chain code that needs the rest of the profile (a node answering
    ///      the SDK's `GET /v2/users/` with `encryptedPrivateKey` and `verificationProof`, which are not on chain
    ///      except in this call's calldata) can check any copy of the four fields against it.
    event PushProfileRegistered(address indexed wallet, bytes32 indexed keyHash, bytes32 profileDigest);

    /// @notice The constructor was given the zero address for the registry.
    error PushProfileGatewayZeroAddress();
    /// @notice `publicKey` or `encryptedPrivateKey` is longer than `max` bytes.
    error PushProfileGatewayTooLarge(uint256 size, uint256 max);
    /// @notice `caip10` is not `eip155:0x` followed by 40 hex digits.
    error PushProfileGatewayBadCaip10();
    /// @notice `did` differs from `caip10` (the SDK sends the same string twice).
    error PushProfileGatewayDidMismatch();
    /// @notice `verificationProof` is not `eip191v2:0x` + 130 hex digits, or its signature is not a valid
    ///         secp256k1 signature (v not 27/28, s in the upper half, no signer).
    error PushProfileGatewayMalformedProof();
    /// @notice The proof recovers to `signer`, not to `wallet`, the address of `caip10` (a proof by another wallet,
    ///         or any changed byte in the four signed fields).
    error PushProfileGatewayWrongSigner(address wallet, address signer);
    /// @notice `publicKey` is neither the SDK's `{"key":"...","signature":"DEPRECATED"}` nor a bare armored key.
    error PushProfileGatewayBadPublicKeyShape();
    /// @notice The armor frame is broken at byte `offset` of `publicKey` (see `Base64Armor`).
    error PushProfileGatewayBadArmor(uint256 offset);
    /// @notice The base64 text is broken at byte `offset` of `publicKey`.
    error PushProfileGatewayBadBase64(uint256 offset);
    /// @notice The CRC-24 of the decoded key differs from the armor's checksum line (at byte `offset` of `publicKey`).
    error PushProfileGatewayBadCrc(uint256 offset);

    /// @notice Registers the profile's key for the wallet of `caip10` (see the contract notice). Returns the key hash
    ///         (`keccak256` of the binary key). Reverts with the errors above, or the registry's own (a key outside
    ///         the key profile, too large, already active or revoked, too many keys, registry paused).
    function registerPushProfile(
        string calldata caip10,
        string calldata did,
        string calldata publicKey,
        string calldata encryptedPrivateKey,
        string calldata verificationProof
    ) external returns (bytes32 keyHash);

    /// @notice SHA-256 of the SDK's preimage `JSON.stringify({caip10, did, publicKey, encryptedPrivateKey})`; the
    ///         wallet signs its 64 lowercase hex characters.
    function profileDigest(
        string calldata caip10,
        string calldata did,
        string calldata publicKey,
        string calldata encryptedPrivateKey
    ) external view returns (bytes32);

    /// @notice The key registry the gateway adds keys to (it needs the registry's GATEWAY_ROLE).
    function keyRegistry() external view returns (IKeyRegistry);

    /// @notice Size cap, in bytes, of `publicKey` and of `encryptedPrivateKey` (24,576 each).
    function MAX_FIELD_SIZE() external view returns (uint256);
}
