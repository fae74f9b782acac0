/** What the migrations build up, statement by statement: tables, columns, indexes and what this release created. */
import type { Statement } from "./sql/parse.js";
import { as, columnConstraints, list, names, relationName, str, typeRef, type Fields, type TypeRef } from "./sql/nodes.js";

export interface ColumnState {
  type: TypeRef | undefined;
  notNull: boolean;
  hasDefault: boolean;
  /** Where a validated `CHECK (col IS NOT NULL)` came from: then SET NOT NULL skips the scan, and before this release old code already writes no NULL. */
  notNullChecked: "no" | "release" | "before";
  /** Added to an existing table by this release: the previous release does not know the column. */
  addedInRelease: boolean;
}

export interface TableState {
  columns: Map<string, ColumnState>;
  createdInRelease: boolean;
  /** Constraints added NOT VALID in this release and not validated yet, by name. */
  notValid: Map<string, { column: string | null; validatedBy: Statement | null }>;
}

/** The schema model one release's analysis shares across its migrations. */
export class SchemaState {
  readonly tables = new Map<string, TableState>();
  /** Index name -> table. */
  readonly indexes = new Map<string, string>();
  readonly typesCreatedInRelease = new Set<string>();
  /** True while the statements being applied belong to the release under review. */
  inRelease = false;

  table(name: string | undefined): TableState | undefined {
    return name === undefined ? undefined : this.tables.get(name);
  }

  /** True when the table is known and was created by this release (nothing old can use it yet). */
  isNew(name: string | undefined): boolean {
    return this.table(name)?.createdInRelease === true;
  }

  apply(statement: Statement): void {
    const n = statement.node;
    switch (statement.kind) {
      case "CreateStmt":
        return this.#create(n);
      case "AlterTableStmt":
        return this.#alter(n, statement);
      case "RenameStmt":
        return this.#rename(n);
      case "DropStmt":
        return this.#drop(n);
      case "IndexStmt": {
        const table = relationName(n["relation"]);
        const name = str(n["idxname"]);
        if (table !== undefined && name !== undefined) this.indexes.set(name, table);
        return;
      }
      case "CreateEnumStmt": {
        const name = names(n["typeName"]).join(".");
        if (this.inRelease) this.typesCreatedInRelease.add(name);
        return;
      }
    }
  }

  #create(n: Fields): void {
    const name = relationName(n["relation"]);
    if (name === undefined) return;
    const table: TableState = { columns: new Map(), createdInRelease: this.inRelease, notValid: new Map() };
    for (const element of list(n["tableElts"])) {
      const column = as(element, "ColumnDef");
      if (column) table.columns.set(str(column["colname"]) ?? "", columnFrom(column));
      const constraint = as(element, "Constraint");
      if (constraint && constraint["contype"] === "CONSTR_PRIMARY") {
        for (const key of names(constraint["keys"])) {
          const c = table.columns.get(key);
          if (c) c.notNull = true;
        }
      }
    }
    this.tables.set(name, table);
  }

  #alter(n: Fields, statement: Statement): void {
    const table = this.table(relationName(n["relation"]));
    if (!table) return;
    for (const item of list(n["cmds"])) {
      const cmd = as(item, "AlterTableCmd");
      if (!cmd) continue;
      const column = str(cmd["name"]);
      const state = column === undefined ? undefined : table.columns.get(column);
      switch (cmd["subtype"]) {
        case "AT_AddColumn": {
          const def = as(cmd["def"], "ColumnDef");
          if (def) table.columns.set(str(def["colname"]) ?? "", { ...columnFrom(def), addedInRelease: this.inRelease });
          break;
        }
        case "AT_DropColumn":
          if (column !== undefined) table.columns.delete(column);
          break;
        case "AT_AlterColumnType": {
          const def = as(cmd["def"], "ColumnDef");
          if (state && def) state.type = typeRef(def["typeName"]);
          break;
        }
        case "AT_SetNotNull":
          if (state) state.notNull = true;
          break;
        case "AT_DropNotNull":
          if (state) state.notNull = false;
          break;
        case "AT_ColumnDefault":
          if (state) state.hasDefault = cmd["def"] !== undefined;
          break;
        case "AT_AddConstraint": {
          const c = as(cmd["def"], "Constraint");
          if (!c || c["contype"] !== "CONSTR_CHECK") break;
          const checked = notNullCheckColumn(c);
          if (c["skip_validation"] === true) table.notValid.set(str(c["conname"]) ?? "", { column: checked, validatedBy: null });
          else if (checked !== null) {
            const col = table.columns.get(checked);
            if (col) col.notNullChecked = this.inRelease ? "release" : "before";
          }
          break;
        }
        case "AT_ValidateConstraint": {
          const pending = column === undefined ? undefined : table.notValid.get(column);
          if (pending) {
            pending.validatedBy = statement;
            const col = pending.column === null ? undefined : table.columns.get(pending.column);
            if (col) col.notNullChecked = this.inRelease ? "release" : "before";
          }
          break;
        }
      }
    }
  }

  #rename(n: Fields): void {
    const from = relationName(n["relation"]);
    const table = this.table(from);
    const to = str(n["newname"]);
    if (!table || from === undefined || to === undefined) return;
    if (n["renameType"] === "OBJECT_TABLE") {
      this.tables.delete(from);
      const schema = from.includes(".") ? `${from.split(".")[0] ?? ""}.` : "";
      this.tables.set(`${schema}${to}`, table);
    } else if (n["renameType"] === "OBJECT_COLUMN") {
      const old = str(n["subname"]);
      const column = old === undefined ? undefined : table.columns.get(old);
      if (old !== undefined && column) {
        table.columns.delete(old);
        table.columns.set(to, column);
      }
    }
  }

  #drop(n: Fields): void {
    for (const object of list(n["objects"])) {
      const parts = names(as(object, "List")?.["items"]);
      const name = parts.length === 2 && parts[0] === "public" ? parts[1] : parts.join(".");
      if (name === undefined) continue;
      if (n["removeType"] === "OBJECT_TABLE") this.tables.delete(name);
      if (n["removeType"] === "OBJECT_INDEX") this.indexes.delete(parts[parts.length - 1] ?? name);
    }
  }
}

/** The column named in `CHECK (col IS NOT NULL)`, else null. */
export function notNullCheckColumn(constraint: Fields): string | null {
  const test = as(constraint["raw_expr"], "NullTest");
  if (!test || test["nulltesttype"] !== "IS_NOT_NULL") return null;
  const fields = names(as(test["arg"], "ColumnRef")?.["fields"]);
  return fields.length === 1 ? (fields[0] ?? null) : null;
}

const SERIALS = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

function columnFrom(def: Fields): ColumnState {
  const constraints = columnConstraints(def);
  const rawType = names((def["typeName"] as Fields | undefined)?.["names"]);
  const serial = SERIALS.has(rawType[rawType.length - 1] ?? "");
  return {
    type: typeRef(def["typeName"]),
    notNull: serial || constraints.some((c) => c["contype"] === "CONSTR_NOTNULL" || c["contype"] === "CONSTR_PRIMARY" || c["contype"] === "CONSTR_IDENTITY"),
    hasDefault: serial || constraints.some((c) => ["CONSTR_DEFAULT", "CONSTR_IDENTITY", "CONSTR_GENERATED"].includes(String(c["contype"]))),
    notNullChecked: "no",
    addedInRelease: false,
  };
}
