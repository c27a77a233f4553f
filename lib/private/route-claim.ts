/**
 * The key under which a route claims traffic: host (lower-case, no trailing dot; `*` for any) and
 * path prefix with one leading `/` and no trailing `/`, so `/v1` and `/v1/` claim the same requests
 * (Traefik PathPrefix, Ingress Prefix, Gateway API PathPrefix and the HTTP add-on's routing table
 * all match by path segments, so both spellings route the same requests).
 *
 * @internal
 */
export function routeClaimKey(host: string | undefined, pathPrefix: string | undefined): string {
  return `${normalizeHost(host)} ${normalizePathPrefix(pathPrefix)}`;
}

/** @internal */
export function normalizeHost(host: string | undefined): string {
  if (host === undefined || host === '') return '*';
  return host.toLowerCase().replace(/\.$/, '');
}

/** @internal */
export function normalizePathPrefix(pathPrefix: string | undefined): string {
  if (pathPrefix === undefined || pathPrefix === '') return '/';
  const p = `/${pathPrefix.replace(/^\/+/, '')}`.replace(/\/+$/, '');
  return p === '' ? '/' : p;
}
