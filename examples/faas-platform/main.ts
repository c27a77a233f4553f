// FaaS platform: Wasm functions of two tenants behind K3s's bundled Traefik. Each tenant gets a
// namespace with a ResourceQuota and a LimitRange sized for Wasm (FunctionTenant); HTTP functions
// scale to zero through the KEDA HTTP add-on, one is kept pre-warmed, and one consumes a Kafka topic
// with credentials read from a Secret by a KEDA TriggerAuthentication.
import { App, Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import {
  EdgeOfflineNode, FunctionTenant, Gateway, KedaKafkaOffsetResetPolicy, KedaTrigger, KedaTriggerAuthentication, PolicyEngine,
  PolicyNamespaces, ServerlessFunction, TraefikEntryPoint, WasmPolicies,
} from 'cdk8s-wasm-edge';

/** Host the shop tenant's functions answer on (Traefik routes by Host, the KEDA interceptor too). */
const SHOP_HOST = 'shop.faas.example.com';

/**
 * The `shop` tenant: storefront functions called over HTTP through Traefik.
 */
export class ShopTenantChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // First, so the Namespace, quota and LimitRange precede the functions in the output.
    // 200 pods of the Wasm default size (requests 50m / 10Mi, limits 200m / 50Mi) fit.
    new FunctionTenant(this, 'Tenant', {
      quota: {
        requestsCpu: kplus.Cpu.units(10),
        requestsMemory: Size.gibibytes(4),
        limitsCpu: kplus.Cpu.units(40),
        limitsMemory: Size.gibibytes(12),
        pods: 200,
        services: 20,
      },
    });

    // HTTPS on Traefik's websecure entry point, with the certificate of its default TLSStore (set
    // once by the platform team): the routes live in the interceptor's namespace (keda), so a
    // per-route TLS Secret would have to live there too.
    const traefik = Gateway.traefik({ entryPoints: [TraefikEntryPoint.WEBSECURE] });

    // Request-driven, scale to zero: the KEDA HTTP interceptor holds the first request while a pod
    // starts (milliseconds for a Wasm module), then KEDA scales on concurrent requests.
    new ServerlessFunction(this, 'catalog', {
      name: 'catalog',
      image: 'ghcr.io/acme/shop-catalog-wasm:2.3.0',
      command: ['/catalog.wasm'],
      gateway: traefik,
      host: SHOP_HOST,
      path: '/catalog',
      scaleToZero: true,
      concurrency: 50,
      maxReplicas: 40,
      coldStartBudget: Duration.seconds(5),
      env: { LOG_LEVEL: 'info' },
    });

    new ServerlessFunction(this, 'image-resize', {
      name: 'image-resize',
      image: 'ghcr.io/acme/image-resize-wasm:1.1.0',
      command: ['/resize.wasm'],
      gateway: traefik,
      host: SHOP_HOST,
      path: '/images',
      scaleToZero: true,
      concurrency: 10,
      maxReplicas: 60,
      coldStartBudget: Duration.seconds(5),
      // Image work needs more than the Wasm defaults, still within the tenant's per-container maximum.
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
      },
    });

    // Pre-warmed: checkout never waits for a cold start; three replicas stay up and KEDA adds more
    // on concurrency (HTTP add-on, minimum 3).
    new ServerlessFunction(this, 'checkout', {
      name: 'checkout',
      image: 'ghcr.io/acme/shop-checkout-wasm:4.0.1',
      command: ['/checkout.wasm'],
      gateway: traefik,
      host: SHOP_HOST,
      path: '/checkout',
      warmReplicas: 3,
      maxReplicas: 20,
      concurrency: 20,
      coldStartBudget: Duration.seconds(5),
      env: { PAYMENT_API_URL: 'http://payments.payments.svc:8080' },
      secretEnv: { PAYMENT_API_KEY: { secretName: 'checkout-payment', key: 'api-key' } },
    });
  }
}

/**
 * The `events` tenant: event-driven functions. `order-events` scales on the lag of its Kafka
 * consumer group, from zero.
 */
export class EventsTenantChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);

    // The design documents' function-tenant numbers (the defaults).
    new FunctionTenant(this, 'Tenant');

    // The broker credentials live in a Secret created out of band (Sealed Secrets, External Secrets
    // or kubectl); nothing here holds them. KEDA reads SASL settings from it through the
    // TriggerAuthentication, the function through secret environment variables.
    const kafkaCredentials = kplus.Secret.fromSecretName(this, 'KafkaCredentials', 'kafka-credentials');
    const kafkaAuth = new KedaTriggerAuthentication(this, 'KafkaAuth', {
      metadata: { name: 'kafka-credentials' },
      secretTargetRefs: [
        { parameter: 'sasl', secret: kafkaCredentials, key: 'sasl' },
        { parameter: 'username', secret: kafkaCredentials, key: 'username' },
        { parameter: 'password', secret: kafkaCredentials, key: 'password' },
        { parameter: 'tls', secret: kafkaCredentials, key: 'tls' },
        { parameter: 'ca', secret: kafkaCredentials, key: 'ca.crt' },
      ],
    });

    const brokers = ['kafka-kafka-bootstrap.kafka.svc:9093'];
    new ServerlessFunction(this, 'order-events', {
      name: 'order-events',
      image: 'ghcr.io/acme/order-events-wasm:1.4.2',
      command: ['/order-events.wasm'],
      scaleToZero: true,
      maxReplicas: 12, // the topic's partition count: more consumers than partitions would idle
      triggers: [KedaTrigger.kafka({
        name: 'orders-lag',
        bootstrapServers: brokers,
        consumerGroup: 'order-events',
        topic: 'orders',
        lagThreshold: 50,
        activationLagThreshold: 1,
        offsetResetPolicy: KedaKafkaOffsetResetPolicy.EARLIEST,
        authentication: kafkaAuth,
      })],
      env: { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC: 'orders', KAFKA_GROUP: 'order-events' },
      secretEnv: {
        KAFKA_USERNAME: { secretName: 'kafka-credentials', key: 'username' },
        KAFKA_PASSWORD: { secretName: 'kafka-credentials', key: 'password' },
      },
    });
  }
}

/**
 * Admission policies for the whole cluster, derived from the tenants' functions: ValidatingAdmission-
 * Policies (built into the API server, nothing to run on a small node). Wasm images of the shop and
 * events functions must run on a Wasm RuntimeClass, Wasm pods are hardened, and every pod in a
 * tenant namespace declares its limits. At synth the library checks every function against them.
 */
export class PlatformPoliciesChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new WasmPolicies(this, 'Policies', {
      engine: PolicyEngine.validatingAdmissionPolicy(),
      // The Wasm image repositories are the functions' own (read at synth); a platform that
      // builds all its modules into one place would name it: wasmImageRepositories: ['ghcr.io/acme/wasm/'].
      // KEDA's and the HTTP add-on's own pods are Linux pods in namespace keda.
      namespaces: PolicyNamespaces.all({ except: ['keda'] }),
    });
  }
}

/** Adds the example's charts to an app: one chart (and output file) per tenant, and the policies. */
export function buildExample(app: App): void {
  new ShopTenantChart(app, 'shop', { namespace: 'shop' });
  new EventsTenantChart(app, 'events', { namespace: 'events' });
  new PlatformPoliciesChart(app, 'policies');
}

/** Synthesizes the example: manifests into outdir, node files (none here) into nodesOutdir. */
export function synthExample(outdir: string, nodesOutdir: string): void {
  const app = new App({ outdir });
  buildExample(app);
  app.synth();
  EdgeOfflineNode.writeAll(app, nodesOutdir);
}

if (require.main === module) {
  synthExample(process.env.CDK8S_OUTDIR ?? 'dist', 'nodes');
}
