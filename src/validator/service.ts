/**
 * The validator (watcher) of DESIGN section 6: discovers nodes and keys from contract events (the chain
 * index, at a confirmation depth), polls every node's feed from the endpoint registered on chain,
 * re-validates each attested message, detects equivocation and lying feeds, and gets provable faults
 * slashed (submitter.ts). All state is in SQLite in the data directory; see README "Running the validator".
 *
 * Feed processing, per node, one page at a time:
 * - items are placed by feed `position` (1, 2, 3, ...); the cursor is the last position processed. A
 *   missing position (gap) stops the page there: nothing after a gap is processed until the gap is filled;
 *   items served out of order are put back in order (and counted);
 * - an item is validated only once the chain index has seen every chain change up to its `attestedAt`
 *   (capped at the time the item was fetched), so that a key added just before a message is never
 *   mistaken for a missing one;
 * - each genuine attestation (it recovers to the node's signer) is stored by (node, sequence); a second
 *   different attestation with the same sequence, in any page, at any time, is an EQUIVOCATION;
 * - items of kind "push" (Push Chat SDK messages, PushFeedItemJson) share the sequence: their attestations are
 *   stored and compared like the others, and their faults (judgePushMessage) are proven through PushProofs
 *   (`pushProofs`; docs/push-format.md section 7) by the same submitter;
 * - a page's results (attestations, proofs found, anomalies, cursor) commit in one transaction.
 * A fault checkMessage reports with the current parameters is checked again with the limits the contract
 * applies to that attestation (`effectiveLimits(attestedAt)`) before a proof is recorded.
 */
import os from "node:os";
import path from "node:path";
import { Interface, Wallet, getAddress, getBytes } from "ethers";
import { ChainIndex, NodeStatus, nodeStatusName } from "../chain/chain-index";
import type { IndexedNode } from "../chain/chain-index";
import { RpcClient, backoffDelay, registerRpcMetrics } from "../chain/rpc";
import type { ReorgInfo } from "../chain/log-scanner";
import { startHttpServer } from "../http/server";
import type { RunningHttpServer } from "../http/server";
import { healthRoute, metricsRoute } from "../http/metrics";
import type { HealthReport } from "../http/metrics";
import { silentLogger } from "../log";
import type { Logger } from "../log";
import { openDatabase } from "../store/sqlite";
import type { Database } from "../store/sqlite";
import {
  DEFAULT_CHECK_PARAMS,
  attestationStructHash,
  checkMessage,
  contentHashOf,
  decodeSignedAttestation,
} from "../message";
import type { AttestationDomain, CheckParams, Envelope, Fault, SignedAttestation } from "../message";
import { SLASHING_INTERFACE } from "./abi";
import type { ProvableFaultCode } from "./abi";
import { attestationSigner } from "./attestation-signer";
import { cidOfContentHash } from "./cid";
import { FeedClient, FeedError } from "./feed-client";
import { DEV_CHAINS } from "./config";
import { createValidatorMetrics } from "./metrics";
import { useNativeKeccak } from "./native-hash";
import type { ValidatorMetrics } from "./metrics";
import { buildEquivocationProof, buildMessageProof, newClaim } from "./proofs";
import type { Proof } from "./proofs";
import { PROOF_STATES, ValidatorStore } from "./store";
import type { Anomaly, ProofRow, ProofState, StoredAttestation } from "./store";
import { ProofSubmitter } from "./submitter";
import { isPushItem, judgePushItem, readAttestation, readEnvelope, readPushItem } from "./validate";
import type { ItemVerdict } from "./validate";
import { buildPushProof } from "./push-proofs";
import type { PushJudgedFault } from "../message/push/verdict";
import { createValidator } from "./worker-pool";
import type { Validator as ItemValidator } from "./worker-pool";
import type { ChainIndexSource } from "./key-source";

export const CHAIN_INDEX_FILE = "chain-index.sqlite";
export const VALIDATOR_DB_FILE = "validator.sqlite";

export interface ValidatorOptions {
  /** One or more JSON-RPC URLs (failover in order). */
  rpcUrls: string[];
  /** The deployment's chain: every RPC URL must serve it (checked at start). */
  chainId: bigint;
  slashing: string;
  keyRegistry: string;
  nodeRegistry: string;
  /** Deployment block: where the chain index starts. */
  startBlock: number;
  /**
   * The PushProofs contract (docs/push-format.md): Push items' faults are proven through it. Without it, a
   * Push fault is recorded as an anomaly ("unprovable-fault"), never sent.
   */
  pushProofs?: string;
  /** The watcher's private key (0x hex): signs proof transactions and receives reporter rewards. */
  privateKey: string;
  dataDir: string;
  /** Blocks below head the index reads at, and the depth at which proof outcomes are final. */
  confirmations: number;
  /** Port of GET /health and GET /metrics on 127.0.0.1 (0: a free port; undefined: no server). */
  port?: number;
  /** Feed poll interval in ms (default 2000). */
  feedIntervalMs?: number;
  /** Chain index poll interval in ms (default 2000). */
  indexIntervalMs?: number;
  /** Proof loop interval in ms (default 2000). */
  proofIntervalMs?: number;
  /** Feed items per request (default 100; nodes cap it at 200). */
  pageSize?: number;
  /** Validation worker threads (default: CPUs; 0 validates in the main thread). */
  workers?: number;
  /** Blocks per eth_getLogs request (default 2000; halved on "too many results"). */
  chunkSize?: number;
  rpcTimeoutMs?: number;
  feedTimeoutMs?: number;
  /** Cap of the exponential backoff after errors, in ms (default 60000). */
  maxBackoffMs?: number;
  /** Find and simulate proofs but never send a transaction. */
  dryRun?: boolean;
  /** Only watch these nodes (signer addresses); default every registered node. */
  nodes?: string[];
  /**
   * Fetch feeds from loopback, private and link-local addresses too. Default: only on development chains
   * (31337, 1337); elsewhere a node registering such an endpoint gets a feed error, never a request.
   */
  allowPrivateEndpoints?: boolean;
  logger?: Logger;
}

interface NodeState {
  errors: number;
  backoffUntil: number;
  lastError: string | null;
  lastPollAt: number | null;
  busy: boolean;
  /** Positions up to this were validated before a rewind: re-validation does not count twice. */
  revalidateUpTo: bigint;
  /** The last recorded anomaly of each repeating kind (gap, reordered...), so a stuck feed counts once. */
  repeated: Map<string, string>;
  /** The feed head last seen below the cursor (a rewound feed is read again once per rewind). */
  rewoundAt: bigint | null;
}

/** What one page of a feed produced, written in one transaction. */
interface PageEffects {
  attestations: StoredAttestation[];
  proofs: Proof[];
  anomalies: Anomaly[];
  cursor: bigint | null;
  /** Metrics to count once committed. */
  counts: Array<() => void>;
  reasons: Map<string, string>;
}

/** Anomalies a feed repeats on every poll until it changes: recorded once per occurrence. */
const REPEATING = new Set(["gap", "reordered", "identity", "unreadable-item"]);

const WATCHED = new Set([NodeStatus.Active, NodeStatus.Jailed, NodeStatus.Exiting, NodeStatus.Banned]);

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const nowSec = (): bigint => BigInt(Math.floor(Date.now() / 1000));

export class ValidatorService {
  readonly metrics: ValidatorMetrics;
  readonly address: string;
  readonly domain: AttestationDomain;
  private readonly log: Logger;
  private readonly feeds: FeedClient;
  private readonly nodeState = new Map<string, NodeState>();
  private params: CheckParams | undefined;
  private readonly limitsCache = new Map<string, CheckParams>();
  private loops: Array<Promise<void>> = [];
  private stopping = false;
  private readonly wakers = new Set<() => void>();
  private proofWake: (() => void) | undefined;
  private lastIndexPoll: { at: number; ok: boolean; error?: string } | undefined;
  private lastProofPass: { at: number; ok: boolean; error?: string } | undefined;
  private balance: bigint | undefined;
  private cursorTime: { block: number; time: bigint } | undefined;
  private readonly crash: ((point: string) => void) | undefined;
  private depthChecked = false;
  private depthProblem: string | undefined;

  private constructor(
    readonly opts: ValidatorOptions,
    readonly rpc: RpcClient,
    readonly store: ValidatorStore,
    private readonly indexDb: Database,
    readonly index: ChainIndex,
    private readonly validator: ItemValidator,
    readonly submitter: ProofSubmitter,
    metrics: ValidatorMetrics,
    private http: RunningHttpServer | undefined,
  ) {
    this.metrics = metrics;
    this.address = submitter.signer;
    this.domain = { chainId: opts.chainId, verifyingContract: getAddress(opts.slashing) };
    this.log = (opts.logger ?? silentLogger).child({ component: "validator" });
    this.feeds = new FeedClient({
      timeoutMs: opts.feedTimeoutMs,
      allowPrivateEndpoints: opts.allowPrivateEndpoints ?? DEV_CHAINS.has(opts.chainId),
    });
    this.crash = crashHook(opts.chainId);
  }

  /**
   * Connects to the chain (refusing RPC URLs of another chain and an address without the Slashing
   * contract), opens the data directory, starts the validation threads and the HTTP server. Call
   * {@link start} to run the loops, or drive them step by step (tests).
   */
  static async create(opts: ValidatorOptions): Promise<ValidatorService> {
    const log = opts.logger ?? silentLogger;
    if (!Number.isInteger(opts.confirmations) || opts.confirmations < 0)
      throw new Error("confirmations must be a non-negative integer.");
    useNativeKeccak();
    const wallet = new Wallet(normalizeKey(opts.privateKey));
    const rpc = await RpcClient.connect({
      urls: opts.rpcUrls,
      expectedChainId: opts.chainId,
      timeoutMs: opts.rpcTimeoutMs,
      logger: log,
    });
    const code = await rpc.request<string>("eth_getCode", [opts.slashing, "latest"]);
    if (code === "0x")
      throw new Error(`No contract at the Slashing address ${opts.slashing} on chain ${opts.chainId}.`);
    const dataDir = path.resolve(opts.dataDir);
    const store = ValidatorStore.open(dataDir, VALIDATOR_DB_FILE);
    let indexDb: Database | undefined;
    let validator: ItemValidator | undefined;
    let http: RunningHttpServer | undefined;
    try {
      indexDb = openDatabase({ dataDir, file: CHAIN_INDEX_FILE });
      const index = new ChainIndex({
        db: indexDb,
        rpc,
        chainId: opts.chainId,
        keyRegistry: opts.keyRegistry,
        nodeRegistry: opts.nodeRegistry,
        startBlock: opts.startBlock,
        confirmations: opts.confirmations,
        chunkSize: opts.chunkSize,
        logger: log,
      });
      const source: ChainIndexSource = {
        kind: "chain-index",
        dataDir,
        file: CHAIN_INDEX_FILE,
        chainId: opts.chainId,
        keyRegistry: opts.keyRegistry,
        nodeRegistry: opts.nodeRegistry,
        startBlock: opts.startBlock,
        confirmations: opts.confirmations,
      };
      validator = await createValidator(opts.workers ?? defaultWorkers(), source, index);
      const metrics = createValidatorMetrics();
      let service: ValidatorService | undefined;
      const submitter = new ProofSubmitter({
        rpc,
        wallet,
        slashing: getAddress(opts.slashing),
        chainId: opts.chainId,
        store,
        confirmations: opts.confirmations,
        logger: log,
        onTransition: (p, to) => service?.onProofTransition(p, to),
        onStateLagRejection: (p) => service?.onStateLagRejection(p),
        crashPoint: crashHook(opts.chainId),
        dryRun: opts.dryRun,
      });
      if (opts.port !== undefined) {
        const routes = [
          healthRoute(() => (service ? service.health() : { ok: false, reason: "starting" })),
          metricsRoute(metrics.registry),
        ];
        http = await startHttpServer({ routes, port: opts.port, logger: log });
      }
      service = new ValidatorService(opts, rpc, store, indexDb, index, validator, submitter, metrics, http);
      service.registerCollectors();
      log.info("validator ready", {
        chainId: opts.chainId,
        slashing: opts.slashing,
        signer: wallet.address,
        confirmations: opts.confirmations,
        dataDir,
        threads: validator.threads,
        http: http?.url ?? null,
        dryRun: opts.dryRun === true,
      });
      return service;
    } catch (e) {
      await http?.close();
      await validator?.close();
      if (indexDb?.open) indexDb.close();
      store.close();
      throw e;
    }
  }

  /** The URL of GET /health and GET /metrics, if the server runs. */
  get url(): string | undefined {
    return this.http?.url;
  }

  // ================================================================ loops

  /** Runs the index, feed and proof loops until {@link stop}. */
  start(): void {
    if (this.loops.length > 0) return;
    this.stopping = false;
    const o = this.opts;
    this.loops = [
      this.loop("index", o.indexIntervalMs ?? 2000, () => this.pollIndex()),
      this.loop("feeds", o.feedIntervalMs ?? 2000, () => this.pollFeeds()),
      this.loop(
        "proofs",
        o.proofIntervalMs ?? 2000,
        () => this.processProofs(),
        (w) => (this.proofWake = w),
      ),
    ];
  }

  private loop(
    name: string,
    intervalMs: number,
    step: () => Promise<void>,
    exposeWake?: (wake: () => void) => void,
  ): Promise<void> {
    return (async () => {
      let failures = 0;
      while (!this.stopping) {
        let delay = intervalMs;
        try {
          await step();
          failures = 0;
        } catch (e) {
          failures++;
          this.metrics.loopErrors.inc({ loop: name });
          delay = Math.max(
            intervalMs,
            backoffDelay(failures - 1, { baseMs: intervalMs, maxMs: this.maxBackoff() }),
          );
          this.log.warn(`${name} round failed; backing off`, {
            error: errorText(e),
            retryInMs: delay,
            failures,
          });
        }
        if (this.stopping) break;
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, delay);
          function done(): void {
            clearTimeout(t);
            resolve();
          }
          this.wakers.add(done);
          exposeWake?.(done);
        });
      }
    })();
  }

  private maxBackoff(): number {
    return this.opts.maxBackoffMs ?? 60_000;
  }

  /** Stops the loops (after the step at hand), the threads, the HTTP server, and closes the databases. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.submitter.stop();
    for (const w of this.wakers) w();
    await Promise.all(this.loops);
    this.loops = [];
    await this.validator.close();
    await this.http?.close();
    this.http = undefined;
    if (this.indexDb.open) this.indexDb.close();
    if (this.store.db.open) this.store.close();
    this.log.info("validator stopped");
  }

  // ================================================================ chain index

  /** One index round: events up to head - confirmations, parameters, balance, reorg handling. */
  async pollIndex(): Promise<void> {
    try {
      const result = await this.index.poll();
      if (result.reorg) await this.onIndexReorg(result.reorg);
      await this.refreshParams();
      this.metrics.head.set({}, result.head);
      this.metrics.indexBlock.set({}, result.cursor);
      this.metrics.headLag.set({}, result.head - result.cursor);
      if (!this.depthChecked) await this.checkDepth(result.head);
      this.lastIndexPoll = { at: Date.now(), ok: true };
    } catch (e) {
      this.lastIndexPoll = { at: Date.now(), ok: false, error: errorText(e) };
      throw e;
    }
  }

  /**
   * The confirmation depth must stay well inside the state lag (DESIGN section 5): with the chain's recent
   * block time, `confirmations` blocks must take less than half the state lag, or the index could miss a
   * key change the contract holds against a node. Checked once; a violation is logged and shown in /health.
   */
  private async checkDepth(head: number): Promise<void> {
    const span = Math.min(head, 200);
    this.depthChecked = true;
    if (span < 10 || this.opts.confirmations === 0 || !this.params) return;
    const [a, b] = await Promise.all([this.rpc.getBlockHeader(head - span), this.rpc.getBlockHeader(head)]);
    if (!a || !b) return;
    const blockTime = (b.timestamp - a.timestamp) / span;
    const depthSeconds = blockTime * this.opts.confirmations;
    if (depthSeconds * 2 >= Number(this.params.stateLag)) {
      this.depthProblem =
        `${this.opts.confirmations} confirmations take about ${Math.round(depthSeconds)} s at ${blockTime.toFixed(1)} s ` +
        `per block, not well inside the state lag of ${this.params.stateLag} s: lower --confirmations`;
      this.log.error("confirmation depth too deep for the state lag", { problem: this.depthProblem });
    }
  }

  private async refreshParams(): Promise<void> {
    const raw = await this.rpc.request<string>("eth_call", [
      { to: this.opts.slashing, data: PARAMS_INTERFACE.encodeFunctionData("params", []) },
      "latest",
    ]);
    const [p] = PARAMS_INTERFACE.decodeFunctionResult("params", raw);
    const next: CheckParams = {
      stateLag: BigInt(p.stateLag),
      maxContentSize: Number(p.maxContentSize),
      maxClockSkew: BigInt(p.maxClockSkew),
    };
    const prev = this.params;
    if (
      !prev ||
      prev.stateLag !== next.stateLag ||
      prev.maxContentSize !== next.maxContentSize ||
      prev.maxClockSkew !== next.maxClockSkew
    ) {
      this.limitsCache.clear();
      this.log.info("validation parameters", { ...next });
    }
    this.params = next;
  }

  /** The limits the contract applies to an attestation made at `attestedAt` (cached). */
  private async limitsFor(attestedAt: bigint): Promise<CheckParams> {
    const hit = this.limitsCache.get(attestedAt.toString());
    if (hit) return hit;
    const raw = await this.rpc.request<string>("eth_call", [
      {
        to: this.opts.slashing,
        data: SLASHING_INTERFACE.encodeFunctionData("effectiveLimits", [attestedAt]),
      },
      "latest",
    ]);
    const [stateLag, maxContentSize, maxClockSkew] = SLASHING_INTERFACE.decodeFunctionResult(
      "effectiveLimits",
      raw,
    );
    const limits: CheckParams = {
      stateLag: BigInt(stateLag),
      maxContentSize: Number(maxContentSize),
      maxClockSkew: BigInt(maxClockSkew),
    };
    if (this.limitsCache.size > 10_000) this.limitsCache.clear();
    this.limitsCache.set(attestedAt.toString(), limits);
    return limits;
  }

  /**
   * The index dropped blocks above `rewindTo`: key records from them may be gone or different, so every
   * message that could depend on such a record (attested at or after the fork block's time minus the
   * clock skew) is validated again. Feed cursors move back; the proofs table keeps what was found
   * (each proof is simulated against the new chain before any send).
   */
  private async onIndexReorg(reorg: ReorgInfo): Promise<void> {
    const hdr = await this.rpc.getBlockHeader(reorg.rewindTo.number);
    const since =
      BigInt(hdr?.timestamp ?? 0) - (this.params?.maxClockSkew ?? DEFAULT_CHECK_PARAMS.maxClockSkew);
    for (const { node, cursor } of this.store.cursors()) {
      if (cursor === null) continue;
      const first = this.store.firstPositionAttestedSince(node, since);
      if (first === null || first > cursor) continue;
      const state = this.stateOf(node);
      state.revalidateUpTo = state.revalidateUpTo > cursor ? state.revalidateUpTo : cursor;
      this.store.setCursor(node, first - 1n);
      this.log.warn("chain reorg: re-validating feed items", { node, fromPosition: first, upTo: cursor });
    }
  }

  // ================================================================ feeds

  private stateOf(node: string): NodeState {
    let s = this.nodeState.get(node);
    if (!s) {
      s = {
        errors: 0,
        backoffUntil: 0,
        lastError: null,
        lastPollAt: null,
        busy: false,
        revalidateUpTo: 0n,
        repeated: new Map(),
        rewoundAt: null,
      };
      this.nodeState.set(node, s);
    }
    return s;
  }

  /** The nodes whose feeds are polled: registered ones that still hold (or may hold) stake. */
  watchedNodes(): IndexedNode[] {
    const only = this.opts.nodes?.map((n) => getAddress(n));
    return this.index.nodes().filter((n) => WATCHED.has(n.status) && (!only || only.includes(n.node)));
  }

  /** One feed round: every watched node not backing off, concurrently (8 at a time). */
  async pollFeeds(): Promise<void> {
    if (!this.params || !this.index.freshness()) return; // the index has not read the chain yet
    const nodes = this.watchedNodes();
    this.metrics.nodes.set({}, nodes.length);
    const due = nodes.filter((n) => {
      const s = this.stateOf(n.node);
      return !s.busy && Date.now() >= s.backoffUntil;
    });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < due.length && !this.stopping) await this.pollNode(due[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(8, due.length) }, worker));
  }

  /** Polls one node's feed until it has nothing ready (or fails: then it backs off). Never throws. */
  async pollNode(n: IndexedNode): Promise<void> {
    const s = this.stateOf(n.node);
    if (s.busy) return;
    s.busy = true;
    try {
      for (let pages = 0; pages < 50 && !this.stopping; pages++) {
        const more = await this.pollPage(n);
        s.errors = 0;
        s.lastError = null;
        s.backoffUntil = 0;
        if (!more) break;
      }
    } catch (e) {
      s.errors++;
      s.lastError = errorText(e);
      const delay = backoffDelay(s.errors - 1, {
        baseMs: this.opts.feedIntervalMs ?? 2000,
        maxMs: this.maxBackoff(),
      });
      s.backoffUntil = Date.now() + delay;
      const kind = e instanceof FeedError ? e.kind : "internal";
      this.metrics.feedErrors.inc({ kind });
      this.log.warn("feed poll failed; backing off", {
        node: n.node,
        endpoint: n.endpoint,
        kind,
        error: s.lastError,
        retryInMs: delay,
        failures: s.errors,
      });
    } finally {
      s.lastPollAt = Date.now();
      s.busy = false;
    }
  }

  /** Fetches and processes one page; returns whether the next page should be fetched at once. */
  private async pollPage(n: IndexedNode): Promise<boolean> {
    const params = this.params as CheckParams;
    const cursor = this.store.cursor(n.node) ?? 0n;
    const pageSize = this.opts.pageSize ?? 100;
    const page = await this.feeds.feed(n.endpoint, cursor, pageSize);
    const fetchedAt = nowSec();
    const fx: PageEffects = {
      attestations: [],
      proofs: [],
      anomalies: [],
      cursor: null,
      counts: [],
      reasons: new Map(),
    };
    const state = this.stateOf(n.node);
    const anomaly = (kind: string, detail: string, position?: bigint, sequence?: bigint): void => {
      if (position !== undefined && position <= state.revalidateUpTo) return; // seen before the rewind
      // A feed stuck on the same lie (a gap not filled, the same page served out of order) counts once.
      if (REPEATING.has(kind)) {
        const key = `${position ?? ""}/${cursor}/${detail}`;
        if (state.repeated.get(kind) === key) return;
        state.repeated.set(kind, key);
      }
      fx.anomalies.push({
        node: n.node,
        kind,
        sequence: position,
        detail: sequence === undefined ? detail : `${detail} (sequence ${sequence})`,
      });
      fx.counts.push(() => this.metrics.anomalies.inc({ kind }));
      this.log.warn("feed anomaly", { node: n.node, kind, position, detail });
    };

    this.checkPageIdentity(page.meta, n, anomaly);
    await this.checkRewound(n, page.meta.head, cursor, fx, anomaly);

    // Place items by position.
    const placed: Array<{ position: bigint; item: unknown }> = [];
    let previous: bigint | undefined;
    let reordered = false;
    for (const item of page.items) {
      const position = positionOf(item);
      if (position === null) {
        anomaly("unreadable-item", "a feed item has no valid position");
        continue;
      }
      if (previous !== undefined && position <= previous) reordered = true;
      previous = position;
      placed.push({ position, item });
    }
    if (reordered) anomaly("reordered", "feed items are not in ascending position order");
    placed.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));

    const seenBefore = await this.seenBefore();

    let expected = cursor + 1n;
    const batch: Array<{ position: bigint; item: unknown }> = [];
    let blocked: "gap" | "wait" | null = null;
    for (const p of placed) {
      if (p.position < expected) {
        // Served again (a duplicate position, or history the node rewrote): only evidence of equivocation.
        await this.checkReplayed(n, p, fx, anomaly);
        continue;
      }
      if (p.position > expected) {
        anomaly(
          "gap",
          `position ${expected} is missing (next served: ${p.position}); not going past it`,
          expected,
        );
        blocked = "gap";
        break;
      }
      if (seenBefore <= this.readyAt(p.item, fetchedAt, params)) {
        blocked = "wait"; // the index has not seen every key change up to the message's time yet
        break;
      }
      batch.push(p);
      expected++;
    }

    // Validate the ready prefix (worker threads when configured), then settle each item in order.
    const verdicts = await Promise.all(
      batch.map((p) => this.validator.validate({ item: p.item, node: n.node, params, domain: this.domain })),
    );
    let last: bigint | null = null;
    for (let i = 0; i < batch.length; i++) {
      const settled = await this.settle(n, batch[i], verdicts[i], fx, anomaly);
      if (!settled) break; // index inconsistent: validate again later
      last = batch[i].position;
    }
    fx.cursor = last;

    this.commit(n.node, fx);
    const processed = last === null ? 0 : Number(last - cursor);
    return blocked === null && processed > 0 && page.items.length >= pageSize;
  }

  /**
   * Chain time (s) before which the index has seen every change. With blocks above its cursor: the
   * timestamp of the first one it has not read. At head (0 confirmations): the later of the cursor block's
   * timestamp + 1 and the wall-clock time its poll started (a block mined after that poll cannot carry an
   * earlier timestamp, within a margin of 15 s on public chains for proposers' clocks), so an idle local
   * chain does not hold validation back.
   */
  private async seenBefore(): Promise<bigint> {
    const f = this.index.freshness();
    if (!f) return 0n;
    if (f.firstUnseenBlockTime !== null) return f.firstUnseenBlockTime;
    if (this.cursorTime?.block !== f.cursorBlock) {
      const hdr = await this.rpc.getBlockHeader(f.cursorBlock);
      this.cursorTime = { block: f.cursorBlock, time: BigInt(hdr?.timestamp ?? 0) };
    }
    const byWallClock = f.polledAt - (DEV_CHAINS.has(this.opts.chainId) ? 0n : 15n);
    return this.cursorTime.time + 1n > byWallClock ? this.cursorTime.time + 1n : byWallClock;
  }

  /**
   * The latest chain time whose key records can decide this item: its message `timestamp` (isActiveAt is
   * asked at that time; records changed later do not change the answer), capped by attestedAt and the
   * wall clock plus the allowed clock skew (beyond that the message is MALFORMED, whatever the keys).
   */
  private readyAt(item: unknown, fetchedAt: bigint, params: CheckParams): bigint {
    let t = fetchedAt + params.maxClockSkew;
    const read = readAttestation(item);
    if ("attestation" in read) {
      const cap = read.attestation.attestedAt + params.maxClockSkew;
      if (cap < t) t = cap;
    }
    const ts = isPushItem(item)
      ? (item as { push?: { message?: { header?: { timestamp?: unknown } } } }).push?.message?.header
          ?.timestamp
      : (item as { envelope?: { timestamp?: unknown } } | null)?.envelope?.timestamp;
    if (typeof ts === "string" && /^(0|[1-9][0-9]{0,19})$/.test(ts) && BigInt(ts) < t) t = BigInt(ts);
    return t;
  }

  private checkPageIdentity(
    meta: { node?: unknown; chainId?: unknown; verifyingContract?: unknown },
    n: IndexedNode,
    anomaly: (kind: string, detail: string) => void,
  ): void {
    const same = (a: unknown, b: string) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();
    if (meta.node !== undefined && !same(meta.node, n.node))
      anomaly("identity", `the feed says it is node ${String(meta.node)}, registered as ${n.node}`);
    if (meta.chainId !== undefined && String(meta.chainId) !== this.opts.chainId.toString())
      anomaly("identity", `the feed says chain ${String(meta.chainId)}, not ${this.opts.chainId}`);
    if (meta.verifyingContract !== undefined && !same(meta.verifyingContract, this.domain.verifyingContract))
      anomaly("identity", `the feed names verifyingContract ${String(meta.verifyingContract)}`);
  }

  /**
   * A feed whose head is below the cursor lost or replaced its history (a node restored from an old copy,
   * or restarted without its data): it may be signing sequences it signed before. Its feed is read again
   * from the start, once per rewind, and every genuine attestation is compared with those held.
   */
  private async checkRewound(
    n: IndexedNode,
    claimedHead: unknown,
    cursor: bigint,
    fx: PageEffects,
    anomaly: (kind: string, detail: string, position?: bigint) => void,
  ): Promise<void> {
    if (typeof claimedHead !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(claimedHead)) return;
    const head = BigInt(claimedHead);
    const state = this.stateOf(n.node);
    if (head >= cursor || state.rewoundAt === head) return;
    state.rewoundAt = head;
    anomaly("rewound", `the feed's head is position ${head}, below position ${cursor} already read`);
    let after = 0n;
    const pageSize = this.opts.pageSize ?? 100;
    while (after < head && !this.stopping) {
      const page = await this.feeds.feed(n.endpoint, after, pageSize);
      let last = after;
      for (const item of page.items) {
        const position = positionOf(item);
        if (position === null) continue;
        if (position > last) last = position;
        await this.checkReplayed(n, { position, item }, fx, anomaly, false);
      }
      if (last === after) break;
      after = last;
    }
  }

  /** An item at a position already processed: if it is a genuine different attestation, it is evidence. */
  private async checkReplayed(
    n: IndexedNode,
    p: { position: bigint; item: unknown },
    fx: PageEffects,
    anomaly: (kind: string, detail: string, position?: bigint) => void,
    count = true,
  ): Promise<void> {
    const read = readAttestation(p.item);
    if ("error" in read) return;
    const a = read.attestation;
    if (attestationSigner(a, this.domain) !== n.node) return;
    this.recordAttestation(n, p.position, a, "replayed", fx);
    if (count) anomaly("replayed", `position ${p.position} served again`, p.position);
  }

  /**
   * Stores a genuine attestation and records an equivocation proof if it conflicts with one held: the same
   * sequence with other contents, or attestedAt going back as the sequence grows (non-monotonic).
   */
  private recordAttestation(
    n: IndexedNode,
    position: bigint,
    a: SignedAttestation,
    verdict: string,
    fx: PageEffects,
  ): void {
    const stored: StoredAttestation = {
      node: n.node,
      position,
      sequence: a.sequence,
      structHash: structHashOf(a),
      digest: a.digest,
      signatureHash: a.signatureHash,
      signatureSize: a.signatureSize,
      attestedAt: a.attestedAt,
      signature: a.signature,
      verdict,
    };
    const others = [
      ...this.store.attestationsAt(n.node, a.sequence),
      ...fx.attestations.filter((o) => o.node === n.node && o.sequence === a.sequence),
    ].filter((o) => o.structHash !== stored.structHash);
    const outOfOrder =
      fx.attestations.find((o) => o.node === n.node && outOfOrderPair(o, stored)) ??
      this.store.outOfOrderWith(n.node, a.sequence, a.attestedAt);
    if (!fx.attestations.some((o) => o.sequence === a.sequence && o.structHash === stored.structHash))
      fx.attestations.push(stored);
    if (others.length > 0) {
      const first = others[0];
      this.addEquivocation(
        n,
        first,
        a,
        `node signed two attestations with sequence ${a.sequence} (positions ${first.position} and ${position})`,
        fx,
      );
    }
    if (outOfOrder !== undefined) {
      this.addEquivocation(
        n,
        outOfOrder,
        a,
        `attestedAt went back: sequence ${outOfOrder.sequence} attested at ${outOfOrder.attestedAt} ` +
          `(position ${outOfOrder.position}), sequence ${a.sequence} at ${a.attestedAt} (position ${position})`,
        fx,
      );
    }
  }

  private addEquivocation(
    n: IndexedNode,
    first: StoredAttestation,
    a: SignedAttestation,
    reason: string,
    fx: PageEffects,
  ): void {
    const proof = buildEquivocationProof(n.node, toSigned(first), a, newClaim(this.address));
    if (fx.proofs.some((p) => p.offenceId === proof.offenceId)) return;
    fx.proofs.push(proof);
    fx.reasons.set(proof.offenceId, reason);
    fx.counts.push(() => this.metrics.faults.inc({ code: "EQUIVOCATION", provable: "true" }));
    this.log.warn("fault found", {
      node: n.node,
      code: "EQUIVOCATION",
      sequence: proof.sequence,
      sequences: [first.sequence, a.sequence],
      reason,
    });
  }

  /**
   * Settles one validated item: stores its attestation, records anomalies and proofs. Returns false when
   * the item must be validated again later (index inconsistent), so the cursor stops before it.
   */
  private async settle(
    n: IndexedNode,
    p: { position: bigint; item: unknown },
    verdict: ItemVerdict,
    fx: PageEffects,
    anomaly: (kind: string, detail: string, position?: bigint, sequence?: bigint) => void,
  ): Promise<boolean> {
    const again = p.position <= this.stateOf(n.node).revalidateUpTo;
    const count = (outcome: string) => {
      if (!again) fx.counts.push(() => this.metrics.validated.inc({ outcome }));
    };
    if (verdict.kind === "unreadable") {
      anomaly("unreadable-item", verdict.reason, p.position);
      count("unreadable");
      return true;
    }
    if (verdict.kind === "forged") {
      anomaly("forged-attestation", verdict.reason, p.position, verdict.sequence);
      count("forged");
      return true;
    }
    const att = decodeSignedAttestation(verdict.attestation);
    const outcome = verdict.outcome;
    if (outcome.status === "index") {
      this.log.warn("chain index inconsistent for a message; will validate it again", {
        node: n.node,
        position: p.position,
        error: outcome.reason,
      });
      return false;
    }
    if (att.sequence !== p.position)
      anomaly(
        "sequence",
        `position ${p.position} carries sequence ${att.sequence}`,
        p.position,
        att.sequence,
      );
    this.checkCid(p, anomaly);
    let status: string = outcome.status;
    if (outcome.status === "undecodable") anomaly("undecodable-envelope", outcome.reason, p.position);
    if (outcome.status === "mismatch") anomaly("attestation-mismatch", outcome.reason, p.position);
    if (outcome.status === "fault") {
      const handled = await this.handleFault(n, p, att, outcome.fault, fx, anomaly, again);
      status = handled;
    }
    if (outcome.status === "undecidable")
      anomaly("unprovable-fault", `Push message: ${outcome.reason}`, p.position);
    if (outcome.status === "push-fault") {
      const handled = await this.handlePushFault(n, p, att, outcome.fault, fx, anomaly, again);
      if (handled === null) return false; // index inconsistent under the limits then: validate again later
      status = handled;
    }
    count(status);
    this.recordAttestation(n, p.position, att, status, fx);
    return true;
  }

  /** A feed item's `cid` must name its envelope's content. */
  private checkCid(
    p: { position: bigint; item: unknown },
    anomaly: (kind: string, detail: string, position?: bigint) => void,
  ): void {
    const cid = (p.item as { cid?: unknown }).cid;
    const env = (p.item as { envelope?: { contentHash?: unknown } }).envelope;
    if (typeof cid !== "string" || typeof env?.contentHash !== "string") return;
    let expected: string;
    try {
      expected = cidOfContentHash(env.contentHash);
    } catch {
      return;
    }
    if (cid !== expected)
      anomaly(
        "cid-mismatch",
        `item cid ${cid.slice(0, 80)} does not name the message's content (${expected})`,
        p.position,
      );
  }

  /**
   * A fault found with the current parameters: checked again with the limits the contract applies to this
   * attestation, then (if provable) turned into a proof. Content that does not match its hash is first
   * fetched by CID: a feed that lies about content does not make the message invalid. Returns the outcome
   * label for metrics.
   */
  private async handleFault(
    n: IndexedNode,
    p: { position: bigint; item: unknown },
    att: SignedAttestation,
    fault: Fault,
    fx: PageEffects,
    anomaly: (kind: string, detail: string, position?: bigint) => void,
    again: boolean,
  ): Promise<string> {
    let envelope: Envelope = readEnvelope(p.item);
    let f: Fault | null = fault;
    if (f.rule === "CONTENT_HASH_MISMATCH" || f.rule === "CONTENT_SIZE_MISMATCH") {
      const fetched = await this.contentByHash(n, envelope.contentHash);
      if (fetched) {
        anomaly(
          "content-mismatch",
          "the feed served content that does not match contentHash; the node serves the right content by CID",
          p.position,
        );
        envelope = { ...envelope, content: fetched };
        f = await this.recheck(envelope, att, this.params as CheckParams);
        if (f === null) return "valid";
      } else {
        anomaly(
          "content-unavailable",
          "content does not match contentHash and the node does not serve it by CID",
          p.position,
        );
      }
    }
    // The contract judges with effectiveLimits(attestedAt), the limits in force then. (SIGNATURE_SIZE
    // depends on no parameter, and its envelope may carry a signature other than the one attested.)
    const limits = await this.limitsFor(att.attestedAt);
    const p0 = this.params as CheckParams;
    if (
      f.rule !== "SIGNATURE_SIZE" &&
      (limits.stateLag !== p0.stateLag ||
        limits.maxClockSkew !== p0.maxClockSkew ||
        limits.maxContentSize !== p0.maxContentSize)
    ) {
      f = await this.recheck(envelope, att, limits);
      if (f === null) return "valid";
    }
    if (!again) fx.counts.push(() => this.metrics.faults.inc({ code: f.code, provable: String(f.provable) }));
    this.log.warn("fault found", {
      node: n.node,
      position: p.position,
      sequence: att.sequence,
      code: f.code,
      rule: f.rule,
      provable: f.provable,
      reason: f.reason,
    });
    if (!f.provable) {
      anomaly("unprovable-fault", `${f.code} (${f.rule}): ${f.reason}`, p.position);
      return "fault";
    }
    const proof = await this.messageProof(n, envelope, att, f);
    if (!fx.proofs.some((x) => x.offenceId === proof.offenceId)) {
      fx.proofs.push(proof);
      fx.reasons.set(proof.offenceId, `${f.code} (${f.rule}): ${f.reason}`);
    }
    return "fault";
  }

  /**
   * A Push item's fault (judged with the current parameters): judged again with the limits PushProofs applies
   * to this attestation (Slashing.effectiveLimits(attestedAt)) when they differ, then turned into a PushProofs
   * proof. Returns the outcome label for metrics, or null when the index is inconsistent for it.
   */
  private async handlePushFault(
    n: IndexedNode,
    p: { position: bigint; item: unknown },
    att: SignedAttestation,
    fault: PushJudgedFault,
    fx: PageEffects,
    anomaly: (kind: string, detail: string, position?: bigint) => void,
    again: boolean,
  ): Promise<string | null> {
    const push = readPushItem(p.item);
    const limits = await this.limitsFor(att.attestedAt);
    const p0 = this.params as CheckParams;
    let f = fault;
    if (
      limits.stateLag !== p0.stateLag ||
      limits.maxClockSkew !== p0.maxClockSkew ||
      limits.maxContentSize !== p0.maxContentSize
    ) {
      const o = await judgePushItem(push, att, { keys: this.index, params: limits, domain: this.domain });
      if (o.status === "index") return null;
      if (o.status === "undecidable") {
        anomaly("unprovable-fault", `Push message: ${o.reason}`, p.position);
        return "fault";
      }
      if (o.status !== "push-fault") return "valid";
      f = o.fault;
    }
    if (!again) fx.counts.push(() => this.metrics.faults.inc({ code: f.code, provable: "true" }));
    this.log.warn("fault found", {
      node: n.node,
      position: p.position,
      sequence: att.sequence,
      code: f.code,
      rule: f.rule,
      provable: this.opts.pushProofs !== undefined,
      reason: f.reason,
      push: true,
    });
    if (this.opts.pushProofs === undefined) {
      anomaly(
        "unprovable-fault",
        `${f.code} (${f.rule}) of a Push message: ${f.reason}; no PushProofs contract is configured`,
        p.position,
      );
      return "fault";
    }
    const proof = buildPushProof({
      fault: f,
      node: n.node,
      message: push.message,
      attestation: att,
      signature: push.signature,
      limits: { maxContentSize: BigInt(limits.maxContentSize), maxClockSkew: limits.maxClockSkew },
      claim: newClaim(this.address),
      pushProofs: this.opts.pushProofs,
      domain: this.domain,
    });
    if (!fx.proofs.some((x) => x.offenceId === proof.offenceId)) {
      fx.proofs.push(proof);
      fx.reasons.set(proof.offenceId, `${f.code} (${f.rule}): ${f.reason}`);
    }
    return "fault";
  }

  private async recheck(
    envelope: Envelope,
    att: SignedAttestation,
    params: CheckParams,
  ): Promise<Fault | null> {
    const r = await checkMessage(envelope, att, { keys: this.index, params });
    return r.ok ? null : { code: r.code, rule: r.rule, reason: r.reason, provable: r.provable };
  }

  private async contentByHash(n: IndexedNode, contentHash: string): Promise<Uint8Array | null> {
    try {
      const bytes = await this.feeds.content(n.endpoint, cidOfContentHash(contentHash));
      return bytes && contentHashOf(bytes) === contentHash.toLowerCase() ? bytes : null;
    } catch (e) {
      this.metrics.feedErrors.inc({ kind: e instanceof FeedError ? e.kind : "internal" });
      return null;
    }
  }

  private async messageProof(
    n: IndexedNode,
    envelope: Envelope,
    att: SignedAttestation,
    f: Fault,
  ): Promise<Proof> {
    const code = f.code as Exclude<ProvableFaultCode, "EQUIVOCATION">;
    let recipientActiveKey: string | undefined;
    let senderPublicKey: Uint8Array | undefined;
    if (f.rule === "PLAINTEXT_TO_KEYED_RECIPIENT")
      recipientActiveKey = (await this.index.anyActiveKeyAt(envelope.to, envelope.timestamp)) ?? undefined;
    if (code === "BAD_SIGNATURE")
      senderPublicKey = (await this.index.publicKeyBytes(envelope.senderKey)) ?? undefined;
    return buildMessageProof({
      faultCode: code,
      node: n.node,
      envelope,
      attestation: att,
      claim: newClaim(this.address),
      recipientActiveKey,
      senderPublicKey,
    });
  }

  private commit(node: string, fx: PageEffects): void {
    const visibleAt = Date.now();
    const added: string[] = [];
    this.store.atomically(() => {
      for (const a of fx.attestations) this.store.addAttestation(a);
      for (const p of fx.proofs) {
        const isNew = this.store.addProof({
          offenceId: p.offenceId,
          node: p.node,
          faultCode: p.faultCode,
          method: p.method,
          data: p.data,
          digest: p.digest,
          sequence: p.sequence,
          reason: fx.reasons.get(p.offenceId) ?? p.faultCode,
          reporter: p.claim.reporter,
          salt: p.claim.salt,
          commitment: p.commitment,
          target: p.target ?? null,
          evidence: p.evidence ?? null,
          visibleAt,
        });
        if (isNew) added.push(p.offenceId);
      }
      for (const a of fx.anomalies) this.store.addAnomaly(a);
      if (fx.cursor !== null) this.store.setCursor(node, fx.cursor);
    });
    for (const c of fx.counts) c();
    if (added.length > 0) this.crash?.("page-committed");
    const cur = this.store.cursor(node);
    if (cur !== null) this.metrics.cursor.set({ node }, cur);
    if (added.length > 0) {
      this.log.info("proofs recorded", { node, offenceIds: added });
      this.proofWake?.();
    }
  }

  // ================================================================ proofs

  /** One pass of the proof state machine, plus the signer balance. */
  async processProofs(): Promise<void> {
    try {
      this.balance = BigInt(await this.rpc.request<string>("eth_getBalance", [this.address, "latest"]));
      this.metrics.balance.set({}, this.balance);
      await this.submitter.processOpen();
      this.lastProofPass = { at: Date.now(), ok: true };
    } catch (e) {
      this.lastProofPass = { at: Date.now(), ok: false, error: errorText(e) };
      throw e;
    } finally {
      this.updateOpenGauge();
    }
  }

  private onProofTransition(p: ProofRow, to: ProofState): void {
    if (to === "sent" || to === "mined" || to === "consumed" || to === "rejected") {
      if (!p.final || to === "rejected") this.metrics.proofs.inc({ state: to });
    }
    this.updateOpenGauge();
  }

  private updateOpenGauge(): void {
    const open = new Map<string, number>(PROOF_STATES.map((s) => [s, 0]));
    for (const p of this.store.openProofs()) open.set(p.state, (open.get(p.state) ?? 0) + 1);
    for (const [state, v] of open) this.metrics.openProofs.set({ state }, v);
  }

  /**
   * The contract refused a key-state fault because a key record changed within the state lag that the
   * index had not seen when the message was validated. Validate that node's feed again from that position:
   * with the record now indexed, the message is excused (or shows another fault, proven then).
   */
  private onStateLagRejection(p: ProofRow): void {
    const attested = this.store.attestationsAt(p.node, p.sequence).find((a) => a.digest === p.digest);
    const cursor = this.store.cursor(p.node);
    if (!attested || cursor === null || attested.position > cursor) return;
    const state = this.stateOf(p.node);
    state.revalidateUpTo = state.revalidateUpTo > cursor ? state.revalidateUpTo : cursor;
    this.store.setCursor(p.node, attested.position - 1n);
    this.log.warn("proof refused for state lag; validating the node's feed again from that message", {
      node: p.node,
      position: attested.position,
    });
  }

  // ================================================================ health and metrics

  private registerCollectors(): void {
    registerRpcMetrics(this.metrics.registry, this.rpc, "validator_rpc");
    this.metrics.registry.collect("validator_proofs_by_state", "gauge", "Proofs recorded, by state", () =>
      Object.entries(this.store.proofCounts()).map(([state, value]) => ({ labels: { state }, value })),
    );
  }

  /** Health: ok while the index and proof loops succeed and the index is not far behind. */
  health(): HealthReport {
    const f = this.index.freshness();
    const stats = this.index.stats();
    const now = Date.now();
    const stale = (t: { at: number; ok: boolean } | undefined, every: number | undefined) =>
      !t || !t.ok || now - t.at > Math.max(30_000, 5 * (every ?? 2000));
    const problems: string[] = [];
    if (stale(this.lastIndexPoll, this.opts.indexIntervalMs))
      problems.push(
        `chain index not polled successfully recently${this.lastIndexPoll?.error ? `: ${this.lastIndexPoll.error}` : ""}`,
      );
    if (stale(this.lastProofPass, this.opts.proofIntervalMs))
      problems.push(
        `proof loop not run successfully recently${this.lastProofPass?.error ? `: ${this.lastProofPass.error}` : ""}`,
      );
    if (this.balance === 0n && !this.opts.dryRun)
      problems.push(`signer ${this.address} has no balance to pay for proofs`);
    const nodes = this.watchedNodes().map((n) => {
      const s = this.nodeState.get(n.node);
      return {
        node: n.node,
        endpoint: n.endpoint,
        status: nodeStatusName(n.status),
        cursor: (this.store.cursor(n.node) ?? 0n).toString(),
        errors: s?.errors ?? 0,
        lastError: s?.lastError ?? null,
      };
    });
    return {
      ok: problems.length === 0,
      problems,
      chainId: this.opts.chainId.toString(),
      signer: this.address,
      balanceWei: this.balance?.toString() ?? null,
      dryRun: this.opts.dryRun === true,
      index: f
        ? {
            cursorBlock: f.cursorBlock,
            head: f.head,
            lagBlocks: f.head - f.cursorBlock,
            confirmations: this.opts.confirmations,
            reorgs: stats.reorgs,
          }
        : null,
      nodes,
      proofs: this.store.proofCounts(),
    };
  }
}

const PARAMS_INTERFACE = new Interface([
  "function params() view returns ((uint32 stateLag, uint32 maxContentSize, uint32 maxClockSkew, uint16 messageFaultSlashBps, uint16 equivocationSlashBps, uint16 reporterRewardBps))",
]);

/**
 * Crash injection for the restart tests, on development chains only: with VALIDATOR_TEST_CRASH="<point>:<n>"
 * the process kills itself with SIGKILL the n-th time it reaches <point> ("page-committed",
 * "commit-persisted", "commit-broadcast", "committed", "sent-persisted", "broadcast").
 */
function crashHook(chainId: bigint): ((point: string) => void) | undefined {
  const spec = process.env.VALIDATOR_TEST_CRASH;
  if (!spec || !DEV_CHAINS.has(chainId)) return undefined;
  const [point, nth] = spec.split(":");
  let left = Number(nth ?? "1");
  return (at: string) => {
    if (at !== point || --left > 0) return;
    process.stderr.write(`VALIDATOR_TEST_CRASH: SIGKILL at ${at}\n`);
    process.kill(process.pid, "SIGKILL");
  };
}

function positionOf(item: unknown): bigint | null {
  if (item === null || typeof item !== "object") return null;
  const p = (item as { position?: unknown }).position;
  if (typeof p === "string" && /^[1-9][0-9]{0,19}$/.test(p)) {
    const v = BigInt(p);
    return v < 1n << 64n ? v : null;
  }
  if (typeof p === "number" && Number.isSafeInteger(p) && p > 0) return BigInt(p);
  return null;
}

function structHashOf(a: SignedAttestation): string {
  return attestationStructHash(a);
}

/** Whether two attestations of one node break "attestedAt never decreases as the sequence grows". */
function outOfOrderPair(a: StoredAttestation, b: StoredAttestation): boolean {
  return (
    (a.sequence < b.sequence && a.attestedAt > b.attestedAt) ||
    (a.sequence > b.sequence && a.attestedAt < b.attestedAt)
  );
}

function toSigned(a: StoredAttestation): SignedAttestation {
  return {
    digest: a.digest,
    signatureHash: a.signatureHash,
    signatureSize: a.signatureSize,
    sequence: a.sequence,
    attestedAt: a.attestedAt,
    signature: a.signature,
  };
}

function defaultWorkers(): number {
  return Math.max(1, os.cpus().length);
}

function normalizeKey(k: string): string {
  const hex = k.startsWith("0x") ? k : `0x${k}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new Error("The validator key must be 32 bytes of hex (0x + 64 hex digits).");
  getBytes(hex);
  return hex;
}
