// Operator-side client of NodeRegistry / StakingVault: input checks that fail with one sentence before any
// transaction, token approval (EIP-2612 permit when the token supports it, else an exact approve), the
// transactions themselves, and the status of nodes (endpoints come from events). Used by the node:* tasks,
// the demo, and node / validator code.
import { Interface, Wallet, getAddress, isAddress } from "ethers";
import type { ErrorDescription } from "ethers";
import { explainError, revertData } from "./errors";
import type { Signer, TypedDataDomain } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { INodeRegistry, IStakingVault, TestPush } from "../typechain-types";
import type { ContractMethodArgs, TypedContractMethod } from "../typechain-types/common";
import { contractAddress } from "./deployments";
import type { DeploymentFile } from "./deployments";
import { formatPush, parsePush } from "./units";
import { Role, STATUS_NAMES, signSignerConsent, signerOfConsent } from "./staking";
import type { NodeStatusName } from "./staking";
import { TaskError, loadDeployment, sendTx } from "./tasks-util";
import type { SentTx } from "./tasks-util";
import { formatTable } from "./table";
import { permitDomains, signPermit, tokenRefusal } from "./token-approval";
import type { TokenRefusal } from "./token-approval";
import { signerFor } from "./signer";
import type { Column } from "./table";

// ------------------------------------------------------------------------------------------------ roles

/** Role names as tasks take and print them: the contract's roles (src/staking.ts) in lower case. */
export const ROLE_NAMES = ["validator", "storage", "delivery", "archive"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

export type StatusName = NodeStatusName;

/** Longest endpoint the client accepts, in UTF-8 bytes (the registry enforces its own cap too). */
export const MAX_ENDPOINT_BYTES = 256;

/** Parses a role name (any case) or its number. */
export function parseRole(input: string): number {
  const text = input.trim();
  if (/^[0-3]$/.test(text)) return Number(text);
  const role = (Role as Record<string, number>)[text.toUpperCase()];
  if (role === undefined)
    throw new TaskError(`Unknown role "${input}": use validator, storage, delivery or archive.`);
  return role;
}

/** Lower-case name of an on-chain role number. */
export function roleName(role: number | bigint): string {
  return ROLE_NAMES[Number(role)] ?? `role ${role}`;
}

export function statusName(status: number | bigint): StatusName {
  const s = STATUS_NAMES[Number(status)];
  if (!s) throw new Error(`Unknown node status ${status}.`);
  return s;
}

// ------------------------------------------------------------------------------------------------ input

/** Parses an amount of PUSH (flag `--name`) into wei: a positive number, else one sentence. */
export function parseAmount(name: string, input: string): bigint {
  let wei: bigint;
  try {
    wei = parsePush(input);
  } catch (e) {
    throw new TaskError(`--${name}: ${(e as Error).message}`);
  }
  if (wei === 0n) throw new TaskError(`--${name} must be more than 0 PUSH.`);
  return wei;
}

/** Checksummed address, or one sentence naming the flag. */
export function parseAddress(name: string, input: string): string {
  if (!isAddress(input)) throw new TaskError(`--${name} "${input}" is not an Ethereum address.`);
  const a = getAddress(input);
  if (a === "0x0000000000000000000000000000000000000000")
    throw new TaskError(`--${name} must not be the zero address.`);
  return a;
}

/** Checks an endpoint: an http(s) URL of 1..MAX_ENDPOINT_BYTES bytes. */
export function checkEndpoint(endpoint: string, maxBytes = MAX_ENDPOINT_BYTES): string {
  if (endpoint.trim() === "") throw new TaskError("--endpoint must not be empty.");
  const size = Buffer.byteLength(endpoint, "utf8");
  if (size > maxBytes)
    throw new TaskError(`--endpoint is ${size} bytes long; the limit is ${maxBytes} bytes.`);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TaskError(`--endpoint "${endpoint}" is not a URL (expected e.g. https://node.example.org).`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new TaskError(`--endpoint "${endpoint}" must be an http:// or https:// URL.`);
  return endpoint;
}

/**
 * The account `from` names among hre's signers: an index ("0", "1", ...) or an address; default the first.
 * With `keystore`, the decrypted keystore file instead (src/signer.ts).
 */
export async function resolveSigner(
  hre: HardhatRuntimeEnvironment,
  from?: string,
  keystore?: string,
): Promise<Signer> {
  return signerFor(hre, { from, keystore });
}

// ------------------------------------------------------------------------------------------------ status

export interface UnbondingRow {
  amount: bigint;
  /** Unix seconds when the entry becomes withdrawable. */
  releaseAt: number;
}

/** One line of the node status table. */
export interface NodeStatusRow {
  /** The node id, which is its signer address. */
  node: string;
  signer: string;
  operator: string;
  role: string;
  status: StatusName;
  bonded: bigint;
  unbonding: bigint;
  entries: UnbondingRow[];
  /** Latest endpoint from NodeRegistered / NodeEndpointUpdated ("" when not found in the scanned range). */
  endpoint: string;
  registeredAt: number;
  slashCount: number;
}

function formatTime(t: number): string {
  return new Date(t * 1000).toISOString().replace(".000Z", "Z");
}

function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

/** "1,000 at 2026-01-01T00:00:00Z (in 5m)" (amount in PUSH) or "... (withdrawable now)". */
export function describeEntry(e: UnbondingRow, now: number): string {
  const when = e.releaseAt <= now ? "withdrawable now" : `in ${formatDuration(e.releaseAt - now)}`;
  return `${formatPush(e.amount)} at ${formatTime(e.releaseAt)} (${when})`;
}

export interface StatusTableOptions {
  /**
   * One wide line per node with every column (operator and unbonding entries included; about 190 columns).
   * Default: a table that fits about 100 columns, with the endpoint and unbonding entries on indented lines
   * under each node.
   */
  wide?: boolean;
}

/** The node status table as text; `now` (chain time) decides which entries are withdrawable. */
export function formatStatusTable(
  rows: NodeStatusRow[],
  now: number,
  options: StatusTableOptions = {},
): string {
  if (rows.length === 0) return "No nodes registered.";
  const main: Column<NodeStatusRow>[] = [
    { header: "node (signer)", value: (r) => r.node },
    { header: "role", value: (r) => r.role },
    { header: "status", value: (r) => r.status },
    { header: "bonded PUSH", value: (r) => formatPush(r.bonded), align: "right" },
    { header: "unbonding PUSH", value: (r) => formatPush(r.unbonding), align: "right" },
  ];
  if (options.wide) {
    const columns: Column<NodeStatusRow>[] = [
      main[0],
      { header: "operator", value: (r) => r.operator },
      ...main.slice(1),
      {
        header: "unbonding entries",
        value: (r) => (r.entries.length ? r.entries.map((e) => describeEntry(e, now)).join("\n") : "-"),
      },
      { header: "endpoint", value: (r) => r.endpoint || "-" },
    ];
    return formatTable(columns, rows);
  }
  // Every main cell is one line: the table is a header, a rule, then exactly one line per row.
  const [header, rule, ...lines] = formatTable(main, rows).split("\n");
  const out = [header, rule];
  rows.forEach((r, i) => {
    out.push(lines[i], `    endpoint ${r.endpoint || "-"}`);
    for (const e of r.entries) out.push(`    unbonding ${describeEntry(e, now)}`);
  });
  return out.join("\n");
}

// ------------------------------------------------------------------------------------------------ client

/** Errors every staking call may revert with, besides the registry's and vault's own. */
const COMMON_ERRORS = new Interface([
  "error EnforcedPause()",
  "error ExpectedPause()",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error ReentrancyGuardReentrantCall()",
  "error SafeERC20FailedOperation(address token)",
  "error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)",
  "error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)",
  "error ERC2612ExpiredSignature(uint256 deadline)",
  "error ERC2612InvalidSigner(address signer, address owner)",
]);
const CONTRACT_NAMES = ["NodeRegistry", "StakingVault", "TestPush"];
const PAUSABLE = new Interface(["function paused() view returns (bool)"]);

/** How `approveFor` made the vault's allowance available. */
export type Approval =
  | { kind: "allowance" }
  | { kind: "permit"; deadline: bigint; v: number; r: string; s: string }
  | { kind: "approve"; tx: SentTx };

export interface StakingClientOptions {
  /** Where transaction lines and notes are printed. */
  log?: (line: string) => void;
  /** Blocks per eth_getLogs request when discovering nodes. */
  logChunk?: number;
  /** Encrypted JSON keystore to send from (instead of `from` among the configured accounts). */
  keystore?: string;
}

export class StakingClient {
  readonly log: (line: string) => void;
  readonly logChunk: number;
  private permitDomainCache: TypedDataDomain[] | undefined;
  /** PUSH the transaction being sent moves, for {@link refusalSentence}. */
  private needed: bigint | undefined;

  constructor(
    readonly deployment: DeploymentFile,
    readonly registry: INodeRegistry,
    readonly vault: IStakingVault,
    readonly token: TestPush,
    readonly operator: Signer,
    options: StakingClientOptions = {},
  ) {
    this.log = options.log ?? console.log;
    this.logChunk = options.logChunk ?? 10_000;
  }

  /**
   * Connects to the deployment of hre's network as `from` (index or address among hre's signers; default
   * the first). Throws one sentence when there is no deployment, it is for another chain, or its
   * contracts are not on this chain (a restarted local chain).
   */
  static async connect(
    hre: HardhatRuntimeEnvironment,
    from?: string,
    options: StakingClientOptions = {},
  ): Promise<StakingClient> {
    const deployment = await loadDeployment(hre);
    let registryAddress: string;
    try {
      registryAddress = contractAddress(deployment, "NodeRegistry");
      contractAddress(deployment, "StakingVault");
    } catch (e) {
      throw new TaskError((e as Error).message);
    }
    if ((await hre.ethers.provider.getCode(registryAddress)) === "0x")
      throw new TaskError(
        `No contract at the NodeRegistry address ${registryAddress} of deployments/${hre.network.name}.json: the chain was reset; run deploy:protocol again.`,
      );
    const operator = await resolveSigner(hre, from, options.keystore);
    const registry = (await hre.ethers.getContractAt(
      "INodeRegistry",
      registryAddress,
      operator,
    )) as unknown as INodeRegistry;
    const vaultAddress = await registry.vault();
    const vault = (await hre.ethers.getContractAt(
      "IStakingVault",
      vaultAddress,
      operator,
    )) as unknown as IStakingVault;
    const token = (await hre.ethers.getContractAt(
      "TestPush",
      await vault.token(),
      operator,
    )) as unknown as TestPush;
    return new StakingClient(deployment, registry, vault, token, operator, options);
  }

  /** Interfaces to decode reverts of staking transactions with. */
  get interfaces(): Interface[] {
    return [this.registry.interface, this.vault.interface, this.token.interface, COMMON_ERRORS];
  }

  /**
   * Sends `method(...args)` and waits for it, printing hash and gas. The call is estimated first, so a call
   * that would revert fails before anything is signed or sent (networks with a fixed gas limit, like
   * Hardhat's, would otherwise mine the reverting transaction); its revert becomes one sentence.
   */
  async send<A extends Array<unknown>>(
    what: string,
    method: TypedContractMethod<A, unknown, "nonpayable">,
    ...args: ContractMethodArgs<A, "nonpayable">
  ): Promise<SentTx> {
    try {
      await method.estimateGas(...args);
    } catch (e) {
      throw new TaskError(`${what} failed: ${await this.explain(e)}`);
    }
    return sendTx(what, () => method(...args), this.interfaces, CONTRACT_NAMES, this.log);
  }

  /**
   * One sentence for a revert: the common staking errors in operator terms (PUSH, dates), else decoded. A
   * token's string revert (mainnet PUSH, Polygon's PUSH) gives the sentence of the matching OpenZeppelin
   * error, with `needed` (default: what the transaction being sent moves) as the PUSH needed.
   */
  async explain(err: unknown, needed: bigint | undefined = this.needed): Promise<string> {
    const refusal = tokenRefusal(err);
    if (refusal) return this.refusalSentence(refusal, needed);
    const data = revertData(err);
    let desc: ErrorDescription | null = null;
    for (const iface of data ? this.interfaces : []) {
      try {
        desc = iface.parseError(data!);
      } catch {
        desc = null;
      }
      if (desc) break;
    }
    const a = desc?.args;
    switch (desc?.name) {
      case "EnforcedPause":
        return "the NodeRegistry is paused: operator actions are disabled until governance unpauses it.";
      case "StakingVaultNothingToWithdraw": {
        const next = Number(a![1]);
        if (next === 0) return `node ${a![0]} has no unbonding stake.`;
        const now = await this.chainTime();
        return `nothing is withdrawable yet: the next unbonding entry of node ${a![0]} matures at ${formatTime(next)} (in ${formatDuration(Math.max(0, next - now))}).`;
      }
      case "StakingVaultWithdrawalsLocked":
        return `open disputes hold ${formatPush(a![1])} PUSH of node ${a![0]}'s stake: a withdrawal must leave that much staked until they close.`;
      case "StakingVaultInsufficientStake":
        return `node ${a![0]} has ${formatPush(a![2])} PUSH bonded, less than the ${formatPush(a![1])} PUSH requested.`;
      case "NodeRegistryNotOperator":
      case "StakingVaultNotOperator":
        return `node ${a![0]} is operated by ${a![2]}, not by ${a![1]}.`;
      case "NodeRegistryInvalidStatus":
      case "StakingVaultInvalidStatus":
        return `node ${a![0]} is ${statusName(a![1])}.`;
      case "NodeRegistryUnknownNode":
      case "StakingVaultUnknownNode":
        return `node ${a![0]} is not registered.`;
      case "NodeRegistryStakeBelowMinimum":
        return `${formatPush(a![1])} PUSH is below the ${roleName(a![0])} minimum stake of ${formatPush(a![2])} PUSH.`;
      case "ERC20InsufficientBalance":
        return `${a![0]} holds ${formatPush(a![1])} PUSH, less than the ${formatPush(a![2])} PUSH needed.`;
      case "ERC20InsufficientAllowance":
        return `the vault may take only ${formatPush(a![1])} of the ${formatPush(a![2])} PUSH needed (approval or permit missing).`;
      default:
        return explainError(err, this.interfaces, CONTRACT_NAMES);
    }
  }

  /**
   * A token's string revert (mainnet PUSH, Polygon's PUSH, OpenZeppelin 3/4) as the sentence its custom
   * error would give, with the operator's balance or the vault's allowance read from the chain.
   */
  private async refusalSentence(refusal: TokenRefusal, needed: bigint | undefined): Promise<string> {
    const me = await this.operatorAddress();
    if (refusal === "balance") {
      const balance = formatPush(await this.token.balanceOf(me));
      return needed === undefined
        ? `${me} holds ${balance} PUSH, less than needed.`
        : `${me} holds ${balance} PUSH, less than the ${formatPush(needed)} PUSH needed.`;
    }
    const allowance = formatPush(await this.token.allowance(me, await this.vault.getAddress()));
    return needed === undefined
      ? `the vault may take only ${allowance} PUSH from ${me} (approval or permit missing).`
      : `the vault may take only ${allowance} of the ${formatPush(needed)} PUSH needed (approval or permit missing).`;
  }

  /** Runs `f` with `amount` as the PUSH a transaction moves (for the token refusal sentences). */
  private async moving<T>(amount: bigint, f: () => Promise<T>): Promise<T> {
    this.needed = amount;
    try {
      return await f();
    } finally {
      this.needed = undefined;
    }
  }

  async operatorAddress(): Promise<string> {
    return this.operator.getAddress();
  }

  /** Latest block timestamp: "now" as the contracts see it. */
  async chainTime(): Promise<number> {
    const block = await this.registry.runner!.provider!.getBlock("latest");
    return block ? block.timestamp : Math.floor(Date.now() / 1000);
  }

  // ---------------------------------------------------------------------------------------- checks

  private async requireNotPaused(): Promise<void> {
    try {
      const [paused] = PAUSABLE.decodeFunctionResult(
        "paused",
        await this.operator.provider!.call({
          to: await this.registry.getAddress(),
          data: PAUSABLE.encodeFunctionData("paused"),
        }),
      ) as unknown as [boolean];
      if (paused)
        throw new TaskError(
          "The NodeRegistry is paused: operator actions are disabled until governance unpauses it.",
        );
    } catch (e) {
      if (e instanceof TaskError) throw e;
      // A registry without paused(): nothing to check.
    }
  }

  /** The node's record, checking it exists and that the client's operator runs it. */
  async requireOwnNode(node: string): Promise<INodeRegistry.NodeStructOutput> {
    const record = await this.registry.nodeOf(node);
    if (record.status === 0n) throw new TaskError(`Node ${node} is not registered.`);
    const me = await this.operatorAddress();
    if (record.operator.toLowerCase() !== me.toLowerCase())
      throw new TaskError(
        `Node ${node} is operated by ${record.operator}, not by ${me} (the --from account).`,
      );
    return record;
  }

  private requireStatus(
    node: string,
    record: INodeRegistry.NodeStructOutput,
    allowed: StatusName[],
    what: string,
  ): void {
    const s = statusName(record.status);
    if (!allowed.includes(s))
      throw new TaskError(
        `Cannot ${what} node ${node}: it is ${s} (only ${allowed.join(" or ")} nodes can).`,
      );
  }

  private async requireBalance(amount: bigint): Promise<void> {
    const me = await this.operatorAddress();
    const balance = await this.token.balanceOf(me);
    if (balance < amount)
      throw new TaskError(
        `${me} holds ${formatPush(balance)} PUSH, less than the ${formatPush(amount)} PUSH to stake.`,
      );
  }

  async minStake(role: number): Promise<bigint> {
    return this.registry.minStake(role);
  }

  // ---------------------------------------------------------------------------------------- approval

  /**
   * The token's EIP-712 permit domain when it has a permit (EIP-2612 with DOMAIN_SEPARATOR(), or Compound
   * style like mainnet PUSH: no version, no DOMAIN_SEPARATOR(), a DOMAIN_TYPEHASH() constant), else null
   * (Polygon's bridged PUSH: approve). When the getters leave a choice, the first domain whose permit an
   * eth_call accepts (see {@link approveFor}).
   */
  async permitDomain(): Promise<TypedDataDomain | null> {
    const domains = await this.permitDomainCandidates();
    return domains[0] ?? null;
  }

  private async permitDomainCandidates(): Promise<TypedDataDomain[]> {
    if (this.permitDomainCache === undefined) {
      this.permitDomainCache = await permitDomains(
        this.operator.provider!,
        await this.token.getAddress(),
        await this.operatorAddress(),
      );
    }
    return this.permitDomainCache;
  }

  /**
   * Makes `amount` spendable by the vault from the operator: nothing when the allowance already covers it;
   * else a permit for exactly `amount` (signed, checked with an eth_call of permit(), not sent: the
   * ...WithPermit call carries it); else an `approve` of exactly `amount`. The vault's transfer consumes
   * it, so no allowance is left behind.
   */
  async approveFor(amount: bigint): Promise<Approval> {
    const me = await this.operatorAddress();
    const spender = await this.vault.getAddress();
    if ((await this.token.allowance(me, spender)) >= amount) return { kind: "allowance" };
    const domains = await this.permitDomainCandidates();
    if (domains.length > 0) {
      const signed = await signPermit({
        signer: this.operator,
        token: await this.token.getAddress(),
        spender,
        amount,
        domains,
        now: await this.chainTime(),
      });
      if (signed) {
        this.permitDomainCache = [signed.domain];
        this.log(`Signed a permit for the vault to take exactly ${formatPush(amount)} PUSH.`);
        return { kind: "permit", ...signed.permit };
      }
      this.log("The token did not accept a permit signature (checked by eth_call): approving instead.");
    }
    const tx = await this.send(
      `approve ${formatPush(amount)} PUSH to the vault`,
      this.token.approve,
      spender,
      amount,
    );
    return { kind: "approve", tx };
  }

  // ---------------------------------------------------------------------------------------- actions

  /** Registers `signer` as a node of `role` with `amount` wei bonded, operated by the client's operator. */
  async register(args: {
    signer: string;
    role: number;
    endpoint: string;
    amount: bigint;
    /** The signer key's consent to this operator ({@link signSignerConsent}). */
    consent: string;
  }): Promise<SentTx> {
    const { signer, role, endpoint, amount, consent } = args;
    checkEndpoint(endpoint);
    if (amount <= 0n) throw new TaskError("--amount must be more than 0 PUSH.");
    const operator = await this.operatorAddress();
    const registryAddress = await this.registry.getAddress();
    const { chainId } = await this.registry.runner!.provider!.getNetwork();
    const consenting = signerOfConsent(consent, registryAddress, chainId, signer, operator);
    if (consenting === undefined || consenting.toLowerCase() !== signer.toLowerCase())
      throw new TaskError(
        `--consent is not signer ${signer}'s consent to be registered by operator ${operator} on this chain's NodeRegistry: ` +
          `run node:consent --operator ${operator} where the signer key is, and pass its output.`,
      );
    const existing = await this.registry.nodeOf(signer);
    if (existing.status !== 0n)
      throw new TaskError(
        `Signer ${signer} is already registered (a signer is bound to one node forever): use a new signer key.`,
      );
    const min = await this.minStake(role);
    if (amount < min)
      throw new TaskError(
        `--amount ${formatPush(amount)} PUSH is below the ${roleName(role)} minimum stake of ${formatPush(min)} PUSH.`,
      );
    await this.requireNotPaused();
    await this.requireBalance(amount);
    return this.moving(amount, async () => {
      const approval = await this.approveFor(amount);
      const what = `register ${roleName(role)} node ${signer} with ${formatPush(amount)} PUSH`;
      if (approval.kind === "permit") {
        const { deadline, v, r, s } = approval;
        return this.send(
          what,
          this.registry.registerNodeWithPermit,
          signer,
          role,
          endpoint,
          amount,
          consent,
          deadline,
          v,
          r,
          s,
        );
      }
      return this.send(what, this.registry.registerNode, signer, role, endpoint, amount, consent);
    });
  }

  /** Adds `amount` wei to the bonded stake of `node`. */
  async stake(node: string, amount: bigint): Promise<SentTx> {
    if (amount <= 0n) throw new TaskError("--amount must be more than 0 PUSH.");
    const record = await this.requireOwnNode(node);
    this.requireStatus(node, record, ["Active", "Jailed"], "stake on");
    await this.requireNotPaused();
    await this.requireBalance(amount);
    return this.moving(amount, async () => {
      const approval = await this.approveFor(amount);
      const what = `stake ${formatPush(amount)} PUSH on node ${node}`;
      if (approval.kind === "permit") {
        const { deadline, v, r, s } = approval;
        return this.send(what, this.vault.stakeWithPermit, node, amount, deadline, v, r, s);
      }
      return this.send(what, this.vault.stake, node, amount);
    });
  }

  /**
   * Starts unbonding `amount` wei of `node`'s bonded stake. An unstake that leaves an Active node below its
   * role minimum jails it: refused before sending unless `allowJail`.
   */
  async requestUnstake(node: string, amount: bigint, opts: { allowJail?: boolean } = {}): Promise<SentTx> {
    if (amount <= 0n) throw new TaskError("--amount must be more than 0 PUSH.");
    const record = await this.requireOwnNode(node);
    this.requireStatus(node, record, ["Active", "Jailed"], "unstake from");
    const [bonded] = await this.registry.stakeOf(node);
    if (amount > bonded)
      throw new TaskError(
        `--amount ${formatPush(amount)} PUSH is more than node ${node}'s bonded stake of ${formatPush(bonded)} PUSH.`,
      );
    await this.requireNotPaused();
    const min = await this.minStake(Number(record.role));
    const jails = statusName(record.status) === "Active" && bonded - amount < min;
    if (jails) {
      const room = bonded > min ? bonded - min : 0n;
      const warning =
        `Unstaking ${formatPush(amount)} PUSH leaves node ${node} with ${formatPush(bonded - amount)} PUSH bonded, ` +
        `below the ${roleName(record.role)} minimum of ${formatPush(min)} PUSH: the node would be Jailed and stop attesting ` +
        `until topped up (node:stake) and unjailed (node:unjail)`;
      if (!opts.allowJail)
        throw new TaskError(
          `${warning}; pass --allow-jail to do it anyway${room > 0n ? `, or unstake at most ${formatPush(room)} PUSH` : ""}; nothing was sent.`,
        );
      this.log(`${warning}; --allow-jail was given.`);
    }
    const sent = await this.send(
      `request unstake of ${formatPush(amount)} PUSH from node ${node}`,
      this.registry.requestUnstake,
      node,
      amount,
    );
    const period = await this.registry.unbondingPeriod();
    this.log(`The ${formatPush(amount)} PUSH becomes withdrawable in ${formatDuration(Number(period))}.`);
    if (jails)
      this.log(
        `Node ${node} is now Jailed: bonded stake is below the ${roleName(record.role)} minimum of ${formatPush(min)} PUSH until topped up and unjailed.`,
      );
    return sent;
  }

  /** What a Jailed node still needs after a top-up (one sentence), or undefined when it is not Jailed. */
  async jailedAdvice(node: string): Promise<string | undefined> {
    const record = await this.registry.nodeOf(node);
    if (statusName(record.status) !== "Jailed") return undefined;
    const [bonded] = await this.registry.stakeOf(node);
    const min = await this.minStake(Number(record.role));
    if (bonded < min)
      return `Node ${node} is still Jailed: stake ${formatPush(min - bonded)} PUSH more to reach the ${roleName(record.role)} minimum of ${formatPush(min)} PUSH, then run node:unjail --node ${node}.`;
    return `Node ${node} is still Jailed: its stake is back at the minimum, so run node:unjail --node ${node} to make it Active again.`;
  }

  /** Withdraws every matured unbonding entry of `node` to the operator. */
  async withdraw(node: string): Promise<SentTx & { amount: bigint }> {
    await this.requireOwnNode(node);
    const entries = await this.registry.unbondingEntries(node);
    if (entries.length === 0) throw new TaskError(`Node ${node} has no unbonding stake to withdraw.`);
    // Open disputes lock an amount (the stake at risk), not every withdrawal: the vault pays what leaves that
    // amount staked, and reverts with StakingVaultWithdrawalsLocked when that is nothing.
    await this.requireNotPaused();
    // Maturity is left to the estimate: it runs at the next block's time, which only the node knows.
    const sent = await this.send(`withdraw matured stake of node ${node}`, this.vault.withdraw, node);
    const receipt = await this.operator.provider!.getTransactionReceipt(sent.hash);
    let amount = 0n;
    const vaultAddress = (await this.vault.getAddress()).toLowerCase();
    for (const log of receipt?.logs ?? []) {
      if (log.address.toLowerCase() !== vaultAddress) continue;
      const parsed = this.vault.interface.parseLog(log);
      if (parsed?.name === "StakeWithdrawn") amount += parsed.args.amount as bigint;
    }
    return { ...sent, amount };
  }

  /** Jailed -> Active once the bonded stake is back at the role minimum. */
  async unjail(node: string): Promise<SentTx> {
    const record = await this.requireOwnNode(node);
    this.requireStatus(node, record, ["Jailed"], "unjail");
    const [bonded] = await this.registry.stakeOf(node);
    const min = await this.minStake(Number(record.role));
    if (bonded < min)
      throw new TaskError(
        `Node ${node} has ${formatPush(bonded)} PUSH bonded, below the ${roleName(record.role)} minimum of ${formatPush(min)} PUSH: stake ${formatPush(min - bonded)} PUSH more first.`,
      );
    await this.requireNotPaused();
    return this.send(`unjail node ${node}`, this.registry.unjail, node);
  }

  /** Active|Jailed -> Exiting: all bonded stake starts unbonding. */
  async exit(node: string): Promise<SentTx> {
    const record = await this.requireOwnNode(node);
    this.requireStatus(node, record, ["Active", "Jailed"], "exit");
    await this.requireNotPaused();
    const sent = await this.send(`exit node ${node}`, this.registry.exit, node);
    const period = await this.registry.unbondingPeriod();
    this.log(`Its stake becomes withdrawable in ${formatDuration(Number(period))} (node:withdraw).`);
    return sent;
  }

  /** Sets the endpoint of `node`. */
  async updateEndpoint(node: string, endpoint: string): Promise<SentTx> {
    checkEndpoint(endpoint);
    const record = await this.requireOwnNode(node);
    this.requireStatus(node, record, ["Active", "Jailed", "Exiting"], "update the endpoint of");
    await this.requireNotPaused();
    return this.send(
      `set endpoint of node ${node} to ${endpoint}`,
      this.registry.updateEndpoint,
      node,
      endpoint,
    );
  }

  // ---------------------------------------------------------------------------------------- status

  /** Calls `visit` for each block range [from, to] from the deploy block to the latest block. */
  private async chunks(visit: (from: number, to: number) => Promise<void>): Promise<void> {
    const latest = await this.operator.provider!.getBlockNumber();
    for (let from = this.deployment.deployBlock; from <= latest; from += this.logChunk)
      await visit(from, Math.min(from + this.logChunk - 1, latest));
  }

  /**
   * Registered nodes (all, or just `node`) in registration order with their latest endpoint, from
   * NodeRegistered and NodeEndpointUpdated events since the deploy block, fetched in chunks.
   */
  async discover(node?: string): Promise<{ nodes: string[]; endpoints: Map<string, string> }> {
    const nodes: string[] = [];
    const latest = new Map<string, { endpoint: string; block: number; index: number }>();
    const note = (n: string, endpoint: string, block: number, index: number): void => {
      const key = n.toLowerCase();
      const prev = latest.get(key);
      if (!prev || block > prev.block || (block === prev.block && index > prev.index))
        latest.set(key, { endpoint, block, index });
    };
    const registered = this.registry.filters.NodeRegistered(node);
    const updated = this.registry.filters.NodeEndpointUpdated(node);
    await this.chunks(async (from, to) => {
      for (const e of await this.registry.queryFilter(registered, from, to)) {
        nodes.push(getAddress(e.args.node));
        note(e.args.node, e.args.endpoint, e.blockNumber, e.index);
      }
      for (const e of await this.registry.queryFilter(updated, from, to))
        note(e.args.node, e.args.endpoint, e.blockNumber, e.index);
    });
    return { nodes, endpoints: new Map([...latest].map(([k, v]) => [k, v.endpoint])) };
  }

  private async row(node: string, endpoint: string): Promise<NodeStatusRow> {
    const [record, [bonded, unbonding], entries] = await Promise.all([
      this.registry.nodeOf(node),
      this.registry.stakeOf(node),
      this.registry.unbondingEntries(node),
    ]);
    return {
      node,
      signer: node,
      operator: record.operator,
      role: roleName(record.role),
      status: statusName(record.status),
      bonded,
      unbonding,
      entries: entries.map((e) => ({ amount: e.amount, releaseAt: Number(e.releaseAt) })),
      endpoint,
      registeredAt: Number(record.registeredAt),
      slashCount: Number(record.slashCount),
    };
  }

  /** Status of one node (which must be registered). */
  async status(node: string): Promise<NodeStatusRow> {
    const record = await this.registry.nodeOf(node);
    if (record.status === 0n) throw new TaskError(`Node ${node} is not registered.`);
    const { endpoints } = await this.discover(node);
    return this.row(getAddress(node), endpoints.get(node.toLowerCase()) ?? "");
  }

  /** Status of every registered node, in registration order. */
  async statusAll(): Promise<NodeStatusRow[]> {
    const { nodes, endpoints } = await this.discover();
    const rows: NodeStatusRow[] = [];
    // A few nodes at a time: three calls each, and public RPC endpoints throttle bursts.
    for (let i = 0; i < nodes.length; i += 16)
      rows.push(
        ...(await Promise.all(
          nodes.slice(i, i + 16).map((n) => this.row(n, endpoints.get(n.toLowerCase()) ?? "")),
        )),
      );
    return rows;
  }
}

/**
 * The signer key `signerKey`'s consent to be registered by `operator` on the deployment's NodeRegistry (what
 * `node:consent` prints and `node:register --consent` takes). Signed locally; nothing is sent.
 */
export async function nodeConsent(
  hre: HardhatRuntimeEnvironment,
  signerKey: string,
  operator: string,
): Promise<{ signer: string; operator: string; registry: string; consent: string }> {
  const deployment = await loadDeployment(hre);
  let registry: string;
  try {
    registry = contractAddress(deployment, "NodeRegistry");
  } catch (e) {
    throw new TaskError((e as Error).message);
  }
  const { chainId } = await hre.ethers.provider.getNetwork();
  const wallet = new Wallet(signerKey);
  const consent = await signSignerConsent(wallet, registry, chainId, getAddress(operator));
  return { signer: wallet.address, operator: getAddress(operator), registry, consent };
}
