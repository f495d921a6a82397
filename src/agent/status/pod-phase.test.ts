import { test } from "node:test";
import assert from "node:assert/strict";
import { deepFreeze } from "../../api/json.js";
import type { ContainerStatus, Pod, PodSpec } from "../../api/types.js";
import { cs, makePod } from "./test-fixtures.js";
import type { PodPhase } from "./pod-phase.js";
import { podPhase } from "./pod-phase.js";

const policy = (p: PodSpec["restartPolicy"]) => (s: PodSpec) => {
  s.restartPolicy = p;
};
const withInit =
  (p: PodSpec["restartPolicy"], sidecar = false) =>
  (s: PodSpec) => {
    s.restartPolicy = p;
    s.initContainers = [sidecar ? { name: "init", restartPolicy: "Always" } : { name: "init" }];
  };

test("podPhase", async (t) => {
  const cases: {
    name: string;
    pod: Pod;
    statuses: ContainerStatus[];
    podIsTerminal?: boolean;
    want: PodPhase;
  }[] = [
    { name: "no statuses yet", pod: makePod(["a"]), statuses: [], want: "Pending" },
    { name: "creating", pod: makePod(["a"]), statuses: [cs.waiting("a")], want: "Pending" },
    { name: "one running", pod: makePod(["a"]), statuses: [cs.running("a")], want: "Running" },
    { name: "running but another unknown", pod: makePod(["a", "b"]), statuses: [cs.running("a")], want: "Pending" },
    { name: "running and another creating", pod: makePod(["a", "b"]), statuses: [cs.running("a"), cs.waiting("b")], want: "Pending" },
    { name: "running and another crash looping", pod: makePod(["a", "b"]), statuses: [cs.running("a"), cs.waiting("b", 1)], want: "Running" },
    { name: "status with empty state is unknown", pod: makePod(["a"]), statuses: [cs.empty("a")], want: "Pending" },
    // All stopped, by restart policy.
    { name: "Always: exited 0 restarts", pod: makePod(["a"], policy("Always")), statuses: [cs.terminated("a", 0)], want: "Running" },
    { name: "Always: crash loop", pod: makePod(["a"]), statuses: [cs.waiting("a", 1)], want: "Running" },
    { name: "OnFailure: all exited 0", pod: makePod(["a", "b"], policy("OnFailure")), statuses: [cs.terminated("a", 0), cs.terminated("b", 0)], want: "Succeeded" },
    { name: "OnFailure: a failure restarts", pod: makePod(["a"], policy("OnFailure")), statuses: [cs.terminated("a", 1)], want: "Running" },
    { name: "Never: all exited 0", pod: makePod(["a"], policy("Never")), statuses: [cs.terminated("a", 0)], want: "Succeeded" },
    { name: "Never: one failed", pod: makePod(["a", "b"], policy("Never")), statuses: [cs.terminated("a", 0), cs.terminated("b", 2)], want: "Failed" },
    { name: "Never: one still running", pod: makePod(["a", "b"], policy("Never")), statuses: [cs.running("a"), cs.terminated("b", 2)], want: "Running" },
    { name: "terminal pod under Always: exit 0 is Succeeded", pod: makePod(["a"]), statuses: [cs.terminated("a", 0)], podIsTerminal: true, want: "Succeeded" },
    { name: "terminal pod under Always: failure is Failed", pod: makePod(["a"]), statuses: [cs.terminated("a", 137)], podIsTerminal: true, want: "Failed" },
    // Init containers.
    { name: "init not started", pod: makePod(["a"], withInit("Always")), statuses: [], want: "Pending" },
    { name: "init running", pod: makePod(["a"], withInit("Always")), statuses: [cs.running("init"), cs.waiting("a")], want: "Pending" },
    { name: "init done, app running", pod: makePod(["a"], withInit("Always")), statuses: [cs.terminated("init", 0), cs.running("a")], want: "Running" },
    { name: "init failed under Never", pod: makePod(["a"], withInit("Never")), statuses: [cs.terminated("init", 1), cs.waiting("a")], want: "Failed" },
    { name: "init failed under OnFailure retries", pod: makePod(["a"], withInit("OnFailure")), statuses: [cs.terminated("init", 1), cs.waiting("a")], want: "Pending" },
    { name: "init crash looping under Always", pod: makePod(["a"], withInit("Always")), statuses: [cs.waiting("init", 1), cs.waiting("a")], want: "Pending" },
    { name: "init waiting after earlier failure under Never", pod: makePod(["a"], withInit("Never")), statuses: [cs.waiting("init", 1)], want: "Failed" },
    // Sidecars (restartable init containers).
    { name: "sidecar not started yet", pod: makePod(["a"], withInit("Always", true)), statuses: [cs.running("init", { started: false }), cs.waiting("a")], want: "Pending" },
    { name: "sidecar started, app running", pod: makePod(["a"], withInit("Always", true)), statuses: [cs.running("init"), cs.running("a")], want: "Running" },
    { name: "sidecar restarting after init keeps Running", pod: makePod(["a"], withInit("Always", true)), statuses: [cs.waiting("init", 1), cs.running("a")], want: "Running" },
    { name: "sidecar waiting first time, app running", pod: makePod(["a"], withInit("Always", true)), statuses: [cs.waiting("init"), cs.running("a")], want: "Pending" },
    { name: "Never: app done, sidecar stopped", pod: makePod(["a"], withInit("Never", true)), statuses: [cs.terminated("init", 143), cs.terminated("a", 0)], want: "Succeeded" },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const got = podPhase(deepFreeze(c.pod), deepFreeze(c.statuses), { podIsTerminal: c.podIsTerminal });
      assert.equal(got, c.want);
    });
  }
});
