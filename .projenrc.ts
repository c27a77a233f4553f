import { cdk, javascript } from 'projen';

const project = new cdk.JsiiProject({
  name: 'cdk8s-wasm-edge',
  description: 'cdk8s constructs for WebAssembly (WasmEdge, runwasi, crun) workloads, serverless functions and offline K3s edge nodes',
  author: 'cdk8s-wasm-edge contributors',
  authorAddress: 'maintainers@cdk8s-wasm-edge.invalid',
  repositoryUrl: 'https://github.com/cdk8s-wasm-edge/cdk8s-wasm-edge.git',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  keywords: ['cdk8s', 'kubernetes', 'webassembly', 'wasm', 'wasmedge', 'k3s', 'edge', 'keda', 'serverless'],
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',
  workflowNodeVersion: '20',
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',
  // Source maps beside the JavaScript (dist/lib/*.js.map; the bundle's index.js.map joins them and
  // ships), not inlined into it: inline maps with inlined sources made the JavaScript 4.2 times larger
  // (4.6 MB), and node reads all of it at require('cdk8s-wasm-edge') (README, Performance: loading
  // cost). jsii's strict tsconfig rules leave these three options to the project.
  tsconfig: {
    compilerOptions: { inlineSourceMap: false, inlineSources: true, sourceMap: true },
  },
  srcdir: 'lib',
  testdir: 'test',
  libdir: 'dist/lib',
  entrypoint: 'dist/lib/index.js',
  peerDeps: ['cdk8s@^2.70.0', 'constructs@^10.4.2', 'cdk8s-plus-30@^2.4.10'],
  // Node files (K3s config, registries, cloud-init) are written with js-yaml: fleets write tens of
  // thousands of them. jsii packages must bundle their non-jsii dependencies.
  // The policy layer evaluates its own CEL rules against the app's pod templates at synth (issue 13):
  // @bufbuild/cel is a CEL evaluator in JavaScript (its peer @bufbuild/protobuf comes with it), loaded
  // only by apps that declare policies.
  // Dashboards are built at synth with Grafana's foundation SDK (typed builders, loaded only by apps
  // with dashboards; 6 MB on disk, most of it source maps).
  bundledDeps: ['js-yaml@^4.1.0', '@bufbuild/cel@0.6.1', '@bufbuild/protobuf@2.17.0', '@grafana/grafana-foundation-sdk@0.0.21'],
  devDeps: [
    'cdk8s@2.70.106',
    'constructs@10.4.2',
    'cdk8s-plus-30@2.4.10',
    'cdk8s-cli@^2.200.0',
    'kubernetes-models@^4.5.1',
    'ajv@^8.17.0',
    'ajv-formats@^3.0.1',
    'fast-check@^3.21.0',
    '@types/js-yaml@^4.0.9',
    'smol-toml@^1.3.0',
    // YAML 1.1 parsing in tests (how K3s and cloud-init read node files).
    'yaml@^2.8.0',
    'ts-node@^10.9.2',
    '@kubernetes/client-node@0.22.3',
    // Every PromQL expression of the monitoring layer is parsed in the tests with Prometheus's own
    // grammar (the one its web UI uses).
    '@prometheus-io/lezer-promql@0.315.0',
    '@lezer/lr@^1.4.12',
    '@lezer/highlight@^1.2.1',
  ],
  // Only the JavaScript target can be packaged on this machine; the other targets stay declared so the
  // API keeps compiling for them.
  publishToPypi: {
    distName: 'cdk8s-wasm-edge',
    module: 'cdk8s_wasm_edge',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_wasm_edge',
    mavenGroupId: 'io.github.cdk8s-wasm-edge',
    mavenArtifactId: 'cdk8s-wasm-edge',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-wasm-edge/cdk8s-wasm-edge-go',
  },
  github: false,
  release: false,
  eslint: true,
  eslintOptions: {
    dirs: ['lib'],
    devdirs: ['test', 'bench'],
    // lib/imports is generated from the CRDs by the import-crds task.
    ignorePatterns: ['*.js', '*.d.ts', 'node_modules/', '*.generated.ts', 'coverage', 'lib/imports/'],
  },
  docgen: true,
  jestOptions: {
    // jest 30 pulls unrs-resolver, whose per-platform optional packages this registry does not serve,
    // which leaves package-lock.json unusable for `npm ci`.
    jestVersion: '^29',
    // Snapshots are assertions: CI must fail on a changed snapshot, not rewrite it.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 120000,
      // jest's default on a 2-core CI machine is one worker; the suites are CPU-bound and independent.
      maxWorkers: 2,
      // The examples import 'cdk8s-wasm-edge' as a user's app does; in the repository it is lib/.
      moduleNameMapper: { '^cdk8s-wasm-edge$': '<rootDir>/lib/index.ts' },
    },
  },
  // In the repository, 'cdk8s-wasm-edge' (what the examples import) is lib/; type-checking with
  // `tsc -p test/tsconfig.json` covers the examples too.
  tsconfigDev: {
    compilerOptions: { paths: { 'cdk8s-wasm-edge': ['../lib/index.ts'] } },
    include: ['../examples/*/*.ts'],
  },
  gitignore: ['/dist-nodes/', '/examples/*/dist/', '/examples/*/nodes/', '/examples/*/node_modules/', '/.bench/', '/.consumer/', '/cdk8s.out/', '.scratch/'],
});

// The package version (projen would write 0.0.0 outside a release workflow, and this project has
// none): bump it here with a CHANGELOG.md entry; the examples' package.json ask for ^<this>.
project.package.addVersion('0.2.0');

// Generated L1 types for the CRDs in ../shared/crds: regenerated offline by `npx projen import-crds`.
project.addTask('import-crds', {
  description: 'Regenerate lib/imports/ from the pinned CRDs in ../shared/crds',
  exec: 'ts-node --project projenrc/tsconfig.json scripts/import-crds.ts',
});

// ts-node runs the scripts with projenrc/tsconfig.json: synth-examples loads the examples, which
// import 'cdk8s-wasm-edge' (lib/ here; scripts/synth-examples.ts resolves it at run time).
project.tryFindObjectFile('projenrc/tsconfig.json')?.addOverride('compilerOptions.paths', { 'cdk8s-wasm-edge': ['../lib/index.ts'] });

// Main job: synthesize every example into dist/<name>/ (node files into dist-nodes/<name>/).
project.addTask('synth-examples', {
  description: 'Synthesize every example into dist/<example>/',
  exec: 'ts-node --project projenrc/tsconfig.json scripts/synth-examples.ts',
  receiveArgs: true,
});

// Loading cost (issue 11, item 7): right after jsii, dist/lib/index.js (package.json main) becomes one
// file holding the compiled lib modules, so require('cdk8s-wasm-edge') does not go through node's
// module loader ~80 times. lib/imports/* (loaded lazily) and the packages stay separate files. In the
// compile task itself, so every `npx projen compile` (the bench, the consumer check, packaging)
// sees what is published.
const bundle = project.addTask('bundle', {
  description: 'Replace dist/lib/index.js with one bundled file of the compiled lib modules (not lib/imports)',
  exec: 'ts-node --transpile-only --project projenrc/tsconfig.json scripts/bundle.ts',
});
project.compileTask.spawn(bundle);

// Packs the library, installs the tarball in a fresh cdk8s project and synthesizes from it.
const consumerCheck = project.addTask('consumer-check', {
  description: 'Install the packed library into a fresh cdk8s project and synthesize an app from it',
  exec: 'ts-node --project projenrc/tsconfig.json scripts/consumer-check.ts',
});
project.postCompileTask.spawn(consumerCheck);

// Import-graph check: no import cycle in lib/, no import from a lower layer into a higher one
// (imports < private < building blocks < lib/*.ts). Runs with the tests, so CI runs it. To only
// print the findings without failing the build, set this to false:
const CHECK_IMPORTS_ENFORCE = true;
const checkImports = project.addTask('check-imports', {
  description: 'Fail on import cycles and layer violations in lib/ (--report-only or CHECK_IMPORTS=report: print only)',
  exec: `ts-node --project projenrc/tsconfig.json scripts/check-imports.ts${CHECK_IMPORTS_ENFORCE ? '' : ' --report-only'}`,
  receiveArgs: true,
});
project.testTask.spawn(checkImports);

project.addTask('bench', {
  description: 'Fleet-scale synthesis benchmark (not a test)',
  exec: 'ts-node --project projenrc/tsconfig.json bench/run.ts',
});

// The build fails when API.md is stale, so the committed API.md always matches the code.
const checkApiMd = project.addTask('check-api-md', {
  description: 'Fail when API.md differs from what jsii-docgen generates',
  exec: 'bash scripts/check-api-md.sh',
});
// In CI (a clean clone) a regenerated API.md that differs from the committed one fails the build.
project.postCompileTask.spawn(checkApiMd, { condition: 'node -e "if (!process.env.CI) process.exit(1)"' });

// .bench/, .consumer/ and cdk8s.out/ hold local build output (npm run bench) that npm pack would otherwise ship.
for (const p of ['/examples/', '/scripts/', '/bench/', '/dist-nodes/', '/.ci/', '/.bench/', '/.consumer/', '/cdk8s.out/', '.scratch/']) {
  project.addPackageIgnore(p);
}
// The package ships the bundle (dist/lib/index.js, see the bundle task) and the lazily loaded
// lib/imports/*; the other compiled modules are inside the bundle and nothing requires their files.
// The .d.ts files all ship (types). The source maps ship with the JavaScript, so stack traces still
// map to lib/ (the bundle's map joins the modules' maps).
for (const p of ['/dist/lib/**/*.js', '!/dist/lib/index.js', '!/dist/lib/imports/*.js']) {
  project.addPackageIgnore(p);
  project.addPackageIgnore(`${p}.map`);
}

// projen's eslint brings eslint-import-resolver-typescript 4.x, which resolves through unrs-resolver:
// its per-platform packages are missing from this registry, and npm ci then refuses the lock file.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.6.3');

// Per-object code stays off V8's slow object-spread path ({ ...a, b } and { ...a, ...b } are 5-10x
// slower than Object.assign in Node 20); a lone clone { ...a } is fine.
project.eslint?.addOverride({
  files: ['lib/**/*.ts'],
  rules: {
    // lib/private/lazy.ts: the generated CRD modules and js-yaml load on first use, through
    // `lazyModule((): typeof import('../imports/x') => require('../imports/x'))`; nothing else is required. The CEL evaluator
    // too: only apps with policies load it; and the Grafana SDK, only for dashboards.
    '@typescript-eslint/no-require-imports': ['error', { allow: ['/imports/', '^js-yaml$', '^@bufbuild/cel$', '^@grafana/grafana-foundation-sdk/'] }],
    'no-restricted-syntax': ['error', {
      selector: 'ObjectExpression[properties.length>1] > SpreadElement',
      message: 'use Object.assign({}, a, { ... }): a spread among other properties is 5-10x slower in Node 20 (README, Development)',
    }],
  },
});

project.synth();
