// The command lines that put a container process into its pod: pure, so every argument and the
// setup script are table-tested. container-process.ts and exec-in-container.ts run them.
//
// A container starts as one process whose pid never changes:
//   ip netns exec <netns>                       (joins the pod's network namespace; execs)
//   unshare --mount --uts --propagation private (a private mount + UTS namespace; execs)
//   sh -c <setup script> svcnet-setup <command…>
// The setup script bind-mounts the pod's files over /etc/resolv.conf, /etc/hosts (and
// /etc/hostname) and its service account directory read-only at
// /var/run/secrets/kubernetes.io/serviceaccount, sets the hostname, changes to the working
// directory, prints READY_MARKER on its stdout and points stdout/stderr at the log file
// (inherited as fd 3). Any failure before the marker is a setup failure whose message is on
// the original stderr.
//
// Then the script stays as the container's shim (containerd's shim in miniature): it runs the
// command as its child with every signal at its default (`env --default-signal`; a shell would
// leave SIGINT/SIGQUIT ignored in a background job), waits for it, writes its exit status to the
// exit file and exits with it. The shim outlives the agent, so an agent that restarts can adopt
// the container and still learn how it ended. It survives the usual signals (traps that only
// wake its wait), so a signal sent to the container's process group reaches the command, and the
// status recorded is the command's: its exit code, or 128 + the signal that ended it.

/** Absolute paths of the programs the runtime runs (see findRuntimeTools). */
export interface RuntimeTools {
  ip: string;
  unshare: string;
  nsenter: string;
  mount: string;
  sh: string;
  env: string;
}

/** The container file paths a pod may provide, in the order they are mounted. */
export const POD_FILE_PATHS = ["/etc/resolv.conf", "/etc/hosts", "/etc/hostname"] as const;

/** One of POD_FILE_PATHS. */
export type PodFilePath = (typeof POD_FILE_PATHS)[number];

/**
 * The container directories a pod may provide (after the files), each mounted read-only: the
 * service account token volume (token, ca.crt, namespace).
 */
export const POD_DIR_PATHS = ["/var/run/secrets/kubernetes.io/serviceaccount"] as const;

/** One of POD_DIR_PATHS. */
export type PodDirPath = (typeof POD_DIR_PATHS)[number];

/** Where a pod's file or directory appears in its containers. */
export type PodMountPath = PodFilePath | PodDirPath;

const isDirPath = (p: PodMountPath): p is PodDirPath => (POD_DIR_PATHS as readonly string[]).includes(p);

/** The line the setup script prints when the namespaces and mounts are ready. */
export const READY_MARKER = "svcnet-container-ready";

/** The file descriptor the log file is inherited on while the setup script runs. */
export const LOG_FD = 3;

/** What the setup script needs: bind mounts (host source → container path), hostname, cwd. */
export interface SetupPlan {
  /** Files (POD_FILE_PATHS) are bind-mounted as they are; directories (POD_DIR_PATHS) read-only. */
  mounts: readonly { source: string; target: PodMountPath }[];
  hostname: string;
  workingDir?: string;
  /** Where the shim writes the command's exit status (a decimal number and a newline). */
  exitFile: string;
}

/** Single-quotes `value` for a POSIX shell; the result is always one word. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `sh -c` script for `plan`. It stops at the first failing step (exit 125, the message on
 * stderr); on success it runs the command (`"$@"`) under the shim loop described above. The
 * hostname is written to /proc/sys/kernel/hostname, or set with the `hostname` program where that
 * file is not writable (a user namespace).
 */
export function setupScript(tools: RuntimeTools, plan: SetupPlan): string {
  const fail = "exit 125";
  const steps: string[] = [];
  for (const m of plan.mounts) {
    const target = shellQuote(m.target);
    if (isDirPath(m.target)) {
      // The mount point must exist, and the container's root is the host's: so the (empty)
      // directory is made on the host — /var/run is /run, a tmpfs, so nothing outlives a reboot.
      // A tmpfs over /run inside the mount namespace would avoid even that, but would also hide
      // the host's /run, where /etc/resolv.conf often points (systemd-resolved). The contents
      // appear only in this mount namespace, read-only.
      steps.push(`mkdir -p -- ${target} || ${fail}`);
      steps.push(`${shellQuote(tools.mount)} --bind ${shellQuote(m.source)} ${target} || ${fail}`);
      steps.push(`${shellQuote(tools.mount)} -o remount,bind,ro ${target} || ${fail}`);
    } else {
      steps.push(`${shellQuote(tools.mount)} --bind ${shellQuote(m.source)} ${target} || ${fail}`);
    }
  }
  // Inside a user namespace (`svcnet up --rootless`) /proc/sys/kernel/hostname stays the host
  // root's file, while sethostname(2) — the hostname program — is allowed in the pod's UTS namespace.
  steps.push(`{ printf '%s' ${shellQuote(plan.hostname)} 2>/dev/null > /proc/sys/kernel/hostname || hostname ${shellQuote(plan.hostname)}; } || ${fail}`);
  if (plan.workingDir !== undefined) steps.push(`cd -- ${shellQuote(plan.workingDir)} || ${fail}`);
  steps.push(`echo ${READY_MARKER}`);
  steps.push(`exec 1>&${LOG_FD} 2>&${LOG_FD} ${LOG_FD}>&-`);
  steps.push(...shimSteps(tools, plan.exitFile));
  return steps.join("\n");
}

/**
 * The shim: the command as a child, waited for until it has really ended (a trapped SIGTERM
 * interrupts `wait` while the command still runs), then its status recorded and returned.
 */
export function shimSteps(tools: Pick<RuntimeTools, "env">, exitFile: string): string[] {
  return [
    "trap : TERM INT QUIT HUP USR1 USR2",
    `${shellQuote(tools.env)} --default-signal "$@" &`,
    "child=$!",
    'while :; do wait "$child"; status=$?; kill -0 "$child" 2>/dev/null || break; done',
    `printf '%s\\n' "$status" > ${shellQuote(exitFile)}`,
    'exit "$status"',
  ];
}

/** The argv (program first) that starts `command` in netns `netns` with private mounts and UTS. */
export function launchArgv(tools: RuntimeTools, options: { netns: string; command: readonly string[]; plan: SetupPlan }): string[] {
  const { netns, command, plan } = options;
  return [
    tools.ip, "netns", "exec", netns,
    tools.unshare, "--mount", "--uts", "--propagation", "private",
    tools.sh, "-c", setupScript(tools, plan), "svcnet-setup",
    ...command,
  ];
}

/**
 * The argv that runs `command` in the namespaces (network, mount, UTS) of the process `pid`,
 * in that process's working directory.
 */
export function execArgv(tools: RuntimeTools, pid: number, command: readonly string[]): string[] {
  return [tools.nsenter, `--target=${pid}`, "--net", "--mount", "--uts", "--wd", "--", ...command];
}

/** PATH when the container env has none (the usual image default). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The environment a container process gets: PATH, HOME=/root and HOSTNAME=<hostname> as a
 * runtime adds them from the image, overridden by `env` (the container's own variables).
 */
export function containerProcessEnv(env: Readonly<Record<string, string>>, hostname: string): Record<string, string> {
  return { PATH: DEFAULT_PATH, HOME: "/root", HOSTNAME: hostname, ...env };
}
