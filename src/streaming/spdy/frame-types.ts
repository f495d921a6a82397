// The SPDY/3.1 frames as data (the framing kubectl port-forward speaks, directly after an
// `Upgrade: SPDY/3.1` or tunnelled in WebSocket messages). Header blocks are carried here as the
// compressed bytes found on the wire; header-compression.ts turns them into header lists.
// Types and constants only: no logic.

/** The version number every control frame carries. */
export const SPDY_VERSION = 3;

/** Control frame type codes (draft 3; NOOP (5) is gone, CREDENTIAL (10) is not supported). */
export const ControlType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

/** FLAG_FIN on DATA, SYN_STREAM, SYN_REPLY and HEADERS: the sender's half of the stream ends. */
export const FLAG_FIN = 0x01;
/** FLAG_UNIDIRECTIONAL on SYN_STREAM: the receiver may not send on the stream. */
export const FLAG_UNIDIRECTIONAL = 0x02;
/** FLAG_SETTINGS_CLEAR_SETTINGS on SETTINGS. */
export const FLAG_CLEAR_SETTINGS = 0x01;

/** RST_STREAM status codes. */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  FrameTooLarge: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

/** The largest payload one frame can describe (24-bit length). */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/** Stream ids and ping ids are 31-bit. */
export const MAX_STREAM_ID = 0x7fffffff;

export interface DataFrame {
  kind: "data";
  streamId: number;
  fin: boolean;
  data: Buffer;
}

export interface SynStreamFrame {
  kind: "syn_stream";
  streamId: number;
  /** 0 when the stream is not associated with another. */
  associatedStreamId: number;
  /** 0 (highest) to 7. */
  priority: number;
  slot: number;
  fin: boolean;
  unidirectional: boolean;
  /** The compressed name/value header block. */
  headerBlock: Buffer;
}

export interface SynReplyFrame {
  kind: "syn_reply";
  streamId: number;
  fin: boolean;
  headerBlock: Buffer;
}

export interface RstStreamFrame {
  kind: "rst_stream";
  streamId: number;
  status: number;
}

export interface SettingsEntry {
  flags: number;
  /** 24-bit setting id (e.g. 7, SETTINGS_INITIAL_WINDOW_SIZE). */
  id: number;
  value: number;
}

export interface SettingsFrame {
  kind: "settings";
  clearSettings: boolean;
  entries: SettingsEntry[];
}

export interface PingFrame {
  kind: "ping";
  /** Odd from the client, even from the server. */
  id: number;
}

export interface GoAwayFrame {
  kind: "goaway";
  lastGoodStreamId: number;
  status: number;
}

export interface HeadersFrame {
  kind: "headers";
  streamId: number;
  fin: boolean;
  headerBlock: Buffer;
}

export interface WindowUpdateFrame {
  kind: "window_update";
  streamId: number;
  delta: number;
}

/** A control frame of a type this codec does not know; SPDY says to ignore it. */
export interface UnknownControlFrame {
  kind: "unknown";
  type: number;
  flags: number;
  payload: Buffer;
}

export type SpdyFrame =
  | DataFrame
  | SynStreamFrame
  | SynReplyFrame
  | RstStreamFrame
  | SettingsFrame
  | PingFrame
  | GoAwayFrame
  | HeadersFrame
  | WindowUpdateFrame
  | UnknownControlFrame;

export type SpdyProtocolErrorCode = "UnsupportedVersion" | "InvalidFrame" | "ZeroStreamId" | "InvalidHeaderBlock" | "HeaderBlockTooLarge";

/** Bytes that are not valid SPDY/3.1. `code` is stable; the message is for people. */
export class SpdyProtocolError extends Error {
  override readonly name = "SpdyProtocolError";
  readonly code: SpdyProtocolErrorCode;

  constructor(code: SpdyProtocolErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
