// The public API, by name: the building blocks (lib/core, lib/node) also hold internals (placement
// tolerations, topology rendering, label caches) that the named constructs share and users never call.
export * from './errors';
export * from './warnings';

// Value types: runtimes, placement, topology.
export {
  IntegrationRoute, MAX_RUNTIME_HANDLER_LENGTH, WASM_EDGE_LABEL_PREFIX, WASM_ONLY_TAINT_KEY, WASM_POD_LABEL, WasmRuntime, WasmRuntimeOptions,
} from './core/runtime';
export { IWasmPlacement, NodeTaint } from './core/placement';
export { IRuntimeClass } from './core/runtime-class-ref';
export {
  NodeInclusionPolicy, TOPOLOGY_HOSTNAME_KEY, TOPOLOGY_REGION_KEY, TOPOLOGY_ZONE_KEY, TopologySpreadOptions, WhenUnsatisfiable,
} from './core/topology';

// Nodes.
export {
  EDGE_NODE_LABEL, EdgeNodeContainerdOptions, EdgeNodeRole, EdgeOfflineNode, EdgeOfflineNodeProps, GPU_NODE_LABEL, NodeFilesWriteOptions,
  SITE_NODE_LABEL,
} from './node/edge-offline-node';
export { EdgeNodeGroup, EdgeNodeGroupProps } from './node/edge-node-group';
export { K3S_CONFIG_DROPIN_DIR, K3S_CONFIG_PATH, K3sCommand, K3sConfig, K3sConfigOptions } from './node/k3s-config';
export { K3sVersion } from './node/k3s-version';
export { K3S_REGISTRIES_PATH, Registries, RegistriesOptions, RegistryHostConfig, RegistryMirror, RegistryTls } from './node/registries';
export {
  ContainerdTemplate, ContainerdTemplateOptions, CRUN_POD_ANNOTATIONS, DEFAULT_CRUN_PATH, K3S_CONTAINERD_TEMPLATE_DIR, K3S_DEFAULT_DATA_DIR,
} from './node/containerd-template';
export {
  DensityOptions, DensityPlan, DensityPlanner, K3S_DEFAULT_CLUSTER_CIDR, K3S_DEFAULT_SERVICE_CIDR, KUBELET_DEFAULT_MAX_PODS, KubeletThresholds,
} from './node/density';
export { NodeFile, AirgapOptions, K3S_AIRGAP_IMAGES_DIR } from './node/node-file';

// Named constructs.
export {
  RuntimeClass, RuntimeClassOptions, RuntimeClassOverhead, RuntimeClassProps, SpinRuntimeClassOptions,
} from './runtime-class';
export {
  CRUN_VARIANT_ANNOTATION, DEFAULT_WASM_UID, MAX_GPUS_PER_CONTAINER, MAX_REPLICAS, WasmDeployment, WasmDeploymentProps, WasmGpuOptions,
} from './wasm-deployment';
export { EdgeService, EdgeServiceProps, TrafficDistribution, TrafficPolicy } from './edge-service';
export { WorkloadPlacement } from './workload-placement';
export {
  FUNCTION_TENANT_LABEL, FunctionTenant, FunctionTenantContainerLimits, FunctionTenantProps, FunctionTenantQuota, PodSecurityLevel,
} from './tenant';

// Scaling, routing, backends, functions, KubeEdge.
export * from './scaling';
export * from './routing';
export * from './backends/function-backend';
export * from './serverless-function';
export * from './kubeedge';

// Fleets: many sites in one GitOps repository.
export { FleetApp, FleetSynthResult } from './fleet/fleet-app';
export { EdgeFleet, EdgeFleetProps, ISiteWorkload, WorkloadPlacementOptions } from './fleet/edge-fleet';
export { EdgeSite, EdgeSiteNode, EdgeSiteProps, SITE_CLUSTER_LABEL } from './fleet/edge-site';
// Fleet: shims on clusters the library did not build (runtime-class-manager).
export {
  RuntimeClassManagerShim, RuntimeClassManagerShimProps, ShimArchitecture, ShimFetchStrategy, ShimPlatformArtifact, ShimRolloutStrategy,
} from './fleet/shim';
// Fleet: K3s upgrades with system-upgrade-controller Plans, canary sites first.
export {
  K3S_AGENT_PLAN_NAME, K3S_SERVER_PLAN_NAME, K3S_UPGRADE_IMAGE, K3sDrainOptions, K3sUpgradeOptions, K3sUpgradePlan, K3sUpgradePlanProps,
  K3sUpgradeSiteOptions, SYSTEM_UPGRADE_NAMESPACE, UPGRADE_TRACK_LABEL, UpgradeWindow, UpgradeWindowDay,
} from './fleet/k3s-upgrade';
// Fleet: GitOps layouts (Rancher Fleet, Argo CD).
export {
  GitOps, GitOpsBindOptions, GitOpsFile, GitOpsLabelSelector, GitOpsLabelSelectorRequirement, GitOpsSelectorOperator, GitOpsSite,
} from './fleet/gitops';
export { FLEET_DEFAULT_NAMESPACE, FLEET_YAML, RancherFleetProps, RancherFleetTarget } from './fleet/rancher-fleet';
export { ARGOCD_DEFAULT_NAMESPACE, ARGOCD_EDGE_SYNC_OPTIONS, ArgoCdGenerator, ArgoCdProps, ArgoCdRetry } from './fleet/argo-cd';
export { BootstrapArtifact, BootstrapArtifactPathOptions, BootstrapArtifactUrlOptions } from './node/bootstrap-artifact';
export { AIRGAP_STAGING_DIR, K3S_BINARY_PATH, K3S_INSTALL_SCRIPT_PATH, SHIM_BIN_DIR } from './node/airgap';
// Fleet: the site inventory (CSV or JSON, one row per site).
export { InventoryNode, InventorySite, SiteInventory } from './fleet/inventory';
// Policies: admission rules derived from the app, one CEL rule base for three engines.
export { PodKind, PodShape, PolicyAction, PolicyValidation, PolicyVariable, WasmPolicyRule } from './policy/policy-rule';
export {
  AllNamespacesOptions, NAMESPACE_NAME_LABEL, NamespaceSelectorRequirement, NamespaceSelectorSpec, PolicyNamespaces, SYSTEM_NAMESPACES,
} from './policy/policy-namespaces';
export { GatekeeperPolicyOptions, KyvernoPolicyOptions, PolicyEngine, PolicyRule } from './policy/policy-engine';
export { WasmPolicies, WasmPoliciesProps } from './policy/wasm-policies';
// Policy: OPA policy bundles shipped to Wasm workloads (ConfigMap or OCI artifact), hot-reloaded.
export {
  CLIENT_SIDE_APPLY_BUNDLE_BYTES, MAX_CONFIGMAP_BYTES, MAX_OPA_BUNDLE_NAME_LENGTH, OPA_BUNDLE_FILE_KEY, OPA_BUNDLE_POD_ANNOTATION_PREFIX,
  OPA_BUNDLE_SHA256_ANNOTATION, OPA_CONFIG_POD_ANNOTATION_PREFIX, OPA_CONFIG_SHA256_ANNOTATION, OPA_IMAGE, OPA_PORT,
  OpaBundle, OpaBundleAttachOptions, OpaBundleAttachment, OpaBundleProps, OpaBundleReload, OpaBundleServiceOptions, OpaBundleSource,
  OpaBundleSourceType, OpaFileWatchOptions, OpaInlineBundleOptions, OpaRegistryCredentials, OpaRegistryCredentialsOptions, OpaReloadType,
} from './policy/opa-bundle';

// Policy: cosign verification of the app's Wasm images (Kyverno verifyImages or sigstore policy-controller).
export {
  CosignAuthority, CosignKeylessOptions, CosignPublicKeyOptions, SIGSTORE_PUBLIC_FULCIO_URL, SIGSTORE_PUBLIC_REKOR_URL,
} from './policy/cosign-authority';
export {
  ImageVerificationAction, ImageVerifier, KyvernoImageVerifierOptions, SIGSTORE_INCLUDE_LABEL, WasmImageVerification, WasmImageVerificationProps,
} from './policy/image-verification';
// Monitoring: alerts and dashboards derived from the app's functions, workloads, nodes and sites.
export { AlertRule, AlertRuleOptions, AlertSeverity, WasmAlertRules, WasmAlertRulesProps } from './monitoring/alert-rules';
export { GrafanaDashboardSidecar, WasmDashboards, WasmDashboardsProps } from './monitoring/dashboards';

// Monitoring: scraping derived from the app's workloads (Prometheus Operator monitors).
export {
  DEFAULT_METRICS_PATH, DEFAULT_SCRAPE_INTERVAL, FLEET_METRIC_LABEL, KUBE_PROMETHEUS_STACK_RELEASE_LABEL, MONITORED_SERVICE_LABEL, SITE_METRIC_LABEL,
} from './monitoring/monitoring-labels';
export { MonitorKind, MonitorTarget, MonitorTargetPort, WorkloadMonitor, WorkloadMonitorProps } from './monitoring/workload-monitor';
export {
  EdgeNodeScrapeOptions, PrometheusScrapeConfig, PrometheusScrapeConfigProps, ScrapeJobOptions,
} from './monitoring/prometheus-scrape-config';
// Monitoring: a Prometheus agent per offline site, remote-writing to the hub.
export {
  K3S_LOCAL_PATH_STORAGE_CLASS, PROMETHEUS_AGENT_IMAGE, PrometheusSecretKey, RemoteWriteAuth, RemoteWriteEndpoint, SiteAgentMode, SiteAgentWorkload,
  SiteAgentWorkloadProps, SitePrometheusAgent, SitePrometheusAgentProps, WAL_BYTES_PER_SAMPLE,
} from './monitoring/prometheus-agent';
