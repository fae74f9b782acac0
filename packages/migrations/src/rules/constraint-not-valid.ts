/** constraint-not-valid: FOREIGN KEY and CHECK scan the table under a lock unless added NOT VALID and validated later. */
import { messages } from "../messages.js";
import { as, relationName, str } from "../sql/nodes.js";
import { alterCommands, defineRule, type Hit } from "./rule.js";

const KINDS: Record<string, string> = { CONSTR_FOREIGN: "FOREIGN KEY", CONSTR_CHECK: "CHECK" };

export const constraintNotValid = defineRule({
  id: "constraint-not-valid",
  category: "locking",
  summary: "ADD FOREIGN KEY / CHECK without NOT VALID on an existing table, or VALIDATE in the transaction that added it",
  kinds: ["AT_AddConstraint", "AT_ValidateConstraint"],
  check({ statement, state, migration, file }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }): Hit[] => {
      if (subtype === "AT_AddConstraint") {
        const c = as(cmd["def"], "Constraint");
        const kind = c ? KINDS[String(c["contype"])] : undefined;
        if (!c || kind === undefined || c["skip_validation"] === true) return [];
        return [{ message: messages.constraintNotValid(table, kind), fix: messages.constraintNotValidFix }];
      }
      if (subtype === "AT_ValidateConstraint") {
        const name = str(cmd["name"]) ?? "?";
        const oneTransaction = migration.transaction === "always" || file.inExplicitTransaction;
        const addedHere = file.statements.slice(0, file.index).some((s) => alterCommands(s).some((a) => as(a.cmd["def"], "Constraint")?.["conname"] === name));
        return oneTransaction && addedHere ? [{ message: messages.validateSameTransaction(table, name), fix: messages.validateSameTransactionFix }] : [];
      }
      return [];
    });
  },
});
