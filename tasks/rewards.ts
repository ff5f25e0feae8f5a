// Watchers' rewards and balances: a reporter's slashing reward is credited in the StakingVault (fault:prove
// says how much); rewards:claim pays it out, rewards:show prints an account's PUSH: wallet, unclaimed reward,
// and the stake of the nodes it operates.
import { task } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { StakingClient } from "../src/staking-client";
import { KEYSTORE_HELP, signerFor } from "../src/signer";
import { TaskError } from "../src/tasks-util";
import type { SentTx } from "../src/tasks-util";
import { formatPush } from "../src/units";

export interface Balances {
  account: string;
  /** PUSH in the account's wallet (wei). */
  wallet: bigint;
  /** Unclaimed reporter rewards in the StakingVault (wei). */
  rewards: bigint;
  /** Bonded and unbonding stake of the nodes the account operates (wei). */
  bonded: bigint;
  unbonding: bigint;
  nodes: number;
}

async function accountOf(hre: HardhatRuntimeEnvironment, account: string | undefined): Promise<string> {
  if (account !== undefined && hre.ethers.isAddress(account)) return hre.ethers.getAddress(account);
  if (account !== undefined && !/^\d+$/.test(account))
    throw new TaskError(`--account "${account}" is neither an account index nor an address.`);
  return (await signerFor(hre, { from: account })).getAddress();
}

task(
  "rewards:show",
  "Shows an account's PUSH: wallet balance, unclaimed reporter rewards, and its nodes' stake",
)
  .addOptionalParam(
    "account",
    "An index among the network's accounts or any address (default: the first account)",
  )
  .setAction(async (args: { account?: string }, hre): Promise<Balances> => {
    const account = await accountOf(hre, args.account);
    const c = await StakingClient.connect(hre);
    const wallet = await c.token.balanceOf(account);
    const rewards = await c.vault.rewardsOf(account);
    const own = (await c.statusAll()).filter((r) => r.operator.toLowerCase() === account.toLowerCase());
    const bonded = own.reduce((sum, r) => sum + r.bonded, 0n);
    const unbonding = own.reduce((sum, r) => sum + r.unbonding, 0n);
    c.log(`PUSH of ${account} on "${hre.network.name}":`);
    c.log(`  wallet            ${formatPush(wallet)} PUSH`);
    c.log(
      `  unclaimed reward  ${formatPush(rewards)} PUSH${rewards > 0n ? " (rewards:claim pays it to the wallet)" : ""}`,
    );
    c.log(`  bonded stake      ${formatPush(bonded)} PUSH in ${own.length} node(s) it operates`);
    c.log(`  unbonding stake   ${formatPush(unbonding)} PUSH`);
    return { account, wallet, rewards, bonded, unbonding, nodes: own.length };
  });

task(
  "rewards:claim",
  "Pays the sender's reporter rewards (credited by fault:prove) from the StakingVault to its wallet",
)
  .addOptionalParam(
    "from",
    "Reporter account: an index among the network's accounts or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(
    async (args: { from?: string; keystore?: string }, hre): Promise<SentTx & { amount: bigint }> => {
      const c = await StakingClient.connect(hre, args.from, { keystore: args.keystore });
      const me = await c.operatorAddress();
      const amount = await c.vault.rewardsOf(me);
      if (amount === 0n)
        throw new TaskError(
          `${me} has no reporter reward to claim in the StakingVault ${await c.vault.getAddress()}; nothing was sent.`,
        );
      const sent = await c.send(`claim ${formatPush(amount)} PUSH of reporter rewards`, c.vault.claimRewards);
      c.log(
        `Claimed ${formatPush(amount)} PUSH to ${me}; its wallet holds ${formatPush(await c.token.balanceOf(me))} PUSH.`,
      );
      return { ...sent, amount };
    },
  );
