import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { definitionName, packageOf, packages, splitClassName } from "./definition-names.js";

describe("definition-names", () => {
  const splits: { name: string; className: string; want: { group?: string; type: string } }[] = [
    { name: "version prefix", className: "V1ServiceSpec", want: { type: "ServiceSpec" } },
    { name: "group prefix", className: "CoreV1EventSeries", want: { group: "Core", type: "EventSeries" } },
    { name: "beta version", className: "V1beta1Thing", want: { type: "Thing" } },
    { name: "digits in type", className: "V1FieldsV1", want: { type: "FieldsV1" } },
  ];
  for (const c of splits) it(`splits ${c.name}`, () => assert.deepEqual(splitClassName(c.className), c.want));

  const pkgs: { name: string; className: string; rootPkg: (typeof packages)[keyof typeof packages]; referrer?: (typeof packages)[keyof typeof packages]; want: string }[] = [
    { name: "meta type from apps", className: "V1ObjectMeta", rootPkg: packages.apps, want: "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
    { name: "plain type takes the root's package", className: "V1DeploymentSpec", rootPkg: packages.apps, want: "io.k8s.api.apps.v1.DeploymentSpec" },
    { name: "group prefix wins", className: "DiscoveryV1EndpointPort", rootPkg: packages.discovery, want: "io.k8s.api.discovery.v1.EndpointPort" },
    { name: "core prefix", className: "CoreV1EndpointPort", rootPkg: packages.core, want: "io.k8s.api.core.v1.EndpointPort" },
  ];
  for (const c of pkgs) {
    it(`places ${c.name}`, () => {
      const pkg = packageOf(c.className, { rootPkg: c.rootPkg, referrerPkg: c.referrer });
      assert.equal(definitionName(c.className, pkg), c.want);
    });
  }

  it("refuses a non-meta type reached from a meta type", () => {
    assert.throws(() => packageOf("V1ServiceSpec", { rootPkg: packages.core, referrerPkg: packages.meta }), /not listed as a meta type/);
  });

  it("refuses an unknown group prefix", () => {
    assert.throws(() => packageOf("StorageV1TokenRequest", { rootPkg: packages.core }), /unknown group prefix/);
  });
});
