/** Typed access to libpg-query's JSON parse tree: names, relations, type names and column definitions. */

export type Fields = Record<string, unknown>;

/** `{ Kind: fields }` -> [Kind, fields], or null for anything else. */
export function unwrap(node: unknown): [string, Fields] | null {
  if (node === null || typeof node !== "object") return null;
  for (const kind in node) {
    const fields = (node as Fields)[kind];
    return fields !== null && typeof fields === "object" ? [kind, fields as Fields] : null;
  }
  return null;
}

/** The fields of a node when it is of `kind`. */
export function as(node: unknown, kind: string): Fields | null {
  if (node === null || typeof node !== "object") return null;
  for (const first in node) {
    const fields = (node as Fields)[first];
    return first === kind && fields !== null && typeof fields === "object" ? (fields as Fields) : null;
  }
  return null;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A list of `String` nodes, e.g. a qualified name, as plain strings. */
export function names(value: unknown): string[] {
  const out: string[] = [];
  for (const item of list(value)) {
    const sval = as(item, "String")?.["sval"];
    if (typeof sval === "string") out.push(sval);
  }
  return out;
}

/** A table name as `schema.table` or `table` (lower-cased as PostgreSQL folds unquoted names already). */
export function relationName(relation: unknown): string | undefined {
  if (relation === null || typeof relation !== "object") return undefined;
  const r = relation as Fields;
  const table = str(r["relname"]);
  if (table === undefined) return undefined;
  const schema = str(r["schemaname"]);
  return schema === undefined || schema === "public" ? table : `${schema}.${table}`;
}

/** A qualified name (type, table, index) as `schema.name`, or `name` in the public schema, as relationName names tables. */
export function objectName(parts: readonly string[]): string {
  return parts.length === 2 && parts[0] === "public" ? (parts[1] ?? "") : parts.join(".");
}

/** `{names:[pg_catalog,int4], typmods:[10]}` -> { name: "int4", mods: [10], array: false }. */
export interface TypeRef {
  name: string;
  mods: number[];
  array: boolean;
}

export function typeRef(typeName: unknown): TypeRef | undefined {
  if (typeName === null || typeof typeName !== "object") return undefined;
  const t = typeName as Fields;
  const parts = names(t["names"]);
  const last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  const mods = list(t["typmods"]).flatMap((m) => {
    const c = as(m, "A_Const");
    const ival = c ? (c["ival"] as Fields | undefined) : undefined;
    return ival ? [typeof ival["ival"] === "number" ? ival["ival"] : 0] : [];
  });
  return { name: canonicalType(last), mods, array: list(t["arrayBounds"]).length > 0 };
}

const ALIASES: Record<string, string> = {
  integer: "int4",
  int: "int4",
  smallint: "int2",
  bigint: "int8",
  serial: "int4",
  serial4: "int4",
  bigserial: "int8",
  serial8: "int8",
  smallserial: "int2",
  serial2: "int2",
  "character varying": "varchar",
  character: "bpchar",
  char: "bpchar",
  decimal: "numeric",
  real: "float4",
  "double precision": "float8",
  timestamptz: "timestamptz",
  bool: "bool",
  boolean: "bool",
};

function canonicalType(name: string): string {
  return ALIASES[name] ?? name;
}

export function formatType(type: TypeRef): string {
  return `${type.name}${type.mods.length > 0 ? `(${type.mods.join(",")})` : ""}${type.array ? "[]" : ""}`;
}

/** Constraint nodes of a column definition. */
export function columnConstraints(columnDef: Fields): Fields[] {
  return list(columnDef["constraints"]).flatMap((c) => {
    const f = as(c, "Constraint");
    return f ? [f] : [];
  });
}

/** The function names called anywhere inside an expression tree. */
export function calledFunctions(expr: unknown, out: string[] = []): string[] {
  if (Array.isArray(expr)) {
    for (const item of expr) calledFunctions(item, out);
    return out;
  }
  if (expr === null || typeof expr !== "object") return out;
  for (const [key, value] of Object.entries(expr as Fields)) {
    if (key === "FuncCall") {
      const call = value as Fields;
      const name = names(call["funcname"]);
      out.push(name[name.length - 1] ?? "");
    }
    if (key === "SQLValueFunction")
      out.push(
        str((value as Fields)["op"])
          ?.toLowerCase()
          .replace(/^svfop_/, "") ?? "",
      );
    calledFunctions(value, out);
  }
  return out;
}
