// startRelay without root: a stand-in `ip` program runs the relay in this namespace instead of
// entering one (`ip netns exec <ns> cmd…` becomes `cmd…`), so the real relay-main.js, its ready
// line, its stdin lifetime and its socket are all exercised. Targets are on 127.0.0.1 only.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import type { RelayStartErrorCode, StartRelayOptions } from "./relay-process.js";
import { RelayStartError, relayCommand, startRelay } from "./relay-process.js";
import { answers } from "./relay-server.js";
import { alive, failsWithCode, listenLoopback, namedEcho, waitFor } from "./test-helpers.js";

const failsWith = (code: RelayStartErrorCode, message: RegExp): ((error: unknown) => boolean) => failsWithCode(RelayStartError, code, message);

describe("relayCommand", () => {
  it("enters the namespace and passes every allowed range", () => {
    const options: StartRelayOptions = { netns: "svcnet-up-client", socketPath: "/tmp/x/relay.sock", allow: ["172.17.8.0/24", "10.0.0.0/24"], nodePath: "/usr/bin/node", script: "/opt/relay-main.js" };
    assert.deepEqual(relayCommand(options), {
      program: "ip",
      args: ["netns", "exec", "svcnet-up-client", "/usr/bin/node", "/opt/relay-main.js", "--socket", "/tmp/x/relay.sock", "--allow", "172.17.8.0/24", "--allow", "10.0.0.0/24"],
    });
  });

  it("defaults to this Node and the relay-main.js beside the module", () => {
    const { program, args } = relayCommand({ netns: "n", socketPath: "/s", allow: ["127.0.0.0/8"] });
    assert.equal(program, "ip");
    assert.equal(args[3], process.execPath);
    assert.match(args[4], /[/\\]sandbox[/\\]forwarder[/\\]relay-main\.js$/);
    assert.ok(existsSync(args[4]), `${args[4]} exists (built)`);
  });
});

describe("startRelay (stand-in ip, this namespace)", () => {
  let dir: string;
  let fakeIp: string;
  let echo: Server;
  let echoPort: number;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "svcnet-relay-proc-test-"));
    fakeIp = join(dir, "fake-ip");
    await writeFile(fakeIp, '#!/bin/sh\n[ "$1" = netns ] && [ "$2" = exec ] || { echo "fake ip: unexpected $*" >&2; exit 1; }\nshift 3\nexec "$@"\n');
    await chmod(fakeIp, 0o755);
    echo = namedEcho("echo");
    echoPort = await listenLoopback(echo);
  });

  after(async () => {
    echo.close();
    await rm(dir, { recursive: true, force: true });
  });

  const base = (name: string): StartRelayOptions => ({ netns: "svcnet-tfake-none", socketPath: join(dir, `${name}.sock`), allow: ["127.0.0.0/8"], ipProgram: fakeIp });

  it("resolves once the relay answers, relays, and stops on stdin close", async () => {
    const logs: string[] = [];
    const relay = await startRelay({ ...base("lifecycle"), log: (l) => logs.push(l) });
    assert.ok(relay.pid !== undefined && alive(relay.pid));
    assert.equal(await answers(relay.socketPath), true);

    const socket = connect({ path: relay.socketPath, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.end(`CONNECT 127.0.0.1:${echoPort}\nping`);
    await once(socket, "end");
    assert.equal(Buffer.concat(chunks).toString(), "echo:ping");
    socket.destroy();

    // A refusal shows up in the log (the relay's stderr).
    const refused = connect({ path: relay.socketPath });
    refused.on("error", () => undefined);
    refused.write("CONNECT 172.17.8.101:80\n");
    await new Promise((resolve) => refused.once("close", resolve));
    await waitFor(() => logs.length > 0);
    assert.match(logs[0], /refused: 172\.17\.8\.101:80 is outside the allowed ranges/);

    await relay.stop();
    // Closing stdin is enough: it exits on its own, code 0, rather than being killed.
    assert.deepEqual(await relay.exited, { code: 0, signal: null });
    assert.equal(alive(relay.pid), false);
    assert.equal(existsSync(relay.socketPath), false);
    await relay.stop();
  });

  it("goes away, socket and all, when the process that started it is killed", async () => {
    const socketPath = join(dir, "orphan.sock");
    const parentScript = [
      `import { startRelay } from ${JSON.stringify(new URL("./relay-process.js", import.meta.url).href)};`,
      `const relay = await startRelay(${JSON.stringify({ ...base("orphan"), socketPath })});`,
      "console.log(relay.pid);",
      "setInterval(() => {}, 1000);",
    ].join("\n");
    const parent = spawn(process.execPath, ["--input-type=module", "-e", parentScript], { stdio: ["ignore", "pipe", "inherit"] });
    const [line] = (await once(createInterface({ input: parent.stdout }), "line")) as [string];
    const relayPid = Number(line);
    assert.ok(relayPid > 0 && alive(relayPid), line);
    assert.equal(await answers(socketPath), true);

    parent.kill("SIGKILL");
    await once(parent, "close");
    await waitFor(() => !alive(relayPid), 5000);
    assert.equal(existsSync(socketPath), false, "the relay removed its socket on the way out");
  });

  it("rejects when the relay exits first, quoting its stderr", async () => {
    await assert.rejects(startRelay({ ...base("bad-range"), allow: ["not-a-cidr"] }), failsWith("RelayExited", /exited \(code 1\) before it was ready: relay: allowed range "not-a-cidr" is not an IPv4 CIDR/));
  });

  it("rejects when another live relay holds the socket path", async () => {
    const first = await startRelay(base("shared"));
    try {
      await assert.rejects(startRelay(base("shared")), failsWith("RelayExited", /another process is listening on/));
      assert.equal(await answers(first.socketPath), true, "the first relay is untouched");
    } finally {
      await first.stop();
    }
  });

  it("rejects when the program cannot be started", async () => {
    await assert.rejects(startRelay({ ...base("no-ip"), ipProgram: join(dir, "missing-ip") }), failsWith("RelayNotStarted", /could not start .*ENOENT/));
  });

  it("kills a relay that says nothing at all within the ready timeout", async () => {
    const silent = join(dir, "silent.js");
    // Ignores stdin's end and never says "ready" (other lines do not count): only a kill stops it.
    await writeFile(silent, "process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000); console.log('not ready'); console.error(process.pid);\n");
    const started = Date.now();
    const said: string[] = [];
    await assert.rejects(
      startRelay({ ...base("silent"), script: silent, readyTimeoutMs: 300, stopTimeoutMs: 100, log: (l) => said.push(l) }),
      failsWith("RelayNotReady", /was not ready after 300 ms: \d+$/),
    );
    assert.ok(Date.now() - started < 3000);
    const pid = Number(said[0]);
    assert.ok(pid > 0, said.join("|"));
    assert.equal(alive(pid), false, "the stuck relay was killed");
  });
});
