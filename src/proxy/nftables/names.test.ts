import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServicePortName } from "../types.js";
import { affinitySetName, endpointChainName, hashedName, isServiceChainName, serviceChainName } from "./names.js";

const nginx: ServicePortName = { namespace: "default", name: "nginx-service", port: "", protocol: "TCP" };
const svc1: ServicePortName = { namespace: "ns1", name: "svc1", port: "p80", protocol: "TCP" };

test("chain names match kube-proxy's (the reference's nginx names and upstream's test names)", () => {
  const cases: { name: string; got: string; want: string }[] = [
    { name: "nginx service chain (unnamed port ⇒ trailing slash)", got: serviceChainName("service-", nginx), want: "service-UOJBH74F-default/nginx-service/tcp/" },
    { name: "nginx endpoint .2", got: endpointChainName(nginx, "10.1.13.2", 80), want: "endpoint-YZSKHQER-default/nginx-service/tcp/__10.1.13.2/80" },
    { name: "nginx endpoint .3", got: endpointChainName(nginx, "10.1.13.3", 80), want: "endpoint-MLH6KRKJ-default/nginx-service/tcp/__10.1.13.3/80" },
    { name: "nginx endpoint .4", got: endpointChainName(nginx, "10.1.13.4", 80), want: "endpoint-4BWRJCQT-default/nginx-service/tcp/__10.1.13.4/80" },
    { name: "upstream svc1", got: serviceChainName("service-", svc1), want: "service-ULMVA6XW-ns1/svc1/tcp/p80" },
    { name: "upstream svc1 endpoint", got: endpointChainName(svc1, "10.180.0.1", 80), want: "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80" },
    { name: "external shares the service hash", got: serviceChainName("external-", svc1), want: "external-ULMVA6XW-ns1/svc1/tcp/p80" },
    { name: "affinity set shares the endpoint hash", got: affinitySetName(svc1, "10.180.0.1", 80), want: "affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80" },
  ];
  for (const c of cases) assert.equal(c.got, c.want, c.name);
});

test("IPv6 endpoint colons become dots; over-long names are cut with an ellipsis", () => {
  assert.match(endpointChainName(svc1, "fd00::1", 80), /__fd00..1\/80$/);
  const long = hashedName("x".repeat(300));
  assert.equal(long.length, 240);
  assert.ok(long.endsWith("..."));
});

test("isServiceChainName tells per-service chains from the fixed ones", () => {
  assert.equal(isServiceChainName("services"), false);
  assert.equal(isServiceChainName("mark-for-masquerade"), false);
  assert.equal(isServiceChainName(serviceChainName("local-", svc1)), true);
});
