// The cluster's ports on the host's 127.0.0.1 while `svcnet up` runs: a relay in the sandbox's
// outside-client namespace, a host forwarder talking to it over a unix socket in a private
// directory, and a Service informer whose changes drive a HostPortPublisher (every TCP NodePort
// to the first node's address, every TCP LoadBalancer port to the service's ingress address).
// Syncs are coalesced, and repeated after a failure (a host port in use) and now and then anyway.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireResource } from "../../api/resources.js";
import type { Service } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { Informer, KubeClient } from "../../client/index.js";
import { BoundedFrequencyRunner } from "../../proxy/bounded-frequency-runner.js";
import { HostForwarder, startRelay } from "./host-forwarder.js";
import { HostPortPublisher } from "./host-port-publisher.js";
import { parseAllowList } from "./relay-protocol.js";

export interface HostPortForwardingOptions {
  transport: Transport;
  /** The namespace the relay runs in: the sandbox's outside-client namespace. */
  netns: string;
  /** Where NodePorts are sent inside the sandbox: a node's address. */
  nodeIP: string;
  /**
   * IPv4 CIDRs the relay may dial: the node network, which must hold the LoadBalancer pools'
   * addresses (ports of services whose address lies outside are reported, not published).
   */
  allow: string[];
  /** After a host port could not be published (in use…), try again this long after; default 5000 ms. */
  retryMs?: number;
  /** Sync at least this often even without a change; default 60 000 ms. */
  resyncMs?: number;
  /** Told each port published or withdrawn and each problem once; default: dropped. */
  log?: (line: string) => void;
}

/** Least time between two syncs, so a burst of service changes becomes one sync. */
const MIN_SYNC_GAP_MS = 100;

/**
 * Runs until `signal` aborts; resolves after the relay stopped and its directory is gone. Rejects
 * before starting anything when `allow` holds something other than an IPv4 CIDR, and when the
 * relay does not start (RelayStartError).
 */
export async function runHostPortForwarding(options: HostPortForwardingOptions, signal: AbortSignal): Promise<void> {
  parseAllowList(options.allow);
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "svcnet-relay-"));
  try {
    const relay = await startRelay({ netns: options.netns, socketPath: join(dir, "relay.sock"), allow: options.allow, log });
    const forwarder = new HostForwarder({ socketPath: relay.socketPath, log });
    const publisher = new HostPortPublisher({ forwarder, nodeIP: options.nodeIP, allow: options.allow, log });
    const services = new Informer<Service>(new KubeClient<Service>(options.transport, requireResource("", "v1", "services")));
    const runner = new BoundedFrequencyRunner({
      name: "host ports",
      fn: async () => {
        const result = await publisher.sync(services.lister.list());
        // The publisher has said what failed; throwing only makes the runner retry.
        if (result.failed.length > 0) throw new Error(`${result.failed.length} host port(s) not published`);
      },
      minInterval: MIN_SYNC_GAP_MS,
      retryInterval: options.retryMs ?? 5000,
      maxInterval: options.resyncMs ?? 60_000,
    });
    services.addEventHandler({ onAdd: () => runner.run(), onUpdate: () => runner.run(), onDelete: () => runner.run() });
    try {
      const informing = services.run(signal);
      // Nothing is published from a half-filled cache: the first sync waits for the full list.
      const synced = await Promise.race([services.waitForCacheSync(signal), informing.then(() => false)]);
      if (synced) {
        runner.start(signal);
        runner.run();
      }
      await informing;
    } finally {
      await runner.stop();
      await forwarder.close();
      await relay.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
