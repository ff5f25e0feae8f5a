// Gas per operation, measured from receipts on the embedded Hardhat network (default hardfork), through
// proxies, with the test token. Every scripts/bench/*.ts contributes its keys; the result is written to
// reports/gas.json (a flat object: operation -> gas) and compared with the committed report.
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";

type Bench = (h: typeof hre) => Promise<Record<string, number>>;

async function main(): Promise<void> {
  const benchDir = path.join(__dirname, "bench");
  const reportFile = path.join(__dirname, "..", "reports", "gas.json");
  const previous: Record<string, number> = fs.existsSync(reportFile)
    ? (JSON.parse(fs.readFileSync(reportFile, "utf8")) as Record<string, number>)
    : {};
  const only = process.env.BENCH ? process.env.BENCH.split(",") : undefined;
  const result: Record<string, number> = { ...previous };
  for (const f of fs.readdirSync(benchDir).sort()) {
    if (!f.endsWith(".ts")) continue;
    if (only && !only.includes(path.basename(f, ".ts"))) continue;
    const mod = (await import(path.join(benchDir, f))) as { default: Bench };
    const snapshot = (await hre.network.provider.send("evm_snapshot", [])) as string;
    const keys = await mod.default(hre);
    await hre.network.provider.send("evm_revert", [snapshot]);
    Object.assign(result, keys);
  }
  const sorted = Object.fromEntries(Object.entries(result).sort(([a], [b]) => a.localeCompare(b)));
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  fs.writeFileSync(reportFile, JSON.stringify(sorted, null, 2) + "\n");
  console.log(`hardfork: ${hre.config.networks.hardhat.hardfork}`);
  console.log("| operation | gas | change vs committed report |");
  console.log("|---|---:|---:|");
  for (const [k, v] of Object.entries(sorted)) {
    const before = previous[k];
    const delta = before === undefined ? "new" : v === before ? "0" : `${v > before ? "+" : ""}${v - before}`;
    console.log(`| ${k} | ${v} | ${delta} |`);
  }
  console.log(`written to ${path.relative(process.cwd(), reportFile)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
