import { test } from "node:test";
import assert from "node:assert/strict";
import { TourFormatError, extractTourSteps } from "./tour-steps.js";

const doc = (...lines: string[]): string => lines.join("\n");

test("extractTourSteps reads the console blocks between the markers", async (t) => {
  const cases: Array<{ name: string; markdown: string; steps: Array<{ command: string; expected: string[]; line: number }> }> = [
    {
      name: "commands with and without output; prose and sh blocks ignored",
      markdown: doc(
        "```console", "$ outside", "```",
        "<!-- tour:start -->",
        "Prose.",
        "```sh", "make up", "```",
        "```console",
        "$ kubectl create -f x.yaml",
        "replicationcontroller/nginx-controller created",
        "$ kubectl get pods",
        "NAME   READY",
        "…",
        "```",
        "More prose with $ signs.",
        "```console", "$ true", "```",
        "<!-- tour:end -->",
        "```console", "$ after", "```",
      ),
      steps: [
        { command: "kubectl create -f x.yaml", expected: ["replicationcontroller/nginx-controller created"], line: 10 },
        { command: "kubectl get pods", expected: ["NAME   READY", "…"], line: 12 },
        { command: "true", expected: [], line: 18 },
      ],
    },
    {
      name: "blank lines inside output are kept",
      markdown: doc("<!-- tour:start -->", "```console", "$ iptables -L", "Chain A", "", "Chain B", "```", "<!-- tour:end -->"),
      steps: [{ command: "iptables -L", expected: ["Chain A", "", "Chain B"], line: 3 }],
    },
    { name: "an empty tour", markdown: doc("<!-- tour:start -->", "<!-- tour:end -->"), steps: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.deepEqual(extractTourSteps(c.markdown), c.steps));
  }
});

test("extractTourSteps refuses a README it cannot read", async (t) => {
  const cases: Array<{ name: string; markdown: string; message: RegExp }> = [
    { name: "no markers", markdown: "# README\n", message: /found 0 and 0/ },
    { name: "two starts", markdown: doc("<!-- tour:start -->", "<!-- tour:start -->", "<!-- tour:end -->"), message: /found 2 and 1/ },
    { name: "end before start", markdown: doc("<!-- tour:end -->", "<!-- tour:start -->"), message: /comes before/ },
    { name: "unclosed block", markdown: doc("<!-- tour:start -->", "```console", "$ true", "<!-- tour:end -->"), message: /not closed/ },
    { name: "output before a command", markdown: doc("<!-- tour:start -->", "```console", "orphan", "```", "<!-- tour:end -->"), message: /line 3: output before/ },
  ];
  for (const c of cases) {
    await t.test(c.name, () => assert.throws(() => extractTourSteps(c.markdown), (e: unknown) => e instanceof TourFormatError && c.message.test(e.message)));
  }
});
