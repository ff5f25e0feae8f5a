/** The validator's Prometheus metrics (GET /metrics). Names are part of the operator interface (README). */
import { MetricsRegistry } from "../http/metrics";
import type { Counter, Gauge } from "../http/metrics";

export interface ValidatorMetrics {
  registry: MetricsRegistry;
  /** Items of feeds validated, by outcome (valid, fault, undecodable, mismatch, forged). */
  validated: Counter;
  /** Faults found, by code and whether the contract can check them. */
  faults: Counter;
  /** Proof state changes: sent, mined, consumed, rejected. */
  proofs: Counter;
  /** What lying or failing feeds did, by kind. */
  anomalies: Counter;
  /** Feed requests that failed, by kind (network, timeout, http, json, shape, too-large, endpoint). */
  feedErrors: Counter;
  /** Index or proof loop rounds that failed (RPC down...), by loop. */
  loopErrors: Counter;
  /** Last feed position processed, per node. */
  cursor: Gauge;
  headLag: Gauge;
  head: Gauge;
  indexBlock: Gauge;
  nodes: Gauge;
  balance: Gauge;
  /** Proofs not final, by state. */
  openProofs: Gauge;
}

export function createValidatorMetrics(): ValidatorMetrics {
  const r = new MetricsRegistry();
  return {
    registry: r,
    validated: r.counter("validator_messages_validated_total", "Feed items re-validated, by outcome", [
      "outcome",
    ]),
    faults: r.counter("validator_faults_found_total", "Faults found in attested messages", [
      "code",
      "provable",
    ]),
    proofs: r.counter("validator_proofs_total", "Proof transitions: sent, mined, consumed, rejected", [
      "state",
    ]),
    anomalies: r.counter("validator_feed_anomalies_total", "Lies and gaps seen in node feeds", ["kind"]),
    feedErrors: r.counter("validator_feed_errors_total", "Failed feed or content requests", ["kind"]),
    loopErrors: r.counter("validator_loop_errors_total", "Rounds of a loop that failed and backed off", [
      "loop",
    ]),
    cursor: r.gauge("validator_feed_cursor", "Last feed position processed, per node", ["node"]),
    headLag: r.gauge("validator_head_lag_blocks", "Chain head minus the last block in the chain index"),
    head: r.gauge("validator_head_block", "Chain head seen by the last index poll"),
    indexBlock: r.gauge("validator_index_block", "Last block whose events are in the chain index"),
    nodes: r.gauge("validator_nodes_watched", "Nodes whose feeds are polled"),
    balance: r.gauge("validator_signer_balance_wei", "Balance of the account that sends proofs"),
    openProofs: r.gauge("validator_proofs_open", "Proofs whose outcome is not final, by state", ["state"]),
  };
}
