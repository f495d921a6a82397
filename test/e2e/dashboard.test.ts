// The dashboard in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against a
// real `svcnet up` sandbox: the login link from the banner, the seed's three nginx pods and
// nginx-service in the topology, two more pods appearing without reload when the RC is scaled to 5
// (timed), the service view's chain path with the seed's probabilities (0.33333, 0.5) and counters
// that rise with requests from a pod, and the page at 1,000 services (filter → redraw, timed).
// Screenshots go to test-artifacts/dashboard/. Needs root (the namespace sandbox) and chromium.

import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { KubeHttp } from "./helpers/kube-http.js";
import { repoRoot } from "./helpers/repo.js";
import type { UpCluster } from "./helpers/up-cluster.js";
import { startUp } from "./helpers/up-cluster.js";
import { waitFor } from "./helpers/wait-for.js";

const chromiumPath = "/usr/bin/chromium";
const isRoot = process.getuid?.() === 0;
const skip = !isRoot ? "needs root (the namespace sandbox)" : !existsSync(chromiumPath) ? `needs ${chromiumPath} (apt-get install chromium)` : false;
const seed = (f: string): string => join(repoRoot(), "examples", "seed", f);
const artifacts = join(repoRoot(), "test-artifacts", "dashboard");

let cluster: UpCluster | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  mkdirSync(artifacts, { recursive: true });
  cluster = await startUp([], { idPrefix: "dash" });
});

after(async () => {
  await browser?.close().catch(() => {});
  await cluster?.stop();
});

/** Pods of the RC the page lists (its hidden mirror of the drawing). */
const rcPodsOnPage = (page: Page): Promise<number> => page.locator('#graph-index li[data-kind="pod"][data-key^="default/nginx-controller-"]').count();

/** The sum of the packet counters of the KUBE-SEP chains the service view shows. */
async function sepPackets(page: Page): Promise<number> {
  const values = await page.locator('#path .count[data-chain^="KUBE-SEP-"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-packets"))));
  return values.reduce((a, b) => a + b, 0);
}

test("the dashboard shows the live service network in Chromium", { skip, timeout: 170_000 }, async () => {
  const c = cluster as UpCluster;
  const testStarted = Date.now();
  const link = /log in: (https:\/\/127\.0\.0\.1:\d+\/ui\/login#token=\S+)/.exec(c.output())?.[1];
  assert.ok(link, `the banner prints the login link:\n${c.output()}`);
  assert.match(c.output(), /Dashboard: https:\/\/127\.0\.0\.1:\d+\/ui\//);
  assert.equal((await c.kubectl(["create", "-f", seed("rc_nginx.yaml"), "-f", seed("service_nginx.yaml")])).code, 0);
  await waitFor(
    "nginx-service with three ready endpoints",
    async () => ((await c.kubectl(["get", "ep", "nginx-service", "-o", "jsonpath={.subsets[*].addresses[*].ip}"])).stdout.trim().split(/\s+/).filter(Boolean).length === 3),
    { timeoutMs: 40_000 },
  );

  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") pageErrors.push(m.text());
  });

  // Log in: the link's #token becomes the session cookie, and the page opens without the token in its URL.
  await page.goto(link);
  await page.waitForURL(/\/ui\/$/, { timeout: 10_000 });
  const cookies = await context.cookies();
  const session = cookies.find((k) => k.name === "__Host-svcnet-ui");
  assert.ok(session?.httpOnly && session.secure && session.sameSite === "Strict", JSON.stringify(cookies));
  await page.locator("#status.live").waitFor({ timeout: 10_000 });

  // The topology: the three pods in their nodes, the service with edges to them.
  await page.waitForFunction(() => document.querySelectorAll('#graph-index li[data-kind="pod"][data-key^="default/nginx-controller-"][data-ready="true"]').length === 3, undefined, { timeout: 10_000 });
  await page.locator('#graph-index li[data-kind="service"][data-key="default/nginx-service"]').waitFor({ state: "attached", timeout: 5_000 });
  assert.equal(await page.locator('#graph-index li[data-kind="node"]').count(), 2);
  // The drawing is a canvas filling the graph area (the list above is its hidden mirror).
  const canvas = await page.locator("#graph canvas").first().boundingBox();
  assert.ok(canvas && canvas.width > 400 && canvas.height > 300, `the graph canvas is ${JSON.stringify(canvas)}`);
  await page.screenshot({ path: join(artifacts, "topology.png") });

  // The service view: the chain path on core-v2-01 with the seed's probabilities.
  await page.locator('#service-list li[data-key="default/nginx-service"]').click();
  await page.waitForFunction(() => document.querySelectorAll("#path .branch").length === 3, undefined, { timeout: 10_000 });
  const probabilities = await page.locator('#path .chain[data-chain^="KUBE-SEP-"] .p').allTextContents();
  assert.deepEqual(probabilities.map((t) => t.trim()).sort(), ["(rule p=0.33333)", "(rule p=0.5)"]);
  assert.deepEqual((await page.locator("#path .branch").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-probability")).toFixed(3)))), ["0.333", "0.333", "0.333"]);
  assert.match(await page.locator("#dns").innerText(), /nginx-service\.default\.svc\.cluster\.local\./);
  assert.match(await page.locator("#env").innerText(), /NGINX_SERVICE_SERVICE_HOST=10\.0\.0\.\d+/);
  await page.screenshot({ path: join(artifacts, "service-view.png") });

  // Counters rise with requests through the service from a pod on core-v2-01.
  const before = await sepPackets(page);
  const pods = JSON.parse((await c.kubectl(["get", "pods", "-l", "app=nginx", "-o", "json"])).stdout) as { items: { metadata: { name: string }; spec: { nodeName?: string } }[] };
  const client = pods.items.find((p) => p.spec.nodeName === "core-v2-01");
  assert.ok(client, "a pod runs on core-v2-01");
  const clusterIP = (await c.kubectl(["get", "svc", "nginx-service", "-o", "jsonpath={.spec.clusterIP}"])).stdout.trim();
  const requests = 6;
  const curl = await c.kubectl(["exec", client.metadata.name, "--", "sh", "-c", `for i in $(seq ${requests}); do curl -s -o /dev/null -w '%{http_code} ' http://${clusterIP}:8000/; done`], { timeoutMs: 20_000 });
  assert.equal(curl.code, 0, curl.stderr);
  assert.match(curl.stdout, /^(200 ){6}$/);
  await page.waitForFunction((want) => {
    let sum = 0;
    document.querySelectorAll('#path .count[data-chain^="KUBE-SEP-"]').forEach((e) => (sum += Number(e.getAttribute("data-packets"))));
    return sum >= want;
  }, before + requests, { timeout: 6_000 });
  const afterCount = await sepPackets(page);
  console.log(`dashboard: KUBE-SEP counters ${before} → ${afterCount} after ${requests} requests`);
  await page.screenshot({ path: join(artifacts, "counters.png") });

  // Scaling to 5 adds two pods on the page, without reload.
  await page.evaluate(() => ((window as unknown as { dashboardMarker: number }).dashboardMarker = 42));
  const scaleAt = Date.now();
  assert.equal((await c.kubectl(["scale", "rc", "nginx-controller", "--replicas=5"])).code, 0);
  await page.waitForFunction(() => document.querySelectorAll('#graph-index li[data-kind="pod"][data-key^="default/nginx-controller-"]').length === 5, undefined, { timeout: 5_000, polling: 20 });
  const scaleMs = Date.now() - scaleAt;
  console.log(`dashboard: scale to 5 → two more pods on the page in ${scaleMs} ms (kubectl included)`);
  assert.equal(await page.evaluate(() => (window as unknown as { dashboardMarker?: number }).dashboardMarker), 42, "the page was not reloaded");
  assert.equal(await rcPodsOnPage(page), 5);
  assert.ok(scaleMs < 2000, `two new pods appeared after ${scaleMs} ms (limit 2000)`);
  await page.screenshot({ path: join(artifacts, "scaled.png") });

  // 1,000 services (headless: the /24 service range has no 1,000 ClusterIPs; they need no endpoints).
  const http = KubeHttp.fromKubeconfig(c.kubeconfig);
  try {
    assert.equal((await http.request("/api/v1/namespaces", { method: "POST", body: { metadata: { name: "dash-bulk" } } })).status, 201);
    const createdAt = Date.now();
    const names = Array.from({ length: 1000 }, (_, i) => `bulk-${String(i).padStart(4, "0")}`);
    for (let i = 0; i < names.length; i += 25) {
      const answers = await Promise.all(
        names.slice(i, i + 25).map((name) =>
          http.request("/api/v1/namespaces/dash-bulk/services", { method: "POST", body: { metadata: { name }, spec: { clusterIP: "None", ports: [{ name: "http", port: 80 }] } } }),
        ),
      );
      for (const a of answers) assert.equal(a.status, 201, a.text);
    }
    console.log(`dashboard: created 1,000 services in ${Date.now() - createdAt} ms`);
  } finally {
    http.close();
  }
  await page.waitForFunction(() => /of 1003 services/.test(document.getElementById("showing")?.textContent ?? ""), undefined, { timeout: 15_000 });
  assert.match((await page.locator("#showing").textContent()) ?? "", /showing 100 of 1003 services/);
  await page.screenshot({ path: join(artifacts, "1000-services.png") });

  const timings: number[] = [];
  for (const q of ["bulk-09", "bulk-0042", "nginx", ""]) {
    const at = Date.now();
    await page.locator("#filter").fill(q);
    await page.waitForFunction((want) => document.body.dataset.renderedQuery === want, q, { timeout: 5_000, polling: 10 });
    timings.push(Date.now() - at);
  }
  const renderMs = await page.evaluate(() => Number(document.body.dataset.renderMs));
  console.log(`dashboard at 1,003 services: filter typed → redrawn in ${timings.join(", ")} ms (last redraw ${renderMs} ms in the page)`);
  // Typing key by key: each keystroke redraws; the page keeps answering.
  const typedAt = Date.now();
  await page.locator("#filter").pressSequentially("bulk-01", { delay: 0 });
  await page.waitForFunction(() => document.body.dataset.renderedQuery === "bulk-01", undefined, { timeout: 5_000, polling: 10 });
  const typedMs = Date.now() - typedAt;
  assert.match((await page.locator("#showing").textContent()) ?? "", /showing 100 of 1003 services/);
  console.log(`dashboard at 1,003 services: 7 keystrokes typed and redrawn in ${typedMs} ms`);
  for (const ms of [...timings, typedMs]) assert.ok(ms < 1500, `redraw after typing took ${ms} ms`);
  await page.screenshot({ path: join(artifacts, "filtered.png") });
  assert.deepEqual(pageErrors, []);
  console.log(`dashboard e2e: ${Date.now() - testStarted} ms after the sandbox was up (sandbox up in ${c.readyMs} ms)`);
});
