import { test } from "node:test";
import assert from "node:assert/strict";
import {
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
  nameIsPathSegment,
} from "./names.js";

const label1123 =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const label1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const subdomain =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const qnameRegex = "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test("name checks return Kubernetes' messages", async (t) => {
  const cases: { name: string; got: string[]; want: string[] }[] = [
    { name: "1123 label ok", got: isDNS1123Label("my-name"), want: [] },
    { name: "1123 label starting with digit ok", got: isDNS1123Label("123-abc"), want: [] },
    { name: "1123 label uppercase", got: isDNS1123Label("MyName"), want: [label1123] },
    { name: "1123 label with dots", got: isDNS1123Label("a.b"), want: ["must not contain dots"] },
    { name: "1123 label too long", got: isDNS1123Label("a".repeat(64)), want: ["must be no more than 63 characters"] },
    { name: "1123 label empty", got: isDNS1123Label(""), want: [label1123] },
    { name: "1035 label ok", got: isDNS1035Label("nginx-service"), want: [] },
    { name: "1035 label digit first", got: isDNS1035Label("1abc"), want: [label1035] },
    { name: "1035 label too long and bad", got: isDNS1035Label("-".repeat(64)), want: ["must be no more than 63 characters", label1035] },
    { name: "subdomain ok", got: isDNS1123Subdomain("example.com"), want: [] },
    { name: "subdomain trailing dot", got: isDNS1123Subdomain("example.com."), want: [subdomain] },
    { name: "subdomain too long", got: isDNS1123Subdomain("a".repeat(254)), want: ["must be no more than 253 characters"] },
    { name: "port name ok", got: isValidPortName("http-alt"), want: [] },
    { name: "port name too long", got: isValidPortName("abcdefghijklmnop"), want: ["must be no more than 15 characters"] },
    {
      name: "port name upper case and digits only",
      got: isValidPortName("80_A"),
      want: ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)", "must contain at least one letter (a-z)"],
    },
    { name: "port name hyphens", got: isValidPortName("-a--b"), want: ["must not contain consecutive hyphens", "must not begin or end with a hyphen"] },
    { name: "port num ok", got: isValidPortNum(65535), want: [] },
    { name: "port num zero", got: isValidPortNum(0), want: ["must be between 1 and 65535, inclusive"] },
    { name: "qualified name ok", got: isQualifiedName("kubernetes.io/service-name"), want: [] },
    { name: "qualified name empty prefix", got: isQualifiedName("/a"), want: ["prefix part must be non-empty"] },
    { name: "qualified name bad prefix", got: isQualifiedName("Example.com/a"), want: [`prefix part ${subdomain}`] },
    {
      name: "qualified name bad name part",
      got: isQualifiedName("a_"),
      want: [`name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character ${qnameRegex}`],
    },
    { name: "qualified name long name", got: isQualifiedName("a".repeat(64)), want: ["name part must be no more than 63 characters"] },
    { name: "label value empty ok", got: isValidLabelValue(""), want: [] },
    { name: "label value too long", got: isValidLabelValue("a".repeat(64)), want: ["must be no more than 63 characters"] },
    {
      name: "C identifier",
      got: isCIdentifier("1ABC"),
      want: [
        "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
      ],
    },
    { name: "C identifier ok", got: isCIdentifier("NGINX_SERVICE_HOST"), want: [] },
    { name: "strict env name dot-dot", got: isEnvVarName("..a"), want: ["must not start with '..'"] },
    { name: "relaxed env name ok", got: isRelaxedEnvVarName("1-weird.name"), want: [] },
    {
      name: "relaxed env name with =",
      got: isRelaxedEnvVarName("A=B"),
      want: ["a valid environment variable name must consist only of printable ASCII characters other than '='"],
    },
    { name: "generateName masks the trailing dash", got: nameIsDNSSubdomain("nginx-", true), want: [] },
    { name: "generateName for services", got: nameIsDNS1035Label("web-", true), want: [] },
    { name: "path segment", got: nameIsPathSegment("a/b%", false), want: ["may not contain '/'", "may not contain '%'"] },
    { name: "path segment dot", got: nameIsPathSegment("..", false), want: ["may not be '..'"] },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(c.got, c.want));
});
