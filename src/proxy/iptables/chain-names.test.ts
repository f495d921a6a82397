import { test } from "node:test";
import assert from "node:assert/strict";
import { base32, chainHash, endpointChainName, serviceChainName } from "./chain-names.js";

test("base32 matches RFC 4648 test vectors (without padding)", () => {
  const cases: [string, string][] = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
  for (const [input, want] of cases) assert.equal(base32(new TextEncoder().encode(input)), want, input);
});

test("chain hashes agree with upstream's and with the seed's", () => {
  const cases: [string, string][] = [
    ["default/nginx-servicetcp", "V2OKYYMBY3REGZOG"],
    ["default/nginx-servicetcp10.1.13.2:80", "D6ZFGDR42OKGRRVI"],
    ["default/nginx-servicetcp10.1.13.3:80", "7ETEU5GP7OEWB65E"],
    ["default/nginx-servicetcp10.1.13.4:80", "COO3Y4QZMF4NKH2Q"],
    ["default/nginx-service:httptcp", "6IM33IEVEEV7U3GP"],
    ["ns1/svc1:p80tcp", "XPGD46QRK7WJZT7O"],
    ["default/kubernetes:httpstcp", "NPX46M4PTMTKRN6Y"],
    ["kube-system/kube-dns:dnsudp", "TCOU7JCQXEZGVUNU"],
    // the seed: kube-proxy 1.2 always wrote the colon after the service name
    ["default/nginx-service:tcp", "GKN7Y2BSGW4NJTYL"],
    ["default/nginx-service:tcp10.1.13.2:80", "7ROBBXFV7SD4AIRW"],
    ["default/nginx-service:tcp10.1.13.3:80", "XY3F6VJIZ7ELIF4Z"],
    ["default/nginx-service:tcp10.1.13.4:80", "JIDZHFC4A3T535AK"],
  ];
  for (const [input, want] of cases) assert.equal(chainHash(input), want, input);
});

test("chain names carry their prefix and stay within iptables' 28 characters", () => {
  assert.equal(serviceChainName("KUBE-SVC-", "default/nginx-service:", "tcp"), "KUBE-SVC-GKN7Y2BSGW4NJTYL");
  assert.equal(endpointChainName("default/nginx-service:", "tcp", "10.1.13.2:80"), "KUBE-SEP-7ROBBXFV7SD4AIRW");
  for (const prefix of ["KUBE-SVC-", "KUBE-SVL-", "KUBE-EXT-", "KUBE-FW-"] as const) {
    assert.ok(serviceChainName(prefix, "a/b", "udp").length <= 28);
  }
});
