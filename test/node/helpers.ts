import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

const FLAG_JSON = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'shared', 'reference', 'k3s-flags.json'), 'utf-8'));

/** Flag names valid in a config file of this command, from the upstream list (not the library's table). */
export function validKeys(command: 'server' | 'agent'): Set<string> {
  return new Set((FLAG_JSON.flags as any[]).filter(f => f.commands.includes(command) && f.configYamlKey && !f.deprecated).map(f => f.name));
}

/** Parses a K3s config file and checks every key (with `+` removed) is a flag of the command. */
export function parseK3sConfig(content: string, command: 'server' | 'agent'): { [key: string]: any } {
  const doc = (yaml.load(content) ?? {}) as { [key: string]: any };
  const valid = validKeys(command);
  for (const key of Object.keys(doc)) {
    const flag = key.endsWith('+') ? key.slice(0, -1) : key;
    if (!valid.has(flag)) throw new Error(`key ${key} is not a ${command} flag`);
  }
  return doc;
}

/**
 * The TOML part of a containerd template as K3s renders it: the base template line removed, and
 * `{{ .SystemdCgroup }}` replaced by the value K3s detected (a bool field of its ContainerdConfig
 * template data, k3s-io/k3s pkg/agent/templates/templates.go). The guard actions sit in comment
 * lines, which stay comments whatever they render to. Any other action left is an error.
 */
export function templateToml(content: string, systemdCgroup = true): string {
  const lines = content.split('\n');
  if (lines[0] !== '{{ template "base" . }}') throw new Error('template does not start with the base template');
  const rendered = lines.slice(1).map(l => l.replace(/\{\{ \.SystemdCgroup \}\}/g, String(systemdCgroup)));
  const stray = rendered.find(l => !/^\s*#/.test(l) && l.includes('{{'));
  if (stray !== undefined) throw new Error(`template action outside a comment: ${stray}`);
  return rendered.join('\n');
}

/**
 * Renders a containerd template roughly as K3s does on a host where it detected `detected` runtimes
 * on its PATH: the guard `# {{ if not (index .ExtraRuntimes "X").RuntimeType }}` ... `# {{ end }}`
 * drops its block when X is detected, and the base template defines K3s's own table for each
 * detected runtime (runc.v2 with BinaryName, no pod_annotations: k3s-io/k3s
 * pkg/agent/templates/templates_linux.go, pkg/agent/containerd/runtimes.go).
 */
export function renderAsK3s(content: string, options: { systemdCgroup?: boolean; detected?: string[]; configVersion?: 2 | 3 } = {}): string {
  const detected = new Set(options.detected ?? []);
  const table = (options.configVersion ?? 3) === 3 ? "plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes" : 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes';
  const base = [...detected].sort().map(h => `[${table}."${h}"]\n  runtime_type = "io.containerd.runc.v2"\n[${table}."${h}".options]\n  BinaryName = "/usr/bin/${h}"\n  SystemdCgroup = ${options.systemdCgroup ?? true}`);
  const out: string[] = [];
  let skipping = false;
  for (const line of templateToml(content, options.systemdCgroup ?? true).split('\n')) {
    const guard = /^# \{\{ if not \(index \.ExtraRuntimes "([^"]+)"\)\.RuntimeType \}\}$/.exec(line);
    if (guard) {
      skipping = detected.has(guard[1]);
      continue;
    }
    if (line === '# {{ end }}') {
      skipping = false;
      continue;
    }
    if (!skipping) out.push(line);
  }
  return [...base, ...out].join('\n');
}

/** A token of a POSIX shell line: a word (quotes removed) or an operator. */
export interface ShellToken {
  readonly kind: 'word' | 'op';
  /** The word after quote removal, or the operator. */
  readonly value: string;
  /** Whether the word has an unquoted (or double-quoted) expansion: $, backticks, globs, a leading ~. */
  readonly expands: boolean;
}

/**
 * A small POSIX shell tokenizer (no execution): words with single quotes, double quotes and
 * backslashes removed, operators (; | || & && > >> >& < ( )) apart. Enough to check that a value
 * put into a runcmd line stays one word and expands nothing; throws on an unterminated quote.
 */
export function shellTokens(line: string): ShellToken[] {
  const out: ShellToken[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n') {
      out.push({ kind: 'op', value: '\n', expands: false });
      i++;
      continue;
    }
    const op = /^(\|\||&&|>>|>&|[;|&<>()])/.exec(line.slice(i));
    if (op) {
      out.push({ kind: 'op', value: op[1], expands: false });
      i += op[1].length;
      continue;
    }
    let value = '';
    let expands = false;
    const start = i;
    while (i < line.length && !/[ \t\n;|&<>()]/.test(line[i])) {
      const ch = line[i];
      if (ch === '\'') {
        const end = line.indexOf('\'', i + 1);
        if (end < 0) throw new Error(`unterminated single quote in: ${line}`);
        value += line.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < line.length && '$`"\\\n'.includes(line[i + 1])) {
            value += line[i + 1];
            i += 2;
          } else {
            if (line[i] === '$' || line[i] === '`') expands = true;
            value += line[i++];
          }
        }
        if (i >= line.length) throw new Error(`unterminated double quote in: ${line}`);
        i++;
      } else if (ch === '\\') {
        value += line[i + 1] ?? '';
        i += 2;
      } else {
        if (/[$`*?[]/.test(ch) || (ch === '~' && i === start)) expands = true;
        value += ch;
        i++;
      }
    }
    out.push({ kind: 'word', value, expands });
  }
  return out;
}
