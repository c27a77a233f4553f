import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * cdk8s's synthesis steps, each run once for the whole app. `App.synth()` validates and resolves
 * once, but then calls `chart.toJson()` per chart, which is `App._synthChart(chart)`: it resolves
 * the dependencies of the whole app and validates the whole app again, so an app of N charts costs
 * N whole-app passes (cdk8s 2.70 lib/app.js:57-67 and lib/chart.js:98-100). These are the same
 * steps (lib/app.js:196-261), so an app of many charts costs one pass.
 */

/**
 * Validates every construct, in the order and with the message of cdk8s's `validate()`
 * (lib/app.js:196-207).
 *
 * @param constructs every construct of the app, from one walk (`app.node.findAll()`)
 * @internal
 */
export function validateConstructs(constructs: readonly IConstruct[]): void {
  const errors: string[] = [];
  for (const child of constructs) {
    for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

/** The constructs under `c` (itself included), from one walk per construct, cached. */
class SubtreeCache {
  private readonly cache = new Map<IConstruct, IConstruct[]>();
  public findAll(c: IConstruct): IConstruct[] {
    let all = this.cache.get(c);
    if (!all) {
      all = c.node.findAll();
      this.cache.set(c, all);
    }
    return all;
  }
}

/**
 * Turns construct dependencies into chart and ApiObject dependencies, as cdk8s's
 * `resolveDependencies()` does (lib/app.js:217-255): a nested chart is a dependency of its parent;
 * a dependency between constructs of two charts makes the charts depend; and every ApiObject under
 * the dependent construct depends on every ApiObject under the other (in their own charts).
 *
 * @param constructs every construct of the app, from one walk
 * @returns whether some chart depends on another
 * @internal
 */
export function resolveDependencies(constructs: readonly IConstruct[]): boolean {
  const cache = new SubtreeCache();
  let hasDependantCharts = false;
  for (const parent of constructs) {
    if (!(parent instanceof Chart)) continue;
    for (const child of parent.node.children) {
      if (child instanceof Chart) {
        parent.node.addDependency(child);
        hasDependantCharts = true;
      }
    }
  }
  // cdk8s lists the dependencies once before the chart step and again after it: the chart step
  // adds chart -> chart dependencies, which the object step then also visits.
  const deps = () => constructs.flatMap(source => source.node.dependencies.map(target => ({ source, target })));
  for (const dep of deps()) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }
  for (const dep of deps()) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    const targets = cache.findAll(dep.target).filter(c => c instanceof ApiObject && Chart.of(c) === targetChart);
    const sources = cache.findAll(dep.source).filter(c => c instanceof ApiObject && Chart.of(c) === sourceChart);
    for (const target of targets) {
      for (const source of sources) {
        if (target !== source) source.node.addDependency(target);
      }
    }
  }
  return hasDependantCharts;
}

/**
 * The ApiObjects of a chart in cdk8s's order: the dependency topology of the chart's subtree, only
 * the objects whose closest chart is this one (cdk8s `chartToKube`, lib/app.js:257-262).
 *
 * @internal
 */
export function chartObjects(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject && Chart.of(x) === chart);
}

const FLEET_APP = Symbol.for('cdk8s-wasm-edge.FleetApp');

/**
 * Marks an app as a FleetApp (the fleet constructs need its synth; lib/fleet cannot import it).
 *
 * @internal
 */
export function markFleetApp(app: IConstruct): void {
  Object.defineProperty(app, FLEET_APP, { value: true });
}

/** @internal */
export function isFleetApp(app: IConstruct): boolean {
  return (app as any)[FLEET_APP] === true;
}
