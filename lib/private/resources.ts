/**
 * Container resources of Wasm workloads: the Wasm-sized defaults, their merge with what the user
 * gives, and the one check of requests and limits (whole millicores, whole MiB, limit >= request).
 */
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { IConstruct } from 'constructs';
import { propError } from './errors';
import { checkCpu, checkMemory, cpuToMillis, sizeToBytes, sizeToQuantity } from './quantity';

/** Wasm-sized default resources: requests 50m CPU / 10Mi, limits 200m CPU / 50Mi. */
export const WASM_DEFAULT_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(200) },
  memory: { request: Size.mebibytes(10), limit: Size.mebibytes(50) },
};

/**
 * The resources a Wasm container gets: each CPU and memory request and limit the user leaves out
 * is the default's; ephemeral storage only as given.
 */
export function mergeResources(resources?: kplus.ContainerResources,
  defaults: kplus.ContainerResources = WASM_DEFAULT_RESOURCES): kplus.ContainerResources {
  return {
    cpu: { request: resources?.cpu?.request ?? defaults.cpu?.request, limit: resources?.cpu?.limit ?? defaults.cpu?.limit },
    memory: { request: resources?.memory?.request ?? defaults.memory?.request, limit: resources?.memory?.limit ?? defaults.memory?.limit },
    ephemeralStorage: resources?.ephemeralStorage,
  };
}

/**
 * Checks container resources: CPU in whole millicores (a limit at least 1m), memory in whole MiB and
 * ephemeral storage in whole GiB (cdk8s-plus renders them so; a limit at least one unit), no limit
 * below its request.
 */
export function checkResources(scope: IConstruct | string, r: kplus.ContainerResources): void {
  checkCpu(scope, 'resources.cpu.request', r.cpu?.request);
  checkCpu(scope, 'resources.cpu.limit', r.cpu?.limit, { min: 1 });
  checkMemory(scope, 'resources.memory.request', r.memory?.request, { unit: 'Mi' });
  checkMemory(scope, 'resources.memory.limit', r.memory?.limit, { unit: 'Mi', min: 1024 * 1024 });
  checkMemory(scope, 'resources.ephemeralStorage.request', r.ephemeralStorage?.request, { unit: 'Gi' });
  checkMemory(scope, 'resources.ephemeralStorage.limit', r.ephemeralStorage?.limit, { unit: 'Gi', min: 1024 ** 3 });
  if (r.cpu?.request && r.cpu?.limit && cpuToMillis(r.cpu.request) > cpuToMillis(r.cpu.limit)) {
    throw propError(scope, 'resources.cpu', { request: r.cpu.request.amount, limit: r.cpu.limit.amount }, 'the CPU limit is below the request',
      'raise resources.cpu.limit to at least the request, or lower the request');
  }
  if (r.memory?.request && r.memory?.limit && sizeToBytes(r.memory.request) > sizeToBytes(r.memory.limit)) {
    throw propError(scope, 'resources.memory', { request: sizeToQuantity(r.memory.request), limit: sizeToQuantity(r.memory.limit) },
      'the memory limit is below the request', 'raise resources.memory.limit to at least the request, or lower the request');
  }
}

/** The resources of a Wasm container (the defaults merged in), checked. */
export function wasmResources(scope: IConstruct | string, resources?: kplus.ContainerResources): kplus.ContainerResources {
  const merged = mergeResources(resources);
  checkResources(scope, merged);
  return merged;
}
