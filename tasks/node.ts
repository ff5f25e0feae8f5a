// Operator tasks: register and run Push Nodes' stake. The logic is in src/staking-client.ts; these
// tasks parse flags (amounts in PUSH), call it, and print what happened.
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import {
  StakingClient,
  formatStatusTable,
  nodeConsent,
  parseAddress,
  parseAmount,
  parseRole,
  roleName,
} from "../src/staking-client";
import type { NodeStatusRow } from "../src/staking-client";
import type { SentTx } from "../src/tasks-util";
import { formatPush } from "../src/units";
import { KEYSTORE_HELP } from "../src/signer";
import { ENV_KEYSTORE_PASSWORD, ENV_SIGNER_KEY, loadSignerKey } from "../src/node/config";
import { TaskError } from "../src/tasks-util";

const FROM =
  "Operator account: an index among the network's accounts (0, 1, ...) or an address (default: the first)";
const NODE = "The node: its signer address";
const AMOUNT_PUSH = "Amount in PUSH (not wei), e.g. 50000 or 1250.5";

interface FromArgs {
  from?: string;
  keystore?: string;
}
interface NodeArgs extends FromArgs {
  node: string;
}
interface AmountArgs extends NodeArgs {
  amount: string;
}

async function client(hre: HardhatRuntimeEnvironment, args: FromArgs = {}): Promise<StakingClient> {
  return StakingClient.connect(hre, args.from, { keystore: args.keystore });
}

task(
  "node:register",
  "Registers a Push Node: bonds its stake (from the operator) and records role, endpoint and signer",
)
  .addParam("role", "Node role: validator, storage, delivery or archive")
  .addParam("endpoint", "Public http(s) URL of the node's API, e.g. https://node1.example.org")
  .addParam("signer", "Address of the node's hot signer key; it becomes the node id and can never be reused")
  .addParam("amount", `${AMOUNT_PUSH}; at least the role's minimum stake`)
  .addOptionalParam(
    "consent",
    "The signer's consent to this operator, as printed by node:consent where the signer key is (0x + 130 hex digits)",
  )
  .addOptionalParam(
    "signerKey",
    `The signer's private key, to sign its consent here instead of passing --consent (or set ${ENV_SIGNER_KEY})`,
  )
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(
    async (
      args: FromArgs & {
        role: string;
        endpoint: string;
        signer: string;
        amount: string;
        consent?: string;
        signerKey?: string;
      },
      hre,
    ): Promise<SentTx> => {
      const role = parseRole(args.role);
      const signer = parseAddress("signer", args.signer);
      const amount = parseAmount("amount", args.amount);
      const c = await client(hre, args);
      const operator = await c.operatorAddress();
      let consent = args.consent;
      if (consent === undefined) {
        const key = args.signerKey ?? process.env[ENV_SIGNER_KEY];
        if (key === undefined || key === "")
          throw new TaskError(
            `Signer ${signer} must consent to operator ${operator}: run "npx hardhat node:consent --operator ${operator} --network ${hre.network.name}" ` +
              `where the signer key is (it reads ${ENV_SIGNER_KEY} or --signer-key) and pass what it prints as --consent.`,
          );
        let hex: string;
        try {
          hex = await loadSignerKey({ signerKey: key }, {});
        } catch (e) {
          throw new TaskError((e as Error).message);
        }
        const signed = await nodeConsent(hre, hex, operator);
        if (signed.signer.toLowerCase() !== signer.toLowerCase())
          throw new TaskError(`The signer key given is for ${signed.signer}, not --signer ${signer}.`);
        consent = signed.consent;
      }
      const sent = await c.register({ signer, role, endpoint: args.endpoint, amount, consent });
      c.log(
        `Registered ${roleName(role)} node ${signer} (operator ${await c.operatorAddress()}) with ${formatPush(amount)} PUSH.`,
      );
      return sent;
    },
  );

task(
  "node:consent",
  "Signs, with a node's signer key, its consent to be registered by an operator (for node:register --consent); sends nothing",
)
  .addParam("operator", "The operator account that will run node:register")
  .addOptionalParam("signerKey", `The signer's private key (default: ${ENV_SIGNER_KEY})`)
  .addOptionalParam(
    "signerKeystore",
    `Encrypted JSON keystore of the signer key (passphrase: ${ENV_KEYSTORE_PASSWORD})`,
  )
  .setAction(
    async (args: { operator: string; signerKey?: string; signerKeystore?: string }, hre): Promise<string> => {
      const operator = parseAddress("operator", args.operator);
      let key: string;
      try {
        key = await loadSignerKey({ signerKey: args.signerKey, keystore: args.signerKeystore }, process.env);
      } catch (e) {
        throw new TaskError((e as Error).message);
      }
      const c = await nodeConsent(hre, key, operator);
      console.log(
        `Signer ${c.signer} consents to be registered by operator ${c.operator} on the NodeRegistry ${c.registry}:`,
      );
      console.log(c.consent);
      return c.consent;
    },
  );

task("node:stake", "Tops up a node's bonded stake from its operator (a call to the StakingVault)")
  .addParam("node", NODE)
  .addParam("amount", AMOUNT_PUSH)
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: AmountArgs, hre): Promise<SentTx> => {
    const node = parseAddress("node", args.node);
    const amount = parseAmount("amount", args.amount);
    const c = await client(hre, args);
    const sent = await c.stake(node, amount);
    const [bonded] = await c.registry.stakeOf(node);
    c.log(`Node ${node} now has ${formatPush(bonded)} PUSH bonded.`);
    const advice = await c.jailedAdvice(node);
    if (advice) c.log(advice);
    return sent;
  });

task(
  "node:unstake",
  "Starts unbonding part or all of a node's bonded stake; withdraw it with node:withdraw after the unbonding period (it stays slashable until then)",
)
  .addParam("node", NODE)
  .addParam("amount", AMOUNT_PUSH)
  .addFlag(
    "allowJail",
    "Unstake even when it leaves an Active node below its role minimum, which jails it (it stops attesting)",
  )
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: AmountArgs & { allowJail: boolean }, hre): Promise<SentTx> => {
    const node = parseAddress("node", args.node);
    const amount = parseAmount("amount", args.amount);
    const c = await client(hre, args);
    return c.requestUnstake(node, amount, { allowJail: args.allowJail });
  });

task("node:withdraw", "Sends a node's matured unbonding stake to its operator (a call to the StakingVault)")
  .addParam("node", NODE)
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: NodeArgs, hre): Promise<SentTx & { amount: bigint }> => {
    const node = parseAddress("node", args.node);
    const c = await client(hre, args);
    const sent = await c.withdraw(node);
    c.log(`Withdrew ${formatPush(sent.amount)} PUSH to ${await c.operatorAddress()}.`);
    return sent;
  });

task("node:unjail", "Makes a Jailed node Active again, once its bonded stake is at least the role minimum")
  .addParam("node", NODE)
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: NodeArgs, hre): Promise<SentTx> => {
    const node = parseAddress("node", args.node);
    const c = await client(hre, args);
    return c.unjail(node);
  });

task(
  "node:exit",
  "Retires a node: all its bonded stake starts unbonding (withdraw it with node:withdraw); the signer can never be reused",
)
  .addParam("node", NODE)
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: NodeArgs, hre): Promise<SentTx> => {
    const node = parseAddress("node", args.node);
    const c = await client(hre, args);
    return c.exit(node);
  });

task("node:update", "Changes a node's endpoint URL")
  .addParam("node", NODE)
  .addParam("endpoint", "New public http(s) URL of the node's API")
  .addOptionalParam("from", FROM)
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(async (args: NodeArgs & { endpoint: string }, hre): Promise<SentTx> => {
    const node = parseAddress("node", args.node);
    const c = await client(hre, args);
    return c.updateEndpoint(node, args.endpoint);
  });

task(
  "node:status",
  "Shows one node or every node: role, status, bonded and unbonding stake (with when each entry becomes withdrawable), endpoint, signer and operator",
)
  .addOptionalParam("node", "Show only this node (its signer address); default: every registered node")
  .addFlag(
    "wide",
    "One wide line per node with every column, operator and unbonding entries included (about 190 columns)",
  )
  .setAction(async (args: { node?: string; wide: boolean }, hre): Promise<NodeStatusRow[]> => {
    const node = args.node === undefined ? undefined : parseAddress("node", args.node);
    const c = await client(hre);
    const rows = node ? [await c.status(node)] : await c.statusAll();
    const now = await c.chainTime();
    c.log(`Nodes on "${hre.network.name}" (chain time ${new Date(now * 1000).toISOString()}):`);
    c.log(formatStatusTable(rows, now, { wide: args.wide }));
    return rows;
  });
