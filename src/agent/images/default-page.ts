// The page nginx serves before it is configured ("Welcome to nginx!").

import { existsSync } from "node:fs";

/** Debian's nginx document root; its default page is `index.nginx-debian.html`. */
export const DEBIAN_WEB_ROOT = "/var/www/html";

/** The file name of Debian's default page inside {@link DEBIAN_WEB_ROOT}. */
export const DEBIAN_DEFAULT_PAGE = "index.nginx-debian.html";

/** Our own small default page, served when the host has no Debian page. */
export const DEFAULT_PAGE_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is running. It was started by svcnet
from the built-in <code>nginx</code> image.</p>
</body>
</html>
`;

/**
 * The document root holding Debian's default page when the host has it, else undefined
 * (the caller then serves {@link DEFAULT_PAGE_HTML} from a directory of its own).
 * `exists` is injectable for tests.
 */
export function hostDefaultPageRoot(exists: (path: string) => boolean = existsSync): string | undefined {
  return exists(`${DEBIAN_WEB_ROOT}/${DEBIAN_DEFAULT_PAGE}`) ? DEBIAN_WEB_ROOT : undefined;
}
