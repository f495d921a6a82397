import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../types.js";
import { defaultImagePullPolicy, defaultPod, defaultPodSpec } from "./pod.js";

test("image pull policy follows the tag", async (t) => {
  const cases: [string, string][] = [
    ["nginx", "Always"],
    ["nginx:latest", "Always"],
    ["nginx:1.27", "IfNotPresent"],
    ["localhost:5000/nginx", "Always"],
    ["localhost:5000/nginx:1.0", "IfNotPresent"],
    ["nginx@sha256:abc", "IfNotPresent"],
  ];
  for (const [image, want] of cases) await t.test(image, () => assert.equal(defaultImagePullPolicy(image), want));
});

test("pod defaults", () => {
  const pod: Pod = {
    metadata: { name: "p", namespace: "default" },
    spec: {
      containers: [
        {
          name: "nginx",
          image: "nginx",
          ports: [{ containerPort: 80 }],
          env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
          readinessProbe: { httpGet: { port: 80 } },
          resources: { limits: { cpu: "1" } },
        },
      ],
    },
  };
  defaultPod(pod);
  assert.deepEqual(pod.spec, {
    containers: [
      {
        name: "nginx",
        image: "nginx",
        ports: [{ containerPort: 80, protocol: "TCP" }],
        env: [{ name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName", apiVersion: "v1" } } }],
        readinessProbe: { httpGet: { port: 80, path: "/", scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        resources: { limits: { cpu: "1" }, requests: { cpu: "1" } },
        imagePullPolicy: "Always",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
      },
    ],
    dnsPolicy: "ClusterFirst",
    restartPolicy: "Always",
    terminationGracePeriodSeconds: 30,
    securityContext: {},
    schedulerName: "default-scheduler",
    enableServiceLinks: true,
  });
});

test("templates do not get pod-only defaults; host network copies ports", () => {
  const spec: Pod["spec"] = { containers: [{ name: "c", image: "busybox:1.36", resources: { limits: { cpu: "1" } } }] };
  defaultPodSpec(spec);
  assert.equal(spec.enableServiceLinks, undefined);
  assert.deepEqual(spec.containers[0].resources, { limits: { cpu: "1" } });
  const pod: Pod = { metadata: { name: "h" }, spec: { hostNetwork: true, containers: [{ name: "c", image: "x", ports: [{ containerPort: 53 }] }] } };
  defaultPod(pod);
  assert.equal(pod.spec.containers[0].ports?.[0].hostPort, 53);
});
