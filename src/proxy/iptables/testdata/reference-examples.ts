// The iptables-restore texts of the reference's worked examples (kube-proxy.md §1.11, modern
// layout): the goldens of the modern rule generator and the inputs of the packet tracer's tests.
// Service, endpoints and node are those of nginx-fixtures.ts.
//
// Every example repeats the proxy's shared chains, and examples 1–3 repeat the three endpoints'
// rules; those pieces are written once here, and each example spells out only what sets it
// apart. Put together, each constant is the reference's text byte for byte. The nat table's
// shared pieces are exported too, for goldens of other services.

// --- pieces that several examples share (no trailing newline: each stands on its own line) -----

/** The filter table up to its first per-service rule: chain declarations and KUBE-FIREWALL's rule. */
const FILTER_TABLE_START = `*filter
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-FIREWALL - [0:0]
-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP`;

/** The filter table after its per-service rules: KUBE-FORWARD's three rules. */
const FILTER_TABLE_END = `-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT`;

/** The nat table's shared chain declarations (per-service chains are declared after them). */
export const NAT_TABLE_START = `*nat
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-MARK-MASQ - [0:0]`;

/** The masquerade path: KUBE-POSTROUTING and KUBE-MARK-MASQ, the first nat rules. */
export const NAT_FIXED_RULES = `-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000`;

/** KUBE-SERVICES' last rule (the NodePort catch) and the end of the nat table. */
export const NAT_TABLE_END = `-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
COMMIT`;

/** Declarations of the three endpoint chains. */
const NGINX_SEP_CHAINS = `:KUBE-SEP-D6ZFGDR42OKGRRVI - [0:0]
:KUBE-SEP-7ETEU5GP7OEWB65E - [0:0]
:KUBE-SEP-COO3Y4QZMF4NKH2Q - [0:0]`;

/** KUBE-SVC's random choice among the three endpoints. */
const NGINX_SVC_RULES = `-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.2:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-D6ZFGDR42OKGRRVI
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.3:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-7ETEU5GP7OEWB65E
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.4:80" -j KUBE-SEP-COO3Y4QZMF4NKH2Q`;

/** Each endpoint chain: hairpin masquerade, then DNAT. */
const NGINX_SEP_RULES = `-A KUBE-SEP-D6ZFGDR42OKGRRVI -m comment --comment default/nginx-service -s 10.1.13.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-D6ZFGDR42OKGRRVI -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80
-A KUBE-SEP-7ETEU5GP7OEWB65E -m comment --comment default/nginx-service -s 10.1.13.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-7ETEU5GP7OEWB65E -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.3:80
-A KUBE-SEP-COO3Y4QZMF4NKH2Q -m comment --comment default/nginx-service -s 10.1.13.4 -j KUBE-MARK-MASQ
-A KUBE-SEP-COO3Y4QZMF4NKH2Q -m comment --comment default/nginx-service -m tcp -p tcp -j DNAT --to-destination 10.1.13.4:80`;

// --- the examples ------------------------------------------------------------------------------

/** §1.11 Example 1: ClusterIP with three endpoints, the full restore input. */
export const EXAMPLE_1 = `${FILTER_TABLE_START}
${FILTER_TABLE_END}
${NAT_TABLE_START}
:KUBE-SVC-V2OKYYMBY3REGZOG - [0:0]
${NGINX_SEP_CHAINS}
${NAT_FIXED_RULES}
-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j KUBE-SVC-V2OKYYMBY3REGZOG
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ
${NGINX_SVC_RULES}
${NGINX_SEP_RULES}
${NAT_TABLE_END}
`;

/**
 * §1.11 Variant 1b (ClientIP affinity, 10800 s): the three rules KUBE-SVC gains before its
 * probability rules, then the three DNAT rules that replace Example 1's.
 */
export const EXAMPLE_1B_AFFINITY_RULES = `-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.2:80" -m recent --name KUBE-SEP-D6ZFGDR42OKGRRVI --rcheck --seconds 10800 --reap -j KUBE-SEP-D6ZFGDR42OKGRRVI
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.3:80" -m recent --name KUBE-SEP-7ETEU5GP7OEWB65E --rcheck --seconds 10800 --reap -j KUBE-SEP-7ETEU5GP7OEWB65E
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.4:80" -m recent --name KUBE-SEP-COO3Y4QZMF4NKH2Q --rcheck --seconds 10800 --reap -j KUBE-SEP-COO3Y4QZMF4NKH2Q
-A KUBE-SEP-D6ZFGDR42OKGRRVI -m comment --comment default/nginx-service -m recent --name KUBE-SEP-D6ZFGDR42OKGRRVI --set -m tcp -p tcp -j DNAT --to-destination 10.1.13.2:80
-A KUBE-SEP-7ETEU5GP7OEWB65E -m comment --comment default/nginx-service -m recent --name KUBE-SEP-7ETEU5GP7OEWB65E --set -m tcp -p tcp -j DNAT --to-destination 10.1.13.3:80
-A KUBE-SEP-COO3Y4QZMF4NKH2Q -m comment --comment default/nginx-service -m recent --name KUBE-SEP-COO3Y4QZMF4NKH2Q --set -m tcp -p tcp -j DNAT --to-destination 10.1.13.4:80
`;

/**
 * §1.11 Example 2: the same service as NodePort 30802. The reference prints only the nat table
 * and says the filter table is Example 1's; both are here, so the text is a whole restore input.
 */
export const EXAMPLE_2 = `${FILTER_TABLE_START}
${FILTER_TABLE_END}
${NAT_TABLE_START}
:KUBE-EXT-V2OKYYMBY3REGZOG - [0:0]
:KUBE-SVC-V2OKYYMBY3REGZOG - [0:0]
${NGINX_SEP_CHAINS}
${NAT_FIXED_RULES}
-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j KUBE-SVC-V2OKYYMBY3REGZOG
-A KUBE-NODEPORTS -m comment --comment default/nginx-service -m tcp -p tcp --dport 30802 -j KUBE-EXT-V2OKYYMBY3REGZOG
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-EXT-V2OKYYMBY3REGZOG -m comment --comment "masquerade traffic for default/nginx-service external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-V2OKYYMBY3REGZOG -j KUBE-SVC-V2OKYYMBY3REGZOG
${NGINX_SVC_RULES}
${NGINX_SEP_RULES}
${NAT_TABLE_END}
`;

/**
 * §1.11 Example 3: LoadBalancer 203.0.113.10, externalTrafficPolicy Local, health check node
 * port 32000, source range 198.51.100.0/24, on node-a (which hosts 10.1.13.2).
 */
export const EXAMPLE_3 = `${FILTER_TABLE_START}
-A KUBE-PROXY-FIREWALL -m comment --comment "default/nginx-service traffic not accepted by KUBE-FW-V2OKYYMBY3REGZOG" -m tcp -p tcp -d 203.0.113.10 --dport 8000 -j DROP
-A KUBE-NODEPORTS -m comment --comment "default/nginx-service health check node port" -m tcp -p tcp --dport 32000 -j ACCEPT
${FILTER_TABLE_END}
${NAT_TABLE_START}
:KUBE-EXT-V2OKYYMBY3REGZOG - [0:0]
:KUBE-FW-V2OKYYMBY3REGZOG - [0:0]
:KUBE-SVC-V2OKYYMBY3REGZOG - [0:0]
:KUBE-SVL-V2OKYYMBY3REGZOG - [0:0]
${NGINX_SEP_CHAINS}
${NAT_FIXED_RULES}
-A KUBE-SERVICES -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j KUBE-SVC-V2OKYYMBY3REGZOG
-A KUBE-SERVICES -m comment --comment "default/nginx-service loadbalancer IP" -m tcp -p tcp -d 203.0.113.10 --dport 8000 -j KUBE-FW-V2OKYYMBY3REGZOG
-A KUBE-NODEPORTS -m comment --comment default/nginx-service -m tcp -p tcp --dport 30802 -j KUBE-EXT-V2OKYYMBY3REGZOG
-A KUBE-SVC-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service cluster IP" -m tcp -p tcp -d 10.0.0.252 --dport 8000 ! -s 10.1.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-EXT-V2OKYYMBY3REGZOG -m comment --comment "pod traffic for default/nginx-service external destinations" -s 10.1.0.0/16 -j KUBE-SVC-V2OKYYMBY3REGZOG
-A KUBE-EXT-V2OKYYMBY3REGZOG -m comment --comment "masquerade LOCAL traffic for default/nginx-service external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-V2OKYYMBY3REGZOG -m comment --comment "route LOCAL traffic for default/nginx-service external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-V2OKYYMBY3REGZOG
-A KUBE-EXT-V2OKYYMBY3REGZOG -j KUBE-SVL-V2OKYYMBY3REGZOG
-A KUBE-FW-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service loadbalancer IP" -s 198.51.100.0/24 -j KUBE-EXT-V2OKYYMBY3REGZOG
-A KUBE-FW-V2OKYYMBY3REGZOG -m comment --comment "other traffic to default/nginx-service will be dropped by KUBE-PROXY-FIREWALL"
${NGINX_SVC_RULES}
-A KUBE-SVL-V2OKYYMBY3REGZOG -m comment --comment "default/nginx-service -> 10.1.13.2:80" -j KUBE-SEP-D6ZFGDR42OKGRRVI
${NGINX_SEP_RULES}
${NAT_TABLE_END}
`;

/**
 * §1.11 Example 3′ (the same service on a node without a local endpoint): the two filter rules
 * that follow the KUBE-PROXY-FIREWALL rule there.
 */
export const EXAMPLE_3_PRIME_FILTER_RULES = `-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/nginx-service has no local endpoints" -m tcp -p tcp -d 203.0.113.10 --dport 8000 -j DROP
-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/nginx-service has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30802 -j DROP
`;

/** §1.11 Example 4: the NodePort service with no endpoints. */
export const EXAMPLE_4 = `${FILTER_TABLE_START}
-A KUBE-SERVICES -m comment --comment "default/nginx-service has no endpoints" -m tcp -p tcp -d 10.0.0.252 --dport 8000 -j REJECT
-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/nginx-service has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30802 -j REJECT
${FILTER_TABLE_END}
${NAT_TABLE_START}
${NAT_FIXED_RULES}
${NAT_TABLE_END}
`;
