/** detach-partition-not-concurrent: a plain DETACH PARTITION holds ACCESS EXCLUSIVE on the partitioned table. */
import { messages } from "../messages.js";
import { as, relationName } from "../sql/nodes.js";
import { alterCommands, defineRule } from "./rule.js";

export const detachPartitionNotConcurrent = defineRule({
  id: "detach-partition-not-concurrent",
  category: "locking",
  summary: "ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on a table that existed before this release",
  kinds: ["AT_DetachPartition"],
  check({ statement, state }) {
    const table = relationName(statement.node["relation"]) ?? "?";
    if (state.isNew(table)) return [];
    return alterCommands(statement).flatMap(({ subtype, cmd }) => {
      const partition = subtype === "AT_DetachPartition" ? as(cmd["def"], "PartitionCmd") : null;
      if (!partition || partition["concurrent"] === true) return [];
      return [{ message: messages.detachPartition(table, relationName(partition["name"]) ?? "?"), fix: messages.detachPartitionFix }];
    });
  },
});
