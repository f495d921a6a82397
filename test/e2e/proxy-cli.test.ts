// `svcnet rules` and `svcnet trace` as a user runs them, on the seed's nginx-service file: the
// seed profile prints the seed's chain names and 5-decimal probabilities; the modern profile
// today's; the tracer splits a pod's connection three ways; bad input is one line with the fix.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot, svcnetBin } from "./helpers/repo.js";

const objects = join(repoRoot(), "examples", "seed", "nginx-service-objects.yaml");

function svcnet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [svcnetBin(), ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe("svcnet rules and svcnet trace", () => {
  it("the seed profile prints the seed's chains, comments and probabilities", async () => {
    const r = await svcnet(["rules", "-f", objects, "--rules-profile", "seed"]);
    assert.equal(r.code, 0, r.stderr);
    for (const line of [
      "-A KUBE-SERVICES -m comment --comment \"default/nginx-service: cluster IP\" -m tcp -p tcp -d 10.0.0.252/32 --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m statistic --mode random --probability 0.33333 -j KUBE-SEP-7ROBBXFV7SD4AIRW",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -m statistic --mode random --probability 0.50000 -j KUBE-SEP-XY3F6VJIZ7ELIF4Z",
      "-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment default/nginx-service: -j KUBE-SEP-JIDZHFC4A3T535AK",
      "-A KUBE-SEP-7ROBBXFV7SD4AIRW -m comment --comment default/nginx-service: -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80",
    ]) {
      assert.ok(r.stdout.split("\n").includes(line), `missing: ${line}\n${r.stdout}`);
    }
  });

  it("the modern profile prints today's kube-proxy layout", async () => {
    const r = await svcnet(["rules", "-f", objects, "--cluster-cidr", "10.1.0.0/16"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default\/nginx-service -> 10\.1\.13\.2:80" -m statistic --mode random --probability 0\.3333333333 -j KUBE-SEP-D6ZFGDR42OKGRRVI$/m);
    assert.match(r.stdout, /^-A KUBE-SVC-V2OKYYMBY3REGZOG .* ! -s 10\.1\.0\.0\/16 -j KUBE-MARK-MASQ$/m);
  });

  it("trace splits a pod's connection over the three pods, a third each, without masquerading", async () => {
    const r = await svcnet(["trace", "--from", "10.1.14.5", "--to", "10.0.0.252:8000", "-f", objects, "--rules-profile", "seed"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /from a pod/);
    for (const ip of ["10.1.13.2", "10.1.13.3", "10.1.13.4"]) assert.match(r.stdout, new RegExp(`p=0\\.3333 DNAT to ${ip.replace(/\./g, "\\.")}:80, masqueraded: no`));
    const outside = await svcnet(["trace", "--from", "172.17.8.200", "--to", "10.0.0.252:8000", "-f", objects, "--cluster-cidr", "10.1.0.0/16"]);
    assert.match(outside.stdout, /from outside the cluster/);
    assert.match(outside.stdout, /masqueraded: yes/);
  });

  it("bad input is one line naming the fix, exit 1", async () => {
    const cases: [string[], RegExp][] = [
      [["rules"], /-f objects\.yaml is required/],
      [["rules", "-f", "/nonexistent.yaml"], /cannot read \/nonexistent\.yaml/],
      [["rules", "-f", objects, "--rules-profile", "old"], /--rules-profile must be "modern" or "seed"/],
      [["rules", "-f", objects, "--mode", "ipvs"], /--mode "ipvs" is not available yet/],
      [["trace", "--from", "10.1.14.5", "--to", "10.0.0.252", "-f", objects], /--to "10\.0\.0\.252" must be IP:PORT/],
      [["trace", "--from", "10.1.14.5", "--to", "10.0.0.252:80"], /exactly one of -f objects\.yaml or --node NAME/],
    ];
    for (const [args, want] of cases) {
      const r = await svcnet(args);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.stderr, want, args.join(" "));
      assert.match(r.stderr, /Run 'svcnet (rules|trace) --help' for usage\./);
    }
  });
});
