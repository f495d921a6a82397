// The names of rotated log files, as lumberjack (kube-apiserver's log rotation) gives them: the
// file's name with the rotation time in UTC, to the millisecond, before its extension —
// audit.log becomes audit-2026-01-02T15-04-05.123.log. The time in the name is what orders the
// old files and what their age is judged by. Pure.

import { basename, dirname, extname, join } from "node:path";

const stampPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})\.(\d{3})$/;

function parts(logPath: string): { dir: string; stem: string; ext: string } {
  const name = basename(logPath);
  const ext = extname(name);
  return { dir: dirname(logPath), stem: name.slice(0, name.length - ext.length), ext };
}

/** The path the log file is renamed to when it is rotated at `time`. */
export function rotatedFilePath(logPath: string, time: Date): string {
  const { dir, stem, ext } = parts(logPath);
  // 2026-01-02T15:04:05.123Z → 2026-01-02T15-04-05.123 (no colons: they are awkward in file names).
  const stamp = time.toISOString().slice(0, -1).replace(/:/g, "-");
  return join(dir, `${stem}-${stamp}${ext}`);
}

/**
 * The rotation time of `fileName` (a name in the log's directory) if it is one of the log's
 * rotated files, else undefined.
 */
export function rotationTimeOf(logPath: string, fileName: string): Date | undefined {
  const { stem, ext } = parts(logPath);
  const prefix = `${stem}-`;
  if (!fileName.startsWith(prefix) || !fileName.endsWith(ext) || fileName.length <= prefix.length + ext.length) return undefined;
  const m = stampPattern.exec(fileName.slice(prefix.length, fileName.length - ext.length));
  if (!m) return undefined;
  const t = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
  return Number.isNaN(t.getTime()) ? undefined : t;
}
