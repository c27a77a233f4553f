import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { EdgeOfflineNode, EdgeOfflineNodeProps } from '../../lib/node/edge-offline-node';
import { NODE_RECORD_FILE } from '../../lib/private/node-writer';
import { isDocumentedError } from '../util/fuzz';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'node-write-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** An app whose manifests go to <tmp>/<dist>, with the given nodes. */
function app(nodes: { [name: string]: EdgeOfflineNodeProps }, dist = 'dist'): App {
  const a = new App({ outdir: path.join(tmp, dist) });
  const c = new Chart(a, 'c');
  for (const [name, props] of Object.entries(nodes)) new EdgeOfflineNode(c, name, props);
  return a;
}

/** Every file under a directory, relative, sorted. */
function tree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function record(dir: string): any {
  return JSON.parse(fs.readFileSync(path.join(dir, NODE_RECORD_FILE), 'utf-8'));
}

function write(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

const dense = { density: { podsPerNode: 500 } };

describe('writeAll never deletes what it did not write', () => {
  test.each([true, false])('user files beside and inside node directories survive rewrites and removed nodes (removeStale %s)', (removeStale) => {
    const nodes = path.join(tmp, 'nodes');
    EdgeOfflineNode.writeAll(app({ 'edge-a': dense, 'edge-b': {} }), nodes);
    // A VM template of the user's (holding a cloud-init.yaml, as node directories do), notes, a local drop-in.
    write(path.join(nodes, 'vm-template/cloud-init.yaml'), '#cloud-config\nhostname: template\n');
    write(path.join(nodes, 'edge-a/NOTES.md'), 'rack 4\n');
    write(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/99-local.yaml'), 'node-ip: 10.0.0.5\n');
    write(path.join(nodes, 'edge-b/NOTES.md'), 'spare\n');

    // edge-a loses its density target (a stale drop-in), edge-b leaves the app.
    EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes, { removeStale });
    expect(fs.readFileSync(path.join(nodes, 'vm-template/cloud-init.yaml'), 'utf-8')).toBe('#cloud-config\nhostname: template\n');
    expect(fs.readFileSync(path.join(nodes, 'edge-a/NOTES.md'), 'utf-8')).toBe('rack 4\n');
    expect(fs.readFileSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/99-local.yaml'), 'utf-8')).toBe('node-ip: 10.0.0.5\n');
    expect(fs.readFileSync(path.join(nodes, 'edge-b/NOTES.md'), 'utf-8')).toBe('spare\n');
    // The node still in the app follows it either way: K3s would read a stale drop-in.
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml'))).toBe(true);
    const edgeB = tree(path.join(nodes, 'edge-b'));
    if (removeStale) {
      // Only the user's file is left, and the directories the library created and emptied are gone.
      expect(edgeB).toEqual(['NOTES.md']);
      expect(fs.readdirSync(path.join(nodes, 'edge-b'))).toEqual(['NOTES.md']);
      expect(record(nodes).apps['../dist'].files.map((f: any) => f.node)).not.toContain('edge-b');
    } else {
      expect(edgeB).toContain('cloud-init.yaml');
      expect(edgeB).toContain('etc/rancher/k3s/config.yaml');
      // Still recorded: a later run with removeStale removes them.
      expect(record(nodes).apps['../dist'].files.map((f: any) => f.node)).toContain('edge-b');
      EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes);
      expect(tree(path.join(nodes, 'edge-b'))).toEqual(['NOTES.md']);
    }
  });

  test('a node removed entirely leaves no directory behind when nothing of the user is in it', () => {
    const nodes = path.join(tmp, 'nodes');
    EdgeOfflineNode.writeAll(app({ 'edge-a': {}, 'edge-gone': dense }), nodes);
    EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes);
    expect(fs.readdirSync(nodes).sort()).toEqual([NODE_RECORD_FILE, 'edge-a']);
  });

  test('a file at a node file path that the library did not write is refused and left alone', () => {
    const nodes = path.join(tmp, 'nodes');
    write(path.join(nodes, 'edge-a/cloud-init.yaml'), '#cloud-config\nusers: [mine]\n');
    let error: unknown;
    try {
      EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes);
    } catch (e) {
      error = e;
    }
    expect(isDocumentedError(error)).toBe(true);
    expect((error as Error).message).toMatch(/edge-a\/cloud-init.yaml, a file the library did not write .*Fix: move your file elsewhere/);
    expect(fs.readFileSync(path.join(nodes, 'edge-a/cloud-init.yaml'), 'utf-8')).toBe('#cloud-config\nusers: [mine]\n');
    expect(tree(nodes)).toEqual(['edge-a/cloud-init.yaml']); // nothing written: checks come first
  });

  test('rewriting the library\'s own output keeps working (same app, twice, byte-identical record)', () => {
    const nodes = path.join(tmp, 'nodes');
    const first = EdgeOfflineNode.writeAll(app({ 'edge-a': dense }), nodes);
    const rec = fs.readFileSync(path.join(nodes, NODE_RECORD_FILE), 'utf-8');
    const second = EdgeOfflineNode.writeAll(app({ 'edge-a': dense }), nodes);
    expect(second).toEqual(first);
    expect(fs.readFileSync(path.join(nodes, NODE_RECORD_FILE), 'utf-8')).toBe(rec);
    const doc = JSON.parse(rec);
    expect(doc.version).toBe(1);
    expect(Object.keys(doc.apps)).toEqual(['../dist']);
    const files = doc.apps['../dist'].files.map((f: any) => f.path);
    expect(files).toEqual([...files].sort());
    expect(files).toEqual(first.map(p => path.relative(nodes, p).split(path.sep).join('/')).sort());
    expect(doc.apps['../dist'].files.every((f: any) => f.node === 'edge-a')).toBe(true);
  });
});

describe('two apps writing one directory', () => {
  test('each has its own record entry (default appId: its manifest directory), so neither deletes the other\'s nodes', () => {
    const nodes = path.join(tmp, 'nodes');
    EdgeOfflineNode.writeAll(app({ 'site-a-1': {}, 'site-a-2': {} }, 'dist-a'), nodes);
    EdgeOfflineNode.writeAll(app({ 'site-b-1': {} }, 'dist-b'), nodes);
    // Site A drops a node and rewrites: site B's node stays.
    EdgeOfflineNode.writeAll(app({ 'site-a-1': {} }, 'dist-a'), nodes);
    expect(fs.readdirSync(nodes).sort()).toEqual([NODE_RECORD_FILE, 'site-a-1', 'site-b-1']);
    expect(Object.keys(record(nodes).apps)).toEqual(['../dist-a', '../dist-b']);
    EdgeOfflineNode.writeAll(app({}, 'dist-b'), nodes);
    expect(fs.readdirSync(nodes).sort()).toEqual([NODE_RECORD_FILE, 'site-a-1']);
    expect(Object.keys(record(nodes).apps)).toEqual(['../dist-a']);
  });

  test('a node another app wrote is refused, naming that app; its files are untouched', () => {
    const nodes = path.join(tmp, 'nodes');
    EdgeOfflineNode.writeAll(app({ 'edge-1': {} }, 'dist-a'), nodes);
    const before = fs.readFileSync(path.join(nodes, 'edge-1/etc/rancher/k3s/config.yaml'), 'utf-8');
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-1': dense }, 'dist-b'), nodes))
      .toThrow(/nodeName="edge-1": is a node another app wrote to .* \(app "..\/dist-a" in \.cdk8s-wasm-edge-nodes\.json\)/);
    expect(fs.readFileSync(path.join(nodes, 'edge-1/etc/rancher/k3s/config.yaml'), 'utf-8')).toBe(before);
  });

  test('appId names the app explicitly (two apps with one manifest directory)', () => {
    const nodes = path.join(tmp, 'nodes');
    EdgeOfflineNode.writeAll(app({ 'edge-1': {} }), nodes, { appId: 'plant-north' });
    EdgeOfflineNode.writeAll(app({ 'edge-2': {} }), nodes, { appId: 'plant-south' });
    EdgeOfflineNode.writeAll(app({}), nodes, { appId: 'plant-south' });
    expect(fs.readdirSync(nodes).sort()).toEqual([NODE_RECORD_FILE, 'edge-1']);
    expect(Object.keys(record(nodes).apps)).toEqual(['plant-north']);
    expect(() => EdgeOfflineNode.writeAll(app({}), nodes, { appId: 'a\nb' })).toThrow(/appId=.*single line/);
  });
});

describe('outdir', () => {
  const cwd = process.cwd();
  test.each([
    ['/', '/'],
    ['.', '.'],
    ['the current directory', cwd],
    ['dist/..', 'dist/..'],
    ['an ancestor of the current directory', path.dirname(cwd)],
    ['.. ', '..'],
  ])('refuses %s', (_name, outdir) => {
    const a = app({ 'edge-a': {} });
    expect(() => EdgeOfflineNode.writeAll(a, outdir)).toThrow(/outdir=.*the root, the current directory or a directory above it/);
  });

  test('refuses an empty path', () => {
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), '')).toThrow(/outdir="": is empty/);
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), '  ')).toThrow(/is empty/);
  });

  test('refuses the manifest directory, a directory inside it, and a directory that contains it', () => {
    const a = app({ 'edge-a': {} });
    expect(() => EdgeOfflineNode.writeAll(a, path.join(tmp, 'dist'))).toThrow(/is \(or is inside\) the cdk8s manifest output directory/);
    expect(() => EdgeOfflineNode.writeAll(a, path.join(tmp, 'dist', 'nodes'))).toThrow(/is \(or is inside\)/);
    // "..nodes" is a directory inside dist, not a step out of it.
    expect(() => EdgeOfflineNode.writeAll(a, path.join(tmp, 'dist', '..nodes'))).toThrow(/is \(or is inside\)/);
    expect(() => EdgeOfflineNode.writeAll(a, tmp)).toThrow(/contains the cdk8s manifest output directory/);
    expect(() => a.node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode)[0].writeTo(tmp)).toThrow(/contains the cdk8s manifest output directory/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  test('a user file where a directory must go is the library\'s error, naming the path', () => {
    const nodes = path.join(tmp, 'nodes');
    write(path.join(nodes, 'edge-a/etc'), 'not a directory');
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes))
      .toThrow(new RegExp(`holds ${path.join(nodes, 'edge-a/etc').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}, a file where the library must create a directory`));
    write(path.join(tmp, 'plain-file'), 'x');
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), path.join(tmp, 'plain-file'))).toThrow(/outdir=.*is a file/);
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), path.join(tmp, 'plain-file', 'nodes'))).toThrow(/cannot be created: .*plain-file is a file/);
  });

  test('a directory where a node file must go, and a symbolic link in a node directory, are refused', () => {
    const nodes = path.join(tmp, 'nodes');
    fs.mkdirSync(path.join(nodes, 'edge-a/cloud-init.yaml'), { recursive: true });
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes)).toThrow(/cloud-init.yaml, a directory where the library must write a node file/);
    fs.rmSync(path.join(nodes, 'edge-a'), { recursive: true });
    fs.mkdirSync(path.join(nodes, 'edge-a'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'elsewhere'));
    fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(nodes, 'edge-a/etc'));
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes)).toThrow(/edge-a\/etc, a symbolic link where the library must create a directory/);
    expect(fs.readdirSync(path.join(tmp, 'elsewhere'))).toEqual([]);
  });

  test('a corrupt record is refused with what to do', () => {
    const nodes = path.join(tmp, 'nodes');
    write(path.join(nodes, NODE_RECORD_FILE), '{ not json');
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes)).toThrow(/holds \.cdk8s-wasm-edge-nodes\.json, which is not valid JSON.*Fix: remove/);
    write(path.join(nodes, NODE_RECORD_FILE), JSON.stringify({ version: 1, apps: { x: { dirs: [], files: [{ node: 'a', path: '../../etc/passwd' }] } } }));
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes)).toThrow(/lists a file path outside the directory/);
  });
});

describe('migration from output written without a record', () => {
  test('files the old version wrote are taken over (they carry the generated header); directories of nodes no longer in the app are left alone', () => {
    const nodes = path.join(tmp, 'nodes');
    // What the previous version left: node directories with generated files, no record.
    const old = app({ 'edge-a': dense, 'edge-old': {} });
    for (const n of old.node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode)) {
      for (const f of n.renderFiles()) write(path.join(nodes, n.nodeName, f.path), f.content);
      // The old cloud-init.yaml had no header line of its own, only the embedded files' headers.
      write(path.join(nodes, n.nodeName, 'cloud-init.yaml'), n.renderCloudInit().replace(/^# Generated by cdk8s-wasm-edge.*\n/m, ''));
    }
    write(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/99-local.yaml'), 'node-ip: 10.0.0.5\n');
    const oldEdgeOld = tree(path.join(nodes, 'edge-old'));
    EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes);
    // edge-a is rewritten, and the old version's drop-in it no longer has is removed (K3s would read
    // it); a user's file beside it stays.
    expect(fs.readFileSync(path.join(nodes, 'edge-a/cloud-init.yaml'), 'utf-8')).toMatch(/^#cloud-config\n# Generated by cdk8s-wasm-edge/);
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml'))).toBe(false);
    expect(fs.readFileSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/99-local.yaml'), 'utf-8')).toBe('node-ip: 10.0.0.5\n');
    expect(tree(path.join(nodes, 'edge-old'))).toEqual(oldEdgeOld);
    expect(record(nodes).apps['../dist'].files.map((f: any) => f.node)).toEqual(expect.arrayContaining(['edge-a']));
    expect(record(nodes).apps['../dist'].files.map((f: any) => f.node)).not.toContain('edge-old');
  });
});

describe('writeTo', () => {
  test('writes one node, records it, and leaves the other nodes alone', () => {
    const nodes = path.join(tmp, 'nodes');
    const a = app({ 'edge-a': dense, 'edge-b': {} });
    EdgeOfflineNode.writeAll(a, nodes);
    const b = app({ 'edge-a': {}, 'edge-b': {} });
    const [edgeA] = b.node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode);
    const written = edgeA.writeTo(nodes);
    expect(written.every(p => p.startsWith(path.join(nodes, 'edge-a')))).toBe(true);
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(nodes, 'edge-b/cloud-init.yaml'))).toBe(true);
    expect(new Set(record(nodes).apps['../dist'].files.map((f: any) => f.node))).toEqual(new Set(['edge-a', 'edge-b']));
  });
});

test('an app without nodes creates nothing', () => {
  expect(EdgeOfflineNode.writeAll(app({}), path.join(tmp, 'nodes'))).toEqual([]);
  expect(fs.existsSync(path.join(tmp, 'nodes'))).toBe(false);
});

describe('the generated header proves authorship only for the file it names', () => {
  test('a copy of a generated drop-in under another name, or a note quoting the header, is neither taken over nor removed', () => {
    const nodes = path.join(tmp, 'nodes');
    const old = app({ 'edge-a': dense });
    const [n] = old.node.findAll().filter(EdgeOfflineNode.isEdgeOfflineNode);
    for (const f of n.renderFiles()) write(path.join(nodes, 'edge-a', f.path), f.content);
    const density = n.renderFiles().find(f => f.path.endsWith('10-density.yaml'))!;
    const copy = path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/99-local.yaml');
    write(copy, density.content);
    const notes = path.join(nodes, 'edge-a/NOTES.md');
    write(notes, '# Generated by cdk8s-wasm-edge, then edited by hand\n');
    EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes);
    // The old version's own drop-in (its header names it) is stale and goes; the copies stay.
    expect(fs.existsSync(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml.d/10-density.yaml'))).toBe(false);
    expect(fs.readFileSync(copy, 'utf-8')).toBe(density.content);
    expect(fs.existsSync(notes)).toBe(true);
  });

  test('a user file at a node file path is refused even when it quotes the header further down', () => {
    const nodes = path.join(tmp, 'nodes');
    write(path.join(nodes, 'edge-a/etc/rancher/k3s/config.yaml'), 'node-ip: 10.0.0.5\n# notes\n# Generated by cdk8s-wasm-edge once\n');
    expect(() => EdgeOfflineNode.writeAll(app({ 'edge-a': {} }), nodes)).toThrow(/a file the library did not write/);
  });
});
