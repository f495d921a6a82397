/// <reference lib="dom" />
// The login page's script: the link `/ui/login#token=<token>` keeps the token in the fragment (never
// sent in a URL, so not in logs or Referer); this sends it once as a bearer token to POST /ui/login,
// which answers with the session cookie, then drops the fragment and opens the dashboard.

import { byId } from "./dom.js";

async function logIn(): Promise<void> {
  const status = byId("login-status");
  const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  history.replaceState(null, "", location.pathname);
  if (!token) {
    status.textContent = "This link carries no token. Open the login link `svcnet up` printed: https://<server>/ui/login#token=<token>";
    return;
  }
  const res = await fetch("/ui/login", { method: "POST", headers: { authorization: `Bearer ${token}` } });
  if (res.status === 204) {
    location.replace("/ui/");
    return;
  }
  status.textContent = res.status === 401 ? "That token was not accepted: take the link from `svcnet up` again, or the token from your kubeconfig." : `Login failed: ${res.status} ${await res.text()}`;
}

void logIn();
