// Label, annotation and controller names that the endpoints and EndpointSlice controllers share
// with every other Kubernetes component (kube-proxy, CoreDNS, kubectl read them).

/** Label on every managed EndpointSlice: the name of the Service it belongs to. */
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
/** Label on every managed EndpointSlice: the controller that owns its contents. */
export const LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
/** Label (value "") on Endpoints and EndpointSlices of headless Services. */
export const LABEL_HEADLESS = "service.kubernetes.io/headless";
/** Label that users set to "true" on an Endpoints object to keep it from being mirrored. */
export const LABEL_SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror";
/** Node label carrying the node's zone; copied into EndpointSlice endpoints as `zone`. */
export const LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone";

/** When the pod or service change that caused this Endpoints/EndpointSlice write happened. */
export const ANNOTATION_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
/** Set to "truncated" on Endpoints whose addresses were cut to MAX_ENDPOINTS_ADDRESSES. */
export const ANNOTATION_OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";
/** kubectl apply's record; never mirrored from Endpoints to EndpointSlices. */
export const ANNOTATION_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
/** Leader-election record; Endpoints carrying it are locks, not service endpoints. */
export const ANNOTATION_LEADER = "control-plane.alpha.kubernetes.io/leader";

/** managed-by value of the EndpointSlice controller. */
export const ENDPOINTSLICE_CONTROLLER = "endpointslice-controller.k8s.io";
/** managed-by value of the EndpointSlice mirroring controller. */
export const MIRRORING_CONTROLLER = "endpointslicemirroring-controller.k8s.io";

/** At most this many addresses in one Endpoints object (and per mirrored subset). */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
/** Default upper bound of endpoints in one EndpointSlice (kube-controller-manager's default). */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;
