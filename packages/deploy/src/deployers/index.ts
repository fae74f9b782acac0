/** The deployers by type: `release-dir` (the embedded default) and `command`. */
import type { DeployerSettings } from "../settings.js";
import type { Deployer } from "../types.js";
import { createCommandDeployer } from "./command.js";
import { createReleaseDirDeployer } from "./release-dir.js";

/** The deployer the settings describe; throws ConfigError for settings it cannot use (before touching anything). */
export function createDeployer(settings: DeployerSettings): Deployer {
  switch (settings.type) {
    case "release-dir":
      return createReleaseDirDeployer(settings);
    case "command":
      return createCommandDeployer(settings);
  }
}

export { createCommandDeployer } from "./command.js";
export { createReleaseDirDeployer } from "./release-dir.js";
export { safeDirName } from "./layout.js";
