/**
 * The per-file work of the eslint and prettier policies, as data in and data out, so that the same work runs on this
 * thread, in a worker thread or in the lint daemon with the same outcome: the policies decide, a ToolHost only runs.
 */
import { dirname, join, sep } from "node:path";
import { loadFromProject } from "./load-tool.js";

/** What a message of eslint's carries into a finding. */
export interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line?: number;
  column?: number;
  fatal?: boolean;
}

/** Lint one file's content as the file at `filePath`, with the eslint config of `root` (its nearest config's directory). */
export interface EslintJob {
  root: string;
  fix: boolean;
  filePath: string;
  source: string;
}

export type EslintOutcome =
  | { kind: "missing" }
  | { kind: "ignored" }
  | { kind: "linted"; messages: LintMessage[]; output?: string }
  /** eslint could not load the config (the user's to fix). */
  | { kind: "broken"; reason: string }
  /** Anything else that threw: the policy fails the way it would have failed here. */
  | { kind: "crashed"; message: string };

/** Format one file's content as the file at `filePath` of the repository at `cwd`. */
export interface PrettierJob {
  cwd: string;
  requireConfig: boolean;
  filePath: string;
  source: string;
}

export type PrettierOutcome =
  | { kind: "missing" }
  | { kind: "unconfigured" }
  /** Ignored (.prettierignore, .gitignore) or of a kind prettier has no parser for. */
  | { kind: "skipped" }
  | { kind: "formatted"; output: string }
  | { kind: "unparsable"; message: string }
  | { kind: "crashed"; message: string };

export type ToolRequest = { tool: "eslint"; jobs: EslintJob[] } | { tool: "prettier"; jobs: PrettierJob[] };
export type OutcomeOf<R extends ToolRequest> = R extends { tool: "eslint" } ? EslintOutcome : PrettierOutcome;

/**
 * Runs a request's jobs and returns one outcome per job, in order; calls `started(i)` as job i starts (progress, and
 * the daemon's sign of life). Hosts differ only in where the work runs.
 */
export interface ToolHost {
  run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]>;
}

interface ESLintInstance {
  isPathIgnored(path: string): Promise<boolean>;
  calculateConfigForFile(path: string): Promise<{ languageOptions?: { parserOptions?: Record<string, unknown> } } | undefined>;
  lintText(code: string, options: { filePath: string }): Promise<{ messages: LintMessage[]; output?: string }[]>;
}
interface ESLintModule {
  loadESLint?: (options: { useFlatConfig: boolean; cwd?: string }) => Promise<new (options: { cwd: string; fix: boolean }) => ESLintInstance>;
  ESLint?: new (options: { cwd: string; fix: boolean }) => ESLintInstance;
}
interface PrettierModule {
  resolveConfigFile(path: string): Promise<string | null>;
  getFileInfo(path: string, options: { ignorePath?: string[]; resolveConfig?: boolean }): Promise<{ ignored: boolean; inferredParser: string | null }>;
  resolveConfig(path: string, options?: { editorconfig?: boolean }): Promise<Record<string, unknown> | null>;
  format(source: string, options: Record<string, unknown>): Promise<string>;
}

const TYPE_AWARE_OPTIONS = ["project", "projectService", "programs", "EXPERIMENTAL_useProjectService"];

/** eslint's answer when it cannot load a config: reported as the config's problem, not as a crash. */
class BrokenConfig extends Error {}

/**
 * What a run of jobs keeps between files: eslint instances per config root, prettier's answers about configs per
 * directory. A hook's run keeps one for one request; the daemon keeps one per worker until it reloads.
 */
export class ToolSession {
  private readonly eslints = new Map<string, Promise<ESLintInstance | null>>();
  private readonly configured = new Map<string, Promise<boolean>>();

  async eslint(job: EslintJob): Promise<EslintOutcome> {
    try {
      const eslint = await this.eslintFor(job.root, job.fix);
      if (!eslint) return { kind: "missing" };
      if (await configProblem(() => eslint.isPathIgnored(job.filePath))) return { kind: "ignored" };
      const [result] = await configProblem(() => eslint.lintText(job.source, { filePath: job.filePath }));
      if (!result) return { kind: "linted", messages: [] };
      const messages = result.messages.map(copyMessage);
      return result.output === undefined ? { kind: "linted", messages } : { kind: "linted", messages, output: result.output };
    } catch (error) {
      if (error instanceof BrokenConfig) return { kind: "broken", reason: error.message };
      return { kind: "crashed", message: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * Whether the file's config lints with type information (typescript-eslint's `project`, `projectService`, `programs`),
   * which reads other files of the project from disk: state that a long-lived process cannot keep true.
   */
  async typeAware(job: EslintJob): Promise<boolean> {
    try {
      const eslint = await this.eslintFor(job.root, job.fix);
      const options = (await eslint?.calculateConfigForFile(job.filePath))?.languageOptions?.parserOptions ?? {};
      return TYPE_AWARE_OPTIONS.some((name) => Boolean(options[name]));
    } catch {
      return false; // the job itself reports why eslint cannot load the config
    }
  }

  async prettier(job: PrettierJob): Promise<PrettierOutcome> {
    try {
      const dir = dirname(job.filePath);
      const prettier = await loadFromProject<PrettierModule>("prettier", dir);
      if (!prettier) return { kind: "missing" };
      if (job.requireConfig && !(await this.configuredIn(prettier, job.cwd, dir))) return { kind: "unconfigured" };
      const ignorePath = [join(job.cwd, ".prettierignore"), join(job.cwd, ".gitignore")];
      const info = await prettier.getFileInfo(job.filePath, { ignorePath, resolveConfig: true });
      if (info.ignored || info.inferredParser === null) return { kind: "skipped" };
      const config = (await prettier.resolveConfig(job.filePath, { editorconfig: true })) ?? {};
      try {
        return { kind: "formatted", output: await prettier.format(job.source, { ...config, filepath: job.filePath }) };
      } catch (error) {
        return { kind: "unparsable", message: (error as Error).message.split("\n")[0] ?? "" };
      }
    } catch (error) {
      return { kind: "crashed", message: error instanceof Error ? error.message : String(error) };
    }
  }

  private eslintFor(root: string, fix: boolean): Promise<ESLintInstance | null> {
    const key = `${fix ? "fix" : "check"}\0${root}`;
    let instance = this.eslints.get(key);
    if (instance === undefined) {
      instance = createESLint(root, fix);
      this.eslints.set(key, instance);
    }
    return instance;
  }

  /** Whether `dir` is under a prettier config inside the repository (`root`), asked once per directory. */
  private configuredIn(prettier: PrettierModule, root: string, dir: string): Promise<boolean> {
    const key = `${root}\0${dir}`;
    let answer = this.configured.get(key);
    if (answer === undefined) {
      answer = prettier.resolveConfigFile(join(dir, "noop.js")).then((file) => file !== null && (file === root || file.startsWith(`${root}${sep}`)));
      this.configured.set(key, answer);
    }
    return answer;
  }
}

/** Runs one job of a request with a session. */
export function runJob(session: ToolSession, request: ToolRequest, index: number): Promise<EslintOutcome | PrettierOutcome> {
  if (request.tool === "eslint") {
    const job = request.jobs[index];
    return job ? session.eslint(job) : Promise.resolve({ kind: "crashed", message: `no eslint job ${index}` });
  }
  const job = request.jobs[index];
  return job ? session.prettier(job) : Promise.resolve({ kind: "crashed", message: `no prettier job ${index}` });
}

/** The host that runs every job here, one after another, with a session of its own per request. */
export const localTools: ToolHost = {
  async run<R extends ToolRequest>(request: R, started?: (index: number) => void): Promise<OutcomeOf<R>[]> {
    const session = new ToolSession();
    const outcomes: (EslintOutcome | PrettierOutcome)[] = [];
    for (let i = 0; i < request.jobs.length; i++) {
      started?.(i);
      outcomes.push(await runJob(session, request, i));
    }
    return outcomes as OutcomeOf<R>[];
  },
};

async function createESLint(root: string, fix: boolean): Promise<ESLintInstance | null> {
  const mod = await loadFromProject<ESLintModule>("eslint", root);
  if (!mod) return null;
  return configProblem(async () => {
    const Ctor = mod.loadESLint ? await mod.loadESLint({ useFlatConfig: true, cwd: root }) : mod.ESLint;
    return Ctor ? new Ctor({ cwd: root, fix }) : null;
  });
}

/** eslint throws when it cannot load the config (a syntax error, a plugin that is not installed): the user's to fix. */
async function configProblem<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new BrokenConfig((error as Error).message.split("\n")[0] ?? "");
  }
}

/** Only the fields a finding reads, so the outcome crosses threads and sockets as plain data. */
function copyMessage(m: LintMessage): LintMessage {
  return {
    ruleId: m.ruleId ?? null,
    severity: m.severity,
    message: m.message,
    ...(m.line !== undefined ? { line: m.line } : {}),
    ...(m.column !== undefined ? { column: m.column } : {}),
    ...(m.fatal !== undefined ? { fatal: m.fatal } : {}),
  };
}
