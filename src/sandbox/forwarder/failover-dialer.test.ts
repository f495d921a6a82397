import assert from "node:assert/strict";
import { once } from "node:events";
import { Socket, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import type { Dial } from "./failover-dialer.js";
import { FailoverDialer, NoTargetAcceptedError, dialTcp } from "./failover-dialer.js";
import type { RelayTarget } from "./relay-protocol.js";

const a = { ip: "172.17.8.11", port: 6443 };
const b = { ip: "172.17.8.12", port: 6443 };
const c = { ip: "172.17.8.13", port: 6443 };

/** A dial that succeeds for the targets in `live` and records every attempt. */
function fakeDial(live: Set<string>, tried: string[]): Dial {
  return (target: RelayTarget) => {
    const name = `${target.ip}:${target.port}`;
    tried.push(name);
    if (live.has(name)) return Promise.resolve(new Socket());
    return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
  };
}

describe("FailoverDialer", () => {
  const cases: { name: string; live: string[]; expect: string | undefined; tried: string[] }[] = [
    { name: "takes the first target when it accepts", live: ["172.17.8.11:6443", "172.17.8.12:6443"], expect: "172.17.8.11", tried: ["172.17.8.11:6443"] },
    { name: "skips a dead first target", live: ["172.17.8.12:6443"], expect: "172.17.8.12", tried: ["172.17.8.11:6443", "172.17.8.12:6443"] },
    { name: "tries all in order, then fails", live: [], expect: undefined, tried: ["172.17.8.11:6443", "172.17.8.12:6443", "172.17.8.13:6443"] },
  ];
  for (const tc of cases) {
    it(tc.name, async () => {
      const tried: string[] = [];
      const dialer = new FailoverDialer({ targets: [a, b, c], dial: fakeDial(new Set(tc.live), tried) });
      if (tc.expect === undefined) {
        await assert.rejects(dialer.dial(), (e: unknown) => e instanceof NoTargetAcceptedError && e.failures.length === 3 && /ECONNREFUSED/.test(e.message));
      } else {
        assert.equal((await dialer.dial()).target.ip, tc.expect);
      }
      assert.deepEqual(tried, tc.tried);
    });
  }

  it("puts a failed target last until downForMs has passed or it accepted again", async () => {
    let now = 1000;
    const live = new Set(["172.17.8.12:6443"]);
    const tried: string[] = [];
    const dialer = new FailoverDialer({ targets: [a, b], dial: fakeDial(live, tried), downForMs: 5000, now: () => now });
    assert.equal((await dialer.dial()).target.ip, "172.17.8.12");
    assert.deepEqual(dialer.order(), [b, a]);
    tried.length = 0;
    assert.equal((await dialer.dial()).target.ip, "172.17.8.12");
    assert.deepEqual(tried, ["172.17.8.12:6443"], "the dead target costs nothing while it is down");
    now += 5000;
    assert.deepEqual(dialer.order(), [a, b]);
    live.add("172.17.8.11:6443");
    assert.equal((await dialer.dial()).target.ip, "172.17.8.11");
    assert.deepEqual(dialer.order(), [a, b]);
  });

  it("refuses an empty target list", () => {
    assert.throws(() => new FailoverDialer({ targets: [] }), /at least one target/);
  });

  it("dials real sockets: a closed port fails with ECONNREFUSED, a listening one connects", async () => {
    const server = createServer((s) => s.end("hi"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as AddressInfo).port;
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      await assert.rejects(dialTcp({ ip: "127.0.0.1", port: deadPort }, 1000), (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED");
      const dialer = new FailoverDialer({ targets: [{ ip: "127.0.0.1", port: deadPort }, { ip: "127.0.0.1", port }] });
      const { socket, target } = await dialer.dial();
      assert.equal(target.port, port);
      const [data] = (await once(socket, "data")) as [Buffer];
      assert.equal(data.toString(), "hi");
      socket.destroy();
    } finally {
      server.close();
    }
  });
});

it("report: an unhealthy target goes to the back until a healthy report", () => {
  let now = 0;
  const targets = [{ ip: "172.17.8.11", port: 6443 }, { ip: "172.17.8.12", port: 6443 }];
  const dialer = new FailoverDialer({ targets, now: () => now, downForMs: 5000 });
  dialer.report(targets[0], false);
  assert.deepEqual(dialer.order().map((t) => t.ip), ["172.17.8.12", "172.17.8.11"]);
  now = 4000;
  dialer.report(targets[0], false);
  now = 8000;
  assert.deepEqual(dialer.order().map((t) => t.ip), ["172.17.8.12", "172.17.8.11"], "each failed check renews it");
  dialer.report(targets[0], true);
  assert.deepEqual(dialer.order().map((t) => t.ip), ["172.17.8.11", "172.17.8.12"]);
  dialer.report({ ip: "10.9.9.9", port: 1 }, false);
  assert.deepEqual(dialer.order().map((t) => t.ip), ["172.17.8.11", "172.17.8.12"], "an unknown target is ignored");
});
