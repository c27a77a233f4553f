import * as kplus from 'cdk8s-plus-30';
import { WasmDeployment } from '../../lib';
import { HARDENED_SECURITY_CONTEXT, hardenedKubeSecurityContext, hardenedSecurityContext, WASM_UID } from '../../lib/private/security-context';

test('one hardened context: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp', () => {
  expect(HARDENED_SECURITY_CONTEXT).toEqual({
    ensureNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  });
  expect(WasmDeployment.HARDENED_CONTAINER_SECURITY_CONTEXT).toBe(HARDENED_SECURITY_CONTEXT);
});

test('overrides win, in order, and the shared constant is never changed', () => {
  const c = hardenedSecurityContext({ user: 1000 }, undefined, { readOnlyRootFilesystem: false });
  expect(c).toMatchObject({ user: 1000, readOnlyRootFilesystem: false, ensureNonRoot: true });
  expect(HARDENED_SECURITY_CONTEXT.readOnlyRootFilesystem).toBe(true);
});

test('the raw core/v1 shape runs as the Wasm uid by default', () => {
  expect(hardenedKubeSecurityContext()).toEqual({
    runAsNonRoot: true,
    runAsUser: WASM_UID,
    runAsGroup: WASM_UID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(hardenedKubeSecurityContext(1000).runAsUser).toBe(1000);
});
