import * as path from 'path';
import { yamlText } from './yaml-text';
import { propError } from '../private/errors';
import { checkNodePath } from '../private/node-toml';
import { byCodeUnit } from '../private/order';
import { shellQuote } from '../private/validate';

/** A file that belongs on a node's disk (not a Kubernetes object). */
export interface NodeFile {
  /** Absolute path on the node, e.g. `/etc/rancher/k3s/config.yaml`. */
  readonly path: string;
  /** File content. */
  readonly content: string;
  /** Octal permissions, e.g. `0600`. */
  readonly permissions: string;
}

/**
 * Where K3s imports airgap image tarballs from under the default data dir (with `data-dir` set:
 * `<data-dir>/agent/images`, k3s-io/k3s pkg/agent/config/config.go). @see https://docs.k3s.io/installation/airgap
 */
export const K3S_AIRGAP_IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';

/** How K3s is installed on the node. */
export interface AirgapOptions {
  /**
   * Path on the node of the K3s airgap image tarball (e.g. `k3s-airgap-images-arm64.tar.zst`),
   * staged there with the K3s binary (`/usr/local/bin/k3s`) and the install script before
   * cloud-init runs (for instance baked into the OS image). Copied into `<data-dir>/agent/images`
   * (K3S_AIRGAP_IMAGES_DIR by default) unless it is already there. A safe absolute path (letters,
   * digits and "._+@%=,:/-"): it is written into a shell command.
   */
  readonly imagesTarball: string;

  /**
   * Path on the node of the K3s install script (https://get.k3s.io saved to a file).
   *
   * @default '/usr/local/bin/k3s-install.sh'
   */
  readonly installScript?: string;

  /**
   * More image tarballs for the node (e.g. the Wasm workloads' images), copied into
   * `<data-dir>/agent/images` as well (safe absolute paths, as imagesTarball). Imported images are pinned: kubelet image GC keeps them.
   *
   * @default - none
   */
  readonly extraImageTarballs?: string[];
}

/** Where the airgap install script is staged by default. */
const DEFAULT_INSTALL_SCRIPT = '/usr/local/bin/k3s-install.sh';

/**
 * Checks the airgap paths: each reaches a shell line of cloud-init `runcmd`, so each must be a safe
 * absolute path (and is quoted on top).
 *
 * @internal
 */
export function checkAirgap(owner: string, airgap: AirgapOptions | undefined): void {
  if (airgap === undefined) return;
  const example = '/opt/k3s/k3s-airgap-images-arm64.tar.zst';
  if (airgap.imagesTarball === undefined) {
    throw propError(owner, 'airgap.imagesTarball', undefined, 'is required with airgap', `stage the K3s airgap image tarball on the node and give its path, e.g. "${example}"`);
  }
  checkNodePath(owner, 'airgap.imagesTarball', airgap.imagesTarball, example);
  checkNodePath(owner, 'airgap.installScript', airgap.installScript, DEFAULT_INSTALL_SCRIPT);
  if (airgap.extraImageTarballs !== undefined && !Array.isArray(airgap.extraImageTarballs)) {
    throw propError(owner, 'airgap.extraImageTarballs', airgap.extraImageTarballs, 'is not a list of paths', 'pass a list such as ["/opt/k3s/wasm-apps.tar"]');
  }
  (airgap.extraImageTarballs ?? []).forEach((t, i) => checkNodePath(owner, `airgap.extraImageTarballs[${i}]`, t, '/opt/k3s/wasm-apps.tar'));
}

/** @internal */
export interface CloudInitInput {
  readonly files: NodeFile[];
  readonly command: 'server' | 'agent';
  readonly k3sVersion: string;
  readonly airgap?: AirgapOptions;
  /** Where K3s imports airgap images from: `<data-dir>/agent/images`. */
  readonly imagesDir?: string;
  readonly owner: string;
}

/**
 * Renders cloud-init user-data (`#cloud-config`) that writes the node files and installs K3s: from
 * get.k3s.io, or from staged files with `INSTALL_K3S_SKIP_DOWNLOAD=true` (airgap). Every value in a
 * `runcmd` line is checked (safe absolute paths, a parsed K3s version) and shell-quoted.
 *
 * @internal
 */
export function renderCloudInit(input: CloudInitInput): string {
  const writeFiles = [...input.files]
    .sort((a, b) => byCodeUnit(a.path, b.path))
    .map(f => ({ path: f.path, owner: 'root:root', permissions: f.permissions, content: f.content }));
  if (!/^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/.test(input.k3sVersion)) {
    throw propError(input.owner, 'k3sVersion', input.k3sVersion, 'is not a K3s release name', 'use a release name such as "v1.33.5+k3s1"');
  }
  const env = `INSTALL_K3S_VERSION=${shellQuote(input.k3sVersion)}`;
  const runcmd: string[] = [];
  const a = input.airgap;
  const imagesDir = input.imagesDir ?? K3S_AIRGAP_IMAGES_DIR;
  checkNodePath(input.owner, 'data-dir', imagesDir, K3S_AIRGAP_IMAGES_DIR);
  if (a) {
    checkAirgap(input.owner, a);
    const script = a.installScript ?? DEFAULT_INSTALL_SCRIPT;
    // K3s needs a default route even when offline (it picks the node IP from it).
    runcmd.push('ip route show default | grep -q . || { echo "K3s needs a default route, even offline: add one (a dummy route is enough)" >&2; exit 1; }');
    runcmd.push('test -x /usr/local/bin/k3s || { echo "airgap install: stage the k3s binary at /usr/local/bin/k3s first" >&2; exit 1; }');
    runcmd.push(`mkdir -p ${shellQuote(imagesDir)}`);
    for (const t of [a.imagesTarball, ...(a.extraImageTarballs ?? [])]) {
      if (path.posix.dirname(path.posix.normalize(t)) !== imagesDir) runcmd.push(`cp ${shellQuote(t)} ${shellQuote(`${imagesDir}/`)}`);
    }
    runcmd.push(`INSTALL_K3S_SKIP_DOWNLOAD=true ${env} sh ${shellQuote(script)} ${shellQuote(input.command)}`);
  } else {
    runcmd.push(`curl -sfL https://get.k3s.io | ${env} sh -s - ${shellQuote(input.command)}`);
  }
  return '#cloud-config\n# Generated by cdk8s-wasm-edge: edit the cdk8s app, not this file.\n' + yamlText({ write_files: writeFiles, runcmd });
}

/** Whether `inner` is `outer` or inside it (both resolved). */
function isWithin(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  // "..nodes" is a name inside outer, not a step out of it.
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Checks that `outdir` is a directory node files may be written to and cleaned in: not empty, not
 * the root, the current directory or one of its ancestors, and neither the cdk8s output directory,
 * nor inside it, nor containing it (`cdk8s synth` deletes that directory and treats every YAML file
 * in it as a Kubernetes manifest).
 *
 * @internal
 */
export function checkNotManifestDir(owner: string, outdir: string, appOutdir: string | undefined): void {
  if (typeof outdir !== 'string' || outdir.trim() === '') {
    throw propError(owner, 'outdir', outdir, 'is empty', 'give a directory of its own for the node files, e.g. "nodes"');
  }
  const resolved = path.resolve(outdir);
  const cwd = process.cwd();
  if (resolved === path.parse(resolved).root || isWithin(resolved, cwd)) {
    throw propError(owner, 'outdir', outdir, `resolves to "${resolved}", the root, the current directory or a directory above it, where the node files would mix with everything else`,
      'give a directory of its own for the node files, e.g. "nodes"');
  }
  if (!appOutdir) return;
  const app = path.resolve(appOutdir);
  if (isWithin(app, resolved)) {
    throw propError(owner, 'outdir', outdir, `is (or is inside) the cdk8s manifest output directory "${appOutdir}": cdk8s synth deletes it and reads every YAML file there as a Kubernetes manifest`,
      'write node files beside it, e.g. "nodes/" or "dist-nodes/"');
  }
  if (isWithin(resolved, app)) {
    throw propError(owner, 'outdir', outdir, `contains the cdk8s manifest output directory "${appOutdir}", so the node files would mix with the manifests`,
      'write node files beside it, e.g. "nodes/" or "dist-nodes/"');
  }
}
