/** The schema rule tests build on, and a helper that lints one SQL text against it (used by the tests beside each rule). */
import { lintFiles, type LintTextOptions } from "../lint-text.js";
import type { LintFinding } from "../lint.js";

export const BASE_SCHEMA = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name varchar(50), status text NOT NULL DEFAULT 'active', score int, price numeric(10,2), code char(4));
CREATE TABLE orders (id serial PRIMARY KEY, user_id bigint);
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE INDEX users_email ON users (email);
`;

/** Lints `sql` as the one migration of a release whose previous release built BASE_SCHEMA. */
export async function lintOne(sql: string, options: LintTextOptions = {}): Promise<LintFinding[]> {
  return lintFiles([{ path: "migrations/002_change.sql", text: sql }], { before: [BASE_SCHEMA], ...options });
}

/** The rule ids `sql` triggers, lock-timeout noise left out unless asked for. */
export async function rulesFor(sql: string, options: LintTextOptions = {}): Promise<string[]> {
  const findings = await lintOne(sql, { ...options, rules: { "missing-lock-timeout": "off", ...options.rules } });
  return findings.map((f) => f.rule);
}
