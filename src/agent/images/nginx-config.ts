// The nginx configuration of the built-in `nginx` image: the stock default site, with every
// writable path moved under a per-container directory so no system path is needed.

/** Inputs of {@link nginxConfig}. */
export interface NginxConfigOptions {
  /** Port to listen on; the image's is 80. */
  listenPort: number;
  /** Address to listen on; all addresses when unset. Tests use 127.0.0.1. */
  listenAddress?: string;
  /** Document root served at `/`. */
  root: string;
  /** Absolute path of the pid file. */
  pidFile: string;
  /** Absolute directory under which nginx creates its temp directories (it must exist). */
  tempDir: string;
  /** Access log file, e.g. `/dev/stdout` so the container log shows each request (stdout must not be a socket). */
  accessLog: string;
  /** Error log target: `stderr` (nginx writes fd 2 directly, whatever it is) or a file. */
  errorLog: string;
  /** Worker user (`user` directive); nginx's compiled-in default when unset. Only meaningful as root. */
  user?: string;
  /**
   * One process, no master and workers (`master_process off`): for a user namespace where a
   * worker's switch of user and groups is refused (setgroups-denied.ts). With `user` set to the
   * running user, nothing is switched or chowned to another.
   */
  singleProcess?: boolean;
}

/** The file types the default site needs; anything else is `application/octet-stream`. */
const MIME_TYPES: [string, string][] = [
  ["text/html", "html htm shtml"],
  ["text/css", "css"],
  ["text/plain", "txt"],
  ["application/javascript", "js"],
  ["application/json", "json"],
  ["image/png", "png"],
  ["image/jpeg", "jpeg jpg"],
  ["image/svg+xml", "svg"],
  ["image/x-icon", "ico"],
];

/**
 * Renders a complete nginx.conf serving `root` on the given port. It contains no `daemon`
 * directive, so the caller runs nginx with `-g 'daemon off;'` to keep it in the foreground.
 * Paths are used verbatim and must not contain `;`, quotes or whitespace.
 */
export function nginxConfig(options: NginxConfigOptions): string {
  const listen = options.listenAddress ? `${options.listenAddress}:${options.listenPort}` : `${options.listenPort}`;
  const temp = (name: string): string => `${options.tempDir}/nginx-${name}`;
  const lines = [
    ...(options.user ? [`user ${options.user};`] : []),
    ...(options.singleProcess ? ["master_process off;"] : []),
    "worker_processes 1;",
    `pid ${options.pidFile};`,
    `error_log ${options.errorLog} notice;`,
    "",
    "events {",
    "    worker_connections 512;",
    "}",
    "",
    "http {",
    "    types {",
    ...MIME_TYPES.map(([type, exts]) => `        ${type} ${exts};`),
    "    }",
    "    default_type application/octet-stream;",
    "    sendfile on;",
    "    keepalive_timeout 65;",
    `    access_log ${options.accessLog};`,
    `    client_body_temp_path ${temp("client-body")};`,
    `    proxy_temp_path ${temp("proxy")};`,
    `    fastcgi_temp_path ${temp("fastcgi")};`,
    `    uwsgi_temp_path ${temp("uwsgi")};`,
    `    scgi_temp_path ${temp("scgi")};`,
    "",
    "    server {",
    `        listen ${listen} default_server;`,
    "        server_name _;",
    `        root ${options.root};`,
    "        index index.html index.htm index.nginx-debian.html;",
    "        location / {",
    "            try_files $uri $uri/ =404;",
    "        }",
    "    }",
    "}",
  ];
  return lines.join("\n") + "\n";
}
