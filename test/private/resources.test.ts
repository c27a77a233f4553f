import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { checkResources, mergeResources, WASM_DEFAULT_RESOURCES, wasmResources } from '../../lib/private/resources';
import { validationErrorOf } from '../util/errors';

describe('mergeResources', () => {
  test('fills every request and limit the user leaves out from the Wasm defaults', () => {
    const merged = mergeResources({ cpu: { limit: kplus.Cpu.millis(500) } });
    expect(merged.cpu!.request!.amount).toBe(WASM_DEFAULT_RESOURCES.cpu!.request!.amount);
    expect(merged.cpu!.limit!.amount).toBe('500m');
    expect(merged.memory!.request!.toMebibytes()).toBe(10);
    expect(merged.memory!.limit!.toMebibytes()).toBe(50);
    expect(merged.ephemeralStorage).toBeUndefined();
  });

  test('other defaults can be given', () => {
    const merged = mergeResources(undefined, { cpu: { request: kplus.Cpu.millis(1) } });
    expect(merged.cpu!.request!.amount).toBe('1m');
    expect(merged.cpu!.limit).toBeUndefined();
    expect(merged.memory).toEqual({ request: undefined, limit: undefined });
  });
});

describe('checkResources', () => {
  test('a limit below its request names the pair', () => {
    const e = validationErrorOf(() => checkResources('app/w', { cpu: { request: kplus.Cpu.millis(300), limit: kplus.Cpu.millis(200) } }));
    expect(e.constructPath).toBe('app/w');
    expect(e.prop).toBe('resources.cpu');
    expect(e.fix).toMatch(/raise resources.cpu.limit/);
    expect(validationErrorOf(() => checkResources('w', { memory: { request: Size.mebibytes(20), limit: Size.mebibytes(10) } })).prop).toBe('resources.memory');
  });

  test('memory in whole MiB, a CPU limit of at least 1m', () => {
    expect(validationErrorOf(() => checkResources('w', { memory: { limit: Size.kibibytes(1536) } })).prop).toBe('resources.memory.limit');
    expect(validationErrorOf(() => checkResources('w', { cpu: { limit: kplus.Cpu.millis(0) } })).prop).toBe('resources.cpu.limit');
    expect(validationErrorOf(() => checkResources('w', { ephemeralStorage: { limit: Size.kibibytes(1) } })).prop).toBe('resources.ephemeralStorage.limit');
  });

  test('wasmResources merges, then checks', () => {
    expect(() => wasmResources('w')).not.toThrow();
    expect(validationErrorOf(() => wasmResources('w', { cpu: { request: kplus.Cpu.millis(201) } })).prop).toBe('resources.cpu');
  });
});

describe('ephemeral storage (bug fix: cdk8s-plus renders it in whole GiB)', () => {
  // cdk8s-plus-30 lib/container.js:617,626 writes ephemeral-storage as toGibibytes() + "Gi", which throws for
  // a fraction: 512Mi used to pass the check and then crash synth with a cdk8s error.
  test('a fraction of a GiB is the library error, naming the unit', () => {
    const e = validationErrorOf(() => checkResources('w', { ephemeralStorage: { request: Size.mebibytes(512) } }));
    expect(e.prop).toBe('resources.ephemeralStorage.request');
    expect(e.problem).toMatch(/whole number of GiB \(cdk8s-plus renders ephemeral storage in Gi\)/);
    expect(e.fix).toBe('use e.g. Size.gibibytes(1)');
  });

  test('whole GiB pass', () => {
    expect(() => checkResources('w', { ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } })).not.toThrow();
  });
});
