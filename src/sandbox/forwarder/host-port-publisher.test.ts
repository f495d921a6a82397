import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deepFreeze } from "../../api/json.js";
import type { Service, ServicePort } from "../../api/types.js";
import { ForwarderError } from "./host-forwarder.js";
import type { HostPortSyncResult, PortForwarder } from "./host-port-publisher.js";
import { HostPortPublisher } from "./host-port-publisher.js";
import type { RelayTarget } from "./relay-protocol.js";

const NODE_IP = "172.17.8.101";
const ALLOW = ["172.17.8.0/24"];

function tcp(port: number, nodePort?: number): ServicePort {
  return { port, protocol: "TCP", ...(nodePort === undefined ? {} : { nodePort }) };
}

function nodePortService(namespace: string, name: string, ports: ServicePort[]): Service {
  return deepFreeze({ apiVersion: "v1", kind: "Service", metadata: { namespace, name }, spec: { type: "NodePort", clusterIP: "10.0.0.10", ports } });
}

function lbService(namespace: string, name: string, ip: string | undefined, ports: ServicePort[]): Service {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Service",
    metadata: { namespace, name },
    spec: { type: "LoadBalancer", clusterIP: "10.0.0.11", ports },
    status: { loadBalancer: { ingress: ip === undefined ? [] : [{ ip, ipMode: "VIP" }] } },
  });
}

/** Records calls; ports in `busy` fail to publish as a HostForwarder does for ports in use. */
class RecordingForwarder implements PortForwarder {
  readonly calls: string[] = [];
  readonly ports = new Map<number, RelayTarget>();
  readonly busy = new Set<number>();

  async publish(hostPort: number, t: RelayTarget): Promise<void> {
    this.calls.push(`publish ${hostPort} ${t.ip}:${t.port}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.busy.has(hostPort)) throw new ForwarderError("HostPortInUse", hostPort, `127.0.0.1:${hostPort} is already in use on the host`);
    this.ports.set(hostPort, { ...t });
  }

  async unpublish(hostPort: number): Promise<void> {
    this.calls.push(`unpublish ${hostPort}`);
    await new Promise((resolve) => setImmediate(resolve));
    this.ports.delete(hostPort);
  }

  /** `port → ip:port`, ascending. */
  table(): string[] {
    return [...this.ports].sort(([a], [b]) => a - b).map(([p, t]) => `${p} → ${t.ip}:${t.port}`);
  }
}

/** A sync result with ports only. */
function ports(r: HostPortSyncResult): { published: number[]; withdrawn: number[]; failed: number[]; skipped: number[] } {
  return {
    published: r.published.map((x) => x.hostPort),
    withdrawn: r.withdrawn.map((x) => x.hostPort),
    failed: r.failed.map((x) => x.route.hostPort),
    skipped: r.skipped.map((x) => x.hostPort),
  };
}

function setup(): { forwarder: RecordingForwarder; publisher: HostPortPublisher; logs: string[] } {
  const forwarder = new RecordingForwarder();
  const logs: string[] = [];
  const publisher = new HostPortPublisher({ forwarder, nodeIP: NODE_IP, allow: ALLOW, log: (l) => logs.push(l) });
  return { forwarder, publisher, logs };
}

describe("HostPortPublisher", () => {
  const nginx = nodePortService("default", "nginx", [tcp(8000, 30080)]);
  const shop = lbService("web", "shop", "172.17.8.201", [tcp(80, 31080), tcp(443, 31443)]);
  const dns = nodePortService("kube-system", "dns", [{ port: 53, protocol: "UDP", nodePort: 30053 }]);

  it("publishes, keeps, and withdraws to match the services", async () => {
    const { forwarder, publisher, logs } = setup();

    const first = await publisher.sync([shop, nginx]);
    assert.deepEqual(ports(first), { published: [80, 443, 30080, 31080, 31443], withdrawn: [], failed: [], skipped: [] });
    assert.deepEqual(forwarder.table(), ["80 → 172.17.8.201:80", "443 → 172.17.8.201:443", "30080 → 172.17.8.101:30080", "31080 → 172.17.8.101:31080", "31443 → 172.17.8.101:31443"]);
    assert.equal(publisher.published().get(80)?.service, "web/shop");
    assert.equal(logs.length, 5);
    assert.equal(logs[0], "LoadBalancer port 80/TCP of web/shop published on 127.0.0.1:80 (→ 172.17.8.201:80 in the sandbox)");

    forwarder.calls.length = 0;
    logs.length = 0;
    const again = await publisher.sync([nginx, shop]);
    assert.deepEqual(ports(again), { published: [], withdrawn: [], failed: [], skipped: [] });
    assert.deepEqual(forwarder.calls, [], "an unchanged sync touches nothing");
    assert.deepEqual(logs, [], "and says nothing");

    const shrunk = await publisher.sync([lbService("web", "shop", "172.17.8.201", [tcp(80, 31080)])]);
    assert.deepEqual(ports(shrunk), { published: [], withdrawn: [443, 30080, 31443], failed: [], skipped: [] });
    assert.deepEqual(forwarder.table(), ["80 → 172.17.8.201:80", "31080 → 172.17.8.101:31080"]);
    assert.equal(logs[0], "127.0.0.1:443 withdrawn: it was LoadBalancer port 443/TCP of web/shop");

    await publisher.sync([]);
    assert.equal(forwarder.ports.size, 0);
    assert.equal(publisher.published().size, 0);
  });

  it("withdraws a LoadBalancer port when its service loses its address or its type, or goes", async () => {
    const cases: { name: string; after: Service[] }[] = [
      { name: "ingress gone", after: [lbService("web", "shop", undefined, [tcp(80)])] },
      { name: "type ClusterIP", after: [deepFreeze({ ...shop, spec: { type: "ClusterIP", clusterIP: "10.0.0.11", ports: [tcp(80)] } })] },
      { name: "deleted", after: [] },
    ];
    for (const c of cases) {
      const { forwarder, publisher } = setup();
      await publisher.sync([lbService("web", "shop", "172.17.8.201", [tcp(80)])]);
      assert.deepEqual(forwarder.table(), ["80 → 172.17.8.201:80"], c.name);
      const r = await publisher.sync(c.after);
      assert.deepEqual(ports(r).withdrawn, [80], c.name);
      assert.equal(forwarder.ports.size, 0, c.name);
    }
  });

  it("retargets a LoadBalancer port whose address changes", async () => {
    const { forwarder, publisher } = setup();
    await publisher.sync([lbService("web", "shop", "172.17.8.201", [tcp(80)])]);
    forwarder.calls.length = 0;
    const r = await publisher.sync([lbService("web", "shop", "172.17.8.209", [tcp(80)])]);
    assert.deepEqual(ports(r).published, [80]);
    assert.deepEqual(forwarder.calls, ["publish 80 172.17.8.209:80"]);
    assert.deepEqual(forwarder.table(), ["80 → 172.17.8.209:80"]);
  });

  it("moves a NodePort to another service without republishing (same target)", async () => {
    const { forwarder, publisher } = setup();
    await publisher.sync([nginx]);
    forwarder.calls.length = 0;
    await publisher.sync([nodePortService("other", "renamed", [tcp(8080, 30080)])]);
    assert.deepEqual(forwarder.calls, []);
    assert.equal(publisher.published().get(30080)?.service, "other/renamed");
  });

  it("says each clash once, naming both services, and hands the port over when the winner goes", async () => {
    const { forwarder, publisher, logs } = setup();
    const a = lbService("shop", "a", "172.17.8.201", [tcp(80)]);
    const b = lbService("shop", "b", "172.17.8.202", [tcp(80)]);

    const first = await publisher.sync([b, a]);
    assert.deepEqual(ports(first), { published: [80], withdrawn: [], failed: [], skipped: [80] });
    const clash =
      "LoadBalancer port 80/TCP of shop/b is not published on 127.0.0.1:80: LoadBalancer port 80/TCP of shop/a has that host port; reach it with `kubectl port-forward -n shop service/b <local port>:80`, or change one service's port";
    assert.deepEqual(logs.filter((l) => l.includes("not published")), [clash]);

    for (let i = 0; i < 3; i++) await publisher.sync([a, b]);
    assert.equal(logs.filter((l) => l === clash).length, 1, "not repeated on every resync");

    logs.length = 0;
    await publisher.sync([b]);
    assert.deepEqual(forwarder.table(), ["80 → 172.17.8.202:80"]);
    assert.deepEqual(logs, ["LoadBalancer port 80/TCP of shop/b published on 127.0.0.1:80 (→ 172.17.8.202:80 in the sandbox)"]);

    // The order decides, not the history: when a comes back it has the port again.
    logs.length = 0;
    await publisher.sync([a, b]);
    assert.deepEqual(forwarder.table(), ["80 → 172.17.8.201:80"]);
    assert.equal(publisher.published().get(80)?.service, "shop/a");
    assert.deepEqual(logs, ["LoadBalancer port 80/TCP of shop/a published on 127.0.0.1:80 (→ 172.17.8.201:80 in the sandbox)", clash]);
  });

  it("reports a busy host port, says so once, and retries it on the next sync", async () => {
    const { forwarder, publisher, logs } = setup();
    forwarder.busy.add(80);
    const shopOn80 = lbService("web", "shop", "172.17.8.201", [tcp(80)]);

    const first = await publisher.sync([shopOn80, dns]);
    assert.deepEqual(ports(first), { published: [], withdrawn: [], failed: [80], skipped: [30053] });
    assert.deepEqual(logs, [
      "NodePort 30053/UDP of kube-system/dns is not published on the host: only TCP is forwarded",
      "LoadBalancer port 80/TCP of web/shop is not published on the host: 127.0.0.1:80 is already in use on the host; stop the program using it, or reach it with `kubectl port-forward -n web service/shop <local port>:80`; svcnet keeps trying",
    ]);

    await publisher.sync([shopOn80, dns]);
    assert.equal(logs.length, 2, "the same problems are not said twice");
    assert.equal(forwarder.calls.filter((c) => c === "publish 80 172.17.8.201:80").length, 2, "the busy port was tried again");

    forwarder.busy.delete(80);
    const fixed = await publisher.sync([shopOn80, dns]);
    assert.deepEqual(ports(fixed).published, [80]);
    assert.deepEqual(fixed.failed, []);
    assert.equal(publisher.published().has(80), true);

    // A problem that went away and came back is said again.
    await publisher.sync([shopOn80]);
    await publisher.sync([shopOn80, dns]);
    assert.equal(logs.filter((l) => l.includes("30053/UDP")).length, 2);
  });

  it("keeps the old route of a port whose retarget failed, and withdraws it when it goes", async () => {
    const forwarder = new RecordingForwarder();
    let refuse = false;
    const flaky: PortForwarder = {
      publish: (port, t) => (refuse ? Promise.reject(new Error("no")) : forwarder.publish(port, t)),
      unpublish: (port) => forwarder.unpublish(port),
    };
    const publisher = new HostPortPublisher({ forwarder: flaky, nodeIP: NODE_IP, allow: ALLOW });
    await publisher.sync([lbService("web", "shop", "172.17.8.201", [tcp(80)])]);
    refuse = true;
    const r = await publisher.sync([lbService("web", "shop", "172.17.8.209", [tcp(80)])]);
    assert.deepEqual(ports(r).failed, [80]);
    assert.equal(publisher.published().get(80)?.target.ip, "172.17.8.201");
    await publisher.sync([]);
    assert.equal(forwarder.ports.size, 0);
  });

  it("runs overlapping syncs one after the other, the last one winning", async () => {
    const { forwarder, publisher } = setup();
    const results = await Promise.all([publisher.sync([nginx]), publisher.sync([shop]), publisher.sync([nginx])]);
    assert.deepEqual(results.map((r) => [ports(r).published, ports(r).withdrawn]), [
      [[30080], []],
      [[80, 443, 31080, 31443], [30080]],
      [[30080], [80, 443, 31080, 31443]],
    ]);
    assert.deepEqual([...forwarder.ports.keys()], [30080]);
  });

  it("never withdraws ports it did not publish", async () => {
    const { forwarder, publisher } = setup();
    forwarder.ports.set(40000, { ip: "172.17.8.102", port: 40000 });
    await publisher.sync([nginx]);
    await publisher.sync([]);
    assert.deepEqual([...forwarder.ports.keys()], [40000]);
  });

  it("refuses an allow list that is not IPv4 CIDRs", () => {
    assert.throws(() => new HostPortPublisher({ forwarder: new RecordingForwarder(), nodeIP: NODE_IP, allow: ["172.17.8.0"] }), /not an IPv4 CIDR/);
  });
});
