import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { checkCpu, checkMemory, cpuToMillis, exactBytes, exactCpuMillis, sizeToBytes, sizeToQuantity } from '../../lib/private/quantity';
import { validationErrorOf } from '../util/errors';

test('CPU in millicores', () => {
  expect(cpuToMillis(kplus.Cpu.units(2))).toBe(2000);
  expect(cpuToMillis(kplus.Cpu.millis(250))).toBe(250);
  expect(exactCpuMillis(kplus.Cpu.millis(NaN))).toBeNaN();
  expect(() => checkCpu('w', 'cpu', kplus.Cpu.millis(1))).not.toThrow();
  expect(validationErrorOf(() => checkCpu('w', 'cpu', kplus.Cpu.millis(0), { min: 1 })).prop).toBe('cpu');
  expect(validationErrorOf(() => checkCpu('w', 'cpu', kplus.Cpu.millis(0.5))).fix).toMatch(/Cpu.millis/);
});

test('memory in bytes and as a quantity', () => {
  expect(sizeToBytes(Size.mebibytes(2))).toBe(2 * 1024 * 1024);
  expect(sizeToQuantity(Size.mebibytes(64))).toBe('64Mi');
  expect(sizeToQuantity(Size.kibibytes(3))).toBe('3Ki');
  expect(exactBytes(Size.kibibytes(NaN))).toBeNaN();
  expect(() => checkMemory('w', 'memory', Size.kibibytes(3))).not.toThrow();
  const e = validationErrorOf(() => checkMemory('w', 'memory', Size.kibibytes(3), { unit: 'Mi' }));
  expect([e.prop, e.value]).toEqual(['memory', '"3Ki"']);
});
