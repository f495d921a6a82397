// kube-controller-manager's `csrapproving`: node client certificate requests whose requester may
// have them (csr-approval.ts) get the Approved condition through the /approval subresource, so a
// machine joining with a bootstrap token, or a node renewing its certificate, needs nobody to
// run `kubectl certificate approve`. Every request is looked at when it appears or changes; a
// node request whose requester is not (yet) allowed is retried with backoff, so granting the
// permission later takes effect without a new request.

import type { CertificateSigningRequest } from "../../api/certificates-types.js";
import { CERTIFICATES_GROUP } from "../../api/certificates-types.js";
import { deepCopy } from "../../api/json.js";
import type { SubjectAccessReview } from "../../api/rbac-types.js";
import { WorkQueue, isNotFound, runController } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { approvalReview, approvalRoutes, approvedCondition, notApprovedMessage } from "./csr-approval.js";

/** A node request no route allowed: retried with backoff, and not worth more than a quiet log when dropped. */
class NotApprovedError extends Error {}

export const csrApprovingController: Controller = {
  name: "csrapproving",
  async run(ctx) {
    const csrs = ctx.factory.informerFor<CertificateSigningRequest>(resource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests"));
    const client = ctx.client<CertificateSigningRequest>(resource(CERTIFICATES_GROUP, "v1", "certificatesigningrequests"));
    const reviews = ctx.client<SubjectAccessReview>(resource("authorization.k8s.io", "v1", "subjectaccessreviews"));
    const queue = new WorkQueue<string>({ clock: ctx.clock });
    const enqueue = (o: CertificateSigningRequest): void => queue.add(o.metadata.name ?? "");
    csrs.addEventHandler({ onAdd: enqueue, onUpdate: (_old, o) => enqueue(o) });
    await runController({
      name: "csrapproving",
      queue,
      signal: ctx.signal,
      caches: [csrs],
      onDrop(key, err) {
        if (!(err instanceof NotApprovedError)) console.error(`svcnet: csrapproving: giving up on ${key}:`, err instanceof Error ? err.message : err);
      },
      async sync(name) {
        const csr = csrs.lister.get(undefined, name);
        if (!csr) return;
        const plan = approvalRoutes(csr);
        if ("error" in plan) throw new Error(plan.error);
        for (const route of plan.routes) {
          const review = await reviews.create(approvalReview(csr, route));
          if (!review.status?.allowed) continue;
          const approved = deepCopy(csr);
          approved.status = { ...approved.status, conditions: [...(approved.status?.conditions ?? []), approvedCondition(route, new Date(ctx.clock.now()))] };
          try {
            await client.updateSubresource(approved, "approval");
          } catch (e) {
            // Deleted meanwhile: nothing left to approve.
            if (!isNotFound(e)) throw e;
          }
          return;
        }
        if (plan.routes.length > 0) throw new NotApprovedError(notApprovedMessage(csr, plan.routes));
      },
    });
  },
};
