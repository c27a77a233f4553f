import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { propError } from './errors';

/**
 * A Kubernetes memory quantity for a Size, in the largest binary unit that keeps it whole.
 * @internal
 */
export function sizeToQuantity(size: Size): string {
  const kib = size.toKibibytes({ rounding: 1 /* SizeRoundingBehavior.FLOOR */ });
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}

/**
 * Millicores of a Cpu (kplus stores "250m" or "0.5" strings).
 * @internal
 */
export function cpuToMillis(cpu: kplus.Cpu): number {
  const amount = cpu.amount;
  return amount.endsWith('m') ? Number(amount.slice(0, -1)) : Math.round(Number(amount) * 1000);
}

/**
 * Bytes of a Size.
 * @internal
 */
export function sizeToBytes(size: Size): number {
  return size.toKibibytes({ rounding: 1 }) * 1024;
}

/**
 * The largest CPU amount any prop may hold: 4096 cores. The biggest single machines today (8-socket
 * servers, HPE Superdome Flex) have fewer than 2,000 hardware threads, and a pod never spans nodes,
 * so anything above is a unit mistake (e.g. `Cpu.units(500)` meant as millicores) and would leave
 * pods Pending forever. Quotas (a sum over pods) get 1024 times more.
 * @internal
 */
export const MAX_CPU_MILLIS = 4096 * 1000;

/**
 * The largest memory amount any prop may hold: 64 TiB. The biggest single machines today have
 * 32-48 TiB of RAM; anything above is a unit mistake and would never schedule. Quotas get 1024 times
 * more.
 * @internal
 */
export const MAX_MEMORY_BYTES = 64 * 1024 ** 4;

/**
 * Millicores of a Cpu, exactly, or NaN unless its amount is written as Kubernetes reads it and
 * holds whole millicores: `<digits>m`, or cores with at most three decimals (no sign, no exponent:
 * `Cpu.millis(1e-78)` renders "1e-78m", `Cpu.units(1e21)` "1e+21").
 * @internal
 */
export function exactCpuMillis(cpu: kplus.Cpu): number {
  const amount = typeof cpu?.amount === 'string' ? cpu.amount : '';
  if (/^[0-9]+m$/.test(amount)) return Number(amount.slice(0, -1));
  const m = /^([0-9]+)(?:\.([0-9]{1,3}))?$/.exec(amount);
  if (!m) return NaN;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/**
 * Checks a CPU amount: a finite whole number of millicores (Kubernetes allows no finer precision)
 * from `min` to `max` millicores.
 * @internal
 */
export function checkCpu(scope: IConstruct | string, prop: string, cpu: kplus.Cpu | undefined,
  options: { min?: number; max?: number } = {}): void {
  if (cpu === undefined) return;
  const min = options.min ?? 0;
  const max = options.max ?? MAX_CPU_MILLIS;
  const m = exactCpuMillis(cpu);
  if (!Number.isSafeInteger(m) || m < min || m > max) {
    throw propError(scope, prop, cpu?.amount, `must be a whole number of millicores from ${min}m to ${max / 1000} cores (Kubernetes allows no precision finer than 1m${max === MAX_CPU_MILLIS ? '; no node has more than a few thousand cores' : ''})`,
      'use e.g. Cpu.millis(250) or Cpu.units(2)');
  }
}

/**
 * Bytes of a Size, or NaN when it has none (NaN amounts, or a conversion cdk8s refuses).
 * @internal
 */
export function exactBytes(size: Size): number {
  try {
    const kib = size.toKibibytes({ rounding: 2 /* SizeRoundingBehavior.NONE */ });
    return typeof kib === 'number' ? kib * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * Checks a memory amount: whole KiB (or whole MiB with `unit: 'Mi'`, which cdk8s-plus renders
 * container memory in; whole GiB with `unit: 'Gi'`, which it renders ephemeral storage in:
 * cdk8s-plus-30 lib/container.js, `toGibibytes()` throws otherwise) from `min` to `max` bytes.
 * @internal
 */
export function checkMemory(scope: IConstruct | string, prop: string, size: Size | undefined,
  options: { min?: number; max?: number; unit?: 'Ki' | 'Mi' | 'Gi' } = {}): void {
  if (size === undefined) return;
  const min = options.min ?? 0;
  const max = options.max ?? MAX_MEMORY_BYTES;
  const unit = options.unit ?? 'Ki';
  const step = unit === 'Gi' ? 1024 ** 3 : unit === 'Mi' ? 1024 * 1024 : 1024;
  const b = exactBytes(size);
  if (!Number.isFinite(b) || b % step !== 0 || b < min || b > max) {
    const shown = Number.isFinite(b) ? `${b / 1024}Ki` : String(b);
    const why = unit === 'Gi' ? 'must be a whole number of GiB (cdk8s-plus renders ephemeral storage in Gi)'
      : unit === 'Mi' ? 'must be a whole number of MiB (cdk8s-plus renders container memory in Mi)' : 'must be a whole number of KiB';
    throw propError(scope, prop, shown, `${why} from ${quantityOf(min)} to ${quantityOf(max)}${max === MAX_MEMORY_BYTES && unit !== 'Gi' ? ' (no node has more memory)' : ''}`,
      unit === 'Gi' ? 'use e.g. Size.gibibytes(1)' : `use e.g. Size.mebibytes(${Math.max(1, Math.ceil(min / (1024 * 1024)))}) or Size.gibibytes(2)`);
  }
}

function quantityOf(bytes: number): string {
  if (bytes === 0) return '0';
  const units: Array<[number, string]> = [[1024 ** 4, 'Ti'], [1024 ** 3, 'Gi'], [1024 ** 2, 'Mi'], [1024, 'Ki']];
  for (const [n, u] of units) if (bytes % n === 0) return `${bytes / n}${u}`;
  return `${bytes}`;
}
