import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import type { GitOpsBindOptions, GitOpsSite } from './gitops';
import { checkNoCredential } from '../private/credentials';
import { checkDns1123Label, propError } from '../private/errors';
import { byCodeUnit } from '../private/order';
import { checkLabels, GO_MAX_DURATION_MS } from '../private/validate';

/**
 * The checks and the path arithmetic both GitOps layouts share: the sites' directory pattern (one
 * glob instead of a list of 10,000 paths), repository URLs, git refs and Go durations.
 */

/** A path segment the layouts accept: no glob or template characters can reach Fleet or Argo CD. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The sites' directories as one pattern: `prefix/<site name>/suffix`, the site's name at the same
 * segment in every manifestsPath and the other segments equal.
 *
 * @internal
 */
export interface SitePattern {
  /** The segments before the site's name. */
  readonly prefix: string[];
  /** The segments after the site's name. */
  readonly suffix: string[];
}

/** `prefix/<inner>/suffix` as a POSIX path. @internal */
export function patternPath(pattern: SitePattern, inner: string): string {
  return [...pattern.prefix, inner, ...pattern.suffix].join('/');
}

/**
 * Checks the bind options (fleet name, sites, paths) and returns the sites sorted by name with
 * the pattern their manifest directories follow.
 *
 * @internal
 */
export function checkBindOptions(scope: IConstruct, layout: string, options: GitOpsBindOptions): { sites: GitOpsSite[]; pattern: SitePattern } {
  checkDns1123Label(scope, 'fleetName', options.fleetName);
  if (!Array.isArray(options.sites) || options.sites.length === 0) {
    throw propError(scope, 'sites', options.sites, `${layout} needs at least one site`, 'add a site to the fleet');
  }
  const root = options.rootPath ?? '';
  if (root !== '') checkRepoPath(scope, 'rootPath', root);
  const seen = new Set<string>();
  for (const site of options.sites) {
    checkSite(scope, site);
    if (seen.has(site.name)) {
      throw propError(scope, 'sites', site.name, 'is the name of two sites; a cluster has one name in the fleet manager', 'give each site its own name');
    }
    seen.add(site.name);
    if (root !== '' && !site.manifestsPath.startsWith(`${root}/`)) {
      throw propError(scope, `sites[${site.name}].manifestsPath`, site.manifestsPath, `is not under rootPath "${root}"`,
        `write the site's manifests under "${root}/"`);
    }
  }
  const sites = [...options.sites].sort((a, b) => byCodeUnit(a.name, b.name));
  const pattern = sitePattern(sites, options.sitesPattern);
  if (pattern === undefined) {
    const shown = sites.slice(0, 3).map(s => `${s.name}: ${s.manifestsPath}`).join('; ');
    throw propError(scope, 'sites', shown,
      `${layout} finds the sites' directories with one pattern (a list of 10,000 paths would not fit one object), so every manifestsPath must be ` +
      'the same path with the site\'s name at the same segment', 'lay the sites out as "<root>/sites/<site name>/manifests"');
  }
  return { sites, pattern };
}

/** Checks one site as the GitOps layer reads it. @internal */
export function checkSite(scope: IConstruct | string, site: GitOpsSite): void {
  checkDns1123Label(scope, 'sites[].name', site?.name);
  checkLabels(scope, `sites[${site.name}].labels`, site.labels);
  checkRepoPath(scope, `sites[${site.name}].manifestsPath`, site.manifestsPath);
  if (site.namespace !== undefined) checkDns1123Label(scope, `sites[${site.name}].namespace`, site.namespace);
}

/** A repository-relative POSIX directory: segments of letters, digits, ".", "_", "-"; no "." or "..". @internal */
export function checkRepoPath(scope: IConstruct | string, prop: string, value: string): void {
  const ok = typeof value === 'string' && value.length > 0 && value.length <= 1024
    && value.split('/').every(s => SEGMENT.test(s) && s !== '.' && s !== '..');
  if (!ok) {
    throw propError(scope, prop, value, 'is not a repository-relative directory (segments of letters, digits, ".", "_" and "-", separated by "/", ' +
      'no leading "/", no "." or ".." segment, no glob or template characters)', 'use a path such as "sites/mec-001/manifests"');
  }
}

/** The common pattern of the sites' manifestsPath, or undefined when they follow none. @internal */
export function sitePattern(sites: GitOpsSite[], given?: string): SitePattern | undefined {
  if (given !== undefined) {
    const segs = given.split('/');
    const i = segs.indexOf('*');
    if (i < 0 || segs.lastIndexOf('*') !== i) return undefined;
    const fits = sites.every(site => site.manifestsPath === segs.map((s, j) => (j === i ? site.name : s)).join('/'));
    return fits ? { prefix: segs.slice(0, i), suffix: segs.slice(i + 1) } : undefined;
  }
  const first = sites[0].manifestsPath.split('/');
  for (let i = 0; i < first.length; i++) {
    if (first[i] !== sites[0].name) continue;
    const fits = sites.every(site => {
      const segs = site.manifestsPath.split('/');
      return segs.length === first.length && segs.every((s, j) => (j === i ? s === site.name : s === first[j]));
    });
    if (fits) return { prefix: first.slice(0, i), suffix: first.slice(i + 1) };
  }
  return undefined;
}

/** The scp-like address git and both fleet managers accept for SSH: `git@github.com:org/repo.git`. */
const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$/;

/**
 * Checks a git repository URL: `https://`, `http://`, `ssh://` or scp-like `user@host:path`, with
 * no password or token in it (credentials belong in a Secret the fleet manager references).
 *
 * @internal
 */
export function checkRepoUrl(scope: IConstruct | string, prop: string, value: string, secretHint: string): void {
  const example = 'use a URL such as "https://git.example.com/org/edge-fleet.git" or "git@git.example.com:org/edge-fleet.git"';
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048 || /[\s"'`\\<>{}|^]/.test(value) || /[\u0000-\u001f\u007f]/.test(value)) {
    throw propError(scope, prop, value, 'is not a git repository URL (no spaces, quotes, braces or control characters)', example);
  }
  checkNoCredential(scope, prop, undefined, value, secretHint);
  if (SCP_LIKE.test(value) && !value.includes('://')) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw propError(scope, prop, value, 'is not a git repository URL', example);
  }
  if (!['https:', 'http:', 'ssh:'].includes(url.protocol) || url.hostname === '' || url.pathname.length <= 1) {
    throw propError(scope, prop, value, 'is not an https://, http:// or ssh:// URL with a host and a repository path', example);
  }
  if (url.password !== '' || (url.protocol !== 'ssh:' && url.username !== '')) {
    throw propError(scope, prop, '<redacted>', 'carries credentials in the URL; it lands in Git and in the object', secretHint);
  }
}

/**
 * Checks a branch, tag or commit the way `git check-ref-format` would accept it as a ref name
 * (the rules a clone of that ref needs): no spaces, control characters, `~ ^ : ? * [ \`, no "..",
 * "@{", "//", no leading "-", "/" or ".", no trailing "/", "." or ".lock".
 *
 * @see https://git-scm.com/docs/git-check-ref-format
 * @internal
 */
export function checkGitRef(scope: IConstruct | string, prop: string, value: string | undefined): void {
  if (value === undefined) return;
  const bad = typeof value !== 'string' || value.length === 0 || value.length > 255 || /[\u0000-\u0020\u007f~^:?*[\\{}"'`]/.test(value)
    || value.includes('..') || value.includes('//') || /^[-/.]/.test(value) || /(\/|\.|\.lock)$/.test(value) || value.split('/').some(s => s.startsWith('.'));
  if (bad) {
    throw propError(scope, prop, value, 'is not a git branch, tag or commit name', 'use a name such as "main", "release/2026-12" or a commit hash');
  }
}

/**
 * A Duration as a Go duration string (`time.ParseDuration`): whole seconds as "90s", else
 * milliseconds as "1500ms". Both fleet managers parse durations with Go's parser.
 *
 * @internal
 */
export function goDuration(scope: IConstruct | string, prop: string, d: Duration, minMs = 1): string {
  let ms: number;
  try {
    ms = d.toMilliseconds();
  } catch {
    ms = NaN;
  }
  if (!Number.isInteger(ms) || ms < minMs || ms > GO_MAX_DURATION_MS) {
    throw propError(scope, prop, Number.isFinite(ms) ? `${ms}ms` : String(ms), `must be a whole number of milliseconds from ${minMs}ms (and at most ~292 years, Go's limit)`,
      'use a Duration such as Duration.seconds(30)');
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A label value to use in a message: the first few names, then how many more. @internal */
export function someNames(names: string[], max = 5): string {
  if (names.length === 0) return 'none';
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
