/**
 * Sends fault proofs, one at a time, by commit-reveal, through the state machine kept in SQLite (store.ts):
 *
 *   found ──(not consumed; eth_call of the proof fails only for the missing commitment)──> committing
 *   committing(commitProof signed, persisted, broadcast) ──receipt status 1──> committed(commit block)
 *   committed ──(commit block at the confirmation depth; eth_call succeeds)──> simulated
 *   simulated ──(proof signed, persisted, broadcast)──> sent
 *   sent ──receipt status 1──> mined        sent ──reverted, offence consumed by someone else──> consumed
 *   any open state ──offence already consumed / eth_call reverts OffenceConsumed──> consumed
 *   found|committed ──eth_call reverts with any other error──> rejected (never sent)
 *
 * The claim (reporter = this watcher's address, a random salt) and the commitment
 * keccak256(abi.encode(reporter, salt, offenceId)) are in the proof's row since it was found (written in the
 * same transaction as the page that found it), so the salt is on disk before any commitment is sent.
 *
 * Rules that make restarts (kill -9 included) and races safe:
 * - `isOffenceConsumed` is read right before every broadcast (commit and proof, first send and re-broadcast);
 * - a commitment already on chain (`commitmentBlock`) is never sent again: a restart that finds a
 *   `committing` row looks the transaction up by hash, then the commitment on chain, and only signs a new
 *   commitProof when its nonce went to another transaction and the commitment is not there;
 * - the proof is sent only once its commitment is at the confirmation depth, in an earlier block (the
 *   contract refuses a proof mined in the commitment's block), and simulated with eth_call just before it is
 *   signed: a proof the chain would reject is never sent;
 * - every signed transaction (hash, nonce, raw bytes) is committed to SQLite BEFORE it is broadcast, so a
 *   crash right after broadcasting leaves a row whose fate is looked up by hash on restart: a receipt
 *   settles it; a pending transaction is waited for; otherwise the offence status and the account nonce
 *   decide between re-broadcasting the very same bytes (same hash: never a second transaction) and signing
 *   anew (only when that nonce was used by another transaction, so the first can never be mined);
 * - a proof that reverts on chain is never retried: if the offence is consumed (another validator won the
 *   race) it is recorded as `consumed`, otherwise as `rejected`;
 * - outcomes become final at the confirmation depth; until then a reorg that removes the transaction (or
 *   the other validator's, or the commitment) sends the proof back to `found`, which recommits only if the
 *   commitment is not on chain.
 */
import { Transaction, getAddress } from "ethers";
import type { Wallet } from "ethers";
import { revertData } from "../errors";
import { RpcResponseError, RpcUnavailableError } from "../chain/rpc";
import type { RpcClient } from "../chain/rpc";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { PUSH_PROOFS_INTERFACE, SLASHING_INTERFACE } from "./abi";
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
  /**
   * Test hook, called at the points a crash is most delicate: "commit-persisted", "commit-broadcast",
   * "committed" (the commitment's receipt read, before the proof), "sent-persisted", "broadcast".
   */
  crashPoint?: (point: string) => void;
}

/** The outcome of an eth_call of a proof. */
export type Simulation =
  | { ok: true }
  | {
      ok: false;
      kind: "consumed" | "paused" | "uncommitted" | "rejected";
      error: string;
      errorName?: string;
    };

/**
 * Errors that only say "not now": keep the proof and try again later (SlashingCommitmentTooFresh: the call
 * ran in the commitment's block; the next block takes it; SlashingPaused: governance paused slashing).
 */
const TRANSIENT_ERRORS = new Set([
  "EnforcedPause",
  "SlashingPaused",
  "ReentrancyGuardReentrantCall",
  "SlashingCommitmentTooFresh",
]);

/** The revert of a proof that passed every check but has no commitment on chain yet. */
const UNCOMMITTED = "SlashingCommitmentMissing";

/** Decodes a revert of the Slashing contract (or of PushProofs, for Push proofs) into a name and a sentence. */
export function describeRevert(data: string | undefined): { name?: string; text: string } {
  if (!data || data === "0x") return { text: "reverted without data" };
  for (const iface of [SLASHING_INTERFACE, PUSH_PROOFS_INTERFACE]) {
    try {
      const e = iface.parseError(data);
      if (e) {
        const args = e.fragment.inputs.map((inp, i) => `${inp.name}=${String(e.args[i])}`).join(", ");
        return { name: e.name, text: `${e.name}(${args})` };
      }
    } catch {
      /* not this interface */
    }
  }
  return { text: `reverted with data ${data.slice(0, 74)}` };
}

function isRevert(err: unknown): err is RpcResponseError {
  if (!(err instanceof RpcResponseError)) return false;
  return err.code === 3 || revertData(err) !== undefined || /revert/i.test(err.rpcMessage);
}

/** Where a proof's calldata goes: its target (PushProofs for Push proofs), else the Slashing contract. */
function targetOf(p: ProofRow, slashing: string): string {
  return p.target ?? slashing;
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

/** A transaction signed and ready to persist, then broadcast. */
interface SignedTx {
  hash: string;
  nonce: number;
  raw: string;
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

  /** The watcher's address: it signs the transactions and is the reporter of every claim. */
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
          await this.commit(current);
          break;
        case "committing":
          await this.reconcileCommit(current);
          break;
        case "committed":
          await this.reveal(current);
          break;
        case "simulated":
          if (this.o.dryRun) break;
          await this.reveal(current);
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

  /** The block that recorded `commitment`, or 0 when it is not on chain (never sent, or used by its proof). */
  async commitmentBlock(commitment: string, blockTag: string = "latest"): Promise<number> {
    const data = SLASHING_INTERFACE.encodeFunctionData("commitmentBlock", [commitment]);
    const out = await this.o.rpc.request<string>("eth_call", [{ to: this.o.slashing, data }, blockTag]);
    return Number(SLASHING_INTERFACE.decodeFunctionResult("commitmentBlock", out)[0] as bigint);
  }

  /**
   * eth_call of the proof from the watcher's address, at the latest block, or (for a proof whose commitment
   * is on chain) at the pending block: the one it can be mined in, after the commitment's.
   */
  async simulate(
    data: string,
    blockTag: "latest" | "pending" = "latest",
    to: string = this.o.slashing,
  ): Promise<Simulation> {
    try {
      await this.o.rpc.request("eth_call", [{ from: this.address, to, data }, blockTag]);
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
    if (d.name === UNCOMMITTED) return { ok: false, kind: "uncommitted", error: d.text, errorName: d.name };
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

  private async safeBlock(): Promise<number> {
    return Number(BigInt(await this.o.rpc.request<string>("eth_blockNumber", []))) - this.o.confirmations;
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
        txHash: to === "committing" ? after.commitTxHash : after.txHash,
        detail: u.detail ?? undefined,
      });
      this.o.onTransition?.(after, to, after.final);
    }
    return after;
  }

  /** Settles a proof from a simulation that failed (for a reason other than a missing commitment). */
  private async settleFailedSimulation(p: ProofRow, sim: Exclude<Simulation, { ok: true }>): Promise<void> {
    if (sim.kind === "consumed") {
      this.move(p, "consumed", { detail: sim.error });
    } else if (sim.kind === "paused" || sim.kind === "uncommitted") {
      this.log.warn("proof not sent now: the contract refuses temporarily", {
        offenceId: p.offenceId,
        error: sim.error,
      });
    } else {
      const after = this.move(p, "rejected", { final: true, detail: sim.error });
      if (sim.errorName === "SlashingStateLag") await this.o.onStateLagRejection?.(after);
    }
  }

  // ---------------------------------------------------------------- commit

  /**
   * `found`: simulate the proof first (it must fail only for its missing commitment, so no commitment is
   * paid for a proof the chain would reject), then make sure the commitment is on chain, sending
   * commitProof only when it is not.
   */
  private async commit(p: ProofRow): Promise<void> {
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence already consumed on chain" });
      return;
    }
    const onChain = await this.commitmentBlock(p.commitment);
    if (onChain > 0) {
      const committed = this.move(p, "committed", {
        commitBlockNumber: onChain,
        commitBlockHash: null,
        detail: `commitment already on chain (block ${onChain})`,
      });
      return this.reveal(committed);
    }
    const sim = await this.simulate(p.data, "latest", targetOf(p, this.o.slashing));
    if (sim.ok || sim.kind !== "uncommitted") {
      // A proof that goes through without its commitment cannot be: the contract always asks for one.
      if (sim.ok) throw new Error(`proof ${p.offenceId} simulated without a commitment; refusing to send it`);
      return this.settleFailedSimulation(p, sim);
    }
    if (this.o.dryRun) {
      this.move(p, "simulated", {
        detail: "dry run: the proof holds (only its commitment is missing); not sent",
      });
      return;
    }
    const data = SLASHING_INTERFACE.encodeFunctionData("commitProof", [p.commitment]);
    const gas = await this.estimate(data);
    if (gas === null) throw new Error(`commitProof(${p.commitment}) would revert`);
    const tx = await this.signTx(data, gas, this.o.slashing);
    // The last look before a transaction exists.
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed just before committing" });
      return;
    }
    p = this.move(p, "committing", {
      commitTxHash: tx.hash,
      commitNonce: tx.nonce,
      commitRawTx: tx.raw,
      commitBlockNumber: null,
      commitBlockHash: null,
      detail: null,
    });
    this.o.crashPoint?.("commit-persisted");
    await this.broadcast(p, tx.raw, tx.hash, "commitment sent");
    this.o.crashPoint?.("commit-broadcast");
    const r = await this.waitReceipt(tx.hash);
    if (r) await this.settleCommitReceipt(p, r);
  }

  private async settleCommitReceipt(p: ProofRow, r: RpcReceipt): Promise<void> {
    const onChain = await this.commitmentBlock(p.commitment);
    if (onChain === 0) {
      if (await this.isConsumed(p.offenceId)) {
        this.move(p, "consumed", { detail: "offence consumed by another transaction while committing" });
        return;
      }
      // Reverted (out of gas?) or already gone: commit again on the next pass.
      this.move(p, "found", {
        detail: `commitment transaction ${r.transactionHash} (status ${BigInt(r.status)}) left no commitment`,
      });
      return;
    }
    const committed = this.move(p, "committed", {
      commitBlockNumber: onChain,
      commitBlockHash: BigInt(r.status) === 1n ? r.blockHash : null,
    });
    this.o.crashPoint?.("committed");
    await this.reveal(committed);
  }

  /** A `committing` row found on a later pass (or after a restart). */
  private async reconcileCommit(p: ProofRow): Promise<void> {
    const hash = p.commitTxHash as string;
    const r = await this.receipt(hash);
    if (r) return this.settleCommitReceipt(p, r);
    if (await this.known(hash)) {
      const later = await this.waitReceipt(hash);
      if (later) await this.settleCommitReceipt(p, later);
      return;
    }
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed by another transaction; commitment not needed" });
      return;
    }
    const onChain = await this.commitmentBlock(p.commitment);
    if (onChain > 0) {
      const committed = this.move(p, "committed", { commitBlockNumber: onChain, commitBlockHash: null });
      return this.reveal(committed);
    }
    const latest = await this.nonce("latest");
    if (p.commitNonce !== null && latest > p.commitNonce) {
      // Our nonce went to another transaction and the commitment is not on chain: commit anew.
      const back = this.move(p, "found", {
        detail: `commitment transaction ${hash} dropped (nonce ${p.commitNonce} used)`,
      });
      return this.commit(back);
    }
    this.log.info("re-broadcasting the same signed commitment", { offenceId: p.offenceId, txHash: hash });
    await this.broadcast(p, p.commitRawTx as string, hash, "commitment sent");
    const again = await this.waitReceipt(hash);
    if (again) await this.settleCommitReceipt(p, again);
  }

  // ---------------------------------------------------------------- reveal

  /**
   * `committed` (or `simulated`): once the commitment is at the confirmation depth, simulate and send the
   * proof. A commitment that vanished (reorg) sends the proof back to `found`.
   */
  private async reveal(p: ProofRow): Promise<void> {
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence already consumed on chain" });
      return;
    }
    const onChain = await this.commitmentBlock(p.commitment);
    if (onChain === 0) {
      this.log.warn("commitment no longer on chain (reorg); proof goes back to found", {
        offenceId: p.offenceId,
      });
      this.move(p, "found", { commitBlockNumber: null, commitBlockHash: null, detail: "commitment gone" });
      return;
    }
    if (onChain !== p.commitBlockNumber) p = this.move(p, p.state, { commitBlockNumber: onChain });
    if (onChain > (await this.safeBlock())) return; // not at the confirmation depth yet: next pass
    const sim = await this.simulate(p.data, "pending", targetOf(p, this.o.slashing));
    if (!sim.ok) return this.settleFailedSimulation(p, sim);
    if (p.state !== "simulated") p = this.move(p, "simulated", { detail: null });
    if (this.o.dryRun) return;
    await this.signAndSend(p);
  }

  /** eth_estimateGas, or null when the call reverts (any other error propagates). */
  private async estimate(data: string): Promise<bigint | null> {
    try {
      return BigInt(
        await this.o.rpc.request<string>("eth_estimateGas", [
          { from: this.address, to: this.o.slashing, data },
          "latest",
        ]),
      );
    } catch (e) {
      if (!isRevert(e)) throw e;
      return null;
    }
  }

  private async signTx(data: string, gas: bigint, to: string): Promise<SignedTx> {
    const margin = BigInt(100 + (this.o.gasMarginPercent ?? 25));
    const gasLimit = (gas * margin) / 100n;
    const fees = await this.fees();
    const nonce = await this.nonce("pending");
    const raw = await this.o.wallet.signTransaction({
      type: fees.type,
      to,
      data,
      nonce,
      gasLimit,
      chainId: this.o.chainId,
      ...(fees.type === 2
        ? { maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas }
        : { gasPrice: fees.gasPrice }),
    });
    return { hash: Transaction.from(raw).hash as string, nonce, raw };
  }

  private async signAndSend(p: ProofRow): Promise<void> {
    let gas: bigint;
    try {
      gas = BigInt(
        await this.o.rpc.request<string>("eth_estimateGas", [
          { from: this.address, to: targetOf(p, this.o.slashing), data: p.data },
          "pending",
        ]),
      );
    } catch (e) {
      if (!isRevert(e)) throw e;
      return this.settleFailedSimulation(p, this.classify(revertData(e)));
    }
    const tx = await this.signTx(p.data, gas, targetOf(p, this.o.slashing));
    // The last look before a transaction exists.
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed just before sending" });
      return;
    }
    // Persist first: after a crash the row says which transaction may be in flight.
    p = this.move(p, "sent", {
      txHash: tx.hash,
      nonce: tx.nonce,
      rawTx: tx.raw,
      blockNumber: null,
      blockHash: null,
      detail: null,
    });
    this.o.crashPoint?.("sent-persisted");
    await this.broadcast(p, tx.raw, tx.hash, "proof sent");
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

  /** Broadcasts a stored raw transaction. "Already known" is success; other refusals are logged. */
  private async broadcast(p: ProofRow, raw: string, hash: string, what: string): Promise<boolean> {
    const out = await this.o.rpc.send("eth_sendRawTransaction", [raw]);
    if (!("error" in out)) {
      this.log.info(what, { offenceId: p.offenceId, txHash: hash, nonce: Transaction.from(raw).nonce });
      return true;
    }
    const msg = out.error.message;
    if (/already known|known transaction|already imported|already in (the )?(mempool|pool)/i.test(msg))
      return true;
    this.log.warn("broadcast refused; the transaction will be reconciled", {
      offenceId: p.offenceId,
      txHash: hash,
      error: msg,
    });
    return false;
  }

  /** The receipt of `hash`, or null when it is not mined within the wait (or dropped): looked up next pass. */
  private async waitReceipt(hash: string): Promise<RpcReceipt | null> {
    const deadline = Date.now() + (this.o.receiptWaitMs ?? 60_000);
    const every = this.o.receiptPollMs ?? 500;
    for (;;) {
      const r = await this.receipt(hash);
      if (r) return r;
      if (Date.now() > deadline || this.stopping) return null;
      if (!(await this.known(hash))) return null;
      await this.sleep(every);
    }
  }

  private async awaitReceipt(p: ProofRow): Promise<void> {
    const r = await this.waitReceipt(p.txHash as string);
    if (r) await this.settleReceipt(p, r);
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
      // Our nonce went to another transaction: ours can never be mined. Back to found: the commitment is
      // still on chain (it is deleted only when its proof slashes), so the proof is signed anew.
      this.log.warn("sent transaction was dropped and its nonce reused; proof goes back to found", {
        offenceId: p.offenceId,
        txHash: hash,
        nonce: p.nonce,
      });
      const back = this.move(p, "found", { detail: `transaction ${hash} dropped (nonce ${p.nonce} used)` });
      return this.commit(back);
    }
    const sim = await this.simulate(p.data, "pending", targetOf(p, this.o.slashing));
    if (!sim.ok) return this.settleFailedSimulation(p, sim);
    if (await this.isConsumed(p.offenceId)) {
      this.move(p, "consumed", { detail: "offence consumed just before re-broadcasting" });
      return;
    }
    this.log.info("re-broadcasting the same signed transaction", { offenceId: p.offenceId, txHash: hash });
    await this.broadcast(p, p.rawTx as string, hash, "proof sent");
    await this.awaitReceipt(p);
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
