#!/usr/bin/env node
'use strict';
// Launcher for the compiled CLI (npm run build / npm install produce out/).
process.exitCode = require('../../out/server/src/cli/main.js').main(process.argv.slice(2));
