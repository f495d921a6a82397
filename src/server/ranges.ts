// Flag values for address ranges, checked with one-line errors a user can act on.

import type { Cidr } from "../allocators/cidr.js";
import { parseCIDR } from "../allocators/cidr.js";
import { formatIP } from "../allocators/ip.js";

export function parseServiceCidr(text: string): Cidr {
  const c = parseCIDR(text);
  if (!c) throw new Error(`--service-cluster-ip-range must be a CIDR like 10.0.0.0/24, got ${JSON.stringify(text)}`);
  if (c.size < 8n) throw new Error(`--service-cluster-ip-range ${text} is too small: use a /29 or larger`);
  return c;
}

/** The first usable address of the range, which the `kubernetes` service takes (10.0.0.1). */
export function firstServiceIP(c: Cidr): string {
  return formatIP({ family: c.family, value: c.base + 1n });
}
