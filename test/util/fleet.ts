import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { EdgeFleet, ISiteWorkload } from '../../lib/fleet/edge-fleet';
import { EdgeSite } from '../../lib/fleet/edge-site';
import { FleetApp } from '../../lib/fleet/fleet-app';
import { GitOps, GitOpsBindOptions, GitOpsFile, GitOpsSite } from '../../lib/fleet/gitops';
import { WasmDeployment } from '../../lib/wasm-deployment';

/** A fresh temporary directory. */
export function tmpdir(prefix = 'fleet-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `dir` (relative POSIX path -> content), sorted. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.set(r, fs.readFileSync(path.join(dir, r), 'utf-8'));
    }
  };
  walk('');
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A workload of one WasmDeployment with a Service; replicas from the site's `replicas` setting. */
export class EdgeFunction implements ISiteWorkload {
  constructor(private readonly id = 'fn', private readonly image = 'registry.local:5000/edge/fn:1.0.0') {}
  public addToSite(site: EdgeSite): void {
    const wd = new WasmDeployment(site, this.id, {
      wasiNetworking: true,
      replicas: Number(site.setting('replicas', '1')),
      wasmContainers: [{ image: this.image, command: ['/fn.wasm'], portNumber: 8080 }],
    });
    wd.exposeViaService();
  }
}

/** A GitOps layout written in the test (public API only): a ConfigMap listing the sites, a file per site. */
export class ListGitOps extends GitOps {
  public readonly name = 'list';
  public binds = 0;
  public bind(scope: Construct, options: GitOpsBindOptions): void {
    this.binds++;
    new ApiObject(scope, 'sites', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${options.fleetName}-sites`, namespace: 'fleet-default' },
      data: Object.fromEntries(options.sites.map(s => [s.name, s.manifestsPath])),
    });
  }
  public siteFiles(site: GitOpsSite): GitOpsFile[] {
    return [{ path: 'site.txt', content: `${site.name} ${JSON.stringify(site.labels)}\n` }];
  }
}

export interface TestFleetOptions {
  readonly sites?: number;
  readonly gitOps?: GitOps;
  /** Per-site setting overrides: site index -> replicas. */
  readonly replicas?: { [index: number]: string };
}

/** A FleetApp with one fleet "mec" of `sites` sites (one server + one agent each) running EdgeFunction. */
export function testFleet(outdir: string, options: TestFleetOptions = {}): { app: FleetApp; fleet: EdgeFleet } {
  const app = new FleetApp({ outdir });
  const fleet = new EdgeFleet(app, 'mec', { namespace: 'edge', gitOps: options.gitOps });
  fleet.deploy(new EdgeFunction(), { siteSelector: { tier: 'mec' } });
  for (let i = 0; i < (options.sites ?? 3); i++) {
    fleet.addSite(`site-${i}`, {
      region: i % 2 === 0 ? 'eu' : 'us',
      tier: 'mec',
      canary: i === 0,
      settings: { replicas: options.replicas?.[i] ?? '1' },
      servers: [{ name: `site-${i}-server`, ip: `10.0.${i}.1` }],
      agents: [{ name: `site-${i}-agent-1`, ip: `10.0.${i}.2` }],
    });
  }
  return { app, fleet };
}

/** The site charts of an app. */
export function siteCharts(app: FleetApp): Chart[] {
  return app.node.findAll().filter((c): c is Chart => EdgeSite.isEdgeSite(c));
}
