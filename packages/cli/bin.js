#!/usr/bin/env node
// For callers that run bin.js directly: the package's executable is bin.cjs, which starts without the ES module loader.
import "./bin.cjs";
