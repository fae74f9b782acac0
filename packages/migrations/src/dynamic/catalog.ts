/** A snapshot of the user-visible catalog as sorted lines, so a schema before and after a rollback can be compared exactly. */
import type { Database } from "./database.js";

const USER_NS = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";
const NOT_EXTENSION = (oid: string) => `NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = ${oid} AND dep.deptype = 'e')`;

const SNAPSHOT = `
SELECT format('schema %I', n.nspname) AS line FROM pg_namespace n WHERE ${USER_NS} AND n.nspname <> 'public'
UNION ALL SELECT format('extension %I', extname) FROM pg_extension WHERE extname <> 'plpgsql'
UNION ALL SELECT format('relation %I.%I kind=%s', n.nspname, c.relname, c.relkind)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE ${USER_NS} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ${NOT_EXTENSION("c.oid")}
UNION ALL SELECT format('column %I.%I.%I %s%s%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
    CASE WHEN a.attnotnull THEN ' not null' ELSE '' END, coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''))
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND ${USER_NS} AND ${NOT_EXTENSION("c.oid")}
UNION ALL SELECT format('constraint %I.%I %I %s', n.nspname, cl.relname, co.conname, pg_get_constraintdef(co.oid))
  FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE ${USER_NS}
UNION ALL SELECT format('index %s', pg_get_indexdef(i.indexrelid))
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${USER_NS}
UNION ALL SELECT format('view %I.%I %s', n.nspname, c.relname, md5(pg_get_viewdef(c.oid)))
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ${USER_NS}
UNION ALL SELECT format('enum %I.%I (%s)', n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder))
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE ${USER_NS} GROUP BY n.nspname, t.typname
UNION ALL SELECT format('function %I.%I(%s) returns %s %s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), md5(p.prosrc))
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_NS} AND ${NOT_EXTENSION("p.oid")}
UNION ALL SELECT format('trigger %s', pg_get_triggerdef(t.oid))
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal AND ${USER_NS}
`;

export async function snapshotCatalog(db: Database): Promise<string[]> {
  const rows = await db.rows<{ line: string }>(SNAPSHOT);
  return rows.map((r) => r.line).sort();
}

/** Lines only in `before` (lost by the rollback) and only in `after` (left behind by it). */
export function diffCatalog(before: readonly string[], after: readonly string[]): { missing: string[]; extra: string[] } {
  const a = new Set(before);
  const b = new Set(after);
  return { missing: before.filter((line) => !b.has(line)), extra: after.filter((line) => !a.has(line)) };
}
