// Finds the terminal of an exec session: `script` (the session's process) gives its child a
// pseudo-terminal as standard input, so the first process under the session's root whose fd 0 is
// a /dev/pts device holds the terminal. The answer is that fd's /proc path, which opens the same
// terminal whatever mount namespace the process lives in.

import { readdir, readFile, readlink } from "node:fs/promises";

async function childrenOf(pid: number): Promise<number[]> {
  let tasks: string[];
  try {
    tasks = await readdir(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tasks) {
    try {
      const text = await readFile(`/proc/${pid}/task/${tid}/children`, "utf8");
      for (const word of text.split(" ")) if (/^\d+$/.test(word)) out.push(Number(word));
    } catch {
      // the task ended meanwhile
    }
  }
  return out;
}

/** `/proc/<pid>/fd/0` of the first process (breadth first) under `rootPid` reading a pty; undefined if none yet. */
export async function findPtyOf(rootPid: number): Promise<string | undefined> {
  const queue = await childrenOf(rootPid);
  for (let i = 0; i < queue.length && i < 256; i++) {
    const pid = queue[i];
    try {
      if (/^\/dev\/pts\/\d+$/.test(await readlink(`/proc/${pid}/fd/0`))) return `/proc/${pid}/fd/0`;
    } catch {
      // gone, or not ours to look at
    }
    queue.push(...(await childrenOf(pid)));
  }
  return undefined;
}
