import * as YAML from 'yaml';
import { yamlText } from '../../lib/node/yaml-text';

describe('yamlText (node files)', () => {
  // K3s (go-yaml) and cloud-init (PyYAML) read YAML 1.1: these strings must not turn into other types.
  const ambiguous = ['on', 'Off', 'yes', 'n', 'y', 'null', '~', '0644', '0x1F', '1e3', '1.30', '12:30', '.inf', '2001-01-01', '*'];

  test.each(ambiguous)('%s stays a string for YAML 1.1 and 1.2 readers', (s) => {
    const text = yamlText({ value: s, list: [s] });
    for (const version of ['1.1', '1.2'] as const) {
      expect(YAML.parse(text, { version })).toEqual({ value: s, list: [s] });
    }
  });

  test('multi-line file contents are literal blocks, long lines are not folded', () => {
    const content = `# header\n${'x'.repeat(300)}\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.wasmedge]\n`;
    const text = yamlText({ write_files: [{ path: '/etc/x', content }] });
    expect(text).toContain('content: |\n');
    expect(text).toContain(`      ${'x'.repeat(300)}\n`);
    expect(YAML.parse(text, { version: '1.1' }).write_files[0].content).toBe(content);
  });

  test('keys keep their insertion order (the callers sort where they need to)', () => {
    expect(yamlText({ b: 1, a: 2 })).toBe('b: 1\na: 2\n');
  });
});
