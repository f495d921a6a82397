import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { DEFAULT_PAGE_HTML, hostDefaultPageRoot } from "./default-page.js";

describe("default page", () => {
  it("has nginx's title and heading", () => {
    assert.ok(DEFAULT_PAGE_HTML.includes("<title>Welcome to nginx!</title>"));
    assert.ok(DEFAULT_PAGE_HTML.includes("<h1>Welcome to nginx!</h1>"));
  });
  const cases: { name: string; exists: boolean; want: string | undefined }[] = [
    { name: "Debian's page present", exists: true, want: "/var/www/html" },
    { name: "Debian's page absent", exists: false, want: undefined },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const seen: string[] = [];
      const got = hostDefaultPageRoot((p) => (seen.push(p), tc.exists));
      assert.equal(got, tc.want);
      assert.deepEqual(seen, ["/var/www/html/index.nginx-debian.html"]);
    });
  }
});
