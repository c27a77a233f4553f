import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import * as lib from '../../lib';
import { InventorySite, SiteInventory } from '../../lib/fleet/inventory';
import { findCredential } from '../../lib/private/credentials';
import * as ipModule from '../../lib/private/ip';
import { nodeIpProblem, parseIp } from '../../lib/private/ip';
import { ValidationError } from '../../lib/private/validation-error';
import { validationErrorOf } from '../util/errors';
import { fuzzParams, NASTY_STRINGS, nastyString } from '../util/fuzz';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const withoutSource = (sites: InventorySite[]) => sites.map(s => Object.assign({}, s, { source: '' }));

const HEADER = 'name,region,canary,servers,agents';
const csv = (...rows: string[]) => SiteInventory.fromCsv([HEADER, ...rows].join('\n'), 'sites.csv');
const errorOf = (fn: () => unknown) => validationErrorOf(fn);

describe('SiteInventory.fromFile: the good fixtures', () => {
  test('sites.csv: every column, quoted cells, a blank line, IPv6, a multi-line setting', () => {
    const inv = SiteInventory.fromFile(fixture('sites.csv'));
    expect(inv.sites.map(s => s.name)).toEqual(['mec-001', 'mec-002', 'mec-003']);
    expect(inv.sites[0]).toEqual({
      name: 'mec-001',
      region: 'eu-west',
      zone: 'eu-west-1a',
      tier: 'far-edge',
      hardware: 'arm64-small',
      canary: true,
      servers: [{ name: 'mec-001-s1', ip: '10.1.0.10' }],
      agents: [{ name: 'mec-001-a1', ip: '10.1.0.11' }, { name: 'mec-001-a2', ip: '10.1.0.12' }],
      labels: { 'example.com/operator': 'acme' },
      settings: { 'greeting': 'Hello, "edge"', 'mqtt.broker': 'mqtt://broker.local:1883' },
      source: `${fixture('sites.csv')}:2`,
    });
    // Empty cells: no zone, no canary (false), no agents, no label, no setting.
    expect(inv.sites[1]).toMatchObject({ canary: false, agents: [], settings: {} });
    expect(inv.sites[2]).not.toHaveProperty('zone');
    expect(inv.sites[2].labels).toEqual({});
    // Entries are trimmed around ";" ("a@ip; b@ip"); the setting keeps its line break.
    expect(inv.sites[2].servers).toEqual([{ name: 'mec-003-s1', ip: 'fd00::10' }, { name: 'mec-003-s2', ip: 'fd00::11' }]);
    expect(inv.sites[2].settings.greeting).toBe('two\nlines');
    // The blank line 4 counts: mec-003 is on line 5 of the file as an editor shows it.
    expect(inv.sites.map(s => s.source.split(':').pop())).toEqual(['2', '3', '5']);
  });

  test('sites.json holds the same sites as sites.csv, sourced as sites[<i>]', () => {
    const fromJson = SiteInventory.fromFile(fixture('sites.json')).sites;
    expect(withoutSource(fromJson)).toEqual(withoutSource(SiteInventory.fromFile(fixture('sites.csv')).sites));
    expect(fromJson.map(s => s.source)).toEqual([0, 1, 2].map(i => `${fixture('sites.json')}:sites[${i}]`));
  });

  test('a BOM, LF or CRLF line ends, a blank line and quoted node lists', () => {
    // The repository stores text with LF (.gitattributes eol=lf): the CRLF variant is made here.
    const text = fs.readFileSync(fixture('sites-bom.csv'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    for (const variant of [text.replace(/\r\n/g, '\n'), text.replace(/\r?\n/g, '\r\n')]) {
      const inv = SiteInventory.fromCsv(variant, 'sites-bom.csv');
      expect(inv.sites.map(s => [s.name, s.source, s.agents.length])).toEqual([['mec-101', 'sites-bom.csv:2', 1], ['mec-102', 'sites-bom.csv:4', 2]]);
    }
  });

  test('a JSON dump of inventory.sites reads back the same (its source fields are ignored)', () => {
    const sites = SiteInventory.fromFile(fixture('sites.csv')).sites;
    const back = SiteInventory.fromJson(JSON.stringify(sites), 'dump.json').sites;
    expect(withoutSource(back)).toEqual(withoutSource(sites));
    expect(back[0].source).toBe('dump.json:sites[0]');
  });

  test('the public entry point exports the inventory', () => {
    expect(lib.SiteInventory).toBe(SiteInventory);
  });

  test('a JSON array of sites is an inventory too; a BOM is ignored', () => {
    const inv = SiteInventory.fromJson('\ufeff[{"name": "a", "servers": [{"name": "a-s1", "ip": "10.0.0.1"}]}]', 'a.json');
    expect(inv.sites).toEqual([{ name: 'a', canary: false, servers: [{ name: 'a-s1', ip: '10.0.0.1' }], agents: [], labels: {}, settings: {}, source: 'a.json:sites[0]' }]);
  });
});

describe('CSV fields', () => {
  test.each([
    ['true', true], ['TRUE', true], ['Yes', true], ['1', true], [' yes ', true],
    ['false', false], ['No', false], ['0', false], ['', false],
  ])('canary %j is %s', (cell, value) => {
    expect(csv(`a,,${cell},a-s1@10.0.0.1,`).sites[0].canary).toBe(value);
  });

  test('the default of canary is false; agents, labels and settings default to empty; only name and servers are required columns', () => {
    const inv = SiteInventory.fromCsv('servers,name\na-s1@10.0.0.1,a\n', 'min.csv');
    expect(inv.sites).toEqual([{ name: 'a', canary: false, servers: [{ name: 'a-s1', ip: '10.0.0.1' }], agents: [], labels: {}, settings: {}, source: 'min.csv:2' }]);
  });

  test('structured cells and header names are trimmed; setting cells are kept as written', () => {
    const inv = SiteInventory.fromCsv(' name , servers ,label.team, setting.note\n a , a-s1 @ 10.0.0.1 , blue ,  two  spaces \n', 't.csv');
    expect(inv.sites[0]).toMatchObject({ name: 'a', servers: [{ name: 'a-s1', ip: '10.0.0.1' }], labels: { team: 'blue' }, settings: { note: '  two  spaces ' } });
  });

  test('labels and settings come out with sorted keys (deterministic output), whatever the column order', () => {
    const inv = SiteInventory.fromCsv('name,servers,setting.z,label.zz,setting.a,label.aa\na,a-s1@10.0.0.1,1,2,3,4\n', 'o.csv');
    expect(Object.keys(inv.sites[0].settings)).toEqual(['a', 'z']);
    expect(Object.keys(inv.sites[0].labels)).toEqual(['aa', 'zz']);
  });

  test('a row of empty cells (as spreadsheets export them) is skipped like an empty line', () => {
    expect(csv('a,,,a-s1@10.0.0.1,', ',,,,', ' , , , , ', 'b,,,b-s1@10.0.0.2,').sites.map(s => s.source)).toEqual(['sites.csv:2', 'sites.csv:5']);
  });
});

describe('bad files: one ValidationError naming the file, row and column', () => {
  const f = (name: string) => fixture(name);
  test.each<[string, string, string, RegExp]>([
    ['bad-unknown-column.csv', ':1', 'regoin', /is not a column.*known: name, region/],
    ['bad-duplicate-column.csv', ':1', 'region', /is column 2 and column 4/],
    ['bad-missing-column.csv', ':1', 'servers', /required column/],
    ['bad-missing-name.csv', ':3', 'name', /is missing/],
    ['bad-name.csv', ':2', 'name', /DNS-1123 label/],
    ['bad-ip.csv', ':2', 'servers', /its IP "10.1.0.300" is not an IP address/],
    ['bad-boolean.csv', ':2', 'canary', /is not a yes\/no value/],
    ['bad-cell-count.csv', ':2', 'row', /has 4 cells and the header 5 columns/],
    ['bad-duplicate-site.csv', ':4', 'name', /is also the name of the site at .*bad-duplicate-site.csv:2$/],
    ['bad-duplicate-node.csv', ':3', 'agents', /names node "mec-001-s1", which is also a node at .*bad-duplicate-node.csv:2 \(servers\)/],
    ['bad-duplicate-ip.csv', ':3', 'servers', /the IP FD00:0:0::10, which is also the IP of node "mec-001-s1" at .*bad-duplicate-ip.csv:2/],
    ['bad-unterminated-quote.csv', ':3', 'csv', /quote that is never closed/],
    ['empty.csv', '', 'csv', /is empty/],
    ['header-only.csv', ':1', 'rows', /no site rows/],
    ['bad-no-server.csv', ':2', 'servers', /lists no server/],
    ['bad-entry.csv', ':2', 'servers', /is not a nodeName@ip entry/],
    ['bad-label-key.csv', ':1', 'label.Bad Key', /not a valid label key/],
    ['bad-label-value.csv', ':2', 'label.example.com/operator', /not a valid label value/],
    ['bad-credential.csv', ':2', 'setting.db.password', /names a credential/],
    ['bad-syntax.json', '', 'json', /is not valid JSON at line 3 column 84 \(position 98\)/],
    ['bad-top.json', '', 'json', /without a "sites" array/],
    ['bad-types.json', ':sites[0]', 'region', /is a number, not a string/],
    ['bad-unknown-field.json', ':sites[0]', 'regoin', /is not a field of a site/],
    ['bad-duplicate.json', ':sites[1]', 'name', /is also the name of the site at .*bad-duplicate.json:sites\[0\]/],
    ['empty.json', '', 'sites', /is empty/],
    ['sites.txt', '', 'file', /a site inventory is a .csv or a .json file/],
    ['missing.csv', '', 'file', /cannot be read \(ENOENT\)/],
  ])('%s', (name, row, prop, problem) => {
    const e = errorOf(() => SiteInventory.fromFile(f(name)));
    expect(e.constructPath).toBe(`${f(name)}${row}`);
    expect(e.prop).toBe(prop);
    expect(e.problem).toMatch(problem);
  });

  test('the credential is never echoed', () => {
    expect(errorOf(() => SiteInventory.fromFile(f('bad-credential.csv'))).message).not.toContain('hunter2');
  });

  test('a typo gets a suggestion', () => {
    expect(errorOf(() => SiteInventory.fromFile(f('bad-unknown-column.csv'))).fix).toBe('did you mean "region"?');
    expect(errorOf(() => SiteInventory.fromFile(f('bad-unknown-field.json'))).fix).toBe('did you mean "region"?');
    expect(errorOf(() => SiteInventory.fromCsv('name,servers,labels.team\n', 'l.csv')).fix).toBe('did you mean "label.team"?');
    expect(errorOf(() => SiteInventory.fromCsv('name,servers,whatever\n', 'w.csv')).fix).toBe('rename the column, or drop it');
  });

  test('every bad row of a file is listed in one error, in file order (a row\'s in column order); its fields are the first problem\'s', () => {
    const e = errorOf(() => SiteInventory.fromFile(f('bad-many-rows.csv')));
    expect([e.constructPath, e.prop]).toEqual([`${f('bad-many-rows.csv')}:3`, 'name']);
    const listed = e.message.split('\n').slice(2).map(l => l.trim().replace(`${f('bad-many-rows.csv')}:`, '').replace(/=.*$/, ''));
    expect(e.message.split('\n')[1]).toBe(`7 problems in ${f('bad-many-rows.csv')}:`);
    expect(listed).toEqual(['3: name', '3: canary', '4: region', '4: servers', '5: name', '5: servers', '5: servers']);
  });

  test('every bad field of a JSON site is listed (wrong types included)', () => {
    const e = errorOf(() => SiteInventory.fromFile(f('bad-types.json')));
    expect(e.message).toMatch(/6 problems/);
    for (const prop of ['canary', 'region', 'servers\\[0\\].ip', 'agents', 'labels.a', 'settings']) expect(e.message).toMatch(new RegExp(`sites\\[0\\]: ${prop}=`));
  });

  test('a long list is cut at 50 lines', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `BAD-${i},,,b${i}@10.0.0.${i + 1},`);
    const e = errorOf(() => csv(...rows));
    expect(e.message).toMatch(/60 problems in sites.csv:/);
    expect(e.message).toMatch(/\.\.\. and 10 more$/);
    expect(e.message.split('\n')).toHaveLength(2 + 50 + 1);
  });

  test('a node name or IP used twice in one site, or by a server and an agent', () => {
    expect(errorOf(() => csv('a,,,a-s1@10.0.0.1;a-s1@10.0.0.2,')).problem).toMatch(/names node "a-s1", which is also a node at sites.csv:2 \(servers\)/);
    expect(errorOf(() => csv('a,,,a-s1@10.0.0.1,a-a1@10.0.0.1')).problem).toMatch(/also the IP of node "a-s1" at sites.csv:2/);
  });

  test('a duplicate is found even when the other row has another problem', () => {
    const e = errorOf(() => csv('a,,maybe,a-s1@10.0.0.1,', 'a,,,b-s1@10.0.0.2,'));
    expect(e.message).toMatch(/sites.csv:3: name="a": is also the name of the site at sites.csv:2/);
  });

  test('node names: a DNS-1123 subdomain of at most 63 characters (the kubernetes.io/hostname label value)', () => {
    expect(csv('a,,,a.s1@10.0.0.1,').sites[0].servers[0].name).toBe('a.s1');
    expect(errorOf(() => csv(`a,,,${'s'.repeat(64)}@10.0.0.1,`)).problem).toMatch(/its node name "s{64}" is 64 characters long/);
    expect(errorOf(() => csv('a,,,S1@10.0.0.1,')).problem).toMatch(/its node name "S1" is not a DNS-1123 subdomain/);
  });

  test.each(['a-s1', 'a-s1@', '@10.0.0.1', 'a@b@10.0.0.1'])('node entry %j', (entry) => {
    expect(errorOf(() => csv(`a,,,${entry},`)).prop).toBe('servers');
  });

  test.each([
    ['fe80::1', /link-local/], ['169.254.0.1', /link-local/], ['224.0.0.1', /multicast/], ['0.0.0.0', /all zeros/], ['::1', /loopback/],
    ['10.0.0.1%eth0', /not an IP address/], ['[fd00::1]', /not an IP address/], ['10.0.0.1/24', /not an IP address/], ['010.0.0.1', /not an IP address/],
  ])('node IP %s', (ip, problem) => {
    expect(errorOf(() => csv(`a,,,a-s1@${ip},`)).problem).toMatch(problem);
  });

  test('header problems: all of them at once, and no row is read', () => {
    const e = errorOf(() => SiteInventory.fromCsv('nme,servers,servers,,label.,setting.-x,label.region\nA,,,,,,\n', 'h.csv'));
    expect(e.message.split('\n')[1]).toBe('7 problems in h.csv:');
    for (const prop of ['nme', 'servers', 'column 4', 'label.', 'setting.-x', 'label.region', 'name']) expect(e.message).toContain(`h.csv:1: ${prop}=`);
  });

  test('a label key may not be a site field\'s name (select() and readers would not know which is meant)', () => {
    expect(errorOf(() => SiteInventory.fromCsv('name,servers,label.tier\n', 'r.csv')).problem).toMatch(/is the name of the site field "tier"/);
  });

  test('JSON: a site that is not an object, a node with a missing ip, an extra top-level key, an empty field', () => {
    expect(errorOf(() => SiteInventory.fromJson('[1]', 'j.json')).problem).toBe('is a number, not a site object');
    expect(errorOf(() => SiteInventory.fromJson('[{"name": "a", "servers": [{"name": "a-s1"}]}]', 'j.json')).prop).toBe('servers[0].ip');
    expect(errorOf(() => SiteInventory.fromJson('{"sites": [], "version": 1}', 'j.json')).prop).toBe('version');
    expect(errorOf(() => SiteInventory.fromJson('[{"name": "a", "region": "", "servers": [{"name": "a-s1", "ip": "10.0.0.1"}]}]', 'j.json')).problem).toBe('is empty');
    expect(errorOf(() => SiteInventory.fromJson('[{"servers": [{"name": "a-s1", "ip": "10.0.0.1"}]}]', 'j.json')).problem).toMatch(/is missing/);
    expect(errorOf(() => SiteInventory.fromJson('', 'j.json')).problem).toMatch(/not valid JSON at line 1 column 1/);
    expect(errorOf(() => SiteInventory.fromJson('"sites"', 'j.json')).problem).toMatch(/is a string, not a site inventory/);
  });
});

describe('SiteInventory.fromSites', () => {
  const site = (name: string, ip: string, more: Partial<InventorySite> = {}): InventorySite => Object.assign({
    name, canary: false, servers: [{ name: `${name}-s1`, ip }], agents: [], labels: {}, settings: {}, source: '',
  }, more);

  test('checks sites built in code like a file\'s, sorts labels and settings, names them sites[<i>] unless given a source', () => {
    const inv = SiteInventory.fromSites([site('a', '10.0.0.1', { labels: { z: '1', a: '2' }, source: 'inventory.ts' }), site('b', '10.0.0.2')]);
    expect(Object.keys(inv.sites[0].labels)).toEqual(['a', 'z']);
    expect(inv.sites.map(s => s.source)).toEqual(['inventory.ts', 'sites[1]']);
    const e = errorOf(() => SiteInventory.fromSites([site('a', '10.0.0.1'), site('b', '10.0.0.1')]));
    expect([e.constructPath, e.prop]).toEqual(['sites[1]', 'servers[0].ip']);
    expect(SiteInventory.fromSites([]).sites).toEqual([]);
    expect(errorOf(() => SiteInventory.fromSites(null as any)).constructPath).toBe('SiteInventory.fromSites');
  });

  test('property: whatever a jsii caller passes, an inventory or the library error', () => {
    const anything = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.boolean(), nastyString(),
      fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 2 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.anything({ maxDepth: 1 }), { maxKeys: 2 }));
    const field = fc.constantFrom('name', 'region', 'canary', 'servers', 'agents', 'labels', 'settings', 'source', 'extra');
    fc.assert(fc.property(fc.array(fc.tuple(field, anything), { maxLength: 3 }), (overrides) => {
      const s: any = site('a', '10.0.0.1');
      for (const [k, v] of overrides) s[k] = v;
      try {
        SiteInventory.fromSites([s]);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }), fuzzParams({ numRuns: 500 }));
  });
});

describe('select', () => {
  const inv = SiteInventory.fromFile(fixture('sites.csv'));
  test.each<[{ [key: string]: string }, string[]]>([
    [{}, ['mec-001', 'mec-002', 'mec-003']],
    [{ region: 'eu-west' }, ['mec-001', 'mec-002']],
    [{ region: 'eu-west', canary: 'true' }, ['mec-001']],
    [{ canary: 'false' }, ['mec-002', 'mec-003']],
    [{ 'example.com/operator': 'acme', 'zone': 'eu-west-1b' }, ['mec-002']],
    [{ tier: 'near-edge', hardware: 'x86-large' }, ['mec-003']],
    [{ zone: '' }, []],
    [{ name: 'mec-003' }, ['mec-003']],
    [{ toString: 'x' }, []],
  ])('%j', (selector, names) => {
    expect(inv.select(selector).map(s => s.name)).toEqual(names);
  });
});

describe('scale: linear work', () => {
  const big = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) =>
    `site-${i},region-${i % 3},${i % 10 === 0},site-${i}-s1@10.${Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256},site-${i}-a1@fd00::${i.toString(16)};site-${i}-a2@fd01::${i.toString(16)}`)].join('\n');

  test('10,000 rows (30,000 nodes) parse, with every check run once per node', () => {
    const spy = jest.spyOn(ipModule, 'checkNodeIp');
    try {
      const inv = SiteInventory.fromCsv(big(10_000), 'big.csv');
      expect(inv.sites).toHaveLength(10_000);
      expect(inv.sites[9_999]).toMatchObject({ name: 'site-9999', source: 'big.csv:10001', agents: [{ name: 'site-9999-a1', ip: 'fd00::270f' }, { ip: 'fd01::270f' }] });
      expect(inv.select({ canary: 'true' })).toHaveLength(1_000);
      expect(spy).toHaveBeenCalledTimes(30_000);
    } finally {
      spy.mockRestore();
    }
  });

  test('a duplicate at the end of 10,000 rows is found and names both rows', () => {
    const text = `${big(10_000)}\nsite-5,,,x-s1@10.255.0.1,`;
    expect(errorOf(() => SiteInventory.fromCsv(text, 'big.csv')).message).toMatch(/big.csv:10002: name="site-5": is also the name of the site at big.csv:7/);
  });
});

// ---------------------------------------------------------------------------------------------
// Property-based: valid sites rendered to CSV and JSON parse back to the same sites.

const LABEL_VALUE = fc.stringMatching(/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?$/);
const SITE_NAME = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const SETTING_KEY = fc.stringMatching(/^[A-Za-z0-9_]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9_])?$/);
const LABEL_KEY = fc.constantFrom('example.com/operator', 'team', 'a.b/c-d', 'x_y', 'Zone.Kind');
const NODE_IP = fc.oneof(fc.ipV4(), fc.ipV6()).filter(ip => {
  const p = parseIp(ip);
  return p !== undefined && nodeIpProblem(p) === undefined;
});

interface Generated {
  readonly sites: InventorySite[];
}

const SITES: fc.Arbitrary<Generated> = fc.record({
  names: fc.uniqueArray(SITE_NAME, { minLength: 1, maxLength: 6 }),
  ips: fc.uniqueArray(NODE_IP, { minLength: 24, maxLength: 24, selector: ip => parseIp(ip)!.key }),
  shapes: fc.array(fc.record({
    servers: fc.integer({ min: 1, max: 2 }),
    agents: fc.integer({ min: 0, max: 2 }),
    region: fc.option(LABEL_VALUE, { nil: undefined }),
    zone: fc.option(LABEL_VALUE, { nil: undefined }),
    tier: fc.option(LABEL_VALUE, { nil: undefined }),
    hardware: fc.option(LABEL_VALUE, { nil: undefined }),
    canary: fc.boolean(),
    labels: fc.dictionary(LABEL_KEY, LABEL_VALUE, { maxKeys: 3 }),
    settings: fc.dictionary(SETTING_KEY, fc.oneof(nastyString(), fc.string({ maxLength: 20 })), { maxKeys: 3 }),
  }), { minLength: 6, maxLength: 6 }),
}).map(({ names, ips, shapes }) => {
  let k = 0;
  const node = (site: string) => ({ name: `${site}.n${k}`, ip: ips[k++] });
  const sites = names.map((name, i) => {
    const sh = shapes[i];
    const settings: { [key: string]: string } = {};
    // CSV writes no empty setting (an empty cell is no setting); credentials are refused by design.
    for (const [key, v] of Object.entries(sh.settings).sort()) if (v !== '' && findCredential(key, v) === undefined) settings[key] = v;
    const labels: { [key: string]: string } = {};
    for (const [key, v] of Object.entries(sh.labels).sort()) labels[key] = v;
    const optional: { [key: string]: string } = {};
    for (const f of ['region', 'zone', 'tier', 'hardware'] as const) if (sh[f] !== undefined) optional[f] = sh[f]!;
    return Object.assign({ name }, optional, {
      canary: sh.canary,
      servers: Array.from({ length: sh.servers }, () => node(name)),
      agents: Array.from({ length: sh.agents }, () => node(name)),
      labels,
      settings,
      source: '',
    }) as InventorySite;
  });
  return { sites };
});

function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** The sites as a CSV file, and the line each site's row starts on. */
interface CsvStyle {
  readonly crlf: boolean;
  readonly bom: boolean;
  readonly spaces: boolean;
  readonly flags: number;
}

function renderCsv(sites: InventorySite[], style: CsvStyle): { text: string; lines: number[] } {
  const labelKeys = [...new Set(sites.flatMap(s => Object.keys(s.labels)))];
  const settingKeys = [...new Set(sites.flatMap(s => Object.keys(s.settings)))];
  const header = ['name', 'region', 'zone', 'tier', 'hardware', 'canary', 'servers', 'agents', ...labelKeys.map(k => `label.${k}`), ...settingKeys.map(k => `setting.${k}`)];
  const sep = style.spaces ? ' ; ' : ';';
  const flag = (b: boolean) => [['true', 'false'], ['YES', 'no'], ['1', '0'], ['True', '']][style.flags % 4][b ? 0 : 1];
  const rows = sites.map(s => [
    s.name, s.region ?? '', s.zone ?? '', s.tier ?? '', s.hardware ?? '', flag(s.canary),
    s.servers.map(n => `${n.name}@${n.ip}`).join(sep), s.agents.map(n => `${n.name}@${n.ip}`).join(sep),
    ...labelKeys.map(k => s.labels[k] ?? ''), ...settingKeys.map(k => s.settings[k] ?? ''),
  ].map(quoteCell).join(','));
  const eol = style.crlf ? '\r\n' : '\n';
  const lines: number[] = [];
  let line = 2;
  for (const row of rows) {
    lines.push(line);
    line += 1 + (row.match(/\r\n|\r|\n/g) ?? []).length;
  }
  return { text: (style.bom ? '\ufeff' : '') + [header.join(','), ...rows].join(eol) + eol, lines };
}

describe('property: round trip', () => {
  test('valid sites rendered to CSV parse back to the same sites, each sourced at its line', () => {
    fc.assert(fc.property(SITES, fc.record({ crlf: fc.boolean(), bom: fc.boolean(), spaces: fc.boolean(), flags: fc.nat(3) }), ({ sites }, style) => {
      const { text, lines } = renderCsv(sites, style);
      const inv = SiteInventory.fromCsv(text, 'gen.csv');
      expect(withoutSource(inv.sites)).toEqual(sites);
      expect(inv.sites.map(s => s.source)).toEqual(lines.map(l => `gen.csv:${l}`));
      // Keys in sorted order (JavaScript itself lists integer-like keys such as "9" first).
      const sortedKeys = (o: object) => Object.keys(Object.fromEntries(Object.entries(o).sort()));
      for (const s of inv.sites) {
        expect(Object.keys(s.settings)).toEqual(sortedKeys(s.settings));
        expect(Object.keys(s.labels)).toEqual(sortedKeys(s.labels));
      }
    }), fuzzParams({ numRuns: 300 }));
  });

  test('valid sites rendered to JSON (both shapes) parse back to the same sites', () => {
    fc.assert(fc.property(SITES, fc.boolean(), ({ sites }, wrapped) => {
      const plain = sites.map(s => {
        const o: any = Object.assign({}, s);
        delete o.source;
        return o;
      });
      const inv = SiteInventory.fromJson(JSON.stringify(wrapped ? { sites: plain } : plain, null, 2), 'gen.json');
      expect(withoutSource(inv.sites)).toEqual(sites);
      expect(inv.sites.map(s => s.source)).toEqual(sites.map((_, i) => `gen.json:sites[${i}]`));
    }), fuzzParams({ numRuns: 300 }));
  });
});

describe('property: nasty strings in any cell give a faithful value or the library error', () => {
  const COLS = ['name', 'region', 'zone', 'tier', 'hardware', 'canary', 'servers', 'agents', 'label.team', 'setting.note'];

  test('CSV, quoted as RFC 4180 says', () => {
    fc.assert(fc.property(fc.nat(COLS.length - 1), nastyString(['mec-1', 'eu-west', 'true', 'x-s1@10.9.9.9']), (col, nasty) => {
      const row = ['a', 'eu', 'z1', 't', 'hw', 'no', 'a-s1@10.0.0.1', 'a-a1@10.0.0.2', 'blue', 'hello'];
      row[col] = nasty;
      let inv: SiteInventory;
      try {
        inv = SiteInventory.fromCsv(`${COLS.join(',')}\n${row.map(quoteCell).join(',')}\n`, 'n.csv');
      } catch (e) {
        if (e instanceof ValidationError) return;
        throw e;
      }
      if (inv.sites.length === 0) return;
      const s = inv.sites[0];
      const trimmed = nasty.trim();
      const seen: { [c: string]: unknown } = {
        'name': s.name, 'region': s.region, 'zone': s.zone, 'tier': s.tier, 'hardware': s.hardware, 'label.team': s.labels.team, 'setting.note': s.settings.note,
      };
      if (COLS[col] === 'setting.note') expect(seen[COLS[col]]).toBe(nasty === '' ? undefined : nasty);
      else if (COLS[col] in seen) expect(seen[COLS[col]]).toBe(trimmed === '' ? undefined : trimmed);
    }), fuzzParams({ numRuns: 1000 }));
  });

  test('CSV text as a user might paste it (no quoting): records or the library error', () => {
    fc.assert(fc.property(fc.array(fc.oneof(nastyString(), fc.constantFrom(',', '"', '\n', '\r\n', 'a-s1@10.0.0.1')), { maxLength: 8 }), parts => {
      try {
        SiteInventory.fromCsv(`${COLS.join(',')}\n${parts.join('')}`, 'p.csv');
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }), fuzzParams({ numRuns: 1000 }));
  });

  test('JSON: a nasty value in any field', () => {
    const fields = ['name', 'region', 'zone', 'tier', 'hardware', 'servers.0.name', 'servers.0.ip', 'labels.team', 'settings.note', 'labels', 'settings'];
    const nastyValue = fc.oneof(nastyString(), fc.constantFrom(...NASTY_STRINGS.map(s => ({ s }))));
    fc.assert(fc.property(fc.constantFrom(...fields), nastyValue, (field, nasty) => {
      const site: any = { name: 'a', servers: [{ name: 'a-s1', ip: '10.0.0.1' }], labels: { team: 'blue' }, settings: { note: 'x' } };
      const parts = field.split('.');
      let at = site;
      for (const p of parts.slice(0, -1)) at = at[p];
      at[parts[parts.length - 1]] = nasty;
      let inv: SiteInventory;
      try {
        inv = SiteInventory.fromJson(JSON.stringify([site]), 'n.json');
      } catch (e) {
        if (e instanceof ValidationError) return;
        throw e;
      }
      let back: any = inv.sites[0];
      for (const p of parts) back = back[p];
      expect(back).toEqual(nasty);
    }), fuzzParams({ numRuns: 1000 }));
  });
});
