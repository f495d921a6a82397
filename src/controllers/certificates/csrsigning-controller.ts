// kube-controller-manager's `csrsigning` for the two client signers svcnet serves
// (kubernetes.io/kube-apiserver-client-kubelet and kubernetes.io/kube-apiserver-client): an
// approved request gets its certificate, signed by the cluster CA the API server trusts for
// client certificates, in status.certificate; one the signer's rules refuse, or whose key no
// certificate can be made for, gets a Failed condition instead (csr-signing.ts). Both are
// written through the /status subresource. Without a CA in the settings
// (ControllerSettings.clusterSigningCA) the controller says so and stops.

import { bytesOfPem } from "../../api/certificates-helpers.js";
import { deepCopy } from "../../api/json.js";
import { rfc3339 } from "../../api/time.js";
import { isNotFound } from "../../client/index.js";
import type { Controller } from "../controller-context.js";
import { runCsrController } from "./csr-controller.js";
import { defaultClusterSigningDurationMs, readSigningCa, signCertificate, signingDecision, signingDurationMs } from "./csr-signing.js";

export { signerValidationFailureReason, unsupportedPublicKeyReason } from "./csr-signing.js";

export const csrSigningController: Controller = {
  name: "csrsigning",
  async run(ctx) {
    const ca = ctx.settings.clusterSigningCA;
    if (!ca) {
      console.error("svcnet: csrsigning: no cluster signing CA configured; certificate signing requests are not signed");
      return;
    }
    const authority = readSigningCa(ca);
    const clusterMs = ctx.settings.clusterSigningDurationMs ?? defaultClusterSigningDurationMs;
    await runCsrController(ctx, {
      name: "csrsigning",
      async handle(csr, { client }) {
        const decision = signingDecision(csr);
        if (decision.action === "skip") return;
        if (decision.action === "error") throw new Error(decision.message);
        const next = deepCopy(csr);
        const now = ctx.clock.now();
        if (decision.action === "fail") {
          const at = rfc3339(now);
          next.status = {
            ...next.status,
            conditions: [...(next.status?.conditions ?? []), { type: "Failed", status: "True", reason: decision.reason, message: decision.message, lastUpdateTime: at, lastTransitionTime: at }],
          };
        } else {
          if (!authority.ok) throw new Error(`error auto signing csr: ${authority.error}`);
          const signed = signCertificate({ ca: authority.ca, csr: decision.csr, usages: csr.spec.usages ?? [], ttlMs: signingDurationMs(clusterMs, csr.spec.expirationSeconds), nowMs: now });
          if (!signed.ok) throw new Error(`error auto signing csr: ${signed.error}`);
          next.status = { ...next.status, certificate: bytesOfPem(signed.cert) };
        }
        try {
          await client.updateStatus(next);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      },
    });
  },
};
