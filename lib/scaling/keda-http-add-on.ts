/**
 * Names and ports of the KEDA HTTP add-on's services, as its Helm chart installs them (release
 * `http-add-on` of chart `kedacore/keda-add-ons-http`, namespace `keda`). While a workload is scaled
 * to zero, traffic must go to the interceptor proxy, which holds requests until a pod is ready.
 *
 * @see https://keda.sh/http-add-on/0.16/user-guide/autoscale-an-app/
 */
export class KedaHttpAddOn {
  /** The namespace the add-on is installed in. */
  public static readonly NAMESPACE = 'keda';
  /** The interceptor proxy Service: point Ingresses, routes and in-cluster callers here. */
  public static readonly INTERCEPTOR_PROXY_SERVICE = 'keda-add-ons-http-interceptor-proxy';
  /** The interceptor proxy's port. */
  public static readonly INTERCEPTOR_PROXY_PORT = 8080;
  /** The interceptor proxy's cluster DNS name (for an ExternalName Service in the app's namespace). */
  public static readonly INTERCEPTOR_PROXY_FQDN = 'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local';
  /** The add-on's external scaler, which ScaledObjects reach with an `external-push` trigger. */
  public static readonly EXTERNAL_SCALER_ADDRESS = 'keda-add-ons-http-external-scaler.keda:9090';

  private constructor() {}
}
