import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AddressBook, sharingConflict } from "./address-book.js";
import type { SharingClaim } from "./lb-service.js";

const claim = (sharingKey: string, ports: string[], backendKey = "Cluster"): SharingClaim => ({ sharingKey, backendKey, ports });

describe("sharingConflict", () => {
  const cases: { name: string; theirs: SharingClaim; mine: SharingClaim; want?: RegExp }[] = [
    { name: "same key, different ports", theirs: claim("dns", ["TCP/53"]), mine: claim("dns", ["UDP/53"]) },
    { name: "holder does not share", theirs: claim("", ["TCP/53"]), mine: claim("dns", ["UDP/53"]), want: /does not allow sharing/ },
    { name: "newcomer does not share", theirs: claim("dns", ["TCP/53"]), mine: claim("", ["UDP/53"]), want: /give both services the same metallb.io\/allow-shared-ip key \("dns"\)/ },
    { name: "different keys", theirs: claim("dns", ["TCP/53"]), mine: claim("web", ["UDP/53"]), want: /sharing key "dns", not "web"/ },
    { name: "same key, one port in common", theirs: claim("web", ["TCP/80", "TCP/443"]), mine: claim("web", ["TCP/443"]), want: /port TCP\/443 on 172.17.8.201 is already used by default\/a/ },
    { name: "same port number, other protocol", theirs: claim("dns", ["TCP/53"]), mine: claim("dns", ["UDP/53", "SCTP/53"]) },
    { name: "Local vs Cluster", theirs: claim("k", ["TCP/80"], "Cluster"), mine: claim("k", ["TCP/81"], "Local:app=x"), want: /externalTrafficPolicy/ },
    { name: "Local with other selectors", theirs: claim("k", ["TCP/80"], "Local:app=x"), mine: claim("k", ["TCP/81"], "Local:app=y"), want: /selector\) differs/ },
    { name: "Local with the same selector", theirs: claim("k", ["TCP/80"], "Local:app=x"), mine: claim("k", ["TCP/81"], "Local:app=x") },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const why = sharingConflict("172.17.8.201", "default/a", c.theirs, c.mine);
      if (c.want) assert.match(why ?? "", c.want);
      else assert.equal(why, undefined);
    });
  }
});

describe("AddressBook", () => {
  it("tracks holders by address, replaces on assign, forgets on release", () => {
    const book = new AddressBook();
    book.assign("default/tcp", { pool: "p", ips: ["172.17.8.201"], claim: claim("dns", ["TCP/53"]) });
    book.assign("default/udp", { pool: "p", ips: ["172.17.8.201"], claim: claim("dns", ["UDP/53"]) });
    book.assign("default/web", { pool: "p", ips: ["172.17.8.202", "fd00::2"], claim: claim("", ["TCP/80"]) });
    assert.deepEqual(book.holders("172.17.8.201"), ["default/tcp", "default/udp"]);
    assert.deepEqual(book.usage("p"), { IPv4: 2, IPv6: 1 });
    assert.equal(book.conflict("default/tcp", "172.17.8.201", claim("dns", ["TCP/53"])), undefined, "a holder does not clash with itself");
    assert.match(book.conflict("default/other", "172.17.8.201", claim("dns", ["TCP/53"])) ?? "", /port TCP\/53/);
    assert.equal(book.conflict("default/other", "172.17.8.203", claim("", ["TCP/53"])), undefined, "a free address");

    book.assign("default/tcp", { pool: "q", ips: ["10.9.0.1"], claim: claim("dns", ["TCP/53"]) });
    assert.deepEqual(book.holders("172.17.8.201"), ["default/udp"]);
    assert.deepEqual(book.usage("q"), { IPv4: 1, IPv6: 0 });
    assert.equal(book.release("default/udp")?.pool, "p");
    assert.equal(book.release("default/udp"), undefined);
    assert.deepEqual(book.holders("172.17.8.201"), []);
    assert.deepEqual(book.usage("p"), { IPv4: 1, IPv6: 1 });
    assert.equal(book.size, 2);
  });
  it("keeps its own copy of what it is given", () => {
    const book = new AddressBook();
    const ips = ["172.17.8.201"];
    book.assign("default/a", { pool: "p", ips, claim: claim("", []) });
    ips.push("172.17.8.202");
    assert.deepEqual(book.holding("default/a")?.ips, ["172.17.8.201"]);
  });
});
