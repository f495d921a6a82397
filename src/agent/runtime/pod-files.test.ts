import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { podFileSource, writePodFiles } from "./pod-files.js";

describe("podFileSource", () => {
  const cases = [
    { name: "resolv.conf", target: "/etc/resolv.conf" as const, want: "/d/etc-resolv.conf" },
    { name: "hosts", target: "/etc/hosts" as const, want: "/d/etc-hosts" },
    { name: "hostname", target: "/etc/hostname" as const, want: "/d/etc-hostname" },
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
