import assert from "node:assert/strict";
import { test } from "node:test";
import type { FairQueueSetOptions } from "./fair-queue-set.js";
import { FairQueueSet } from "./fair-queue-set.js";

// A scenario is a list of steps against one set; each step logs what came of it, and the log is
// compared as a whole. Requests are named <flow><n> (A1 is flow A's first request). Time is a
// number passed in (the fake clock): the set reads no clock of its own.
type Step =
  | { arrive: string; at?: number }
  | { arriveMany: string; count: number; at?: number }
  | { finish: string }
  | { expire: number }
  | { cancel: string }
  | { deadline: true };

const flowOf = (request: string): string => request.replace(/\d+$/, "");

function run(o: FairQueueSetOptions, steps: readonly Step[]): string[] {
  const qs = new FairQueueSet<string>(o);
  const log: string[] = [];
  const counts = new Map<string, number>();
  for (const s of steps) {
    if ("arrive" in s) log.push(`${s.arrive}:${qs.arrive(flowOf(s.arrive), s.arrive, s.at ?? 0)}`);
    else if ("arriveMany" in s) {
      const outcomes = new Map<string, number>();
      for (let i = 0; i < s.count; i++) {
        const n = (counts.get(s.arriveMany) ?? 0) + 1;
        counts.set(s.arriveMany, n);
        const a = qs.arrive(s.arriveMany, `${s.arriveMany}${n}`, s.at ?? 0);
        outcomes.set(a, (outcomes.get(a) ?? 0) + 1);
      }
      log.push(`${s.count}×${s.arriveMany}: ${[...outcomes].map(([a, n]) => `${n} ${a}`).join(", ")}`);
    } else if ("finish" in s) log.push(`finish ${s.finish} → [${qs.finish(s.finish).join(" ")}]`);
    else if ("expire" in s) log.push(`expire@${s.expire} → [${qs.expire(s.expire).join(" ")}]`);
    else if ("cancel" in s) log.push(`cancel ${s.cancel} → ${qs.cancel(flowOf(s.cancel), s.cancel)}`);
    else log.push(`deadline ${qs.nextDeadline() ?? "none"}`);
  }
  log.push(`executing ${qs.executing}, waiting ${qs.waiting}`);
  return log;
}

const queuing = { queues: 128, queueLengthLimit: 50 };

const cases: { name: string; options: FairQueueSetOptions; steps: Step[]; want: string[] }[] = [
  {
    name: "free seats: requests execute at once, whatever their flow",
    options: { seats: 2, queuing, waitLimitMs: 1000 },
    steps: [{ arrive: "A1" }, { arrive: "B1" }, { arrive: "A2" }],
    want: ["A1:execute", "B1:execute", "A2:queued", "executing 2, waiting 1"],
  },
  {
    name: "one flow with 100 queued requests: another flow's request takes the next seat that frees",
    options: { seats: 2, queuing: { queues: 128, queueLengthLimit: 100 }, waitLimitMs: 1000 },
    steps: [{ arriveMany: "A", count: 102 }, { arrive: "B1" }, { finish: "A" }, { finish: "A" }, { finish: "B" }],
    want: ["102×A: 2 execute, 100 queued", "B1:queued", "finish A → [B1]", "finish A → [A3]", "finish B → [A4]", "executing 2, waiting 98"],
  },
  {
    name: "with a single seat too, the other flow's request goes next, not after the flooder's next",
    options: { seats: 1, queuing: { queues: 128, queueLengthLimit: 100 }, waitLimitMs: 1000 },
    steps: [{ arriveMany: "A", count: 101 }, { arrive: "B1" }, { finish: "A" }, { finish: "B" }],
    want: ["101×A: 1 execute, 100 queued", "B1:queued", "finish A → [B1]", "finish B → [A2]", "executing 1, waiting 99"],
  },
  {
    name: "two flooding flows take turns",
    options: { seats: 1, queuing, waitLimitMs: 1000 },
    steps: [{ arriveMany: "A", count: 3 }, { arriveMany: "C", count: 3 }, { finish: "A" }, { finish: "C" }, { finish: "A" }, { finish: "C" }, { finish: "A" }],
    want: ["3×A: 1 execute, 2 queued", "3×C: 3 queued", "finish A → [C1]", "finish C → [A2]", "finish A → [C2]", "finish C → [A3]", "finish A → [C3]", "executing 1, waiting 0"],
  },
  {
    name: "a seat goes to the flow with fewer requests executing, before an older request of another",
    options: { seats: 3, queuing, waitLimitMs: 1000 },
    steps: [{ arriveMany: "A", count: 2 }, { arrive: "C1" }, { arrive: "A3" }, { arrive: "C2" }, { finish: "C" }, { finish: "A" }],
    want: ["2×A: 2 execute", "C1:execute", "A3:queued", "C2:queued", "finish C → [C2]", "finish A → [A3]", "executing 3, waiting 0"],
  },
  {
    name: "a full queue rejects that flow's requests only",
    options: { seats: 1, queuing: { queues: 128, queueLengthLimit: 2 }, waitLimitMs: 1000 },
    steps: [{ arriveMany: "A", count: 5 }, { arrive: "B1" }, { finish: "A" }, { arrive: "A6" }],
    want: ["5×A: 1 execute, 2 queued, 2 rejected", "B1:queued", "finish A → [B1]", "A6:rejected", "executing 1, waiting 2"],
  },
  {
    name: "too many flows waiting: a further flow is rejected, a flow already waiting may add more",
    options: { seats: 1, queuing: { queues: 2, queueLengthLimit: 50 }, waitLimitMs: 1000 },
    steps: [{ arrive: "A1" }, { arrive: "B1" }, { arrive: "C1" }, { arrive: "D1" }, { arrive: "B2" }],
    want: ["A1:execute", "B1:queued", "C1:queued", "D1:rejected", "B2:queued", "executing 1, waiting 3"],
  },
  {
    name: "no queuing (catch-all): rejected as soon as the seats are taken",
    options: { seats: 1, waitLimitMs: 1000 },
    steps: [{ arrive: "A1" }, { arrive: "B1" }, { finish: "A" }, { arrive: "B2" }],
    want: ["A1:execute", "B1:rejected", "finish A → []", "B2:execute", "executing 1, waiting 0"],
  },
  {
    name: "a request waiting past the wait limit expires; later ones keep waiting",
    options: { seats: 1, queuing, waitLimitMs: 1000 },
    steps: [{ arrive: "A1", at: 0 }, { arrive: "A2", at: 100 }, { arrive: "B1", at: 600 }, { deadline: true }, { expire: 1099 }, { expire: 1100 }, { deadline: true }, { expire: 1600 }, { deadline: true }],
    want: ["A1:execute", "A2:queued", "B1:queued", "deadline 1100", "expire@1099 → []", "expire@1100 → [A2]", "deadline 1600", "expire@1600 → [B1]", "deadline none", "executing 1, waiting 0"],
  },
  {
    name: "a request that finds a seat never expires",
    options: { seats: 1, queuing, waitLimitMs: 1000 },
    steps: [{ arrive: "A1", at: 0 }, { arrive: "B1", at: 0 }, { finish: "A" }, { expire: 5000 }],
    want: ["A1:execute", "B1:queued", "finish A → [B1]", "expire@5000 → []", "executing 1, waiting 0"],
  },
  {
    name: "a cancelled request leaves its queue; the seat then goes to the next",
    options: { seats: 1, queuing, waitLimitMs: 1000 },
    steps: [{ arrive: "A1" }, { arrive: "B1" }, { arrive: "C1" }, { cancel: "B1" }, { cancel: "B1" }, { finish: "A" }],
    want: ["A1:execute", "B1:queued", "C1:queued", "cancel B1 → true", "cancel B1 → false", "finish A → [C1]", "executing 1, waiting 0"],
  },
];

for (const c of cases) {
  test(`FairQueueSet: ${c.name}`, () => {
    assert.deepEqual(run(c.options, c.steps), c.want);
  });
}

test("FairQueueSet: finish for a flow with nothing executing is a bug, and says so", () => {
  const qs = new FairQueueSet<string>({ seats: 1, queuing, waitLimitMs: 1000 });
  assert.throws(() => qs.finish("A"), /finish for flow "A", which has nothing executing/);
});
