import * as path from 'path';
import { Testing } from 'cdk8s';
import { monitorTargets } from './selectors';
import { FleetApp } from '../../lib';
import { siteCharts, tmpdir } from '../util/fleet';
import { synthAppAndValidate, validateObjects } from '../util/validate';

// The monitoring the 5G MEC and fleet examples carry (their READMEs, "Monitoring"): every monitor
// scrapes its workload, every site agent labels its samples with its site and the fleet.
const EXAMPLES = path.join(__dirname, '..', '..', 'examples');

test('5g-mec: a ServiceMonitor for v2x-alerts, picked up by kube-prometheus-stack, that finds the Service', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mec = require(path.join(EXAMPLES, '5g-mec', 'main.ts'));
  const app = Testing.app();
  mec.buildExample(app, { prometheusRelease: 'kps' });
  const objects = synthAppAndValidate(app);
  const monitors = objects.filter(o => o.kind === 'ServiceMonitor');
  expect(monitors.map(m => m.metadata.labels)).toEqual([{ release: 'kps' }]);
  expect([...monitorTargets(objects).values()]).toEqual([['Service v2x-alerts']]);
});

describe('fleet', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fleetExample = require(path.join(EXAMPLES, 'fleet', 'main.ts'));
  const app = new FleetApp({ outdir: tmpdir() });
  fleetExample.buildExample(app);
  const sites = siteCharts(app);

  test('every site: an agent labelled site and fleet, remote-writing with the token Secret, and an edge-fn monitor that finds its Service', () => {
    expect(sites.length).toBeGreaterThan(60);
    for (const site of sites.slice(0, 4)) {
      const objects = Testing.synth(site);
      validateObjects(objects);
      const [agent] = objects.filter(o => o.kind === 'PrometheusAgent');
      expect(agent.spec.externalLabels).toEqual({ fleet: 'mec', site: (site as any).siteName });
      expect(agent.spec.remoteWrite).toEqual([{ url: fleetExample.HUB_REMOTE_WRITE_URL, authorization: { type: 'Bearer', credentials: { name: 'hub-remote-write', key: 'token' } } }]);
      expect(agent.spec.additionalArgs).toEqual([{ name: 'storage.agent.retention.max-time', value: '72h' }]);
      expect(agent.spec.storage.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'local-path', resources: { requests: { storage: '2Gi' } } });
      const found = Object.fromEntries(monitorTargets(objects));
      expect(found['ServiceMonitor mec-apps/edge-fn']).toEqual(['Service edge-fn']);
    }
  });
});
