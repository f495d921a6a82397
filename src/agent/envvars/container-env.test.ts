import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Container, Pod } from "../../api/types.js";
import { containerEnv, containerEnvRecord, UnsupportedEnvSourceError } from "./container-env.js";
import { serviceVars, type EnvVar } from "./service-env.js";
import { UnsupportedFieldPathError } from "./field-ref.js";
import { makePod, makeService } from "./fixtures.js";

const kubernetes = makeService("default", "kubernetes", "10.0.0.1", [{ name: "https", port: 443, protocol: "TCP" }]);
const nginx = makeService("default", "nginx-service", "10.0.0.252", [{ port: 8000, protocol: "TCP" }]);
const services = [kubernetes, nginx];
const svcVars = [...serviceVars(kubernetes), ...serviceVars(nginx)];

function withEnv(env: Container["env"], edit?: (p: Pod) => void): { pod: Pod; container: Container } {
  const pod = makePod("default", "client", (p) => {
    p.spec.containers[0].env = env;
    edit?.(p);
  });
  return { pod, container: pod.spec.containers[0] };
}

describe("containerEnv", () => {
  const cases: { name: string; env: Container["env"]; edit?: (p: Pod) => void; envFrom?: EnvVar[]; want: EnvVar[] }[] = [
    { name: "no env: service variables only", env: undefined, want: svcVars },
    {
      name: "user value overrides a service variable and takes its place first",
      env: [{ name: "NGINX_SERVICE_SERVICE_HOST", value: "x" }],
      want: [{ name: "NGINX_SERVICE_SERVICE_HOST", value: "x" }, ...svcVars.filter((v) => v.name !== "NGINX_SERVICE_SERVICE_HOST")],
    },
    {
      name: "$(VAR) may refer to service variables",
      env: [{ name: "FOO", value: "$(NGINX_SERVICE_SERVICE_HOST):1" }],
      want: [{ name: "FOO", value: "10.0.0.252:1" }, ...svcVars],
    },
    {
      name: "$(VAR) sees earlier env entries, not later ones",
      env: [
        { name: "A", value: "a" },
        { name: "B", value: "$(A)-$(C)" },
        { name: "C", value: "c" },
      ],
      want: [
        { name: "A", value: "a" },
        { name: "B", value: "a-$(C)" },
        { name: "C", value: "c" },
        ...svcVars,
      ],
    },
    {
      name: "an env entry shadows a service variable for later references",
      env: [
        { name: "KUBERNETES_SERVICE_HOST", value: "override" },
        { name: "URL", value: "https://$(KUBERNETES_SERVICE_HOST)" },
      ],
      want: [
        { name: "KUBERNETES_SERVICE_HOST", value: "override" },
        { name: "URL", value: "https://override" },
        ...svcVars.filter((v) => v.name !== "KUBERNETES_SERVICE_HOST"),
      ],
    },
    {
      name: "escapes and unknown references",
      env: [{ name: "X", value: "$$(A) $(NOPE)" }],
      want: [{ name: "X", value: "$(A) $(NOPE)" }, ...svcVars],
    },
    {
      name: "redefinition keeps first position, last value",
      env: [
        { name: "A", value: "1" },
        { name: "B", value: "2" },
        { name: "A", value: "$(A)3" },
      ],
      want: [
        { name: "A", value: "13" },
        { name: "B", value: "2" },
        ...svcVars,
      ],
    },
    {
      name: "envFrom first, env overrides, both reachable by $(VAR)",
      env: [
        { name: "B", value: "env-b" },
        { name: "C", value: "$(A)/$(B)" },
      ],
      envFrom: [
        { name: "A", value: "from-a" },
        { name: "B", value: "from-b" },
      ],
      want: [
        { name: "A", value: "from-a" },
        { name: "B", value: "env-b" },
        { name: "C", value: "from-a/env-b" },
        ...svcVars,
      ],
    },
    {
      name: "fieldRef values",
      env: [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
        { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
        { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: "ADDR", value: "$(POD_IP):8080" },
      ],
      edit: (p) => (p.metadata.labels = { app: "web" }),
      want: [
        { name: "POD_NAME", value: "client" },
        { name: "POD_IP", value: "10.1.0.7" },
        { name: "NODE", value: "node-a" },
        { name: "HOST_IP", value: "192.168.1.2" },
        { name: "APP", value: "web" },
        { name: "ADDR", value: "10.1.0.7:8080" },
        ...svcVars,
      ],
    },
    {
      name: "a value is not expanded when taken from fieldRef",
      env: [{ name: "ANN", valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a']" } } }],
      edit: (p) => (p.metadata.annotations = { a: "$(KUBERNETES_SERVICE_HOST)" }),
      want: [{ name: "ANN", value: "$(KUBERNETES_SERVICE_HOST)" }, ...svcVars],
    },
    {
      name: "empty value and no source gives empty string",
      env: [{ name: "E", value: "" }, { name: "F" }],
      want: [
        { name: "E", value: "" },
        { name: "F", value: "" },
        ...svcVars,
      ],
    },
    {
      name: "enableServiceLinks false: only kubernetes variables, references to others unresolved",
      env: [{ name: "H", value: "$(NGINX_SERVICE_SERVICE_HOST)" }],
      edit: (p) => (p.spec["enableServiceLinks"] = false),
      want: [{ name: "H", value: "$(NGINX_SERVICE_SERVICE_HOST)" }, ...serviceVars(kubernetes)],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { pod, container } = withEnv(c.env, c.edit);
      const got = containerEnv(pod, container, {
        services,
        envFrom: c.envFrom,
        podIPs: ["10.1.0.7"],
        hostIPs: ["192.168.1.2"],
        nodeName: "node-a",
      });
      assert.deepEqual(got, c.want);
    });
  }

  it("pod in another namespace only gets KUBERNETES_*", () => {
    const pod = makePod("staging", "p");
    assert.deepEqual(containerEnv(pod, pod.spec.containers[0], { services }), serviceVars(kubernetes));
  });

  it("record form", () => {
    const { pod, container } = withEnv([{ name: "A", value: "1" }]);
    const rec = containerEnvRecord(pod, container, { services });
    assert.equal(rec["A"], "1");
    assert.equal(rec["NGINX_SERVICE_PORT"], "tcp://10.0.0.252:8000");
    assert.equal(Object.keys(rec).length, 1 + svcVars.length);
  });

  it("configMapKeyRef / secretKeyRef are rejected (need I/O)", () => {
    const { pod, container } = withEnv([{ name: "S", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }]);
    assert.throws(() => containerEnv(pod, container, { services }), UnsupportedEnvSourceError);
  });

  it("unsupported fieldPath fails like kubelet", () => {
    const { pod, container } = withEnv([{ name: "S", valueFrom: { fieldRef: { fieldPath: "status.phase" } } }]);
    assert.throws(() => containerEnv(pod, container, { services }), UnsupportedFieldPathError);
  });
});
