#!/usr/bin/env node
// shipgate's executable: loads the bundled CLI (built by `pnpm install` through the prepare script).
import { main } from "./dist/bundle/cli.js";

process.exitCode = await main(process.argv.slice(2));
