// Joins two connected sockets into one stream path, as a TCP proxy does: the relay joins the host's
// unix connection to the target's TCP connection, and the host forwarder joins a local TCP client
// to a unix connection. Shared here so both ends close the same way.

import type { Socket } from "node:net";

/**
 * Copies bytes both ways between `a` and `b` until both are done. Contract:
 * - An end (FIN) read on one side is passed on as an end of the other's writing side, and the
 *   opposite direction keeps flowing: half-closed connections (a client that sends its request
 *   and shuts down its write side) work end to end. Both sockets must have been created with
 *   `allowHalfOpen: true`; otherwise Node ends their writing side on its own.
 * - An error on either side destroys both at once (the peer of each sees the connection end).
 * - When one side has closed, the other is ended after its queued bytes are flushed, then
 *   destroyed, so nothing is left half-open once the far side is gone.
 * Writes queued before this call (a header, say) go first.
 */
export function spliceSockets(a: Socket, b: Socket): void {
  const destroyBoth = (): void => {
    a.destroy();
    b.destroy();
  };
  a.on("error", destroyBoth);
  b.on("error", destroyBoth);
  a.on("close", () => endThenDestroy(b));
  b.on("close", () => endThenDestroy(a));
  a.pipe(b);
  b.pipe(a);
}

function endThenDestroy(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableFinished) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  if (!socket.writableEnded) socket.end();
}
