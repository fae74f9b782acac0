#!/usr/bin/env node
// shipgate's executable: a shim that loads the compiled CLI (built by `pnpm install` through the prepare script).
import { main } from "./dist/cli.js";

process.exitCode = await main(process.argv.slice(2));
