import { describe, expect, it } from "vitest";
import { rulesFor } from "./fixture.js";

describe("enum-value-change", () => {
  it("fires on renaming a value, dropping the type and deleting from pg_enum", async () => {
    expect(await rulesFor("ALTER TYPE mood RENAME VALUE 'sad' TO 'unhappy';")).toEqual(["enum-value-change"]);
    expect(await rulesFor("DROP TYPE mood;")).toEqual(["enum-value-change"]);
    expect(await rulesFor("DELETE FROM pg_enum WHERE enumlabel = 'sad';")).toEqual(["enum-value-change"]);
  });
  it("does not fire on adding a value or dropping a type this release created", async () => {
    expect(await rulesFor("ALTER TYPE mood ADD VALUE 'calm'; CREATE TYPE tmp AS ENUM ('a'); DROP TYPE tmp;")).toEqual([]);
  });
  it("does not fire on renaming a value of an enum this release created, schema-qualified or not", async () => {
    const sql = "CREATE TYPE public.state AS ENUM ('open', 'close'); ALTER TYPE state RENAME VALUE 'close' TO 'closed';";
    expect(await rulesFor(sql)).toEqual([]);
    expect(await rulesFor("CREATE TYPE a AS ENUM ('x'); ALTER TYPE a RENAME TO b; ALTER TYPE public.b RENAME VALUE 'x' TO 'y';")).toEqual([]);
  });
  it("fires on renaming a value of the previous release's enum after the release renamed the type", async () => {
    expect(await rulesFor("ALTER TYPE mood RENAME TO feeling; ALTER TYPE feeling RENAME VALUE 'sad' TO 'blue';")).toEqual(["enum-value-change"]);
  });
  it("does not fire on dropping the old enum a release renamed away after moving its columns to a new enum of the old name", async () => {
    const sql = `
      CREATE TABLE people (id bigint, m mood);
      ALTER TYPE mood RENAME TO mood_old;
      CREATE TYPE mood AS ENUM ('happy', 'sad', 'calm');
      ALTER TABLE people ALTER COLUMN m TYPE mood USING m::text::mood;
      DROP TYPE mood_old;`;
    expect(await rulesFor(sql)).toEqual([]);
    expect(await rulesFor(sql.replace("DROP TYPE mood_old;", "DROP TYPE mood_old CASCADE;"))).toEqual(["enum-value-change"]);
  });
});
