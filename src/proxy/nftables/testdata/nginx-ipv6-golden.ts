// Golden text: the full nftables transaction of node-a's IPv6 proxier for the dual-stack
// nginx-service (testdata/dual-stack-nginx.ts): `table ip6 kube-proxy`, laid out exactly as the
// IPv4 table, with ip6 matches, ipv6_addr keys and bracketed DNAT targets. Checked by hand and
// loaded into a real kernel (nft 1.0.6) when it was written.

export const NGINX_IPV6_GOLDEN = `
add table ip6 kube-proxy { comment "rules for kube-proxy" ; }
delete table ip6 kube-proxy
add table ip6 kube-proxy { comment "rules for kube-proxy" ; }

add set ip6 kube-proxy cluster-ips { type ipv6_addr ; comment "Active ClusterIPs" ; }
add set ip6 kube-proxy nodeport-ips { type ipv6_addr ; comment "IPs that accept NodePort traffic" ; }
add map ip6 kube-proxy firewall-ips { type ipv6_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }
add map ip6 kube-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }
add map ip6 kube-proxy no-endpoint-services { type ipv6_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }
add map ip6 kube-proxy service-ips { type ipv6_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }
add map ip6 kube-proxy service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }

add chain ip6 kube-proxy filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }
add chain ip6 kube-proxy filter-output-pre-dnat { type filter hook output priority -110 ; }
add chain ip6 kube-proxy filter-input { type filter hook input priority 0 ; }
add chain ip6 kube-proxy filter-forward { type filter hook forward priority 0 ; }
add chain ip6 kube-proxy filter-output { type filter hook output priority 0 ; }
add chain ip6 kube-proxy nat-prerouting { type nat hook prerouting priority -100 ; }
add chain ip6 kube-proxy nat-output { type nat hook output priority -100 ; }
add chain ip6 kube-proxy nat-postrouting { type nat hook postrouting priority 100 ; }
add chain ip6 kube-proxy cluster-ips-check
add chain ip6 kube-proxy firewall-check
add chain ip6 kube-proxy mark-for-masquerade
add chain ip6 kube-proxy masquerading
add chain ip6 kube-proxy nodeport-endpoints-check
add chain ip6 kube-proxy services
add chain ip6 kube-proxy service-endpoints-check
add chain ip6 kube-proxy reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }

add rule ip6 kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
add rule ip6 kube-proxy filter-output-pre-dnat ct state new jump firewall-check
add rule ip6 kube-proxy filter-input ct state new jump nodeport-endpoints-check
add rule ip6 kube-proxy filter-input ct state new jump service-endpoints-check
add rule ip6 kube-proxy filter-forward ct state new jump service-endpoints-check
add rule ip6 kube-proxy filter-forward ct state new jump cluster-ips-check
add rule ip6 kube-proxy filter-output ct state new jump service-endpoints-check
add rule ip6 kube-proxy filter-output ct state new jump cluster-ips-check
add rule ip6 kube-proxy nat-prerouting jump services
add rule ip6 kube-proxy nat-output jump services
add rule ip6 kube-proxy nat-postrouting jump masquerading
add rule ip6 kube-proxy cluster-ips-check ip6 daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
add rule ip6 kube-proxy firewall-check ip6 daddr . meta l4proto . th dport vmap @firewall-ips
add rule ip6 kube-proxy mark-for-masquerade mark set mark or 0x4000
add rule ip6 kube-proxy masquerading mark and 0x4000 == 0 return
add rule ip6 kube-proxy masquerading mark set mark xor 0x4000
add rule ip6 kube-proxy masquerading masquerade fully-random
add rule ip6 kube-proxy reject-chain reject
add rule ip6 kube-proxy service-endpoints-check ip6 daddr . meta l4proto . th dport vmap @no-endpoint-services
add rule ip6 kube-proxy services ip6 daddr . meta l4proto . th dport vmap @service-ips
add rule ip6 kube-proxy nodeport-endpoints-check ip6 daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
add rule ip6 kube-proxy services ip6 daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
add element ip6 kube-proxy nodeport-ips { fd00:192:168::10 }

# default/nginx-service tcp/8000
add chain ip6 kube-proxy service-UOJBH74F-default/nginx-service/tcp/
add chain ip6 kube-proxy endpoint-TXINS6C5-default/nginx-service/tcp/__fd00.10.1.13..2/80
add chain ip6 kube-proxy endpoint-ZRZECRJB-default/nginx-service/tcp/__fd00.10.1.13..3/80
add chain ip6 kube-proxy endpoint-W2O6MQD5-default/nginx-service/tcp/__fd00.10.1.13..4/80
add rule ip6 kube-proxy service-UOJBH74F-default/nginx-service/tcp/ ip6 daddr fd00:10:96::fc ip6 saddr != fd00:10:1::/56 jump mark-for-masquerade
add rule ip6 kube-proxy service-UOJBH74F-default/nginx-service/tcp/ numgen random mod 3 vmap { 0 : goto endpoint-TXINS6C5-default/nginx-service/tcp/__fd00.10.1.13..2/80 , 1 : goto endpoint-ZRZECRJB-default/nginx-service/tcp/__fd00.10.1.13..3/80 , 2 : goto endpoint-W2O6MQD5-default/nginx-service/tcp/__fd00.10.1.13..4/80 }
add rule ip6 kube-proxy endpoint-TXINS6C5-default/nginx-service/tcp/__fd00.10.1.13..2/80 ip6 saddr fd00:10:1:13::2 jump mark-for-masquerade
add rule ip6 kube-proxy endpoint-TXINS6C5-default/nginx-service/tcp/__fd00.10.1.13..2/80 meta l4proto tcp dnat to [fd00:10:1:13::2]:80
add rule ip6 kube-proxy endpoint-ZRZECRJB-default/nginx-service/tcp/__fd00.10.1.13..3/80 ip6 saddr fd00:10:1:13::3 jump mark-for-masquerade
add rule ip6 kube-proxy endpoint-ZRZECRJB-default/nginx-service/tcp/__fd00.10.1.13..3/80 meta l4proto tcp dnat to [fd00:10:1:13::3]:80
add rule ip6 kube-proxy endpoint-W2O6MQD5-default/nginx-service/tcp/__fd00.10.1.13..4/80 ip6 saddr fd00:10:1:13::4 jump mark-for-masquerade
add rule ip6 kube-proxy endpoint-W2O6MQD5-default/nginx-service/tcp/__fd00.10.1.13..4/80 meta l4proto tcp dnat to [fd00:10:1:13::4]:80
add element ip6 kube-proxy cluster-ips { fd00:10:96::fc }
add element ip6 kube-proxy service-ips { fd00:10:96::fc . tcp . 8000 : goto service-UOJBH74F-default/nginx-service/tcp/ }
`.slice(1);
