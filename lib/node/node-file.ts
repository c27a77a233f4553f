import * as path from 'path';
import { airgapRuncmd, AirgapTargets, checkAirgapArtifacts, K3S_INSTALL_SCRIPT_PATH } from './airgap';
import type { BootstrapArtifact } from './bootstrap-artifact';
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
 * `<data-dir>/agent/images`, k3s-io/k3s pkg/agent/config/config.go:550). @see https://docs.k3s.io/installation/airgap
 */
export const K3S_AIRGAP_IMAGES_DIR = '/var/lib/rancher/k3s/agent/images';

/** How K3s is installed on the node. */
export interface AirgapOptions {
  /**
   * Path on the node of the K3s airgap image tarball (e.g. `k3s-airgap-images-arm64.tar.zst`),
   * staged there with the K3s binary (`/usr/local/bin/k3s`) and the install script before
   * cloud-init runs (for instance baked into the OS image). Copied into `<data-dir>/agent/images`
   * (K3S_AIRGAP_IMAGES_DIR by default) unless it is already there. A safe absolute path (letters,
   * digits and "._+@%=,:/-"): it is written into a shell command. Required unless `images` is given.
   *
   * @deprecated use `images: [BootstrapArtifact.fromPath(path)]`, which can also fetch from the
   *   site mirror with a checksum
   * @default - none (give `images`)
   */
  readonly imagesTarball?: string;

  /**
   * Path on the node of the K3s install script (https://get.k3s.io saved to a file).
   *
   * @deprecated use `k3sInstallScript: BootstrapArtifact.fromPath(path)`
   * @default '/usr/local/bin/k3s-install.sh'
   */
  readonly installScript?: string;

  /**
   * More image tarballs for the node (e.g. the Wasm workloads' images), copied into
   * `<data-dir>/agent/images` as well (safe absolute paths, as imagesTarball). Imported images are pinned: kubelet image GC keeps them.
   *
   * @deprecated use `images`
   * @default - none
   */
  readonly extraImageTarballs?: string[];

  /**
   * The K3s binary, installed to `/usr/local/bin/k3s` (mode 0755), where the install script looks
   * for it with `INSTALL_K3S_SKIP_DOWNLOAD=true` (`INSTALL_K3S_BIN_DIR` is set to
   * `/usr/local/bin` so the script does not fall back to `/opt/bin`).
   *
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/install.sh#L23-L24 (INSTALL_K3S_SKIP_DOWNLOAD), #L55-L57 and #L232-L242 (INSTALL_K3S_BIN_DIR, default
   *   /usr/local/bin, /opt/bin when that is read-only), #L294-L295 (verify_k3s_is_executable)
   * @default - staged at /usr/local/bin/k3s before cloud-init runs (checked with `test -x`)
   */
  readonly k3sBinary?: BootstrapArtifact;

  /**
   * The K3s install script (https://get.k3s.io, `install.sh` of the K3s release). A staged file is
   * run where it is; a fetched one is installed to `/usr/local/bin/k3s-install.sh` first.
   *
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/install.sh#L1203-L1215 (the script's arguments: the K3s command)
   * @default - `installScript`, else staged at /usr/local/bin/k3s-install.sh
   */
  readonly k3sInstallScript?: BootstrapArtifact;

  /**
   * Image tarballs K3s imports at start: the K3s airgap images of the release and the
   * architecture, and any others (e.g. the Wasm workloads' images). Installed into
   * `<data-dir>/agent/images` (mode 0644; a staged file already there is left in place). K3s
   * imports only files with a tarball extension (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`, `.tzst`,
   * `.tar.lz4`, `.tar.bz2`, `.tbz`) or `.txt` image lists (rancher/wharfie pkg/tarfile/tarfile.go
   * SupportedExtensions; k3s-io/k3s pkg/agent/containerd/watcher.go:59-67). Imported images are
   * pinned: kubelet image GC keeps them.
   *
   * @see https://docs.k3s.io/installation/airgap
   * @default - `imagesTarball` and `extraImageTarballs`
   */
  readonly images?: BootstrapArtifact[];

  /**
   * Wasm shim binaries by runtime handler (e.g. `{ wasmedge: BootstrapArtifact.fromUrl(...) }`),
   * for the runwasi runtimes the node offers. Each is installed (mode 0755) as
   * `/usr/local/bin/<binaryName>` (e.g. `/usr/local/bin/containerd-shim-wasmedge-v1`): K3s finds
   * shims with `exec.LookPath` on its PATH (k3s-io/k3s pkg/agent/containerd/runtimes.go:20-39,
   * 82-115; config_linux.go:29,74-79 adds only /usr/local/nvidia/toolkit and /opt/kwasm/bin, and
   * only while detecting), containerd starts them from the same PATH, and the K3s service gets no
   * PATH of its own (install.sh's unit sets none), so systemd's default PATH, which holds
   * /usr/local/bin, applies. A custom runtime whose binaryName is an absolute path gets it there.
   * Not under `<data-dir>`: K3s puts only its own `<data-dir>/data/<hash>/bin` and `data/cni` on the
   * PATH (cmd/k3s/main.go:218-235), replaced on every upgrade.
   *
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/pkg/agent/containerd/runtimes.go#L20-L39
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/pkg/agent/containerd/config_linux.go#L74-L79
   * @see https://github.com/k3s-io/k3s/blob/469d009fb2b4d53a387882dc2a0708cfd5efc434/install.sh#L1040-L1068
   * @default - none: the shims must be on the node already (K3s ships none)
   */
  readonly shims?: { [handler: string]: BootstrapArtifact };

  /**
   * crun built with WasmEdge support, for a node that offers the crun runtime (WasmRuntime.CRUN):
   * installed (mode 0755) where the containerd template points the runtime's `BinaryName`
   * (`containerd.binaryPaths`, else DEFAULT_CRUN_PATH), off the PATH, so K3s does not define its own
   * `crun` runtime without the pod annotations.
   *
   * @default - none: crun must be at that path already
   */
  readonly crun?: BootstrapArtifact;
}


/**
 * Checks the airgap paths: each reaches a shell line of cloud-init `runcmd`, so each must be a safe
 * absolute path (and is quoted on top).
 *
 * @internal
 */
export function checkAirgap(owner: string, airgap: AirgapOptions | undefined, targets?: AirgapTargets): void {
  if (airgap === undefined) return;
  const example = '/opt/k3s/k3s-airgap-images-arm64.tar.zst';
  if (airgap === null || typeof airgap !== 'object') {
    throw propError(owner, 'airgap', airgap, 'is not an object of airgap options', `pass an object such as { images: [BootstrapArtifact.fromPath("${example}")] }`);
  }
  if (airgap.imagesTarball === undefined && airgap.images === undefined) {
    throw propError(owner, 'airgap.imagesTarball', undefined, 'is required with airgap (or airgap.images)',
      `stage the K3s airgap image tarball on the node and give its path, e.g. "${example}", or list images: [BootstrapArtifact.fromPath(...) or .fromUrl(...)]`);
  }
  checkNodePath(owner, 'airgap.imagesTarball', airgap.imagesTarball, example);
  checkNodePath(owner, 'airgap.installScript', airgap.installScript, K3S_INSTALL_SCRIPT_PATH);
  if (airgap.extraImageTarballs !== undefined && !Array.isArray(airgap.extraImageTarballs)) {
    throw propError(owner, 'airgap.extraImageTarballs', airgap.extraImageTarballs, 'is not a list of paths', 'pass a list such as ["/opt/k3s/wasm-apps.tar"]');
  }
  (airgap.extraImageTarballs ?? []).forEach((t, i) => checkNodePath(owner, `airgap.extraImageTarballs[${i}]`, t, '/opt/k3s/wasm-apps.tar'));
  checkAirgapArtifacts(owner, airgap, targets);
}

/** @internal */
export interface CloudInitInput {
  readonly files: NodeFile[];
  readonly command: 'server' | 'agent';
  readonly k3sVersion: string;
  readonly airgap?: AirgapOptions;
  /** Where the node's runtimes expect their binaries (shims and crun). */
  readonly airgapTargets?: AirgapTargets;
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
    checkAirgap(input.owner, a, input.airgapTargets);
    runcmd.push(...airgapRuncmd({ owner: input.owner, airgap: a, imagesDir, versionEnv: env, command: input.command, targets: input.airgapTargets }));
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
