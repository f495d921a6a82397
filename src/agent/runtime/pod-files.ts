// Writes a pod's /etc files to its own directory on the host; containers see them through bind
// mounts in their private mount namespace, so the host's /etc is never written.

import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PodFilePath } from "./launch-plan.js";
import { POD_FILE_PATHS } from "./launch-plan.js";

/** A pod's file texts by container path; /etc/resolv.conf and /etc/hosts are required. */
export type PodFiles = { "/etc/resolv.conf": string; "/etc/hosts": string; "/etc/hostname"?: string };

/** The host file that backs container path `target` in `podDir`, e.g. `<podDir>/etc-hosts`. */
export function podFileSource(podDir: string, target: PodFilePath): string {
  return path.join(podDir, target.slice(1).replaceAll("/", "-"));
}

/**
 * Creates `podDir` (mode 0700, parents too) and writes each given file into it, returning the
 * bind mounts to make, in POD_FILE_PATHS order. A file whose content is already right is left
 * alone; one that differs is rewritten in place (same inode), so containers already running see
 * the new text through their existing bind mounts.
 */
export async function writePodFiles(podDir: string, files: PodFiles): Promise<{ source: string; target: PodFilePath }[]> {
  await mkdir(podDir, { recursive: true, mode: 0o700 });
  const mounts: { source: string; target: PodFilePath }[] = [];
  for (const target of POD_FILE_PATHS) {
    const text = files[target];
    if (text === undefined) continue;
    const source = podFileSource(podDir, target);
    const current = await readFile(source, "utf8").catch(() => undefined);
    if (current !== text) await writeFile(source, text, { mode: 0o644 });
    mounts.push({ source, target });
  }
  return mounts;
}
