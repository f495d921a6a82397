import { test } from "node:test";
import assert from "node:assert/strict";
import { EndpointBalancer } from "./endpoint-balancer.js";
import type { EndpointPool } from "./listener-plan.js";

function pool(key: string, ips: string[], stickySeconds = 0): EndpointPool {
  return { key, stickySeconds, endpoints: ips.map((ip) => ({ endpoint: `${ip}:80`, ip, port: 80 })) };
}

function fixture(start = 0): { lb: EndpointBalancer; clock: { t: number } } {
  const clock = { t: 1_000_000 };
  const lb = new EndpointBalancer({ now: () => clock.t, random: () => start });
  return { lb, clock };
}

const eps = (list: { endpoint: string }[]): string[] => list.map((e) => e.endpoint);
const first = (lb: EndpointBalancer, key: string, client: string): string | undefined => lb.connectOrder(key, client, 1)[0]?.endpoint;

test("round robin: each new connection takes the next endpoint, wrapping", () => {
  const cases: { name: string; ips: string[]; start: number; picks: number; want: string[] }[] = [
    { name: "three endpoints from the first", ips: ["10.1.0.1", "10.1.0.2", "10.1.0.3"], start: 0, picks: 4, want: ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.1"] },
    { name: "random start in the middle", ips: ["10.1.0.1", "10.1.0.2", "10.1.0.3"], start: 0.5, picks: 3, want: ["10.1.0.2", "10.1.0.3", "10.1.0.1"] },
    { name: "one endpoint", ips: ["10.1.0.1"], start: 0.9, picks: 2, want: ["10.1.0.1", "10.1.0.1"] },
    { name: "no endpoints", ips: [], start: 0, picks: 2, want: [] },
  ];
  for (const c of cases) {
    const { lb } = fixture(c.start);
    lb.syncPools(new Map([["p", pool("p", c.ips)]]));
    const got: string[] = [];
    for (let i = 0; i < c.picks; i++) {
      const e = first(lb, "p", "192.168.1.1");
      if (e) got.push(e);
    }
    assert.deepEqual(got, c.want.map((ip) => `${ip}:80`), c.name);
  }
});

test("retry order: every other endpoint first, then again, maxTries in all", () => {
  const cases: { name: string; ips: string[]; maxTries: number; want: string[] }[] = [
    { name: "four tries over three endpoints", ips: ["10.1.0.1", "10.1.0.2", "10.1.0.3"], maxTries: 4, want: ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.1"] },
    { name: "one endpoint gets every try", ips: ["10.1.0.1"], maxTries: 4, want: ["10.1.0.1", "10.1.0.1", "10.1.0.1", "10.1.0.1"] },
    { name: "two tries", ips: ["10.1.0.1", "10.1.0.2", "10.1.0.3"], maxTries: 2, want: ["10.1.0.1", "10.1.0.2"] },
    { name: "zero tries", ips: ["10.1.0.1"], maxTries: 0, want: [] },
  ];
  for (const c of cases) {
    const { lb } = fixture();
    lb.syncPools(new Map([["p", pool("p", c.ips)]]));
    assert.deepEqual(eps(lb.connectOrder("p", "192.168.1.1", c.maxTries)), c.want.map((ip) => `${ip}:80`), c.name);
  }
  // The rotation moves by one per connection, not by the number of endpoints tried.
  const { lb } = fixture();
  lb.syncPools(new Map([["p", pool("p", ["10.1.0.1", "10.1.0.2", "10.1.0.3"])]]));
  lb.connectOrder("p", "c", 3);
  assert.deepEqual(eps(lb.connectOrder("p", "c", 3)), ["10.1.0.2:80", "10.1.0.3:80", "10.1.0.1:80"]);
});

test("ClientIP affinity: sticks, refreshes on use, lapses, and resets on a failed connect", async (t) => {
  const ips = ["10.1.0.1", "10.1.0.2", "10.1.0.3"];
  const steps: {
    name: string;
    run: (lb: EndpointBalancer, clock: { t: number }) => (string | undefined)[];
    want: (string | undefined)[];
  }[] = [
    {
      name: "same client, same endpoint; other clients rotate",
      run: (lb) => {
        const a1 = first(lb, "p", "1.1.1.1");
        lb.connected("p", "1.1.1.1", a1!);
        const b = first(lb, "p", "2.2.2.2");
        const a2 = first(lb, "p", "1.1.1.1");
        return [a1, b, a2];
      },
      want: ["10.1.0.1:80", "10.1.0.2:80", "10.1.0.1:80"],
    },
    {
      name: "lapses stickySeconds after the last use, not the first",
      run: (lb, clock) => {
        const a1 = first(lb, "p", "1.1.1.1");
        lb.connected("p", "1.1.1.1", a1!);
        clock.t += 8_000;
        const a2 = first(lb, "p", "1.1.1.1");
        lb.connected("p", "1.1.1.1", a2!);
        clock.t += 8_000; // 16 s after the first use, 8 s after the last: still stuck
        const a3 = first(lb, "p", "1.1.1.1");
        clock.t += 10_000; // the timeout after the last pick: lapsed, the rotation goes on
        const a4 = first(lb, "p", "1.1.1.1");
        return [a1, a2, a3, a4];
      },
      want: ["10.1.0.1:80", "10.1.0.1:80", "10.1.0.1:80", "10.1.0.2:80"],
    },
    {
      name: "a failed connect drops the affinity; the retry's endpoint becomes sticky",
      run: (lb) => {
        const a1 = first(lb, "p", "1.1.1.1");
        lb.connected("p", "1.1.1.1", a1!);
        const order = lb.connectOrder("p", "1.1.1.1", 3).map((e) => e.endpoint);
        lb.failed("p", "1.1.1.1", order[0]);
        lb.connected("p", "1.1.1.1", order[1]);
        return [a1, order[0], order[1], lb.affinityOf("p", "1.1.1.1")];
      },
      want: ["10.1.0.1:80", "10.1.0.1:80", "10.1.0.2:80", "10.1.0.2:80"],
    },
    {
      name: "expireAffinity drops lapsed entries",
      run: (lb, clock) => {
        lb.connected("p", "1.1.1.1", "10.1.0.3:80");
        clock.t += 9_999;
        const before = lb.affinityOf("p", "1.1.1.1");
        clock.t += 1;
        const dropped = lb.expireAffinity();
        return [before, String(dropped), lb.affinityOf("p", "1.1.1.1")];
      },
      want: ["10.1.0.3:80", "1", undefined],
    },
  ];
  for (const s of steps) {
    await t.test(s.name, () => {
      const { lb, clock } = fixture();
      lb.syncPools(new Map([["p", pool("p", ips, 10)]]));
      assert.deepEqual(s.run(lb, clock), s.want);
    });
  }
});

test("pool changes: rotation position kept, affinity to removed endpoints forgotten, dropped pools gone", () => {
  const { lb } = fixture();
  lb.syncPools(new Map([["p", pool("p", ["10.1.0.1", "10.1.0.2", "10.1.0.3"], 60)]]));
  lb.connected("p", "1.1.1.1", "10.1.0.2:80");
  lb.connected("p", "2.2.2.2", "10.1.0.3:80");
  assert.equal(first(lb, "p", "9.9.9.9"), "10.1.0.1:80");
  // 10.1.0.2 leaves: its clients pick anew; the rotation continues at index 1.
  lb.syncPools(new Map([["p", pool("p", ["10.1.0.1", "10.1.0.3", "10.1.0.4"], 60)]]));
  assert.equal(lb.affinityOf("p", "1.1.1.1"), undefined);
  assert.equal(lb.affinityOf("p", "2.2.2.2"), "10.1.0.3:80");
  assert.equal(first(lb, "p", "9.9.9.8"), "10.1.0.3:80");
  // Affinity switched off: every entry goes.
  lb.syncPools(new Map([["p", pool("p", ["10.1.0.1", "10.1.0.3", "10.1.0.4"], 0)]]));
  assert.equal(lb.affinityOf("p", "2.2.2.2"), undefined);
  lb.syncPools(new Map());
  assert.deepEqual(lb.poolKeys, []);
  assert.deepEqual(lb.connectOrder("p", "1.1.1.1", 3), []);
});
