/** Classifies a column type change: what PostgreSQL does in place, what rewrites the table, what loses values. */
import { formatType, type TypeRef } from "./nodes.js";

export type TypeChange = "same" | "widening" | "rewrite-widening" | "narrowing" | "change";

const INTEGER_RANK: Record<string, number> = { int2: 1, int4: 2, int8: 3 };
const FLOAT_RANK: Record<string, number> = { float4: 1, float8: 2 };
const TEXTUAL = new Set(["varchar", "text", "bpchar", "citext"]);

/** `varchar(n)` to a wider `varchar`, to `text`, or a `numeric` with more digits keep every value and need no rewrite. */
export function classifyTypeChange(from: TypeRef, to: TypeRef): TypeChange {
  if (from.array !== to.array) return "change";
  if (formatType(from) === formatType(to)) return "same";
  const [a, b] = [from.name, to.name];
  if (TEXTUAL.has(a) && TEXTUAL.has(b)) return textual(from, to);
  if (a === "numeric" && b === "numeric") return numeric(from, to);
  if ((a === "varbit" && b === "varbit") || (a === b && ["timestamp", "timestamptz", "time", "interval"].includes(a))) {
    return widerOrEqual(from.mods[0], to.mods[0]) ? "widening" : "narrowing";
  }
  const ia = INTEGER_RANK[a] ?? FLOAT_RANK[a];
  const ib = INTEGER_RANK[b] ?? FLOAT_RANK[b];
  const sameFamily = (a in INTEGER_RANK && b in INTEGER_RANK) || (a in FLOAT_RANK && b in FLOAT_RANK);
  if (sameFamily && ia !== undefined && ib !== undefined) return ib > ia ? "rewrite-widening" : "narrowing";
  return "change";
}

function textual(from: TypeRef, to: TypeRef): TypeChange {
  if (to.name === "text") return from.name === "bpchar" ? "change" : "widening"; // char(n) pads; its values change meaning
  if (from.name === "text" && to.name === "varchar") return to.mods.length === 0 ? "widening" : "narrowing";
  if (from.name === "varchar" && to.name === "varchar") return widerOrEqual(from.mods[0], to.mods[0]) ? "widening" : "narrowing";
  if (from.name === "bpchar" && to.name === "bpchar") return widerOrEqual(from.mods[0], to.mods[0]) ? "rewrite-widening" : "narrowing";
  return "change";
}

/** An unconstrained type (no modifier) is the widest. */
function widerOrEqual(from: number | undefined, to: number | undefined): boolean {
  if (to === undefined) return true;
  if (from === undefined) return false;
  return to >= from;
}

function numeric(from: TypeRef, to: TypeRef): TypeChange {
  const [p1, s1 = 0] = from.mods;
  const [p2, s2 = 0] = to.mods;
  if (p2 === undefined) return "widening";
  if (p1 === undefined) return "narrowing";
  if (s1 === s2 && p2 >= p1) return "widening";
  return p2 - s2 >= p1 - s1 && s2 >= s1 ? "rewrite-widening" : "narrowing";
}
