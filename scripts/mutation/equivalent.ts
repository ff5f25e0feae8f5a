/**
 * Surviving mutants judged equivalent: no input, state or caller can tell them from the original (docs/mutation.md
 * gives the reasoning, one table row each). Keyed by mutant id (`<file>:<offset>:<operator>`), so an entry goes
 * stale, and stops counting, as soon as its file changes; the runner reports such survivors as plain survivors.
 * They still run: an entry only moves a survivor from `survived` to `equivalent` in the score.
 */
export const EQUIVALENT: Record<string, string> = {
  "contracts/Slashing.sol:27906:cmp":
    "_malformedReason: `t > attestedAt ? t - attestedAt : attestedAt - t` with `>=`: when t == attestedAt both arms give 0",
  "contracts/Slashing.sol:33338:cmp":
    "_widen: `maxClockSkew > cp.lenientMaxClockSkew` with `>=`: when equal, the assignment writes the value already there",
  "contracts/SlashingCourt.sol:12983:const":
    "slash (governance): rewardBps 0 -> 1 with reporter address(0): the vault pays no reward to address(0) whatever rewardBps",
  "contracts/SlashingCourt.sol:21514:cmp":
    "_slashForFault: `activeAfter < activeBefore` with `<=`: when equal, the pushed checkpoint repeats the running total (latest + 0)",
  "contracts/libraries/OpenPgpKey.sol:12883:revert":
    "_header: the old-format four-octet length's `p + 5 > len` revert deleted: the body would start at p + 5, past the key's end, so the check after the header (`end > len`) reverts with the same OpenPgpKeyTruncated()",
  "contracts/libraries/OpenPgpSignature.sol:13646:const":
    "_packet: `return (Status.PacketLength, 0)` with bodyStart 1 (old-format two-octet length cut short): the only caller, parse, reads bodyStart only when the status is Valid",
  "contracts/libraries/OpenPgpSignature.sol:13774:const":
    "_packet: old-format four-octet length `len < 5` with `len < 6`: they differ only for a 5-octet signature, a header with no body, which the original refuses as PacketLength too (body past the end, or a body under 6 octets)",
  "contracts/libraries/OpenPgpSignature.sol:14195:const":
    "_packet: `return (Status.TrailingData, 0)` with bodyStart 1: the only caller, parse, reads bodyStart only when the status is Valid",
  "contracts/libraries/OpenPgpSignature.sol:24433:const":
    "_subpackets: issuer(..., hasFp 1 -> 2, fp) for an issuer fingerprint subpacket: Yul's `if hasFp` takes every non-zero value as true, and hasFp is read nowhere else",
  "contracts/libraries/OpenPgpSignature.sol:35056:const":
    "_rsa: `p = i + 32 > k ? k - 32 : i` with `i + 33 > k`: they differ only when i + 32 == k, where k - 32 == i, the same word",
  "contracts/libraries/OpenPgpSignature.sol:35101:cmp":
    "_rsa: `sp > np` with `>=` in the s < n check: they differ only when a 32-octet word of s before the last equals n's, and then only for a valid signature (else both refuse): s = EM^d mod n with s's first 32 octets equal to n's, which no one can find (about 2^256 tries, for any chosen n)",
};
