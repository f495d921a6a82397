// Writes a pod's /etc files and its service account directory to its own directory on the host;
// containers see them through bind mounts in their private mount namespace, so the host's /etc
// is never written.
//
// The service account directory is written the way kubelet writes projected volumes, so a
// reader never sees a mix of old and new files: the files live in a timestamped directory
// `..<time>`, the symlink `..data` points at it, and each visible name is a symlink into
// `..data/`. An update writes a new timestamped directory, points a new symlink at it and
// renames that over `..data` (one atomic step), then removes the old directory.

import { mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PodDirPath, PodFilePath, PodMountPath } from "./launch-plan.js";
import { POD_DIR_PATHS, POD_FILE_PATHS } from "./launch-plan.js";

/** A directory's files: name (no slashes) → content. */
export type DirFiles = Readonly<Record<string, string>>;

/**
 * A pod's file texts by container path (/etc/resolv.conf and /etc/hosts are required), and the
 * contents of its directories by container path.
 */
export type PodFiles = {
  "/etc/resolv.conf": string;
  "/etc/hosts": string;
  "/etc/hostname"?: string;
  "/var/run/secrets/kubernetes.io/serviceaccount"?: DirFiles;
};

/** The host file or directory that backs container path `target` in `podDir`, e.g. `<podDir>/etc-hosts`. */
export function podFileSource(podDir: string, target: PodMountPath): string {
  return path.join(podDir, target.slice(1).replaceAll("/", "-"));
}

const DATA_LINK = "..data";

/** The files `dir` currently shows through `..data` (undefined when it has none yet). */
async function currentFiles(dir: string): Promise<Record<string, string> | undefined> {
  const data = path.join(dir, DATA_LINK);
  const names = await readdir(data).catch(() => undefined);
  if (!names) return undefined;
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await readFile(path.join(data, n), "utf8");
  return out;
}

function sameFiles(a: Record<string, string> | undefined, b: DirFiles): boolean {
  if (!a) return false;
  const keys = Object.keys(b);
  return keys.length === Object.keys(a).length && keys.every((k) => a[k] === b[k]);
}

/** A name for a new timestamped directory: `..2025_01_02_03_04_05.<random>`. */
function timestampedName(now: Date): string {
  const t = now.toISOString().replace(/[-:T]/g, "_").replace(/\..*$/, "");
  return `..${t}.${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Makes `dir` show exactly `files` (mode 0644), atomically as described above; does nothing when
 * it already does. Safe to call while containers read the directory through a bind mount.
 */
export async function writeAtomicDir(dir: string, files: DirFiles, now: Date = new Date()): Promise<void> {
  for (const name of Object.keys(files)) {
    if (name === "" || name.includes("/") || name.startsWith("..")) throw new Error(`invalid file name ${JSON.stringify(name)} for ${dir}`);
  }
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (sameFiles(await currentFiles(dir), files)) return;
  const previous = await readlink(path.join(dir, DATA_LINK)).catch(() => undefined);
  const fresh = timestampedName(now);
  await mkdir(path.join(dir, fresh), { mode: 0o755 });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, fresh, name), content, { mode: 0o644 });
  const tmpLink = path.join(dir, `${DATA_LINK}_tmp`);
  await rm(tmpLink, { force: true });
  await symlink(fresh, tmpLink);
  await rename(tmpLink, path.join(dir, DATA_LINK));
  // Visible names: a symlink into ..data for each file; names no longer present go.
  const entries = await readdir(dir);
  for (const name of Object.keys(files)) {
    if (!entries.includes(name)) await symlink(path.join(DATA_LINK, name), path.join(dir, name));
  }
  for (const name of entries) {
    if (!name.startsWith("..") && !(name in files)) await rm(path.join(dir, name), { force: true });
  }
  if (previous && previous !== fresh) await rm(path.join(dir, previous), { recursive: true, force: true });
}

/**
 * Creates `podDir` (mode 0700, parents too) and writes each given file and directory into it,
 * returning the bind mounts to make: files in POD_FILE_PATHS order, then directories. A file
 * whose content is already right is left alone; one that differs is rewritten in place (same
 * inode), so containers already running see the new text through their existing bind mounts.
 * Directories are replaced atomically (writeAtomicDir), also visible to running containers.
 */
export async function writePodFiles(podDir: string, files: PodFiles): Promise<{ source: string; target: PodMountPath }[]> {
  await mkdir(podDir, { recursive: true, mode: 0o700 });
  const mounts: { source: string; target: PodMountPath }[] = [];
  for (const target of POD_FILE_PATHS as readonly PodFilePath[]) {
    const text = files[target];
    if (text === undefined) continue;
    const source = podFileSource(podDir, target);
    const current = await readFile(source, "utf8").catch(() => undefined);
    if (current !== text) await writeFile(source, text, { mode: 0o644 });
    mounts.push({ source, target });
  }
  for (const target of POD_DIR_PATHS as readonly PodDirPath[]) {
    const content = files[target];
    if (content === undefined) continue;
    const source = podFileSource(podDir, target);
    await writeAtomicDir(source, content);
    mounts.push({ source, target });
  }
  return mounts;
}
