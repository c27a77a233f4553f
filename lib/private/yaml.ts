import type * as jsyamlT from 'js-yaml';
import { lazyModule } from './lazy';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const jsyaml = lazyModule((): typeof import('js-yaml') => require('js-yaml'));

/**
 * Plain scalars a YAML 1.1 reader takes for a number although js-yaml (YAML 1.2 core schema)
 * would write them unquoted: digits with `_` separators (`1_000`, `0_7`), and floats without a
 * leading digit after a sign or with `_` (`+.5`, `._1`). go-yaml v2, which Kubernetes (sigs.k8s.io/yaml),
 * K3s and containerd's CRI plugin read manifests and node files with, strips `_` before parsing
 * numbers (gopkg.in/yaml.v2 resolve.go, `plain := strings.Replace(in, "_", "", -1)`); PyYAML
 * (cloud-init) follows the YAML 1.1 int/float regexps. Such a string is quoted: over-quoting is
 * harmless, a string read back as a number is not.
 *
 * @see https://yaml.org/type/int.html
 * @see https://yaml.org/type/float.html
 */
const YAML11_NUMBER = new RegExp([
  '^[-+]?0b[0-1_]+$',
  '^[-+]?0[0-7_]+$',
  '^[-+]?(0|[1-9][0-9_]*)$',
  '^[-+]?0x[0-9a-fA-F_]+$',
  '^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$',
  '^[-+]?([0-9][0-9_]*)?\\.[0-9_.]*([eE][-+]?[0-9]+)?$',
  '^[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)$',
  '^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$',
].join('|'));

const NUMBER_START = /^[-+.0-9]/;

/**
 * What go-yaml v2 itself takes for a number (go.yaml.in/yaml/v2 resolve.go:150-166): with every `_`
 * removed, Go integer syntax with a base prefix or a leading 0 (strconv.ParseInt(plain, 0, 64)), or
 * its yamlStyleFloat. `0_8` is `08`, a float 8 to it; `0_x7` is `0x7`; `17e_0` is `17e0`.
 */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function goYamlNumber(data: string): boolean {
  const plain = data.replace(/_/g, '');
  return GO_INT.test(plain) || GO_FLOAT.test(plain);
}

let schema: jsyamlT.Schema | undefined;

/**
 * js-yaml's default schema plus one implicit type that claims the YAML 1.1 numbers above. The
 * dumper quotes every string that some implicit type of its schema would resolve (js-yaml
 * lib/dumper.js, testImplicitResolving), so those strings come out quoted. Only for dumping.
 */
function dumpSchema(): jsyamlT.Schema {
  if (!schema) {
    const yaml11Number = new jsyaml.Type('tag:cdk8s-wasm-edge,2026:yaml11-number', {
      kind: 'scalar',
      // Every such number starts with a digit, a sign or a dot: the cheap test first (the dumper
      // asks for every scalar it writes).
      resolve: (data: unknown) => typeof data === 'string' && NUMBER_START.test(data) && (YAML11_NUMBER.test(data) || goYamlNumber(data)),
      construct: (data: string) => data,
    });
    schema = jsyaml.DEFAULT_SCHEMA.extend({ implicit: [yaml11Number] });
  }
  return schema;
}

/**
 * YAML text of one document, for manifests and node files. js-yaml rather than cdk8s's serializer:
 * a fleet writes hundreds of thousands of documents, and js-yaml is several times faster (bench).
 * Strings a YAML 1.1 reader would take for a boolean, a null, an octal, a sexagesimal or any
 * other number ("on", "~", "0644", "12:30", "1_000") are quoted: Kubernetes and K3s read YAML with
 * go-yaml, cloud-init with PyYAML, both 1.1. No line folding (a long string stays one line), no
 * anchors (an object that appears twice is written twice), undefined values left out.
 *
 * @internal
 */
export function yamlDocument(value: unknown): string {
  return jsyaml.dump(value, { lineWidth: -1, noRefs: true, skipInvalid: true, schema: dumpSchema() });
}
