// MEC fleet: 63 sites in 3 regions from an inventory (sites.csv), each its own K3s cluster (one
// server, one or two agents) that installs offline from the site's mirror. Two workload sets are
// declared once and placed by label: an edge function on every `tier=mec` site and GPU video
// analytics on the `hardware=gpu` sites, each reading per-site settings. One GitOps repository:
// Rancher Fleet by default (GitRepo + a fleet.yaml per site), Argo CD as an option
// (FLEET_GITOPS=argocd: an ApplicationSet). K3s upgrades go to the canary sites first. Every site
// runs a Prometheus agent that scrapes it and remote-writes to the hub, labelled site and fleet,
// buffering a hub outage on a local-path volume.
import * as path from 'path';
import { App, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
// 'cdk8s-wasm-edge' comes from the example's node_modules (in the repository: lib/, by the path mappings).
/* eslint-disable import/no-unresolved */
import {
  ArgoCdGenerator, BootstrapArtifact, EdgeFleet, EdgeOfflineNodeProps, EdgeSite, FleetApp, GitOps, IntegrationRoute,
  InventorySite, ISiteWorkload, K3sVersion, MonitorTarget, RemoteWriteAuth, RuntimeClass, SiteAgentWorkload, SiteInventory,
  UpgradeWindowDay, WasmAlertRules, WasmDashboards, WasmDeployment, WasmRuntime, WorkloadMonitor,
} from 'cdk8s-wasm-edge';
/* eslint-enable import/no-unresolved */

/** The fleet manager that deploys the repository. */
export type FleetGitOps = 'rancher-fleet' | 'argocd';

/** Options of the fleet example. */
export interface FleetExampleOptions {
  /**
   * Rancher Fleet (a GitRepo and a fleet.yaml per site) or Argo CD (an ApplicationSet).
   *
   * @default 'rancher-fleet'
   */
  readonly gitOps?: FleetGitOps;

  /**
   * The site inventory, a CSV or JSON file.
   *
   * @default - sites.csv beside this file
   */
  readonly inventoryFile?: string;
}

/** The Git repository the fleet manager reads: the output directory is its root (placeholder URL). */
export const REPO_URL = 'https://git.example.com/edge/fleet.git';

/** The hub's remote-write endpoint (placeholder URL): every site agent sends its samples there. */
export const HUB_REMOTE_WRITE_URL = 'https://metrics.hub.example.com/api/v1/write';

/**
 * The Secret (in each site's `mec-apps` namespace, provisioned out of band, never in Git) holding
 * the bearer token the site agents authenticate to the hub with.
 */
export const HUB_TOKEN_SECRET = 'hub-remote-write';

/** The K3s release the nodes install (the airgap artifacts on the site mirrors are of this release). */
export const K3S_STABLE = 'v1.36.3+k3s1';
/** The release canary sites upgrade to first. */
export const K3S_CANARY = 'v1.37.1+k3s1';

/**
 * Every site runs a mirror on its LAN under the same name (site-local DNS): an HTTP artifact server
 * for bootstrap and an OCI registry that mirrors docker.io and ghcr.io for images.
 */
const SITE_MIRROR = 'http://mirror.site.lan:8080';
const SITE_REGISTRY = 'https://registry.site.lan:5000';

// Placeholders: put the `sha256sum` of the files your mirrors serve here. cloud-init checks each
// download against its checksum before installing anything and stops on a mismatch.
const SHA256 = {
  k3s: '6f1d4ec6c8b3a7e9d2f0b5a4c3e2d1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4',
  installScript: '0b7c4a8e2f6d1c5b9a3e7f1d5c9b3a7e1f5d9c3b7a1e5f9d3c7b1a5e9f3d7c1b',
  images: 'c2a9e4f7b1d8c5a2e9f6b3d0c7a4e1f8b5d2c9a6e3f0b7d4c1a8e5f2b9d6c3a0',
  wasmedgeShim: '9e3b7f1a5d9c3e7b1f5a9d3c7e1b5f9a3d7c1e5b9f3a7d1c5e9b3f7a1d5c9e3b',
};

/** An integer setting of a site, or the default; anything else is an error naming the inventory row. */
function intSetting(site: EdgeSite, key: string, defaultValue: number): number {
  const raw = site.setting(key);
  if (raw === undefined) return defaultValue;
  if (!/^[0-9]{1,4}$/.test(raw)) {
    throw new Error(`${site.source ?? site.node.path}: setting.${key}="${raw}" is not a whole number (e.g. "3"); leave the cell empty for ${defaultValue}`);
  }
  return Number(raw);
}

/** Options of the edge function. */
export interface EdgeFunctionOptions {
  /** The image without its tag. */
  readonly image: string;
  /** The tag the sites run. */
  readonly tag: string;
  /** The tag canary sites run first. */
  readonly canaryTag: string;
}

/**
 * A latency-sensitive Wasm HTTP function on the K3s `wasmedge` RuntimeClass, on every site it is
 * placed on. Per site: `setting.replicas` (default 2) and `setting.greeting`; canary sites run the
 * canary tag.
 */
export class EdgeFunction implements ISiteWorkload {
  constructor(private readonly options: EdgeFunctionOptions) {}

  public addToSite(site: EdgeSite): void {
    const port = 8080;
    const tag = site.canary ? this.options.canaryTag : this.options.tag;
    const service = new WasmDeployment(site, 'edge-fn', {
      // Each site is its own cluster: plain names are unique there.
      metadata: { name: 'edge-fn' },
      // K3s creates RuntimeClass "wasmedge" when containerd-shim-wasmedge-v1 is on its PATH (the
      // nodes' airgap shims put it there): the default runtime class.
      wasiNetworking: true,
      replicas: intSetting(site, 'replicas', 2),
      wasmContainers: [{
        name: 'edge-fn',
        image: `${this.options.image}:${tag}`,
        command: ['/edge-fn.wasm'],
        // Named, so that a monitor can select it (and serves /metrics beside the function).
        ports: [{ number: port, name: 'http' }],
        envVariables: {
          LISTEN_ADDR: kplus.EnvValue.fromValue(`0.0.0.0:${port}`),
          SITE: kplus.EnvValue.fromValue(site.siteName),
          GREETING: kplus.EnvValue.fromValue(site.setting('greeting', `Hello from ${site.siteName}`)!),
        },
      }],
    }).exposeViaService({ name: 'edge-fn', ports: [{ port: 80, targetPort: port, name: 'http' }] });
    // The site's agent picks up every monitor in the site's namespace.
    new WorkloadMonitor(site, 'edge-fn-monitor', { target: MonitorTarget.service(service), port: 'http', name: 'edge-fn' });
  }
}

/**
 * Video analytics on the site's GPU: WasmEdge with the WASI-NN plugin in a Linux image, on the
 * NVIDIA runtime (K3s creates RuntimeClass "nvidia" when it finds nvidia-container-runtime). Per
 * site: `setting.analytics.model` (default yolov8n).
 */
export class VideoAnalytics implements ISiteWorkload {
  constructor(private readonly image: string) {}

  public addToSite(site: EdgeSite): void {
    const model = site.setting('analytics.model', 'yolov8n')!;
    new WasmDeployment(site, 'video-analytics', {
      metadata: { name: 'video-analytics' },
      runtimeClass: RuntimeClass.fromK3s(site, 'K3sNvidia', WasmRuntime.NVIDIA),
      route: IntegrationRoute.WASMEDGE_IN_IMAGE,
      gpu: { count: 1 },
      wasiNetworking: true,
      wasmContainers: [{
        name: 'video-analytics',
        image: this.image,
        command: ['wasmedge', '--dir', '/models:/models', '/app/video-analytics.wasm'],
        portNumber: 9000,
        envVariables: { MODEL: kplus.EnvValue.fromValue(model) },
        resources: {
          cpu: { request: kplus.Cpu.millis(500), limit: kplus.Cpu.units(2) },
          memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) },
        },
      }],
    }).exposeViaService({ name: 'video-analytics' });
  }
}

/** Node settings of a site: offline install from the site mirror; GPU sites add the NVIDIA runtime. */
function nodeDefaults(gpu: boolean): EdgeOfflineNodeProps {
  const k3s = `${SITE_MIRROR}/k3s/${K3S_STABLE}`;
  return {
    k3sVersion: K3S_STABLE,
    // One token per site, provisioned on every node of the site out of band (never in Git): the
    // server starts with it and the agents join with it, so all nodes can come up at once.
    tokenFile: '/etc/rancher/k3s/cluster-token',
    runtimes: gpu ? [WasmRuntime.WASMEDGE, WasmRuntime.NVIDIA] : [WasmRuntime.WASMEDGE],
    // Images come from the site registry, which mirrors these upstreams, also while offline.
    localRegistry: SITE_REGISTRY,
    localRegistryTls: { caFile: '/etc/rancher/k3s/site-registry-ca.pem' },
    mirroredRegistries: ['docker.io', 'ghcr.io'],
    airgap: {
      k3sBinary: BootstrapArtifact.fromUrl(`${k3s}/k3s`, { sha256: SHA256.k3s }),
      k3sInstallScript: BootstrapArtifact.fromUrl(`${k3s}/install.sh`, { sha256: SHA256.installScript }),
      images: [BootstrapArtifact.fromUrl(`${k3s}/k3s-airgap-images-amd64.tar.zst`, { sha256: SHA256.images })],
      shims: { wasmedge: BootstrapArtifact.fromUrl(`${SITE_MIRROR}/shims/containerd-shim-wasmedge-v1`, { sha256: SHA256.wasmedgeShim }) },
    },
  };
}

function gitOpsOf(kind: FleetGitOps): GitOps {
  if (kind === 'argocd') {
    // One Application per site directory in Git, sent to the Argo CD cluster named like the site.
    return GitOps.argoCd({ repoUrl: REPO_URL, targetRevision: 'main', generator: ArgoCdGenerator.gitDirectories() });
  }
  const regions = ['ap-south', 'eu-central', 'us-east'];
  return GitOps.rancherFleet({
    repo: REPO_URL,
    branch: 'main',
    // Fleet may deploy this repository only to MEC clusters; each site's fleet.yaml narrows its
    // bundle to the site's own cluster.
    targets: [{ name: 'mec-sites', clusterSelector: { matchLabels: { tier: 'mec' } } }],
    // Views for operators (`kubectl get clustergroups -n fleet-default`): each region, the canaries.
    clusterGroups: Object.assign(
      { canary: { matchLabels: { canary: 'true' } } },
      Object.fromEntries(regions.map(r => [r, { matchLabels: { region: r } }])),
    ),
  });
}

/** Adds the fleet to an app (a FleetApp: EdgeFleet needs one). */
export function buildExample(app: App, options: FleetExampleOptions = {}): EdgeFleet {
  const fleet = new EdgeFleet(app, 'mec', {
    namespace: 'mec-apps',
    gitOps: gitOpsOf(options.gitOps ?? 'rancher-fleet'),
    // Canary sites get K3S_CANARY, the others K3S_STABLE, one node at a time, cordoned (no drain:
    // the workloads keep running while K3s restarts), in the nightly maintenance window.
    k3sUpgrade: {
      version: K3sVersion.parse(K3S_STABLE),
      canaryVersion: K3sVersion.parse(K3S_CANARY),
      window: {
        days: [UpgradeWindowDay.MONDAY, UpgradeWindowDay.TUESDAY, UpgradeWindowDay.WEDNESDAY, UpgradeWindowDay.THURSDAY],
        startTime: '01:00',
        endTime: '04:00',
      },
    },
  });

  // Declared once, placed by label: on the sites added below and any added later.
  fleet.deploy(new EdgeFunction({ image: 'ghcr.io/acme/mec-edge-fn', tag: '1.4.0', canaryTag: '1.5.0' }), { siteSelector: { tier: 'mec' } });
  fleet.deploy(new VideoAnalytics('ghcr.io/acme/mec-video-analytics-wasinn:0.14.1'), { siteSelector: { hardware: 'gpu' } });

  // Monitoring: a Prometheus agent on every site (external labels site=<site>, fleet=mec), its WAL
  // sized to buffer a 3-day hub outage at 300 samples/s (within the sites' 30-day offline window).
  fleet.deploy(SiteAgentWorkload.forFleet(fleet, {
    remoteWrite: { url: HUB_REMOTE_WRITE_URL, auth: RemoteWriteAuth.bearerToken({ secretName: HUB_TOKEN_SECRET, key: 'token' }) },
    outage: Duration.days(3),
    samplesPerSecond: 300,
  }));

  // One row per site. addSites gives every row the same defaults, so the GPU rows (which need the
  // NVIDIA runtime on their nodes) are added on their own; each keeps its row (sites.csv:<line>)
  // for error messages.
  const inventory = SiteInventory.fromFile(options.inventoryFile ?? path.join(__dirname, 'sites.csv'));
  const isGpu = (s: InventorySite) => s.hardware === 'gpu';
  fleet.addSites(SiteInventory.fromSites(inventory.sites.filter(s => !isGpu(s))), { nodeDefaults: nodeDefaults(false) });
  fleet.addSites(SiteInventory.fromSites(inventory.sites.filter(isGpu)), { nodeDefaults: nodeDefaults(true) });

  // The hub's alert rules and dashboards, in the fleet's management chart: a site silent for 10
  // minutes (below its offline window), nodes close to the end of their offline window, Wasm pods
  // restarting or starting slower than their cold-start budget, per site through the agents'
  // `site` label; one rule per workload, whatever the number of sites.
  new WasmAlertRules(fleet.managementChart, 'alerts', { ruleSelectorLabels: { release: 'kube-prometheus-stack' } });
  new WasmDashboards(fleet.managementChart, 'dashboards');
  return fleet;
}

/**
 * Sites whose files the repository's example test snapshots in full (a stable site with two
 * agents, a canary GPU site); every site's objects are validated.
 */
export const SNAPSHOT_SITES = ['mec-euc-003', 'mec-euc-005'];

/** The app the example needs: a FleetApp writing the GitOps tree into outdir. */
export function createApp(outdir: string): App {
  return new FleetApp({ outdir });
}

/** The layout FLEET_GITOPS asks for: "rancher-fleet" (the default) or "argocd". */
export function gitOpsFromEnv(): FleetGitOps {
  const value = process.env.FLEET_GITOPS ?? 'rancher-fleet';
  if (value !== 'rancher-fleet' && value !== 'argocd') {
    throw new Error(`FLEET_GITOPS="${value}": use "rancher-fleet" (the default) or "argocd"`);
  }
  return value;
}

/**
 * Synthesizes the example: the GitOps tree into outdir, in the layout of FLEET_GITOPS unless
 * options say. The node files are part of that tree (`mec/sites/<site>/nodes/<node>/`, beside the
 * site's manifests), so nodesOutdir is not used; it is kept for the signature every example shares.
 */
export function synthExample(outdir: string, _nodesOutdir?: string, options: FleetExampleOptions = {}): void {
  const app = createApp(outdir);
  buildExample(app, Object.assign({ gitOps: gitOpsFromEnv() }, options));
  app.synth();
}

if (require.main === module) {
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist');
}
