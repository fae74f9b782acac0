import { describe, expect, it } from "vitest";
import { createRepo } from "@shipgate/test-utils";
import { runCli } from "./cli.js";
import { expectedFindings, layoutFiles, LAYOUT_NAMES, RELEASE, RELEASED } from "./shapes.js";

interface Finding {
  path: string;
  line: number;
  rule?: string;
  message: string;
}

const found = (stdout: string) =>
  (JSON.parse(stdout) as { findings: Finding[] }).findings.map((f) => `${f.path}:${f.line} ${f.rule ?? /^\[([\w-]+)\]/.exec(f.message)?.[1] ?? "?"}`);

describe.each(LAYOUT_NAMES)("migrations as real projects write them, in the %s layout", (layout) => {
  const released = layoutFiles(layout, RELEASED, 1);
  const release = layoutFiles(layout, RELEASE, RELEASED.length + 1);
  const all = { ...released.files, ...release.files };

  it("are linted file by file by `shipgate migrations lint`, each on top of the ones before, wherever a shell glob puts them", async () => {
    const repo = createRepo({ files: all });
    const paths = Object.keys(all).sort().reverse();
    const result = await runCli(repo, ["migrations", "lint", "--format", "json", ...paths]);
    expect(found(result.stdout)).toEqual(expectedFindings(release));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
  });

  // The SQL is the same in every layout: it is applied on PGlite, downs included, where the layout has downs.
  const dynamic = layout === "golang-migrate" || layout === "dbmate" || layout === "diesel";
  it(`pass \`shipgate gate\`${dynamic ? " on PGlite, downs restoring the schema," : " --static"} but for the enum the release swapped and the table it dropped`, async () => {
    const repo = createRepo({ files: { ".shipgate.yml": `migrations:\n  dirs: [${released.dir}]\n`, ...released.files }, message: "feat: users" });
    repo.git("tag", "v1.0");
    repo.commit("feat: tickets, copies and a calmer mood", release.files);
    const result = await runCli(repo, ["gate", "--from", "v1.0", "--to", "HEAD", "--format", "json", ...(dynamic ? [] : ["--static"])]);
    expect(found(result.stdout)).toEqual(expectedFindings(release));
    expect(result.code).toBe(1);
  });
});
