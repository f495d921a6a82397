import { test } from "node:test";
import assert from "node:assert/strict";
import { generateSeedRules, seedProbability } from "./seed-rules.js";
import { parseRestore } from "./restore-parse.js";
import {
  makeNginxService,
  makeNginxState,
  makeNodeAConfig,
  makeProxyState,
  makeRemoteEndpoint,
  makeServicePort,
} from "./testdata/nginx-fixtures.js";
import type { NodeProxyConfig, ProxyState } from "../types.js";

// The seed's nodes ran without --cluster-cidr: no local-traffic detector unless a case sets one.
const config = (tweak: Partial<NodeProxyConfig> = {}): NodeProxyConfig => makeNodeAConfig({ clusterCIDR: undefined, ...tweak });

// The seed's service as a NodePort (its §2), clusterIP as in its §1.
const seedNginx = (): ProxyState => makeNginxState((s) => (s.nodePort = 30802));

test("the seed's nginx-service gives the seed's chains, rule for rule", () => {
  const result = generateSeedRules(seedNginx(), config());
  assert.equal(
    result.text,
    `*filter
:KUBE-SERVICES - [0:0]
COMMIT
*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-GKN7Y2BSGW4NJTYL - [0:0]
:KUBE-SEP-7ROBBXFV7SD4AIRW - [0:0]
:KUBE-SEP-XY3F6VJIZ7ELIF4Z - [0:0]
:KUBE-SEP-JIDZHFC4A3T535AK - [0:0]
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-SERVICES -m comment --comment "default/nginx-service: cluster IP" -m tcp -p tcp -d 10.0.0.252/32 --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL
-A KUBE-NODEPORTS -m comment --comment default/nginx-service: -m tcp -p tcp --dport 30802 -j KUBE-MARK-MASQ
-A KUBE-NODEPORTS -m comment --comment default/nginx-service: -m tcp -p tcp --dport 30802 -j KUBE-SVC-GKN7Y2BSGW4NJTYL
-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m statistic --mode random --probability 0.33333 -j KUBE-SEP-7ROBBXFV7SD4AIRW
-A KUBE-SEP-7ROBBXFV7SD4AIRW -m comment --comment default/nginx-service: -s 10.1.13.2/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-7ROBBXFV7SD4AIRW -m comment --comment default/nginx-service: -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80
-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m statistic --mode random --probability 0.50000 -j KUBE-SEP-XY3F6VJIZ7ELIF4Z
-A KUBE-SEP-XY3F6VJIZ7ELIF4Z -m comment --comment default/nginx-service: -s 10.1.13.3/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-XY3F6VJIZ7ELIF4Z -m comment --comment default/nginx-service: -m tcp -p tcp -j DNAT --to-destination 10.1.13.3:80
-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -j KUBE-SEP-JIDZHFC4A3T535AK
-A KUBE-SEP-JIDZHFC4A3T535AK -m comment --comment default/nginx-service: -s 10.1.13.4/32 -j KUBE-MARK-MASQ
-A KUBE-SEP-JIDZHFC4A3T535AK -m comment --comment default/nginx-service: -m tcp -p tcp -j DNAT --to-destination 10.1.13.4:80
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT
`,
  );
  assert.deepEqual(
    [...result.activeNatChains].sort(),
    ["KUBE-SEP-7ROBBXFV7SD4AIRW", "KUBE-SEP-JIDZHFC4A3T535AK", "KUBE-SEP-XY3F6VJIZ7ELIF4Z", "KUBE-SVC-GKN7Y2BSGW4NJTYL"],
  );
  // 2 fixed + 1 cluster IP + 2 NodePort + 3 SVC + 6 SEP + 1 tail
  assert.equal(result.natRules, 15);
  assert.equal(result.filterRules, 0);
  assert.equal(result.deletedChains, 0);
  assert.equal(result.servicesWritten, 1);
  assert.deepEqual(result.noLocalEndpoints, { internal: 0, external: 0 });
});

test("the output is valid restore input: every jump has its chain", () => {
  const ruleset = parseRestore(generateSeedRules(seedNginx(), config({ clusterCIDR: "10.1.0.0/16" })).text);
  const nat = ruleset.tables.get("nat");
  assert.ok(nat);
  assert.equal(nat.chains.get("KUBE-SVC-GKN7Y2BSGW4NJTYL")?.rules.length, 3);
});

test("probabilities are written with 5 decimals, as in 2016", () => {
  const cases: [number, string][] = [[1, "1.00000"], [2, "0.50000"], [3, "0.33333"], [5, "0.20000"], [6, "0.16667"], [7, "0.14286"]];
  for (const [n, want] of cases) assert.equal(seedProbability(n), want, `n=${n}`);
});

/** The lines of `text` that start with `prefix`. */
function linesStarting(text: string, prefix: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(prefix));
}

interface VariantCase {
  name: string;
  state: ProxyState;
  config?: Partial<NodeProxyConfig>;
  /** Lines that must appear, in this order (other lines may come between). */
  has: string[];
  /** Substrings no line may contain. */
  lacks?: string[];
}

const svcRule = "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: cluster IP\" -m tcp -p tcp -d 10.0.0.252/32 --dport 8000";

const variants: VariantCase[] = [
  {
    name: "clusterCIDR masquerades off-cluster sources in KUBE-SERVICES, before the jump",
    state: seedNginx(),
    config: { clusterCIDR: "10.1.0.0/16" },
    has: [`${svcRule} ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ`, `${svcRule} -j KUBE-SVC-GKN7Y2BSGW4NJTYL`],
  },
  {
    name: "masqueradeAll masquerades every source and wins over clusterCIDR",
    state: seedNginx(),
    config: { masqueradeAll: true, clusterCIDR: "10.1.0.0/16" },
    has: [`${svcRule} -j KUBE-MARK-MASQ`, `${svcRule} -j KUBE-SVC-GKN7Y2BSGW4NJTYL`],
    lacks: ["! -s"],
  },
  {
    name: "no local-traffic detector: no masquerade rule for the cluster IP",
    state: seedNginx(),
    has: [`${svcRule} -j KUBE-SVC-GKN7Y2BSGW4NJTYL`],
    lacks: [`${svcRule} -j KUBE-MARK-MASQ`, "! -s"],
  },
  {
    name: "sessionAffinity ClientIP: rcheck rules first, DNAT remembers the client",
    state: makeNginxState((s) => (s.stickySeconds = 10800)),
    has: [
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m recent --name KUBE-SEP-7ROBBXFV7SD4AIRW --rcheck --seconds 10800 --reap -j KUBE-SEP-7ROBBXFV7SD4AIRW",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m recent --name KUBE-SEP-XY3F6VJIZ7ELIF4Z --rcheck --seconds 10800 --reap -j KUBE-SEP-XY3F6VJIZ7ELIF4Z",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m recent --name KUBE-SEP-JIDZHFC4A3T535AK --rcheck --seconds 10800 --reap -j KUBE-SEP-JIDZHFC4A3T535AK",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m statistic --mode random --probability 0.33333 -j KUBE-SEP-7ROBBXFV7SD4AIRW",
      "-A KUBE-SEP-7ROBBXFV7SD4AIRW -m comment --comment default/nginx-service: -m recent --name KUBE-SEP-7ROBBXFV7SD4AIRW --set -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80",
    ],
  },
  {
    name: "no endpoints: filter REJECT for the cluster IP, an empty KUBE-SVC chain stays",
    state: makeProxyState([{ service: makeNginxService((s) => (s.nodePort = 30802)), endpoints: [] }]),
    has: [
      ":KUBE-SERVICES - [0:0]",
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: has no endpoints\" -m tcp -p tcp -d 10.0.0.252/32 --dport 8000 -j REJECT",
      ":KUBE-SVC-GKN7Y2BSGW4NJTYL - [0:0]",
      `${svcRule} -j KUBE-SVC-GKN7Y2BSGW4NJTYL`,
      "-A KUBE-NODEPORTS -m comment --comment default/nginx-service: -m tcp -p tcp --dport 30802 -j KUBE-SVC-GKN7Y2BSGW4NJTYL",
    ],
    lacks: ["KUBE-SEP-", "-A KUBE-SVC-"],
  },
  {
    name: "external IPs and load-balancer IPs mark for masquerade and jump to KUBE-SVC (no FW/EXT chains)",
    state: makeNginxState((s) => {
      s.externalIPs = ["198.51.100.20"];
      s.loadBalancerVIPs = ["203.0.113.10"];
      s.loadBalancerSourceRanges = ["198.51.100.0/24"];
    }),
    has: [
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: external IP\" -m tcp -p tcp -d 198.51.100.20/32 --dport 8000 -j KUBE-MARK-MASQ",
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: external IP\" -m tcp -p tcp -d 198.51.100.20/32 --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL",
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: loadbalancer IP\" -m tcp -p tcp -d 203.0.113.10/32 --dport 8000 -j KUBE-MARK-MASQ",
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: loadbalancer IP\" -m tcp -p tcp -d 203.0.113.10/32 --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL",
    ],
    lacks: ["KUBE-FW-", "KUBE-EXT-", "198.51.100.0/24"],
  },
  {
    name: "traffic policies Local are treated as Cluster (2016 had none)",
    // node-a hosts 10.1.13.2, so a modern proxy would keep to it.
    state: makeNginxState((s) => {
      s.nodePort = 30802;
      s.internalPolicyLocal = true;
      s.externalPolicyLocal = true;
    }),
    has: [`${svcRule} -j KUBE-SVC-GKN7Y2BSGW4NJTYL`, "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -j KUBE-SEP-JIDZHFC4A3T535AK"],
    lacks: ["KUBE-SVL-", "has no local endpoints"],
  },
  {
    name: "only ready endpoints, sorted as strings (10.1.13.10 before 10.1.13.2)",
    state: makeProxyState([
      {
        service: makeNginxService(),
        endpoints: [
          makeRemoteEndpoint("10.1.13.2", 80),
          makeRemoteEndpoint("10.1.13.9", 80, (e) => {
            e.ready = false;
            e.terminating = true;
          }),
          makeRemoteEndpoint("10.1.13.10", 80),
        ],
      },
    ]),
    has: ["--to-destination 10.1.13.10:80", "--to-destination 10.1.13.2:80"],
    lacks: ["10.1.13.9"],
  },
  {
    name: "a named UDP port keeps its name after the colon",
    state: makeProxyState([
      {
        service: makeServicePort("kube-system", "kube-dns", (s) => {
          s.name.port = "dns";
          s.name.protocol = "UDP";
          s.protocol = "UDP";
          s.clusterIP = "10.0.0.10";
          s.port = 53;
        }),
        endpoints: [makeRemoteEndpoint("10.1.13.7", 53)],
      },
    ]),
    has: [
      "-A KUBE-SERVICES -m comment --comment \"kube-system/kube-dns:dns cluster IP\" -m udp -p udp -d 10.0.0.10/32 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU",
      "-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment kube-system/kube-dns:dns -j KUBE-SEP-",
      "-m udp -p udp -j DNAT --to-destination 10.1.13.7:53",
    ],
  },
];

test("seed profile variants", async (t) => {
  for (const c of variants) {
    await t.test(c.name, () => {
      const { text } = generateSeedRules(c.state, config(c.config));
      const lines = text.split("\n");
      let at = 0;
      for (const want of c.has) {
        const found = lines.findIndex((l, i) => i >= at && l.includes(want));
        assert.ok(found >= 0, `missing (in order): ${want}\n--- got:\n${text}`);
        at = found + 1;
      }
      for (const bad of c.lacks ?? []) assert.ok(!text.includes(bad), `unexpected "${bad}"\n--- got:\n${text}`);
      parseRestore(text); // still loadable
    });
  }
});

test("stale per-service chains are flushed and deleted; other chains are left alone", () => {
  const existing = new Set([
    "KUBE-SERVICES", "KUBE-SVC-GKN7Y2BSGW4NJTYL", "KUBE-SEP-OLDOLDOLDOLDOLD1", "KUBE-EXT-FROMMODERNPROXY1", "KUBE-SVC-AAAAAAAAAAAAAAAA", "DOCKER",
  ]);
  const result = generateSeedRules(seedNginx(), config(), { existingNatChains: existing });
  const nat = result.text.slice(result.text.indexOf("*nat"));
  assert.deepEqual(linesStarting(nat, "-X"), ["-X KUBE-EXT-FROMMODERNPROXY1", "-X KUBE-SEP-OLDOLDOLDOLDOLD1", "-X KUBE-SVC-AAAAAAAAAAAAAAAA"]);
  for (const chain of ["KUBE-EXT-FROMMODERNPROXY1", "KUBE-SEP-OLDOLDOLDOLDOLD1", "KUBE-SVC-AAAAAAAAAAAAAAAA"]) {
    assert.ok(nat.includes(`:${chain} - [0:0]`), chain);
  }
  assert.ok(!nat.includes("-X DOCKER") && !nat.includes("-X KUBE-SVC-GKN7Y2BSGW4NJTYL"));
  assert.equal(result.deletedChains, 3);
  assert.equal(result.natRules, 15, "-X lines are not rules");
  // the tail rule is still the last rule of KUBE-SERVICES
  assert.match(linesStarting(nat, "-A KUBE-SERVICES").at(-1) ?? "", /must be the last rule/);
});

test("partial sync is not supported: changedServices changes nothing", () => {
  const full = generateSeedRules(seedNginx(), config());
  const partial = generateSeedRules(seedNginx(), config(), { changedServices: new Set(["default/other"]) });
  assert.equal(partial.text, full.text);
});

test("counts cover several ports and services; a service with two ports counts once", () => {
  const web80 = makeServicePort("default", "web", (s) => {
    s.name.port = "http";
    s.clusterIP = "10.0.0.20";
    s.port = 80;
  });
  const web443 = makeServicePort("default", "web", (s) => {
    s.name.port = "https";
    s.clusterIP = "10.0.0.20";
    s.port = 443;
  });
  const empty = makeServicePort("default", "empty", (s) => (s.clusterIP = "10.0.0.30"));
  const headless = makeServicePort("default", "headless", (s) => (s.clusterIP = "None"));
  const state = makeProxyState([
    { service: web80, endpoints: [makeRemoteEndpoint("10.1.13.2", 80)] },
    { service: web443, endpoints: [makeRemoteEndpoint("10.1.13.2", 443), makeRemoteEndpoint("10.1.13.3", 443)] },
    { service: empty, endpoints: [] },
    { service: headless, endpoints: [makeRemoteEndpoint("10.1.13.5", 80)] },
  ]);
  const result = generateSeedRules(state, config({ masqueradeBit: 13 }));
  assert.equal(result.servicesWritten, 2, "web and empty; the headless one is skipped");
  assert.equal(result.filterRules, 1);
  // fixed 2 + tail 1 + web80 (1 + 1 + 2) + web443 (1 + 2 + 4) + empty (1)
  assert.equal(result.natRules, 3 + 4 + 7 + 1);
  assert.equal(result.activeNatChains.size, 2 + 3 + 1);
  assert.ok(result.text.includes("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x2000/0x2000"));
  assert.ok(!result.text.includes("headless"));
});
