// What `svcnet up` says about the ports it offers on the host's 127.0.0.1: one line per port
// published or withdrawn, and one line per port that is not there, saying why and what to do
// instead. Pure: these only build text.

import { HOST_LISTEN_ADDRESS } from "./host-forwarder.js";
import type { HostPortClaim, HostPortRoute, SkippedClaim } from "./host-port-plan.js";

/** `NodePort 30080/TCP of default/nginx`, `LoadBalancer port 80/TCP of web/shop (port http)`. */
export function describeClaim(claim: HostPortClaim): string {
  const port = claim.kind === "NodePort" ? `NodePort ${claim.hostPort}` : `LoadBalancer port ${claim.servicePort}`;
  return `${port}/${claim.protocol} of ${claim.service}${claim.portName ? ` (port ${claim.portName})` : ""}`;
}

/** `LoadBalancer port 80/TCP of web/shop published on 127.0.0.1:80 (→ 172.17.8.201:80 in the sandbox)`. */
export function describePublished(route: HostPortRoute): string {
  return `${describeClaim(route)} published on ${hostAddress(route.hostPort)} (→ ${route.target.ip}:${route.target.port} in the sandbox)`;
}

/** `127.0.0.1:80 withdrawn: it was LoadBalancer port 80/TCP of web/shop`. */
export function describeWithdrawn(route: HostPortRoute): string {
  return `${hostAddress(route.hostPort)} withdrawn: it was ${describeClaim(route)}`;
}

/** One line saying why a claim is not on the host, naming whoever has its port, and what to do. */
export function describeSkipped(skip: SkippedClaim): string {
  const what = describeClaim(skip);
  switch (skip.reason) {
    case "protocol":
      return `${what} is not published on the host: only TCP is forwarded`;
    case "no-ipv4":
      return `${what} is not published on the host: its address${plural(skip.addresses)} ${(skip.addresses ?? []).join(", ")} ${skip.addresses?.length === 1 ? "is" : "are"} not IPv4, and only IPv4 is forwarded; ${portForwardHint(skip)}`;
    case "unreachable":
      return `${what} is not published on the host: ${(skip.addresses ?? []).join(", ")} is outside ${(skip.allowed ?? []).join(", ") || "every range"}, where the sandbox relay may connect; give the service an address from a pool inside it`;
    case "clash": {
      const holder = skip.holder ? describeClaim(skip.holder) : "another service port";
      const fix = skip.kind === "NodePort" ? "change one service's nodePort" : `${portForwardHint(skip)}, or change one service's port`;
      return `${what} is not published on ${hostAddress(skip.hostPort)}: ${holder} has that host port; ${fix}`;
    }
  }
}

/**
 * One line for a port the host would not give us. `error` is what the forwarder threw: its
 * message already names the address and the cause (in use, not allowed).
 */
export function describeFailure(route: HostPortRoute, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const fix =
    code === "HostPortDenied" && route.hostPort < 1024
      ? `ports below 1024 need root or CAP_NET_BIND_SERVICE; ${portForwardHint(route)}`
      : code === "HostPortInUse"
        ? `stop the program using it, or ${portForwardHint(route)}`
        : portForwardHint(route);
  return `${describeClaim(route)} is not published on the host: ${reason}; ${fix}; svcnet keeps trying`;
}

/** `reach it with `kubectl port-forward -n web service/shop <local port>:80``. */
function portForwardHint(claim: HostPortClaim): string {
  const slash = claim.service.indexOf("/");
  const namespace = claim.service.slice(0, slash);
  const name = claim.service.slice(slash + 1);
  return `reach it with \`kubectl port-forward -n ${namespace} service/${name} <local port>:${claim.servicePort}\``;
}

function hostAddress(port: number): string {
  return `${HOST_LISTEN_ADDRESS}:${port}`;
}

function plural(items: readonly unknown[] | undefined): string {
  return (items?.length ?? 0) === 1 ? "" : "es";
}
