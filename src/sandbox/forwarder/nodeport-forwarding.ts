// NodePorts published on the host's 127.0.0.1 while `svcnet up` runs: a relay in the sandbox's
// outside-client namespace, a host forwarder talking to it over a unix socket in a private
// directory, and a Service informer keeping the published ports equal to the cluster's TCP
// NodePorts (each forwarded to the first node's address, where every NodePort answers).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireResource } from "../../api/resources.js";
import type { Service } from "../../api/types.js";
import type { Transport } from "../../client/index.js";
import { Informer, KubeClient } from "../../client/index.js";
import { HostForwarder, startRelay } from "./host-forwarder.js";
import { NodePortPublisher } from "./nodeport-publisher.js";

export interface NodePortForwardingOptions {
  transport: Transport;
  /** The namespace the relay runs in (the sandbox's client namespace). */
  netns: string;
  /** Where NodePorts are sent inside the sandbox: a node's address. */
  nodeIP: string;
  /** Ranges the relay may connect to (the underlay). */
  allow: string[];
  log?: (line: string) => void;
}

/** Runs until `signal` aborts; resolves after the relay stopped and its directory is gone. */
export async function runNodePortForwarding(options: NodePortForwardingOptions, signal: AbortSignal): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "svcnet-relay-"));
  const log = options.log ?? (() => undefined);
  const relay = await startRelay({ netns: options.netns, socketPath: join(dir, "relay.sock"), allow: options.allow, log });
  const forwarder = new HostForwarder({ socketPath: relay.socketPath, log });
  const publisher = new NodePortPublisher({ forwarder, nodeIP: options.nodeIP, log });
  const services = new Informer<Service>(new KubeClient<Service>(options.transport, requireResource("", "v1", "services")));
  const sync = (): void => {
    void publisher.sync(services.lister.list()).then((r) => {
      for (const port of r.published) log(`NodePort ${port} published on 127.0.0.1:${port}`);
    });
  };
  services.addEventHandler({ onAdd: sync, onUpdate: sync, onDelete: sync });
  try {
    await services.run(signal);
  } finally {
    await forwarder.close();
    await relay.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
