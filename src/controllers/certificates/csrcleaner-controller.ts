// kube-controller-manager's `csrcleaner`: deletes CertificateSigningRequests once they are done
// with (csr-cleaning.ts says when). Instead of Kubernetes' hourly sweep, each request is looked
// at when it appears or changes and comes back to the queue at the time it becomes due.

import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP } from "../../api/certificates-types.js";
import { WorkQueue, isNotFound, runController } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { cleanupDue } from "./csr-cleaning.js";

export const csrCleanerController: Controller = {
  name: "csrcleaner",
  async run(ctx) {
    const csrs = ctx.factory.informerFor<CertificateSigningRequest>(resource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests"));
    const client = ctx.client<CertificateSigningRequest>(resource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueue = (o: CertificateSigningRequest): void => queue.add(o.metadata.name ?? "");
    csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, o) => enqueue(o) });
    await runController({
      name: "csrcleaner",
      queue,
      signal: ctx.signal,
      caches: [csrs],
      async sync(name) {
        const csr = csrs.lister.get(undefined, name);
        if (!csr) return;
        const due = cleanupDue(csr);
        if (!due) return;
        const wait = due.atMs - ctx.clock.now();
        if (wait > 0) {
          queue.addAfter(name, wait);
          return;
        }
        try {
          // Only the version judged: a request changed meanwhile is judged again.
          await client.delete(undefined, name, { preconditions: { uid: csr.metadata.uid, resourceVersion: csr.metadata.resourceVersion } });
          console.error(`svcnet: csrcleaner: deleted ${name}: ${due.why}`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      },
    });
  },
};
