#!/usr/bin/env node
'use strict';
// Launcher for the compiled CLI (npm run build / npm install produce out/).
require('../../out/server/src/cli/main.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
