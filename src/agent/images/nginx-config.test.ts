import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

import { DEFAULT_PAGE_HTML, hostDefaultPageRoot } from "./default-page.js";
import { isImageError, NGINX_BINARY, resolveImage } from "./images.js";
import { nginxConfig, type NginxConfigOptions } from "./nginx-config.js";
import { eventually, freePort, start, writeFiles } from "./test-helpers.js";

const SKIP = existsSync(NGINX_BINARY) ? false : `${NGINX_BINARY} is absent: install Debian's nginx-light (make deps)`;

it("nginxConfig with singleProcess runs no master process", () => {
  const conf = nginxConfig({ listenPort: 80, root: "/r", pidFile: "/p", tempDir: "/t", accessLog: "/dev/stdout", errorLog: "stderr", user: "root", singleProcess: true });
  assert.match(conf, /^master_process off;$/m);
  assert.match(conf, /^user root;$/m);
});

describe("nginxConfig", { skip: SKIP }, () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-nginx-conf-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const base = (): NginxConfigOptions => ({
    listenPort: 80,
    root: "/var/www/html",
    pidFile: join(dir, "nginx.pid"),
    tempDir: dir,
    accessLog: "/dev/stdout",
    errorLog: "stderr",
  });
  const cases: { name: string; change: (o: NginxConfigOptions) => void }[] = [
    { name: "the image's defaults", change: () => {} },
    { name: "a listen address and port", change: (o) => ((o.listenAddress = "127.0.0.1"), (o.listenPort = 18080)) },
    { name: "a worker user", change: (o) => (o.user = "root") },
    { name: "one process (a user namespace that refuses setgroups)", change: (o) => ((o.singleProcess = true), (o.user = "root")) },
    { name: "an error log file", change: (o) => (o.errorLog = join(dir, "error.log")) },
  ];
  for (const tc of cases) {
    it(`nginx -t accepts ${tc.name}`, async () => {
      const options = base();
      tc.change(options);
      const file = join(dir, "test.conf");
      await writeFile(file, nginxConfig(options));
      const nginx = start([NGINX_BINARY, "-t", "-p", dir, "-e", "stderr", "-c", file], dir);
      assert.equal(await nginx.exited, 0, nginx.stderr());
      assert.match(nginx.stderr(), /syntax is ok/);
      assert.match(nginx.stderr(), /test is successful/);
    });
  }

  it("contains no daemon directive (the command line sets it)", () => {
    assert.doesNotMatch(nginxConfig(base()), /daemon/);
  });
});

describe("built-in nginx image, for real", { skip: SKIP }, () => {
  const roots: { name: string; root: string | undefined; skip?: string | false }[] = [
    { name: "Debian's default page", root: hostDefaultPageRoot(), skip: hostDefaultPageRoot() ? false : "no Debian default page on this host" },
    { name: "the generated default page", root: undefined },
  ];
  for (const tc of roots) {
    it(`serves ${tc.name} on 127.0.0.1 and logs the request to stdout`, { skip: tc.skip }, async () => {
      const dir = await mkdtemp(join(tmpdir(), "svcnet-nginx-run-"));
      // Workers run as nginx's default user when we are root; let them read the generated page.
      await chmod(dir, 0o755);
      const port = await freePort();
      const resolved = resolveImage({ name: "nginx", image: "nginx:1.25" }, { containerDir: dir, nginxRoot: tc.root, nginxAddress: "127.0.0.1", nginxPort: port });
      assert.ok(!isImageError(resolved));
      await writeFiles(resolved.files ?? {});
      const nginx = start([...resolved.command, ...(resolved.args ?? [])], dir);
      try {
        const body = await eventually(async () => {
          if (nginx.child.exitCode !== null) throw new Error(`nginx exited: ${nginx.stderr()}`);
          const res = await fetch(`http://127.0.0.1:${port}/`);
          assert.equal(res.status, 200);
          return res.text();
        });
        assert.match(body, /<title>Welcome to nginx!<\/title>/);
        if (!tc.root) assert.equal(body, DEFAULT_PAGE_HTML);
        await eventually(() => assert.match(nginx.stdout(), /"GET \/ HTTP\/1\.1" 200 \d+/));
        assert.ok(existsSync(join(dir, "nginx.pid")), "pid file under the container dir");
        const res404 = await fetch(`http://127.0.0.1:${port}/nope`);
        assert.equal(res404.status, 404);
        await res404.text();
        // SIGTERM is nginx's fast shutdown; it exits 0.
        assert.equal(await nginx.stop(), 0, `nginx exit: ${nginx.stderr()}`);
      } finally {
        await nginx.stop();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
