// kube-controller-manager's `csrapproving`: node client certificate requests whose requester may
// have them (csr-approval.ts) get the Approved condition through the /approval subresource, so a
// machine joining with a bootstrap token, or a node renewing its certificate, needs nobody to
// run `kubectl certificate approve`. Every request is looked at when it appears or changes; a
// node request whose requester is not (yet) allowed is retried with backoff, so granting the
// permission later takes effect without a new request.

import { deepCopy } from "../../api/json.js";
import type { SubjectAccessReview } from "../../api/rbac-types.js";
import { isNotFound } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { resource } from "../controller-context.js";
import { runCsrController } from "./csr-controller.js";
import { approvalReview, approvalRoutes, approvedCondition, notApprovedMessage } from "./csr-approval.js";

/** A node request no route allowed: retried with backoff, and not worth more than a quiet log when dropped. */
class NotApprovedError extends Error {}

export const csrApprovingController: Controller = {
  name: "csrapproving",
  async run(ctx) {
    const reviews = ctx.client<SubjectAccessReview>(resource("authorization.k8s.io", "v1", "subjectaccessreviews"));
    await runCsrController(ctx, {
      name: "csrapproving",
      onDrop(key, err) {
        if (!(err instanceof NotApprovedError)) console.error(`svcnet: csrapproving: giving up on ${key}:`, err instanceof Error ? err.message : err);
      },
      async handle(csr, { client }) {
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
