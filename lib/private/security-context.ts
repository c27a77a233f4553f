/**
 * The hardened security context of the library's containers: non-root with a numeric uid (`FROM
 * scratch` images have no /etc/passwd), read-only root filesystem, no privilege escalation, all
 * capabilities dropped, seccomp RuntimeDefault. One definition, in the two shapes the library
 * renders: cdk8s-plus container props and the raw core/v1 SecurityContext of the backends' CRDs.
 */
import * as kplus from 'cdk8s-plus-30';

/** Numeric uid/gid Wasm pods run as. */
export const WASM_UID = 65532;

/** The hardened container security context, as cdk8s-plus container props (the uid comes from the pod). */
export const HARDENED_SECURITY_CONTEXT: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  capabilities: { drop: [kplus.Capability.ALL] },
  seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
};

/** The hardened context with `overrides` on top (each given field wins). */
export function hardenedSecurityContext(...overrides: Array<kplus.ContainerSecurityContextProps | undefined>): kplus.ContainerSecurityContextProps {
  return Object.assign({}, HARDENED_SECURITY_CONTEXT, ...overrides);
}

/**
 * The hardened context as a raw core/v1 container SecurityContext, running as `uid` (for CRDs that
 * embed a container: Knative, SpinKube, OpenFaaS).
 */
export function hardenedKubeSecurityContext(uid: number = WASM_UID) {
  const h = HARDENED_SECURITY_CONTEXT;
  return {
    runAsNonRoot: h.ensureNonRoot!,
    runAsUser: uid,
    runAsGroup: uid,
    readOnlyRootFilesystem: h.readOnlyRootFilesystem!,
    allowPrivilegeEscalation: h.allowPrivilegeEscalation!,
    privileged: h.privileged!,
    capabilities: { drop: h.capabilities!.drop!.map(c => String(c)) },
    seccompProfile: { type: String(h.seccompProfile!.type) },
  };
}
