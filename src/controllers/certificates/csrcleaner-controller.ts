// kube-controller-manager's `csrcleaner`: deletes CertificateSigningRequests once they are done
// with (csr-cleaning.ts says when). Instead of Kubernetes' hourly sweep, each request is looked
// at when it appears or changes and comes back to the queue at the time it becomes due.

import { isNotFound } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { runCsrController } from "./csr-controller.js";
import { cleanupDue } from "./csr-cleaning.js";

export const csrCleanerController: Controller = {
  name: "csrcleaner",
  async run(ctx) {
    await runCsrController(ctx, {
      name: "csrcleaner",
      async handle(csr, { client, queue }) {
        const name = csr.metadata.name ?? "";
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
