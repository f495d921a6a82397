// What csrapproving, csrsigning and csrcleaner share, as Kubernetes' certificates controller base
// gives them: the shared informer of CertificateSigningRequests, a client for them, and a queue of
// request names fed on every add and update, worked until the controller stops. Each controller
// says only what it does with one request, as the cache holds it now.

import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP } from "../../api/certificates-types.js";
import type { KubeClient } from "../../client/index.js";
import { WorkQueue, runController } from "../../client/index.js";
import type { ControllerContext } from "../controller-context.js";
import { resource } from "../controller-context.js";

export interface CsrHandlerContext {
  client: KubeClient<CertificateSigningRequest>;
  /** The controller's queue of request names (to look at one again later). */
  queue: WorkQueue<string>;
}

export interface CsrControllerOptions {
  /** The controller's kube-controller-manager name (its log lines and runner). */
  name: string;
  /** What to do with one request; a throw retries it with backoff. */
  handle(csr: CertificateSigningRequest, c: CsrHandlerContext): Promise<void>;
  /** Told about a request given up on after the retries. */
  onDrop?(name: string, err: unknown): void;
}

/** Runs one certificates controller until ctx.signal aborts. */
export async function runCsrController(ctx: ControllerContext, o: CsrControllerOptions): Promise<void> {
  const r = resource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests");
  const csrs = ctx.factory.informerFor<CertificateSigningRequest>(r);
  const c: CsrHandlerContext = { client: ctx.client<CertificateSigningRequest>(r), queue: new WorkQueue<string>({ clock: ctx.clock }) };
  const enqueue = (csr: CertificateSigningRequest): void => c.queue.add(csr.metadata.name ?? "");
  csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, csr) => enqueue(csr) });
  await runController({
    name: o.name,
    queue: c.queue,
    signal: ctx.signal,
    caches: [csrs],
    ...(o.onDrop && { onDrop: o.onDrop }),
    async sync(name) {
      const csr = csrs.lister.get(undefined, name);
      if (csr) await o.handle(csr, c);
    },
  });
}
