import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fieldRefValue, UnsupportedFieldPathError } from "./field-ref.js";
import { makePod } from "./fixtures.js";

const pod = makePod("web", "web-0", (p) => {
  p.metadata.uid = "1234-abcd";
  p.metadata.labels = { app: "nginx", tier: "front" };
  p.metadata.annotations = { "example.com/note": 'say "hi"' };
  p.spec.nodeName = "node-a";
  p.spec["serviceAccountName"] = "builder";
  p.status = {
    podIP: "10.1.0.5",
    podIPs: [{ ip: "10.1.0.5" }, { ip: "fd00::5" }],
    hostIP: "192.168.1.2",
    hostIPs: [{ ip: "192.168.1.2" }, { ip: "fd00:1::2" }],
  };
});
const bare = makePod("web", "bare");

describe("fieldRefValue", () => {
  const cases = [
    { name: "metadata.name", pod, path: "metadata.name", want: "web-0" },
    { name: "metadata.namespace", pod, path: "metadata.namespace", want: "web" },
    { name: "metadata.uid", pod, path: "metadata.uid", want: "1234-abcd" },
    { name: "spec.nodeName", pod, path: "spec.nodeName", want: "node-a" },
    { name: "spec.nodeName from runtime info", pod: bare, path: "spec.nodeName", info: { nodeName: "node-b" }, want: "node-b" },
    { name: "spec.serviceAccountName", pod, path: "spec.serviceAccountName", want: "builder" },
    { name: "spec.serviceAccountName unset", pod: bare, path: "spec.serviceAccountName", want: "" },
    { name: "status.podIP from status", pod, path: "status.podIP", want: "10.1.0.5" },
    { name: "status.podIPs from status", pod, path: "status.podIPs", want: "10.1.0.5,fd00::5" },
    { name: "status.podIP from runtime info wins", pod, path: "status.podIP", info: { podIPs: ["10.9.9.9"] }, want: "10.9.9.9" },
    { name: "status.podIPs from runtime info", pod: bare, path: "status.podIPs", info: { podIPs: ["10.9.9.9", "fd00::9"] }, want: "10.9.9.9,fd00::9" },
    { name: "status.podIP unknown", pod: bare, path: "status.podIP", want: "" },
    { name: "status.hostIP", pod, path: "status.hostIP", want: "192.168.1.2" },
    { name: "status.hostIPs", pod, path: "status.hostIPs", want: "192.168.1.2,fd00:1::2" },
    { name: "status.hostIP from runtime info", pod: bare, path: "status.hostIP", info: { hostIPs: ["127.0.0.1"] }, want: "127.0.0.1" },
    { name: "one label", pod, path: "metadata.labels['app']", want: "nginx" },
    { name: "missing label", pod, path: "metadata.labels['nope']", want: "" },
    { name: "one annotation", pod, path: "metadata.annotations['example.com/note']", want: 'say "hi"' },
    { name: "all labels, sorted, quoted", pod, path: "metadata.labels", want: 'app="nginx"\ntier="front"' },
    { name: "all annotations, escaped", pod, path: "metadata.annotations", want: 'example.com/note="say \\"hi\\""' },
    { name: "no labels", pod: bare, path: "metadata.labels", want: "" },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(fieldRefValue(c.pod, c.path, c.info), c.want));
  }

  for (const path of ["spec.containers", "metadata.generateName", "status.phase", ""]) {
    it(`rejects ${JSON.stringify(path)}`, () => assert.throws(() => fieldRefValue(pod, path), UnsupportedFieldPathError));
  }
});
