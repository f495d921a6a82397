// Who made a request, as the authenticators establish it (Kubernetes' user.Info): a name, the
// groups it belongs to, and for service accounts their uid and the bound objects as extras.

export interface UserInfo {
  name: string;
  groups: string[];
  /** The identity's uid (a service account's metadata.uid). */
  uid?: string;
  /** Extra attributes, e.g. authentication.kubernetes.io/pod-name for a pod-bound token. */
  extra?: Record<string, string[]>;
}
