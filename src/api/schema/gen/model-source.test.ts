import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseAttributeTypeMap, parseDeclarations, parseModel, unescapeDocText } from "./model-source.js";

const js = `export class V1Thing {
}
V1Thing.discriminator = undefined;
V1Thing.attributeTypeMap = [
    {
        "name": "port",
        "baseName": "port",
        "type": "number",
        "format": "int32"
    },
    {
        "name": "_default",
        "baseName": "default",
        "type": "string",
        "format": ""
    },
    {
        "name": "labels",
        "baseName": "labels",
        "type": "{ [key: string]: string; }",
        "format": ""
    }
];
//# sourceMappingURL=V1Thing.js.map`;

const dts = `import { X } from '../models/X.js';
/**
* Thing is a thing.  It has \\'quotes\\'.
*/
export declare class V1Thing {
    /**
    * The port \\"number\\".
    */
    'port': number;
    /**
    * A default.
    * Second line.
    */
    '_default'?: string;
    'labels'?: {
        [key: string]: string;
    };
    static readonly discriminator: string | undefined;
}`;

describe("model-source", () => {
  it("reads the attribute type map", () => {
    assert.deepEqual(
      parseAttributeTypeMap("V1Thing", js).map((a) => a.baseName),
      ["port", "default", "labels"],
    );
  });

  it("throws without an attribute type map", () => {
    assert.throws(() => parseAttributeTypeMap("V1Other", js), /no attributeTypeMap/);
  });

  const cases: { name: string; text: string; want: string }[] = [
    { name: "single quote", text: "service\\'s", want: "service's" },
    { name: "double quote", text: '\\"TCP\\"', want: '"TCP"' },
    { name: "double backslash", text: "A\\\\\\\\B", want: "A\\\\B" },
    { name: "plain", text: "plain", want: "plain" },
  ];
  for (const c of cases) it(`unescapes ${c.name}`, () => assert.equal(unescapeDocText(c.text), c.want));

  it("reads class and field descriptions and requiredness", () => {
    const d = parseDeclarations(dts);
    assert.equal(d.description, "Thing is a thing.  It has 'quotes'.");
    assert.deepEqual(d.fields.get("port"), { description: 'The port "number".', required: true });
    assert.deepEqual(d.fields.get("_default"), { description: "A default.\nSecond line.", required: false });
    assert.deepEqual(d.fields.get("labels"), { description: undefined, required: false });
  });

  it("joins both files by TypeScript name and keeps the wire name", () => {
    const m = parseModel("V1Thing", { js, dts });
    assert.deepEqual(m.attributes, [
      { name: "port", type: "number", format: "int32", required: true, description: 'The port "number".' },
      { name: "default", type: "string", format: "", required: false, description: "A default.\nSecond line." },
      { name: "labels", type: "{ [key: string]: string; }", format: "", required: false },
    ]);
  });
});
