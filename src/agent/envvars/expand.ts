// kubelet's `$(VAR)` expansion for container env values, command and args.

/**
 * Expands `$(NAME)` references in `input` using `lookup`, following kubelet's rules:
 * - `$(NAME)` with a known name becomes its value; an unknown name is left as `$(NAME)`;
 * - `$$` becomes a single `$` (so `$$(NAME)` yields the literal `$(NAME)`);
 * - `$(` without a closing `)` and `$` before any other character are kept literally;
 * - a trailing lone `$` is kept.
 * Expansion is single-pass: values substituted in are not expanded again.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== "$" || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close === -1) {
        out += "$(";
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += "$" + next;
      i += 2;
    }
  }
  return out;
}
