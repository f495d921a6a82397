// Table tests of the announcer's command lines and of the parser of `ip -o addr show` output
// (sample lines and errors as iproute2 6.1 on Linux 6.x prints them, and older kernels' wording).

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addAddressArgs, announcerLabel, deleteAddressArgs, gratuitousArpArgs, isAddressExists, isAddressMissing, listAddressesArgs, parseListedAddresses } from "./announcer-commands.js";

describe("announcer commands", () => {
  const ns = "svcnet-ab12-core-v2-01";
  const cases: { name: string; got: string[]; want: string }[] = [
    { name: "list", got: listAddressesArgs(ns, "eth0"), want: `-n ${ns} -4 -o addr show dev eth0 label eth0:lb` },
    { name: "add", got: addAddressArgs(ns, "eth0", "172.17.8.201"), want: `-n ${ns} addr add 172.17.8.201/32 dev eth0 label eth0:lb` },
    { name: "delete", got: deleteAddressArgs(ns, "eth0", "172.17.8.201"), want: `-n ${ns} addr del 172.17.8.201/32 dev eth0` },
    { name: "gratuitous ARP", got: gratuitousArpArgs(ns, "eth0", "172.17.8.201"), want: `netns exec ${ns} arping -q -U -c 1 -I eth0 172.17.8.201` },
  ];
  for (const c of cases) it(c.name, () => assert.equal(c.got.join(" "), c.want));

  it("refuses a device whose label would not fit", () => {
    assert.equal(announcerLabel("enp0s31f6abc"), "enp0s31f6abc:lb");
    assert.throws(() => announcerLabel("enp0s31f6abcd"), /too long/);
  });
});

describe("parseListedAddresses", () => {
  const cases: { name: string; output: string; want: string[] }[] = [
    { name: "nothing", output: "", want: [] },
    { name: "one", output: "3: eth0    inet 172.17.8.201/32 scope global eth0:lb\\       valid_lft forever preferred_lft forever\n", want: ["172.17.8.201"] },
    {
      name: "several, in order",
      output: [
        "3: eth0    inet 172.17.8.230/32 scope global eth0:lb\\       valid_lft forever preferred_lft forever",
        "3: eth0    inet 172.17.8.201/32 scope global eth0:lb\\       valid_lft forever preferred_lft forever",
        "",
      ].join("\n"),
      want: ["172.17.8.230", "172.17.8.201"],
    },
    { name: "IPv6 lines", output: "3: eth0    inet6 fd00::c8/128 scope global nodad \\       valid_lft forever preferred_lft forever\n", want: ["fd00::c8"] },
    { name: "unrelated text", output: "Device \"eth9\" does not exist.\n", want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(parseListedAddresses(c.output), c.want));
});

describe("iproute2 answers", () => {
  it("recognises an address already there and one already gone", () => {
    assert.equal(isAddressExists("RTNETLINK answers: File exists"), true);
    assert.equal(isAddressExists("Error: ipv4: Address already assigned."), true);
    assert.equal(isAddressExists("Error: ipv4: Invalid prefix for given prefix length."), false);
    assert.equal(isAddressMissing("RTNETLINK answers: Cannot assign requested address"), true);
    assert.equal(isAddressMissing("Error: ipv4: Address not found."), true);
    assert.equal(isAddressMissing("Cannot find device \"eth0\""), false);
  });
});
