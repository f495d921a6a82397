import { test } from "node:test";
import assert from "node:assert/strict";
import { normaliseLine, normaliseOutput } from "./normalise-output.js";

test("normaliseLine replaces what varies between runs and keeps what must not", async (t) => {
  const cases: Array<{ name: string; line: string; want: string }> = [
    { name: "age column and alignment", line: "nginx-controller-6bovu   1/1     Running   0          4m", want: "nginx-controller-6bovu 1/1 Running 0 <age>" },
    { name: "compound age", line: "kubernetes      ClusterIP   10.0.0.1     <none>        443/TCP    2m3s", want: "kubernetes ClusterIP 10.0.0.1 <none> 443/TCP <age>" },
    { name: "a column renamed stays visible", line: "NAME            CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE", want: "NAME CLUSTER-IP EXTERNAL-IP PORT(S) AGE" },
    { name: "endpoints: pod IPs, not the kubernetes endpoint", line: "nginx-service   10.1.13.2:80,10.1.13.3:80,10.1.14.2:80   0s", want: "nginx-service 10.1.N.N:80,10.1.N.N:80,10.1.N.N:80 <age>" },
    { name: "the pod CIDR is not a pod IP", line: "0     0 KUBE-MARK-MASQ  6    --  *      *      !10.1.0.0/16          10.0.0.252", want: "<pkts> <bytes> KUBE-MARK-MASQ 6 -- * * !10.1.0.0/16 10.0.0.252" },
    { name: "rule counters with K suffix", line: "  12K  720K KUBE-SERVICES  0    --  *      *       0.0.0.0/0            0.0.0.0/0", want: "<pkts> <bytes> KUBE-SERVICES 0 -- * * 0.0.0.0/0 0.0.0.0/0" },
    { name: "probability kept", line: "    0     0 KUBE-SEP-7ROBBXFV7SD4AIRW  0    --  *  *  0.0.0.0/0  0.0.0.0/0  /* default/nginx-service -> 10.1.13.2:80 */ statistic mode random probability 0.33333333349", want: "<pkts> <bytes> KUBE-SEP-7ROBBXFV7SD4AIRW 0 -- * * 0.0.0.0/0 0.0.0.0/0 /* default/nginx-service -> 10.1.N.N:80 */ statistic mode random probability 0.33333333349" },
    { name: "policy counters", line: "Chain PREROUTING (policy ACCEPT 37 packets, 2766 bytes)", want: "Chain PREROUTING (policy ACCEPT <pkts> packets, <bytes> bytes)" },
    { name: "chain references kept", line: "Chain KUBE-SVC-V2OKYYMBY3REGZOG (1 references)", want: "Chain KUBE-SVC-V2OKYYMBY3REGZOG (1 references)" },
    { name: "describe time", line: "Start Time:       Fri, 27 Nov 2026 10:33:11 +0000", want: "Start Time: <time>" },
    { name: "node of a pod", line: "Node:             core-v2-02/172.17.8.102", want: "Node: core-v2-NN/172.17.8.NNN" },
    { name: "container id", line: "    Container ID:   svcnet://25277", want: "Container ID: svcnet://<pid>" },
    { name: "yaml timestamp", line: '  creationTimestamp: "2026-11-27T10:33:37Z"', want: 'creationTimestamp: "<time>"' },
    { name: "yaml resourceVersion", line: '  resourceVersion: "688"', want: 'resourceVersion: "<rv>"' },
    { name: "yaml uid", line: "  uid: cb225c77-5fa5-4da4-bab8-dd91609d5a2b", want: "uid: <uid>" },
    { name: "getent line: an address first is no counter", line: "10.0.0.179      nginx-service.default.svc.cluster.local", want: "10.0.0.179 nginx-service.default.svc.cluster.local" },
    { name: "no age without a unit", line: "  - port: 8000", want: "- port: 8000" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.equal(normaliseLine(c.line), c.want));
  }
});

test("normaliseOutput drops trailing empty lines only", () => {
  assert.deepEqual(normaliseOutput("a  b\n\nc\n\n\n"), ["a b", "", "c"]);
  assert.deepEqual(normaliseOutput(["x", ""]), ["x"]);
  assert.deepEqual(normaliseOutput(""), []);
});
