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

/** The TOML part of a containerd template: the base template line removed. */
export function templateToml(content: string): string {
  const lines = content.split('\n');
  if (lines[0] !== '{{ template "base" . }}') throw new Error('template does not start with the base template');
  return lines.slice(1).join('\n');
}
