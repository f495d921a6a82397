// Reads the answer section of a response from an upstream server, for following an
// ExternalName's CNAME: A, AAAA, CNAME and TXT records become ResourceRecords, other types are
// skipped. Malformed input yields what could be read before the fault (never throws).

import type { ResourceRecord } from "../zone/records.js";
import { RRType } from "./dns-constants.js";
import { readName } from "./query-parse.js";
import { formatIP } from "../../allocators/ip.js";

export interface UpstreamAnswer {
  rcode: number;
  answer: ResourceRecord[];
}

export function parseUpstreamAnswer(buf: Uint8Array): UpstreamAnswer | undefined {
  if (buf.length < 12 || !(buf[2] & 0x80)) return undefined;
  const rcode = buf[3] & 0xf;
  const qdcount = (buf[4] << 8) | buf[5];
  const ancount = (buf[6] << 8) | buf[7];
  const answer: ResourceRecord[] = [];
  try {
    let at = 12;
    for (let i = 0; i < qdcount; i++) at = readName(buf, at).end + 4;
    for (let i = 0; i < ancount; i++) {
      const { name, end } = readName(buf, at);
      if (end + 10 > buf.length) break;
      const type = (buf[end] << 8) | buf[end + 1];
      const ttl = ((buf[end + 4] << 24) >>> 0) + ((buf[end + 5] << 16) | (buf[end + 6] << 8) | buf[end + 7]);
      const rdlength = (buf[end + 8] << 8) | buf[end + 9];
      const rdata = end + 10;
      if (rdata + rdlength > buf.length) break;
      if (type === RRType.A && rdlength === 4) answer.push({ name, ttl, type: RRType.A, address: Array.from(buf.subarray(rdata, rdata + 4)).join(".") });
      else if (type === RRType.AAAA && rdlength === 16) {
        let value = 0n;
        for (const b of buf.subarray(rdata, rdata + 16)) value = (value << 8n) | BigInt(b);
        answer.push({ name, ttl, type: RRType.AAAA, address: formatIP({ family: "IPv6", value }) });
      } else if (type === RRType.CNAME) answer.push({ name, ttl, type: RRType.CNAME, target: readName(buf, rdata).name });
      else if (type === RRType.TXT) {
        const texts: string[] = [];
        for (let p = rdata; p < rdata + rdlength; ) {
          const len = buf[p];
          texts.push(Buffer.from(buf.subarray(p + 1, Math.min(p + 1 + len, rdata + rdlength))).toString("utf8"));
          p += 1 + len;
        }
        answer.push({ name, ttl, type: RRType.TXT, texts });
      }
      at = rdata + rdlength;
    }
  } catch {
    // keep what was read
  }
  return { rcode, answer };
}
