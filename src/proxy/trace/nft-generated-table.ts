// The nftables table the proxier would write for a proxy state, as the tracer's model: the full
// sync transaction (what `svcnet rules --mode nftables` prints) read back by the script reader.
// Pure: no kernel involved.

import { FAMILY, TABLE } from "../nftables/names.js";
import { generateNftablesRules } from "../nftables/nft-rule-store.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";
import { parseNftScript } from "./nft-script-parse.js";
import type { ParsedNftTable } from "./nft-table-model.js";

export function generatedNftTable(state: ProxyState, config: NodeProxyConfig): ParsedNftTable {
  return parseNftScript(generateNftablesRules(state, config).text, { family: FAMILY, name: TABLE });
}
