// The dashboard's own JSON under /ui/api/ (computed by src/dashboard/server/, read by the page in
// src/dashboard/browser/). Data only: both sides import these types and nothing else from here.

/** One chain a connection enters on its way, with what happened there. */
export interface PathStep {
  /** iptables table ("nat", "filter") or the nftables table ("kube-proxy"). */
  table: string;
  chain: string;
  /** hook: a built-in (base) chain the packet passes; jump/goto: entered from the chain before. */
  via: "hook" | "jump" | "goto";
  /** The random-choice probability of the rule that jumped here (`-m statistic`, `numgen`), when it had one. */
  ruleProbability?: number;
  /** Packets and bytes counted on every rule that jumps into this chain (iptables only; new connections, as nat sees them). */
  packets?: number;
  bytes?: number;
  /** What rules in this chain did to the packet: "DNAT to 10.1.13.2:80", "mark 0x4000", … */
  did: string[];
}

/** One way a new connection can go: how likely, where it ends, the chains on the way. */
export interface PathBranch {
  probability: number;
  verdict: "DNAT" | "ACCEPT" | "DROP" | "REJECT";
  dnat?: string;
  masquerade: boolean;
  steps: PathStep[];
}

/** GET /ui/api/services/<ns>/<name>/path?node=<node>&port=<port name or number> */
export interface ServicePathView {
  namespace: string;
  name: string;
  node: string;
  /** The node's proxy mode; "userspace" and "none" have no rules to walk (branches is empty, note says why). */
  mode: "iptables" | "nftables" | "userspace" | "none";
  port: { name: string; port: number; protocol: string };
  /** The connection traced: from a pod of the node to the service's ClusterIP and port. */
  packet: { source: string; destination: string; port: number; protocol: string };
  /** Whether packet counters are shown (iptables keeps them; kube-proxy's nftables rules have none). */
  countersKept: boolean;
  branches: PathBranch[];
  note?: string;
  /** When the rules were read (RFC 3339). */
  readAt: string;
}

/** One DNS name a pod would look up, and what the cluster DNS answers. */
export interface DnsRecordView {
  name: string;
  type: "A" | "AAAA" | "SRV" | "CNAME";
  answers: string[];
  /** In words: "the ClusterIP", "port http over tcp", "endpoint 10-1-13-2". */
  what: string;
}

/** GET /ui/api/services/<ns>/<name>/reach */
export interface ServiceReachView {
  namespace: string;
  name: string;
  /** The search path a pod of the namespace has, so short names work: nginx-service, nginx-service.default. */
  searchPath: string[];
  dns: DnsRecordView[];
  /** Variables a container started in the namespace (after the service) gets for it. */
  env: { name: string; value: string }[];
}
