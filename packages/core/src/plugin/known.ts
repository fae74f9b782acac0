/**
 * The packages that plug into shipgate, by what a config or a command line can name of them. Core loads a package's
 * plugin only when a config or a command needs it, so a hook never loads a SQL parser it does not use, and a config
 * naming a package that is not installed is answered with the package to install.
 */
export interface KnownPackage {
  package: string;
  /** Top-level config keys it owns. */
  sections: readonly string[];
  policies: readonly string[];
  commands: readonly string[];
}

export const KNOWN_PACKAGES: readonly KnownPackage[] = [
  { package: "@shipgate/server", sections: ["server"], policies: [], commands: ["server"] },
  { package: "@shipgate/migrations", sections: ["migrations"], policies: ["migrations", "migrations-immutable"], commands: [] },
  {
    package: "@shipgate/deploy",
    sections: ["deploy"],
    policies: [],
    commands: ["deploy", "rollback", "status", "history", "worker", "unfreeze"],
  },
];

export function packageOfCommand(name: string): KnownPackage | undefined {
  return KNOWN_PACKAGES.find((known) => known.commands.includes(name));
}
