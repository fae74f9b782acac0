/** The columns a query produces (`CREATE TABLE ... AS`, `SELECT ... INTO`): names as PostgreSQL picks them, types where the query shows them. */
import { as, list, names, relationName, str, typeRef, type Fields, type TypeRef } from "./nodes.js";

export interface OutputColumn {
  name: string;
  /** Known when the column is a cast or a column of a table the migrations created; else undefined. */
  type: TypeRef | undefined;
}

/** The columns of a table as the migrations so far built it, by table name; undefined for a table they do not show. */
export type ColumnsOf = (table: string) => Columns | undefined;
type Columns = ReadonlyMap<string, { type: TypeRef | undefined }>;
const NO_COLUMNS: Columns = new Map();

/** The output columns of `select` (a SelectStmt's fields); a set operation takes its names from its first branch. */
export function selectColumns(select: Fields, columnsOf: ColumnsOf): OutputColumn[] {
  if (select["op"] !== undefined && select["op"] !== "SETOP_NONE") {
    return selectColumns((select["larg"] as Fields | undefined) ?? {}, columnsOf);
  }
  const from = fromTables(list(select["fromClause"]), new Map());
  const lookUp = (qualifier: string | undefined): Columns[] =>
    [...from].filter(([alias]) => qualifier === undefined || alias === qualifier).map(([, table]) => columnsOf(table) ?? NO_COLUMNS);
  return list(select["targetList"]).flatMap((item) => {
    const target = as(item, "ResTarget");
    if (!target) return [];
    const name = str(target["name"]);
    const ref = as(target["val"], "ColumnRef");
    if (ref) {
      const fields = list(ref["fields"]);
      const last = fields[fields.length - 1];
      const qualifier = fields.length > 1 ? names(fields.slice(0, -1)).join(".") : undefined;
      if (as(last, "A_Star")) return lookUp(qualifier).flatMap((columns) => [...columns].map(([column, { type }]) => ({ name: column, type })));
      const column = str(as(last, "String")?.["sval"]) ?? "?column?";
      const type = lookUp(qualifier)
        .find((columns) => columns.has(column))
        ?.get(column)?.type;
      return [{ name: name ?? column, type }];
    }
    const cast = as(target["val"], "TypeCast");
    if (cast) {
      const inner = list(as(cast["arg"], "ColumnRef")?.["fields"]);
      const innerName = str(as(inner[inner.length - 1], "String")?.["sval"]);
      const type = typeRef(cast["typeName"]);
      return [{ name: name ?? innerName ?? type?.name ?? "?column?", type }];
    }
    const call = names(as(target["val"], "FuncCall")?.["funcname"]);
    return [{ name: name ?? call[call.length - 1] ?? "?column?", type: undefined }];
  });
}

/** alias (or table name) -> table, for the tables of a FROM clause and its joins. */
function fromTables(items: unknown[], out: Map<string, string>): Map<string, string> {
  for (const item of items) {
    const range = as(item, "RangeVar");
    const table = range ? relationName(range) : undefined;
    if (range && table !== undefined) out.set(str((range["alias"] as Fields | undefined)?.["aliasname"]) ?? str(range["relname"]) ?? table, table);
    const join = as(item, "JoinExpr");
    if (join) fromTables([join["larg"], join["rarg"]], out);
  }
  return out;
}
