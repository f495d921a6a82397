import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseResolvConf } from "./parse-resolv-conf.js";

describe("parseResolvConf", () => {
  const cases = [
    { name: "empty", text: "", want: { servers: [], searches: [], options: [] } },
    {
      name: "typical systemd-resolved style",
      text: "# comment\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch example.internal\n",
      want: { servers: ["127.0.0.53"], searches: ["example.internal"], options: ["edns0", "trust-ad"] },
    },
    {
      name: "nameservers accumulate, bare nameserver ignored",
      text: "nameserver 1.1.1.1\nnameserver\nnameserver 8.8.8.8 extra\n",
      want: { servers: ["1.1.1.1", "8.8.8.8"], searches: [], options: [] },
    },
    {
      name: "last search line wins, dots trimmed, '.' dropped",
      text: "search a.com b.com\nsearch c.com. . d.com\n",
      want: { servers: [], searches: ["c.com", "d.com"], options: [] },
    },
    {
      name: "options accumulate; same name replaced in place",
      text: "options ndots:2 rotate\noptions timeout:1 ndots:3\n",
      want: { servers: [], searches: [], options: ["ndots:3", "rotate", "timeout:1"] },
    },
    {
      name: "indented comment, tabs, CRLF, unknown keywords",
      text: "  # nameserver 9.9.9.9\r\ndomain corp\r\n\tnameserver\t10.0.0.2\r\nsortlist 1.2.3.4\r\n",
      want: { servers: ["10.0.0.2"], searches: [], options: [] },
    },
    {
      name: "'; comment' is not a comment for kubelet but is not a keyword either",
      text: "; nameserver 9.9.9.9\nnameserver 10.0.0.3\n",
      want: { servers: ["10.0.0.3"], searches: [], options: [] },
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseResolvConf(c.text), c.want));
});
