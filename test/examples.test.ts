import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { EdgeOfflineNode } from '../lib';
import { synthAppAndValidate } from './util/validate';

// Every example under examples/<name>/main.ts: its manifests are schema-valid (Kubernetes and CRDs,
// unknown fields rejected) and snapshot-tested, and so are its node files.
const EXAMPLES = path.join(__dirname, '..', 'examples');
const names = fs.readdirSync(EXAMPLES).filter(n => fs.existsSync(path.join(EXAMPLES, n, 'main.ts'))).sort();

describe.each(names)('example %s', (name) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const example = require(path.join(EXAMPLES, name, 'main.ts'));

  function build(): App {
    const app = Testing.app();
    example.buildExample(app);
    return app;
  }

  test('synthesizes schema-valid manifests (snapshot)', () => {
    const objects = synthAppAndValidate(build());
    expect(objects.length).toBeGreaterThan(0);
    expect(objects).toMatchSnapshot();
  });

  test('node files (snapshot)', () => {
    const nodes = build().node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode);
    const files = Object.fromEntries(nodes.map(n => [n.nodeName, [...n.renderFiles().map(f => ({ path: f.path, content: f.content })), { path: 'cloud-init.yaml', content: n.renderCloudInit() }]]));
    expect(files).toMatchSnapshot();
  });

  test('has a README that shows its generated tree', () => {
    const readme = path.join(EXAMPLES, name, 'README.md');
    expect(fs.existsSync(readme)).toBe(true);
    expect(fs.readFileSync(readme, 'utf-8')).toMatch(/dist\//);
  });

  test('synthesis is deterministic (byte-identical twice)', () => {
    expect(build().synthYaml()).toEqual(build().synthYaml());
  });
});
