// The parts of a running `svcnet up` that can be stopped and started on demand to rehearse
// faults: etcd members, API server replicas and nodes. Data types only; the parts themselves
// are made by up-command from what it started, and served by sandbox-control-server.ts.

/** What a part is. */
export type PartKind = "etcd" | "apiserver" | "node";

/**
 * How a part is stopped: a clean stop (TERM), a crash (KILL) or a freeze (STOP: the process stays,
 * holding its connections, and answers nothing until started again with SIGCONT). A node always
 * stops as a crash (see NodePart) and cannot be frozen.
 */
export type StopSignal = "SIGTERM" | "SIGKILL" | "SIGSTOP";

/** A part's state as `svcnet sandbox parts` shows it. */
export interface PartStatus {
  name: string;
  kind: PartKind;
  /** Whether its process (or, for a node, its agent and link) runs. */
  running: boolean;
  /** Whether its process is frozen (SIGSTOP). */
  frozen?: boolean;
  /** Whether it does its job: an etcd member answers `endpoint health`; others: running. */
  ready: boolean;
  pid?: number;
  /** When it last started or stopped, RFC 3339. */
  since: string;
  /** One short line: where it runs, how it last ended. */
  detail: string;
}

/** A part that can be stopped and started again. Calls on one part are not concurrent (the server queues them). */
export interface SandboxPart {
  readonly name: string;
  readonly kind: PartKind;
  status(): Promise<PartStatus>;
  /** Stops it; resolves once it is down. A stopped part stays stopped. */
  stop(signal: StopSignal): Promise<void>;
  /** Starts it again; resolves once it runs (an etcd member: once its process runs). A running part is left alone. */
  start(): Promise<void>;
}

/** Parses a signal name as the control API and CLI accept it (TERM, KILL, STOP, with or without SIG, or 15, 9, 19). */
export function parseStopSignal(text: string): StopSignal | undefined {
  const t = text.trim().toUpperCase();
  if (t === "STOP" || t === "SIGSTOP" || t === "19") return "SIGSTOP";
  if (t === "TERM" || t === "SIGTERM" || t === "15") return "SIGTERM";
  if (t === "KILL" || t === "SIGKILL" || t === "9") return "SIGKILL";
  return undefined;
}
