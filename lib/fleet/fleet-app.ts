import { ApiObject, App, AppProps, Chart, Names } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EdgeFleet, FLEETS, SiteSpec } from './edge-fleet';
import { EdgeSite } from './edge-site';
import { EdgeOfflineNode } from '../node/edge-offline-node';
import { appIndex } from '../private/app-checks';
import { chartObjects, markFleetApp, resolveDependencies, validateConstructs } from '../private/app-synth';
import { PlannedEntry, PlannedFile, PlannedGroup, writeTree } from '../private/tree-writer';
import { yamlDocument } from '../private/yaml';

/** What the last synth() wrote. */
export interface FleetSynthResult {
  /** Paths written, relative to the output directory, sorted. */
  readonly files: string[];
  /** Paths removed (written by an earlier synth, not generated any more), sorted. */
  readonly removed: string[];
  /** Bytes written. */
  readonly bytes: number;
}

/**
 * A cdk8s App for fleets: `synth()` validates the whole app once, resolves dependencies once and
 * streams each site's manifests and node files into a GitOps tree (see EdgeFleet), with the
 * library's YAML writer. cdk8s's own synth validates the whole app again for every chart, which
 * is quadratic in sites. The documents are the ones cdk8s would write for the same charts (same
 * objects, same order); the files record what they are (`.cdk8s-wasm-edge-tree.json`), so a later
 * synth removes only files it wrote and no longer writes.
 *
 * Charts outside any fleet are written as `<outdir>/<chart>.k8s.yaml`, one file per chart, like cdk8s.
 * `cdk8s synth` works as with any App (it runs the program, which calls synth()).
 */
export class FleetApp extends App {
  private result?: FleetSynthResult;

  constructor(props: AppProps = {}) {
    super(props);
    markFleetApp(this);
  }

  /** What the last synth() wrote, if it ran. */
  public get lastSynth(): FleetSynthResult | undefined {
    return this.result;
  }

  /** Writes the fleets' GitOps trees (and any other chart) to the output directory. */
  public synth(): void {
    const fleets = appIndex(this).slot(FLEETS);
    for (const f of fleets) f._prepare();
    const all = this.node.findAll();
    validateConstructs(all);
    resolveDependencies(all);
    const files: PlannedEntry[] = [];
    for (const c of all) {
      if (c instanceof Chart) {
        const file = this.chartFile(c);
        if (file) files.push(file);
      } else if (c instanceof EdgeOfflineNode) {
        files.push(this.nodeFiles(c));
      }
    }
    // Sites declared with defineSite(): each built, checked and written in its turn, then dropped.
    for (const fleet of fleets) {
      for (const spec of fleet._siteSpecs) {
        files.push({ dir: `${fleet.directory}/sites/${spec.siteName}`, files: () => this.declaredSiteFiles(fleet, spec) });
      }
    }
    for (const fleet of fleets) {
      if (!fleet.gitOps) continue;
      for (const site of fleet.sites) {
        const dir = `${fleet.directory}/sites/${site.siteName}/manifests`;
        for (const f of fleet.gitOps.siteFiles(fleet.gitOpsSite(site))) {
          files.push({ path: `${dir}/${f.path}`, chunks: () => [f.content] });
        }
      }
    }
    const r = writeTree(this, this.outdir, files);
    this.result = { files: r.written, removed: r.removed, bytes: r.bytes };
  }

  /** Where a chart's manifests go, or undefined for a chart without objects. */
  private chartFile(chart: Chart): PlannedFile | undefined {
    const site = EdgeSite.siteOf(chart);
    const fleet = fleetOf(chart);
    let rel: string;
    if (site && fleet) {
      rel = `${fleet.directory}/sites/${site.siteName}/manifests/${this.siteChartFile(site, chart)}`;
    } else if (fleet) {
      rel = chart === fleet.managementChart ? `${fleet.directory}/fleet${this.outputFileExtension}` : `${fleet.directory}/${Names.toDnsLabel(chart)}${this.outputFileExtension}`;
    } else {
      rel = `${Names.toDnsLabel(chart)}${this.outputFileExtension}`;
    }
    // Listed now, resolved while writing: one chart's documents in memory at a time.
    const objects = chartObjects(chart);
    if (objects.length === 0) return undefined;
    return { path: rel, chunks: () => documents(objects) };
  }

  /**
   * A declared site's files (paths relative to its directory), from an app of its own: validated
   * (its constructs and the app rules, per site), resolved and rendered as an added site would be.
   */
  private declaredSiteFiles(fleet: EdgeFleet, spec: SiteSpec): Array<{ path: string; content: string }> {
    const site = fleet._buildSite(spec);
    const all = site.node.root.node.findAll();
    validateConstructs(all);
    resolveDependencies(all);
    const out: Array<{ path: string; content: string }> = [];
    for (const c of all) {
      if (c instanceof Chart) {
        const objects = chartObjects(c);
        if (objects.length > 0) out.push({ path: `manifests/${this.siteChartFile(site, c)}`, content: [...documents(objects)].join('') });
      } else if (c instanceof EdgeOfflineNode) {
        for (const f of nodeTree(c)) out.push({ path: `nodes/${c.nodeName}/${f.path}`, content: f.content });
      }
    }
    for (const f of fleet.gitOps?.siteFiles(fleet._gitOpsSiteOf(spec)) ?? []) out.push({ path: `manifests/${f.path}`, content: f.content });
    return out;
  }

  /** A node's files, rendered when their turn comes: a fleet's node files are never all in memory. */
  private nodeFiles(node: EdgeOfflineNode): PlannedGroup {
    const site = EdgeSite.siteOf(node);
    const fleet = fleetOf(node);
    const dir = site && fleet ? `${fleet.directory}/sites/${site.siteName}/nodes/${node.nodeName}` : `nodes/${node.nodeName}`;
    return { dir, files: () => nodeTree(node) };
  }

  /** The file of a chart in its site's manifests directory: the site's own, or a chart nested in it. */
  private siteChartFile(site: EdgeSite, chart: Chart): string {
    return `${site === chart ? site.siteName : Names.toDnsLabel(chart)}${this.outputFileExtension}`;
  }
}

/** A node's files relative to its directory (paths on the node, and cloud-init.yaml), from one rendering. */
function nodeTree(node: EdgeOfflineNode): Array<{ path: string; content: string }> {
  const rendered = node._renderAll();
  const files = rendered.files.map(f => ({ path: f.path.split('/').filter(x => x !== '').join('/'), content: f.content }));
  files.push({ path: 'cloud-init.yaml', content: rendered.cloudInit });
  return files;
}

function* documents(objects: readonly ApiObject[]): Iterable<string> {
  let first = true;
  for (const o of objects) {
    yield (first ? '' : '---\n') + yamlDocument(o.toJson());
    first = false;
  }
}

function fleetOf(c: IConstruct): EdgeFleet | undefined {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (EdgeFleet.isEdgeFleet(s)) return s as EdgeFleet;
  }
  return undefined;
}
