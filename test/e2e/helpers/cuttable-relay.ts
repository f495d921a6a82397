// A TCP relay on 127.0.0.1 in front of the API server that a test can cut and heal: a network
// partition between one node agent and the control plane, without touching any routing. Cut
// destroys the open connections and refuses new ones; heal lets them through again.

import type { Server, Socket } from "node:net";
import { connect, createServer } from "node:net";

export interface CuttableRelay {
  port: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startCuttableRelay(targetPort: number): Promise<CuttableRelay> {
  const open = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((inbound) => {
    if (cut) {
      inbound.destroy();
      return;
    }
    const outbound = connect(targetPort, "127.0.0.1");
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.once("close", () => open.delete(s));
      s.on("error", () => undefined);
    }
    inbound.pipe(outbound).pipe(inbound);
    inbound.once("close", () => outbound.destroy());
    outbound.once("close", () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    heal() {
      cut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
