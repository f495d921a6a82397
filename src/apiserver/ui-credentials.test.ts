import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestCredential } from "./ui-credentials.js";
import { parseCookies, requestCredential, uiCookieName, uiLogoutCookie, uiSessionCookie } from "./ui-credentials.js";

test("parseCookies", () => {
  const cases: [string, string | undefined, [string, string][]][] = [
    ["no header", undefined, []],
    ["one", "a=1", [["a", "1"]]],
    ["several with blanks", "a=1;  b=two ; c=", [["a", "1"], ["b", "two"], ["c", ""]]],
    ["quoted value", 'a="x y"', [["a", "x y"]]],
    ["percent-encoded", "a=x%2By", [["a", "x+y"]]],
    ["bad escape skipped", "a=%E0%A4%A; b=2", [["b", "2"]]],
    ["first of a repeated name wins", "a=1; a=2", [["a", "1"]]],
    ["pairs without a name or = are skipped", "=x; junk; b=2", [["b", "2"]]],
  ];
  for (const [name, header, want] of cases) assert.deepEqual([...parseCookies(header)], want, name);
});

test("the session cookie is HttpOnly, Secure, SameSite=Strict, for the whole host, and round-trips its token", () => {
  const c = uiSessionCookie("abc.def+/=", 60);
  for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=60"]) assert.ok(c.split("; ").includes(attr), `${attr} in ${c}`);
  assert.ok(!/Domain=/i.test(c));
  const [pair] = c.split("; ");
  assert.equal(parseCookies(pair).get(uiCookieName), "abc.def+/=");
  assert.ok(uiLogoutCookie().includes("Max-Age=0"));
});

test("requestCredential: the cookie counts for GET and HEAD only; a bearer token always wins", () => {
  const cookie = `other=1; ${uiCookieName}=tok`;
  const cases: [string, string, Record<string, string>, RequestCredential][] = [
    ["GET with the cookie", "GET", { cookie }, { kind: "cookie", token: "tok" }],
    ["HEAD with the cookie", "HEAD", { cookie }, { kind: "cookie", token: "tok" }],
    ["POST with only the cookie", "POST", { cookie }, { kind: "cookieRefused" }],
    ["PUT with only the cookie", "PUT", { cookie }, { kind: "cookieRefused" }],
    ["DELETE with only the cookie", "DELETE", { cookie }, { kind: "cookieRefused" }],
    ["PATCH with only the cookie", "PATCH", { cookie }, { kind: "cookieRefused" }],
    ["POST with a bearer token and the cookie", "POST", { cookie, authorization: "Bearer b" }, { kind: "bearer", token: "b" }],
    ["GET with a bearer token and the cookie", "GET", { cookie, authorization: "bearer b" }, { kind: "bearer", token: "b" }],
    ["other cookies only", "GET", { cookie: "a=1" }, { kind: "none" }],
    ["empty dashboard cookie", "POST", { cookie: `${uiCookieName}=` }, { kind: "none" }],
    ["nothing", "GET", {}, { kind: "none" }],
  ];
  for (const [name, method, headers, want] of cases) assert.deepEqual(requestCredential(method, headers), want, name);
});
