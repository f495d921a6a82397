import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ForwarderError } from "./host-forwarder.js";
import type { HostPortClaim, HostPortRoute, SkippedClaim } from "./host-port-plan.js";
import { describeFailure, describePublished, describeSkipped, describeWithdrawn } from "./host-port-messages.js";

const shopA: HostPortClaim = { kind: "LoadBalancer", service: "shop/a", portName: "http", servicePort: 80, protocol: "TCP", hostPort: 80 };
const shopB: HostPortClaim = { kind: "LoadBalancer", service: "shop/b", portName: "", servicePort: 80, protocol: "TCP", hostPort: 80 };
const nginx: HostPortClaim = { kind: "NodePort", service: "default/nginx", portName: "", servicePort: 8000, protocol: "TCP", hostPort: 30080 };

function route(claim: HostPortClaim, ip: string, port: number): HostPortRoute {
  return { ...claim, protocol: "TCP", target: { ip, port } };
}

describe("describeSkipped", () => {
  const cases: { name: string; skip: SkippedClaim; want: string }[] = [
    {
      name: "a LoadBalancer port another LoadBalancer service has",
      skip: { ...shopB, reason: "clash", holder: shopA },
      want: "LoadBalancer port 80/TCP of shop/b is not published on 127.0.0.1:80: LoadBalancer port 80/TCP of shop/a (port http) has that host port; reach it with `kubectl port-forward -n shop service/b <local port>:80`, or change one service's port",
    },
    {
      name: "a LoadBalancer port a NodePort has",
      skip: { ...shopB, servicePort: 30080, hostPort: 30080, reason: "clash", holder: nginx },
      want: "LoadBalancer port 30080/TCP of shop/b is not published on 127.0.0.1:30080: NodePort 30080/TCP of default/nginx has that host port; reach it with `kubectl port-forward -n shop service/b <local port>:30080`, or change one service's port",
    },
    {
      name: "a NodePort two services claim",
      skip: { ...nginx, service: "other/dup", reason: "clash", holder: nginx },
      want: "NodePort 30080/TCP of other/dup is not published on 127.0.0.1:30080: NodePort 30080/TCP of default/nginx has that host port; change one service's nodePort",
    },
    {
      name: "UDP",
      skip: { ...nginx, protocol: "UDP", reason: "protocol" },
      want: "NodePort 30080/UDP of default/nginx is not published on the host: only TCP is forwarded",
    },
    {
      name: "IPv6 only",
      skip: { ...shopB, reason: "no-ipv4", addresses: ["fd00::1"] },
      want: "LoadBalancer port 80/TCP of shop/b is not published on the host: its address fd00::1 is not IPv4, and only IPv4 is forwarded; reach it with `kubectl port-forward -n shop service/b <local port>:80`",
    },
    {
      name: "outside the relay's ranges",
      skip: { ...shopB, reason: "unreachable", addresses: ["10.9.9.9"], allowed: ["172.17.8.0/24"] },
      want: "LoadBalancer port 80/TCP of shop/b is not published on the host: 10.9.9.9 is outside 172.17.8.0/24, where the sandbox relay may connect; give the service an address from a pool inside it",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(describeSkipped(c.skip), c.want));
});

describe("describeFailure", () => {
  const cases: { name: string; route: HostPortRoute; error: unknown; want: string }[] = [
    {
      name: "a port another program uses",
      route: route(shopA, "172.17.8.201", 80),
      error: new ForwarderError("HostPortInUse", 80, "127.0.0.1:80 is already in use on the host"),
      want: "LoadBalancer port 80/TCP of shop/a (port http) is not published on the host: 127.0.0.1:80 is already in use on the host; stop the program using it, or reach it with `kubectl port-forward -n shop service/a <local port>:80`; svcnet keeps trying",
    },
    {
      name: "a privileged port without the right to bind it",
      route: route(shopA, "172.17.8.201", 80),
      error: new ForwarderError("HostPortDenied", 80, "not allowed to listen on 127.0.0.1:80"),
      want: "LoadBalancer port 80/TCP of shop/a (port http) is not published on the host: not allowed to listen on 127.0.0.1:80; ports below 1024 need root or CAP_NET_BIND_SERVICE; reach it with `kubectl port-forward -n shop service/a <local port>:80`; svcnet keeps trying",
    },
    {
      name: "anything else",
      route: route(nginx, "172.17.8.101", 30080),
      error: "boom",
      want: "NodePort 30080/TCP of default/nginx is not published on the host: boom; reach it with `kubectl port-forward -n default service/nginx <local port>:8000`; svcnet keeps trying",
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(describeFailure(c.route, c.error), c.want));
});

describe("describePublished and describeWithdrawn", () => {
  it("say where the host port leads", () => {
    const r = route(shopA, "172.17.8.201", 80);
    assert.equal(describePublished(r), "LoadBalancer port 80/TCP of shop/a (port http) published on 127.0.0.1:80 (→ 172.17.8.201:80 in the sandbox)");
    assert.equal(describeWithdrawn(r), "127.0.0.1:80 withdrawn: it was LoadBalancer port 80/TCP of shop/a (port http)");
  });
});
