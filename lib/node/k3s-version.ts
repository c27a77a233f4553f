import { propError } from '../private/errors';

/**
 * A K3s release version such as `v1.31.6+k3s1`. Node files depend on it: the containerd template
 * file name (containerd 2 from v1.31.6 / v1.32.2, and in every release from v1.33) and whether the
 * embedded registry mirror is generally available.
 *
 * @see https://docs.k3s.io/release-notes/v1.31.X
 */
export class K3sVersion {
  /**
   * The version `new EdgeOfflineNode` installs by default: the newest release whose flag set the
   * config model was checked against.
   */
  public static readonly DEFAULT = K3sVersion.parse('v1.37.1+k3s1');

  /**
   * Parses `v1.31.6+k3s1` (the `v`, the `-rcN` and the `+k3sN` parts are optional).
   *
   * @param version the version string
   * @param owner who asked, for error messages
   * @default owner 'K3sVersion'
   */
  public static parse(version: string, owner?: string): K3sVersion {
    const m = typeof version === 'string' ? /^v?(\d{1,4})\.(\d{1,4})\.(\d{1,4})(-rc\d{1,4})?(\+k3s(\d{1,4}))?$/.exec(version) : null;
    if (!m) {
      throw propError(owner ?? 'K3sVersion', 'k3sVersion', version, 'is not a K3s version', 'use a release name such as "v1.33.5+k3s1"');
    }
    const major = Number(m[1]);
    const minor = Number(m[2]);
    if (major !== 1 || minor < 26) {
      throw propError(owner ?? 'K3sVersion', 'k3sVersion', version, 'is older than the releases this library supports (v1.26)', 'use K3s v1.29 or newer');
    }
    return new K3sVersion(major, minor, Number(m[3]), m[4] ? m[4].slice(1) : undefined, m[6] ? Number(m[6]) : 1);
  }

  /** Major version (1). */
  public readonly major: number;
  /** Minor version (the Kubernetes minor). */
  public readonly minor: number;
  /** Patch version. */
  public readonly patch: number;
  /** Release candidate (`rc1`), if any. */
  public readonly rc?: string;
  /** The K3s build number (`+k3sN`). */
  public readonly k3sBuild: number;

  private constructor(major: number, minor: number, patch: number, rc: string | undefined, k3sBuild: number) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.rc = rc;
    this.k3sBuild = k3sBuild;
  }

  /** Whether this version is at least `minor.patch` of its line. */
  public isAtLeast(minor: number, patch: number): boolean {
    return this.minor > minor || (this.minor === minor && this.patch >= patch);
  }

  /**
   * Whether this release ships containerd 2 (config version 3, template `config-v3.toml.tmpl`):
   * v1.31.6+ in the 1.31 line, v1.32.2+ in the 1.32 line, every release from 1.33.
   */
  public get usesContainerd2(): boolean {
    if (this.minor >= 33) return true;
    if (this.minor === 32) return this.patch >= 2;
    if (this.minor === 31) return this.patch >= 6;
    return false;
  }

  /**
   * Whether the embedded registry mirror (Spegel) is generally available: v1.29.12, v1.30.8, v1.31.4
   * and later in their lines, and every release from 1.32.
   *
   * @see https://docs.k3s.io/installation/registry-mirror
   */
  public get hasEmbeddedRegistry(): boolean {
    if (this.minor >= 32) return true;
    if (this.minor === 31) return this.patch >= 4;
    if (this.minor === 30) return this.patch >= 8;
    if (this.minor === 29) return this.patch >= 12;
    return false;
  }

  /** The release name, e.g. `v1.31.6+k3s1`. */
  public toString(): string {
    return `v${this.major}.${this.minor}.${this.patch}${this.rc ? `-${this.rc}` : ''}+k3s${this.k3sBuild}`;
  }
}
