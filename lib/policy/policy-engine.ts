import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { renderGatekeeper } from './gatekeeper';
import { renderKyverno } from './kyverno';
import { PolicyNamespaces } from './policy-namespaces';
import {
  definitionOf, PodShape, PolicyAction, PolicyModel, PolicyValidation, PolicyVariable, policyVariables, WasmPolicyRule,
} from './policy-rule';
import { renderValidatingAdmissionPolicy } from './validating-admission-policy';

/**
 * One rule of the rule base as an app configured it: its action, its namespaces and the names of
 * its objects. The CEL strings depend on the whole app (its RuntimeClasses, repositories, nodes),
 * so `variables()` and `validation()` are read at synth: an engine places them in its objects with
 * `Lazy.any({ produce: () => ... })`.
 */
export class PolicyRule {
  /** @internal */
  public static _create(rule: WasmPolicyRule, props: {
    objectName: string;
    action: PolicyAction;
    namespaces: PolicyNamespaces;
    model: () => PolicyModel;
  }): PolicyRule {
    return new PolicyRule(rule, props.objectName, props.action, props.namespaces, props.model);
  }

  /** The rule's name, e.g. `wasm-runtime-class`. */
  public readonly ruleName: string;
  /** What the rule keeps true, one line. */
  public readonly summary: string;
  /** The shapes of pods the rule is rendered for. */
  public readonly shapes: PodShape[];

  private constructor(
    /** The rule. */
    public readonly rule: WasmPolicyRule,
    /** The base name of the rule's objects (a DNS-1123 subdomain; engines append the shape). */
    public readonly objectName: string,
    /** What the engine does with an object the rule refuses. */
    public readonly action: PolicyAction,
    /** The namespaces the rule applies in. */
    public readonly namespaces: PolicyNamespaces,
    private readonly model: () => PolicyModel) {
    const def = definitionOf(rule);
    this.ruleName = rule.ruleName;
    this.summary = def.summary;
    this.shapes = [...def.shapes];
  }

  /** The CEL variables for a shape, in order (read at synth). */
  public variables(shape: PodShape): PolicyVariable[] {
    return policyVariables(shape, this.model());
  }

  /** The CEL validation (read at synth). */
  public validation(): PolicyValidation {
    return definitionOf(this.rule).validation(this.model());
  }
}

/** Options for the Kyverno engine. */
export interface KyvernoPolicyOptions {
  /**
   * Whether Kyverno also scans existing resources in the background and reports violations
   * (PolicyReports).
   *
   * @default true
   */
  readonly background?: boolean;
}

/** Options for the Gatekeeper engine. */
export interface GatekeeperPolicyOptions {
  /**
   * Whether Gatekeeper's audit also reports existing violations (the Constraint's audit; Gatekeeper
   * audits every Constraint unless told not to).
   *
   * @default true
   */
  readonly audit?: boolean;
}

/**
 * The admission engine that enforces the rules: it renders each rule's CEL for its own objects in
 * `bind()`. A new engine is a subclass.
 */
export abstract class PolicyEngine {
  /**
   * Kubernetes ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding
   * (admissionregistration.k8s.io/v1, GA in 1.30, built into the API server: no controller to run on
   * a small edge node). One policy and one binding per rule and pod shape.
   *
   * @see https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
   */
  public static validatingAdmissionPolicy(): PolicyEngine {
    return new VapEngine();
  }

  /** A Kyverno ClusterPolicy per rule (kyverno.io/v1, `validate.cel`). */
  public static kyverno(options: KyvernoPolicyOptions = {}): PolicyEngine {
    return new KyvernoEngine(options);
  }

  /** A Gatekeeper ConstraintTemplate (`K8sNativeValidation` CEL engine) and its Constraint per rule. */
  public static gatekeeper(options: GatekeeperPolicyOptions = {}): PolicyEngine {
    return new GatekeeperEngine(options);
  }

  /** The engine's name, for messages. */
  public abstract readonly displayName: string;

  /**
   * Renders the rules as the engine's objects under `scope`. Called at construction; read each
   * rule's `variables()` and `validation()` inside `Lazy.any()` (they are known at synth).
   */
  public abstract bind(scope: Construct, rules: PolicyRule[]): ApiObject[];
}

class VapEngine extends PolicyEngine {
  public readonly displayName = 'ValidatingAdmissionPolicy';
  public bind(scope: Construct, rules: PolicyRule[]): ApiObject[] {
    return renderValidatingAdmissionPolicy(scope, rules);
  }
}

class KyvernoEngine extends PolicyEngine {
  public readonly displayName = 'Kyverno';
  constructor(private readonly options: KyvernoPolicyOptions) { super(); }
  public bind(scope: Construct, rules: PolicyRule[]): ApiObject[] {
    return renderKyverno(scope, rules, this.options);
  }
}

class GatekeeperEngine extends PolicyEngine {
  public readonly displayName = 'Gatekeeper';
  constructor(private readonly options: GatekeeperPolicyOptions) { super(); }
  public bind(scope: Construct, rules: PolicyRule[]): ApiObject[] {
    return renderGatekeeper(scope, rules, this.options);
  }
}
