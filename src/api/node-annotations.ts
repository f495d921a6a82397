// Annotations a svcnet node agent publishes on its Node for the API server: where its log
// endpoint is (loopback) and the bearer token it wants.

export const kubeletEndpointAnnotation = "svcnet.io/kubelet-endpoint";
export const kubeletTokenAnnotation = "svcnet.io/kubelet-token";
