import * as path from 'path';
import { BootstrapArtifact } from './bootstrap-artifact';
import type { AirgapOptions } from './node-file';
import { propError } from '../private/errors';
import { byCodeUnit } from '../private/order';
import { shellQuote } from '../private/validate';

/** Where the K3s binary goes: the install script's default BIN_DIR (k3s-io/k3s install.sh:232-242). */
export const K3S_BINARY_PATH = '/usr/local/bin/k3s';

/**
 * Where Wasm shim binaries go: a directory on the K3s service's PATH, where K3s detects them
 * (exec.LookPath, k3s-io/k3s pkg/agent/containerd/runtimes.go:26) and containerd starts them.
 */
export const SHIM_BIN_DIR = '/usr/local/bin';

/**
 * Where cloud-init keeps fetched artifacts until each matches its checksum (mode 0700, removed
 * once everything is installed).
 */
export const AIRGAP_STAGING_DIR = '/var/lib/cdk8s-wasm-edge/bootstrap';

/** Where the airgap install script is staged by default (and where a fetched one is installed). */
export const K3S_INSTALL_SCRIPT_PATH = '/usr/local/bin/k3s-install.sh';

/**
 * Extensions of the files K3s imports from its images dir (rancher/wharfie pkg/tarfile/tarfile.go
 * SupportedExtensions, plus `.txt` image lists: k3s-io/k3s pkg/agent/containerd/watcher.go:59-67).
 */
const IMAGE_EXTENSIONS = ['.tar', '.tar.lz4', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar.zst', '.tzst', '.txt'];

/** Where the node's runtimes expect their binaries. @internal */
export interface AirgapTargets {
  /** Install path of each shim runtime's binary, by handler. */
  readonly shims: { [handler: string]: string };
  /** Handlers offered that are not shims (runc-compatible: crun, nvidia), for messages. */
  readonly runcHandlers: string[];
  /** Where the crun runtimes point `BinaryName` (empty without a crun runtime). */
  readonly crun: string[];
}

/** Whether the airgap options use any of the artifact props (else the legacy rendering applies unchanged). */
function usesArtifacts(a: AirgapOptions): boolean {
  return a.k3sBinary !== undefined || a.k3sInstallScript !== undefined || a.images !== undefined || a.shims !== undefined || a.crun !== undefined;
}

function checkArtifact(owner: string, prop: string, value: unknown): BootstrapArtifact {
  if (!(value instanceof BootstrapArtifact)) {
    throw propError(owner, prop, value, 'is not a BootstrapArtifact', 'use BootstrapArtifact.fromPath(path) or BootstrapArtifact.fromUrl(url, { sha256 })');
  }
  return value;
}

/**
 * Checks the artifact props of `airgap` (types, one owner per setting, image file names) and, when
 * `targets` is given, that shims and crun match the node's runtimes.
 *
 * @internal
 */
export function checkAirgapArtifacts(owner: string, a: AirgapOptions, targets?: AirgapTargets): void {
  if (a.k3sBinary !== undefined) checkArtifact(owner, 'airgap.k3sBinary', a.k3sBinary);
  if (a.k3sInstallScript !== undefined) {
    checkArtifact(owner, 'airgap.k3sInstallScript', a.k3sInstallScript);
    if (a.installScript !== undefined) {
      throw propError(owner, 'airgap.installScript', a.installScript, 'is set together with airgap.k3sInstallScript', 'keep one: k3sInstallScript (installScript is deprecated)');
    }
  }
  if (a.images !== undefined) {
    if (!Array.isArray(a.images)) {
      throw propError(owner, 'airgap.images', a.images, 'is not a list of BootstrapArtifact', 'pass a list such as [BootstrapArtifact.fromPath("/opt/k3s/k3s-airgap-images-arm64.tar.zst")]');
    }
    for (const [prop, v] of [['airgap.imagesTarball', a.imagesTarball], ['airgap.extraImageTarballs', a.extraImageTarballs]] as const) {
      if (v !== undefined) throw propError(owner, prop, v, 'is set together with airgap.images', 'list every tarball in images (imagesTarball and extraImageTarballs are deprecated)');
    }
    if (a.images.length === 0) {
      throw propError(owner, 'airgap.images', a.images, 'is empty: K3s would have no images to start from offline', 'list the K3s airgap image tarball of the release and architecture');
    }
    const names = new Map<string, number>();
    a.images.forEach((img, i) => {
      const prop = `airgap.images[${i}]`;
      checkArtifact(owner, prop, img);
      if (!IMAGE_EXTENSIONS.some(e => img.fileName.toLowerCase().endsWith(e))) {
        throw propError(owner, prop, img.fileName, `has no extension K3s imports (${IMAGE_EXTENSIONS.join(', ')}), so K3s would skip it`,
          img.url !== undefined ? 'give fromUrl a fileName such as "k3s-airgap-images-arm64.tar.zst"' : 'stage the tarball under a name with its extension');
      }
      const seen = names.get(img.fileName);
      if (seen !== undefined) {
        throw propError(owner, prop, img.fileName, `has the same file name as airgap.images[${seen}], so one would replace the other in the images dir`, 'give each tarball its own file name');
      }
      names.set(img.fileName, i);
    });
  }
  if (a.shims !== undefined && (typeof a.shims !== 'object' || a.shims === null || Array.isArray(a.shims))) {
    throw propError(owner, 'airgap.shims', a.shims, 'is not a map of runtime handler to BootstrapArtifact', 'pass an object such as { wasmedge: BootstrapArtifact.fromUrl(url, { sha256 }) }');
  }
  for (const [handler, art] of Object.entries(a.shims ?? {})) checkArtifact(owner, `airgap.shims.${handler}`, art);
  if (a.crun !== undefined) checkArtifact(owner, 'airgap.crun', a.crun);
  if (!targets) return;

  const byDest = new Map<string, { handler: string; art: BootstrapArtifact }>();
  for (const handler of Object.keys(a.shims ?? {}).sort(byCodeUnit)) {
    const art = a.shims![handler];
    const dest = targets.shims[handler];
    if (dest === undefined) {
      const fix = targets.runcHandlers.includes(handler)
        ? 'runc-compatible runtimes (crun, nvidia) are not shims: give crun in airgap.crun, and install the NVIDIA runtimes with the OS image'
        : `use a handler of a shim runtime the node offers: ${Object.keys(targets.shims).sort(byCodeUnit).join(', ') || '(none)'}`;
      throw propError(owner, `airgap.shims.${handler}`, handler, 'is not a Wasm shim runtime this node offers', fix);
    }
    const other = byDest.get(dest);
    if (other && !sameArtifact(other.art, art)) {
      throw propError(owner, `airgap.shims.${handler}`, handler, `installs ${dest}, as airgap.shims.${other.handler} does, from another artifact`, 'give both handlers the same artifact (they run the same shim binary)');
    }
    byDest.set(dest, { handler, art });
  }
  if (a.crun !== undefined && targets.crun.length === 0) {
    throw propError(owner, 'airgap.crun', a.crun.url ?? a.crun.path, 'is set but the node offers no crun runtime', 'add WasmRuntime.CRUN to runtimes, or remove airgap.crun');
  }
}

function sameArtifact(a: BootstrapArtifact, b: BootstrapArtifact): boolean {
  return a.path === b.path && a.url === b.url && a.sha256 === b.sha256;
}

/** What an install needs of an artifact (a legacy path prop becomes one too). */
type Artifact = Pick<BootstrapArtifact, 'path' | 'url' | 'sha256' | 'fileName'>;

/** One file cloud-init puts in place. */
interface Install {
  readonly label: string;
  readonly art: Artifact;
  /** Destination path; for a staged image: the images dir (the legacy `cp` line). */
  readonly dest: string;
  readonly mode: '0755' | '0644';
  readonly image?: boolean;
}

/** @internal */
export interface AirgapRuncmdInput {
  readonly owner: string;
  readonly airgap: AirgapOptions;
  /** `<data-dir>/agent/images`. */
  readonly imagesDir: string;
  /** `INSTALL_K3S_VERSION=<quoted version>`. */
  readonly versionEnv: string;
  readonly command: string;
  readonly targets?: AirgapTargets;
}

/** `cmd || { echo 'message' >&2; exit 1; }`: cloud-init runs runcmd lines as one `sh` script without `set -e`, so each step stops it on failure itself. */
function orFail(cmd: string, message: string, cleanup?: string): string {
  return `${cmd} || { ${cleanup ? `${cleanup}; ` : ''}echo ${shellQuote(`airgap install: ${message}`)} >&2; exit 1; }`;
}

/**
 * The runcmd lines of an airgap install. With only the legacy string props they are exactly the
 * lines earlier releases wrote. With artifacts: every fetch from the mirror and every checksum
 * comes first (nothing is installed unless all match), then the installs, then the images, then
 * the install script with `INSTALL_K3S_SKIP_DOWNLOAD=true`.
 *
 * cloud-init writes string runcmd items into one script run by `sh`
 * (canonical/cloud-init cloudinit/config/cc_runcmd.py), hence the explicit `exit 1` per step.
 *
 * @internal
 */
export function airgapRuncmd(input: AirgapRuncmdInput): string[] {
  const a = input.airgap;
  const imagesDir = input.imagesDir;
  const lines: string[] = [];
  // K3s needs a default route even when offline (it picks the node IP from it); of either family:
  // `ip route` alone lists IPv4 routes only, and an IPv6-only node is fine.
  lines.push('{ ip -4 route show default; ip -6 route show default; } 2>/dev/null | grep -q . || { echo "K3s needs a default route, even offline: add one (a dummy route is enough)" >&2; exit 1; }');
  if (a.k3sBinary === undefined) {
    lines.push(`test -x ${K3S_BINARY_PATH} || { echo "airgap install: stage the k3s binary at ${K3S_BINARY_PATH} first" >&2; exit 1; }`);
  }
  const legacyScript = a.installScript ?? K3S_INSTALL_SCRIPT_PATH;
  if (!usesArtifacts(a)) {
    lines.push(`mkdir -p ${shellQuote(imagesDir)}`);
    for (const t of [a.imagesTarball!, ...(a.extraImageTarballs ?? [])]) {
      if (path.posix.dirname(path.posix.normalize(t)) !== imagesDir) lines.push(`cp ${shellQuote(t)} ${shellQuote(`${imagesDir}/`)}`);
    }
    lines.push(`INSTALL_K3S_SKIP_DOWNLOAD=true ${input.versionEnv} sh ${shellQuote(legacyScript)} ${shellQuote(input.command)}`);
    return lines;
  }

  checkAirgapArtifacts(input.owner, a, input.targets);
  const installs: Install[] = [];
  if (a.k3sBinary) installs.push({ label: 'the k3s binary', art: a.k3sBinary, dest: K3S_BINARY_PATH, mode: '0755' });
  let script = legacyScript;
  if (a.k3sInstallScript) {
    const s = a.k3sInstallScript;
    script = s.path ?? K3S_INSTALL_SCRIPT_PATH;
    installs.push({ label: 'the K3s install script', art: s, dest: script, mode: '0755' });
  }
  const shimDests = new Set<string>();
  for (const handler of Object.keys(a.shims ?? {}).sort(byCodeUnit)) {
    const dest = input.targets?.shims[handler] ?? `${SHIM_BIN_DIR}/${handler}`;
    if (shimDests.has(dest)) continue;
    shimDests.add(dest);
    installs.push({ label: `the ${handler} shim`, art: a.shims![handler], dest, mode: '0755' });
  }
  if (a.crun) {
    for (const dest of input.targets?.crun ?? []) installs.push({ label: 'crun', art: a.crun, dest, mode: '0755' });
  }
  const legacyImages = [a.imagesTarball!, ...(a.extraImageTarballs ?? [])];
  const images: Artifact[] = a.images ?? legacyImages.map(p => ({ path: p, fileName: path.posix.basename(p) }));
  for (const img of images) {
    const dest = img.url !== undefined ? `${imagesDir}/${img.fileName}` : imagesDir;
    installs.push({ label: `image tarball ${img.fileName}`, art: img, dest, mode: '0644', image: true });
  }

  // 1. Fetch into the staging dir and check every checksum: a mismatch stops before anything is installed.
  const staged = new Map<Install, string>();
  const fetched = installs.filter(i => i.art.url !== undefined);
  if (fetched.length > 0) {
    lines.push(orFail('command -v curl >/dev/null 2>&1', 'curl is needed to fetch the bootstrap artifacts from the site mirror'));
    lines.push(orFail(`mkdir -p -m 0700 ${AIRGAP_STAGING_DIR}`, `cannot create ${AIRGAP_STAGING_DIR}`));
    fetched.forEach((i, n) => {
      const file = `${AIRGAP_STAGING_DIR}/${n}-${i.art.fileName}`;
      staged.set(i, file);
      lines.push(orFail(`curl -fsSL --retry 5 -o ${shellQuote(file)} ${shellQuote(i.art.url!)}`, `cannot fetch ${i.label} from ${i.art.url}`, `rm -f ${shellQuote(file)}`));
    });
  }
  for (const i of installs) {
    if (i.art.sha256 === undefined) continue;
    const file = staged.get(i) ?? i.art.path!;
    const cleanup = staged.has(i) ? `rm -f ${shellQuote(file)}` : undefined;
    lines.push(orFail(`echo ${shellQuote(`${i.art.sha256}  ${file}`)} | sha256sum -c - >/dev/null`,
      `checksum mismatch: ${i.label} (${i.art.url ?? i.art.path}) is not sha256 ${i.art.sha256}; nothing was installed`, cleanup));
  }

  // 2. Install binaries and the script (mode 0755), then move the images (0644) into <data-dir>/agent/images.
  for (const i of installs.filter(x => !x.image)) {
    const src = staged.get(i) ?? i.art.path!;
    if (src === i.dest) {
      lines.push(orFail(`test -x ${shellQuote(src)}`, `${i.label} at ${src} is not executable`));
    } else {
      lines.push(orFail(`install -D -m ${i.mode} ${shellQuote(src)} ${shellQuote(i.dest)}`, `cannot install ${i.label} to ${i.dest}`));
    }
  }
  lines.push(orFail(`mkdir -p ${shellQuote(imagesDir)}`, `cannot create ${imagesDir}`));
  for (const i of installs.filter(x => x.image)) {
    const src = staged.get(i);
    if (src !== undefined) {
      // Moved, not copied: an airgap image tarball is hundreds of MB on a small edge disk.
      lines.push(orFail(`mv -f ${shellQuote(src)} ${shellQuote(i.dest)} && chmod ${i.mode} ${shellQuote(i.dest)}`, `cannot install ${i.label} to ${i.dest}`));
    } else if (path.posix.dirname(path.posix.normalize(i.art.path!)) !== imagesDir) {
      lines.push(orFail(`cp ${shellQuote(i.art.path!)} ${shellQuote(`${imagesDir}/`)}`, `cannot copy ${i.label} into ${imagesDir}`));
    }
  }
  if (fetched.length > 0) lines.push(`rm -rf ${AIRGAP_STAGING_DIR}`);
  const binDir = a.k3sBinary ? `INSTALL_K3S_BIN_DIR=${path.posix.dirname(K3S_BINARY_PATH)} ` : '';
  lines.push(`INSTALL_K3S_SKIP_DOWNLOAD=true ${binDir}${input.versionEnv} sh ${shellQuote(script)} ${shellQuote(input.command)}`);
  return lines;
}
