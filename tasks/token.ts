// Test PUSH faucet for local networks and testnets (the deployment's token must be the TestPush it deployed).
import { task } from "hardhat/config";
import type { TestPush } from "../typechain-types";
import { parseAddress, parseAmount, resolveSigner } from "../src/staking-client";
import { TaskError, loadDeployment, sendTx } from "../src/tasks-util";
import type { SentTx } from "../src/tasks-util";
import { formatPush } from "../src/units";
import { KEYSTORE_HELP } from "../src/signer";

task(
  "token:mint",
  "Mints test PUSH (only where deploy:protocol deployed the TestPush token: local networks, testnets)",
)
  .addParam("to", "Address that receives the tokens")
  .addParam("amount", "Amount in PUSH (not wei), at most 1,000,000,000 per call")
  .addOptionalParam(
    "from",
    "Account that sends the transaction: an index (0, 1, ...) or an address (default: the first)",
  )
  .addOptionalParam("keystore", KEYSTORE_HELP)
  .setAction(
    async (args: { to: string; amount: string; from?: string; keystore?: string }, hre): Promise<SentTx> => {
      const to = parseAddress("to", args.to);
      const amount = parseAmount("amount", args.amount);
      const deployment = await loadDeployment(hre);
      if (deployment.parameters.testToken !== true)
        throw new TaskError(
          `The token of network "${hre.network.name}" is not the test token: it cannot be minted.`,
        );
      const sender = await resolveSigner(hre, args.from, args.keystore);
      const token = (await hre.ethers.getContractAt(
        "TestPush",
        deployment.contracts.PushToken.address,
        sender,
      )) as unknown as TestPush;
      const max = await token.MAX_MINT();
      if (amount > max)
        throw new TaskError(`--amount is more than ${formatPush(max)} PUSH, the most one mint may create.`);
      const sent = await sendTx(
        `mint ${formatPush(amount)} test PUSH to ${to}`,
        () => token.mint(to, amount),
        [token.interface],
      );
      console.log(`${to} now holds ${formatPush(await token.balanceOf(to))} PUSH.`);
      return sent;
    },
  );
