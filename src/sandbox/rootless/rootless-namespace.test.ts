import assert from "node:assert/strict";
import { test } from "node:test";
import { hiddenByPrivateRun, rootlessArgv, rootlessInside, ROOTLESS_ENV } from "./rootless-namespace.js";

test("rootlessArgv re-runs svcnet as root of a new user namespace with private mounts", () => {
  assert.deepEqual(rootlessArgv("/usr/bin/node", "/x/bin/svcnet.js", ["up", "--rootless", "--nodes", "3"]), [
    "unshare", "--user", "--map-root-user", "--mount", "--propagation", "private", "--",
    "/usr/bin/node", "/x/bin/svcnet.js", "up", "--rootless", "--nodes", "3",
  ]);
});

test("rootlessInside reads the marker the outer svcnet sets", () => {
  assert.equal(rootlessInside({ [ROOTLESS_ENV]: "1" }), true);
  assert.equal(rootlessInside({}), false);
  assert.equal(rootlessInside({ [ROOTLESS_ENV]: "0" }), false);
});

test("hiddenByPrivateRun refuses directories the private /run would hide", () => {
  const cases: { dir: string; hidden: boolean }[] = [
    { dir: "/run", hidden: true },
    { dir: "/run/user/1000/svcnet", hidden: true },
    { dir: "/var/run/svcnet", hidden: true },
    { dir: "/home/me/.svcnet", hidden: false },
    { dir: "/tmp/run", hidden: false },
    { dir: "/runway", hidden: false },
  ];
  for (const c of cases) {
    const why = hiddenByPrivateRun(c.dir);
    assert.equal(why !== undefined, c.hidden, c.dir);
    if (why) assert.match(why, /use a directory elsewhere/);
  }
});
