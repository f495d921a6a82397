// Objects as a YAML stream of JSON documents, as `kubectl create -f -` and `kubectl apply -f -`
// read several at once.

export const yamlStream = (objects: unknown[]): string => objects.map((o) => `---\n${JSON.stringify(o)}\n`).join("");
