// A container's mount namespace, held open. The kernel gives a freed namespace's number to the
// very next namespace made anywhere on the machine (any `unshare --mount`, every `ip netns exec`),
// so "every process in mount namespace mnt:[N]" names the container's processes only while the
// namespace cannot be freed: while a file on /proc/<pid>/ns/mnt is open. Without this, cleaning
// up after a container that had already gone killed whatever ran in the namespace that took its
// number next: another pod's processes, a relay, an `ip netns exec` of another sandbox.

import type { FileHandle } from "node:fs/promises";
import { open, readlink } from "node:fs/promises";

export interface MountNamespacePin {
  /** The namespace as `mnt:[<inode>]`: unique on the machine until release(). */
  readonly id: string;
  /** False once released: from then on `id` may name another namespace. */
  readonly held: boolean;
  /** Lets the namespace go (safe to call again). */
  release(): Promise<void>;
}

/** Holds the mount namespace `pid` is in, or undefined when the process is gone. */
export async function pinMountNamespace(pid: number): Promise<MountNamespacePin | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(`/proc/${pid}/ns/mnt`, "r");
  } catch {
    return undefined;
  }
  // The id of the namespace the open file holds (the process may have moved or ended meanwhile).
  const id = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
  if (id === undefined || !/^mnt:\[\d+\]$/.test(id)) {
    await handle.close();
    return undefined;
  }
  let held = true;
  return {
    id,
    get held() {
      return held;
    },
    async release() {
      if (!held) return;
      held = false;
      await handle.close();
    },
  };
}
