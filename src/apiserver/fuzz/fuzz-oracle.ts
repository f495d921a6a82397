// What a right answer to a fuzz case looks like: a 4xx carrying a Kubernetes Status whose code
// is the HTTP status, or (where the case allows it) a 2xx with a JSON body; never a 5xx, never
// a status outside 2xx/4xx. Watch streams are judged by their lines: JSON events, and ERROR
// events carrying a Status below 500. Pure functions; the runner does the I/O.

import { isJsonObject } from "../../api/json.js";
import type { ApiResponse } from "../request.js";
import type { FuzzCase } from "./fuzz-cases.js";

function statusProblems(body: string, code: number): string[] {
  let st: unknown;
  try {
    st = JSON.parse(body);
  } catch {
    return [`a ${code} whose body is not JSON: ${JSON.stringify(body.slice(0, 200))}`];
  }
  if (!isJsonObject(st) || st.kind !== "Status" || st.apiVersion !== "v1") return [`a ${code} whose body is not a v1 Status: ${body.slice(0, 200)}`];
  const out: string[] = [];
  if (st.code !== code) out.push(`a ${code} whose Status says code ${JSON.stringify(st.code)}`);
  if (st.status !== "Failure") out.push(`a ${code} whose Status says status ${JSON.stringify(st.status)}`);
  if (typeof st.message !== "string" || typeof st.reason !== "string") out.push(`a ${code} whose Status has no message or reason: ${body.slice(0, 200)}`);
  return out;
}

/** What is wrong with the answer to a case (empty when nothing is). */
export function judgeResponse(c: FuzzCase, res: ApiResponse): string[] {
  const code = res.status;
  if (!Number.isInteger(code) || code < 200 || (code >= 300 && code < 400) || code >= 500) {
    return [`status ${code}: ${String(res.body ?? "").slice(0, 300)}`];
  }
  if (code >= 400) return statusProblems(String(res.body ?? ""), code);
  if (c.expect === "reject") return [`status ${code} for a request that must be refused: ${String(res.body ?? "<stream>").slice(0, 300)}`];
  const type = res.headers["content-type"] ?? "";
  if (res.body !== undefined && type.startsWith("application/json")) {
    try {
      JSON.parse(String(res.body));
    } catch {
      return [`a ${code} labelled JSON whose body is not: ${String(res.body).slice(0, 200)}`];
    }
  }
  return [];
}

/** What is wrong with the lines a watch stream sent (each a JSON event; errors as Status below 500). */
export function judgeWatchLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    let ev: unknown;
    try {
      ev = JSON.parse(line);
    } catch {
      out.push(`a watch line that is not JSON: ${line.slice(0, 200)}`);
      continue;
    }
    if (!isJsonObject(ev) || typeof ev.type !== "string" || !isJsonObject(ev.object)) {
      out.push(`a watch line that is not an event: ${line.slice(0, 200)}`);
      continue;
    }
    if (ev.type === "ERROR") {
      const code = ev.object.code;
      if (ev.object.kind !== "Status" || typeof code !== "number" || code >= 500) out.push(`a watch ERROR event that is not a 4xx Status: ${line.slice(0, 300)}`);
    }
  }
  return out;
}
