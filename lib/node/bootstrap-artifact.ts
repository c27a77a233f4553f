import { checkNoCredential } from '../private/credentials';
import { propError } from '../private/errors';
import { checkNodePath } from '../private/node-toml';
import { checkSingleLine } from '../private/validate';

/** Options for an artifact staged on the node. */
export interface BootstrapArtifactPathOptions {
  /**
   * SHA-256 of the file (64 hex digits). When set, cloud-init checks the file with `sha256sum -c`
   * before installing anything, and stops on a mismatch.
   *
   * @default - not checked (the file is trusted as staged, e.g. baked into the OS image)
   */
  readonly sha256?: string;
}

/** Options for an artifact fetched from the site's own mirror. */
export interface BootstrapArtifactUrlOptions {
  /**
   * SHA-256 of the file (64 hex digits), required: cloud-init checks the download with
   * `sha256sum -c` before installing anything and stops on a mismatch. It is what makes a plain
   * `http://` mirror on the LAN safe to use. For an OCI registry blob URL
   * (`/v2/<name>/blobs/sha256:<digest>`) it is the digest.
   */
  readonly sha256: string;

  /**
   * Name of the file on the node. Matters for image tarballs, which K3s imports only by extension
   * (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`, `.tzst`, `.tar.lz4`, `.tar.bz2`, `.tbz`, or `.txt` image
   * lists): an OCI blob URL has none. Letters, digits and `._+:%@=,-`, not starting with `.`.
   *
   * @default - the last segment of the URL path
   */
  readonly fileName?: string;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
/** http(s)://host[:port][/path]: a DNS name, an IPv4 address or a bracketed IPv6 address; no credentials, query or fragment. */
const URL_SHAPE = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:(\d{1,5}))?(\/[A-Za-z0-9._~%+=,:@/-]*)?$/;
const FILE_NAME = /^[A-Za-z0-9_+:%@=,-][A-Za-z0-9._+:%@=,-]*$/;
const EXAMPLE_URL = 'https://mirror.site.lan/k3s/v1.33.5+k3s1/k3s-airgap-images-arm64.tar.zst';

/**
 * A file cloud-init needs to bring a node up without the internet: the K3s binary, the install
 * script, an airgap image tarball, a Wasm shim or crun. It is either staged on the node already
 * (`fromPath`, e.g. baked into the OS image) or fetched from the site's own HTTP(S) mirror or
 * registry on the LAN (`fromUrl`), with a SHA-256 that cloud-init checks before installing.
 *
 * Paths and URLs are checked (a safe character set, no credentials) and shell-quoted in runcmd.
 *
 * @see https://docs.k3s.io/installation/airgap
 */
export class BootstrapArtifact {
  /**
   * A file already on the node.
   *
   * @param path absolute path on the node (letters, digits and "._+@%=,:/-", no "." or ".." segments)
   * @param options an optional checksum
   */
  public static fromPath(path: string, options: BootstrapArtifactPathOptions = {}): BootstrapArtifact {
    const where = 'BootstrapArtifact.fromPath';
    checkNodePath(where, 'path', path, '/opt/k3s/k3s-airgap-images-arm64.tar.zst');
    if (path === undefined) throw propError(where, 'path', path, 'is required', 'give the absolute path of the file on the node');
    if (path.endsWith('/')) throw propError(where, 'path', path, 'is a directory', 'give the path of the file itself');
    const sha256 = options?.sha256 === undefined ? undefined : checkSha256(where, options.sha256);
    return new BootstrapArtifact({ path, sha256, fileName: path.slice(path.lastIndexOf('/') + 1) });
  }

  /**
   * A file fetched by cloud-init from the site's mirror (an artifact server on the LAN, or an OCI
   * registry blob URL, which is an HTTPS URL) and checked against its SHA-256 before it is
   * installed. The node needs `curl`; an `https://` mirror with a site CA needs that CA in the
   * node's trust store (the checksum, not TLS, is what vouches for the file).
   *
   * @param url `http://` or `https://` URL: a DNS name or IP address, an optional port and a path
   *   of letters, digits and "._~%+=,:@/-"; no credentials, query or fragment
   * @param options the required checksum and an optional file name
   */
  public static fromUrl(url: string, options: BootstrapArtifactUrlOptions): BootstrapArtifact {
    const where = 'BootstrapArtifact.fromUrl';
    checkSingleLine(where, 'url', url, 2048);
    const m = typeof url === 'string' ? URL_SHAPE.exec(url) : null;
    if (!m) {
      throw propError(where, 'url', url, 'is not an http(s) URL of letters, digits and "._~%+=,:@/-" without credentials, query or fragment (it is written into a shell command)',
        `use a URL such as "${EXAMPLE_URL}"`);
    }
    if (m[5] !== undefined && (Number(m[5]) < 1 || Number(m[5]) > 65535)) {
      throw propError(where, 'url', url, `has port ${m[5]}, not a port from 1 to 65535`, `use a URL such as "${EXAMPLE_URL}"`);
    }
    const segments = (m[6] ?? '').split('/');
    if (segments.some(s => s === '.' || s === '..')) {
      throw propError(where, 'url', url, 'has "." or ".." path segments', 'give the normalized URL');
    }
    try {
      new URL(url);
    } catch {
      throw propError(where, 'url', url, 'is not a URL', `use a URL such as "${EXAMPLE_URL}"`);
    }
    checkNoCredential(where, 'url', undefined, url, 'node files are not Secrets: serve the artifacts without credentials on the site network');
    if (options === undefined || options === null || typeof options !== 'object') {
      throw propError(where, 'sha256', undefined, 'is required for a fetched artifact', 'give the SHA-256 of the file (sha256sum <file>)');
    }
    const sha256 = checkSha256(where, options.sha256);
    const fileName = options.fileName ?? segments[segments.length - 1];
    if (typeof fileName !== 'string' || fileName.length > 255 || !FILE_NAME.test(fileName)) {
      throw propError(where, 'fileName', fileName, options.fileName === undefined
        ? 'cannot be taken from the URL, whose path does not end in a file name of letters, digits and "._+:%@=,-"'
        : 'is not a file name of letters, digits and "._+:%@=,-" (at most 255, not starting with ".")',
      'give fileName, e.g. "k3s-airgap-images-arm64.tar.zst"');
    }
    return new BootstrapArtifact({ url, sha256, fileName });
  }

  /** The path on the node, for an artifact staged there. */
  public readonly path?: string;
  /** The URL on the site mirror, for a fetched artifact. */
  public readonly url?: string;
  /** The SHA-256 cloud-init checks (lower-case hex), when given. */
  public readonly sha256?: string;
  /** The file name: the path's last segment, or the `fileName` of a fetched artifact. */
  public readonly fileName: string;

  private constructor(props: { path?: string; url?: string; sha256?: string; fileName: string }) {
    this.path = props.path;
    this.url = props.url;
    this.sha256 = props.sha256;
    this.fileName = props.fileName;
  }
}

/** A SHA-256 as 64 lower-case hex digits. */
function checkSha256(where: string, value: unknown): string {
  if (typeof value !== 'string' || !SHA256.test(value)) {
    throw propError(where, 'sha256', value, 'is not a SHA-256 checksum (64 hex digits)', 'give the output of "sha256sum <file>" (the first field)');
  }
  return value.toLowerCase();
}
