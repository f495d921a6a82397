// The public surface of svcnet's Kubernetes client library, for controllers, the proxy, DNS and
// the node agent. Import from here rather than from the individual files.

export type { ClientRequest, ClientResponse, Transport } from "./transport.js";
export { InProcessTransport } from "./in-process-transport.js";
export type { InProcessTransportOptions } from "./in-process-transport.js";
export { HttpsTransport } from "./https-transport.js";
export type { HttpsTransportOptions } from "./https-transport.js";
export { KubeconfigError, loadKubeconfig, parseKubeconfig } from "./kubeconfig.js";
export { fileTokenSource, InClusterConfigError, inClusterConfig, serviceAccountDir } from "./in-cluster-config.js";
export type { InClusterOptions } from "./in-cluster-config.js";
export type { ConnectionConfig } from "./kubeconfig.js";
export { ClientError, isAlreadyExists, isConflict, isExpired, isInvalid, isNotFound } from "./client-error.js";
export type * from "./client-options.js";
export { KubeClient } from "./rest-client.js";
export type { KubeClientOptions } from "./rest-client.js";
export { retryOnConflict } from "./retry.js";
export { resourcePath } from "./paths.js";
export { ObjectCache } from "./object-cache.js";
export type { IndexFunc, Lister } from "./object-cache.js";
export { DeletedFinalStateUnknown, keyOf, objectKey, objectOf, splitObjectKey } from "./object-key.js";
export type { EventHandlers } from "./handler-listener.js";
export { Informer, informerErrors } from "./informer.js";
export type { InformerOptions } from "./informer.js";
export { SharedInformerFactory } from "./shared-informer-factory.js";
export type { InformerKey, SharedInformerFactoryOptions } from "./shared-informer-factory.js";
export { FakeClock, realClock } from "./clock.js";
export type { CancelTimer, Clock } from "./clock.js";
export { defaultControllerRateLimiter, ItemExponentialRateLimiter, MaxOfRateLimiter, TokenBucketRateLimiter } from "./rate-limiter.js";
export type { RateLimiter } from "./rate-limiter.js";
export { WorkQueue } from "./workqueue.js";
export { controllerSyncs, runController } from "./controller-runner.js";
export type { CacheSyncWaiter, ControllerOptions } from "./controller-runner.js";
export { EventRecorder } from "./event-recorder.js";
export type { EventRecorderOptions, EventType } from "./event-recorder.js";
export { InterruptibleTransport } from "./interruptible-transport.js";
