// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IStakingVault} from "./IStakingVault.sol";

/// @title INodeRegistry
/// @notice Registry of Push Nodes: the entry point for registration, unstake requests, status changes,
///         parameters and pause, and the single entry point of the slashing contract. The token-moving operator
///         calls top-up ({IStakingVault.stake}) and withdrawal ({IStakingVault.withdraw}) go to the vault directly
///         (one contract hop less); the vault tells the registry when a withdrawal empties an Exiting node
///         ({completeExit}). A node is identified by its signer address (`node == signer`); a signer is bound
///         to one node forever and can never be registered again, even after the node exited or was banned.
///         The operator is the account that registered the node; it alone manages the node and receives
///         withdrawn stake.
///
///         Roles (uint8): VALIDATOR = 0, STORAGE = 1, DELIVERY = 2, ARCHIVE = 3.
///
///         Status graph (DESIGN section 3), enforced here:
///           None -> Active (registration, with at least the role's minimum stake)
///           Active -> Jailed (bonded stake fell below the role minimum, or a slash)
///           Jailed -> Active ({unjail}, once bonded stake >= the role minimum)
///           Active | Jailed -> Exiting ({exit}: all bonded stake starts unbonding)
///           Exiting -> Exited (everything withdrawn, or slashed away)
///           any registered status -> Banned (the slash count reached `slashesBeforeBan`); Banned is terminal.
///         Only Active nodes may attest ({isActive}). Unbonding stake stays slashable until it is withdrawn.
interface INodeRegistry {
    /// @notice Node status; see the graph above. `None` means the signer was never registered.
    enum Status {
        None,
        Active,
        Jailed,
        Exiting,
        Exited,
        Banned
    }

    /// @notice Why a status changed (in {NodeStatusChanged}).
    enum StatusReason {
        Registered, // None -> Active
        UnderStake, // Active -> Jailed: bonded stake fell below the role minimum by an unstake request
        Slashed, // Active -> Jailed by a slash
        Unjailed, // Jailed -> Active
        ExitRequested, // Active|Jailed -> Exiting (or straight to Exited when nothing is staked)
        StakeWithdrawn, // Exiting -> Exited: the last stake was withdrawn
        StakeSlashedAway, // Exiting -> Exited: a slash took the last stake
        SlashLimitReached // any -> Banned
    }

    /// @notice A node record. Packed in one storage slot.
    struct Node {
        address operator;
        uint8 role;
        Status status;
        uint64 registeredAt; // block timestamp of registration
        uint8 slashCount; // number of slashes that took stake (saturates at 255)
    }

    /// @notice Governance parameters of staking. `minStake` is indexed by role.
    struct Params {
        uint96[4] minStake;
        uint64 unbondingPeriod; // seconds
        uint8 slashesBeforeBan;
    }

    // ------------------------------------------------------------------------------------------------
    // Errors
    // ------------------------------------------------------------------------------------------------

    /// @notice `node` was never registered.
    error NodeRegistryUnknownNode(address node);
    /// @notice `signer` is (or was) already registered: a signer is bound to one node forever.
    error NodeRegistrySignerAlreadyRegistered(address signer);
    /// @notice `signerConsent` is not `signer`'s signature of its consent to be registered by `operator`.
    error NodeRegistryInvalidSignerConsent(address signer, address operator);
    /// @notice An address argument that must be set was zero.
    error NodeRegistryZeroAddress();
    /// @notice `role` is not one of VALIDATOR (0), STORAGE (1), DELIVERY (2), ARCHIVE (3).
    error NodeRegistryUnknownRole(uint8 role);
    /// @notice The endpoint is empty.
    error NodeRegistryEmptyEndpoint();
    /// @notice The endpoint is `length` bytes long, more than `max`.
    error NodeRegistryEndpointTooLong(uint256 length, uint256 max);
    /// @notice `caller` is not the operator of `node` (`operator` is).
    error NodeRegistryNotOperator(address node, address caller, address operator);
    /// @notice The action is not allowed while `node` is in `status`.
    error NodeRegistryInvalidStatus(address node, Status status);
    /// @notice An amount argument was zero.
    error NodeRegistryZeroAmount();
    /// @notice `stake` is below the minimum `minStake` of `role` (registration or unjail).
    error NodeRegistryStakeBelowMinimum(uint8 role, uint256 stake, uint256 minStake);
    /// @notice Governance tried to set parameter `name` to `value`, outside [`min`, `max`].
    error NodeRegistryParameterOutOfBounds(bytes32 name, uint256 value, uint256 min, uint256 max);
    /// @notice An operator function was called while paused (same error as OpenZeppelin's Pausable).
    error EnforcedPause();
    /// @notice {unpause} was called while not paused (same error as OpenZeppelin's Pausable).
    error ExpectedPause();
    /// @notice A vault-only function was called by `caller`.
    error NodeRegistryNotVault(address caller);
    /// @notice A slash asked for a reporter reward of `rewardBps`, above `max` (5000 = 50%).
    error NodeRegistryRewardTooHigh(uint256 rewardBps, uint256 max);

    // ------------------------------------------------------------------------------------------------
    // Events
    // ------------------------------------------------------------------------------------------------

    /// @notice `node` (its signer address) was registered by `operator` with `role` and `endpoint`. The
    ///         endpoint is not stored on chain: this event and {NodeEndpointUpdated} are its only record, and
    ///         the latest of them for a node is the current endpoint. The initial stake is in the vault's
    ///         `StakeDeposited` event of the same transaction. A `NodeStatusChanged(None -> Active)` follows.
    event NodeRegistered(address indexed node, address indexed operator, uint8 indexed role, string endpoint);

    /// @notice The operator of `node` changed its endpoint to `endpoint` (the current endpoint from now on).
    event NodeEndpointUpdated(address indexed node, string endpoint);

    /// @notice `node` moved from status `from` to `to` for `reason`. Every status change emits exactly one of
    ///         these, so replaying them in order gives the current status.
    event NodeStatusChanged(address indexed node, Status from, Status to, StatusReason reason);

    /// @notice The slashing role slashed `node`: `slashed` tokens taken, `slashCount` is its count afterwards.
    ///         Amount split and reporter are in the vault's `StakeSlashed` event of the same transaction.
    event NodeSlashed(address indexed node, uint256 slashed, uint8 slashCount);

    /// @notice `account` (a guardian) paused operator functions (same event as OpenZeppelin's Pausable).
    event Paused(address account);

    /// @notice `account` (governance) unpaused operator functions (same event as OpenZeppelin's Pausable).
    event Unpaused(address account);

    /// @notice Governance set the minimum stake of `role` to `minStake` (applies to registration and unjail;
    ///         Active nodes below it are not jailed until they unstake).
    event MinStakeSet(uint8 indexed role, uint256 minStake);

    /// @notice Governance set the unbonding period to `period` seconds (applies to new unbonding entries).
    event UnbondingPeriodSet(uint64 period);

    /// @notice Governance set the number of slashes that ban a node to `count` (checked at the next slash).
    event SlashesBeforeBanSet(uint8 count);

    /// @notice Governance set the contract whose fault window the unbonding period must exceed (its
    ///         `params().faultWindow`, the SlashingCourt), or cleared it (`source` zero).
    event FaultWindowSourceSet(address source);

    // ------------------------------------------------------------------------------------------------
    // Operators (all revert with OpenZeppelin's `EnforcedPause()` while paused)
    // ------------------------------------------------------------------------------------------------

    /// @notice Registers signer `signer` as a node of `role` operated by the caller, bonding `amount` (at least
    ///         the role minimum) pulled from the caller, who must have approved the vault. `signerConsent` is
    ///         the signer key's 65-byte EIP-712 signature of `SignerConsent(address signer,address operator)`
    ///         with the caller as operator, in the domain {name: "Push Node Registry", version: "1", chainId,
    ///         verifyingContract: this registry} ({signerConsentDigest}): a signer is bound to a node only by
    ///         an operator it consented to, so nobody can squat someone else's signer.
    function registerNode(
        address signer,
        uint8 role,
        string calldata endpoint,
        uint256 amount,
        bytes calldata signerConsent
    ) external;

    /// @notice The EIP-712 digest the signer key signs to consent to being registered by `operator`.
    function signerConsentDigest(address signer, address operator) external view returns (bytes32);

    /// @notice {registerNode} with an EIP-2612 permit for the vault (spender) signed by the caller. A permit
    ///         that fails (e.g. already used by a front-runner) is ignored; the allowance must then suffice.
    function registerNodeWithPermit(
        address signer,
        uint8 role,
        string calldata endpoint,
        uint256 amount,
        bytes calldata signerConsent,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Starts unbonding `amount` of `node`'s bonded stake (Active or Jailed). An Active node whose bonded
    ///         stake falls below its role minimum becomes Jailed (reason UnderStake).
    function requestUnstake(address node, uint256 amount) external;

    /// @notice Jailed -> Active, once `node`'s bonded stake is at least its role minimum (top up with
    ///         {IStakingVault.stake} first if needed).
    function unjail(address node) external;

    /// @notice Active|Jailed -> Exiting: all bonded stake starts unbonding; the node becomes Exited when
    ///         everything is withdrawn (immediately when nothing is staked).
    function exit(address node) external;

    /// @notice Sets `node`'s endpoint (emitted in {NodeEndpointUpdated}). Any status but Exited and Banned.
    function updateEndpoint(address node, string calldata endpoint) external;

    /// @notice Exiting -> Exited (reason StakeWithdrawn). Called by the vault only, when {IStakingVault.withdraw}
    ///         sent the last stake of an Exiting node.
    function completeExit(address node) external;

    // ------------------------------------------------------------------------------------------------
    // Slashing hooks (SLASHER_ROLE; never paused)
    // ------------------------------------------------------------------------------------------------

    /// @notice Slashes min(`amount`, bonded + unbonding) from `node` (bonded first, then unbonding entries),
    ///         credits `rewardBps` (<= 5000) of it to `reporter` (claimable from the vault), the rest to the
    ///         treasury share (all of it when `reporter` is the zero address). An Active node becomes Jailed;
    ///         the node's slash count increments and it is banned when the count reaches `slashesBeforeBan`
    ///         (its remaining bonded stake then starts unbonding).
    ///         Never reverts for a registered node with stake, whatever its status, even while paused. A node
    ///         without stake is left unchanged and 0 is returned.
    /// @return slashed The amount slashed.
    function slash(
        address node,
        uint256 amount,
        address reporter,
        uint16 rewardBps
    ) external returns (uint256 slashed);

    /// @notice As {slash} with the amount `stakeBps` (1 to 10000) of the node's bonded plus unbonding stake,
    ///         computed by the vault from what it holds (at least 1 when the node has stake): the fault-proof path,
    ///         which need not read the stake first. An unknown node, like a node without stake, is left alone and
    ///         0 is returned (the caller names the reason).
    /// @return slashed The amount slashed.
    function slashShare(
        address node,
        uint16 stakeBps,
        address reporter,
        uint16 rewardBps
    ) external returns (uint256 slashed);

    /// @notice Adds a withdrawal lock of `amount` on `node` (an open dispute, `amount` its stake at risk): the
    ///         vault's `withdraw` pays only what leaves the sum of the open locks in the node's stake.
    function lockWithdrawals(address node, uint256 amount) external;

    /// @notice Releases one withdrawal lock of `amount` on `node`.
    function unlockWithdrawals(address node, uint256 amount) external;

    /// @notice A slashing contract (SLASHER_ROLE) reports that it paused or unpaused its fault proofs; the
    ///         vault stops its exposure clock while any is paused (`IStakingVault.notePause`).
    function notePause(bool paused) external;

    // ------------------------------------------------------------------------------------------------
    // Governance (GOVERNOR_ROLE) and guardian
    // ------------------------------------------------------------------------------------------------

    /// @notice Sets the minimum stake of `role` (> 0, fits uint96).
    function setMinStake(uint8 role, uint256 minStake) external;

    /// @notice Sets the unbonding period in seconds, within {unbondingPeriodBounds}: with a fault-window
    ///         source set, longer than its fault window, so stake cannot leave before a dispute or quorum report
    ///         about it is out of time.
    function setUnbondingPeriod(uint64 period) external;

    /// @notice Sets the contract (the SlashingCourt) whose `params().faultWindow` the unbonding period must
    ///         exceed; zero clears it. Reverts with `NodeRegistryParameterOutOfBounds("unbondingPeriod", ...)`
    ///         when the current unbonding period is not longer than that window.
    function setFaultWindowSource(address source) external;

    /// @notice Sets how many slashes ban a node, within [1, 10].
    function setSlashesBeforeBan(uint8 count) external;

    /// @notice Pauses operator functions here and in the vault (GUARDIAN_ROLE only). Slashing is never paused.
    function pause() external;

    /// @notice Unpauses the registry and the vault (GOVERNOR_ROLE only).
    function unpause() external;

    // ------------------------------------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------------------------------------

    /// @notice Whether operator functions are paused.
    function paused() external view returns (bool);

    /// @notice The record of `node` (status None and zero fields when never registered).
    function nodeOf(address node) external view returns (Node memory);

    /// @notice Whether `node` is Active, i.e. may attest.
    function isActive(address node) external view returns (bool);

    /// @notice `node`'s bonded stake and the sum of its unbonding entries.
    function stakeOf(address node) external view returns (uint256 bonded, uint256 unbonding);

    /// @notice `node`'s pending unbonding entries (amount and release time), oldest first.
    function unbondingEntries(address node) external view returns (IStakingVault.UnbondingEntry[] memory);

    /// @notice Sum of the bonded stake of Active nodes of `role` (O(1); kept by the vault, read through it).
    function activeStake(uint8 role) external view returns (uint256);

    /// @notice Minimum bonded stake of `role` (stored in the vault, which needs it to jail on unstake).
    function minStake(uint8 role) external view returns (uint256);

    /// @notice Unbonding period in seconds applied to new unbonding entries.
    function unbondingPeriod() external view returns (uint64);

    /// @notice Number of slashes that ban a node.
    function slashesBeforeBan() external view returns (uint8);

    /// @notice All staking parameters at once.
    function params() external view returns (Params memory);

    /// @notice Whether time bounds are the short (minutes) ones of local networks and testnets; fixed at deploy.
    function shortTimeBounds() external view returns (bool);

    /// @notice Bounds of the unbonding period in seconds: 7 days (7 minutes with short bounds) to 60 days, and
    ///         more than the fault window of the {faultWindowSource} when one is set.
    function unbondingPeriodBounds() external view returns (uint64 min, uint64 max);

    /// @notice The contract whose fault window bounds the unbonding period from below (zero: none).
    function faultWindowSource() external view returns (address);

    /// @notice The staking vault.
    function vault() external view returns (IStakingVault);
}
