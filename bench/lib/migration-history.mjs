/**
 * A generated project for the gate benchmarks: a history of N golang-migrate migrations (with downs) released as tag
 * v1, then a release of 5 more on main, and the queries the released version runs. The same release on any history.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { initRepo } from "./bench-git.mjs";

/** The repository in `dir` (made anew): `history` migrations tagged v1, the release's 5 on top. */
export function gateRepo(dir, history) {
  const repo = initRepo(dir);
  const write = (path, text) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(".shipgate.yml", "migrations:\n  dirs: [db/migrations]\n  queries: [app/queries.sql]\n");
  const tables = [];
  for (let i = 1; i <= history; i++) {
    const { up, down, table } = historyMigration(i, tables);
    if (table) tables.push(table);
    write(`db/migrations/${String(i).padStart(4, "0")}_step_${i}.up.sql`, up);
    write(`db/migrations/${String(i).padStart(4, "0")}_step_${i}.down.sql`, down);
  }
  write("app/queries.sql", queries(tables));
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "feat(db): the released schema");
  repo.git("tag", "v1");
  const last = tables[tables.length - 1];
  const release = releaseMigrations(last);
  release.forEach(({ up, down }, i) => {
    const n = String(history + i + 1).padStart(4, "0");
    write(`db/migrations/${n}_release_${i + 1}.up.sql`, up);
    write(`db/migrations/${n}_release_${i + 1}.down.sql`, down);
  });
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "feat(db): the release");
  return { ...repo, releaseSql: release.map((m) => m.up).join("\n"), historySql: historyText(history) };
}

function historyText(history) {
  const tables = [];
  const parts = [];
  for (let i = 1; i <= history; i++) {
    const m = historyMigration(i, tables);
    if (m.table) tables.push(m.table);
    parts.push(m.up);
  }
  return parts.join("\n");
}

function historyMigration(i, tables) {
  const t = `t${i}`;
  const last = tables[tables.length - 1] ?? "t1";
  switch (i % 6) {
    case 1:
    case 0:
      return {
        table: t,
        up: `CREATE TABLE ${t} (id bigserial PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());\nCREATE INDEX ${t}_name ON ${t} (name);\n`,
        down: `DROP TABLE ${t};\n`,
      };
    case 2:
      return { up: `ALTER TABLE ${last} ADD COLUMN note_${i} text;\n`, down: `ALTER TABLE ${last} DROP COLUMN note_${i};\n` };
    case 3:
      return {
        table: t,
        up: `CREATE TABLE ${t} (id bigserial PRIMARY KEY, parent_id bigint REFERENCES ${last} (id), name text, amount numeric(10,2) DEFAULT 0);\n`,
        down: `DROP TABLE ${t};\n`,
      };
    case 4:
      return {
        up: `CREATE OR REPLACE FUNCTION touch_${i}() RETURNS trigger AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n`,
        down: `DROP FUNCTION touch_${i}();\n`,
      };
    default:
      return {
        up: `CREATE VIEW v_${i} AS SELECT id, name FROM ${last};\nINSERT INTO ${last} (name) VALUES ('a'), ('b');\n`,
        down: `DELETE FROM ${last};\nDROP VIEW v_${i};\n`,
      };
  }
}

function releaseMigrations(last) {
  return [
    { up: `ALTER TABLE ${last} ADD COLUMN flag boolean DEFAULT false;\n`, down: `ALTER TABLE ${last} DROP COLUMN flag;\n` },
    { up: "CREATE TABLE audit (id bigserial PRIMARY KEY, t_id bigint, at timestamptz DEFAULT now());\n", down: "DROP TABLE audit;\n" },
    { up: "CREATE INDEX CONCURRENTLY audit_t_id ON audit (t_id);\n", down: "DROP INDEX CONCURRENTLY audit_t_id;\n" },
    {
      up: "ALTER TABLE audit ADD CONSTRAINT audit_t_fk FOREIGN KEY (t_id) REFERENCES t1 (id) NOT VALID;\n",
      down: "ALTER TABLE audit DROP CONSTRAINT audit_t_fk;\n",
    },
    { up: "CREATE VIEW recent_audit AS SELECT id, at FROM audit;\n", down: "DROP VIEW recent_audit;\n" },
  ];
}

function queries(tables) {
  return Array.from({ length: 20 }, (_, i) => {
    const t = tables[(i * 7) % tables.length];
    return `-- name: q${i}\nSELECT id, name FROM ${t} WHERE id = $1;\n`;
  }).join("\n");
}
