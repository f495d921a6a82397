// One lookup from (group, kind) to the kind's defaulting and validation, for the registry's
// write path: defaults → prepareForCreate/prepareForUpdate → (allocation) → validate.
// Unknown kinds get ObjectMeta-only validation.

import type { CertificateSigningRequest } from "../certificates-types.js";
import type { FieldError } from "../field-errors.js";
import type { ConfigMap, EndpointSlice, Endpoints, Event, KubeObject, Namespace, Node, Pod, ReplicationController, Secret, Service, ServiceAccount } from "../types.js";
import { defaultDeployment, defaultReplicaSet } from "../defaults/apps.js";
import { defaultEndpointSlice, defaultEndpoints } from "../defaults/endpoints.js";
import { defaultIPAddressPool, defaultL2Advertisement } from "../defaults/metallb.js";
import { defaultNamespace, prepareNamespaceForCreate } from "../defaults/namespace.js";
import { defaultNode } from "../defaults/node.js";
import { defaultRoleBinding } from "../defaults/rbac.js";
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from "../rbac-types.js";
import { defaultPod } from "../defaults/pod.js";
import { defaultReplicationController } from "../defaults/replication-controller.js";
import { defaultService, type IPFamily } from "../defaults/service.js";
import { prepareServiceForCreate, prepareServiceForUpdate } from "../defaults/service-update.js";
import {
  validateCertificateSigningRequest,
  validateCertificateSigningRequestStatusUpdate,
  validateCertificateSigningRequestUpdate,
} from "./certificate-signing-request.js";
import { validateConfigMap, validateConfigMapUpdate } from "./config-map.js";
import { validateAppsStatusUpdate, validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from "./apps.js";
import { validateEndpointSlice, validateEndpointSliceUpdate } from "./endpoint-slice.js";
import { validateEndpoints, validateEndpointsUpdate } from "./endpoints.js";
import { validateEvent, validateEventUpdate } from "./event.js";
import { validateIPAddressPool, validateIPAddressPoolStatusUpdate, validateIPAddressPoolUpdate } from "./ip-address-pool.js";
import { validateL2Advertisement, validateL2AdvertisementStatusUpdate, validateL2AdvertisementUpdate } from "./l2-advertisement.js";
import { validateLease, validateLeaseUpdate } from "./lease.js";
import { nameIsDNSSubdomain } from "./names.js";
import { validateNamespace, validateNamespaceStatusUpdate, validateNamespaceUpdate } from "./namespace.js";
import { validateNode, validateNodeUpdate } from "./node.js";
import { validateObjectMeta, validateObjectMetaUpdate } from "./object-meta.js";
import { validatePod, validatePodStatusUpdate, validatePodUpdate } from "./pod.js";
import {
  validateClusterRole,
  validateClusterRoleBinding,
  validateClusterRoleBindingUpdate,
  validateClusterRoleUpdate,
  validateRole,
  validateRoleBinding,
  validateRoleBindingUpdate,
  validateRoleUpdate,
} from "./rbac.js";
import { validateReplicationController, validateReplicationControllerStatusUpdate, validateReplicationControllerUpdate } from "./replication-controller.js";
import { validateService, validateServiceStatus, validateServiceUpdate } from "./service.js";
import { validateServiceAccount, validateServiceAccountUpdate } from "./service-account.js";
import { defaultSecret, validateSecret, validateSecretUpdate } from "./secret.js";

/** Defaulting and validation of one kind. Objects passed in are private copies the caller owns. */
export interface Admission {
  /** Applies the kind's defaults on every write (create, update, patch). Mutates obj. */
  defaults(obj: KubeObject): void;
  /** Create-only preparation after defaults (namespace finalizer, service clusterIPs). Mutates obj. */
  prepareForCreate?(obj: KubeObject): void;
  /** Update-only preparation after defaults (service fields carried over or dropped). Mutates obj. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Field errors of an object being created; [] when valid. */
  validate(obj: KubeObject): FieldError[];
  /** Field errors of an update of the main resource. */
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
  /** Field errors of a /status write, for kinds whose status has rules of its own. */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
}

export interface AdmissionOptions {
  /** The cluster's service IP families, primary first. Default ["IPv4"]. */
  serviceIPFamilies?: readonly IPFamily[];
}

/** ObjectMeta-only rules, for kinds without dedicated validation. */
function generic(namespaced: boolean): Admission {
  return {
    defaults: () => {},
    validate: (obj) => validateObjectMeta(obj.metadata, { namespaced, nameValidator: nameIsDNSSubdomain }),
    validateUpdate: (obj, old) => validateObjectMetaUpdate(obj.metadata, old.metadata),
  };
}

function serviceAdmission(opts: AdmissionOptions): Admission {
  const families = { ipFamilies: opts.serviceIPFamilies };
  return {
    defaults(obj) {
      const svc = obj as Service;
      defaultService(svc, families);
      // Safe on updates too (it only fills clusterIPs from a lone clusterIP), so services stay
      // consistent even where a caller runs defaults() alone.
      prepareServiceForCreate(svc);
    },
    prepareForCreate: (obj) => prepareServiceForCreate(obj as Service),
    prepareForUpdate: (obj, old) => prepareServiceForUpdate(obj as Service, old as Service),
    validate: (obj) => validateService(obj as Service, families),
    validateUpdate: (obj, old) => validateServiceUpdate(obj as Service, old as Service, families),
    validateStatusUpdate: (obj, old) => validateServiceStatus(obj as Service, old as Service),
  };
}

function table(opts: AdmissionOptions): Record<string, Admission> {
  return {
    "/Service": serviceAdmission(opts),
    "/Pod": {
      defaults: (obj) => defaultPod(obj as Pod),
      validate: (obj) => validatePod(obj as Pod),
      validateUpdate: (obj, old) => validatePodUpdate(obj as Pod, old as Pod),
      validateStatusUpdate: (obj, old) => validatePodStatusUpdate(obj as Pod, old as Pod),
    },
    "/ReplicationController": {
      defaults: (obj) => defaultReplicationController(obj as ReplicationController),
      validate: (obj) => validateReplicationController(obj as ReplicationController),
      validateUpdate: (obj, old) => validateReplicationControllerUpdate(obj as ReplicationController, old as ReplicationController),
      validateStatusUpdate: (obj, old) => validateReplicationControllerStatusUpdate(obj as ReplicationController, old as ReplicationController),
    },
    "/Endpoints": {
      defaults: (obj) => defaultEndpoints(obj as Endpoints),
      validate: (obj) => validateEndpoints(obj as Endpoints),
      validateUpdate: (obj, old) => validateEndpointsUpdate(obj as Endpoints, old as Endpoints),
    },
    "/Node": {
      defaults: (obj) => defaultNode(obj as Node),
      validate: (obj) => validateNode(obj as Node),
      validateUpdate: (obj, old) => validateNodeUpdate(obj as Node, old as Node),
      validateStatusUpdate: (obj, old) => validateNodeUpdate(obj as Node, old as Node),
    },
    "/Namespace": {
      defaults: (obj) => defaultNamespace(obj as Namespace),
      prepareForCreate: (obj) => prepareNamespaceForCreate(obj as Namespace),
      validate: (obj) => validateNamespace(obj as Namespace),
      validateUpdate: (obj, old) => validateNamespaceUpdate(obj as Namespace, old as Namespace),
      validateStatusUpdate: (obj, old) => validateNamespaceStatusUpdate(obj as Namespace, old as Namespace),
    },
    "/ServiceAccount": {
      defaults: () => {},
      validate: (obj) => validateServiceAccount(obj as ServiceAccount),
      validateUpdate: (obj, old) => validateServiceAccountUpdate(obj as ServiceAccount, old as ServiceAccount),
    },
    "/ConfigMap": {
      defaults: () => {},
      validate: (obj) => validateConfigMap(obj as ConfigMap),
      validateUpdate: (obj, old) => validateConfigMapUpdate(obj as ConfigMap, old as ConfigMap),
    },
    "/Secret": {
      defaults: (obj) => defaultSecret(obj as Secret),
      validate: (obj) => validateSecret(obj as Secret),
      validateUpdate: (obj, old) => validateSecretUpdate(obj as Secret, old as Secret),
    },
    "/Event": {
      defaults: () => {},
      validate: (obj) => validateEvent(obj as Event),
      validateUpdate: (obj, old) => validateEventUpdate(obj as Event, old as Event),
    },
    "discovery.k8s.io/EndpointSlice": {
      defaults: (obj) => defaultEndpointSlice(obj as EndpointSlice),
      validate: (obj) => validateEndpointSlice(obj as EndpointSlice),
      validateUpdate: (obj, old) => validateEndpointSliceUpdate(obj as EndpointSlice, old as EndpointSlice),
    },
    "coordination.k8s.io/Lease": { defaults: () => {}, validate: validateLease, validateUpdate: validateLeaseUpdate },
    "apps/Deployment": {
      defaults: defaultDeployment,
      validate: validateDeployment,
      validateUpdate: validateDeploymentUpdate,
      validateStatusUpdate: validateAppsStatusUpdate,
    },
    "apps/ReplicaSet": {
      defaults: defaultReplicaSet,
      validate: validateReplicaSet,
      validateUpdate: validateReplicaSetUpdate,
      validateStatusUpdate: validateAppsStatusUpdate,
    },
    "rbac.authorization.k8s.io/Role": {
      defaults: () => {},
      validate: (obj) => validateRole(obj as Role),
      validateUpdate: (obj, old) => validateRoleUpdate(obj as Role, old as Role),
    },
    "rbac.authorization.k8s.io/ClusterRole": {
      defaults: () => {},
      validate: (obj) => validateClusterRole(obj as ClusterRole),
      validateUpdate: (obj, old) => validateClusterRoleUpdate(obj as ClusterRole, old as ClusterRole),
    },
    "rbac.authorization.k8s.io/RoleBinding": {
      defaults: (obj) => defaultRoleBinding(obj as RoleBinding),
      validate: (obj) => validateRoleBinding(obj as RoleBinding),
      validateUpdate: (obj, old) => validateRoleBindingUpdate(obj as RoleBinding, old as RoleBinding),
    },
    "rbac.authorization.k8s.io/ClusterRoleBinding": {
      defaults: (obj) => defaultRoleBinding(obj as ClusterRoleBinding),
      validate: (obj) => validateClusterRoleBinding(obj as ClusterRoleBinding),
      validateUpdate: (obj, old) => validateClusterRoleBindingUpdate(obj as ClusterRoleBinding, old as ClusterRoleBinding),
    },
    // The /approval rules live with the CSR strategy (src/registry/csr-strategy.ts).
    "certificates.k8s.io/CertificateSigningRequest": {
      defaults: () => {},
      validate: (obj) => validateCertificateSigningRequest(obj as CertificateSigningRequest),
      validateUpdate: (obj, old) => validateCertificateSigningRequestUpdate(obj as CertificateSigningRequest, old as CertificateSigningRequest),
      validateStatusUpdate: (obj, old) => validateCertificateSigningRequestStatusUpdate(obj as CertificateSigningRequest, old as CertificateSigningRequest),
    },
    "metallb.io/IPAddressPool": {
      defaults: defaultIPAddressPool,
      validate: validateIPAddressPool,
      validateUpdate: validateIPAddressPoolUpdate,
      validateStatusUpdate: validateIPAddressPoolStatusUpdate,
    },
    "metallb.io/L2Advertisement": {
      defaults: defaultL2Advertisement,
      validate: validateL2Advertisement,
      validateUpdate: validateL2AdvertisementUpdate,
      validateStatusUpdate: validateL2AdvertisementStatusUpdate,
    },
  };
}

const clusterScoped = new Set(["/Namespace", "/Node", "/PersistentVolume", "storage.k8s.io/StorageClass"]);

/**
 * The defaulting and validation of a kind, by API group ("" for core) and Kind. Unknown kinds
 * get ObjectMeta-only rules (DNS-subdomain names; namespaced unless known cluster-scoped).
 */
export function admissionFor(group: string, kind: string, opts: AdmissionOptions = {}): Admission {
  const key = `${group}/${kind}`;
  return table(opts)[key] ?? generic(!clusterScoped.has(key));
}
