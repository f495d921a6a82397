// Terminal sizes of `kubectl exec -t`: what kubectl sends on the resize channel (JSON
// {"Width":cols,"Height":rows}) and how a size is set on a terminal (stty rows/cols, which
// issues TIOCSWINSZ — the kernel then sends SIGWINCH to the terminal's foreground job). Pure.

export interface TerminalSize {
  cols: number;
  rows: number;
}

const isDimension = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffff;

/** The size in a resize message's payload (after the channel byte); undefined when it is not one. */
export function parseResize(payload: Buffer): TerminalSize | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const { Width: cols, Height: rows } = body as Record<string, unknown>;
  return isDimension(cols) && isDimension(rows) ? { cols, rows } : undefined;
}

/** stty's arguments that give the terminal at `device` the size `size`. */
export function sttyArgs(device: string, size: TerminalSize): string[] {
  return ["-F", device, "rows", String(size.rows), "cols", String(size.cols)];
}

/**
 * A shell prefix that sizes the terminal it runs on before the command starts (for the size a
 * client sends before the command's terminal exists); errors are dropped, the command runs anyway.
 */
export function sizePrefix(size: TerminalSize): string {
  return `stty rows ${size.rows} cols ${size.cols} 2>/dev/null; `;
}
