import { ApiObject, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { runRule } from './helpers';
import { FunctionBackend, Gateway, ServerlessFunction } from '../../../lib';
import { appIndex } from '../../../lib/private/app-checks';
import { NAME_CLAIMER, objectsUnder, serviceClaim, UNIQUE_NAMES } from '../../../lib/private/app-checks/functions';

const IMAGE = 'ghcr.io/acme/hello-wasm:1.0.0';
const SAME = 'applying both makes one silently replace the other';

function chart(namespace: string | undefined = 'apps', app = Testing.app(), id = 'test'): Chart {
  return new Chart(app, id, { namespace });
}

function obj(scope: Construct, id: string, kind: string, name: string, apiVersion = 'v1', namespace?: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion, kind, metadata: { name, namespace } });
}

/** A construct registered as a claimer of the objects under it (and of `names`). */
function claimer(scope: Construct, id: string, names: { key: string; what: string }[] = [], fix = 'rename it'): Construct {
  const c = new Construct(scope, id);
  appIndex(c).add(NAME_CLAIMER, { scope: c, objects: () => objectsUnder(c), names, fix });
  return c;
}

describe(UNIQUE_NAMES.name, () => {
  test('two functions with one name in one namespace: each is reported, naming the other', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same' });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same' });
    const { errors } = runRule(UNIQUE_NAMES, c);
    const a = errors.filter(e => e.constructPath === 'test/a');
    const b = errors.filter(e => e.constructPath === 'test/b');
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(a.length + b.length).toBe(errors.length);
    for (const e of a) {
      expect(e.prop).toBe('name');
      expect(e.problem).toMatch(/^test\/b\//);
      expect(e.problem).toContain(SAME);
      expect(e.fix).toBe('give each function its own name (and host) in a namespace');
    }
    for (const e of b) expect(e.problem).toMatch(/^test\/a\//);
    expect(a.map(e => e.value)).toEqual(expect.arrayContaining(['"Deployment apps/same"', '"Service apps/same"']));
    // One message per clashing name, not one per object that carries it.
    expect(new Set(a.map(e => e.value)).size).toBe(a.length);
  });

  test('distinct names, or one name in different namespaces, pass', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'one' });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'two' });
    expect(runRule(UNIQUE_NAMES, c).errors).toEqual([]);

    const app = Testing.app();
    new ServerlessFunction(chart('apps', app, 'x'), 'a', { image: IMAGE, name: 'same' });
    new ServerlessFunction(chart('other', app, 'y'), 'a', { image: IMAGE, name: 'same' });
    expect(runRule(UNIQUE_NAMES, app).errors).toEqual([]);
  });

  test('a function and its own route are not a clash; two routes of one name are', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'one', gateway: Gateway.traefik(), host: 'one.example.com' });
    expect(runRule(UNIQUE_NAMES, c).errors).toEqual([]);

    const d = chart();
    new ServerlessFunction(d, 'a', { image: IMAGE, name: 'same', gateway: Gateway.traefik(), host: 'a.example.com' });
    new ServerlessFunction(d, 'b', { image: IMAGE, name: 'same', gateway: Gateway.traefik(), host: 'b.example.com' });
    const routes = runRule(UNIQUE_NAMES, d).errors.filter(e => e.constructPath.endsWith('/Route'));
    expect(routes.map(e => [e.constructPath, e.value])).toEqual([
      ['test/a/Route', '"IngressRoute apps/same"'],
      ['test/b/Route', '"IngressRoute apps/same"'],
    ]);
    expect(routes[0].problem).toMatch(/^test\/b\/Route/);
    expect(routes[0].fix).toBe('give one of them another name');
  });

  test('the Service a platform creates is claimed: it clashes with another backend\'s', () => {
    const c = chart();
    new ServerlessFunction(c, 'a', { image: IMAGE, name: 'same', backend: FunctionBackend.knative() });
    new ServerlessFunction(c, 'b', { image: IMAGE, name: 'same', backend: FunctionBackend.spinKube() });
    const { errors } = runRule(UNIQUE_NAMES, c);
    expect(errors.map(e => [e.constructPath, e.prop, e.value])).toEqual([
      ['test/a', 'name', '"Service apps/same (created by Knative)"'],
      ['test/b', 'name', '"Service apps/same (created by SpinKube)"'],
    ]);
    expect(errors[0].problem).toBe(`test/b claims the same name (Service apps/same (created by SpinKube)); ${SAME}`);
    expect(errors[1].problem).toBe(`test/a claims the same name (Service apps/same (created by Knative)); ${SAME}`);
  });

  test('a claimed name clashes with an object of the app that no claimer owns', () => {
    const c = chart();
    const fn = claimer(c, 'fn', [serviceClaim('apps', 'hello', 'the platform')]);
    obj(c, 'svc', 'Service', 'hello');
    const { errors } = runRule(UNIQUE_NAMES, c);
    expect(errors).toHaveLength(1);
    expect(errors[0].constructPath).toBe(fn.node.path);
    expect(errors[0].value).toBe('"Service apps/hello (created by the platform)"');
    expect(errors[0].problem).toBe(`test/svc claims the same name (Service apps/hello); ${SAME}`);
    expect(errors[0].fix).toBe('rename it');
  });

  test('an object clashes by API group, kind, namespace and name', () => {
    const c = chart();
    const mine = claimer(c, 'mine');
    obj(mine, 'cm', 'ConfigMap', 'cfg');
    obj(mine, 'knative', 'Service', 'svc', 'serving.knative.dev/v1');
    obj(c, 'other-ns', 'ConfigMap', 'cfg', 'v1', 'other');
    obj(c, 'other-kind', 'Secret', 'cfg');
    obj(c, 'core-svc', 'Service', 'svc');
    expect(runRule(UNIQUE_NAMES, c).errors).toEqual([]);

    obj(c, 'same', 'ConfigMap', 'cfg');
    // Another version of the same group is the same object.
    obj(c, 'knative-v2', 'Service', 'svc', 'serving.knative.dev/v2');
    const { errors } = runRule(UNIQUE_NAMES, c);
    expect(errors.map(e => [e.constructPath, e.value])).toEqual([
      ['test/mine', '"ConfigMap apps/cfg"'],
      ['test/mine', '"Service apps/svc"'],
    ]);
    expect(errors[0].problem).toMatch(/^test\/same claims/);
    expect(errors[1].problem).toMatch(/^test\/knative-v2 claims/);
  });

  test('cluster-scoped kinds clash across namespaces', () => {
    const app = Testing.app();
    const mine = claimer(chart('a', app, 'x'), 'mine');
    obj(mine, 'rc', 'RuntimeClass', 'wasm', 'node.k8s.io/v1');
    obj(chart('b', app, 'y'), 'rc', 'RuntimeClass', 'wasm', 'node.k8s.io/v1');
    const { errors } = runRule(UNIQUE_NAMES, app);
    expect(errors).toHaveLength(1);
    expect(errors[0].constructPath).toBe('x/mine');
    expect(errors[0].value).toBe('"RuntimeClass wasm"');
    expect(errors[0].problem).toMatch(/^y\/rc claims the same name \(RuntimeClass wasm\)/);
  });

  test('objects within the claimer do not clash with each other', () => {
    const c = chart();
    const mine = claimer(c, 'mine');
    obj(mine, 'a', 'ConfigMap', 'cfg');
    obj(new Construct(mine, 'inner'), 'b', 'ConfigMap', 'cfg');
    expect(runRule(UNIQUE_NAMES, c).errors).toEqual([]);
  });

  test('objects added after registration are read at check time', () => {
    const c = chart();
    const mine = claimer(c, 'mine');
    obj(c, 'other', 'ConfigMap', 'late');
    expect(runRule(UNIQUE_NAMES, c).errors).toEqual([]);
    obj(mine, 'late', 'ConfigMap', 'late');
    expect(runRule(UNIQUE_NAMES, c).errors.map(e => e.value)).toEqual(['"ConfigMap apps/late"']);
  });

  test('a message names at most three others', () => {
    const c = chart();
    claimer(c, 'mine', [serviceClaim('apps', 'x', 'p')]);
    for (const id of ['o1', 'o2', 'o3', 'o4', 'o5']) obj(c, id, 'Service', 'x');
    const { errors } = runRule(UNIQUE_NAMES, c);
    expect(errors).toHaveLength(1);
    expect(errors[0].problem).toMatch(/^test\/o1, test\/o2, test\/o3 claims/);
    expect(errors[0].problem).not.toContain('o4');
  });

  test('no claimers: nothing is checked and the tree is not walked', () => {
    const c = chart();
    obj(c, 'a', 'ConfigMap', 'cfg');
    obj(c, 'b', 'ConfigMap', 'cfg');
    expect(runRule(UNIQUE_NAMES, c)).toEqual({ errors: [], walks: 0 });
  });

  test('many functions are checked with one walk of the tree', () => {
    const c = chart();
    for (let i = 0; i < 60; i++) new ServerlessFunction(c, `f${i}`, { image: IMAGE, name: `fn-${i}` });
    const ok = runRule(UNIQUE_NAMES, c);
    expect(ok.errors).toEqual([]);
    expect(ok.walks).toBeLessThanOrEqual(1);

    new ServerlessFunction(c, 'dup', { image: IMAGE, name: 'fn-7' });
    const bad = runRule(UNIQUE_NAMES, c);
    expect(bad.walks).toBeLessThanOrEqual(1);
    expect([...new Set(bad.errors.map(e => e.constructPath))].sort()).toEqual(['test/dup', 'test/f7']);
  });
});
