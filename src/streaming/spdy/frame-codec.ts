// SPDY/3.1 framing: frames to bytes and bytes to frames. Every frame starts with 8 bytes — a
// control frame with the control bit, version (15 bits) and type (16 bits), a data frame with
// its 31-bit stream id — then 8 bits of flags and a 24-bit payload length. Header blocks stay
// compressed here (see header-compression.ts). Pure: no I/O.

import type { SettingsEntry, SpdyFrame } from "./frame-types.js";
import { ControlType, FLAG_CLEAR_SETTINGS, FLAG_FIN, FLAG_UNIDIRECTIONAL, MAX_FRAME_PAYLOAD, MAX_STREAM_ID, SPDY_VERSION, SpdyProtocolError } from "./frame-types.js";

const HEADER_BYTES = 8;

function controlHeader(type: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new RangeError(`a SPDY frame payload is at most ${MAX_FRAME_PAYLOAD} bytes, not ${length}`);
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  out.writeUInt16BE(type, 2);
  out.writeUInt32BE(((flags & 0xff) << 24 >>> 0) | length, 4);
  return out;
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  return Buffer.concat([controlHeader(type, flags, payload.length), payload]);
}

function uint32s(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

function checkStreamId(id: number): void {
  if (!Number.isInteger(id) || id < 1 || id > MAX_STREAM_ID) throw new RangeError(`stream id ${id} is not from 1 to ${MAX_STREAM_ID}`);
}

/** The wire bytes of `frame`. Throws RangeError for values that do not fit their fields. */
export function encodeFrame(frame: SpdyFrame): Buffer {
  switch (frame.kind) {
    case "data": {
      checkStreamId(frame.streamId);
      if (frame.data.length > MAX_FRAME_PAYLOAD) throw new RangeError(`a SPDY frame payload is at most ${MAX_FRAME_PAYLOAD} bytes, not ${frame.data.length}`);
      const head = Buffer.alloc(HEADER_BYTES);
      head.writeUInt32BE(frame.streamId, 0);
      head.writeUInt32BE((((frame.fin ? FLAG_FIN : 0) << 24) >>> 0) | frame.data.length, 4);
      return Buffer.concat([head, frame.data]);
    }
    case "syn_stream": {
      checkStreamId(frame.streamId);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId, 0);
      fixed.writeUInt32BE(frame.associatedStreamId & MAX_STREAM_ID, 4);
      fixed.writeUInt8((frame.priority & 0x07) << 5, 8);
      fixed.writeUInt8(frame.slot & 0xff, 9);
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return control(ControlType.SynStream, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case "syn_reply":
      checkStreamId(frame.streamId);
      return control(ControlType.SynReply, frame.fin ? FLAG_FIN : 0, Buffer.concat([uint32s(frame.streamId), frame.headerBlock]));
    case "headers":
      checkStreamId(frame.streamId);
      return control(ControlType.Headers, frame.fin ? FLAG_FIN : 0, Buffer.concat([uint32s(frame.streamId), frame.headerBlock]));
    case "rst_stream":
      checkStreamId(frame.streamId);
      return control(ControlType.RstStream, 0, uint32s(frame.streamId, frame.status));
    case "settings": {
      const words = frame.entries.flatMap((e) => [(((e.flags & 0xff) << 24) >>> 0) | (e.id & 0xffffff), e.value]);
      return control(ControlType.Settings, frame.clearSettings ? FLAG_CLEAR_SETTINGS : 0, uint32s(frame.entries.length, ...words));
    }
    case "ping":
      return control(ControlType.Ping, 0, uint32s(frame.id));
    case "goaway":
      return control(ControlType.GoAway, 0, uint32s(frame.lastGoodStreamId & MAX_STREAM_ID, frame.status));
    case "window_update":
      checkStreamId(frame.streamId);
      return control(ControlType.WindowUpdate, 0, uint32s(frame.streamId, frame.delta & MAX_STREAM_ID));
    case "unknown":
      return control(frame.type, frame.flags, frame.payload);
  }
}

function invalid(message: string): SpdyProtocolError {
  return new SpdyProtocolError("InvalidFrame", message);
}

function streamIdAt(payload: Buffer, offset: number, what: string): number {
  const id = payload.readUInt32BE(offset) & MAX_STREAM_ID;
  if (id === 0) throw new SpdyProtocolError("ZeroStreamId", `${what} names stream 0`);
  return id;
}

function decodeControl(type: number, flags: number, payload: Buffer): SpdyFrame {
  const fin = (flags & FLAG_FIN) !== 0;
  const need = (what: string, ok: boolean): void => {
    if (!ok) throw invalid(`${what} frame with a ${payload.length}-byte payload`);
  };
  switch (type) {
    case ControlType.SynStream:
      need("SYN_STREAM", payload.length >= 10);
      return {
        kind: "syn_stream",
        streamId: streamIdAt(payload, 0, "SYN_STREAM"),
        associatedStreamId: payload.readUInt32BE(4) & MAX_STREAM_ID,
        priority: payload.readUInt8(8) >> 5,
        slot: payload.readUInt8(9),
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case ControlType.SynReply:
      need("SYN_REPLY", payload.length >= 4);
      return { kind: "syn_reply", streamId: streamIdAt(payload, 0, "SYN_REPLY"), fin, headerBlock: payload.subarray(4) };
    case ControlType.Headers:
      need("HEADERS", payload.length >= 4);
      return { kind: "headers", streamId: streamIdAt(payload, 0, "HEADERS"), fin, headerBlock: payload.subarray(4) };
    case ControlType.RstStream: {
      need("RST_STREAM", payload.length === 8);
      const status = payload.readUInt32BE(4);
      if (status === 0) throw invalid("RST_STREAM with status 0");
      return { kind: "rst_stream", streamId: streamIdAt(payload, 0, "RST_STREAM"), status };
    }
    case ControlType.Settings: {
      need("SETTINGS", payload.length >= 4);
      const count = payload.readUInt32BE(0);
      need("SETTINGS", payload.length === 4 + count * 8);
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < count; i++) {
        const word = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { kind: "settings", clearSettings: (flags & FLAG_CLEAR_SETTINGS) !== 0, entries };
    }
    case ControlType.Ping: {
      need("PING", payload.length === 4);
      const id = payload.readUInt32BE(0);
      if (id === 0) throw invalid("PING with id 0");
      return { kind: "ping", id };
    }
    case ControlType.GoAway:
      need("GOAWAY", payload.length === 8);
      return { kind: "goaway", lastGoodStreamId: payload.readUInt32BE(0) & MAX_STREAM_ID, status: payload.readUInt32BE(4) };
    case ControlType.WindowUpdate:
      need("WINDOW_UPDATE", payload.length === 8);
      return { kind: "window_update", streamId: payload.readUInt32BE(0) & MAX_STREAM_ID, delta: payload.readUInt32BE(4) & MAX_STREAM_ID };
    default:
      return { kind: "unknown", type, flags, payload };
  }
}

/**
 * Cuts a byte stream into frames. Feed it what the connection delivers, in order; it keeps a
 * partial frame until the rest arrives. Throws SpdyProtocolError for bytes that are not SPDY/3
 * (after which the connection cannot be read further).
 */
export class FrameParser {
  #pending: Buffer = Buffer.alloc(0);

  /** The frames completed by `chunk`, in order. Returned frames share memory with the input. */
  push(chunk: Buffer): SpdyFrame[] {
    let buf = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: SpdyFrame[] = [];
    while (buf.length >= HEADER_BYTES) {
      const word = buf.readUInt32BE(4);
      const flags = word >>> 24;
      const length = word & 0xffffff;
      if (buf.length < HEADER_BYTES + length) break;
      const payload = buf.subarray(HEADER_BYTES, HEADER_BYTES + length);
      const first = buf.readUInt32BE(0);
      if ((first & 0x80000000) !== 0) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError("UnsupportedVersion", `SPDY version ${version} (this side speaks ${SPDY_VERSION})`);
        frames.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        if (first === 0) throw new SpdyProtocolError("ZeroStreamId", "DATA frame on stream 0");
        frames.push({ kind: "data", streamId: first, fin: (flags & FLAG_FIN) !== 0, data: payload });
      }
      buf = buf.subarray(HEADER_BYTES + length);
    }
    // Keep only the unfinished frame (copied, so a large consumed chunk can be freed).
    this.#pending = buf.length === 0 ? Buffer.alloc(0) : Buffer.from(buf);
    return frames;
  }

  /** Bytes of an unfinished frame held back. */
  get buffered(): number {
    return this.#pending.length;
  }
}
