import assert from "node:assert/strict";
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { podFileSource, writeAtomicDir, writePodFiles } from "./pod-files.js";

describe("podFileSource", () => {
  const cases = [
    { name: "resolv.conf", target: "/etc/resolv.conf" as const, want: "/d/etc-resolv.conf" },
    { name: "hosts", target: "/etc/hosts" as const, want: "/d/etc-hosts" },
    { name: "hostname", target: "/etc/hostname" as const, want: "/d/etc-hostname" },
    { name: "token volume", target: "/var/run/secrets/kubernetes.io/serviceaccount" as const, want: "/d/var-run-secrets-kubernetes.io-serviceaccount" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(podFileSource("/d", c.target), c.want));
});

describe("writePodFiles", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("writes the given files, mounts in order, rewrites in place", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "svcnet-podfiles-"));
    dirs.push(root);
    const podDir = path.join(root, "pods", "uid-1");
    const mounts = await writePodFiles(podDir, { "/etc/resolv.conf": "nameserver 10.0.0.10\n", "/etc/hosts": "127.0.0.1\tlocalhost\n" });
    assert.deepEqual(mounts, [
      { source: path.join(podDir, "etc-resolv.conf"), target: "/etc/resolv.conf" },
      { source: path.join(podDir, "etc-hosts"), target: "/etc/hosts" },
    ]);
    assert.equal(await readFile(path.join(podDir, "etc-hosts"), "utf8"), "127.0.0.1\tlocalhost\n");
    const inode = (await stat(path.join(podDir, "etc-hosts"))).ino;
    await writePodFiles(podDir, { "/etc/resolv.conf": "nameserver 10.0.0.10\n", "/etc/hosts": "changed\n", "/etc/hostname": "h\n" });
    assert.equal(await readFile(path.join(podDir, "etc-hosts"), "utf8"), "changed\n");
    assert.equal((await stat(path.join(podDir, "etc-hosts"))).ino, inode, "same inode, so existing bind mounts see it");
    assert.equal(await readFile(path.join(podDir, "etc-hostname"), "utf8"), "h\n");
  });
});

describe("writeAtomicDir", () => {
  const dirs: string[] = [];
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  async function fresh(): Promise<string> {
    const root = await mkdtemp(path.join(tmpdir(), "svcnet-atomic-"));
    dirs.push(root);
    return path.join(root, "sa");
  }
  const visible = async (dir: string): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const n of (await readdir(dir)).filter((n) => !n.startsWith(".."))) out[n] = await readFile(path.join(dir, n), "utf8");
    return out;
  };

  it("shows the files through ..data symlinks, kubelet's layout", async () => {
    const dir = await fresh();
    await writeAtomicDir(dir, { token: "t1", "ca.crt": "PEM", namespace: "default" });
    assert.deepEqual(await visible(dir), { "ca.crt": "PEM", namespace: "default", token: "t1" });
    assert.equal(await readlink(path.join(dir, "token")), "..data/token");
    assert.match(await readlink(path.join(dir, "..data")), /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.[a-z0-9]+$/);
    assert.equal((await stat(path.join(dir, "token"))).mode & 0o777, 0o644);
  });

  it("swaps everything at once, removes the old generation and names no longer given", async () => {
    const dir = await fresh();
    await writeAtomicDir(dir, { token: "t1", "ca.crt": "PEM", extra: "x" });
    const first = await readlink(path.join(dir, "..data"));
    await writeAtomicDir(dir, { token: "t2", "ca.crt": "PEM" });
    const second = await readlink(path.join(dir, "..data"));
    assert.notEqual(second, first);
    assert.deepEqual(await visible(dir), { "ca.crt": "PEM", token: "t2" });
    assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith("..")).sort(), ["..data", second].sort());
    assert.ok((await lstat(path.join(dir, "token"))).isSymbolicLink());
  });

  it("leaves a directory that already shows the same files alone", async () => {
    const dir = await fresh();
    await writeAtomicDir(dir, { token: "t1" });
    const before = await readlink(path.join(dir, "..data"));
    await writeAtomicDir(dir, { token: "t1" });
    assert.equal(await readlink(path.join(dir, "..data")), before);
  });

  it("refuses names that could escape or clash with its own", async () => {
    const dir = await fresh();
    for (const name of ["../x", "a/b", "..data", ""]) await assert.rejects(writeAtomicDir(dir, { [name]: "x" }), /invalid file name/);
  });

  it("is what writePodFiles does for the token volume, mounted after the files", async () => {
    const dir = await fresh();
    const mounts = await writePodFiles(dir, {
      "/etc/resolv.conf": "nameserver 10.0.0.10\n",
      "/etc/hosts": "127.0.0.1\tlocalhost\n",
      "/var/run/secrets/kubernetes.io/serviceaccount": { token: "t", namespace: "default" },
    });
    assert.deepEqual(mounts.map((m) => m.target), ["/etc/resolv.conf", "/etc/hosts", "/var/run/secrets/kubernetes.io/serviceaccount"]);
    assert.deepEqual(await visible(path.join(dir, "var-run-secrets-kubernetes.io-serviceaccount")), { namespace: "default", token: "t" });
  });
});
