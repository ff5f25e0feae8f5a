/**
 * The profile relayer of a Push Node: a verified Push profile posted to the Push Chat API (`POST
 * /apis/v2/users/`) is registered on chain through `PushProfileGateway.registerPushProfile`, paid by the
 * node's relayer account, so that the user's key becomes active in the KeyRegistry (docs/push-format.md
 * section 5). Abuse limits, checked before any transaction:
 *
 * - per wallet: at most `perAddress.max` relay transactions per `perAddress.windowSec` (default 3 per hour);
 * - per client (the TCP peer address of the request): `perClient.max` per `perClient.windowSec` (default 20
 *   per hour); both answer 429 with a sentence;
 * - a gas budget: at most `gasBudget.gas` gas spent (the receipt's gasUsed; the estimate while a transaction is
 *   pending) per `gasBudget.windowSec` (default 30,000,000 gas per day, about 68 SDK profiles at 440,000 gas);
 *   when the next relay's estimate would exceed it the answer is 503 with a sentence.
 *
 * A profile whose key the chain already has, or whose relay is pending or mined, is not sent again. Relays
 * run one at a time (one nonce sequence). Windows are sliding and kept in memory: a restart forgets them.
 */
import { Interface, Wallet } from "ethers";
import type { TransactionReceipt } from "ethers";
import { HttpError } from "../http/server";
import type { RpcClient } from "../chain/rpc";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import type { VerifiedProfile } from "../pushchat";
import { KeyRegistry__factory, PushProfileGateway__factory } from "../../typechain-types";

export interface RateLimit {
  max: number;
  windowSec: number;
}

export interface GasBudget {
  gas: bigint;
  windowSec: number;
}

export const DEFAULT_RELAY_PER_ADDRESS: RateLimit = { max: 3, windowSec: 3600 };
export const DEFAULT_RELAY_PER_CLIENT: RateLimit = { max: 20, windowSec: 3600 };
export const DEFAULT_RELAY_GAS_BUDGET: GasBudget = { gas: 30_000_000n, windowSec: 86_400 };

export interface ProfileRelayOptions {
  /** PushProfileGateway address. */
  gateway: string;
  /** The relayer account's private key (0x hex): it pays the gas. Not the node's signer key. */
  relayerKey: string;
  perAddress?: RateLimit;
  perClient?: RateLimit;
  gasBudget?: GasBudget;
  /** How long a relay waits for its receipt before answering (ms, default 60000); the transaction stays pending. */
  receiptTimeoutMs?: number;
}

export interface ProfileRelayDeps {
  rpc: RpcClient;
  /** Whether the chain (the node's index) already has this key for this wallet. */
  onChain(address: string, keyHash: string): boolean;
  /** Called after a relay was mined (the node polls its chain index). */
  afterMined?(): Promise<void>;
  /** Clock in ms (tests). */
  now?: () => number;
  logger?: Logger;
}

interface Spend {
  at: number;
  gas: bigint;
}

export interface RelayStatus {
  relayer: string;
  gateway: string;
  gasSpent: string;
  gasBudget: string;
  budgetWindowSec: number;
}

const IFACES: Interface[] = [
  PushProfileGateway__factory.createInterface(),
  KeyRegistry__factory.createInterface(),
];
const GATEWAY = IFACES[0];

/** The custom error name and arguments of a revert, if one of the gateway's or registry's errors. */
function revertReason(e: unknown): string {
  const data = findData(e);
  if (data)
    for (const i of IFACES) {
      try {
        const parsed = i.parseError(data);
        if (parsed) return `${parsed.name}(${parsed.args.map(String).join(", ")})`;
      } catch {
        // not this interface
      }
    }
  return e instanceof Error ? e.message.split("\n")[0].slice(0, 300) : String(e);
}

function findData(e: unknown): string | undefined {
  for (let x: unknown = e, depth = 0; x !== null && typeof x === "object" && depth < 5; depth++) {
    const d = (x as { data?: unknown }).data;
    if (typeof d === "string" && d.startsWith("0x") && d.length >= 10) return d;
    x = (x as { error?: unknown; info?: unknown }).error ?? (x as { info?: { error?: unknown } }).info?.error;
  }
  return undefined;
}

function windowText(sec: number): string {
  if (sec % 86_400 === 0) return sec === 86_400 ? "day" : `${sec / 86_400} days`;
  if (sec % 3600 === 0) return sec === 3600 ? "hour" : `${sec / 3600} hours`;
  return `${sec} s`;
}

export class ProfileRelay {
  readonly relayer: string;
  private readonly perAddress: RateLimit;
  private readonly perClient: RateLimit;
  private readonly budget: GasBudget;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly byAddress = new Map<string, number[]>();
  private readonly byClient = new Map<string, number[]>();
  private readonly spends: Spend[] = [];
  /** keyHash -> the relay transaction (pending or mined). */
  private readonly sent = new Map<string, { txHash: string; mined: boolean }>();
  private queue: Promise<unknown> = Promise.resolve();
  private wallet: Wallet | undefined;

  constructor(
    private readonly opts: ProfileRelayOptions,
    private readonly deps: ProfileRelayDeps,
  ) {
    this.relayer = new Wallet(opts.relayerKey).address;
    this.perAddress = opts.perAddress ?? DEFAULT_RELAY_PER_ADDRESS;
    this.perClient = opts.perClient ?? DEFAULT_RELAY_PER_CLIENT;
    this.budget = opts.gasBudget ?? DEFAULT_RELAY_GAS_BUDGET;
    this.now = deps.now ?? Date.now;
    this.log = (deps.logger ?? silentLogger).child({ component: "profile-relay", relayer: this.relayer });
  }

  /** Gas spent in the current budget window. */
  gasSpent(): bigint {
    const since = this.now() - this.budget.windowSec * 1000;
    return this.spends.filter((s) => s.at > since).reduce((a, s) => a + s.gas, 0n);
  }

  status(): RelayStatus {
    return {
      relayer: this.relayer,
      gateway: this.opts.gateway,
      gasSpent: this.gasSpent().toString(),
      gasBudget: this.budget.gas.toString(),
      budgetWindowSec: this.budget.windowSec,
    };
  }

  /** The relayProfile seam: registers the profile's key through the gateway, or throws an HttpError saying why not. */
  async relay(p: VerifiedProfile, client: string): Promise<void> {
    if (this.deps.onChain(p.address, p.keyHash)) return;
    if (this.sent.has(p.keyHash)) return;
    const run = this.queue.then(() => this.relayNow(p, client));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private recent(map: Map<string, number[]>, key: string, windowSec: number): number[] {
    const since = this.now() - windowSec * 1000;
    const kept = (map.get(key) ?? []).filter((t) => t > since);
    map.set(key, kept);
    return kept;
  }

  private async relayNow(p: VerifiedProfile, client: string): Promise<void> {
    if (this.deps.onChain(p.address, p.keyHash) || this.sent.has(p.keyHash)) return;
    const addr = this.recent(this.byAddress, p.address, this.perAddress.windowSec);
    if (addr.length >= this.perAddress.max)
      throw new HttpError(
        429,
        `${p.address} already had ${addr.length} profile relays in the last ${windowText(this.perAddress.windowSec)} ` +
          `(the limit per wallet); retry in ${this.retryIn(addr, this.perAddress)} s.`,
      );
    const cli = this.recent(this.byClient, client, this.perClient.windowSec);
    if (cli.length >= this.perClient.max)
      throw new HttpError(
        429,
        `This client (${client}) already had ${cli.length} profile relays in the last ${windowText(this.perClient.windowSec)} ` +
          `(the limit per client); retry in ${this.retryIn(cli, this.perClient)} s.`,
      );
    const body = p.body;
    const data = GATEWAY.encodeFunctionData("registerPushProfile", [
      body.caip10,
      body.did,
      body.publicKey,
      body.encryptedPrivateKey,
      body.verificationProof,
    ]);
    const wallet = await this.signer();
    let estimate: bigint;
    try {
      estimate = await wallet.estimateGas({ to: this.opts.gateway, data });
    } catch (e) {
      throw new HttpError(
        503,
        `the PushProfileGateway at ${this.opts.gateway} would refuse it (${revertReason(e)}).`,
      );
    }
    const spent = this.gasSpent();
    if (spent + estimate > this.budget.gas)
      throw new HttpError(
        503,
        `this node's gas budget for relaying profiles (${this.budget.gas} gas per ${windowText(this.budget.windowSec)}) ` +
          `is spent (${spent} used, this relay needs about ${estimate}); retry later, or register the key with ` +
          "key:import-push-profile from any funded account.",
      );
    const gasLimit = (estimate * 12n) / 10n;
    let txHash: string;
    try {
      const tx = await wallet.sendTransaction({ to: this.opts.gateway, data, gasLimit });
      txHash = tx.hash;
    } catch (e) {
      throw new HttpError(503, `sending the relay transaction failed (${revertReason(e)}).`);
    }
    const at = this.now();
    const spend: Spend = { at, gas: gasLimit };
    this.spends.push(spend);
    addr.push(at);
    cli.push(at);
    const record = { txHash, mined: false };
    this.sent.set(p.keyHash, record);
    this.log.info("profile relayed", { address: p.address, keyHash: p.keyHash, txHash, estimate });
    let receipt: TransactionReceipt | null;
    try {
      receipt = await wallet.provider!.waitForTransaction(txHash, 1, this.opts.receiptTimeoutMs ?? 60_000);
    } catch (e) {
      this.log.warn("no receipt yet for a profile relay", { txHash, error: (e as Error).message });
      return; // pending: counted, not sent again
    }
    if (receipt === null) return;
    spend.gas = receipt.gasUsed;
    if (receipt.status !== 1) {
      this.sent.delete(p.keyHash);
      throw new HttpError(503, `the relay transaction ${txHash} reverted on chain.`);
    }
    record.mined = true;
    try {
      await this.deps.afterMined?.();
    } catch (e) {
      this.log.warn("chain refresh after a relay failed", { error: (e as Error).message });
    }
  }

  private retryIn(times: number[], limit: RateLimit): number {
    return Math.max(1, Math.ceil((times[0] + limit.windowSec * 1000 - this.now()) / 1000));
  }

  private async signer(): Promise<Wallet> {
    this.wallet ??= new Wallet(this.opts.relayerKey, await this.deps.rpc.ethersProvider());
    return this.wallet;
  }
}
