import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  buildGraph, checkGraph, cyclePath, findCycles, findLayerViolations, ImportGraph, layerOf, runtimeSpecifiers,
} from '../../scripts/check-imports';

const graph = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges));

describe('check-imports', () => {
  test('layers: imports < private < building blocks < top level', () => {
    expect(layerOf('imports/keda.ts')).toBe(0);
    expect(layerOf('private/app-checks/engine.ts')).toBe(1);
    expect(['core/x.ts', 'node/x.ts', 'scaling/x.ts', 'routing/x.ts', 'backends/x.ts', 'kubeedge/x.ts'].map(layerOf)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(layerOf('wasm-deployment.ts')).toBe(3);
    expect(['policy/x.ts', 'monitoring/x.ts'].map(layerOf)).toEqual([4, 4]);
    expect(layerOf('index.ts')).toBe(5);
    expect(layerOf('misc/x.ts')).toBeUndefined();
  });

  test('a clean graph has no findings', () => {
    const g = graph({
      'index.ts': ['wasm-deployment.ts', 'scaling/keda.ts'],
      'wasm-deployment.ts': ['scaling/keda.ts', 'private/validate.ts'],
      'scaling/keda.ts': ['node/labels.ts', 'private/validate.ts', 'imports/keda.ts'],
      'node/labels.ts': ['private/validate.ts'],
      'private/validate.ts': ['private/validation-error.ts', 'imports/keda.ts'],
      'private/validation-error.ts': [],
      'imports/keda.ts': [],
    });
    expect(findCycles(g)).toEqual([]);
    expect(findLayerViolations(g)).toEqual([]);
    expect(checkGraph(g)).toEqual([]);
  });

  test('a cycle is found and printed as a path', () => {
    const g = graph({
      'a.ts': ['b.ts'],
      'b.ts': ['c.ts', 'd.ts'],
      'c.ts': ['a.ts'],
      'd.ts': [],
      'e.ts': ['e.ts'],
    });
    expect(findCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
    expect(cyclePath(g, ['a.ts', 'b.ts', 'c.ts'])).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(checkGraph(g)).toEqual([
      'import cycle: lib/a.ts -> lib/b.ts -> lib/c.ts -> lib/a.ts (component of 3 files: lib/a.ts, lib/b.ts, lib/c.ts)',
      'import cycle: lib/e.ts -> lib/e.ts',
    ]);
  });

  test('two cycles through one file form one component', () => {
    const g = graph({ 'a.ts': ['b.ts', 'c.ts'], 'b.ts': ['a.ts'], 'c.ts': ['a.ts'] });
    expect(findCycles(g)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  test('a deep chain does not overflow the stack', () => {
    const edges: Record<string, string[]> = {};
    for (let i = 0; i < 20000; i++) edges[`f${i}.ts`] = [`f${i + 1}.ts`];
    edges['f20000.ts'] = ['f0.ts'];
    expect(findCycles(graph(edges))[0]).toHaveLength(20001);
  });

  test('layer violations name each edge', () => {
    const g = graph({
      'private/errors.ts': ['warnings.ts', 'imports/keda.ts'],
      'node/k3s.ts': ['edge-offline-node.ts', 'scaling/keda.ts'],
      'imports/keda.ts': ['private/errors.ts'],
      'misc/x.ts': [],
    });
    expect(checkGraph(g)).toEqual([
      'import cycle: lib/imports/keda.ts -> lib/private/errors.ts -> lib/imports/keda.ts',
      'layer violation: lib/private/errors.ts -> lib/warnings.ts: private kit (lib/private) imports named constructs (lib/*.ts)',
      'layer violation: lib/node/k3s.ts -> lib/edge-offline-node.ts: building blocks imports named constructs (lib/*.ts)',
      'layer violation: lib/imports/keda.ts -> lib/private/errors.ts: generated imports (lib/imports) imports private kit (lib/private)',
      'layer violation: lib/misc/x.ts lies in no layer (known folders: imports, private, core, node, scaling, routing, backends, kubeedge, fleet, policy, monitoring; or top-level lib/*.ts)',
    ]);
  });

  test('runtime imports count, type-only imports do not', () => {
    const src = [
      "import * as a from './a';",
      "import type { B } from './b';",
      "import { type C } from './c';",
      "import { type D, d } from './d';",
      "import './e';",
      "export * from './f';",
      "export type { G } from './g';",
      "export { h } from './h';",
      "import i = require('./i');",
      "const j = () => require('./j');",
      "type K = typeof import('./k');",
      "import type * as lT from './l';",
      "const m = import('./m');",
      "import { Chart } from 'cdk8s';",
    ].join('\n');
    expect(runtimeSpecifiers('x.ts', src)).toEqual(['./a', './d', './e', './f', './h', './i', './j', './m', 'cdk8s']);
  });

  test('buildGraph resolves files and index.ts, drops packages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-imports-'));
    try {
      fs.mkdirSync(path.join(dir, 'scaling'));
      fs.writeFileSync(path.join(dir, 'index.ts'), "export * from './scaling';\nimport { App } from 'cdk8s';\n");
      fs.writeFileSync(path.join(dir, 'scaling', 'index.ts'), "export * from './keda';\n");
      fs.writeFileSync(path.join(dir, 'scaling', 'keda.ts'), "import { x } from '../index';\nimport type { Y } from '../index';\n");
      const g = buildGraph(dir);
      expect([...g.entries()]).toEqual([
        ['index.ts', ['scaling/index.ts']],
        ['scaling/index.ts', ['scaling/keda.ts']],
        ['scaling/keda.ts', ['index.ts']],
      ]);
      expect(checkGraph(g)).toEqual([
        'import cycle: lib/index.ts -> lib/scaling/index.ts -> lib/scaling/keda.ts -> lib/index.ts (component of 3 files: lib/index.ts, lib/scaling/index.ts, lib/scaling/keda.ts)',
        'layer violation: lib/scaling/keda.ts -> lib/index.ts: building blocks imports the public index (lib/index.ts)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
