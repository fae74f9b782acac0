/** concurrently-in-transaction: PostgreSQL refuses CONCURRENTLY inside a transaction block, so the migration fails. */
import { messages } from "../messages.js";
import type { Statement } from "../sql/parse.js";
import { as } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

/** Statements that may share a file with a CONCURRENTLY one when the tool sends the file in one round trip. */
const HARMLESS = new Set(["VariableSetStmt"]);

export const concurrentlyInTransaction = defineRule({
  id: "concurrently-in-transaction",
  category: "breaking",
  summary: "CREATE/DROP INDEX, REINDEX or DETACH PARTITION ... CONCURRENTLY where the migration runs in a transaction",
  kinds: ["IndexStmt", "DropStmt", "ReindexStmt", "AT_DetachPartition"],
  check({ statement, migration, file }) {
    if (!isConcurrent(statement)) return [];
    let why: string | null = null;
    if (file.inExplicitTransaction) why = "an explicit BEGIN is open";
    else if (migration.transaction === "always") why = `${migration.layout} runs each migration in a transaction`;
    else if (migration.transaction === "implicit" && file.statements.some((s) => s !== statement && !isConcurrent(s) && !HARMLESS.has(s.kind))) {
      why = `${migration.layout} sends the file in one piece, so its statements share an implicit transaction`;
    }
    return why === null ? [] : [{ message: messages.concurrentlyInTransaction(why), fix: messages.concurrentlyInTransactionFix }];
  },
});

export function isConcurrent(statement: Statement): boolean {
  const n = statement.node;
  if (statement.kind === "IndexStmt" || statement.kind === "DropStmt") return n["concurrent"] === true;
  if (statement.kind === "ReindexStmt") return JSON.stringify(n["params"] ?? []).includes('"concurrently"');
  return alterCommands(statement).some(({ subtype, cmd }) => subtype === "AT_DetachPartition" && as(cmd["def"], "PartitionCmd")?.["concurrent"] === true);
}
