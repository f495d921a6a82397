// A node agent's answer to an exec or port-forward upgrade, read before the API server joins the
// two connections: its status decides whether the connection goes through (101, or any refusal
// kubectl should see as the agent gave it) or the API server answers instead (the agent's 401,
// which is about the server's own certificate, not the user's). The bytes read are kept, to pass
// on unchanged when the connection goes through.

import type { Duplex } from "node:stream";

/** The status line and headers of an answer, and every byte read so far (headers and beyond). */
export interface AnswerHead {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  bytes: Buffer;
  /** Where the body starts in `bytes`. */
  bodyStart: number;
}

const headerEnd = Buffer.from("\r\n\r\n");

/**
 * Reads from `socket` until an HTTP/1.x answer's headers are complete, then pauses it (its
 * further bytes wait for whoever reads or pipes it next). Rejects when the socket ends or fails
 * first, or when the headers run past `limit` bytes or do not parse.
 */
export function readAnswerHead(socket: Duplex, limit = 16 * 1024): Promise<AnswerHead> {
  return new Promise((resolve, reject) => {
    let bytes = Buffer.alloc(0);
    const finish = (): void => {
      socket.off("data", onData).off("end", onEnd).off("close", onEnd).off("error", onError);
      socket.pause();
    };
    const fail = (message: string): void => {
      finish();
      reject(new Error(message));
    };
    const onData = (chunk: Buffer): void => {
      bytes = Buffer.concat([bytes, chunk]);
      const end = bytes.indexOf(headerEnd);
      if (end < 0) {
        if (bytes.length > limit) fail(`its answer's headers run past ${limit} bytes`);
        return;
      }
      const [statusLine = "", ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
      const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
      if (!m) return fail(`it answered ${JSON.stringify(statusLine.slice(0, 80))}, not HTTP`);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      finish();
      resolve({ status: Number(m[1]), headers, bytes, bodyStart: end + headerEnd.length });
    };
    const onEnd = (): void => fail("it closed the connection without answering");
    const onError = (e: Error): void => fail(e.message);
    socket.on("data", onData).once("end", onEnd).once("close", onEnd).once("error", onError);
  });
}

/**
 * The body of an answer whose head `readAnswerHead` read: Content-Length bytes, or up to the end
 * of the connection (a refusal closes it), as UTF-8 text of at most `limit` bytes.
 */
export function readAnswerBody(socket: Duplex, head: AnswerHead, limit = 4096): Promise<string> {
  const declared = Number(head.headers["content-length"]);
  const want = Math.min(limit, Number.isInteger(declared) && declared >= 0 ? declared : limit);
  let body = head.bytes.subarray(head.bodyStart);
  const text = (): string => body.subarray(0, want).toString("utf8");
  if (body.length >= want) return Promise.resolve(text());
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off("data", onData).off("end", done).off("close", done).off("error", done);
      resolve(text());
    };
    const onData = (chunk: Buffer): void => {
      body = Buffer.concat([body, chunk]);
      if (body.length >= want) done();
    };
    socket.on("data", onData).once("end", done).once("close", done).once("error", done);
    socket.resume();
  });
}
