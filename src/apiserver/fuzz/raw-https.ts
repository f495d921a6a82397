// A deliberately dumb HTTPS client for the socket-level fuzz cases: it writes exactly the bytes
// it is given (malformed request lines, lying Content-Lengths, bodies that stop half-way) and
// reads back whatever the server answers, without the checks a real client would make first.

import { connect } from "node:tls";
import type { TLSSocket } from "node:tls";

export interface RawTarget {
  port: number;
  /** The cluster CA, to verify the server by. */
  ca: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Opens a TLS connection to 127.0.0.1. The test PKI's 1024-bit keys need OpenSSL's lowest security level. */
export function openRaw(t: RawTarget): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port: t.port, ca: t.ca, ciphers: "DEFAULT@SECLEVEL=0" }, () => resolve(s));
    s.once("error", reject);
  });
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const eol = rest.indexOf("\r\n");
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

/** Parses one HTTP/1.1 response from the bytes read; undefined until its head has arrived. */
export function parseResponse(text: string): RawResponse | undefined {
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const raw = text.slice(end + 4);
  return { status: Number(statusLine.split(" ")[1]), headers, body: headers["transfer-encoding"] === "chunked" ? dechunk(raw) : raw };
}

/**
 * Reads until the server closes the connection or `ms` pass, and returns the response read so
 * far (undefined if none). The socket is destroyed afterwards.
 */
export function readResponse(s: TLSSocket, ms: number): Promise<RawResponse | undefined> {
  return new Promise((resolve) => {
    let text = "";
    const done = (): void => {
      clearTimeout(timer);
      s.destroy();
      resolve(parseResponse(text));
    };
    const timer = setTimeout(done, ms);
    s.setEncoding("latin1");
    s.on("data", (d: string) => {
      text += d;
      const res = parseResponse(text);
      // A complete answer (fixed length, or the last chunk) need not wait for the close.
      if (res && (text.endsWith("0\r\n\r\n") || (res.headers["content-length"] !== undefined && Buffer.byteLength(res.body, "latin1") >= Number(res.headers["content-length"])))) done();
    });
    s.on("close", done);
    s.on("error", done);
  });
}

/** Writes `parts` with `gapMs` between them (a slow client), then reads the answer. */
export async function exchange(t: RawTarget, parts: readonly (string | Buffer)[], o: { gapMs?: number; readMs?: number } = {}): Promise<RawResponse | undefined> {
  const s = await openRaw(t);
  const answer = readResponse(s, o.readMs ?? 5000);
  for (const p of parts) {
    if (s.destroyed) break;
    s.write(p);
    if (o.gapMs) await new Promise((r) => setTimeout(r, o.gapMs));
  }
  return answer;
}
