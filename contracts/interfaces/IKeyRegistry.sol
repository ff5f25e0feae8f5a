// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IOpenPgpKeyErrors} from "./IOpenPgpKeyErrors.sol";

/// @title IKeyRegistry
/// @notice Per address, a set of OpenPGP public keys that a chat wallet uses to sign and receive messages.
///         A key is named by `keyHash = keccak256(publicKey)`, where `publicKey` is the canonical binary
///         transferable public key (it starts with the primary public-key packet, tag 6, in either header form).
///         The key bytes are emitted in {KeyAdded} and not stored. A record is created by the owner, or by
///         anyone holding the owner's EIP-712 signature, and never deleted: an owner never re-adds a key it
///         revoked, so `isActiveAt` answers for any past time. A pause (guardian) stops additions only:
///         revocations, direct or relayed, are never paused, so a compromised key can always be revoked.
///         Keys are checked against the key profile (`OpenPgpVerifier.checkKey`, docs/client-profile.md section
///         1): every packet is read, and the binding of every signing subkey is verified.
interface IKeyRegistry is IOpenPgpKeyErrors {
    /// @notice The record of one key of one owner. All fields are zero for a key the owner never added.
    /// @param algorithm OpenPGP public-key algorithm of the primary key: 1 RSA, 19 ECDSA (NIST P-256),
    ///        22 EdDSA legacy (Ed25519), 27 Ed25519.
    /// @param addedAt block timestamp of the addition.
    /// @param revokedAt block timestamp of the revocation, 0 while the key is active.
    struct KeyRecord {
        uint8 algorithm;
        uint64 addedAt;
        uint64 revokedAt;
    }

    // ---------------------------------------------------------------- events

    /// @notice `owner` added the key `keyHash`, active from this block's timestamp on.
    /// @dev Emitted once per (owner, keyHash), ever. Off-chain code may rely on: `keyHash ==
    ///      keccak256(publicKey)`; `publicKey` is exactly the bytes the owner (or its signature) submitted, at
    ///      most 8192 of them; it is a sequence of packets (new-format headers with minimal lengths, or old-format
    ///      headers of one, two or four length octets) that fill it exactly; the first is a version-4 public key
    ///      of `algorithm` within the key profile (RSA with a 2048- to 4096-bit modulus and e = 65537, a NIST
    ///      P-256 point on the curve, or a canonical Ed25519 point, as EdDSA legacy (22) or Ed25519 (27)); no
    ///      other packet is a public key, secret key or secret subkey, and the others are signatures, user IDs,
    ///      public subkeys or user attributes (tags 2, 13, 14, 17). Every signing subkey (a subkey with a
    ///      sign-flagged binding signature) is within the same profile and each of its sign-flagged bindings and
    ///      back signatures verifies. What the other packets say (user IDs, self-signatures, other subkeys,
    ///      revocations, expiry) is NOT checked on chain.
    /// @param owner the address the key belongs to.
    /// @param keyHash keccak256 of `publicKey`.
    /// @param algorithm OpenPGP algorithm id of the primary key (1, 19, 22 or 27).
    /// @param publicKey the canonical binary transferable public key.
    event KeyAdded(address indexed owner, bytes32 indexed keyHash, uint8 algorithm, bytes publicKey);

    /// @notice `owner` revoked the key `keyHash`; it is inactive from this block's timestamp on, forever.
    /// @dev Emitted at most once per (owner, keyHash), always after its {KeyAdded}.
    event KeyRevoked(address indexed owner, bytes32 indexed keyHash);

    /// @notice `owner` consumed `nonce` without using it, so any signature made with it is void.
    /// @dev Nonces only increase; the next valid nonce of `owner` is `nonce + 1`.
    event NonceCancelled(address indexed owner, uint256 nonce);

    // ---------------------------------------------------------------- errors

    /// @notice `initialize` was given the zero address for a role, or the constructor for the verifier.
    error KeyRegistryZeroAddress();
    /// @notice The key bytes are longer than the size cap.
    error KeyRegistryKeyTooLarge(uint256 size, uint256 max);
    /// @notice `owner` already has `max` active keys.
    error KeyRegistryTooManyKeys(address owner, uint256 max);
    /// @notice `owner` already has the key `keyHash`, active.
    error KeyRegistryKeyAlreadyActive(address owner, bytes32 keyHash);
    /// @notice `owner` revoked the key `keyHash` before: a revoked key is never re-added by the same owner.
    error KeyRegistryKeyRevoked(address owner, bytes32 keyHash);
    /// @notice `owner` never added the key `keyHash`.
    error KeyRegistryUnknownKey(address owner, bytes32 keyHash);
    /// @notice The key `keyHash` of `owner` is already revoked.
    error KeyRegistryKeyAlreadyRevoked(address owner, bytes32 keyHash);
    /// @notice The signed request expired at `deadline`.
    error KeyRegistryExpiredSignature(uint256 deadline);
    /// @notice The signature is not `owner`'s over this request with its current nonce (wrong signer,
    ///         malformed or malleable signature, another chain or contract, used or cancelled nonce).
    error KeyRegistryInvalidSignature(address owner);

    // ---------------------------------------------------------------- changes

    /// @notice Adds `publicKey` to the caller's keys. Reverts with a named error for a key outside the
    ///         key profile (an `OpenPgpKey` error, see {KeyAdded}), a key over the size cap, a key the caller
    ///         has active or revoked, or when the caller has the maximum number of active keys. Pausable.
    function addKey(bytes calldata publicKey) external;

    /// @notice Revokes the caller's key `keyHash`. Works while the registry is paused: a compromised key must
    ///         always be revocable.
    function revokeKey(bytes32 keyHash) external;

    /// @notice Adds `publicKey` to `owner`'s keys with `owner`'s EIP-712 signature over
    ///         `AddKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)`, domain
    ///         {name: "Push Key Registry", version: "1", chainId, verifyingContract}; any account may send it.
    ///         The signature is an EOA's 65-byte ECDSA signature (low s) or checked by ERC-1271 when
    ///         `owner` has code. Consumes `owner`'s nonce. Pausable.
    function addKeyFor(
        address owner,
        bytes calldata publicKey,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Adds `publicKey` to `owner`'s keys on the word of a gateway contract holding GATEWAY_ROLE (granted
    ///         by governance), which checked `owner`'s consent itself (the Push profile gateway: the wallet's
    ///         `eip191v2` signature over the Push Chat SDK's profile). Same checks, record, event ({KeyAdded})
    ///         and errors as {addKey}; no nonce is used. Pausable. Reverts with OpenZeppelin's
    ///         `AccessControlUnauthorizedAccount` for a caller without GATEWAY_ROLE.
    function addKeyFromGateway(address owner, bytes calldata publicKey) external;

    /// @notice Revokes `owner`'s key `keyHash` with `owner`'s EIP-712 signature over
    ///         `RevokeKey(address owner,bytes32 keyHash,uint256 nonce,uint256 deadline)`. Consumes the nonce.
    ///         Works while the registry is paused, like {revokeKey}.
    function revokeKeyFor(
        address owner,
        bytes32 keyHash,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice Consumes the caller's next nonce, voiding any signature made with it. Returns that nonce.
    function useNonce() external returns (uint256);

    // ---------------------------------------------------------------- views

    /// @notice Size cap on `publicKey` in bytes (4096).
    function MAX_KEY_SIZE() external view returns (uint256);

    /// @notice Cap on the number of keys one owner may have active at once (32). Revoked keys do not count.
    function MAX_ACTIVE_KEYS() external view returns (uint256);

    /// @notice The record of `owner`'s key `keyHash` (all zero if never added).
    function keyOf(address owner, bytes32 keyHash) external view returns (KeyRecord memory);

    /// @notice True when `owner`'s key `keyHash` was active at `timestamp`:
    ///         `addedAt <= timestamp` and (`revokedAt == 0` or `timestamp < revokedAt`).
    function isActiveAt(address owner, bytes32 keyHash, uint64 timestamp) external view returns (bool);

    /// @notice Number of keys `owner` ever added (active and revoked).
    function keyCount(address owner) external view returns (uint256);

    /// @notice Number of `owner`'s keys active now.
    function activeKeyCount(address owner) external view returns (uint256);

    /// @notice `owner`'s keys in order of addition, from `offset`, at most `limit` of them.
    function keysOf(
        address owner,
        uint256 offset,
        uint256 limit
    ) external view returns (bytes32[] memory keyHashes, KeyRecord[] memory records);

    /// @notice The next nonce a signature of `owner` must carry.
    function nonces(address owner) external view returns (uint256);
}
