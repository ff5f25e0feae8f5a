/**
 * Which network addresses the validator may connect to when it fetches a feed. Endpoints are registered
 * on chain by anyone who stakes, so without a policy a node could point watchers at their own internal
 * services (cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, hosts on the LAN). Outside
 * development chains the validator refuses every address that is not globally routable: the check runs
 * on the addresses the name resolves to, at connection time (a DNS answer that changes between a check
 * and the connection cannot slip through), and on IP literals before any connection.
 */
import dns from "node:dns";
import net from "node:net";
import type { LookupFunction } from "node:net";

/** Address ranges that are not globally routable (IANA special-purpose registries). */
const PRIVATE = new net.BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  PRIVATE.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 128], // unspecified
  ["::1", 128],
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const)
  PRIVATE.addSubnet(prefix, bits, "ipv6");

/** Whether `address` (an IPv4 or IPv6 literal) is outside the globally routable space. */
export function isPrivateAddress(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = net.isIP(a);
  if (family === 4) return PRIVATE.check(a, "ipv4");
  if (family !== 6) return true; // not an address: never connect
  // IPv4 inside IPv6 (mapped ::ffff:a.b.c.d, and NAT64 64:ff9b::a.b.c.d): judge the IPv4 address.
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (embedded) return PRIVATE.check(embedded[1], "ipv4");
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(a);
  if (hex) {
    const n = (parseInt(hex[1], 16) << 16) | parseInt(hex[2], 16);
    return PRIVATE.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join("."), "ipv4");
  }
  return PRIVATE.check(a, "ipv6");
}

/** Thrown (through the connection) when an endpoint leads to an address the policy refuses. */
export class PrivateEndpointError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `${host} resolves to ${address}, which is not a public address; the validator does not fetch from ` +
        `private, loopback or link-local addresses outside development chains (see --allow-private-endpoints)`,
    );
    this.name = "PrivateEndpointError";
  }
}

type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => dns.promises.lookup(host, { all: true, verbatim: true });

/**
 * A `lookup` for `http.request` that resolves with `resolve` and fails with PrivateEndpointError when any
 * address the name resolves to is private (one private answer is enough to refuse: the connection may
 * pick any of them).
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => isPrivateAddress(a.address));
        if (bad)
          return callback(new PrivateEndpointError(hostname, bad.address) as NodeJS.ErrnoException, "");
        if (addresses.length === 0) {
          const e = Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" });
          return callback(e, "");
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (options.all) {
          (callback as unknown as (e: null, a: typeof addresses) => void)(null, usable);
        } else {
          const first = usable[0] ?? addresses[0];
          callback(null, first.address, first.family);
        }
      },
      (e: NodeJS.ErrnoException) => callback(e, ""),
    );
  };
}

/** Refuses an IP-literal host that is private (names are checked at connection, by the lookup). */
export function checkLiteralHost(hostname: string): void {
  const h = hostname.replace(/^\[|\]$/g, "");
  if (net.isIP(h) !== 0 && isPrivateAddress(h)) throw new PrivateEndpointError(hostname, h);
}
