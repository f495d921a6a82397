// Built-in images: there is no container engine, so an image name is mapped to a program on
// the host (see DESIGN.md, "Pods without container images").

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import type { Container } from "../../api/types.js";
import { DEFAULT_PAGE_HTML } from "./default-page.js";
import { imageRepository } from "./image-name.js";
import { nginxConfig } from "./nginx-config.js";

/**
 * What to run for a container: argv is `[...command, ...(args ?? [])]`, after writing `files`.
 * The process's stdout and stderr must be files or pipes, not sockets: nginx opens
 * `/dev/stdout` for its access log, which fails (ENXIO) on a socket such as Node's "pipe" stdio.
 */
export interface ResolvedImage {
  command: string[];
  args?: string[];
  /** Files (absolute path → content) to write before starting; parent directories may need creating. */
  files?: Record<string, string>;
}

/** An image that cannot be run; reported like a failed pull. */
export interface ImageError {
  error: { reason: "ErrImagePull"; message: string };
}

/** Result of {@link resolveImage}. */
export type ImageResolution = ResolvedImage | ImageError;

/** Where and how the built-in images run. */
export interface ResolveImageOptions {
  /** Absolute, existing, per-container directory for generated config, pid and temp files. */
  containerDir: string;
  /** nginx's document root; defaults to a generated default page under `containerDir/html`. Pass {@link hostDefaultPageRoot}'s answer. */
  nginxRoot?: string;
  /** nginx's worker user (see NginxConfigOptions.user). */
  nginxUser?: string;
  /** nginx as one process (see NginxConfigOptions.singleProcess). */
  nginxSingleProcess?: boolean;
  /** nginx's listen port; 80 by default. */
  nginxPort?: number;
  /** nginx's listen address; all addresses by default. */
  nginxAddress?: string;
  /** The node binary for svcnet/netexec; the current one by default. */
  nodePath?: string;
  /** The svcnet checkout whose `dist/` holds the compiled netexec; this module's by default. */
  repoRoot?: string;
}

/** Absolute path of the nginx binary (Debian's nginx-light). */
export const NGINX_BINARY = "/usr/sbin/nginx";

/** The built-in image names, as listed in error messages. */
export const BUILT_IN_IMAGES = ["nginx", "svcnet/netexec", "svcnet/dns", "busybox", "curl"] as const;

/** An image's entrypoint and default arguments (Docker's ENTRYPOINT and CMD). */
interface ImageDefaults {
  entrypoint: string[];
  cmd: string[];
  files?: Record<string, string>;
}

/**
 * Maps a container to the host program that plays its image, with Kubernetes' semantics:
 * `command` replaces the image's entrypoint (and drops its default args), `args` replaces
 * the default args. Built-ins: `nginx` (Debian's nginx with a generated config, in the
 * foreground), `svcnet/netexec` (our netexec under node), `svcnet/dns` (the cluster DNS,
 * `svcnet dns`), `busybox` and `curl` (a shell).
 * Any other image runs its `command` from the host filesystem; without one it is an
 * ErrImagePull error. Pure: nothing is read or written.
 */
export function resolveImage(container: Container, options: ResolveImageOptions): ImageResolution {
  const image = container.image ?? "";
  const defaults = builtInImage(imageRepository(image), options);
  const command = container.command && container.command.length > 0 ? container.command : undefined;
  const args = container.args && container.args.length > 0 ? container.args : undefined;
  if (!defaults) {
    if (command) return withArgs({ command }, args);
    return {
      error: {
        reason: "ErrImagePull",
        message:
          `Failed to pull image "${image}": svcnet runs no container images; ` +
          `built-in images are ${BUILT_IN_IMAGES.join(", ")} — give the container a command`,
      },
    };
  }
  const files = defaults.files ? { files: defaults.files } : {};
  if (command) return { ...withArgs({ command: nginxCommand(command, defaults) }, args), ...files };
  const argv = args ?? defaults.cmd;
  if (defaults.entrypoint.length === 0) {
    // No entrypoint (busybox, curl): the args are the whole command line.
    return { ...withArgs({ command: [argv[0]] }, argv.slice(1)), ...files };
  }
  return { ...withArgs({ command: defaults.entrypoint }, argv), ...files };
}

/** True when `resolution` is an error. */
export function isImageError(resolution: ImageResolution): resolution is ImageError {
  return "error" in resolution;
}

function withArgs(resolved: ResolvedImage, args: string[] | undefined): ResolvedImage {
  return args && args.length > 0 ? { ...resolved, args } : resolved;
}

function builtInImage(repository: string, options: ResolveImageOptions): ImageDefaults | undefined {
  switch (repository) {
    case "nginx":
      return nginxImage(options);
    case "svcnet/netexec":
      return {
        entrypoint: [options.nodePath ?? process.execPath, join(options.repoRoot ?? defaultRepoRoot(), "dist/src/agent/images/netexec.js")],
        cmd: [],
      };
    case "svcnet/dns":
      // The cluster DNS (`svcnet dns`); inside a pod it talks to the API with the pod's service account.
      return { entrypoint: [options.nodePath ?? process.execPath, join(options.repoRoot ?? defaultRepoRoot(), "bin/svcnet.js"), "dns"], cmd: [] };
    case "busybox":
    case "curl":
    case "curlimages/curl":
      return { entrypoint: [], cmd: ["sh"] };
    default:
      return undefined;
  }
}

function nginxImage(options: ResolveImageOptions): ImageDefaults {
  const dir = options.containerDir;
  const confPath = join(dir, "nginx.conf");
  const files: Record<string, string> = {};
  let root = options.nginxRoot;
  if (!root) {
    root = join(dir, "html");
    files[join(root, "index.html")] = DEFAULT_PAGE_HTML;
  }
  files[confPath] = nginxConfig({
    listenPort: options.nginxPort ?? 80,
    listenAddress: options.nginxAddress,
    root,
    pidFile: join(dir, "nginx.pid"),
    tempDir: dir,
    accessLog: "/dev/stdout",
    errorLog: "stderr",
    user: options.nginxUser,
    singleProcess: options.nginxSingleProcess,
  });
  return { entrypoint: [NGINX_BINARY, "-p", dir, "-e", "stderr", "-c", confPath], cmd: ["-g", "daemon off;"], files };
}

/**
 * A user command for the nginx image that starts nginx itself (`nginx -g 'daemon off;'`, as
 * many manifests write) gets our binary, prefix and config unless it names a config itself;
 * any other command runs as given.
 */
function nginxCommand(command: string[], defaults: ImageDefaults): string[] {
  const [first, ...rest] = command;
  if (defaults.entrypoint[0] !== NGINX_BINARY || (first !== "nginx" && first !== NGINX_BINARY)) return command;
  if (rest.includes("-c")) return command;
  return [...defaults.entrypoint, ...rest];
}

/** The checkout this module belongs to, whether it runs from `src/` (tsx) or `dist/src/`. */
function defaultRepoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = here.endsWith("/dist/src/agent/images") ? "../../../.." : "../../..";
  return resolve(here, up);
}
