/**
 * Sends fault proofs, one at a time, through the state machine kept in SQLite (store.ts):
 *
 *   found ──(offence not consumed, eth_call succeeds)──> simulated ──(signed, persisted, broadcast)──> sent
 *   sent ──receipt status 1──> mined        sent ──reverted, offence consumed by someone else──> consumed
 *   found|simulated ──offence already consumed / eth_call reverts OffenceConsumed──> consumed
 *   found|simulated ──eth_call reverts with any other error──> rejected (never sent)
 *
 * Rules that make restarts (kill -9 included) and races safe:
 * - `isOffenceConsumed` is read right before every broadcast (first send and re-broadcast alike);
 * - every proof is simulated with eth_call (and eth_estimateGas) just before it is signed: a proof the chain
 *   would reject is never sent;
 * - the signed transaction (hash, nonce, raw bytes) is committed to SQLite BEFORE it is broadcast, so a
 *   crash right after broadcasting leaves a `sent` row whose fate is looked up by hash on restart: a
 *   receipt settles it; a pending transaction is waited for; otherwise the offence status and the account
 *   nonce decide between re-broadcasting the very same bytes (same hash: never a second transaction) and
 *   signing anew (only when that nonce was used by another transaction, so the first can never be mined);
 * - a proof that reverts on chain is never retried: if the offence is consumed (another validator won the
 *   race) it is recorded as `consumed`, otherwise as `rejected`;
 * - outcomes become final at the confirmation depth; until then a reorg that removes the transaction (or
 *   the other validator's) sends the proof back to `found`.
 */
import { Transaction, getAddress } from "ethers";
import type { Wallet } from "ethers";
import { revertData } from "../errors";
import { RpcResponseError, RpcUnavailableError } from "../chain/rpc";
import type { RpcClient } from "../chain/rpc";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { SLASHING_INTERFACE } from "./abi";
import type { ProofRow, ProofState, ValidatorStore } from "./store";

export interface SubmitterOptions {
  rpc: RpcClient;
  /** The watcher's key (signs locally; never needs an unlocked node account). */
  wallet: Wallet;
  slashing: string;
  chainId: bigint;
  store: ValidatorStore;
  /** Outcomes are final at this depth. */
  confirmations: number;
  /** How often to poll for a receipt, in ms (default 500). */
  receiptPollMs?: number;
  /** How long to wait for a receipt in one pass before moving on (default 60000 ms; it is looked up again). */
  receiptWaitMs?: number;
  /** Gas limit = estimate * (100 + gasMarginPercent) / 100 (default 25). */
  gasMarginPercent?: number;
  logger?: Logger;
  /** Called on every state change (metrics). */
  onTransition?: (p: ProofRow, to: ProofState, final: boolean) => void;
  /** A proof the contract refused because a key record changed within the state lag. */
  onStateLagRejection?: (p: ProofRow) => void | Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  /** Find out what would happen (consumed? simulation?) but never sign or send: proofs stop at `simulated`. */
  dryRun?: boolean;
  /** Test hook, called at the points a crash is most delicate ("sent-persisted", "broadcast"). */
  crashPoint?: (point: string) => void;
}

/** The outcome of an eth_call of a proof. */
export type Simulation =
  { ok: true } | { ok: false; kind: "consumed" | "paused" | "rejected"; error: string; errorName?: string };

/** Errors that only say "not now": keep the proof and try again later. */
const TRANSIENT_ERRORS = new Set(["EnforcedPause", "ReentrancyGuardReentrantCall"]);

/** Decodes a revert of the Slashing contract into a name and a sentence. */
export function describeRevert(data: string | undefined): { name?: string; text: string } {
  if (!data || data === "0x") return { text: "reverted without data" };
  try {
    const e = SLASHING_INTERFACE.parseError(data);
    if (e) {
      const args = e.fragment.inputs.map((inp, i) => `${inp.name}=${String(e.args[i])}`).join(", ");
      return { name: e.name, text: `${e.name}(${args})` };
    }
  } catch {
    /* not ours */
  }
  return { text: `reverted with data ${data.slice(0, 74)}` };
}

function isRevert(err: unknown): err is RpcResponseError {
  if (!(err instanceof RpcResponseError)) return false;
  return err.code === 3 || revertData(err) !== undefined || /revert/i.test(err.rpcMessage);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface RpcReceipt {
  status: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
}

export class ProofSubmitter {
  private readonly log: Logger;
  private readonly address: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private stopping = false;

  constructor(private readonly o: SubmitterOptions) {
    this.log = (o.logger ?? silentLogger).child({ component: "submitter" });
    this.address = getAddress(o.wallet.address);
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get signer(): string {
    return this.address;
  }

  /** Makes a pending {@link processOpen} return after the proof at hand. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * One pass over every proof whose outcome is not final, oldest first. RPC failures propagate (the
   * caller backs off and calls again); a proof's state on disk is always consistent.
   */
  async processOpen(): Promise<void> {
    this.stopping = false;
    for (const p of this.o.store.openProofs()) {
      if (this.stopping) return;
      const current = this.o.store.proof(p.offenceId) as ProofRow;
      switch (current.state) {
        case "found":
        case "simulated":
          if (this.o.dryRun && current.state === "simulated") break;
          await this.submit(current);
          break;
        case "sent":
          await this.reconcileSent(current);
          break;
        case "mined":
          await this.checkMined(current);
          break;
        case "consumed":
          await this.checkConsumed(current);
          break;
        case "rejected":
          this.move(current, "rejected", { final: true });
          break;
      }
    }
  }

  // ---------------------------------------------------------------- chain reads

  async isConsumed(offenceId: string, blockTag: string = "latest"): Promise<boolean> {
    const data = SLASHING_INTERFACE.encodeFunctionData("isOffenceConsumed", [offenceId]);
    const out = await this.o.rpc.request<string>("eth_call", [{ to: this.o.slashing, data }, blockTag]);
    return SLASHING_INTERFACE.decodeFunctionResult("isOffenceConsumed", out)[0] as boolean;
  }

  /** eth_call of the proof from the watcher's address at the latest block. */
  async simulate(data: string): Promise<Simulation> {
    try {
      await this.o.rpc.request("eth_call", [{ from: this.address, to: this.o.slashing, data }, "latest"]);
      return { ok: true };
    } catch (e) {
      if (!isRevert(e)) throw e;
      return this.classify(revertData(e));
    }
  }

  private classify(data: string | undefined): Exclude<Simulation, { ok: true }> {
    const d = describeRevert(data);
    if (d.name === "SlashingOffenceConsumed")
      return { ok: false, kind: "consumed", error: d.text, errorName: d.name };
    if (d.name && TRANSIENT_ERRORS.has(d.name))
      return { ok: false, kind: "paused", error: d.text, errorName: d.name };
    return { ok: false, kind: "rejected", error: d.text, errorName: d.name };
  }

  private async nonce(tag: "latest" | "pending"): Promise<number> {
    return Number(BigInt(await this.o.rpc.request<string>("eth_getTransactionCount", [this.address, tag])));
  }

  private async receipt(hash: string): Promise<RpcReceipt | null> {
    return this.o.rpc.request<RpcReceipt | null>("eth_getTransactionReceipt", [hash]);
  }

  private async known(hash: string): Promise<boolean> {
    return (await this.o.rpc.request<unknown>("eth_getTransactionByHash", [hash])) !== null;
  }

  // ---------------------------------------------------------------- state machine

  private move(p: ProofRow, to: ProofState, u: Parameters<ValidatorStore["updateProof"]>[2] = {}): ProofRow {
    this.o.store.updateProof(p.offenceId, to, u);
    const after = this.o.store.proof(p.offenceId) as ProofRow;
    if (p.state !== to || p.final !== after.final) {
      this.log.info("proof state", {
        offenceId: p.offenceId,
        node: p.node,
        fault: p.faultCode,
        sequence: p.sequence,
        from: p.state,
        to,
        final: after.final,
        txHash: after.txHash,
        detail: u.detail ?? undefined,
      });
      this.o.onTransition?.(after, to, after.final);
    }
    return after;
  }

  /** Settles a proof from a simulation that failed. */
  private async settleFailedSimulation(p: ProofRow, sim: Exclude<Simulation, { ok: true }>): Promise<void> {
    if (sim.kind === "consumed") {
      this.move(p, "consumed", { detail: sim.error });
    } else if (sim.kind === "paused") {
      this.log.warn("proof not sent now: the contract refuses temporarily", {
        offenceId: p.offenceId,
        error: sim.error,
      });
    } else {
      const after = this.move(p, "rejected", { final: true, detail: sim.error });
      if (sim.errorName === "SlashingStateLag") await this.o.onStateLagRejection?.(after);
    }
  }

  private async submit(p: ProofRow): Promise<void> {
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence already consumed on chain" });
      return;
    }
    const sim = await this.simulate(p.data);
    if (!sim.ok) return this.settleFailedSimulation(p, sim);
    if (p.state === "found")
      p = this.move(p, "simulated", { detail: this.o.dryRun ? "dry run: not sent" : null });
    if (this.o.dryRun) return;
    await this.signAndSend(p);
  }

  private async signAndSend(p: ProofRow): Promise<void> {
    let gas: bigint;
    try {
      gas = BigInt(
        await this.o.rpc.request<string>("eth_estimateGas", [
          { from: this.address, to: this.o.slashing, data: p.data },
          "latest",
        ]),
      );
    } catch (e) {
      if (!isRevert(e)) throw e;
      return this.settleFailedSimulation(p, this.classify(revertData(e)));
    }
    const margin = BigInt(100 + (this.o.gasMarginPercent ?? 25));
    const gasLimit = (gas * margin) / 100n;
    const fees = await this.fees();
    const nonce = await this.nonce("pending");
    // The last look before a transaction exists.
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed just before sending" });
      return;
    }
    const raw = await this.o.wallet.signTransaction({
      type: fees.type,
      to: this.o.slashing,
      data: p.data,
      nonce,
      gasLimit,
      chainId: this.o.chainId,
      ...(fees.type === 2
        ? { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
        : { gasPrice: fees.gasPrice }),
    });
    const hash = Transaction.from(raw).hash as string;
    // Persist first: after a crash the row says which transaction may be in flight.
    p = this.move(p, "sent", {
      txHash: hash,
      nonce,
      rawTx: raw,
      blockNumber: null,
      blockHash: null,
      detail: null,
    });
    this.o.crashPoint?.("sent-persisted");
    await this.broadcast(p);
    this.o.crashPoint?.("broadcast");
    await this.awaitReceipt(p);
  }

  private async fees(): Promise<
    { type: 2; maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } | { type: 0; gasPrice: bigint }
  > {
    const block = await this.o.rpc.request<{ baseFeePerGas?: string } | null>("eth_getBlockByNumber", [
      "latest",
      false,
    ]);
    if (block?.baseFeePerGas !== undefined) {
      let tip: bigint;
      try {
        tip = BigInt(await this.o.rpc.request<string>("eth_maxPriorityFeePerGas", []));
      } catch (e) {
        if (e instanceof RpcUnavailableError) throw e;
        tip = 1_500_000_000n;
      }
      const base = BigInt(block.baseFeePerGas);
      return { type: 2, maxFeePerGas: base * 2n + tip, maxPriorityFeePerGas: tip };
    }
    return { type: 0, gasPrice: BigInt(await this.o.rpc.request<string>("eth_gasPrice", [])) };
  }

  /** Broadcasts the stored raw transaction. "Already known" is success; other refusals are logged. */
  private async broadcast(p: ProofRow): Promise<boolean> {
    const out = await this.o.rpc.send("eth_sendRawTransaction", [p.rawTx]);
    if (!("error" in out)) {
      this.log.info("proof sent", { offenceId: p.offenceId, txHash: p.txHash, nonce: p.nonce });
      return true;
    }
    const msg = out.error.message;
    if (/already known|known transaction|already imported|already in (the )?(mempool|pool)/i.test(msg))
      return true;
    this.log.warn("broadcast refused; the transaction will be reconciled", {
      offenceId: p.offenceId,
      txHash: p.txHash,
      error: msg,
    });
    return false;
  }

  private async awaitReceipt(p: ProofRow): Promise<void> {
    const deadline = Date.now() + (this.o.receiptWaitMs ?? 60_000);
    const every = this.o.receiptPollMs ?? 500;
    for (;;) {
      const r = await this.receipt(p.txHash as string);
      if (r) return this.settleReceipt(p, r);
      if (Date.now() > deadline || this.stopping) return; // looked up again on the next pass
      if (!(await this.known(p.txHash as string))) return; // dropped or refused: reconcile next pass
      await this.sleep(every);
    }
  }

  private async settleReceipt(p: ProofRow, r: RpcReceipt): Promise<void> {
    const block = { blockNumber: Number(BigInt(r.blockNumber)), blockHash: r.blockHash };
    if (BigInt(r.status) === 1n) {
      this.move(p, "mined", block);
      return this.checkMined(this.o.store.proof(p.offenceId) as ProofRow);
    }
    // Reverted on chain: never retried. Who consumed the offence decides the record.
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", {
        ...block,
        detail: "transaction reverted: the offence was consumed by another transaction",
      });
    } else {
      this.move(p, "rejected", { ...block, final: true, detail: "transaction reverted on chain" });
    }
  }

  /** A `sent` row found on a later pass (or after a restart): find out what happened to its transaction. */
  private async reconcileSent(p: ProofRow): Promise<void> {
    const hash = p.txHash as string;
    const r = await this.receipt(hash);
    if (r) return this.settleReceipt(p, r);
    if (await this.known(hash)) return this.awaitReceipt(p);
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed by another transaction; ours was never mined" });
      return;
    }
    const latest = await this.nonce("latest");
    if (p.nonce !== null && latest > p.nonce) {
      // Our nonce went to another transaction: ours can never be mined. Sign anew.
      this.log.warn("sent transaction was dropped and its nonce reused; proof goes back to found", {
        offenceId: p.offenceId,
        txHash: hash,
        nonce: p.nonce,
      });
      const back = this.move(p, "found", { detail: `transaction ${hash} dropped (nonce ${p.nonce} used)` });
      return this.submit(back);
    }
    const sim = await this.simulate(p.data);
    if (!sim.ok) return this.settleFailedSimulation(p, sim);
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed just before re-broadcasting" });
      return;
    }
    this.log.info("re-broadcasting the same signed transaction", { offenceId: p.offenceId, txHash: hash });
    await this.broadcast(p);
    await this.awaitReceipt(p);
  }

  private async safeBlock(): Promise<number> {
    return Number(BigInt(await this.o.rpc.request<string>("eth_blockNumber", []))) - this.o.confirmations;
  }

  /** A mined proof becomes final at the confirmation depth; if a reorg removed it, it goes back to found. */
  private async checkMined(p: ProofRow): Promise<void> {
    const r = await this.receipt(p.txHash as string);
    if (!r) {
      if (await this.known(p.txHash as string)) {
        this.move(p, "sent", {
          blockNumber: null,
          blockHash: null,
          detail: "transaction back in the mempool after a reorg",
        });
        return;
      }
      this.log.warn("mined proof transaction is gone (reorg); proof goes back to found", {
        offenceId: p.offenceId,
      });
      this.move(p, "found", {
        blockNumber: null,
        blockHash: null,
        detail: `transaction ${p.txHash} removed by a reorg`,
      });
      return;
    }
    if (BigInt(r.status) !== 1n) return this.settleReceipt(p, r);
    const blockNumber = Number(BigInt(r.blockNumber));
    if (blockNumber !== p.blockNumber || r.blockHash !== p.blockHash) {
      p = this.move(p, "mined", { blockNumber, blockHash: r.blockHash });
    }
    if (blockNumber <= (await this.safeBlock())) this.move(p, "mined", { final: true });
  }

  /** Consumed by someone else: final once consumed at the confirmation depth; back to found if that vanished. */
  private async checkConsumed(p: ProofRow): Promise<void> {
    const safe = await this.safeBlock();
    if (safe >= 0 && (await this.isConsumed(p.offenceId, "0x" + safe.toString(16)))) {
      this.move(p, "consumed", { final: true });
      return;
    }
    if (!(await this.isConsumed(p.offenceId))) {
      this.log.warn("offence no longer consumed (reorg); proof goes back to found", {
        offenceId: p.offenceId,
      });
      this.move(p, "found", { detail: "the consuming transaction was removed by a reorg" });
    }
  }
}
