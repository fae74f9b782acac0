import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("table-rewrite", () => {
  it("fires on volatile defaults, stored generated and serial columns, and integer widening", async () => {
    expect(await rulesFor("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();")).toEqual(["table-rewrite"]);
    expect(await rulesFor("ALTER TABLE users ADD COLUMN double_score int GENERATED ALWAYS AS (score * 2) STORED;")).toEqual(["table-rewrite"]);
    expect(await rulesFor("ALTER TABLE users ADD COLUMN seq bigserial;")).toEqual(["table-rewrite"]);
    expect(await rulesFor("ALTER TABLE users ALTER score TYPE bigint;")).toEqual(["table-rewrite"]);
  });
  it("does not fire on constant or stable defaults", async () => {
    expect(await rulesFor("ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now(), ADD COLUMN flag bool DEFAULT false;")).toEqual([]);
  });
});
