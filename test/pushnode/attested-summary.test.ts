import { expect } from "chai";
import { createLogger } from "../../src/log";
import type { LogRecord } from "../../src/log";
import { AttestedSummary } from "../../src/node/attested-summary";

/**
 * What the node attested reaches the info log as one line per interval (src/node/attested-summary.ts), not one
 * line per message; the per-message lines are at debug.
 */
describe("pushnode: the attested-messages summary line", function () {
  function capture() {
    const lines: LogRecord[] = [];
    const log = createLogger({ level: "info", sink: (l) => lines.push(JSON.parse(l) as LogRecord) });
    return { lines, log };
  }

  it("counts the messages since the last line, their kinds, faults and positions; nothing recorded, no line", function () {
    const { lines, log } = capture();
    let t = 1_000_000;
    const s = new AttestedSummary(log, 60_000, () => t);
    s.flush();
    expect(lines).to.have.length(0);
    s.record(7n, "push", false);
    s.record(9n, "envelope", true);
    s.record(8n, "push", false);
    t += 12_345;
    s.flush();
    expect(lines).to.have.length(1);
    expect(lines[0].level).to.equal("info");
    expect(lines[0].msg).to.equal("attested messages");
    expect(lines[0].fields).to.deep.equal({
      messages: 3,
      pushMessages: 2,
      envelopes: 1,
      acceptedFaults: 1,
      firstPosition: "7",
      lastPosition: "9",
      seconds: 12.3,
    });
    // the next line starts from zero
    s.record(10n, "push", false);
    t += 1000;
    s.flush();
    expect(lines[1].fields).to.deep.equal({
      messages: 1,
      pushMessages: 1,
      envelopes: 0,
      firstPosition: "10",
      lastPosition: "10",
      seconds: 1,
    });
    s.flush();
    expect(lines).to.have.length(2);
  });

  it("writes a line each interval while started, and what is left when stopped", async function () {
    const { lines, log } = capture();
    const s = new AttestedSummary(log, 40);
    s.start();
    try {
      s.record(1n, "push", false);
      await new Promise((r) => setTimeout(r, 120));
      expect(lines.map((l) => l.fields.messages)).to.deep.equal([1]);
      s.record(2n, "push", false);
    } finally {
      s.stop();
    }
    expect(lines.map((l) => l.fields.lastPosition)).to.deep.equal(["1", "2"]);
    s.stop(); // again: nothing left, no line
    expect(lines).to.have.length(2);
  });

  it("refuses an interval that is not a positive number", function () {
    const { log } = capture();
    for (const bad of [0, -1, Number.NaN])
      expect(() => new AttestedSummary(log, bad)).to.throw(/positive number of ms/);
  });
});
