// Fills and refreshes the service account token volumes of a node's pods, as kubelet's token
// manager and projected volume plugin do: a TokenRequest bound to the pod (for the volume's
// audience and lifetime), the ConfigMaps' keys and the downward API fields are written into the
// pod's directory atomically (pod-files.ts writeAtomicDir), and the token is replaced when 80 %
// of its requested lifetime has passed (token-volume.ts tokenRefreshAt), without restarting
// anything: containers see the new files through their bind mount. A failed refresh keeps the
// old files and is tried again shortly.

import { requireResource } from "../../api/resources.js";
import type { ConfigMap, Pod, TokenRequest } from "../../api/types.js";
import type { Clock, Transport } from "../../client/index.js";
import { ClientError, KubeClient, isNotFound, realClock, resourcePath } from "../../client/index.js";
import { writeAtomicDir } from "../runtime/pod-files.js";
import type { ProjectedFiles, TokenVolume } from "./token-volume.js";
import { projectedFiles, tokenRefreshAt, tokenRequestFor, tokenVolumeOf } from "./token-volume.js";

export interface TokenVolumesOptions {
  transport: Transport;
  clock?: Clock;
  /** Pause before trying a failed refresh again; default 10 s. */
  retryMs?: number;
  log?: (line: string) => void;
}

interface Entry {
  pod: Pod;
  volume: TokenVolume;
  dir: string;
  files: Record<string, string>;
  cancel?: () => void;
}

export class TokenVolumes {
  readonly #t: Transport;
  readonly #clock: Clock;
  readonly #retryMs: number;
  readonly #log: (line: string) => void;
  readonly #configMaps: KubeClient<ConfigMap>;
  readonly #entries = new Map<string, Entry>();
  #stopped = false;

  constructor(o: TokenVolumesOptions) {
    this.#t = o.transport;
    this.#clock = o.clock ?? realClock;
    this.#retryMs = o.retryMs ?? 10_000;
    this.#log = o.log ?? ((line) => console.error(line));
    this.#configMaps = new KubeClient<ConfigMap>(o.transport, requireResource("", "v1", "configmaps"));
  }

  /**
   * The files of `pod`'s token volume, written to `dir` and kept fresh from now on; undefined
   * when the pod has none. Once made for a pod (by uid) they are reused: refreshes replace them.
   * `{ ok: false }` when they cannot be made yet (the caller lets the container wait).
   */
  async ensure(pod: Pod, dir: string): Promise<ProjectedFiles | undefined> {
    const uid = pod.metadata.uid ?? "";
    const known = this.#entries.get(uid);
    if (known) return { ok: true, files: known.files };
    const volume = tokenVolumeOf(pod);
    if (!volume) return undefined;
    const made = await this.#make(pod, volume);
    if (!made.ok) return made;
    await writeAtomicDir(dir, made.files);
    // After stop() nothing is refreshed any more (no timer may outlive the agent).
    if (!this.#stopped) {
      const entry: Entry = { pod, volume, dir, files: made.files };
      this.#entries.set(uid, entry);
      if (Number.isFinite(made.refreshAt)) this.#schedule(uid, entry, made.refreshAt - this.#clock.now());
    }
    return { ok: true, files: made.files };
  }

  /** Stops refreshing the pod's token (the pod is gone). */
  forget(uid: string): void {
    this.#entries.get(uid)?.cancel?.();
    this.#entries.delete(uid);
  }

  /** Stops every refresh for good (the agent stops). */
  stop(): void {
    this.#stopped = true;
    for (const uid of [...this.#entries.keys()]) this.forget(uid);
  }

  #schedule(uid: string, entry: Entry, delayMs: number): void {
    entry.cancel?.();
    entry.cancel = this.#clock.setTimer(() => void this.#refresh(uid, entry), delayMs);
  }

  async #refresh(uid: string, entry: Entry): Promise<void> {
    if (this.#entries.get(uid) !== entry) return;
    let next = this.#retryMs;
    try {
      const made = await this.#make(entry.pod, entry.volume);
      if (this.#entries.get(uid) !== entry) return;
      if (made.ok) {
        await writeAtomicDir(entry.dir, made.files);
        entry.files = made.files;
        next = made.refreshAt - this.#clock.now();
      } else {
        this.#log(`svcnet agent: refreshing the token volume of pod ${entry.pod.metadata.namespace}/${entry.pod.metadata.name}: ${made.error}`);
      }
    } catch (e) {
      this.#log(`svcnet agent: refreshing the token volume of pod ${entry.pod.metadata.namespace}/${entry.pod.metadata.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (this.#entries.get(uid) === entry && Number.isFinite(next)) this.#schedule(uid, entry, next);
  }

  /** Fetches a token and the ConfigMaps and computes the files; never throws for API refusals. */
  async #make(pod: Pod, volume: TokenVolume): Promise<({ ok: true; files: Record<string, string>; refreshAt: number }) | { ok: false; error: string }> {
    const ns = pod.metadata.namespace ?? "";
    try {
      let token: string | undefined;
      let refreshAt = Number.POSITIVE_INFINITY;
      if (volume.token) {
        const tr = await this.#requestToken(pod, volume);
        token = tr.status?.token;
        if (tr.status) refreshAt = tokenRefreshAt({ expirationTimestamp: tr.status.expirationTimestamp, expirationSeconds: volume.token.expirationSeconds });
      }
      const configMaps = new Map<string, ConfigMap | undefined>();
      for (const src of volume.configMaps) {
        try {
          configMaps.set(src.name, await this.#configMaps.get(ns, src.name));
        } catch (e) {
          if (!isNotFound(e)) throw e;
          configMaps.set(src.name, undefined);
        }
      }
      const files = projectedFiles(pod, volume, { token, configMaps });
      return files.ok ? { ...files, refreshAt } : files;
    } catch (e) {
      if (e instanceof ClientError) return { ok: false, error: e.message };
      throw e;
    }
  }

  async #requestToken(pod: Pod, volume: TokenVolume): Promise<TokenRequest> {
    const source = volume.token;
    if (!source) throw new Error("no token source");
    const res = await this.#t.request({
      method: "POST",
      path: resourcePath(requireResource("", "v1", "serviceaccounts"), {
        namespace: pod.metadata.namespace ?? "",
        name: pod.spec.serviceAccountName || "default",
        subresource: "token",
      }),
      body: JSON.stringify(tokenRequestFor(pod, source)),
      contentType: "application/json",
    });
    if (res.status < 200 || res.status > 299) throw ClientError.fromResponse(res.status, res.body);
    return JSON.parse(res.body ?? "{}") as TokenRequest;
  }
}
