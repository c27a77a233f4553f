import { execFileSync } from 'child_process';
import { Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { shellTokens } from './helpers';
import { EdgeNodeRole, EdgeOfflineNode, EdgeOfflineNodeProps } from '../../lib/node/edge-offline-node';
import { isDocumentedError } from '../util/fuzz';

function runcmd(n: EdgeOfflineNode): string[] {
  return (yaml.load(n.renderCloudInit()) as any).runcmd;
}

function node(props: EdgeOfflineNodeProps): EdgeOfflineNode {
  return new EdgeOfflineNode(Testing.chart(), 'n', props);
}

// The payloads of issue #10 A1: each would end the command, chain another, redirect, glob, or run a
// command substitution if it reached the shell unquoted.
const PAYLOADS = [';reboot', '; reboot', '|sh', ' | sh', '&&rm -rf /', ' && rm -rf /', '>/etc/passwd', '(x)', ')', '*', '?', '[a]',
  '$(id)', '`id`', '${IFS}', '\nreboot', '\r\nreboot', '\'', '"', ' ', '\\', '#', '~', '&'];

describe('cloud-init runcmd: no shell injection', () => {
  const cases: Array<[string, (p: string) => EdgeOfflineNodeProps, RegExp]> = [
    ['airgap.imagesTarball', p => ({ airgap: { imagesTarball: `/opt/k3s/images.tar${p}` } }), /airgap\.imagesTarball=/],
    ['airgap.installScript', p => ({ airgap: { imagesTarball: '/opt/k3s/i.tar', installScript: `/opt/k3s/install.sh${p}` } }), /airgap\.installScript=/],
    ['airgap.extraImageTarballs', p => ({ airgap: { imagesTarball: '/opt/k3s/i.tar', extraImageTarballs: ['/opt/ok.tar', `/opt/k3s/apps.tar${p}`] } }), /airgap\.extraImageTarballs\[1\]=/],
    ['extraConfig.data-dir', p => ({ airgap: { imagesTarball: '/opt/k3s/i.tar' }, extraConfig: { 'data-dir': `/data/k3s${p}` } }), /extraConfig\.data-dir=/],
    ['tokenFile', p => ({ role: EdgeNodeRole.AGENT, serverUrl: 'https://s:6443', tokenFile: `/etc/rancher/k3s/token${p}` }), /tokenFile=/],
    ['k3sVersion', p => ({ k3sVersion: `v1.33.5+k3s1${p}` }), /k3sVersion=.*is not a K3s version/],
  ];
  for (const [prop, make, message] of cases) {
    test.each(PAYLOADS)(`${prop} with %j is refused with the library's error`, (payload) => {
      let error: unknown;
      try {
        node(make(payload)).renderCloudInit();
      } catch (e) {
        error = e;
      }
      expect(isDocumentedError(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    });
  }

  test('paths must be absolute and free of "." and ".." segments', () => {
    expect(() => node({ airgap: { imagesTarball: 'images.tar' } })).toThrow(/airgap.imagesTarball="images.tar": is not an absolute path/);
    expect(() => node({ airgap: { imagesTarball: '/opt/../etc/shadow' } })).toThrow(/without "." or ".." segments/);
    expect(() => node({ airgap: { imagesTarball: '' } })).toThrow(/airgap.imagesTarball="": is not an absolute path/);
    expect(() => node({ airgap: { imagesTarball: undefined as any } })).toThrow(/airgap.imagesTarball=undefined: is required/);
  });

  // Every accepted value, however odd, stays one shell word that expands nothing: the lines built
  // from them have the shape of the lines built from plain values, word for word.
  test('each user value is one shell word, and the lines keep their shape', () => {
    const odd = node({
      k3sVersion: 'v1.33.5-rc1+k3s2',
      airgap: { imagesTarball: '/opt/k3s/imgs,v=1:a@b%c+d_e.tar.zst', installScript: '/opt/k3s/install-k3s.sh', extraImageTarballs: ['/srv/img/x_y-1.tar', '/data/k3s/agent/images/in-place.tar'] },
      extraConfig: { 'data-dir': '/data/k3s' },
    });
    const plain = node({
      k3sVersion: 'v1.33.5+k3s1',
      airgap: { imagesTarball: '/a/a.tar', installScript: '/a/s.sh', extraImageTarballs: ['/a/b.tar', '/d/agent/images/c.tar'] },
      extraConfig: { 'data-dir': '/d' },
    });
    const a = runcmd(odd);
    const b = runcmd(plain);
    expect(a.length).toBe(b.length);
    const userValues = new Set(['/opt/k3s/imgs,v=1:a@b%c+d_e.tar.zst', '/opt/k3s/install-k3s.sh', '/srv/img/x_y-1.tar', '/data/k3s/agent/images', '/data/k3s/agent/images/',
      'INSTALL_K3S_VERSION=v1.33.5-rc1+k3s2', 'server']);
    const differing: string[] = [];
    a.forEach((line, i) => {
      const ta = shellTokens(line);
      const tb = shellTokens(b[i]);
      expect(ta.map(t => t.kind)).toEqual(tb.map(t => t.kind));
      expect(ta.filter(t => t.kind === 'op')).toEqual(tb.filter(t => t.kind === 'op'));
      ta.forEach((t, j) => {
        if (t.kind === 'word' && t.value !== tb[j].value) differing.push(t.value);
        if (t.kind === 'word') expect(t.expands).toBe(false);
      });
    });
    // The words that differ are exactly the user values, each whole.
    expect(new Set(differing)).toEqual(new Set([...userValues].filter(v => v !== 'server')));
    // The tarball already in <data-dir>/agent/images is not copied.
    expect(a.some(l => l.includes('in-place.tar'))).toBe(false);
  });

  // bash -n parses without running anything: the lines are valid shell.
  test('every runcmd line parses as shell (bash -n)', () => {
    const n = node({ airgap: { imagesTarball: '/opt/k3s/imgs,v=1:a@b%c+d.tar', extraImageTarballs: ['/srv/x.tar'] }, extraConfig: { 'data-dir': '/data/k3s' } });
    for (const line of [...runcmd(n), ...runcmd(node({}))]) {
      expect(() => execFileSync('bash', ['-n', '-c', line], { stdio: 'pipe' })).not.toThrow();
    }
  });
});

// k3s-io/k3s pkg/agent/config/config.go get(): nodeConfig.Images = <data-dir>/agent/images, and
// Containerd.Template = <data-dir>/agent/etc/containerd/config.toml.tmpl (config-v3.toml.tmpl beside
// it, pkg/agent/containerd/config.go): with data-dir set, K3s looks only there.
describe('data-dir', () => {
  test('moves the containerd template and the airgap images under it; the K3s config keeps data-dir', () => {
    const n = node({ airgap: { imagesTarball: '/opt/k3s/i.tar', extraImageTarballs: ['/data/k3s/agent/images/apps.tar'] }, extraConfig: { 'data-dir': '/data/k3s/' } });
    expect(n.dataDir).toBe('/data/k3s');
    const paths = n.renderFiles().map(f => f.path);
    expect(paths).toContain('/data/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    expect(paths.filter(p => p.includes('/var/lib/rancher'))).toEqual([]);
    const doc: any = yaml.load(n.renderCloudInit());
    expect(doc.write_files.map((w: any) => w.path)).toContain('/data/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    expect(doc.runcmd).toContain('mkdir -p /data/k3s/agent/images');
    expect(doc.runcmd).toContain('cp /opt/k3s/i.tar /data/k3s/agent/images/');
    expect(doc.runcmd.filter((l: string) => l.includes('apps.tar'))).toEqual([]);
    expect(n.renderCloudInit()).not.toContain('/var/lib/rancher/k3s');
    expect((yaml.load(n.renderFiles().find(f => f.path === '/etc/rancher/k3s/config.yaml')!.content) as any)['data-dir']).toBe('/data/k3s/');
  });

  test('@default: /var/lib/rancher/k3s', () => {
    const n = node({ airgap: { imagesTarball: '/opt/k3s/i.tar' } });
    expect(n.dataDir).toBe('/var/lib/rancher/k3s');
    expect(n.renderFiles().map(f => f.path)).toContain('/var/lib/rancher/k3s/agent/etc/containerd/config-v3.toml.tmpl');
    expect(runcmd(n)).toContain('cp /opt/k3s/i.tar /var/lib/rancher/k3s/agent/images/');
  });

  test('a data-dir that is not a safe absolute path is refused', () => {
    expect(() => node({ extraConfig: { 'data-dir': 'k3s' } })).toThrow(/extraConfig.data-dir="k3s": is not an absolute path/);
    expect(() => node({ extraConfig: { 'data-dir': 42 } })).toThrow(/extraConfig.data-dir=42/);
    expect(() => node({ extraConfig: { 'data-dir': '/' } })).toThrow(/is the root directory/);
  });
});
