// The checked tour of a README: the ```console blocks between the markers
// `<!-- tour:start -->` and `<!-- tour:end -->`, read as steps — a line starting with "$ " is a
// command, the lines after it (up to the next command or the end of the block) its output as the
// README shows it. Prose, other fences and text outside the markers are not steps. Pure.

/** One command of the tour and the output the README shows for it. */
export interface TourStep {
  /** The command after "$ ", as written (one line). */
  readonly command: string;
  /** The output lines shown under it; a line "…" stands for lines the README leaves out. */
  readonly expected: readonly string[];
  /** 1-based line of the command in the README, for messages. */
  readonly line: number;
}

export const TOUR_START = "<!-- tour:start -->";
export const TOUR_END = "<!-- tour:end -->";

/** A README whose tour cannot be read; the message says where and why. */
export class TourFormatError extends Error {
  override readonly name = "TourFormatError";
}

/**
 * The steps of the tour in `markdown`, in order. Throws TourFormatError when the markers are
 * missing, repeated or out of order, a console block is left open, or a console block has output
 * before its first command.
 */
export function extractTourSteps(markdown: string): TourStep[] {
  const lines = markdown.split("\n");
  const starts = indexesOf(lines, TOUR_START);
  const ends = indexesOf(lines, TOUR_END);
  if (starts.length !== 1 || ends.length !== 1) {
    throw new TourFormatError(`expected one "${TOUR_START}" and one "${TOUR_END}" line, found ${starts.length} and ${ends.length}`);
  }
  const [start, end] = [starts[0], ends[0]];
  if (end < start) throw new TourFormatError(`"${TOUR_END}" (line ${end + 1}) comes before "${TOUR_START}" (line ${start + 1})`);

  const steps: Array<{ command: string; expected: string[]; line: number }> = [];
  let inConsole = false;
  let inOtherFence = false;
  let current: { command: string; expected: string[]; line: number } | undefined;
  for (let i = start + 1; i < end; i++) {
    const text = lines[i];
    const fence = /^\s*```(\S*)\s*$/.exec(text);
    if (inConsole) {
      if (fence) {
        inConsole = false;
        current = undefined;
      } else if (text.startsWith("$ ")) {
        current = { command: text.slice(2).trim(), expected: [], line: i + 1 };
        steps.push(current);
      } else if (current) {
        current.expected.push(text);
      } else {
        throw new TourFormatError(`line ${i + 1}: output before the first "$ " command of a console block`);
      }
    } else if (inOtherFence) {
      if (fence) inOtherFence = false;
    } else if (fence) {
      if (fence[1] === "console") inConsole = true;
      else inOtherFence = true;
    }
  }
  if (inConsole || inOtherFence) throw new TourFormatError(`a code block in the tour is not closed before "${TOUR_END}" (line ${end + 1})`);
  return steps;
}

function indexesOf(lines: readonly string[], marker: string): number[] {
  const found: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() === marker) found.push(i);
  });
  return found;
}
