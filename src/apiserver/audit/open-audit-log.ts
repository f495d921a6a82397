// Where `svcnet server` keeps its audit log, from the --audit-log-* flags as kube-apiserver reads
// them: a path is a file rotated by size (audit-log-writer.ts), "-" is standard output (one JSON
// line per event, never rotated), "" is no audit log at all.

import type { Writable } from "node:stream";
import type { AuditEvent, AuditSink } from "./audit-event.js";
import { AuditLogWriter, megabyte } from "./audit-log-writer.js";

export interface AuditLogConfig {
  /** The log file; "-": standard output; "": none. */
  path: string;
  /** Megabytes (MiB) before the file is rotated; 0: lumberjack's default of 100. */
  maxSizeMB: number;
  /** Rotated files kept; 0: all. */
  maxBackups: number;
  /** Days a rotated file is kept; 0: no age limit. */
  maxAgeDays: number;
}

/**
 * svcnet's defaults: unlike kube-apiserver, which audits only when told to, svcnet audits by
 * default and keeps ten rotated files, so that a cluster left running neither goes unaudited
 * nor fills its disk.
 */
export const defaultAuditLogLimits: Omit<AuditLogConfig, "path"> = { maxSizeMB: 100, maxBackups: 10, maxAgeDays: 0 };

/** The settings as given: without a path, the data dir's audit.log is meant. */
export type AuditLogSettings = Omit<AuditLogConfig, "path"> & { path?: string };

/** An audit sink the server closes (flushing what it holds) when it stops. */
export interface AuditLog extends AuditSink {
  /** Where the events go, for the startup message. */
  readonly destination: string;
  close(): Promise<void>;
}

/** Events as JSON lines on a stream (standard output), as they come. */
export function streamAuditLog(stream: Writable, destination: string): AuditLog {
  return {
    destination,
    write(event: AuditEvent): void {
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close: async () => {},
  };
}

/** Opens the audit log the flags describe; undefined when auditing is off. */
export async function openAuditLog(config: AuditLogConfig): Promise<AuditLog | undefined> {
  if (config.path === "") return undefined;
  if (config.path === "-") return streamAuditLog(process.stdout, "standard output");
  const writer = await AuditLogWriter.open({
    path: config.path,
    maxSizeBytes: config.maxSizeMB * megabyte,
    maxBackups: config.maxBackups,
    maxAgeDays: config.maxAgeDays,
  });
  return {
    destination: writer.path,
    write: (event) => writer.write(event),
    close: () => writer.close(),
  };
}
