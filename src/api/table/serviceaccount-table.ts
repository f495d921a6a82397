// `kubectl get serviceaccounts`: Name, Secrets, Age (Kubernetes 1.32's printServiceAccount).

import { deepFreeze } from "../json.js";
import type { KubeObject, ServiceAccount, TableCell } from "../types.js";
import { ageColumn, column, nameColumn } from "./columns.js";
import { translateTimestampSince } from "./human-duration.js";
import type { TablePrinter } from "./table-printer.js";

const SECRETS_DOC =
  'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret';

const columns = deepFreeze([nameColumn(), column("Secrets", SECRETS_DOC), ageColumn()]);

/** The service account printer; SECRETS is the number of secrets listed (an integer cell). */
export const serviceAccountTablePrinter: TablePrinter = {
  columns,
  cells(obj: KubeObject, now: Date): TableCell[] {
    const sa = obj as ServiceAccount;
    return [sa.metadata?.name ?? "", (sa.secrets ?? []).length, translateTimestampSince(sa.metadata?.creationTimestamp, now)];
  },
};
