import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Migration } from "../layout/discover.js";
import { loadParser } from "../sql/parse.js";
import { PGLITE_BUNDLED, pgliteExtensions, requestedExtensions } from "./extensions.js";

/** Modules in PGlite's contrib directory that CREATE EXTENSION cannot create (loaded as libraries, not extensions). */
const NOT_EXTENSIONS = new Set(["auto_explain"]);

function source(up: string, down: string | null): { migration: Migration; up: string; down: string | null } {
  const migration: Migration = {
    layout: "diesel",
    version: "1",
    name: "1_x",
    up: "m/1_x/up.sql",
    down: "m/1_x/down.sql",
    hasDowns: true,
    repeatable: false,
    transaction: "always",
  };
  return { migration, up, down };
}

beforeAll(() => loadParser());

describe("PGlite's bundled extensions", () => {
  it("maps every contrib module the installed PGlite ships to the name CREATE EXTENSION uses", () => {
    const contrib = join(dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")), "contrib");
    const modules = readdirSync(contrib)
      .filter((file) => file.endsWith(".js"))
      .map((file) => file.slice(0, -3))
      .filter((name) => !NOT_EXTENSIONS.has(name));
    expect(modules.length).toBeGreaterThan(20);
    expect([...PGLITE_BUNDLED].sort()).toEqual(modules.map((name) => (name === "uuid_ossp" ? "uuid-ossp" : name)).sort());
  });

  it("loads the modules of the requested extensions and of what they require, and names the ones PGlite lacks", async () => {
    const found = await pgliteExtensions(["earthdistance", "plpgsql", "postgis", "uuid-ossp"]);
    expect(found.loaded).toEqual(["earthdistance", "uuid-ossp"]);
    expect(found.missing).toEqual(["postgis"]);
    expect(Object.keys(found.modules).sort()).toEqual(["cube", "earthdistance", "uuid_ossp"]);
    expect(found.modules["uuid_ossp"]?.name).toBe("uuid-ossp");
  });
});

describe("the extensions migrations ask for", () => {
  it("are read from ups and downs, quoted or not, with IF NOT EXISTS and a schema, once each", () => {
    const sources = [
      source('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;\nCREATE TABLE t (id uuid);\n', "DROP TABLE t;\n"),
      source("create extension pgcrypto;\nCREATE EXTENSION citext;\n", 'DROP EXTENSION citext;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\n'),
      source("CREATE EXTENSION hstore CASCADE;\n", null),
    ];
    expect(requestedExtensions(sources)).toEqual(["citext", "hstore", "pgcrypto", "uuid-ossp"]);
  });

  it("are found however the statement is spelt: any case, a comment between its words, among files that name none", () => {
    const sources = [
      source("CREATE TABLE a (id int);\n", "DROP TABLE a;\n"),
      source('CrEaTe/* trigram search */ExTeNsIoN\n"pg_trgm";\n', null),
      source("CREATE TABLE b (id int);\n", "DROP TABLE b;\n"),
    ];
    expect(requestedExtensions(sources)).toEqual(["pg_trgm"]);
  });

  it("are none when no migration creates one, even when one mentions an extension in a string or comment", () => {
    const sources = [source("-- CREATE EXTENSION postgis;\nSELECT 'CREATE EXTENSION ltree';\n", null)];
    expect(requestedExtensions(sources)).toEqual([]);
  });
});
