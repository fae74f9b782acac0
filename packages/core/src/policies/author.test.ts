import { describe, expect, it } from "vitest";
import { createRepo, type TestRepo } from "@shipgate/test-utils";
import { openRepo } from "../git/repo.js";
import { buildRangeChange } from "../change/build.js";
import { configSchema } from "../config/schema.js";
import { validateConfig } from "../config/load.js";
import { runPolicies, type Report } from "../run.js";
import author from "./author.js";

interface Identity {
  author?: [string, string];
  committer?: [string, string];
}

/** Commits a change as the given identities; git itself refuses empty names, so those are written as raw objects. */
function commitAs(repo: TestRepo, message: string, who: Identity): string {
  const [an, ae] = who.author ?? ["Test Author", "author@example.com"];
  const [cn, ce] = who.committer ?? [an, ae];
  repo.write({ [`${message.replace(/\W+/g, "-")}.txt`]: `${message}\n` });
  repo.git("add", "-A");
  const tree = repo.git("write-tree");
  const parent = repo.git("rev-parse", "HEAD");
  const date = "1767225600 +0000";
  const body = `tree ${tree}\nparent ${parent}\nauthor ${an} <${ae}> ${date}\ncommitter ${cn} <${ce}> ${date}\n\n${message}\n`;
  const oid = repo.gitRaw(["hash-object", "-t", "commit", "-w", "--literally", "--stdin"], { input: body }).stdout.trim();
  repo.git("update-ref", "HEAD", oid);
  return oid;
}

async function check(repo: TestRepo, base: string, options: Record<string, unknown> = {}, stage: "pre-push" | "ci" = "pre-push"): Promise<Report> {
  const head = repo.git("rev-parse", "HEAD");
  const change = await buildRangeChange(await openRepo(repo.dir, repo.env), [{ name: "refs/heads/main", oldOid: base, newOid: head }], {
    stage,
    known: [base],
  });
  return runPolicies(change, validateConfig({ policies: { author: options } }), { only: ["author"] });
}

function start(): { repo: TestRepo; base: string } {
  const repo = createRepo({ files: { "a.txt": "a\n" } });
  return { repo, base: repo.git("rev-parse", "HEAD") };
}

describe("author", () => {
  it("accepts commits whose author and committer have real-looking identities by default", async () => {
    const { repo, base } = start();
    commitAs(repo, "feat: one", { author: ["Ada Lovelace", "ada@example.com"], committer: ["CI Bot", "ci-bot@users.noreply.github.com"] });
    const report = await check(repo, base);
    expect(report.runs.find((r) => r.id === "author")?.status).toBe("pass");
  });

  it("reports each commit whose author or committer email does not match the pattern", async () => {
    const { repo, base } = start();
    const good = commitAs(repo, "feat: good", { author: ["Ada", "ada@Corp.Example"] });
    const badAuthor = commitAs(repo, "feat: personal", { author: ["Ada", "ada@gmail.com"], committer: ["Ada", "ada@corp.example"] });
    const badCommitter = commitAs(repo, "feat: committed elsewhere", { author: ["Ada", "ada@corp.example"], committer: ["Bob", "bob@home.example"] });
    const report = await check(repo, base, { emailPattern: "@corp\\.example$" });
    expect(report.findings.map((f) => [f.commit, f.message])).toEqual([
      [badAuthor, `commit ${badAuthor.slice(0, 12)}: author email "ada@gmail.com" does not match @corp\\.example$`],
      [badCommitter, `commit ${badCommitter.slice(0, 12)}: committer email "bob@home.example" does not match @corp\\.example$`],
    ]);
    expect(report.findings.map((f) => f.commit)).not.toContain(good);
    expect(report.findings[0]?.fix).toMatch(/--reset-author/);
    expect(report.findings[1]?.fix).toMatch(/become the committer/);
    expect(report.exitCode).toBe(1);
  });

  it("accepts an email matching any of several patterns and checks names against namePattern", async () => {
    const { repo, base } = start();
    commitAs(repo, "feat: a", { author: ["Ada Lovelace", "ada@corp.example"] });
    const mononym = commitAs(repo, "feat: b", { author: ["bob", "bob@contractor.example"] });
    const report = await check(repo, base, { emailPattern: ["@corp\\.example$", "@contractor\\.example$"], namePattern: "^\\S+ \\S+" });
    expect(report.findings.map((f) => [f.commit, f.message])).toEqual([
      [mononym, `commit ${mononym.slice(0, 12)}: author name "bob" does not match ^\\S+ \\S+`],
    ]);
  });

  it("rejects empty names and emails and addresses git made up, reporting a shared identity once", async () => {
    const { repo, base } = start();
    const empty = commitAs(repo, "feat: empty", { author: ["", ""] });
    const guessed = commitAs(repo, "feat: guessed", { author: ["Ada", "ada@laptop.(none)"], committer: ["root", "root@localhost"] });
    const report = await check(repo, base, {}, "ci");
    expect(report.findings.map((f) => f.message)).toEqual([
      `commit ${empty.slice(0, 12)} has an empty author name`,
      `commit ${empty.slice(0, 12)} has an empty author email`,
      `commit ${guessed.slice(0, 12)}: author email "ada@laptop.(none)" is not a valid email address`,
      `commit ${guessed.slice(0, 12)}: committer email "root@localhost" is not a valid email address`,
    ]);
  });

  it("checks only the author when committer checking is off", async () => {
    const { repo, base } = start();
    commitAs(repo, "feat: x", { author: ["Ada", "ada@corp.example"], committer: ["GitHub", "noreply@github.com"] });
    expect((await check(repo, base, { emailPattern: "@corp\\.example$", committer: false })).findings).toEqual([]);
    expect((await check(repo, base, { emailPattern: "@corp\\.example$" })).findings).toHaveLength(1);
  });

  it("runs at push, receive and CI, and rejects an invalid pattern in the config with its path", () => {
    expect(author.stages).toEqual(["pre-push", "pre-receive", "ci"]);
    const result = configSchema().safeParse({ policies: { author: { emailPattern: ["ok", "(unclosed"] } } });
    expect(result.success).toBe(false);
    expect(result.success ? undefined : result.issues[0]?.message).toMatch(/valid JavaScript regular expressions/);
  });
});
