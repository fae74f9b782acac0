import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { blobId } from "./blob-id.js";

describe("blobId", () => {
  it("is the id git gives the file's bytes, for ASCII and non-ASCII text alike", () => {
    const repo = createRepo({ files: { "a.sql": "ALTER TABLE t ADD COLUMN naïve text; -- ☕\n", "b.sql": "" } });
    expect(blobId("ALTER TABLE t ADD COLUMN naïve text; -- ☕\n")).toBe(repo.git("rev-parse", "HEAD:a.sql"));
    expect(blobId("")).toBe(repo.git("rev-parse", "HEAD:b.sql"));
  });
});
