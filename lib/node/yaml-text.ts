import { yamlDocument } from '../private/yaml';

/**
 * YAML text of a node file (K3s config, registries, cloud-init): the library's one YAML writer
 * (lib/private/yaml.ts), which quotes every string a YAML 1.1 reader would take for another type.
 * K3s reads its files with go-yaml, cloud-init with PyYAML, both 1.1.
 *
 * @internal
 */
export function yamlText(value: unknown): string {
  return yamlDocument(value);
}
