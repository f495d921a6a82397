// What a node agent writes down about each pod it runs, so that an agent that restarts (even
// after SIGKILL) can adopt the pod instead of restarting it — as kubelet learns it from the
// container runtime. One JSON file per pod in the pod's directory, replaced atomically; parsing
// and validation are pure, the two small readers/writers below do the I/O.

import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isJsonObject } from "../../api/json.js";
import type { ContainerRuntimeInfo } from "../status/container-status.js";

/** The file name of a pod's record inside its directory. */
export const POD_RECORD_FILE = "pod.json";

/** One container of a pod record: its status so far and, while it runs, its process. */
export interface ContainerRecord {
  info: ContainerRuntimeInfo;
  /** The container's shim process and its start time (clock ticks), while it runs. */
  process?: { pid: number; startTime: number };
  /** Epoch ms before which a crashed container is not restarted (back-off). */
  restartAt?: number;
}

/** A pod as its agent runs it: which pod (key and uid), its sandbox, its containers. */
export interface PodRecord {
  version: 1;
  /** `namespace/name`. */
  key: string;
  uid: string;
  ip: string;
  netns: string;
  containers: Record<string, ContainerRecord>;
}

/** Why a record could not be read: the file and the first problem found. */
export class PodRecordError extends Error {
  override readonly name = "PodRecordError";
}

/** Checks the shape of a parsed record; throws PodRecordError naming the first bad field. */
export function parsePodRecord(value: unknown): PodRecord {
  if (!isJsonObject(value)) throw new PodRecordError("pod record: not an object");
  if (value["version"] !== 1) throw new PodRecordError(`pod record: unknown version ${JSON.stringify(value["version"])}`);
  for (const field of ["key", "uid", "ip", "netns"] as const) {
    if (typeof value[field] !== "string" || value[field] === "") throw new PodRecordError(`pod record: ${field} must be a non-empty string`);
  }
  const containers = value["containers"];
  if (!isJsonObject(containers)) throw new PodRecordError("pod record: containers must be an object");
  const out: Record<string, ContainerRecord> = {};
  for (const [name, c] of Object.entries(containers)) {
    if (!isJsonObject(c) || !isJsonObject(c["info"])) throw new PodRecordError(`pod record: container ${name} has no info`);
    const info = c["info"] as unknown as ContainerRuntimeInfo;
    if (info.name !== name || typeof info.restartCount !== "number") throw new PodRecordError(`pod record: container ${name} has a bad info`);
    const record: ContainerRecord = { info };
    const proc = c["process"];
    if (proc !== undefined) {
      if (!isJsonObject(proc) || !Number.isInteger(proc["pid"]) || !Number.isInteger(proc["startTime"])) {
        throw new PodRecordError(`pod record: container ${name} has a bad process`);
      }
      record.process = { pid: proc["pid"] as number, startTime: proc["startTime"] as number };
    }
    if (typeof c["restartAt"] === "number") record.restartAt = c["restartAt"];
    out[name] = record;
  }
  return { version: 1, key: value["key"] as string, uid: value["uid"] as string, ip: value["ip"] as string, netns: value["netns"] as string, containers: out };
}

/** Replaces the record in `podDir` (write to a temporary file, then rename over the old one). */
export function writePodRecord(podDir: string, record: PodRecord): void {
  const file = join(podDir, POD_RECORD_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/**
 * Every pod record under `podsDir` (one directory per pod), and the directories whose record is
 * missing or unreadable with the reason (the caller decides; nothing is deleted here).
 */
export function readPodRecords(podsDir: string): { records: { dir: string; record: PodRecord }[]; unreadable: { dir: string; reason: string }[] } {
  const records: { dir: string; record: PodRecord }[] = [];
  const unreadable: { dir: string; reason: string }[] = [];
  let entries: string[];
  try {
    entries = readdirSync(podsDir);
  } catch {
    return { records, unreadable };
  }
  for (const entry of entries.sort()) {
    const dir = join(podsDir, entry);
    try {
      records.push({ dir, record: parsePodRecord(JSON.parse(readFileSync(join(dir, POD_RECORD_FILE), "utf8"))) });
    } catch (e) {
      unreadable.push({ dir, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { records, unreadable };
}
