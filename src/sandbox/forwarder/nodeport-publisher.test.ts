import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { Service, ServicePort } from "../../api/types.js";
import type { NodePortTarget, PortForwarder } from "./nodeport-publisher.js";
import { NodePortPublisher, describeSkipped, nodePortTargets, planNodePorts } from "./nodeport-publisher.js";
import type { RelayTarget } from "./relay-protocol.js";

const NODE_IP = "172.17.8.101";

function makeService(namespace: string, name: string, type: Service["spec"]["type"], ports: ServicePort[]): Service {
  return deepFreeze({ apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { type, clusterIP: "10.0.0.10", ports } });
}

function tcp(port: number, nodePort?: number, name?: string): ServicePort {
  return { port, protocol: "TCP", ...(nodePort === undefined ? {} : { nodePort }), ...(name === undefined ? {} : { name }) };
}

function target(port: number, service: string): NodePortTarget {
  return { ip: NODE_IP, port, service, protocol: "TCP" };
}

describe("planNodePorts", () => {
  const cases: { name: string; services: Service[]; want: [number, NodePortTarget][]; skipped?: string[] }[] = [
    { name: "no services", services: [], want: [] },
    {
      name: "a NodePort service",
      services: [makeService("default", "nginx", "NodePort", [tcp(80, 30080)])],
      want: [[30080, target(30080, "default/nginx")]],
    },
    {
      name: "every port of a LoadBalancer service",
      services: [makeService("web", "lb", "LoadBalancer", [tcp(80, 31080, "http"), tcp(443, 31443, "https")])],
      want: [
        [31080, target(31080, "web/lb")],
        [31443, target(31443, "web/lb")],
      ],
    },
    {
      name: "ClusterIP and ExternalName services are not published, even with a stray nodePort",
      services: [makeService("default", "cip", "ClusterIP", [tcp(80, 30081)]), makeService("default", "ext", "ExternalName", [tcp(80, 30082)]), makeService("default", "untyped", undefined, [tcp(80, 30083)])],
      want: [],
    },
    {
      name: "a port without an allocated NodePort is waited for, not reported",
      services: [makeService("default", "pending", "NodePort", [tcp(80)]), makeService("default", "no-ports", "NodePort", [])],
      want: [],
    },
    {
      name: "protocol defaults to TCP",
      services: [makeService("default", "implicit", "NodePort", [{ port: 80, nodePort: 30090 }])],
      want: [[30090, target(30090, "default/implicit")]],
    },
    {
      name: "UDP and SCTP NodePorts are skipped and said so; TCP on the same number is kept",
      services: [
        makeService("kube-system", "dns", "NodePort", [
          { name: "dns", port: 53, protocol: "UDP", nodePort: 30053 },
          { name: "dns-tcp", port: 53, protocol: "TCP", nodePort: 30053 },
          { port: 9, protocol: "SCTP", nodePort: 30009 },
        ]),
      ],
      want: [[30053, target(30053, "kube-system/dns")]],
      skipped: [
        "NodePort 30053/UDP of kube-system/dns (port dns) is not published on the host: only TCP NodePorts are forwarded",
        "NodePort 30009/SCTP of kube-system/dns is not published on the host: only TCP NodePorts are forwarded",
      ],
    },
    {
      name: "a NodePort claimed twice goes to the first service by namespace/name, whatever the input order",
      services: [makeService("b", "second", "NodePort", [tcp(80, 30100)]), makeService("a", "first", "NodePort", [tcp(80, 30100)])],
      want: [[30100, target(30100, "a/first")]],
      skipped: ["NodePort 30100/TCP of b/second is not published on the host: another service port already has NodePort 30100"],
    },
    {
      name: "out-of-range NodePorts are ignored",
      services: [makeService("default", "bad", "NodePort", [tcp(80, 0), tcp(81, 70000), tcp(82, 30000.5)])],
      want: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planNodePorts(c.services, NODE_IP);
      assert.deepEqual([...plan.targets].sort(([a], [b]) => a - b), c.want);
      assert.deepEqual(plan.skipped.map(describeSkipped), c.skipped ?? []);
      assert.deepEqual(nodePortTargets(c.services, NODE_IP), plan.targets);
    });
  }

  it("names a service without a namespace as default/", () => {
    const svc: Service = { metadata: { name: "x" }, spec: { type: "NodePort", ports: [tcp(80, 30001)] } };
    assert.equal(nodePortTargets([svc], NODE_IP).get(30001)?.service, "default/x");
  });
});

/** Records calls; ports in `busy` fail to publish as a HostForwarder does for ports in use. */
class RecordingForwarder implements PortForwarder {
  readonly calls: string[] = [];
  readonly ports = new Map<number, RelayTarget>();
  readonly busy = new Set<number>();

  async publish(hostPort: number, t: RelayTarget): Promise<void> {
    this.calls.push(`publish ${hostPort} ${t.ip}:${t.port}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.busy.has(hostPort)) throw new Error(`127.0.0.1:${hostPort} is already in use on the host`);
    this.ports.set(hostPort, t);
  }

  async unpublish(hostPort: number): Promise<void> {
    this.calls.push(`unpublish ${hostPort}`);
    await new Promise((resolve) => setImmediate(resolve));
    this.ports.delete(hostPort);
  }
}

describe("NodePortPublisher", () => {
  const nginx = makeService("default", "nginx", "NodePort", [tcp(80, 30080)]);
  const web = makeService("default", "web", "LoadBalancer", [tcp(80, 31080), tcp(443, 31443)]);
  const dns = makeService("kube-system", "dns", "NodePort", [{ port: 53, protocol: "UDP", nodePort: 30053 }]);

  it("publishes, keeps, and unpublishes to match the services", async () => {
    const forwarder = new RecordingForwarder();
    const publisher = new NodePortPublisher({ forwarder, nodeIP: NODE_IP });

    const first = await publisher.sync([web, nginx]);
    assert.deepEqual(first, { published: [30080, 31080, 31443], unpublished: [], failed: [], skipped: [] });
    assert.deepEqual([...forwarder.ports.keys()].sort(), [30080, 31080, 31443]);
    assert.deepEqual(publisher.published().get(30080), target(30080, "default/nginx"));

    forwarder.calls.length = 0;
    const again = await publisher.sync([nginx, web]);
    assert.deepEqual(again, { published: [], unpublished: [], failed: [], skipped: [] });
    assert.deepEqual(forwarder.calls, [], "an unchanged sync touches nothing");

    const shrunk = await publisher.sync([makeService("default", "web", "LoadBalancer", [tcp(80, 31080)])]);
    assert.deepEqual(shrunk, { published: [], unpublished: [30080, 31443], failed: [], skipped: [] });
    assert.deepEqual([...forwarder.ports.keys()], [31080]);

    await publisher.sync([]);
    assert.deepEqual(forwarder.ports.size, 0);
    assert.equal(publisher.published().size, 0);
  });

  it("moves a NodePort to another service without republishing (same target)", async () => {
    const forwarder = new RecordingForwarder();
    const publisher = new NodePortPublisher({ forwarder, nodeIP: NODE_IP });
    await publisher.sync([nginx]);
    forwarder.calls.length = 0;
    await publisher.sync([makeService("other", "renamed", "NodePort", [tcp(8080, 30080)])]);
    assert.deepEqual(forwarder.calls, []);
    assert.equal(publisher.published().get(30080)?.service, "other/renamed");
  });

  it("reports a busy host port, says so once, and retries it on the next sync", async () => {
    const forwarder = new RecordingForwarder();
    forwarder.busy.add(30080);
    const logs: string[] = [];
    const publisher = new NodePortPublisher({ forwarder, nodeIP: NODE_IP, log: (l) => logs.push(l) });

    const first = await publisher.sync([nginx, dns]);
    assert.deepEqual(first.published, []);
    assert.deepEqual(first.failed.map((f) => [f.hostPort, f.service, (f.error as Error).message]), [[30080, "default/nginx", "127.0.0.1:30080 is already in use on the host"]]);
    assert.deepEqual(first.skipped.map((s) => s.nodePort), [30053]);
    assert.deepEqual(logs, [
      "NodePort 30053/UDP of kube-system/dns is not published on the host: only TCP NodePorts are forwarded",
      "NodePort 30080 of default/nginx is not published on the host: 127.0.0.1:30080 is already in use on the host",
    ]);

    await publisher.sync([nginx, dns]);
    assert.equal(logs.length, 2, "the same problems are not said twice");
    assert.equal(forwarder.calls.filter((c) => c === `publish 30080 ${NODE_IP}:30080`).length, 2, "the busy port was tried again");

    forwarder.busy.delete(30080);
    const fixed = await publisher.sync([nginx, dns]);
    assert.deepEqual(fixed.published, [30080]);
    assert.deepEqual(fixed.failed, []);
    assert.equal(publisher.published().has(30080), true);

    // A problem that went away and came back is said again.
    await publisher.sync([nginx]);
    await publisher.sync([nginx, dns]);
    assert.equal(logs.filter((l) => l.includes("30053/UDP")).length, 2);
  });

  it("runs overlapping syncs one after the other, the last one winning", async () => {
    const forwarder = new RecordingForwarder();
    const publisher = new NodePortPublisher({ forwarder, nodeIP: NODE_IP });
    const results = await Promise.all([publisher.sync([nginx]), publisher.sync([web]), publisher.sync([nginx])]);
    assert.deepEqual(results.map((r) => [r.published, r.unpublished]), [
      [[30080], []],
      [[31080, 31443], [30080]],
      [[30080], [31080, 31443]],
    ]);
    assert.deepEqual([...forwarder.ports.keys()], [30080]);
  });

  it("never unpublishes ports it did not publish", async () => {
    const forwarder = new RecordingForwarder();
    forwarder.ports.set(40000, { ip: "172.17.8.102", port: 40000 });
    const publisher = new NodePortPublisher({ forwarder, nodeIP: NODE_IP });
    await publisher.sync([nginx]);
    await publisher.sync([]);
    assert.deepEqual([...forwarder.ports.keys()], [40000]);
  });
});
