import * as fs from 'fs';
import * as path from 'path';
import { K3S_FLAG_ALIASES, K3S_FLAGS } from '../../lib/node/k3s-flags';

/** The flag list extracted from k3s-io/k3s (../shared/reference/k3s-flags.json, the source of lib/node/k3s-flags.ts). */
const FLAG_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'k3s-flags.json'), 'utf-8'));

describe('K3S_FLAGS table', () => {
  test('holds exactly the flags of the upstream list, with their type and commands', () => {
    const flags: any[] = FLAG_JSON.flags;
    expect([...K3S_FLAGS.keys()].sort()).toEqual(flags.map(f => f.name).sort());
    for (const f of flags) {
      const row = K3S_FLAGS.get(f.name)!;
      expect({
        name: f.name,
        type: row.type,
        server: row.server,
        agent: row.agent,
        deprecated: row.deprecated,
        hidden: row.hidden,
        yaml: row.configYamlKey,
        aliases: row.aliases,
      }).toEqual({
        name: f.name,
        type: f.type,
        server: f.commands.includes('server'),
        agent: f.commands.includes('agent'),
        deprecated: f.deprecated,
        hidden: f.hidden,
        yaml: f.configYamlKey,
        aliases: f.aliases,
      });
    }
  });

  test('server and agent name lists match the source counts', () => {
    expect([...K3S_FLAGS.values()].filter(f => f.server).map(f => f.name).sort()).toEqual([...FLAG_JSON.serverFlagNames].sort());
    expect([...K3S_FLAGS.values()].filter(f => f.agent).map(f => f.name).sort()).toEqual([...FLAG_JSON.agentFlagNames].sort());
  });

  test('there is no wasm flag', () => {
    expect([...K3S_FLAGS.keys()].filter(k => k.includes('wasm'))).toEqual([]);
  });

  test('aliases map to their flag', () => {
    expect(K3S_FLAG_ALIASES.get('t')).toBe('token');
    expect(K3S_FLAG_ALIASES.get('s')).toBe('server');
  });
});
