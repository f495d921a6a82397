// How the sandbox's helper processes (relay, inbound listener) live: they announce "ready" on
// stdout, then run until their stdin ends — the parent holds the write end, so when the parent
// exits or closes it on purpose the child reads end-of-file and goes too — or until SIGTERM/SIGINT.

/** Prints `readyLine`, waits for the parent to go (or a stop signal), then runs `close`. */
export async function serveUntilParentGoes(readyLine: string, close: () => Promise<void>): Promise<void> {
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  for (const event of ["end", "close", "error"]) process.stdin.on(event, () => requestStop());
  process.once("SIGTERM", () => requestStop());
  process.once("SIGINT", () => requestStop());
  // Reading stdin is what notices the parent going away; the bytes themselves mean nothing.
  process.stdin.resume();
  process.stdout.write(`${readyLine}\n`);
  await stopRequested;
  await close();
}

/** Runs a child's main and exits with its code; an unexpected error is one line on stderr and exit 1. */
export function exitWith(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
