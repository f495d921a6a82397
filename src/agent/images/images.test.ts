import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Container } from "../../api/types.js";
import { DEFAULT_PAGE_HTML } from "./default-page.js";
import { imageRepository } from "./image-name.js";
import { isImageError, NGINX_BINARY, resolveImage, type ImageResolution, type ResolveImageOptions } from "./images.js";

const DIR = "/run/svcnet/pods/uid-1/nginx";
const OPTIONS: ResolveImageOptions = { containerDir: DIR, nginxRoot: "/var/www/html", nodePath: "/usr/bin/node", repoRoot: "/opt/svcnet" };
const NGINX = [NGINX_BINARY, "-p", DIR, "-e", "stderr", "-c", `${DIR}/nginx.conf`];
const NETEXEC = ["/usr/bin/node", "/opt/svcnet/dist/src/agent/images/netexec.js"];

function container(image: string | undefined, change: (c: Container) => void = () => {}): Container {
  const c: Container = { name: "c", ...(image === undefined ? {} : { image }) };
  change(c);
  return c;
}

/** The resolution without generated files, which are checked separately. */
function argvOf(r: ImageResolution): { command: string[]; args?: string[] } | { error: string } {
  if (isImageError(r)) return { error: r.error.message };
  return r.args ? { command: r.command, args: r.args } : { command: r.command };
}

const pullError = (image: string): { error: string } => ({
  error: `Failed to pull image "${image}": svcnet runs no container images; built-in images are nginx, svcnet/netexec, svcnet/dns, busybox, curl — give the container a command`,
});

describe("resolveImage", () => {
  const cases: { name: string; container: Container; want: ReturnType<typeof argvOf> }[] = [
    { name: "nginx runs in the foreground", container: container("nginx"), want: { command: NGINX, args: ["-g", "daemon off;"] } },
    { name: "nginx with a tag", container: container("nginx:1.25"), want: { command: NGINX, args: ["-g", "daemon off;"] } },
    { name: "nginx fully qualified with digest", container: container("docker.io/library/nginx:1.25@sha256:abc"), want: { command: NGINX, args: ["-g", "daemon off;"] } },
    { name: "nginx args replace the default args", container: container("nginx", (c) => (c.args = ["-g", "daemon off; worker_processes 2;"])), want: { command: NGINX, args: ["-g", "daemon off; worker_processes 2;"] } },
    { name: "nginx command 'nginx' keeps the generated config", container: container("nginx", (c) => (c.command = ["nginx", "-g", "daemon off;"])), want: { command: [...NGINX, "-g", "daemon off;"] } },
    { name: "nginx command naming its own config runs as given", container: container("nginx", (c) => (c.command = ["nginx", "-c", "/tmp/x.conf"])), want: { command: ["nginx", "-c", "/tmp/x.conf"] } },
    { name: "nginx image with another command runs it", container: container("nginx", (c) => ((c.command = ["sleep"]), (c.args = ["10"]))), want: { command: ["sleep"], args: ["10"] } },
    { name: "netexec with default flags", container: container("svcnet/netexec"), want: { command: NETEXEC } },
    { name: "netexec with a tag and args", container: container("svcnet/netexec:1.0", (c) => (c.args = ["--http-port=9376"])), want: { command: NETEXEC, args: ["--http-port=9376"] } },
    { name: "netexec command overrides the entrypoint", container: container("svcnet/netexec", (c) => (c.command = ["sh", "-c", "true"])), want: { command: ["sh", "-c", "true"] } },
    {
      name: "svcnet/dns runs `svcnet dns` with the container's args",
      container: container("svcnet/dns", (c) => (c.args = ["--pods", "insecure"])),
      want: { command: ["/usr/bin/node", "/opt/svcnet/bin/svcnet.js", "dns"], args: ["--pods", "insecure"] },
    },
    { name: "busybox without a command runs sh", container: container("busybox"), want: { command: ["sh"] } },
    { name: "busybox with a tag", container: container("busybox:1.36"), want: { command: ["sh"] } },
    { name: "busybox command and args as given", container: container("busybox", (c) => ((c.command = ["sh", "-c"]), (c.args = ["sleep 3600"]))), want: { command: ["sh", "-c"], args: ["sleep 3600"] } },
    { name: "busybox args alone are the command line", container: container("busybox", (c) => (c.args = ["sleep", "3600"])), want: { command: ["sleep"], args: ["3600"] } },
    { name: "curl without a command runs sh", container: container("curl"), want: { command: ["sh"] } },
    { name: "curlimages/curl with a tag", container: container("curlimages/curl:8.5.0", (c) => (c.command = ["curl", "-s", "http://10.1.13.5"])), want: { command: ["curl", "-s", "http://10.1.13.5"] } },
    { name: "unknown image with command and args", container: container("alpine:3", (c) => ((c.command = ["/bin/echo"]), (c.args = ["hi"]))), want: { command: ["/bin/echo"], args: ["hi"] } },
    { name: "unknown image with only a command", container: container("registry.example/app", (c) => (c.command = ["sleep", "1"])), want: { command: ["sleep", "1"] } },
    { name: "unknown image without a command", container: container("foo:1"), want: pullError("foo:1") },
    { name: "unknown image with only args", container: container("foo:1", (c) => (c.args = ["x"])), want: pullError("foo:1") },
    { name: "unknown image with an empty command", container: container("foo", (c) => (c.command = [])), want: pullError("foo") },
    { name: "no image and no command", container: container(undefined), want: pullError("") },
    { name: "a registry other than Docker Hub is not the built-in", container: container("quay.io/nginx"), want: pullError("quay.io/nginx") },
  ];
  for (const tc of cases) {
    it(tc.name, () => assert.deepEqual(argvOf(resolveImage(tc.container, OPTIONS)), tc.want));
  }

  it("reports ErrImagePull as the reason", () => {
    const r = resolveImage(container("foo:1"), OPTIONS);
    assert.ok(isImageError(r));
    assert.equal(r.error.reason, "ErrImagePull");
  });

  it("nginx writes only its config when given a document root", () => {
    const r = resolveImage(container("nginx"), OPTIONS);
    assert.ok(!isImageError(r));
    assert.deepEqual(Object.keys(r.files ?? {}), [`${DIR}/nginx.conf`]);
    const conf = r.files?.[`${DIR}/nginx.conf`] ?? "";
    for (const line of ["listen 80 default_server;", "root /var/www/html;", `pid ${DIR}/nginx.pid;`, "access_log /dev/stdout;", "error_log stderr notice;"]) {
      assert.ok(conf.includes(line), `config lacks ${line}`);
    }
  });

  it("nginx without a document root writes its own default page", () => {
    const r = resolveImage(container("nginx"), { containerDir: DIR });
    assert.ok(!isImageError(r));
    assert.equal(r.files?.[`${DIR}/html/index.html`], DEFAULT_PAGE_HTML);
    assert.ok(r.files?.[`${DIR}/nginx.conf`]?.includes(`root ${DIR}/html;`));
  });

  it("nginx listen address, port and user are configurable", () => {
    const r = resolveImage(container("nginx"), { ...OPTIONS, nginxAddress: "127.0.0.1", nginxPort: 18080, nginxUser: "root" });
    assert.ok(!isImageError(r));
    const conf = r.files?.[`${DIR}/nginx.conf`] ?? "";
    assert.ok(conf.includes("listen 127.0.0.1:18080 default_server;"));
    assert.ok(conf.startsWith("user root;\n"));
  });

  it("other images write no files", () => {
    for (const image of ["busybox", "svcnet/netexec", "alpine"]) {
      const r = resolveImage(container(image, (c) => (c.command = ["true"])), OPTIONS);
      assert.ok(!isImageError(r) && r.files === undefined, image);
    }
  });

  it("netexec defaults to this checkout's dist and the current node", () => {
    const r = resolveImage(container("svcnet/netexec"), { containerDir: DIR });
    assert.ok(!isImageError(r));
    assert.equal(r.command[0], process.execPath);
    const compiled = import.meta.url.endsWith(".js");
    const script = new URL(compiled ? "./netexec.js" : "../../../dist/src/agent/images/netexec.js", import.meta.url).pathname;
    assert.equal(r.command[1], script);
  });
});

describe("imageRepository", () => {
  const cases: [string, string][] = [
    ["nginx", "nginx"],
    ["nginx:1.25", "nginx"],
    ["library/nginx", "nginx"],
    ["docker.io/nginx:latest", "nginx"],
    ["index.docker.io/library/nginx", "nginx"],
    ["nginx@sha256:0123", "nginx"],
    ["svcnet/netexec:1.0", "svcnet/netexec"],
    ["localhost:5000/app", "localhost:5000/app"],
    ["localhost:5000/app:v2", "localhost:5000/app"],
    [" busybox ", "busybox"],
  ];
  for (const [image, want] of cases) it(image, () => assert.equal(imageRepository(image), want));
});
