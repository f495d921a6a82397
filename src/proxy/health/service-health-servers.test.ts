import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { createServer as createHttpServer } from "node:http";
import type { RequestListener, Server as HttpServer } from "node:http";
import { ServiceHealthServers, serviceHealthAnswer, splitServiceKey } from "./service-health-servers.js";

/** A port that was free a moment ago (the kernel hands out ephemeral ports round-robin). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function occupy(port: number): Promise<Server> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => s.once("error", reject).listen(port, "127.0.0.1", resolve));
  return s;
}

async function get(port: number, path = "/"): Promise<{ status: number; weight: string | null; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, weight: res.headers.get("x-load-balancing-endpoint-weight"), body: await res.text() };
}

test("the answer has upstream's tab-indented body, headers and status", async (t) => {
  await t.test("body and headers", () => {
    const a = serviceHealthAnswer("ns1/web", 2, true);
    assert.equal(a.body, '{\n\t"service": {\n\t\t"namespace": "ns1",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": 2,\n\t"serviceProxyHealthy": true\n}');
    assert.deepEqual(a.headers, { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff", "X-Load-Balancing-Endpoint-Weight": "2" });
  });
  const cases: { endpoints: number; healthy: boolean; want: number }[] = [
    { endpoints: 0, healthy: true, want: 503 },
    { endpoints: 1, healthy: true, want: 200 },
    { endpoints: 3, healthy: true, want: 200 },
    { endpoints: 3, healthy: false, want: 503 },
    { endpoints: 0, healthy: false, want: 503 },
  ];
  for (const c of cases) {
    await t.test(`${c.endpoints} local endpoints, proxy healthy ${c.healthy} → ${c.want}`, () => {
      const a = serviceHealthAnswer("ns/svc", c.endpoints, c.healthy);
      assert.equal(a.status, c.want);
      assert.deepEqual(JSON.parse(a.body), { service: { namespace: "ns", name: "svc" }, localEndpoints: c.endpoints, serviceProxyHealthy: c.healthy });
    });
  }
});

test("service keys are namespace/name", () => {
  assert.deepEqual(splitServiceKey("a/b"), { namespace: "a", name: "b" });
  for (const bad of ["ab", "/b", "a/", ""]) assert.throws(() => splitServiceKey(bad), /invalid service key/);
});

test("listeners follow syncServices and answer from syncEndpoints", async (t) => {
  let healthy = true;
  const servers = new ServiceHealthServers({ addresses: ["127.0.0.1"], proxyHealthy: () => healthy });
  t.after(() => servers.close());
  const [p1, p2] = [await freePort(), await freePort()];

  await t.test("a new service is served on its port, on any path", async () => {
    await servers.syncServices(new Map([["default/lb", p1]]));
    assert.deepEqual([...servers.services()], [["default/lb", p1]]);
    assert.deepEqual(servers.boundAddresses("default/lb"), [`127.0.0.1:${p1}`]);
    const r = await get(p1, "/anything/at/all");
    assert.equal(r.status, 503);
    assert.equal(r.weight, "0");
    assert.match(r.body, /"localEndpoints": 0/);
  });

  await t.test("endpoint counts and proxy health decide the status", async () => {
    servers.syncEndpoints(new Map([["default/lb", 2], ["other/x", 5]]));
    let r = await get(p1);
    assert.equal(r.status, 200);
    assert.equal(r.weight, "2");
    healthy = false;
    r = await get(p1);
    assert.equal(r.status, 503);
    assert.match(r.body, /"serviceProxyHealthy": false/);
    healthy = true;
    servers.syncEndpoints(new Map());
    assert.equal((await get(p1)).status, 503, "a service missing from the map has no endpoints");
    servers.syncEndpoints(new Map([["default/lb", 1]]));
  });

  await t.test("an unchanged port keeps its listener", async () => {
    const before = servers.boundAddresses("default/lb");
    await servers.syncServices(new Map([["default/lb", p1]]));
    assert.deepEqual(servers.boundAddresses("default/lb"), before);
    assert.equal((await get(p1)).status, 200);
  });

  await t.test("a port change moves the listener", async () => {
    await servers.syncServices(new Map([["default/lb", p2]]));
    await assert.rejects(get(p1));
    assert.equal((await get(p2)).status, 200);
  });

  await t.test("a port can move to another service in one sync", async () => {
    await servers.syncServices(new Map([["default/other", p2]]));
    assert.deepEqual([...servers.services()], [["default/other", p2]]);
    assert.match((await get(p2)).body, /"name": "other"/);
    assert.deepEqual(servers.errors(), new Map());
  });

  await t.test("a removed service is closed", async () => {
    await servers.syncServices(new Map());
    assert.equal(servers.services().size, 0);
    await assert.rejects(get(p2));
  });
});

test("a port in use is recorded, does not throw, and is retried on the next sync", async (t) => {
  const servers = new ServiceHealthServers({ addresses: ["127.0.0.1"], proxyHealthy: () => true });
  t.after(() => servers.close());
  const [busy, ok] = [await freePort(), await freePort()];
  const blocker = await occupy(busy);
  try {
    const wanted = new Map([
      ["ns/busy", busy],
      ["ns/ok", ok],
      ["not-a-key", ok],
    ]);
    await servers.syncServices(wanted);
    assert.deepEqual([...servers.services().keys()], ["ns/ok"]);
    const errors = servers.errors();
    assert.match(String(errors.get("ns/busy")), /EADDRINUSE/);
    assert.match(String(errors.get("not-a-key")), /invalid service key/);
    assert.equal(errors.size, 2);

    await new Promise((resolve) => blocker.close(resolve));
    await servers.syncServices(new Map([["ns/busy", busy], ["ns/ok", ok]]));
    assert.deepEqual([...servers.services().keys()].sort(), ["ns/busy", "ns/ok"]);
    assert.equal(servers.errors().size, 0, "errors of open or removed services are dropped");
    servers.syncEndpoints(new Map([["ns/busy", 1]]));
    assert.equal((await get(busy)).status, 200);
  } finally {
    if (blocker.listening) blocker.close();
  }
});

test("if one address fails, the others opened for that service are closed again", async (t) => {
  // 192.0.2.1 (TEST-NET-1) is not a local address: binding fails with EADDRNOTAVAIL; nothing is sent.
  const servers = new ServiceHealthServers({ addresses: ["127.0.0.1", "192.0.2.1"], proxyHealthy: () => true });
  t.after(() => servers.close());
  const port = await freePort();
  await servers.syncServices(new Map([["ns/lb", port]]));
  assert.equal(servers.services().size, 0);
  assert.match(String(servers.errors().get("ns/lb")), /EADDRNOTAVAIL/);
  const s = await occupy(port);
  await new Promise((resolve) => s.close(resolve));
});

test("concurrent syncs apply in order and close() ends everything", async () => {
  const servers = new ServiceHealthServers({ addresses: ["127.0.0.1"], proxyHealthy: () => true });
  const [a, b] = [await freePort(), await freePort()];
  const first = servers.syncServices(new Map([["ns/a", a]]));
  const second = servers.syncServices(new Map([["ns/b", b]]));
  await Promise.all([first, second]);
  assert.deepEqual([...servers.services()], [["ns/b", b]]);
  await assert.rejects(get(a));
  await servers.close();
  assert.equal(servers.services().size, 0);
  await assert.rejects(get(b));
});

test("a listener that fails after opening is dropped and reopened on the next sync", async (t) => {
  const made: HttpServer[] = [];
  const serverFactory = (handler: RequestListener): HttpServer => {
    const s = createHttpServer(handler);
    made.push(s);
    return s;
  };
  const servers = new ServiceHealthServers({ addresses: ["127.0.0.1"], proxyHealthy: () => true, serverFactory });
  t.after(() => servers.close());
  const port = await freePort();
  await servers.syncServices(new Map([["ns/lb", port]]));
  assert.equal(made.length, 1);
  made[0].emit("error", new Error("EMFILE: too many open files"));
  assert.equal(servers.services().size, 0);
  assert.match(String(servers.errors().get("ns/lb")), /EMFILE/);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await servers.syncServices(new Map([["ns/lb", port]]));
  assert.equal(made.length, 2);
  assert.equal(servers.services().get("ns/lb"), port);
  assert.equal(servers.errors().size, 0);
  assert.equal((await get(port)).status, 503);
});
