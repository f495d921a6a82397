import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bindings } from "./output-bindings.js";
import { NO_BINDINGS } from "./output-bindings.js";
import { matchOutput } from "./match-output.js";

const svcReadme = ["NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE", "kubernetes      ClusterIP   10.0.0.1     <none>        443/TCP    9m", "nginx-service   ClusterIP   10.0.0.252   <none>        8000/TCP   4m"];
const svcRun = "NAME            TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE\nkubernetes      ClusterIP   10.0.0.1     <none>        443/TCP    54s\nnginx-service   ClusterIP   10.0.0.179   <none>        8000/TCP   1s\n";

const natRun = [
  "Chain PREROUTING (policy ACCEPT 3 packets, 180 bytes)",
  " pkts bytes target     prot opt in     out     source               destination         ",
  "    6   360 KUBE-SERVICES  0    --  *      *       0.0.0.0/0            0.0.0.0/0            /* kubernetes service portals */",
  "",
  "Chain KUBE-SEP-3JUQN6GAQKQDRAEJ (1 references)",
  "    0     0 DNAT       6    --  *      *       0.0.0.0/0            0.0.0.0/0            /* kube-system/kube-dns:dns-tcp */ tcp to:10.1.14.2:53",
  "",
  "Chain KUBE-SEP-66GL7SPBUKFROGDB (1 references)",
  "    0     0 DNAT       6    --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/nginx-service */ tcp to:10.1.14.3:80",
  "",
].join("\n");

test("matchOutput compares normalised output, with … for omitted lines", async (t) => {
  const cases: Array<{ name: string; expected: string[]; actual: string; ok: boolean; reason?: RegExp }> = [
    { name: "a table whose ages and ClusterIP differ", expected: svcReadme, actual: svcRun, ok: true },
    { name: "a renamed column fails", expected: svcReadme, actual: svcRun.replace("CLUSTER-IP", "CLUSTERIP "), ok: false, reason: /README line "NAME TYPE CLUSTER-IP/ },
    { name: "a missing row fails", expected: svcReadme, actual: svcRun.split("\n").slice(0, 2).join("\n"), ok: false, reason: /end of output/ },
    { name: "an extra row fails without a trailing …", expected: svcReadme.slice(0, 2), actual: svcRun, ok: false, reason: /goes on after/ },
    { name: "an extra row is fine with a trailing …", expected: [...svcReadme.slice(0, 2), "…"], actual: svcRun, ok: true },
    { name: "a leading … skips lines", expected: ["…", svcReadme[2]], actual: svcRun, ok: true },
    { name: "without a leading … the first line must match", expected: [svcReadme[2]], actual: svcRun, ok: false },
    {
      name: "a segment is placed where all of it matches (the nginx endpoint chain, not kube-dns')",
      expected: ["Chain PREROUTING (policy ACCEPT 0 packets, 0 bytes)", "…", "Chain KUBE-SEP-7ROBBXFV7SD4AIRW (1 references)", "    0     0 DNAT       6    --  *      *       0.0.0.0/0            0.0.0.0/0            /* default/nginx-service */ tcp to:10.1.13.2:80"],
      actual: natRun,
      ok: true,
    },
    { name: "segments must come in order", expected: [svcReadme[2], "…", svcReadme[1]], actual: svcRun, ok: false },
    { name: "no output shown, none printed", expected: [], actual: "\n", ok: true },
    { name: "no output shown, some printed", expected: [], actual: "surprise\n", ok: false, reason: /printed 1 line/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const r = matchOutput(c.expected, c.actual, NO_BINDINGS);
      assert.equal(r.ok, c.ok, r.ok ? "matched" : r.reason);
      if (!r.ok && c.reason) assert.match(r.reason, c.reason);
    });
  }
});

test("matchOutput returns the pairs it made and honours earlier ones", () => {
  const first = matchOutput(svcReadme, svcRun, NO_BINDINGS);
  assert.ok(first.ok);
  const b: Bindings = first.bindings;
  assert.equal(b.readmeToRun.get("clusterIP\u000010.0.0.252"), "10.0.0.179");
  const later = matchOutput(["10.0.0.252 nginx-service.default.svc.cluster.local"], "10.0.0.178      nginx-service.default.svc.cluster.local\n", b);
  assert.equal(later.ok, false, "the DNS answer must be the ClusterIP kubectl showed");
  assert.equal(matchOutput(["10.0.0.252 nginx-service.default.svc.cluster.local"], "10.0.0.179 nginx-service.default.svc.cluster.local\n", b).ok, true);
});
