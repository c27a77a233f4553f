import { checkNoCredential } from './credentials';
import { propError } from './errors';
import { checkSafeAbsolutePath } from './validate';

/** K3s's default `data-dir` for a root install (docs.k3s.io cli/server: --data-dir). */
export const DEFAULT_DATA_DIR = '/var/lib/rancher/k3s';


/**
 * A TOML basic string: `"`, `\` and control characters escaped. Go template delimiters are refused
 * (K3s renders the file as a template before containerd reads it).
 *
 * @internal
 */
export function tomlString(value: string): string {
  if (value.includes('{{') || value.includes('}}')) {
    throw propError('ContainerdTemplate', 'value', value, 'contains a Go template delimiter, which K3s would execute', 'remove "{{" and "}}"');
  }
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) throw propError('ContainerdTemplate', 'value', value, 'holds a lone UTF-16 surrogate, which TOML cannot hold', 'use well-formed text');
    else out += ch;
  }
  return out + '"';
}

/**
 * A path on a node that goes into a node file or a runcmd line: a safe absolute path
 * (checkSafeAbsolutePath) that carries no credential either (`/opt/http://user:pass@host` is a
 * safe path, and still a password in a file that lands in Git).
 *
 * @internal
 */
export function checkNodePath(owner: string, prop: string, value: string | undefined, example: string): void {
  checkSafeAbsolutePath(owner, prop, value, example);
  checkNoCredential(owner, prop, undefined, value, 'node files are not Secrets: keep credentials out of paths');
}

/**
 * K3s's `data-dir` as a clean absolute path (no trailing slash).
 *
 * @internal
 */
export function normalizeDataDir(owner: string, prop: string, dataDir: string | undefined): string {
  if (dataDir === undefined) return DEFAULT_DATA_DIR;
  checkNodePath(owner, prop, dataDir, DEFAULT_DATA_DIR);
  const clean = dataDir.replace(/\/+/g, '/').replace(/\/$/, '');
  if (clean === '') {
    throw propError(owner, prop, dataDir, 'is the root directory', `use a directory such as "${DEFAULT_DATA_DIR}"`);
  }
  return clean;
}

