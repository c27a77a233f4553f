import { lazyModule } from '../private/lazy';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const jsyaml = lazyModule((): typeof import('js-yaml') => require('js-yaml'));

/**
 * YAML text of a node file (K3s config, registries, cloud-init). js-yaml rather than cdk8s's
 * serializer: a fleet writes tens of thousands of these, and js-yaml is several times faster. It
 * also quotes the strings a YAML 1.1 reader would take for a boolean, an octal or a sexagesimal
 * number ("on", "0644", "12:30"): K3s reads its files with go-yaml, cloud-init with PyYAML, both 1.1.
 *
 * @internal
 */
export function yamlText(value: unknown): string {
  return jsyaml.dump(value, { lineWidth: -1, noRefs: true });
}
