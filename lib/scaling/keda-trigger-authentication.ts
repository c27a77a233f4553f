import { ApiObject, ApiObjectMetadata, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { checkDns1123Subdomain, propError, propMessage } from '../private/errors';
import { lazyExports } from '../private/lazy';
import { definedMetadata } from '../private/scaling-metadata';
import { checkMetadata } from '../private/validate';

// Loaded on first use: requiring the package stays cheap (bench: requireMs).
const { TriggerAuthentication } = lazyExports((): typeof import('../imports/keda') => require('../imports/keda'));

/** The kind of a KEDA authentication object. */
export enum KedaAuthenticationKind {
  /** A namespaced `TriggerAuthentication` (same namespace as the ScaledObject). */
  TRIGGER_AUTHENTICATION = 'TriggerAuthentication',
  /** A cluster-wide `ClusterTriggerAuthentication` (its secrets live in KEDA's namespace). */
  CLUSTER_TRIGGER_AUTHENTICATION = 'ClusterTriggerAuthentication',
}

/**
 * A KEDA TriggerAuthentication or ClusterTriggerAuthentication a trigger reads its credentials from.
 * Triggers never carry secrets in their metadata.
 */
export interface IKedaTriggerAuthentication {
  /** The object's name. */
  readonly authenticationName: string;
  /** TriggerAuthentication or ClusterTriggerAuthentication. */
  readonly kind: KedaAuthenticationKind;
  /**
   * The trigger parameters it provides (e.g. `host`, `password`), when known; undefined for objects
   * referenced by name.
   */
  readonly parameters?: string[];
}

/** One `secretTargetRef` entry: a trigger parameter read from a key of a Secret. */
export interface KedaSecretTargetRef {
  /** The trigger's authentication parameter, e.g. `host`, `username`, `password`, `sasl`, `bearerToken`. */
  readonly parameter: string;
  /** The Secret (same namespace as the TriggerAuthentication). Use `Secret.fromSecretName()` for an existing one. */
  readonly secret: kplus.ISecret;
  /** The key in the Secret. */
  readonly key: string;
}

/** Props of a KedaTriggerAuthentication. */
export interface KedaTriggerAuthenticationProps {
  /**
   * Trigger parameters read from Secrets. At least one is needed by synth time (add more with
   * `addSecretTargetRef()`).
   *
   * @default - none yet
   */
  readonly secretTargetRefs?: KedaSecretTargetRef[];

  /**
   * Metadata of the TriggerAuthentication object.
   *
   * @default - a generated name
   */
  readonly metadata?: ApiObjectMetadata;
}

class ImportedTriggerAuthentication implements IKedaTriggerAuthentication {
  constructor(public readonly authenticationName: string, public readonly kind: KedaAuthenticationKind) {}
}

/**
 * A KEDA TriggerAuthentication (keda.sh/v1alpha1) mapping trigger parameters to Secret keys
 * (`secretTargetRef`), so credentials stay in Secrets and out of ScaledObjects. It takes only
 * references (parameter, Secret, key), never a credential's value.
 *
 * @see https://keda.sh/docs/2.20/concepts/authentication/
 */
export class KedaTriggerAuthentication extends Construct implements IKedaTriggerAuthentication {
  /**
   * An existing TriggerAuthentication, by name (in the ScaledObject's namespace).
   */
  public static fromTriggerAuthenticationName(name: string): IKedaTriggerAuthentication {
    checkDns1123Subdomain('KedaTriggerAuthentication.fromTriggerAuthenticationName', 'name', name);
    return new ImportedTriggerAuthentication(name, KedaAuthenticationKind.TRIGGER_AUTHENTICATION);
  }

  /**
   * An existing ClusterTriggerAuthentication, by name.
   */
  public static fromClusterTriggerAuthenticationName(name: string): IKedaTriggerAuthentication {
    checkDns1123Subdomain('KedaTriggerAuthentication.fromClusterTriggerAuthenticationName', 'name', name);
    return new ImportedTriggerAuthentication(name, KedaAuthenticationKind.CLUSTER_TRIGGER_AUTHENTICATION);
  }

  /** The TriggerAuthentication object. */
  public readonly apiObject: ApiObject;
  /** Always TriggerAuthentication. */
  public readonly kind: KedaAuthenticationKind = KedaAuthenticationKind.TRIGGER_AUTHENTICATION;

  private readonly refs: KedaSecretTargetRef[] = [];

  constructor(scope: Construct, id: string, props: KedaTriggerAuthenticationProps = {}) {
    super(scope, id);
    checkMetadata(this, 'metadata', props.metadata);
    this.apiObject = new TriggerAuthentication(this, 'Resource', {
      metadata: definedMetadata(props.metadata),
      spec: Lazy.any({
        produce: () => ({
          secretTargetRef: this.refs.map(r => ({ parameter: r.parameter, name: r.secret.name, key: r.key })),
        }),
      }),
    });
    for (const ref of props.secretTargetRefs ?? []) this.addSecretTargetRef(ref);
    this.node.addValidation({
      validate: () => this.refs.length > 0 ? [] : [propMessage(this, 'secretTargetRefs', [], 'a TriggerAuthentication without entries gives the trigger no credentials',
        'pass secretTargetRefs or call addSecretTargetRef({ parameter: "password", secret, key: "password" })')],
    });
  }

  /** Reads a trigger parameter from a Secret key. */
  public addSecretTargetRef(ref: KedaSecretTargetRef): void {
    const where = `secretTargetRefs[${this.refs.length}]`;
    if (typeof ref.parameter !== 'string' || ref.parameter.length > 253 || !/^[A-Za-z][A-Za-z0-9_]*$/.test(ref.parameter)) {
      throw propError(this, `${where}.parameter`, ref.parameter, 'is not a trigger parameter name',
        'use the parameter name from the scaler\'s "Authentication Parameters" docs, e.g. "password" or "host"');
    }
    if (this.refs.some(r => r.parameter === ref.parameter)) {
      throw propError(this, `${where}.parameter`, ref.parameter, 'is already mapped', 'map each parameter once');
    }
    // A Secret key (k8s.io/apimachinery IsConfigMapKey): letters, digits, "-", "_", "."; at most 253.
    // It names where the credential is, never the credential: the object has no field for inline values.
    if (typeof ref.key !== 'string' || ref.key.length > 253 || !/^[-._a-zA-Z0-9]+$/.test(ref.key) || ref.key === '.' || ref.key === '..') {
      throw propError(this, `${where}.key`, ref.key, 'must name a key of the Secret (letters, digits, "-", "_" or ".", at most 253 characters)', 'set key, e.g. "password"');
    }
    if (!ref.secret || typeof ref.secret.name !== 'string') {
      throw propError(this, `${where}.secret`, undefined, 'must be a Secret', 'pass kplus.Secret.fromSecretName(this, "S", "kafka-credentials") or a kplus.Secret');
    }
    // Secret.fromSecretName() takes any string; the TriggerAuthentication names it.
    checkDns1123Subdomain(this, `${where}.secret name`, ref.secret.name);
    this.refs.push(ref);
  }

  /** The object's name. */
  public get authenticationName(): string {
    return this.apiObject.name;
  }

  /** The parameters this object provides. */
  public get parameters(): string[] | undefined {
    return this.refs.map(r => r.parameter);
  }
}
