// The dashboard's session cookie and the rule for when it counts as a credential. The login link
// (`/ui/login#token=…`) turns a bearer token into an HttpOnly, Secure, SameSite=Strict cookie; the
// server then accepts the cookie in place of `Authorization: Bearer` for GET and HEAD only — the
// page only reads (lists, watches, /ui/api/*), so a forged write cannot ride on it. Pure.

/** `__Host-`: the browser keeps it only when Secure, Path=/ and without Domain. */
export const uiCookieName = "__Host-svcnet-ui";

/** How long a dashboard session lasts before the login link is needed again. */
export const uiSessionSeconds = 8 * 3600;

/** The cookies of a Cookie header, by name (the first of a repeated name wins; malformed pairs are skipped). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (name === "" || out.has(name)) continue;
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      continue;
    }
  }
  return out;
}

/** The Set-Cookie value that starts a dashboard session holding `token`. */
export function uiSessionCookie(token: string, maxAgeSeconds: number = uiSessionSeconds): string {
  return `${uiCookieName}=${encodeURIComponent(token)}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The Set-Cookie value that ends a dashboard session. */
export function uiLogoutCookie(): string {
  return `${uiCookieName}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`;
}

/**
 * Which credential a request presents: its bearer token when it has one (the cookie is then
 * ignored); else the dashboard cookie, for GET and HEAD; a cookie on any other method is
 * "cookieRefused" (the caller answers 403); else none.
 */
export type RequestCredential =
  | { kind: "bearer"; token: string }
  | { kind: "cookie"; token: string }
  | { kind: "cookieRefused" }
  | { kind: "none" };

export function requestCredential(method: string, headers: Record<string, string | undefined>): RequestCredential {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "");
  if (bearer) return { kind: "bearer", token: bearer[1] };
  const cookie = parseCookies(headers.cookie).get(uiCookieName);
  if (cookie === undefined || cookie === "") return { kind: "none" };
  return method === "GET" || method === "HEAD" ? { kind: "cookie", token: cookie } : { kind: "cookieRefused" };
}
