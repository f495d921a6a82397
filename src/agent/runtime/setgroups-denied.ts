// Whether this process runs in a user namespace that may not call setgroups(2) — the one
// `svcnet up --rootless` makes (unshare --map-root-user writes "deny" to /proc/self/setgroups,
// as the kernel requires of an unprivileged gid mapping). Programs that drop privileges as root
// (nginx's workers call initgroups) fail there, so the built-in images run them differently.

import { readFileSync } from "node:fs";

/** True when /proc/self/setgroups says "deny"; false where it allows or does not exist. */
export function setgroupsDenied(read: (path: string) => string = (p) => readFileSync(p, "utf8")): boolean {
  try {
    return read("/proc/self/setgroups").trim() === "deny";
  } catch {
    return false;
  }
}
