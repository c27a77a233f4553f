import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';

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
