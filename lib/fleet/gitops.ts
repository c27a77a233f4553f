import { Construct } from 'constructs';

// Contract stub: the real module (Rancher Fleet and Argo CD renderers) lands from the GitOps work.

/** A site as the GitOps layer sees it: one K3s cluster registered in the fleet manager under `name`. */
export interface GitOpsSite {
  /** The site's name: the cluster's name in Rancher Fleet or Argo CD (a DNS-1123 label). */
  readonly name: string;
  /** The cluster's labels in the fleet manager. */
  readonly labels: { [key: string]: string };
  /** Repository-relative directory of the site's manifests, e.g. `sites/mec-001/manifests`. */
  readonly manifestsPath: string;
  /**
   * The default namespace of the site's objects.
   *
   * @default - none
   */
  readonly namespace?: string;
}

/** A file beside a site's manifests. */
export interface GitOpsFile {
  /** Relative to the site's manifestsPath. */
  readonly path: string;
  readonly content: string;
}

/** What a GitOps layout is bound to. */
export interface GitOpsBindOptions {
  /** Names the fleet-level objects (a DNS-1123 label). */
  readonly fleetName: string;
  /** Every site, sorted by name. */
  readonly sites: GitOpsSite[];
  /** Repository-relative directory of the fleet's tree ('' for the repository root). */
  readonly rootPath: string;
}

/** How a fleet manager finds the sites' manifests in the Git repository. */
export abstract class GitOps {
  /** A label for messages. */
  public abstract readonly name: string;
  /** Creates the fleet-level objects under `scope`. Called once per synth, before validation. */
  public abstract bind(scope: Construct, options: GitOpsBindOptions): void;
  /** Files a site's manifests directory needs beside the manifests. */
  public abstract siteFiles(site: GitOpsSite): GitOpsFile[];
}
