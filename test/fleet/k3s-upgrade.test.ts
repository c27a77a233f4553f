import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import * as fc from 'fast-check';
import {
  K3sUpgradeOptions, K3sUpgradePlan, K3sUpgradePlanProps, K3sVersion, UpgradeWindowDay, Warnings, WASM_ONLY_TAINT_KEY,
} from '../../lib';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, maybe, nastyString } from '../util/fuzz';
import { synthAndValidate } from '../util/validate';

const STABLE = K3sVersion.parse('v1.33.5+k3s1');
const CANARY = K3sVersion.parse('v1.34.1+k3s1');

function chart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}

function plans(props: K3sUpgradePlanProps = { version: STABLE }, c = chart()): { server: any; agent: any; plan: K3sUpgradePlan; objs: any[] } {
  const plan = new K3sUpgradePlan(c, 'k3s', props);
  const objs = synthAndValidate(c);
  return { server: objs.find(o => o.metadata.name === 'server-plan'), agent: objs.find(o => o.metadata.name === 'agent-plan'), plan, objs };
}

describe('K3sUpgradePlan', () => {
  test('renders the server and agent Plans the way K3s documents them (docs.k3s.io/upgrades/automated)', () => {
    const { objs, server, agent, plan } = plans({ version: STABLE }, chart('apps'));
    expect(objs).toMatchSnapshot();
    expect(objs.map(o => `${o.apiVersion}/${o.kind}/${o.metadata.namespace}/${o.metadata.name}`))
      .toEqual(['upgrade.cattle.io/v1/Plan/system-upgrade/server-plan', 'upgrade.cattle.io/v1/Plan/system-upgrade/agent-plan']);
    expect(server.spec).toEqual({
      version: 'v1.33.5+k3s1',
      serviceAccountName: 'system-upgrade',
      cordon: true,
      concurrency: 1,
      nodeSelector: {
        matchExpressions: [
          { key: 'node-role.kubernetes.io/control-plane', operator: 'In', values: ['true'] },
          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          { key: 'node-role.kubernetes.io/edge', operator: 'DoesNotExist' },
        ],
      },
      tolerations: [
        { key: 'CriticalAddonsOnly', operator: 'Exists' },
        { key: WASM_ONLY_TAINT_KEY, operator: 'Exists' },
        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
      ],
      upgrade: { image: 'rancher/k3s-upgrade' },
    });
    expect(agent.spec).toEqual({
      version: 'v1.33.5+k3s1',
      serviceAccountName: 'system-upgrade',
      cordon: true,
      concurrency: 1,
      nodeSelector: {
        matchExpressions: [
          { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
          { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
          { key: 'node-role.kubernetes.io/edge', operator: 'DoesNotExist' },
        ],
      },
      tolerations: [{ key: WASM_ONLY_TAINT_KEY, operator: 'Exists' }],
      // k3s-upgrade scripts/upgrade.sh:130-156: waits for the plan named here, in the pod's namespace.
      prepare: { image: 'rancher/k3s-upgrade', args: ['prepare', 'server-plan'] },
      upgrade: { image: 'rancher/k3s-upgrade' },
    });
    expect(server.metadata.labels).toEqual({ 'cdk8s-wasm-edge.io/upgrade-track': 'stable' });
    expect(plan.apiObjects).toEqual([plan.serverPlan, plan.agentPlan]);
    expect(plan.version).toBe(STABLE);
    expect(plan.isCanary).toBe(false);
  });

  describe('defaults', () => {
    test('concurrency: 1 on both plans', () => {
      const { server, agent } = plans();
      expect([server.spec.concurrency, agent.spec.concurrency]).toEqual([1, 1]);
      expect(plans({ version: STABLE, concurrency: 3 }).agent.spec.concurrency).toBe(3);
      expect(plans({ version: STABLE, concurrency: 3 }).server.spec.concurrency).toBe(1);
    });
    test('cordon: true; no drain', () => {
      const { server, agent } = plans();
      expect(server.spec.cordon).toBe(true);
      expect(agent.spec.cordon).toBe(true);
      expect(agent.spec.drain).toBeUndefined();
      expect(plans({ version: STABLE, cordon: false }).agent.spec.cordon).toBe(false);
    });
    test('image: rancher/k3s-upgrade without a tag (the controller adds the version: container.go:46-61)', () => {
      expect(plans().agent.spec.upgrade.image).toBe('rancher/k3s-upgrade');
      const { agent, server } = plans({ version: STABLE, image: 'registry.site.local:5000/rancher/k3s-upgrade' });
      expect(agent.spec.upgrade.image).toBe('registry.site.local:5000/rancher/k3s-upgrade');
      expect(agent.spec.prepare.image).toBe('registry.site.local:5000/rancher/k3s-upgrade');
      expect(server.spec.upgrade.image).toBe('registry.site.local:5000/rancher/k3s-upgrade');
    });
    test('namespace and serviceAccountName: system-upgrade', () => {
      const { agent } = plans();
      expect(agent.metadata.namespace).toBe('system-upgrade');
      expect(agent.spec.serviceAccountName).toBe('system-upgrade');
      const custom = plans({ version: STABLE, namespace: 'suc', serviceAccountName: 'upgrader' }).agent;
      expect(custom.metadata.namespace).toBe('suc');
      expect(custom.spec.serviceAccountName).toBe('upgrader');
    });
    test('window: none; jobActiveDeadline: the controller\'s; postCompleteDelay: none', () => {
      const { agent } = plans();
      expect(agent.spec.window).toBeUndefined();
      expect(agent.spec.jobActiveDeadlineSecs).toBeUndefined();
      expect(agent.spec.postCompleteDelay).toBeUndefined();
    });
    test('excludeKubeEdgeNodes: true', () => {
      const exprs = plans({ version: STABLE, excludeKubeEdgeNodes: false }).agent.spec.nodeSelector.matchExpressions;
      expect(exprs.map((e: any) => e.key)).toEqual(['node-role.kubernetes.io/control-plane', 'kubernetes.io/os']);
    });
    test('canary: false (a canaryVersion changes nothing on a non-canary site)', () => {
      const { agent, plan } = plans({ version: STABLE, canaryVersion: CANARY });
      expect(agent.spec.version).toBe('v1.33.5+k3s1');
      expect(plan.isCanary).toBe(false);
    });
    test('drain defaults: timeout 5 min as a Go duration string, skipWaitForDeleteTimeout 60 s, evict, no force', () => {
      const { agent, server } = plans({ version: STABLE, drain: {} });
      expect(agent.spec.drain).toEqual({
        timeout: '300s', skipWaitForDeleteTimeout: 60, force: false, deleteEmptydirData: true, ignoreDaemonSets: true, disableEviction: false,
      });
      // Servers are cordoned only, as K3s documents.
      expect(server.spec.drain).toBeUndefined();
    });
  });

  test('drain options: seconds for skipWaitForDeleteTimeout and gracePeriod (job.go:388-398), a string timeout (job.go:379-386)', () => {
    const { agent } = plans({
      version: STABLE,
      jobActiveDeadline: Duration.minutes(30),
      drain: {
        timeout: Duration.minutes(20),
        skipWaitForDeleteTimeout: Duration.minutes(2),
        gracePeriod: Duration.seconds(30),
        force: true,
        deleteEmptydirData: false,
        ignoreDaemonSets: false,
        disableEviction: true,
      },
    });
    expect(agent.spec.drain).toEqual({
      timeout: '1200s', skipWaitForDeleteTimeout: 120, gracePeriod: 30, force: true, deleteEmptydirData: false, ignoreDaemonSets: false, disableEviction: true,
    });
    expect(agent.spec.jobActiveDeadlineSecs).toBe(1800);
  });

  test('window, postCompleteDelay and extra tolerations', () => {
    const { agent, server } = plans({
      version: STABLE,
      window: { days: [UpgradeWindowDay.SUNDAY, UpgradeWindowDay.SATURDAY], startTime: '23:00', endTime: '04:30:00', timeZone: 'Europe/Berlin' },
      postCompleteDelay: Duration.minutes(10),
      tolerations: [{ key: 'example.com/site', value: 'mec', effect: kplus.TaintEffect.NO_EXECUTE }],
    });
    expect(agent.spec.window).toEqual({ days: ['su', 'sa'], startTime: '23:00', endTime: '04:30:00', timeZone: 'Europe/Berlin' });
    expect(agent.spec.postCompleteDelay).toBe('600s');
    expect(agent.spec.tolerations).toContainEqual({ key: 'example.com/site', operator: 'Equal', value: 'mec', effect: 'NoExecute' });
    expect(server.spec.tolerations).toContainEqual({ key: 'example.com/site', operator: 'Equal', value: 'mec', effect: 'NoExecute' });
    expect(plans({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY], startTime: '01:00', endTime: '02:00' } }).agent.spec.window.timeZone).toBe('UTC');
  });

  test('channel instead of version; plain http warns', () => {
    const { agent, plan } = plans({ channel: 'https://update.k3s.io/v1-release/channels/stable' });
    expect(agent.spec.channel).toBe('https://update.k3s.io/v1-release/channels/stable');
    expect(agent.spec.version).toBeUndefined();
    expect(plan.version).toBeUndefined();
    expect(Warnings.of(plan).messages).toEqual([]);
    const insecure = plans({ channel: 'http://10.0.0.2:8080/v1-release/channels/stable' }).plan;
    expect(Warnings.of(insecure).messages).toEqual([expect.stringMatching(/channel=.*is plain http/)]);
  });

  describe('canary', () => {
    const options: K3sUpgradeOptions = { version: STABLE, canaryVersion: CANARY };
    test('forSite gives canary sites the canary version and the others the stable one', () => {
      const c = chart();
      const canary = K3sUpgradePlan.forSite(c, 'canary', options, { canary: true });
      const stable = K3sUpgradePlan.forSite(chart(), 'stable', options, { canary: false });
      expect(canary.version).toBe(CANARY);
      expect(canary.isCanary).toBe(true);
      expect(stable.version).toBe(STABLE);
      const objs = synthAndValidate(c);
      expect(objs.map(o => o.spec.version)).toEqual(['v1.34.1+k3s1', 'v1.34.1+k3s1']);
      expect(objs.map(o => o.metadata.labels['cdk8s-wasm-edge.io/upgrade-track'])).toEqual(['canary', 'canary']);
    });
    test('without canaryVersion, canary sites run version too (the end of a canary: version = canaryVersion)', () => {
      const p = K3sUpgradePlan.forSite(chart(), 'k3s', { version: CANARY }, { canary: true });
      expect(p.version).toBe(CANARY);
      expect(p.isCanary).toBe(false);
    });
    test('a canary on a channel fleet pins the canary version and drops the channel', () => {
      const c = chart();
      K3sUpgradePlan.forSite(c, 'k3s', { channel: 'https://update.k3s.io/v1-release/channels/stable', canaryVersion: CANARY }, { canary: true });
      const [server] = synthAndValidate(c);
      expect(server.spec.version).toBe('v1.34.1+k3s1');
      expect(server.spec.channel).toBeUndefined();
    });
    test('forSite refuses a missing canary flag', () => {
      expect(validationErrorOf(() => K3sUpgradePlan.forSite(chart(), 'k3s', options, {} as any)).message).toMatch(/test\/k3s: canary=undefined: is not a boolean/);
    });
  });

  test.each<[string, () => K3sUpgradePlanProps, RegExp]>([
    ['missing version and channel', () => ({}), /version=undefined: is not set, and neither is channel/],
    ['version and channel', () => ({ version: STABLE, channel: 'https://update.k3s.io/v1-release/channels/stable' }), /channel=.*is set together with version/],
    ['version string', () => ({ version: 'v1.33.5+k3s1' as unknown as K3sVersion }), /version="v1.33.5\+k3s1": is not a K3sVersion/],
    ['canary not newer', () => ({ version: CANARY, canaryVersion: STABLE }), /canaryVersion="v1.33.5\+k3s1": is not newer than version v1.34.1\+k3s1/],
    ['canary equal', () => ({ version: STABLE, canaryVersion: K3sVersion.parse('v1.33.5+k3s1') }), /is not newer than version/],
    ['concurrency 0', () => ({ version: STABLE, concurrency: 0 }), /concurrency=0: must be a whole number from 1 .*selects no node/],
    ['concurrency 1.5', () => ({ version: STABLE, concurrency: 1.5 }), /concurrency=1.5/],
    ['channel URL', () => ({ channel: 'update.k3s.io/channels/stable' }), /channel="update.k3s.io\/channels\/stable": is not a URL/],
    ['channel credentials', () => ({ channel: 'https://u:secretpw@update.local/stable' }), /channel=/],
    ['tagged image', () => ({ version: STABLE, image: 'rancher/k3s-upgrade:v1.33.5-k3s1' }), /image="rancher\/k3s-upgrade:v1.33.5-k3s1": has a tag or digest.*Fix: drop the tag, e.g. "rancher\/k3s-upgrade"/],
    ['image with digest', () => ({ version: STABLE, image: `rancher/k3s-upgrade@sha256:${'a'.repeat(64)}` }), /has a tag or digest/],
    ['bad image', () => ({ version: STABLE, image: 'Rancher/K3s Upgrade' }), /image=.*is not a valid OCI image reference/],
    ['namespace', () => ({ version: STABLE, namespace: 'System_Upgrade' }), /namespace="System_Upgrade": is not a DNS-1123 label/],
    ['service account', () => ({ version: STABLE, serviceAccountName: 'a b' }), /serviceAccountName="a b"/],
    ['window without days', () => ({ version: STABLE, window: { days: [], startTime: '01:00', endTime: '02:00' } }), /window.days=\[\]: is empty/],
    ['window bad day', () => ({ version: STABLE, window: { days: ['funday' as UpgradeWindowDay], startTime: '01:00', endTime: '02:00' } }), /window.days\[0\]="funday": is not a day/],
    ['window duplicate day', () => ({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY, UpgradeWindowDay.MONDAY], startTime: '01:00', endTime: '02:00' } }), /window.days\[1\]="mo": is listed twice/],
    ['window bad start', () => ({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY], startTime: '25:00', endTime: '02:00' } }), /window.startTime="25:00": is not a 24-hour time/],
    ['window 12-hour end', () => ({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY], startTime: '01:00', endTime: '3pm' } }), /window.endTime="3pm"/],
    ['window zero length', () => ({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY], startTime: '01:00', endTime: '01:00:00' } }), /window.endTime="01:00:00": equals startTime/],
    ['window time zone', () => ({ version: STABLE, window: { days: [UpgradeWindowDay.MONDAY], startTime: '01:00', endTime: '02:00', timeZone: 'Mars/Olympus' } }), /window.timeZone="Mars\/Olympus": is not an IANA time zone/],
    ['drain timeout over the controller deadline', () => ({ version: STABLE, drain: { timeout: Duration.minutes(10) } }), /drain.timeout="600s": is not shorter than the Job deadline of 600 s \(the controller's default\)/],
    ['drain timeout over the deadline', () => ({ version: STABLE, jobActiveDeadline: Duration.minutes(4), drain: {} }), /drain.timeout="300s": is not shorter than the Job deadline of 240 s:/],
    ['drain timeout in ms', () => ({ version: STABLE, drain: { timeout: Duration.millis(1500) } }), /drain.timeout="1.5s": must be whole seconds/],
    ['drain skip 0', () => ({ version: STABLE, drain: { skipWaitForDeleteTimeout: Duration.seconds(0) } }), /drain.skipWaitForDeleteTimeout="0s"/],
    ['drain force', () => ({ version: STABLE, drain: { force: 'yes' as unknown as boolean } }), /drain.force="yes": is not a boolean/],
    ['deadline 0', () => ({ version: STABLE, jobActiveDeadline: Duration.seconds(0) }), /jobActiveDeadline="0s": must be whole seconds from 1/],
    ['toleration', () => ({ version: STABLE, tolerations: [{ key: 'bad key', effect: kplus.TaintEffect.NO_SCHEDULE }] }), /tolerations\[0\]=.*is not a taint/],
    ['cordon', () => ({ version: STABLE, cordon: 'no' as unknown as boolean }), /cordon="no": is not a boolean/],
  ])('refuses a bad %s', (_what, props, message) => {
    const err = validationErrorOf(() => new K3sUpgradePlan(chart(), 'k3s', props()));
    expect(err.message).toMatch(message);
    expect(err.constructPath).toBe('test/k3s');
    expect(err.message).not.toMatch(/secretpw/);
  });

  test('a version older than K3sVersion allows is refused by K3sVersion.parse', () => {
    expect(validationErrorOf(() => K3sVersion.parse('v1.25.9+k3s1')).message).toMatch(/is older than the releases this library supports/);
  });

  test('property: any options give two valid Plans or the library\'s error', () => {
    const minutes = (max: number) => fc.integer({ min: 0, max }).map(m => Duration.minutes(m));
    // Mostly plausible values, sometimes nasty ones.
    const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: bad, weight: 1 });
    const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary: arb, weight: 1 });
    const arb = fc.record({
      version: fc.option(fc.constantFrom(STABLE, CANARY, K3sVersion.parse('v1.31.6-rc1+k3s1')), { nil: undefined, freq: 6 }),
      canaryVersion: maybe(fc.constantFrom(STABLE, CANARY)),
      channel: rarely(mostly(fc.constant('https://update.k3s.io/v1-release/channels/stable'), nastyString())),
      canary: maybe(fc.boolean()),
      concurrency: maybe(fc.integer({ min: -1, max: 20 })),
      cordon: maybe(fc.boolean()),
      image: maybe(mostly(fc.constantFrom('rancher/k3s-upgrade', 'registry.local:5000/rancher/k3s-upgrade', 'rancher/k3s-upgrade:v1'), nastyString())),
      drain: maybe(fc.record({ timeout: maybe(minutes(15)), skipWaitForDeleteTimeout: maybe(minutes(3)), force: maybe(fc.boolean()) })),
      jobActiveDeadline: maybe(minutes(60)),
      window: maybe(fc.record({
        days: fc.subarray(Object.values(UpgradeWindowDay)),
        startTime: mostly(fc.constantFrom('01:00', '23:30:15'), nastyString()),
        endTime: mostly(fc.constantFrom('04:00', '01:00'), nastyString()),
        timeZone: maybe(mostly(fc.constantFrom('UTC', 'Asia/Tokyo'), nastyString())),
      })),
      namespace: maybe(mostly(fc.constant('system-upgrade'), nastyString())),
    });
    let valid = 0;
    fc.assert(fc.property(arb, (p) => {
      const c = chart('ns');
      let plan: K3sUpgradePlan;
      try {
        plan = new K3sUpgradePlan(c, 'k3s', p as K3sUpgradePlanProps);
      } catch (e) {
        validationErrorOf(() => { throw e; });
        return;
      }
      const objs = synthAndValidate(c);
      expect(objs).toHaveLength(2);
      for (const o of objs) {
        expect(o.spec.concurrency).toBeGreaterThanOrEqual(1);
        expect(o.spec.version === undefined).not.toBe(o.spec.channel === undefined);
        if (o.spec.version) expect(o.spec.version).toBe(plan.version!.toString());
      }
      expect(objs[1].spec.prepare.args).toEqual(['prepare', objs[0].metadata.name]);
      expect(objs[0].metadata.namespace).toBe(objs[1].metadata.namespace);
      valid++;
    }), fuzzParams({ numRuns: 400 }));
    // The generators reach valid output, not only errors.
    expect(valid).toBeGreaterThan(20);
  });
});
