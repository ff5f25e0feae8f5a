// Slashing tasks: fault:prove (anyone: submit a fault proof from a JSON file), gov:slash (governance slash
// through the timelock), gov:dispute (open / accept / reject / expire a dispute; accept and reject go
// through the timelock). See README, "Faults and slashing".
import fs from "node:fs";
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { Contract, Interface, ZeroHash, getAddress, isAddress, keccak256, toUtf8Bytes } from "ethers";
import type { ContractTransactionReceipt, Signer } from "ethers";
import type { DeploymentFile } from "../src/deployments";
import { explainError, revertData } from "../src/errors";
import { govOptions, withGovOptions } from "../src/gov/options";
import type { GovTaskArgs } from "../src/gov/options";
import { makeCall, operationId, parseSalt, runGovAction, timelockOf } from "../src/gov/timelock";
import type { GovResult } from "../src/gov/timelock";
import { KEYSTORE_HELP, signerFor } from "../src/signer";
import { claimFileOf, loadOrNewClaim, saveClaim } from "../src/slashing/claim-file";
import {
  FAULT_CODES,
  ProofFileError,
  attestationFromJson,
  newClaim,
  proofCall,
} from "../src/slashing/proof-file";
import type { Claim } from "../src/slashing/proof-file";
import { isPushProofJson, pushProofCall } from "../src/slashing/push-proof-file";
import { PushMalformedReason } from "../src/message/push/judge";
import { disputeOffenceId, planDispute } from "../src/slashing/court";
import { TaskError, deploymentFromFile, loadDeployment, sendTx } from "../src/tasks-util";
import type { SentTx } from "../src/tasks-util";
import { formatPush, parsePush } from "../src/units";
import type { Slashing, SlashingCourt } from "../typechain-types";

const CONTRACT_NAMES = [
  "PushProofs",
  "SlashingCourt",
  "Slashing",
  "OpenPgpKey",
  "NodeRegistry",
  "StakingVault",
  "ERC20",
];
const DETAIL_NAMES: Record<number, string[]> = {
  1: [
    "",
    "version",
    "zero address",
    "from == to",
    "content too large",
    "content type",
    "encryption",
    "clock skew",
    "signature too large",
  ],
  4: [
    "valid",
    "empty",
    "packet tag",
    "packet length",
    "trailing data",
    "version",
    "signature type",
    "public-key algorithm",
    "hash algorithm",
    "subpackets",
    "subpacket not allowed",
    "creation time",
    "issuer missing",
    "issuer mismatch",
    "MPI",
    "algorithm mismatch",
    "key newer than signature",
    "signed hash mismatch",
    "bad signature",
  ],
};

function deployed(d: DeploymentFile, name: string): string {
  const c = d.contracts[name];
  if (!c)
    throw new TaskError(`${name} is not deployed on network "${d.network}" (deployments/${d.network}.json).`);
  return c.address;
}

/** Every interface whose custom errors a slashing call may revert with. */
async function errorInterfaces(hre: HardhatRuntimeEnvironment): Promise<Interface[]> {
  const names = [
    "Slashing",
    "PushProofs",
    "SlashingCourt",
    "OpenPgpVerifier",
    "NodeRegistry",
    "StakingVault",
    "TestPush",
  ];
  const out: Interface[] = [];
  for (const n of names) {
    if (await hre.artifacts.artifactExists(n))
      out.push(new Interface((await hre.artifacts.readArtifact(n)).abi));
  }
  return out;
}

async function slashingAt(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  signer?: Signer,
): Promise<Slashing> {
  return (await hre.ethers.getContractAt("Slashing", deployed(d, "Slashing"), signer)) as unknown as Slashing;
}

async function courtAt(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  signer?: Signer,
): Promise<SlashingCourt> {
  return (await hre.ethers.getContractAt(
    "SlashingCourt",
    deployed(d, "SlashingCourt"),
    signer,
  )) as unknown as SlashingCourt;
}

async function stakeOf(hre: HardhatRuntimeEnvironment, d: DeploymentFile, node: string): Promise<bigint> {
  const registry = new Contract(
    deployed(d, "NodeRegistry"),
    ["function stakeOf(address) view returns (uint256 bonded, uint256 unbonding)"],
    hre.ethers.provider,
  );
  const [bonded, unbonding] = (await registry.getFunction("stakeOf")(node)) as [bigint, bigint];
  return bonded + unbonding;
}

function nodeArg(hre: HardhatRuntimeEnvironment, value: string | undefined, name = "node"): string {
  if (value === undefined || !isAddress(value))
    throw new TaskError(`--${name} must be a node's signer address.`);
  return getAddress(value);
}

export interface ProveResult {
  /** The commitProof transaction, or null when the commitment was already on chain (a resumed run). */
  commitTx: SentTx | null;
  tx: SentTx;
  offenceId: string;
  node: string;
  slashed: bigint;
  reward: bigint;
}

task(
  "fault:prove",
  "Submits a fault proof (a JSON file the validator or a person wrote) to the Slashing contract",
)
  .addParam(
    "file",
    'Proof file: {fault, message, attestation[, recipientActiveKey | signature, publicKey]}, {fault: EQUIVOCATION, attestations: [a, b]} (README, Faults and slashing), or a Push proof file {format: "push", fault, message, attestation, ...} (docs/push-format.md)',
  )
  .addFlag("dryRun", "Only simulate the proof (eth_call) and print the verdict; send nothing")
  .addOptionalParam(
    "claimFile",
    "Where the claim (reporter, salt) is kept before the commitment is sent, to resume after a crash (default: <file>.claim.json)",
  )
  .addOptionalParam(
    "from",
    "Reporter account (earns the reward): an index among the network's accounts or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .addOptionalParam("deployment", "Deployment file to use instead of deployments/<network>.json")
  .setAction(
    async (
      args: {
        file: string;
        dryRun: boolean;
        claimFile?: string;
        from?: string;
        keystore?: string;
        deployment?: string;
      },
      hre,
    ): Promise<ProveResult | { simulated: true; offenceId: string; node: string }> => {
      const d =
        args.deployment === undefined
          ? await loadDeployment(hre)
          : await deploymentFromFile(hre, args.deployment);
      if (!fs.existsSync(args.file)) throw new TaskError(`--file ${args.file} does not exist.`);
      let json: unknown;
      try {
        json = JSON.parse(fs.readFileSync(args.file, "utf8"));
      } catch (e) {
        throw new TaskError(`${args.file} is not valid JSON (${(e as Error).message}).`);
      }
      const slashingAddress = deployed(d, "Slashing");
      const { chainId } = await hre.ethers.provider.getNetwork();
      const domain = { chainId, verifyingContract: slashingAddress };
      const signer = await signerFor(hre, { from: args.from, keystore: args.keystore });
      const reporter = await signer.getAddress();
      const claimFile = args.claimFile ?? claimFileOf(args.file);
      const slashing = await slashingAt(hre, d, signer);
      // A Push proof file goes to PushProofs; MALFORMED uses the hashed form when the limits in force at
      // attestedAt decide it from the header (docs/push-format.md section 2).
      const push = isPushProofJson(json);
      let build: (claim: Claim) => ReturnType<typeof proofCall> | ReturnType<typeof pushProofCall> = (
        claim,
      ) => proofCall(json, domain, claim);
      let call;
      try {
        if (push) {
          pushProofCall(json, domain, newClaim(reporter)); // reads the whole file first (errors name the field)
          const attestedAt = attestationFromJson((json as { attestation?: unknown }).attestation).attestedAt;
          const [, maxContentSize, maxClockSkew] = await slashing.effectiveLimits(attestedAt);
          build = (claim) => pushProofCall(json, domain, claim, { maxContentSize, maxClockSkew });
        }
        const probe = build(newClaim(reporter));
        const { claim, resumed } = loadOrNewClaim(claimFile, reporter, probe.offenceId);
        call = build(claim);
        if (resumed) console.log(`Resuming with the claim in ${claimFile}.`);
      } catch (e) {
        if (e instanceof ProofFileError) throw new TaskError(`${args.file}: ${e.message}`);
        throw e;
      }
      const ifaces = await errorInterfaces(hre);
      console.log(
        `${push ? "Push " : ""}${call.fault} proof against node ${call.node}, offence ${call.offenceId}`,
      );
      if (await slashing.isOffenceConsumed(call.offenceId))
        throw new TaskError(`Offence ${call.offenceId} was already slashed: nothing was sent.`);
      const target = push
        ? await hre.ethers.getContractAt("PushProofs", deployed(d, "PushProofs"), signer)
        : slashing;
      const fn = target.getFunction(call.method);
      let committedAt = await slashing.commitmentBlock(call.commitment);
      // Before paying for a commitment: the proof must fail only for the commitment it does not have yet.
      const verdict = await simulateProof(() => fn.staticCall(...call.args), ifaces);
      if (
        verdict !== "ok" &&
        verdict !== "SlashingCommitmentMissing" &&
        verdict !== "SlashingCommitmentTooFresh"
      )
        throw new TaskError(`The proof would revert: ${verdict} Nothing was sent.`);
      const stake = await stakeOf(hre, d, call.node);
      if (args.dryRun) {
        console.log(
          `Simulation: the proof holds against a stake of ${formatPush(stake)} PUSH; it would be sent by ` +
            `commitProof(${call.commitment}) then ${call.method} in a later block (nothing sent).`,
        );
        return { simulated: true, offenceId: call.offenceId, node: call.node };
      }
      // The salt is on disk before the commitment exists.
      saveClaim(claimFile, { ...call.claim, offenceId: call.offenceId, commitment: call.commitment });
      let commitTx: SentTx | null = null;
      if (committedAt === 0n) {
        commitTx = await sendTx(
          "commitProof",
          () => slashing.commitProof(call.commitment),
          ifaces,
          CONTRACT_NAMES,
        );
        committedAt = await slashing.commitmentBlock(call.commitment);
        if (committedAt === 0n)
          throw new TaskError(
            `commitProof was mined (tx ${commitTx.hash}) but the commitment is not on chain.`,
          );
      } else {
        console.log(`commitProof: already on chain since block ${committedAt}; not sent again.`);
      }
      if (await slashing.isOffenceConsumed(call.offenceId))
        throw new TaskError(
          `Offence ${call.offenceId} was slashed by someone else meanwhile: proof not sent.`,
        );
      // The proof must be mined after the commitment's block: simulated (and its gas estimated) in the
      // pending block, the one it can be mined in; if that is still the commitment's block, wait for the next.
      const pending = { blockTag: "pending" };
      let again = await simulateProof(() => fn.staticCall(...call.args, pending), ifaces);
      const deadline = Date.now() + 10 * 60_000;
      while (again === "SlashingCommitmentTooFresh") {
        if (Date.now() > deadline)
          throw new TaskError(
            `No block after the commitment's (block ${committedAt}) in 10 minutes; run fault:prove again ` +
              `later: it resumes with the claim in ${claimFile}.`,
          );
        await new Promise((r) => setTimeout(r, 1000));
        if (BigInt(await hre.ethers.provider.getBlockNumber()) > committedAt)
          again = await simulateProof(() => fn.staticCall(...call.args, pending), ifaces);
      }
      if (again !== "ok") throw new TaskError(`The proof would revert: ${again} Nothing more was sent.`);
      const gas = await fn.estimateGas(...call.args, pending);
      const tx = await sendTx(
        `${call.method}`,
        () => fn.send(...call.args, { gasLimit: (gas * 125n) / 100n }),
        ifaces,
        CONTRACT_NAMES,
      );
      const receipt = (await hre.ethers.provider.getTransactionReceipt(
        tx.hash,
      )) as ContractTransactionReceipt;
      if (receipt.blockNumber <= Number(committedAt))
        throw new TaskError(`The proof was mined in block ${receipt.blockNumber}, not after the commitment.`);
      let slashed = 0n;
      let detail = 0;
      for (const log of receipt.logs) {
        try {
          const ev = slashing.interface.parseLog(log);
          if (ev?.name === "FaultProven")
            [slashed, detail] = [ev.args.slashed as bigint, Number(ev.args.detail)];
        } catch {
          /* another contract's event */
        }
      }
      const rewardBps = (await slashing.params()).reporterRewardBps;
      const reward = (slashed * rewardBps) / 10_000n;
      const why = push ? pushDetailName(call.fault, detail) : detailName(call.fault, detail);
      console.log(
        `Slashed ${formatPush(slashed)} PUSH of node ${call.node}${why ? ` (${why})` : ""}; ` +
          `${formatPush(reward)} PUSH credited to ${reporter} in the vault (rewards:claim pays it out).`,
      );
      return { commitTx, tx, offenceId: call.offenceId, node: call.node, slashed, reward };
    },
  );

/** "ok", the name of the Slashing error a proof reverts with, or a sentence explaining another failure. */
async function simulateProof(call: () => Promise<unknown>, ifaces: Interface[]): Promise<string> {
  try {
    await call();
    return "ok";
  } catch (e) {
    const data = revertData(e);
    if (data) {
      for (const i of ifaces) {
        try {
          const err = i.parseError(data);
          if (err?.name === "SlashingCommitmentMissing" || err?.name === "SlashingCommitmentTooFresh")
            return err.name;
        } catch {
          /* not this interface */
        }
      }
    }
    return explainError(e, ifaces, CONTRACT_NAMES);
  }
}

/** FaultProven.detail of a Push proof in words. */
function pushDetailName(fault: string, detail: number): string | undefined {
  if (fault === "MALFORMED") return Object.entries(PushMalformedReason).find(([, v]) => v === detail)?.[0];
  return detailName(fault, detail);
}

/** FaultProven.detail in words. */
function detailName(fault: string, detail: number): string | undefined {
  if (fault === "BAD_SIGNATURE" && detail === 255) return "signature size differs from the attested size";
  if (fault === "EQUIVOCATION") return detail === 1 ? "attestedAt went back" : "same sequence";
  return DETAIL_NAMES[FAULT_CODES[fault as keyof typeof FAULT_CODES]]?.[detail];
}

withGovOptions(
  task(
    "gov:slash",
    "Slashes a node through the timelock (governance), at most the governance cap (10% by default) of its stake; all of it goes to the treasury",
  )
    .addParam("node", "The node's signer address")
    .addParam("amount", "Amount in PUSH, e.g. 5000")
    .addParam("reason", "Why (recorded in the GovernanceSlashed event)"),
).setAction(
  async (args: GovTaskArgs & { node: string; amount: string; reason: string }, hre): Promise<GovResult> => {
    const d = await loadDeployment(hre);
    const node = nodeArg(hre, args.node);
    let amount: bigint;
    try {
      amount = parsePush(args.amount);
    } catch (e) {
      throw new TaskError(`--amount: ${(e as Error).message}`);
    }
    if (amount === 0n) throw new TaskError("--amount must be more than 0 PUSH; nothing was sent.");
    if (args.reason.trim() === "") throw new TaskError("--reason must say why; nothing was sent.");
    const court = await courtAt(hre, d);
    const stake = await stakeOf(hre, d, node);
    if (stake === 0n)
      throw new TaskError(`${node} is not a node with stake: nothing to slash; nothing was sent.`);
    const capBps = (await court.params()).governanceSlashCapBps;
    const cap = (stake * capBps) / 10_000n;
    if (amount > cap)
      throw new TaskError(
        `${formatPush(amount)} PUSH is over the cap of one governance slash: ${formatPush(cap)} PUSH (${Number(capBps) / 100}% of the node's ${formatPush(stake)} PUSH); nothing was sent.`,
      );
    const call = makeCall(await court.getAddress(), "SlashingCourt", "slash(address,uint256,string)", [
      node,
      amount,
      args.reason,
    ]);
    const result = await runGovAction(
      hre,
      `slash ${formatPush(amount)} PUSH of node ${node} (${args.reason})`,
      [call],
      await govOptions(hre, args),
    );
    if (result.state === "Done" && result.executed)
      console.log(`Node ${node} now holds ${formatPush(await stakeOf(hre, d, node))} PUSH.`);
    return result;
  },
);

type DisputeAction = "open" | "accept" | "reject" | "expire";

withGovOptions(
  task(
    "gov:dispute",
    "Disputes: open (anyone: commits, then opens in a later block; pulls the bond, locks the stake at risk), accept / reject (governance, through the timelock), expire (anyone, after the decision period; part of the bond is kept)",
  )
    .addPositionalParam("action", "open, accept, reject or expire")
    .addOptionalParam("node", "open: the node's signer address")
    .addOptionalParam("fault", "open: BAD_SIGNATURE (Ed25519 keys) or UNAVAILABLE", "UNAVAILABLE")
    .addOptionalParam(
      "occurredAt",
      "open: when the fault occurred, unix seconds or an ISO date (default: now)",
    )
    .addOptionalParam("evidence", "open: the evidence, as a path to a file or the text itself")
    .addOptionalParam("digest", "open, BAD_SIGNATURE: the attested message digest (0x + 64 hex)")
    .addOptionalParam("id", "accept, reject, expire: the dispute id"),
).setAction(
  async (
    args: GovTaskArgs & {
      action: string;
      node?: string;
      fault: string;
      occurredAt?: string;
      evidence?: string;
      digest?: string;
      id?: string;
    },
    hre,
  ): Promise<GovResult | SentTx | { disputeId: bigint; tx: SentTx }> => {
    const action = args.action.toLowerCase() as DisputeAction;
    if (!["open", "accept", "reject", "expire"].includes(action))
      throw new TaskError(`The action must be open, accept, reject or expire, not "${args.action}".`);
    const d = await loadDeployment(hre);
    const ifaces = await errorInterfaces(hre);
    if (action === "open") return openDispute(hre, d, args, ifaces);

    if (args.id === undefined || !/^\d+$/.test(args.id))
      throw new TaskError("--id must be a dispute id (1, 2, ...).");
    const id = BigInt(args.id);
    const court = await courtAt(hre, d);
    const dispute = await court.dispute(id);
    const STATUS = ["None", "Open", "Accepted", "Rejected", "Expired"];
    if (dispute.status === 0n) throw new TaskError(`There is no dispute ${id}.`);
    const block = await hre.ethers.provider.getBlock("latest");
    const now = BigInt(block!.timestamp);
    if (action === "expire") {
      if (dispute.status !== 1n)
        throw new TaskError(`Dispute ${id} is ${STATUS[Number(dispute.status)]}, not open.`);
      if (now <= dispute.decideBy)
        throw new TaskError(
          `Dispute ${id} can be expired after ${new Date(Number(dispute.decideBy) * 1000).toISOString()}, not before; nothing was sent.`,
        );
      const signer = await signerFor(hre, { from: args.from, keystore: args.keystore });
      const tx = await sendTx(
        `expire dispute ${id}`,
        () => court.connect(signer).expireDispute(id),
        ifaces,
        CONTRACT_NAMES,
      );
      const kept = (dispute.bond * (await court.expiredBondKeptBps())) / 10_000n;
      console.log(
        `Dispute ${id} expired: ${formatPush(dispute.bond - kept)} PUSH of the bond went back to ${dispute.disputer}, ${formatPush(kept)} PUSH was kept by the treasury.`,
      );
      return tx;
    }
    const call = makeCall(await court.getAddress(), "SlashingCourt", `${action}Dispute(uint256)`, [id]);
    const { timelock } = await timelockOf(hre, d);
    const opId = operationId([call], args.predecessor ? args.predecessor : ZeroHash, parseSalt(args.salt));
    const opState = Number(await timelock.getFunction("getOperationState")(opId)); // 0 Unset, 3 Done
    if (dispute.status !== 1n && opState !== 3)
      throw new TaskError(`Dispute ${id} is ${STATUS[Number(dispute.status)]}, not open; nothing was sent.`);
    if (dispute.status === 1n && opState === 0) {
      const minDelay = (await timelock.getFunction("getMinDelay")()) as bigint;
      const delay = args.delay !== undefined && /^\d+$/.test(args.delay) ? BigInt(args.delay) : minDelay;
      if (now + delay > dispute.decideBy)
        throw new TaskError(
          `Dispute ${id} must be decided by ${new Date(Number(dispute.decideBy) * 1000).toISOString()}, but the timelock's delay of ${delay} s ends later: the decision could never be executed; nothing was sent.`,
        );
    }
    const what =
      action === "accept"
        ? `accept dispute ${id} against node ${dispute.node} (slash ${await slashShare(hre, d)} of its stake, bond back to ${dispute.disputer})`
        : `reject dispute ${id} against node ${dispute.node} (bond of ${formatPush(dispute.bond)} PUSH to the treasury)`;
    const result = await runGovAction(hre, what, [call], await govOptions(hre, args));
    if (result.state === "Done" && result.executed) {
      const after = await court.dispute(id);
      console.log(`Dispute ${id} is now ${STATUS[Number(after.status)]}.`);
    }
    return result;
  },
);

async function slashShare(hre: HardhatRuntimeEnvironment, d: DeploymentFile): Promise<string> {
  const p = await (await slashingAt(hre, d)).params();
  return `${Number(p.messageFaultSlashBps) / 100}%`;
}

async function openDispute(
  hre: HardhatRuntimeEnvironment,
  d: DeploymentFile,
  args: {
    node?: string;
    fault: string;
    occurredAt?: string;
    evidence?: string;
    digest?: string;
    from?: string;
    keystore?: string;
  },
  ifaces: Interface[],
): Promise<{ disputeId: bigint; tx: SentTx }> {
  const node = nodeArg(hre, args.node);
  const fault = args.fault.toUpperCase();
  if (fault !== "BAD_SIGNATURE" && fault !== "UNAVAILABLE")
    throw new TaskError(
      `--fault must be BAD_SIGNATURE or UNAVAILABLE (other faults are proven with fault:prove).`,
    );
  if (args.evidence === undefined || args.evidence.trim() === "")
    throw new TaskError("--evidence is needed: a path to a file or the text itself.");
  let digest: string = ZeroHash;
  if (fault === "BAD_SIGNATURE") {
    if (
      args.digest === undefined ||
      !/^0x[0-9a-fA-F]{64}$/.test(args.digest) ||
      /^0x0{64}$/.test(args.digest)
    )
      throw new TaskError(
        "--digest is needed for BAD_SIGNATURE: the attested message digest (0x + 64 hex digits, not zero).",
      );
    digest = args.digest;
  } else if (args.digest !== undefined)
    throw new TaskError("--digest is for BAD_SIGNATURE only (an UNAVAILABLE dispute names a time).");
  const evidence = fs.existsSync(args.evidence)
    ? new Uint8Array(fs.readFileSync(args.evidence))
    : toUtf8Bytes(args.evidence);
  const block = await hre.ethers.provider.getBlock("latest");
  let occurredAt = BigInt(block!.timestamp);
  if (args.occurredAt !== undefined) {
    if (/^\d+$/.test(args.occurredAt)) occurredAt = BigInt(args.occurredAt);
    else {
      const ms = Date.parse(args.occurredAt);
      if (Number.isNaN(ms))
        throw new TaskError(`--occurred-at "${args.occurredAt}" is neither unix seconds nor a date.`);
      occurredAt = BigInt(Math.floor(ms / 1000));
    }
  }
  const signer = await signerFor(hre, { from: args.from, keystore: args.keystore });
  const me = await signer.getAddress();
  const court = await courtAt(hre, d, signer);
  const p = await court.params();
  if (BigInt(block!.timestamp) - occurredAt > p.faultWindow || occurredAt > BigInt(block!.timestamp))
    throw new TaskError(
      `The fault must have occurred within the fault window (${p.faultWindow} s) before now; nothing was sent.`,
    );
  const plan = planDispute(me, node, FAULT_CODES[fault], occurredAt, evidence, digest);
  const offenceId = disputeOffenceId(plan);
  if (await court.isOffenceConsumed(offenceId))
    throw new TaskError(
      `This offence was already slashed (offence ${offenceId}: ${fault === "UNAVAILABLE" ? "one UNAVAILABLE per node per 7-day period" : "one per attested message"}); nothing was sent.`,
    );
  const maxOpen = await court.MAX_OPEN_DISPUTES_PER_NODE();
  if ((await court.openDisputesOf(node)) >= maxOpen)
    throw new TaskError(`${node} already has ${maxOpen} open disputes (the most allowed); nothing was sent.`);
  const token = new Contract(
    await court.token(),
    [
      "function allowance(address,address) view returns (uint256)",
      "function approve(address,uint256) returns (bool)",
      "function balanceOf(address) view returns (uint256)",
    ],
    signer,
  );
  const balance = (await token.getFunction("balanceOf")(me)) as bigint;
  if (balance < p.disputeBond)
    throw new TaskError(
      `${me} holds ${formatPush(balance)} PUSH, less than the dispute bond of ${formatPush(p.disputeBond)} PUSH; nothing was sent.`,
    );
  // Everything the court checks, checked here first, so that a refusal sends nothing (not even the approval).
  if (await court.paused())
    throw new TaskError("The slashing court is paused: disputes cannot be opened; nothing was sent.");
  if ((await stakeOf(hre, d, node)) === 0n)
    throw new TaskError(
      `${node} is not a node with stake (bonded or unbonding): nothing to dispute; nothing was sent.`,
    );
  // The bond's allowance is exactly the bond, consumed by the opening: no allowance is left to the court
  // (an approve of type(uint256).max would be an allowance that never decreases on mainnet PUSH).
  const courtAddress = await court.getAddress();
  const allowance = (await token.getFunction("allowance")(me, courtAddress)) as bigint;
  const approving = allowance < p.disputeBond;
  if (approving) {
    await sendTx(
      `approve the court for exactly the bond of ${formatPush(p.disputeBond)} PUSH`,
      () => token.getFunction("approve")(courtAddress, p.disputeBond),
      ifaces,
      CONTRACT_NAMES,
    );
  }
  let tx: SentTx;
  try {
    // Commit-reveal: the commitment binds the sender, so that a copy of the opening sent by someone else fails.
    console.log(`Dispute commitment ${plan.commitment} (salt ${plan.salt}).`);
    const committed = await sendTx(
      `commit to a ${fault} dispute against ${node}`,
      () => court.commitDispute(plan.commitment),
      ifaces,
      CONTRACT_NAMES,
    );
    await nextBlock(hre, committed.blockNumber);
    tx = await sendTx(
      `open a ${fault} dispute against ${node}`,
      () => court.openDispute(node, plan.faultCode, occurredAt, plan.digest, evidence, plan.salt),
      ifaces,
      CONTRACT_NAMES,
    );
  } catch (e) {
    // Give back the allowance this task made, so that a failed opening leaves none behind.
    if (approving)
      await sendTx(
        `restore the court's allowance to ${formatPush(allowance)} PUSH`,
        () => token.getFunction("approve")(courtAddress, allowance),
        ifaces,
        CONTRACT_NAMES,
      ).catch(() => console.log(`Could not restore the court's allowance; check it with your wallet.`));
    throw e;
  }
  const disputeId = await court.disputeCount();
  const dispute = await court.dispute(disputeId);
  console.log(
    `Dispute ${disputeId} opened: bond ${formatPush(dispute.bond)} PUSH, ${formatPush(dispute.locked)} PUSH of node ${node}'s stake locked; governance may decide until ${new Date(Number(dispute.decideBy) * 1000).toISOString()}.`,
  );
  return { disputeId, tx };
}

/**
 * Waits until a block after `block` exists, so that the opening is mined after the commitment. A local
 * automining node (Hardhat, anvil) mines the opening in a block of its own: no wait.
 */
async function nextBlock(hre: HardhatRuntimeEnvironment, block: number): Promise<void> {
  if (hre.network.name === "hardhat") return;
  const client = String(await hre.ethers.provider.send("web3_clientVersion", []).catch(() => ""));
  if (/hardhat|anvil/i.test(client)) return;
  for (;;) {
    if ((await hre.ethers.provider.getBlockNumber()) > block) return;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
