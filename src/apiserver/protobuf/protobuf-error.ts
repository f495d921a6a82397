// The one error type of the protobuf decoder. It carries only text; decode-body.ts turns it into
// the API's 400 BadRequest, so the wire reader and message decoder stay free of HTTP concerns.

/** A body that is not well-formed protobuf, or holds a field this server's tables do not know. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(`protobuf: ${message}`);
    this.name = "ProtobufError";
  }
}
