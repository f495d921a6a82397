// Small list renderings shared by several printers.

/** Go's net.JoinHostPort: IPv6 hosts (anything with a colon) are bracketed. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * At most `max` (default 3) items joined with `,`, then ` + N more...` for the rest; `<unset>`
 * when there are none (the printers' listWithMoreString, used by EndpointSlices).
 */
export function listWithMore(items: readonly string[], options: { max?: number } = {}): string {
  const max = options.max ?? 3;
  const shown = items.slice(0, max).join(",");
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === "" ? "<unset>" : shown;
}

/** A container as far as the CONTAINERS and IMAGES columns care. */
export interface NamedImage {
  name?: string;
  image?: string;
}

/** The CONTAINERS and IMAGES cells of a pod template: names and images joined with `,`. */
export function containerCells(containers: readonly NamedImage[] | null | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return {
    names: list.map((c) => c.name ?? "").join(","),
    images: list.map((c) => c.image ?? "").join(","),
  };
}
