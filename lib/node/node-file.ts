import * as fs from 'fs';
import * as path from 'path';
import { propError } from '../errors';
import { yamlText } from './yaml-text';

/** A file that belongs on a node's disk (not a Kubernetes object). */
export interface NodeFile {
  /** Absolute path on the node, e.g. `/etc/rancher/k3s/config.yaml`. */
  readonly path: string;
  /** File content. */
  readonly content: string;
  /** Octal permissions, e.g. `0600`. */
  readonly permissions: string;
}

/** Where the K3s installer expects airgap image tarballs. @see https://docs.k3s.io/installation/airgap */
export const K3S_AIRGAP_IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';

/** How K3s is installed on the node. */
export interface AirgapOptions {
  /**
   * Path on the node of the K3s airgap image tarball (e.g. `k3s-airgap-images-arm64.tar.zst`),
   * staged there with the K3s binary (`/usr/local/bin/k3s`) and the install script before
   * cloud-init runs (for instance baked into the OS image). Copied into K3S_AIRGAP_IMAGES_DIR unless
   * it is already there.
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
   * K3S_AIRGAP_IMAGES_DIR as well. Imported images are pinned: kubelet image GC keeps them.
   *
   * @default - none
   */
  readonly extraImageTarballs?: string[];
}

/** @internal */
export interface CloudInitInput {
  readonly files: NodeFile[];
  readonly command: 'server' | 'agent';
  readonly k3sVersion: string;
  readonly airgap?: AirgapOptions;
  readonly owner: string;
}

/**
 * Renders cloud-init user-data (`#cloud-config`) that writes the node files and installs K3s: from
 * get.k3s.io, or from staged files with `INSTALL_K3S_SKIP_DOWNLOAD=true` (airgap).
 *
 * @internal
 */
export function renderCloudInit(input: CloudInitInput): string {
  const writeFiles = [...input.files]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map(f => ({ path: f.path, owner: 'root:root', permissions: f.permissions, content: f.content }));
  const env = `INSTALL_K3S_VERSION='${input.k3sVersion}'`;
  const runcmd: string[] = [];
  const a = input.airgap;
  if (a) {
    const script = a.installScript ?? '/usr/local/bin/k3s-install.sh';
    for (const [prop, p] of [['airgap.imagesTarball', a.imagesTarball], ['airgap.installScript', script],
      ...(a.extraImageTarballs ?? []).map((t, i) => [`airgap.extraImageTarballs[${i}]`, t])] as Array<[string, string]>) {
      if (!p || !p.startsWith('/') || /['"\\\s$`]/.test(p)) {
        throw propError(input.owner, prop, p, 'is not an absolute path without quotes, spaces or shell characters', 'use a path such as "/opt/k3s/k3s-airgap-images-arm64.tar.zst"');
      }
    }
    // K3s needs a default route even when offline (it picks the node IP from it).
    runcmd.push('ip route show default | grep -q . || { echo "K3s needs a default route, even offline: add one (a dummy route is enough)" >&2; exit 1; }');
    runcmd.push('test -x /usr/local/bin/k3s || { echo "airgap install: stage the k3s binary at /usr/local/bin/k3s first" >&2; exit 1; }');
    runcmd.push(`mkdir -p ${K3S_AIRGAP_IMAGES_DIR}`);
    for (const t of [a.imagesTarball, ...(a.extraImageTarballs ?? [])]) {
      if (path.posix.dirname(t) !== K3S_AIRGAP_IMAGES_DIR) runcmd.push(`cp ${t} ${K3S_AIRGAP_IMAGES_DIR}/`);
    }
    runcmd.push(`INSTALL_K3S_SKIP_DOWNLOAD=true ${env} sh ${script} ${input.command}`);
  } else {
    runcmd.push(`curl -sfL https://get.k3s.io | ${env} sh -s - ${input.command}`);
  }
  return '#cloud-config\n' + yamlText({ write_files: writeFiles, runcmd });
}

/**
 * Checks that `outdir` is not the cdk8s output directory (or inside it): `cdk8s synth` deletes that
 * directory and treats every YAML file in it as a Kubernetes manifest.
 *
 * @internal
 */
export function checkNotManifestDir(owner: string, outdir: string, appOutdir: string | undefined): void {
  if (!appOutdir) return;
  const rel = path.relative(path.resolve(appOutdir), path.resolve(outdir));
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
    throw propError(owner, 'outdir', outdir, `is (or is inside) the cdk8s manifest output directory "${appOutdir}": cdk8s synth deletes it and reads every YAML file there as a Kubernetes manifest`,
      'write node files beside it, e.g. "nodes/" or "dist-nodes/"');
  }
}

/**
 * Writes files under `<outdir>/<nodeName>/<path on the node>`, plus the cloud-init user-data.
 *
 * @internal
 */
export function writeNodeFiles(outdir: string, nodeName: string, files: NodeFile[], cloudInit: string): string[] {
  const root = path.join(outdir, nodeName);
  // A node's directory is ours when it holds our cloud-init.yaml: start it afresh, so a file the
  // node no longer has (a dropped drop-in, another containerd template) does not linger in Git.
  if (isNodeDir(root)) fs.rmSync(root, { recursive: true, force: true });
  const written: string[] = [];
  fs.mkdirSync(root, { recursive: true });
  const made = new Set<string>([root]);
  // One mkdir per directory, parents first: a recursive mkdir probes every level from the bottom up,
  // twice the system calls, which a fleet of 10000 nodes (120000 directories) feels.
  const mkdir = (dir: string): void => {
    if (made.has(dir)) return;
    const parent = path.dirname(dir);
    if (parent !== dir) mkdir(parent);
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    made.add(dir);
  };
  for (const f of files) {
    const target = path.join(root, ...f.path.split('/').filter(s => s !== ''));
    mkdir(path.dirname(target));
    fs.writeFileSync(target, f.content);
    written.push(target);
  }
  const ci = path.join(root, 'cloud-init.yaml');
  fs.writeFileSync(ci, cloudInit);
  written.push(ci);
  return written;
}

/**
 * Whether a directory holds a node's files written by this library (it has cloud-init.yaml).
 *
 * @internal
 */
export function isNodeDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'cloud-init.yaml'));
}

/**
 * Removes node directories under `outdir` that belong to none of `nodeNames` (nodes removed from
 * the app), and nothing else.
 *
 * @internal
 */
export function removeStaleNodeDirs(outdir: string, nodeNames: string[]): string[] {
  if (!fs.existsSync(outdir)) return [];
  const keep = new Set(nodeNames);
  const removed: string[] = [];
  for (const e of fs.readdirSync(outdir, { withFileTypes: true })) {
    const dir = path.join(outdir, e.name);
    if (e.isDirectory() && !keep.has(e.name) && isNodeDir(dir)) {
      fs.rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    }
  }
  return removed.sort();
}
