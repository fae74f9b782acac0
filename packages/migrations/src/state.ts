/** What the migrations build up, statement by statement: tables, columns, indexes, types and what this release created. */
import type { Statement } from "./sql/parse.js";
import { as, columnConstraints, list, names, relationName, str, objectName, typeRef, type Fields, type TypeRef } from "./sql/nodes.js";
import { selectColumns } from "./sql/select-columns.js";

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
  /** Created by this release, or temporary (a session's own table): nothing of the previous release can use it. */
  createdInRelease: boolean;
  /** Constraints added NOT VALID in this release and not validated yet, by name. */
  notValid: Map<string, { column: string | null; validatedBy: Statement | null }>;
}

/**
 * The schema model that one analysis builds statement by statement. What the statements create belongs to the current
 * release until `startRelease()` makes it the previous release's schema.
 */
export class SchemaState {
  readonly tables = new Map<string, TableState>();
  /** Temporary tables of the current release; they hide permanent tables of the same name, as pg_temp comes first. */
  readonly #temporary = new Map<string, TableState>();
  /** Index name -> table. */
  readonly indexes = new Map<string, string>();
  /** Types (`type` or `schema.type`) this release created, under their current names. */
  readonly typesCreatedInRelease = new Set<string>();
  /** Types of the previous release that this release renamed: current name -> the name the previous release knows. */
  readonly typesRenamedInRelease = new Map<string, string>();
  /** What this release marked as its own, for startRelease (a lint of files starts a release per file). */
  readonly #madeInRelease: (TableState | ColumnState)[] = [];

  /**
   * Makes everything so far the previous release's schema: nothing is new any more, checks validated so far count as
   * validated before, and temporary tables are gone with the session that made them.
   */
  startRelease(): void {
    this.#temporary.clear();
    this.typesCreatedInRelease.clear();
    this.typesRenamedInRelease.clear();
    for (const made of this.#madeInRelease) {
      if ("columns" in made) made.createdInRelease = false;
      else {
        made.addedInRelease = false;
        if (made.notNullChecked === "release") made.notNullChecked = "before";
      }
    }
    this.#madeInRelease.length = 0;
  }

  table(name: string | undefined): TableState | undefined {
    return name === undefined ? undefined : (this.#temporary.get(name) ?? this.tables.get(name));
  }

  /** True when the table is known and was created by this release or is temporary (nothing old can use it yet). */
  isNew(name: string | undefined): boolean {
    return this.table(name)?.createdInRelease === true;
  }

  apply(statement: Statement): void {
    const n = statement.node;
    switch (statement.kind) {
      case "CreateStmt":
        return this.#create(n);
      case "CreateTableAsStmt":
        if (n["objtype"] === "OBJECT_TABLE") this.#createFromQuery(n["into"], as(n["query"], "SelectStmt"), n["if_not_exists"] === true);
        return;
      case "SelectStmt":
        if (n["intoClause"] !== undefined) this.#createFromQuery(n["intoClause"], n, false);
        return;
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
      case "CreateEnumStmt":
      case "CreateRangeStmt":
        this.typesCreatedInRelease.add(objectName(names(n["typeName"])));
        return;
      case "CompositeTypeStmt": {
        const name = relationName(n["typevar"]);
        if (name !== undefined) this.typesCreatedInRelease.add(name);
        return;
      }
    }
  }

  /** Adds a table the release creates; `CREATE ... IF NOT EXISTS` of a table that exists changes nothing. */
  #add(relation: unknown, table: TableState, ifNotExists: boolean): void {
    const name = relationName(relation);
    if (name === undefined) return;
    const tables = (relation as Fields)["relpersistence"] === "t" ? this.#temporary : this.tables;
    if (ifNotExists && tables.has(name)) return;
    tables.set(name, table);
    this.#made(table);
  }

  /** `CREATE TABLE ... AS` and `SELECT ... INTO`: the columns of the query, named by the column list when there is one. */
  #createFromQuery(into: unknown, select: Fields | null, ifNotExists: boolean): void {
    const clause = into as Fields | undefined;
    if (clause === undefined || select === null) return;
    const renamed = names(clause["colNames"]);
    const columns = new Map<string, ColumnState>();
    selectColumns(select, (name) => this.table(name)?.columns).forEach((column, i) => {
      columns.set(renamed[i] ?? column.name, { type: column.type, notNull: false, hasDefault: false, notNullChecked: "no", addedInRelease: false });
    });
    this.#add(clause["rel"], { columns, createdInRelease: true, notValid: new Map() }, ifNotExists);
  }

  #create(n: Fields): void {
    const table: TableState = { columns: new Map(), createdInRelease: true, notValid: new Map() };
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
    this.#add(n["relation"], table, n["if_not_exists"] === true);
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
          if (def) table.columns.set(str(def["colname"]) ?? "", this.#made({ ...columnFrom(def), addedInRelease: true }));
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
            if (col) this.#made(col).notNullChecked = "release";
          }
          break;
        }
        case "AT_ValidateConstraint": {
          const pending = column === undefined ? undefined : table.notValid.get(column);
          if (pending) {
            pending.validatedBy = statement;
            const col = pending.column === null ? undefined : table.columns.get(pending.column);
            if (col) this.#made(col).notNullChecked = "release";
          }
          break;
        }
      }
    }
  }

  #rename(n: Fields): void {
    if (n["renameType"] === "OBJECT_TYPE" || n["renameType"] === "OBJECT_DOMAIN") return this.#renameType(names(as(n["object"], "List")?.["items"]), n);
    const from = relationName(n["relation"]);
    const table = this.table(from);
    const to = str(n["newname"]);
    if (!table || from === undefined || to === undefined) return;
    if (n["renameType"] === "OBJECT_TABLE") {
      const tables = this.#tablesOf(from);
      tables.delete(from);
      const schema = from.includes(".") ? `${from.split(".")[0] ?? ""}.` : "";
      tables.set(`${schema}${to}`, table);
    } else if (n["renameType"] === "OBJECT_COLUMN") {
      const old = str(n["subname"]);
      const column = old === undefined ? undefined : table.columns.get(old);
      if (old !== undefined && column) {
        table.columns.delete(old);
        table.columns.set(to, column);
      }
    }
  }

  /** `ALTER TYPE a RENAME TO b`: columns of type a now have type b, and a new type may take the name a. */
  #renameType(parts: string[], n: Fields): void {
    const to = str(n["newname"]);
    const oldName = parts[parts.length - 1];
    if (to === undefined || oldName === undefined) return;
    const from = objectName(parts);
    const renamed = objectName([...parts.slice(0, -1), to]);
    if (this.typesCreatedInRelease.delete(from)) this.typesCreatedInRelease.add(renamed);
    else {
      this.typesRenamedInRelease.set(renamed, this.typesRenamedInRelease.get(from) ?? from);
      this.typesRenamedInRelease.delete(from);
    }
    for (const table of [...this.tables.values(), ...this.#temporary.values()]) {
      for (const column of table.columns.values()) if (column.type?.name === oldName) column.type = { ...column.type, name: to };
    }
  }

  #drop(n: Fields): void {
    for (const object of list(n["objects"])) {
      if (n["removeType"] === "OBJECT_TYPE") {
        const type = objectName(names(as(object, "TypeName")?.["names"]));
        this.typesCreatedInRelease.delete(type);
        this.typesRenamedInRelease.delete(type);
        continue;
      }
      const parts = names(as(object, "List")?.["items"]);
      const name = objectName(parts);
      if (n["removeType"] === "OBJECT_TABLE") this.#tablesOf(name).delete(name);
      if (n["removeType"] === "OBJECT_INDEX") this.indexes.delete(parts[parts.length - 1] ?? name);
    }
  }

  #made<T extends TableState | ColumnState>(made: T): T {
    this.#madeInRelease.push(made);
    return made;
  }

  /** The map that holds `name`: a temporary table hides a permanent one of the same name. */
  #tablesOf(name: string): Map<string, TableState> {
    return this.#temporary.has(name) ? this.#temporary : this.tables;
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
