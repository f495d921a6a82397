import { test } from "node:test";
import assert from "node:assert/strict";
import type { Bindings } from "./output-bindings.js";
import { NO_BINDINGS, UnboundValueError, bindCommand, unifyLine } from "./output-bindings.js";

/** Bindings from [class, README value, run value] triples. */
const bound = (...pairs: Array<[string, string, string]>): Bindings => ({
  readmeToRun: new Map(pairs.map(([c, r, x]) => [`${c}\0${r}`, x])),
  runToReadme: new Map(pairs.map(([c, r, x]) => [`${c}\0${x}`, r])),
});

test("unifyLine pairs varying values one-to-one and compares the rest literally", async (t) => {
  const cases: Array<{ name: string; readme: string; run: string; given?: Bindings; want: Bindings | undefined }> = [
    { name: "equal lines, nothing to pair", readme: "kubernetes ClusterIP 10.0.0.1", run: "kubernetes ClusterIP 10.0.0.1", want: NO_BINDINGS },
    { name: "a new ClusterIP is paired", readme: "nginx-service ClusterIP 10.0.0.252", run: "nginx-service ClusterIP 10.0.0.179", want: bound(["clusterIP", "10.0.0.252", "10.0.0.179"]) },
    { name: "a fixed address is literal", readme: "kube-dns 10.0.0.10", run: "kube-dns 10.0.0.11", want: undefined },
    { name: "a paired value must stay paired", readme: "to 10.0.0.252:8000", run: "to 10.0.0.180:8000", given: bound(["clusterIP", "10.0.0.252", "10.0.0.179"]), want: undefined },
    { name: "two README values cannot map to one run value", readme: "to 10.0.0.253:8000", run: "to 10.0.0.179:8000", given: bound(["clusterIP", "10.0.0.252", "10.0.0.179"]), want: undefined },
    { name: "consistent use", readme: "to 10.0.0.252:8000", run: "to 10.0.0.179:8000", given: bound(["clusterIP", "10.0.0.252", "10.0.0.179"]), want: bound(["clusterIP", "10.0.0.252", "10.0.0.179"]) },
    { name: "NodePort in PORT(S)", readme: "nginx-service NodePort 10.0.0.252 <none> 8000:30802/TCP", run: "nginx-service NodePort 10.0.0.9 <none> 8000:31266/TCP", want: bound(["clusterIP", "10.0.0.252", "10.0.0.9"], ["nodePort", "30802", "31266"]) },
    { name: "NodePort in YAML", readme: "- nodePort: 30802", run: "- nodePort: 31266", want: bound(["nodePort", "30802", "31266"]) },
    { name: "a changed service port is no NodePort", readme: "nginx-service 8000/TCP", run: "nginx-service 8001/TCP", want: undefined },
    { name: "pod names", readme: "nginx-controller-6bovu 1/1 Running", run: "nginx-controller-x2k9q 1/1 Running", want: bound(["pod", "nginx-controller-6bovu", "nginx-controller-x2k9q"]) },
    { name: "endpoint chains", readme: "KUBE-SEP-7ROBBXFV7SD4AIRW 0 --", run: "KUBE-SEP-COO3Y4QZMF4NKH2Q 0 --", want: bound(["endpoint chain", "KUBE-SEP-7ROBBXFV7SD4AIRW", "KUBE-SEP-COO3Y4QZMF4NKH2Q"]) },
    { name: "service chains are literal", readme: "KUBE-SVC-GKN7Y2BSGW4NJTYL", run: "KUBE-SVC-V2OKYYMBY3REGZOG", want: undefined },
    { name: "probability is literal", readme: "probability 0.33333333349", run: "probability 0.33332999982", want: undefined },
    { name: "a value where the README has none", readme: "ClusterIP <none>", run: "ClusterIP 10.0.0.7", want: undefined },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(unifyLine(c.readme, c.run, c.given ?? NO_BINDINGS), c.want));
  }
});

test("bindCommand rewrites a README command with the run's values", async (t) => {
  const b = bound(["clusterIP", "10.0.0.252", "10.0.0.179"], ["nodePort", "30802", "31266"], ["pod", "nginx-controller-6bovu", "nginx-controller-x2k9q"], ["endpoint chain", "KUBE-SEP-7ROBBXFV7SD4AIRW", "KUBE-SEP-COO3Y4QZMF4NKH2Q"]);
  const cases: Array<{ command: string; want: string }> = [
    { command: "kubectl describe pod nginx-controller-6bovu", want: "kubectl describe pod nginx-controller-x2k9q" },
    { command: "kubectl exec nginx-controller-6bovu -- curl -s http://10.0.0.252:8000/ | grep title", want: "kubectl exec nginx-controller-x2k9q -- curl -s http://10.0.0.179:8000/ | grep title" },
    { command: "curl -s http://127.0.0.1:30802/", want: "curl -s http://127.0.0.1:31266/" },
    { command: "iptables -t nat -L KUBE-SEP-7ROBBXFV7SD4AIRW -v -n", want: "iptables -t nat -L KUBE-SEP-COO3Y4QZMF4NKH2Q -v -n" },
    { command: "kubectl get svc", want: "kubectl get svc" },
  ];
  for (const c of cases) await t.test(c.command, () => assert.equal(bindCommand(c.command, b), c.want));
  await t.test("a value no output has shown", () => assert.throws(() => bindCommand("kubectl describe pod nginx-controller-abcde", b), UnboundValueError));
});
