import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InClusterConfigError, fileTokenSource, inClusterConfig } from "./in-cluster-config.js";

describe("inClusterConfig", () => {
  const files: Record<string, string> = { "/sa/token": "tok\n", "/sa/ca.crt": "PEM", "/sa/namespace": "team-a\n" };
  const readFile = (p: string): string => {
    if (!(p in files)) throw new Error(`ENOENT ${p}`);
    return files[p];
  };
  const cases: { name: string; env: Record<string, string>; want: unknown }[] = [
    {
      name: "the kubernetes Service and the token volume",
      env: { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" },
      want: { config: { server: "https://10.0.0.1:443", ca: "PEM", namespace: "team-a" }, tokenFile: "/sa/token" },
    },
    {
      name: "an IPv6 service address",
      env: { KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "443" },
      want: { config: { server: "https://[fd00::1]:443", ca: "PEM", namespace: "team-a" }, tokenFile: "/sa/token" },
    },
    {
      name: "no service environment",
      env: { KUBERNETES_SERVICE_HOST: "10.0.0.1" },
      want: "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (typeof c.want === "string") {
        assert.throws(() => inClusterConfig({ env: c.env, dir: "/sa", readFile }), (e: unknown) => e instanceof InClusterConfigError && e.message === c.want);
      } else {
        assert.deepEqual(inClusterConfig({ env: c.env, dir: "/sa", readFile }), c.want);
      }
    });
  }
  it("no token file", () => {
    assert.throws(() => inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: "h", KUBERNETES_SERVICE_PORT: "1" }, dir: "/none", readFile }), /cannot read \/none\/token/);
  });
});

describe("fileTokenSource", () => {
  it("reads again only when the file changed, and keeps the last token when it vanishes", () => {
    let file: { ino: number; mtimeMs: number; text: string } | undefined = { ino: 1, mtimeMs: 10, text: "a\n" };
    let reads = 0;
    const source = fileTokenSource("/sa/token", {
      stat: () => {
        if (!file) throw new Error("ENOENT");
        return file;
      },
      readFile: () => {
        reads++;
        return file?.text ?? "";
      },
    });
    assert.equal(source(), "a");
    assert.equal(source(), "a");
    assert.equal(reads, 1);
    file = { ino: 2, mtimeMs: 10, text: "b" };
    assert.equal(source(), "b", "a rename brings another inode");
    file = undefined;
    assert.equal(source(), "b");
    assert.equal(reads, 2);
  });
});
