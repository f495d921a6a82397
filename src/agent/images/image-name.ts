// Image references reduced to the repository name that decides which built-in image runs.

/**
 * The repository part of an image reference, without registry defaults, tag or digest:
 * `docker.io/library/nginx:1.25@sha256:…` → `nginx`, `svcnet/netexec:1.0` → `svcnet/netexec`.
 * Only Docker Hub's implied prefixes are dropped; other registries stay in the name.
 */
export function imageRepository(image: string): string {
  let ref = image.trim();
  const at = ref.indexOf("@");
  if (at >= 0) ref = ref.slice(0, at);
  const colon = ref.lastIndexOf(":");
  if (colon > ref.lastIndexOf("/")) ref = ref.slice(0, colon);
  for (const prefix of ["index.docker.io/", "docker.io/"]) {
    if (ref.startsWith(prefix)) ref = ref.slice(prefix.length);
  }
  if (ref.startsWith("library/")) ref = ref.slice("library/".length);
  return ref;
}
