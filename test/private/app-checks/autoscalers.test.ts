import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { runRule } from './helpers';
import { AppRule } from '../../../lib/private/app-checks';
import { autoscalerFloors, namespaceOf, targetLabel, workloadKey } from '../../../lib/private/app-checks/autoscalers';
import { KedaScaledObject, KedaTrigger } from '../../../lib/scaling';

const cron = () => KedaTrigger.cron({ timezone: 'Europe/Berlin', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: 2 });
const deployment = (c: Chart, id: string) => new kplus.Deployment(c, id, { containers: [{ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(100) } } }] });

describe('autoscaler facts', () => {
  test('autoscalerFloors: the floor of each autoscaled workload, ours and cdk8s-plus HPAs, read at check time', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const a = deployment(c, 'a');
    const b = deployment(c, 'b');
    new KedaScaledObject(c, 'so', { target: a, triggers: [cron()], minReplicas: 2 });
    new kplus.HorizontalPodAutoscaler(c, 'hpa', { target: b, minReplicas: 3, maxReplicas: 5 });
    let floors = new Map<kplus.IScalable, number>();
    const rule: AppRule = { name: 'floors', check: view => { floors = autoscalerFloors(view); } };
    runRule(rule, c);
    expect([floors.get(a), floors.get(b)]).toEqual([2, 3]);
  });

  test('targetLabel, namespaceOf and workloadKey name a workload by API version, kind, namespace and name', () => {
    const c = new Chart(Testing.app(), 'c', { namespace: 'apps' });
    const d = deployment(c, 'web');
    expect(namespaceOf(d)).toBe('apps');
    expect(targetLabel(d)).toBe(`apps/v1 Deployment apps/${d.name}`);
    expect(workloadKey(d)).toBe(`apps/v1|Deployment|apps|${d.name}`);
  });
});
