// Splits a stream of text chunks into lines: watch responses are newline-delimited JSON, but
// chunk boundaries (TCP segments, generator yields) need not fall on newlines.

/**
 * Yields each complete line of `chunks` without its "\n" (a trailing "\r" is dropped too);
 * blank lines are skipped and a final unterminated line is yielded when the input ends.
 * Once `signal` aborts the iteration ends at the next chunk boundary or immediately if it is
 * waiting — the pending read of the source is abandoned, never awaited.
 */
export async function* splitLines(chunks: AsyncIterable<string | Buffer>, signal?: AbortSignal): AsyncGenerator<string> {
  const it = chunks[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  let rest = "";
  const aborted = new Promise<"aborted">((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve("aborted");
    signal.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
  try {
    for (;;) {
      if (signal?.aborted) return;
      const next = await Promise.race([it.next(), aborted]);
      if (next === "aborted" || next.done) break;
      rest += typeof next.value === "string" ? next.value : decoder.decode(next.value, { stream: true });
      let nl = rest.indexOf("\n");
      while (nl >= 0) {
        const line = rest.slice(0, nl).replace(/\r$/, "");
        rest = rest.slice(nl + 1);
        if (line.trim()) yield line;
        if (signal?.aborted) return;
        nl = rest.indexOf("\n");
      }
    }
    rest += decoder.decode();
    if (!signal?.aborted && rest.trim()) yield rest.replace(/\r$/, "");
  } finally {
    // Do not await: a generator blocked in its own await would hold us hostage.
    void it.return?.(undefined)?.catch(() => undefined);
  }
}
