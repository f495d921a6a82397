// Reads /proc to find a container's processes: by process group (its tree) and by mount namespace
// (everything that ever entered the container, such as exec sessions or daemons that left the
// group with setsid). Parsing is pure; the readers tolerate processes vanishing mid-scan.

import { readdir, readFile, readlink } from "node:fs/promises";

/** The fields of /proc/<pid>/stat the runtime uses. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  /** When the process started, in clock ticks since boot (field 22): with the pid, its identity. */
  startTime: number;
}

/**
 * Parses one /proc/<pid>/stat line, or undefined when malformed. The command name sits in
 * parentheses and may itself contain spaces and parentheses, so fields are read after the last ")".
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(")");
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const [state, ppid, pgid] = fields;
  // Fields count from 1 and the first after the name is field 3, so field 22 is fields[19].
  const startTime = fields[19];
  if (state === undefined || ppid === undefined || pgid === undefined || startTime === undefined) return undefined;
  const stat = { pid, state, ppid: Number(ppid), pgid: Number(pgid), startTime: Number(startTime) };
  return Number.isInteger(stat.ppid) && Number.isInteger(stat.pgid) && Number.isInteger(stat.startTime) ? stat : undefined;
}

/** The stat of `pid`, or undefined when it does not exist. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return text === undefined ? undefined : parseProcStat(text);
}

/** True while `pid` exists and is not a zombie (a zombie has finished; only its entry is left). */
export async function isRunning(pid: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.state !== "Z" && stat.state !== "X";
}

/** True while the process `pid` that started at `startTime` runs (a reused pid does not count). */
export async function isSameProcessRunning(pid: number, startTime: number): Promise<boolean> {
  const stat = await readProcStat(pid);
  return stat !== undefined && stat.startTime === startTime && stat.state !== "Z" && stat.state !== "X";
}

/** The environment `pid` was started with (/proc/<pid>/environ), or undefined when it is gone. */
export async function processEnvironment(pid: number): Promise<Record<string, string> | undefined> {
  const raw = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => undefined);
  if (raw === undefined) return undefined;
  const env: Record<string, string> = {};
  for (const entry of raw.split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The mount namespace of `pid` as `mnt:[<inode>]`, or undefined when it is gone. */
export async function mountNamespaceOf(pid: number): Promise<string | undefined> {
  return readlink(`/proc/${pid}/ns/mnt`).catch(() => undefined);
}

/** Which processes to find: members of process group `pgid`, or of mount namespace `mountNs`. */
export interface ProcessQuery {
  pgid?: number;
  mountNs?: string;
}

/** Pids of live (non-zombie) processes matching any part of `query`, never this process. */
export async function findProcesses(query: ProcessQuery): Promise<number[]> {
  const entries = await readdir("/proc");
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const stat = await readProcStat(pid);
    if (!stat || stat.state === "Z" || stat.state === "X") continue;
    const inGroup = query.pgid !== undefined && stat.pgid === query.pgid;
    const inMountNs = !inGroup && query.mountNs !== undefined && (await mountNamespaceOf(pid)) === query.mountNs;
    if (inGroup || inMountNs) found.push(pid);
  }
  return found;
}
