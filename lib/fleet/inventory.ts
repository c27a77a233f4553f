import * as fs from 'fs';
import * as path from 'path';
import { checkNoCredential } from '../private/credentials';
import { parseCsv } from '../private/csv';
import { checkDns1123Label, checkDns1123Subdomain, propError, ValidationError } from '../private/errors';
import { checkNodeIp } from '../private/ip';
import { checkLabelKey, checkLabelValue } from '../private/labels';

/** A K3s node of a site, as an inventory lists it. */
export interface InventoryNode {
  /** The node name (K3s `node-name`): a DNS-1123 subdomain of at most 63 characters. */
  readonly name: string;
  /** The node IP (K3s `node-ip`): an IPv4 or IPv6 address the kubelet accepts (not loopback, link-local, multicast or all zeros). */
  readonly ip: string;
}

/** One site (one K3s cluster) of an inventory: one row of a CSV file, one object of a JSON file. */
export interface InventorySite {
  /** The site name, which is also the cluster name: a DNS-1123 label. */
  readonly name: string;
  /**
   * The region (a label value).
   * @default - none
   */
  readonly region?: string;
  /**
   * The zone (a label value).
   * @default - none
   */
  readonly zone?: string;
  /**
   * The tier, e.g. `far-edge` (a label value).
   * @default - none
   */
  readonly tier?: string;
  /**
   * The hardware class, e.g. `arm64-small` (a label value).
   * @default - none
   */
  readonly hardware?: string;
  /** Whether the site is a canary (upgraded and rolled out to first). A file row without it is `false`. */
  readonly canary: boolean;
  /** The K3s servers of the site: at least one. */
  readonly servers: InventoryNode[];
  /** The K3s agents of the site (may be empty). */
  readonly agents: InventoryNode[];
  /** Extra cluster labels (CSV columns `label.<key>`), keys sorted. */
  readonly labels: { [key: string]: string };
  /** Per-site values for workloads (CSV columns `setting.<key>`), keys sorted. Never credentials: reference a Secret instead. */
  readonly settings: { [key: string]: string };
  /**
   * Where the site comes from, for messages: `<file>:<line>` for a CSV row (the line an editor
   * shows, the header being line 1), `<file>:sites[<i>]` for a JSON site, `sites[<i>]` (or what
   * the caller set) for sites built in code.
   */
  readonly source: string;
}

/** The columns of a CSV inventory besides `label.<key>` and `setting.<key>`. */
const COLUMNS = ['name', 'region', 'zone', 'tier', 'hardware', 'canary', 'servers', 'agents'];
const REQUIRED_COLUMNS = ['name', 'servers'];
/** The fields of a JSON site object. */
const JSON_FIELDS = ['name', 'region', 'zone', 'tier', 'hardware', 'canary', 'servers', 'agents', 'labels', 'settings'];
/** Fields whose names a label key may not take: `select()` and readers would not know which one is meant. */
const RESERVED_LABEL_KEYS = new Set(['name', 'region', 'zone', 'tier', 'hardware', 'canary']);
const LABEL_FIELDS = ['region', 'zone', 'tier', 'hardware'] as const;
/** A setting key: letters, digits, `_`, `-` and `.`, starting and ending with a letter, digit or `_`. */
const SETTING_KEY = /^[A-Za-z0-9_]([-A-Za-z0-9_.]*[A-Za-z0-9_])?$/;
const MAX_SETTING_KEY = 253;
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0', '']);
/** How many problems one error message lists. */
const MAX_LISTED = 50;

/** A node before its checks, with where a message points for it. */
interface RawNode {
  readonly name: string;
  readonly ip: string;
  /** `servers` or `agents`. */
  readonly column: string;
  readonly index: number;
  /** The CSV entry (`name@ip`): messages then name the column and show the entry. */
  readonly entry?: string;
}

/** A site's fields before their checks; undefined fields are absent (or were already reported). */
interface RawSite {
  readonly source: string;
  readonly order: number;
  readonly name?: string;
  readonly region?: string;
  readonly zone?: string;
  readonly tier?: string;
  readonly hardware?: string;
  readonly canary: boolean;
  readonly servers: RawNode[];
  readonly agents: RawNode[];
  /** Fields already reported (a wrong type, a malformed cell): no second message, and no site. */
  readonly reported: Set<string>;
  readonly labels: Array<[string, string]>;
  readonly settings: Array<[string, string]>;
  /** Prop names for messages: CSV columns (`label.tier`) or JSON paths (`labels.tier`). */
  readonly labelProp: (key: string) => string;
  readonly settingProp: (key: string) => string;
}

/** Collects every problem of a file, each with the position it sorts by (its row). */
class Problems {
  private readonly list: Array<{ order: number; seq: number; error: ValidationError }> = [];

  /**
   * @param file names the file in the message
   * @param fields the fields (columns) in the order a row shows them: a row's problems are listed in that order
   */
  constructor(private readonly file: string, private readonly fields: string[] = JSON_FIELDS) {}

  /** Runs a check; a ValidationError it throws is recorded, anything else propagates. */
  public check(order: number, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      this.add(order, e);
      return false;
    }
  }

  public add(order: number, error: ValidationError): void {
    this.list.push({ order, seq: this.list.length, error });
  }

  /** Throws the first problem, its message listing all of them, when there is any. */
  public throwIfAny(): void {
    if (this.list.length === 0) return;
    // The field of a prop: `servers[0].ip` -> servers, `labels.tier` -> labels; `label.tier` is a column itself.
    const rankOf = (prop: string) => {
      const exact = this.fields.indexOf(prop);
      return exact >= 0 ? exact : this.fields.indexOf(prop.split(/[.[ ]/)[0]);
    };
    const ranked = this.list.map(p => ({ p, rank: rankOf(p.error.prop) }));
    ranked.sort((a, b) => a.p.order - b.p.order || a.rank - b.rank || a.p.seq - b.p.seq);
    const errors = ranked.map(r => r.p.error);
    throw combine(errors, this.file);
  }
}

/**
 * One error for many: the first problem's fields, and a message that lists every problem
 * (`<file>:<row>: <column>=<value>: <problem>`), so one run shows the whole file's mistakes.
 */
function combine(errors: ValidationError[], file: string): ValidationError {
  if (errors.length === 1) return errors[0];
  const first = errors[0];
  const combined = new ValidationError(first.constructPath, first.prop, first.value, first.problem, first.fix);
  const lines = errors.slice(0, MAX_LISTED).map(e => `  ${e.constructPath}: ${e.prop}=${e.value}: ${e.problem}. Fix: ${e.fix}`);
  if (errors.length > MAX_LISTED) lines.push(`  ... and ${errors.length - MAX_LISTED} more`);
  combined.message = `${first.message}\n${errors.length} problems in ${file}:\n${lines.join('\n')}`;
  return combined;
}

/** The error a check threw, re-pointed at a CSV column and entry (`servers`, `"n1@10.0.0.1"`). */
function repoint(e: unknown, scope: string, prop: string, value: string, what: string): never {
  if (!(e instanceof ValidationError)) throw e;
  throw propError(scope, prop, value, `${what} ${e.value} ${e.problem}`, e.fix);
}

function checkNodeName(scope: string, prop: string, value: string): void {
  checkDns1123Subdomain(scope, prop, value);
  if (value.length > 63) {
    // As EdgeOfflineNode: the kubelet puts the node name in the kubernetes.io/hostname label value.
    throw propError(scope, prop, value, `is ${value.length} characters long: the kubelet sets it as the value of the kubernetes.io/hostname label (at most 63 characters)`,
      'use a node name of at most 63 characters');
  }
}

/** A site after its own checks: the site when every field is good, and the parts that are, for the file-wide checks. */
interface Checked {
  readonly raw: RawSite;
  readonly site?: InventorySite;
  /** The name, when it is good. */
  readonly name?: string;
  /** The nodes whose name is good. */
  readonly namedNodes: RawNode[];
  /** The nodes whose IP is good, with the address's one spelling. */
  readonly addressedNodes: Array<{ node: RawNode; key: string }>;
}

/**
 * Checks one site (every problem recorded) and returns it with sorted labels and settings when
 * every field is good.
 */
function buildSite(raw: RawSite, problems: Problems): Checked {
  const { source, order } = raw;
  let ok = raw.reported.size === 0;
  let goodName: string | undefined;
  const namedNodes: RawNode[] = [];
  const addressedNodes: Array<{ node: RawNode; key: string }> = [];
  const check = (fn: () => void) => {
    ok = problems.check(order, fn) && ok;
  };
  if (raw.reported.has('name')) {
    // Reported already.
  } else if (raw.name === undefined || raw.name === '') {
    check(() => {
      throw propError(source, 'name', raw.name, 'is missing: every site needs a name (its cluster name)', 'set name to a DNS-1123 label such as "mec-001"');
    });
  } else if (problems.check(order, () => checkDns1123Label(source, 'name', raw.name!))) {
    goodName = raw.name;
  } else {
    ok = false;
  }
  for (const field of LABEL_FIELDS) {
    const v = raw[field];
    if (v === undefined) continue;
    check(() => {
      if (v === '') throw propError(source, field, v, 'is empty', `leave ${field} out, or set a label value such as "eu-west"`);
      checkLabelValue(source, field, v);
    });
  }
  if (raw.servers.length === 0 && !raw.reported.has('servers')) {
    check(() => {
      throw propError(source, 'servers', '', 'lists no server: every site needs at least one K3s server',
        'list the site\'s servers as nodeName@ip entries separated by ";", e.g. "mec-001-s1@10.1.0.10"');
    });
  }
  const nodes = (list: RawNode[]): InventoryNode[] => list.map(n => {
    const where = (part: 'name' | 'ip') => n.entry !== undefined
      ? { prop: n.column, value: n.entry } : { prop: `${n.column}[${n.index}].${part}`, value: part === 'name' ? n.name : n.ip };
    check(() => {
      const w = where('name');
      try {
        checkNodeName(source, w.prop, n.name);
      } catch (e) {
        if (n.entry === undefined) throw e;
        repoint(e, source, w.prop, w.value, 'its node name');
      }
      namedNodes.push(n);
    });
    check(() => {
      const w = where('ip');
      try {
        addressedNodes.push({ node: n, key: checkNodeIp(source, w.prop, n.ip).key });
      } catch (e) {
        if (n.entry === undefined) throw e;
        repoint(e, source, w.prop, w.value, 'its IP');
      }
    });
    return { name: n.name, ip: n.ip };
  });
  const servers = nodes(raw.servers);
  const agents = nodes(raw.agents);
  const labels: { [key: string]: string } = {};
  for (const [k, v] of [...raw.labels].sort(byKey)) {
    const prop = raw.labelProp(k);
    check(() => {
      checkLabelValue(source, prop, v);
      checkNoCredential(source, prop, undefined, v, 'cluster labels are public: keep the credential in a Secret');
    });
    labels[k] = v;
  }
  const settings: { [key: string]: string } = {};
  for (const [k, v] of [...raw.settings].sort(byKey)) {
    check(() => checkNoCredential(source, raw.settingProp(k), k, v,
      'settings land in generated files (Git): keep the credential in a Secret and put its name in a setting, e.g. "db-secret"'));
    settings[k] = v;
  }
  const checked = { raw, name: goodName, namedNodes, addressedNodes };
  if (!ok) return checked;
  // Absent optional fields are left out rather than set to undefined (deep equality, JSON output).
  const optional: { [key: string]: string } = {};
  for (const field of LABEL_FIELDS) {
    const v = raw[field];
    if (v !== undefined) optional[field] = v;
  }
  const site: InventorySite = Object.assign({ name: raw.name! }, optional, { canary: raw.canary, servers, agents, labels, settings, source });
  return Object.assign(checked, { site });
}

/** The candidate a typo most likely meant: case aside, at most two edits away (Levenshtein). */
function closest(word: string, candidates: string[]): string | undefined {
  const w = word.toLowerCase();
  if (w.length > 40) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(w, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function byKey(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function checkLabelColumnKey(scope: string, prop: string, key: string): void {
  checkLabelKey(scope, prop, key, false);
  if (RESERVED_LABEL_KEYS.has(key)) {
    throw propError(scope, prop, key, `is the name of the site field "${key}"`, `use the ${key} ${key === 'name' ? 'field' : 'field/column'} itself, or a prefixed key such as "example.com/${key}"`);
  }
}

function checkSettingKey(scope: string, prop: string, key: string): void {
  if (key.length > MAX_SETTING_KEY || !SETTING_KEY.test(key)) {
    throw propError(scope, prop, key, `is not a setting key (letters, digits, "_", "-" and ".", starting and ending with a letter, digit or "_", at most ${MAX_SETTING_KEY} characters)`,
      'use a key such as "mqtt.broker" or "LOG_LEVEL"');
  }
}

/**
 * Checks what only the whole file shows: a site name, node name or node IP used twice (among the
 * values that are good on their own, so a bad row elsewhere does not hide a duplicate).
 */
function checkDuplicates(all: Checked[], problems: Problems): void {
  // The first holder of each name and address (no string is built unless there is a problem).
  const siteNames = new Map<string, RawSite>();
  const nodeNames = new Map<string, [RawSite, RawNode]>();
  const nodeIps = new Map<string, [RawSite, RawNode]>();
  const propOf = (n: RawNode, part: string) => (n.entry !== undefined ? n.column : `${n.column}[${n.index}].${part}`);
  for (const c of all) {
    const { source, order } = c.raw;
    if (c.name !== undefined) {
      const other = siteNames.get(c.name);
      if (other !== undefined) {
        problems.add(order, propError(source, 'name', c.name, `is also the name of the site at ${other.source}`, 'give every site its own name'));
      } else {
        siteNames.set(c.name, c.raw);
      }
    }
    for (const n of c.namedNodes) {
      const other = nodeNames.get(n.name);
      if (other !== undefined) {
        problems.add(order, propError(source, propOf(n, 'name'), n.entry ?? n.name,
          `names node "${n.name}", which is also a node at ${other[0].source} (${propOf(other[1], 'name')})`, 'give every node of the fleet its own name'));
      } else {
        nodeNames.set(n.name, [c.raw, n]);
      }
    }
    for (const { node: n, key } of c.addressedNodes) {
      const other = nodeIps.get(key);
      if (other !== undefined) {
        problems.add(order, propError(source, propOf(n, 'ip'), n.entry ?? n.ip,
          `gives node "${n.name}" the IP ${n.ip}, which is also the IP of node "${other[1].name}" at ${other[0].source}`,
          'give every node its own IP (two nodes on one address cannot both join)'));
      } else {
        nodeIps.set(key, [c.raw, n]);
      }
    }
  }
}

/** Checks every raw site and what the whole list shows; throws one error listing every problem. */
function buildAll(raws: RawSite[], problems: Problems): InventorySite[] {
  const checked = raws.map(r => buildSite(r, problems));
  checkDuplicates(checked, problems);
  problems.throwIfAny();
  return checked.map(c => c.site!);
}

// ---------------------------------------------------------------------------------------------
// CSV

interface Column {
  readonly kind: 'field' | 'label' | 'setting';
  /** The field, label key or setting key. */
  readonly key: string;
}

function readHeader(cells: string[], scope: string, problems: Problems): Column[] {
  const columns: Column[] = [];
  const seen = new Map<string, number>();
  cells.forEach((cell, i) => {
    const name = cell.trim();
    const col = i + 1;
    const before = seen.get(name);
    if (before !== undefined) {
      problems.add(0, propError(scope, name || `column ${col}`, name, `is column ${before} and column ${col}: a column may appear once`, 'remove or rename one of them'));
    }
    seen.set(name, col);
    let column: Column | undefined;
    if (COLUMNS.includes(name)) {
      column = { kind: 'field', key: name };
    } else if (name.startsWith('label.')) {
      const key = name.slice('label.'.length);
      if (problems.check(0, () => checkLabelColumnKey(scope, name, key))) column = { kind: 'label', key };
    } else if (name.startsWith('setting.')) {
      const key = name.slice('setting.'.length);
      if (problems.check(0, () => checkSettingKey(scope, name, key))) column = { kind: 'setting', key };
    } else {
      const prefixed = /^(labels?|settings?)[._:/-](.+)$/i.exec(name);
      const near = prefixed ? `${prefixed[1].toLowerCase().replace(/s$/, '')}.${prefixed[2]}` : closest(name, COLUMNS);
      problems.add(0, propError(scope, name === '' ? `column ${col}` : name, name,
        `is not a column of a site inventory (known: ${COLUMNS.join(', ')}, label.<key>, setting.<key>)`,
        near !== undefined ? `did you mean "${near}"?` : 'rename the column, or drop it'));
    }
    columns.push(column ?? { kind: 'field', key: '' });
  });
  for (const required of REQUIRED_COLUMNS) {
    if (!seen.has(required)) {
      problems.add(0, propError(scope, required, undefined, `is a required column and the header lacks it (header: ${cells.map(c => c.trim()).join(',')})`,
        `add a "${required}" column to the header row`));
    }
  }
  return columns;
}

/** The `nodeName@ip` entries of a servers/agents cell. */
function readNodes(cell: string, column: string): RawNode[] | string {
  const out: RawNode[] = [];
  const entries = cell.split(';').map(e => e.trim()).filter(e => e !== '');
  for (const entry of entries) {
    const at = entry.indexOf('@');
    if (at < 0 || entry.indexOf('@', at + 1) >= 0) return entry;
    out.push({ name: entry.slice(0, at).trim(), ip: entry.slice(at + 1).trim(), column, index: out.length, entry });
  }
  return out;
}

function fromCsvText(text: string, fileName: string): InventorySite[] {
  const records = parseCsv(text, fileName);
  if (records.length === 0) {
    throw propError(fileName, 'csv', text.length > 40 ? `${text.slice(0, 37)}...` : text, 'is empty: a site inventory needs a header row and a row per site',
      'write a header such as "name,region,servers,agents" and one row per site');
  }
  const header = records[0];
  const problems = new Problems(fileName, header.cells.map(c => c.trim()));
  const headerScope = `${fileName}:${header.line}`;
  const columns = readHeader(header.cells, headerScope, problems);
  problems.throwIfAny();
  const rows = records.slice(1).filter(r => r.cells.some((c, k) => r.quoted[k] || c.trim() !== ''));
  if (rows.length === 0) {
    throw propError(headerScope, 'rows', 0, 'the file has a header and no site rows', 'add one row per site below the header');
  }
  const raws: RawSite[] = [];
  for (const row of rows) {
    const source = `${fileName}:${row.line}`;
    if (row.cells.length !== columns.length) {
      problems.add(row.line, propError(source, 'row', row.cells.length === 1 ? row.cells[0] : `${row.cells.length} cells`,
        `has ${row.cells.length} cell${row.cells.length === 1 ? '' : 's'} and the header ${columns.length} columns`,
        'give every row one cell per column (leave a cell empty for no value; quote a cell that holds a comma)'));
      continue;
    }
    const fields: { [key: string]: string } = {};
    const labels: Array<[string, string]> = [];
    const settings: Array<[string, string]> = [];
    columns.forEach((col, k) => {
      const cell = row.cells[k];
      if (col.kind === 'field') {
        fields[col.key] = cell.trim();
      } else if (col.kind === 'label') {
        const v = cell.trim();
        if (v !== '') labels.push([col.key, v]);
      } else if (cell !== '') {
        // Settings are free text: kept as written, spaces included.
        settings.push([col.key, cell]);
      }
    });
    const reported = new Set<string>();
    let canary = false;
    const flag = (fields.canary ?? '').toLowerCase();
    if (TRUE.has(flag)) {
      canary = true;
    } else if (!FALSE.has(flag)) {
      reported.add('canary');
      problems.add(row.line, propError(source, 'canary', fields.canary, 'is not a yes/no value', 'write true, false, yes, no, 1 or 0 (or leave it empty for false)'));
    }
    const nodeLists: { [column: string]: RawNode[] } = { servers: [], agents: [] };
    for (const column of ['servers', 'agents']) {
      const parsed = readNodes(fields[column] ?? '', column);
      if (typeof parsed === 'string') {
        problems.add(row.line, propError(source, column, parsed, 'is not a nodeName@ip entry',
          `list nodes as nodeName@ip entries separated by ";", e.g. "${column === 'servers' ? 'mec-001-s1@10.1.0.10' : 'mec-001-a1@10.1.0.11;mec-001-a2@10.1.0.12'}"`));
        reported.add(column);
      } else {
        nodeLists[column] = parsed;
      }
    }
    raws.push({
      source,
      order: row.line,
      name: fields.name,
      region: fields.region || undefined,
      zone: fields.zone || undefined,
      tier: fields.tier || undefined,
      hardware: fields.hardware || undefined,
      canary,
      servers: nodeLists.servers,
      agents: nodeLists.agents,
      reported,
      labels,
      settings,
      labelProp: k => `label.${k}`,
      settingProp: k => `setting.${k}`,
    });
  }
  return buildAll(raws, problems);
}

// ---------------------------------------------------------------------------------------------
// JSON and sites built in code

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isPlainObject(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 10) {
      line++;
      lineStart = k + 1;
    }
  }
  return `line ${line} column ${offset - lineStart + 1}`;
}

/**
 * The raw site of a JSON object (or a site built in code): wrong types and unknown fields are
 * recorded and left out.
 */
function rawFromObject(obj: unknown, source: string, order: number, problems: Problems, extraFields: string[]): RawSite | undefined {
  if (!isPlainObject(obj)) {
    problems.add(order, propError(source, 'site', obj, `is ${typeName(obj)}, not a site object`, 'write each site as an object such as {"name": "mec-001", "servers": [{"name": "mec-001-s1", "ip": "10.1.0.10"}]}'));
    return undefined;
  }
  const known = [...JSON_FIELDS, ...extraFields];
  for (const key of Object.keys(obj).sort()) {
    if (!known.includes(key)) {
      const near = closest(key, known);
      problems.add(order, propError(source, key, obj[key], `is not a field of a site (known: ${JSON_FIELDS.join(', ')})`,
        near !== undefined ? `did you mean "${near}"?` : 'rename the field, or drop it'));
    }
  }
  const reported = new Set<string>();
  const str = (field: string): string | undefined => {
    const v = obj[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      reported.add(field);
      problems.add(order, propError(source, field, v, `is ${typeName(v)}, not a string`, `write ${field} as a JSON string`));
      return undefined;
    }
    return v;
  };
  let canary = false;
  if (obj.canary !== undefined) {
    if (typeof obj.canary === 'boolean') {
      canary = obj.canary;
    } else {
      reported.add('canary');
      problems.add(order, propError(source, 'canary', obj.canary, `is ${typeName(obj.canary)}, not true or false`, 'write canary as true or false (JSON booleans, unquoted)'));
    }
  }
  const nodes = (field: string): RawNode[] => {
    const v = obj[field];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      reported.add(field);
      problems.add(order, propError(source, field, v, `is ${typeName(v)}, not an array of nodes`, `write ${field} as [{"name": "...", "ip": "..."}]`));
      return [];
    }
    const out: RawNode[] = [];
    v.forEach((n, index) => {
      const at = `${field}[${index}]`;
      if (!isPlainObject(n)) {
        reported.add(field);
        problems.add(order, propError(source, at, n, `is ${typeName(n)}, not a node object`, 'write each node as {"name": "...", "ip": "..."}'));
        return;
      }
      let good = true;
      for (const key of Object.keys(n).sort()) {
        if (key !== 'name' && key !== 'ip') {
          problems.add(order, propError(source, `${at}.${key}`, n[key], 'is not a field of a node (known: name, ip)', 'drop it'));
          good = false;
        }
      }
      for (const part of ['name', 'ip']) {
        if (typeof n[part] !== 'string') {
          problems.add(order, propError(source, `${at}.${part}`, n[part], n[part] === undefined ? 'is missing' : `is ${typeName(n[part])}, not a string`,
            part === 'name' ? 'set the node name, e.g. "mec-001-s1"' : 'set the node IP, e.g. "10.1.0.10"'));
          good = false;
        }
      }
      if (good) out.push({ name: n.name as string, ip: n.ip as string, column: field, index });
      else reported.add(field);
    });
    return out;
  };
  const map = (field: string): Array<[string, string]> => {
    const v = obj[field];
    if (v === undefined) return [];
    if (!isPlainObject(v)) {
      reported.add(field);
      problems.add(order, propError(source, field, v, `is ${typeName(v)}, not an object of strings`, `write ${field} as {"key": "value"}`));
      return [];
    }
    const out: Array<[string, string]> = [];
    for (const [k, val] of Object.entries(v)) {
      const keyOk = problems.check(order, () => (field === 'labels' ? checkLabelColumnKey(source, `${field} key`, k) : checkSettingKey(source, `${field} key`, k)));
      if (typeof val !== 'string') {
        problems.add(order, propError(source, `${field}.${k}`, val, `is ${typeName(val)}, not a string`, 'write the value as a JSON string'));
        reported.add(field);
      } else if (keyOk) {
        out.push([k, val]);
      } else {
        reported.add(field);
      }
    }
    return out;
  };
  return {
    source,
    order,
    name: str('name'),
    region: str('region'),
    zone: str('zone'),
    tier: str('tier'),
    hardware: str('hardware'),
    canary,
    servers: nodes('servers'),
    agents: nodes('agents'),
    reported,
    labels: map('labels'),
    settings: map('settings'),
    labelProp: k => `labels.${k}`,
    settingProp: k => `settings.${k}`,
  };
}

function fromJsonText(text: string, fileName: string): InventorySite[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = /at position (\d+)/.exec(message);
    const offset = m ? Number(m[1]) : text.length;
    const where = lineAndColumn(text, offset);
    const near = text.slice(Math.max(0, offset - 20), offset + 20);
    throw propError(fileName, 'json', near, `is not valid JSON at ${where} (position ${offset}): ${message.replace(/ in JSON at position \d+.*$/, '')}`,
      'fix the JSON syntax there (a missing comma or quote, or a trailing comma)');
  }
  let list: unknown;
  if (Array.isArray(doc)) {
    list = doc;
  } else if (isPlainObject(doc) && Array.isArray(doc.sites)) {
    const extra = Object.keys(doc).filter(k => k !== 'sites').sort();
    if (extra.length > 0) {
      throw propError(fileName, extra[0], doc[extra[0]], 'is not a field of a site inventory (known: sites)', 'drop it, or move it into the sites');
    }
    list = doc.sites;
  } else {
    throw propError(fileName, 'json', doc, `is ${typeName(doc)}${isPlainObject(doc) ? ' without a "sites" array' : ''}, not a site inventory`,
      'write an array of sites, or {"sites": [...]}');
  }
  const sites = list as unknown[];
  if (sites.length === 0) {
    throw propError(fileName, 'sites', [], 'is empty: the inventory lists no site', 'add one object per site');
  }
  const problems = new Problems(fileName);
  const raws: RawSite[] = [];
  sites.forEach((obj, i) => {
    // A `source` field (as `sites` hold it) is ignored: the file and position name the site.
    const raw = rawFromObject(obj, `${fileName}:sites[${i}]`, i, problems, ['source']);
    if (raw) raws.push(raw);
  });
  return buildAll(raws, problems);
}

/**
 * The sites of a fleet: one per K3s cluster, with its servers and agents, its labels (region,
 * zone, tier, hardware and extra `label.<key>` columns), whether it is a canary, and per-site
 * settings for workloads. Load it from a CSV or JSON file (one row or object per site), or build it
 * in code; every site is checked, and one error lists every bad row of a file, each as
 * `<file>:<row>: <column>=<value>: <problem>. Fix: <fix>` (the error's fields are the first one's).
 *
 * A CSV inventory (RFC 4180: quote a cell that holds a comma, a quote or a line break, doubling
 * the quotes inside; CRLF or LF; a BOM, empty lines and a final line break are fine):
 *
 * ```csv
 * name,region,zone,tier,hardware,canary,servers,agents,label.example.com/operator,setting.mqtt.broker
 * mec-001,eu-west,eu-west-1a,far-edge,arm64-small,yes,mec-001-s1@10.1.0.10,mec-001-a1@10.1.0.11;mec-001-a2@10.1.0.12,acme,"mqtt://broker.local:1883"
 * mec-002,eu-west,eu-west-1b,far-edge,arm64-small,,mec-002-s1@10.1.1.10,,acme,
 * ```
 *
 * - the header row is required; `name` and `servers` are required columns, the others optional;
 *   any other column is an error (a typo would otherwise be ignored);
 * - `name`: the site (cluster) name, a DNS-1123 label;
 * - `region`, `zone`, `tier`, `hardware`: label values; empty means none;
 * - `canary`: true/false, yes/no or 1/0 (any case); empty means false;
 * - `servers` (at least one) and `agents`: `nodeName@ip` entries separated by `;`, IPv4 or IPv6
 *   (`mec-001-s1@fd00::10`); node names and IPs are unique in the file;
 * - `label.<key>`: an extra cluster label (an empty cell means the site has no such label);
 * - `setting.<key>`: a per-site value for workloads, kept as written (not trimmed); an empty cell
 *   means no setting. Credentials are refused: put them in a Secret and its name in a setting.
 *
 * Cells of the other columns are trimmed. A row of empty cells is skipped like an empty line. Node
 * IPs follow the kubelet's rules for a node IP: not loopback, link-local, multicast or all zeros;
 * `::ffff:10.1.0.10` is the same address as `10.1.0.10`, and `FD00:0::10` as `fd00::10`.
 *
 * A JSON inventory is an array of site objects, or `{"sites": [...]}`, with the fields of
 * `InventorySite` (`servers` and `agents` as arrays of `{"name": ..., "ip": ...}`, `labels` and
 * `settings` as objects of strings, `canary` a boolean, default false); any other field is an
 * error, except `source`, which is ignored (so `JSON.stringify(inventory.sites)` reads back).
 *
 * Which errors come together: the header's problems are reported together (no row is read); then
 * every row's problems and the duplicates (site names, node names, node IPs, each naming both
 * rows) in one error, listed in file order (at most 50 lines, then a count). A quote left open, or
 * a JSON syntax error, stops the reading and is reported alone. A file must hold at least one site;
 * `fromSites([])` is an empty inventory.
 *
 * The checks here cover one file; the fleet checks node names and IPs across the whole app at synth.
 */
export class SiteInventory {
  /** Reads a `.csv` or `.json` inventory file (by its extension); messages name the file as given. */
  public static fromFile(file: string): SiteInventory {
    const ext = path.extname(file).toLowerCase();
    if (ext !== '.csv' && ext !== '.json') {
      throw propError(file, 'file', file, `has the extension "${ext}": a site inventory is a .csv or a .json file`, 'rename the file to .csv or .json by its format');
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw propError(file, 'file', file, `cannot be read (${code})`, 'check the path (relative paths are relative to the working directory of the synth)');
    }
    return ext === '.csv' ? SiteInventory.fromCsv(text, file) : SiteInventory.fromJson(text, file);
  }

  /** Reads a CSV inventory; `fileName` names it in messages. */
  public static fromCsv(text: string, fileName: string): SiteInventory {
    return new SiteInventory(fromCsvText(text, fileName));
  }

  /** Reads a JSON inventory; `fileName` names it in messages. */
  public static fromJson(text: string, fileName: string): SiteInventory {
    return new SiteInventory(fromJsonText(text, fileName));
  }

  /**
   * An inventory built in code: the same checks as a file's (`source` names a site in messages;
   * when empty, `sites[<i>]`). Labels and settings come back with sorted keys.
   */
  public static fromSites(sites: InventorySite[]): SiteInventory {
    if (!Array.isArray(sites)) throw propError('SiteInventory.fromSites', 'sites', sites, `is ${typeName(sites)}, not an array`, 'pass an array of sites');
    const problems = new Problems('the sites');
    const raws: RawSite[] = [];
    sites.forEach((site, i) => {
      const given = isPlainObject(site) ? site.source : undefined;
      const source = typeof given === 'string' && given !== '' ? given : `sites[${i}]`;
      const raw = rawFromObject(site, source, i, problems, ['source']);
      if (raw) raws.push(raw);
    });
    return new SiteInventory(buildAll(raws, problems));
  }

  /** The sites, in file order. */
  public readonly sites: InventorySite[];

  private constructor(sites: InventorySite[]) {
    this.sites = sites;
  }

  /**
   * The sites that match every entry of `selector`: `name`, `region`, `zone`, `tier`, `hardware`
   * and `canary` (`"true"`/`"false"`) match those fields, any other key the site's labels. An empty
   * selector matches every site.
   */
  public select(selector: { [key: string]: string }): InventorySite[] {
    const entries = Object.entries(selector ?? {});
    return this.sites.filter(site => entries.every(([k, v]) => fieldOf(site, k) === v));
  }
}

function fieldOf(site: InventorySite, key: string): string | undefined {
  switch (key) {
    case 'name': return site.name;
    case 'region': return site.region;
    case 'zone': return site.zone;
    case 'tier': return site.tier;
    case 'hardware': return site.hardware;
    case 'canary': return String(site.canary);
    default: return Object.prototype.hasOwnProperty.call(site.labels, key) ? site.labels[key] : undefined;
  }
}
