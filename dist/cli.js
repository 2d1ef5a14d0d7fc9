#!/usr/bin/env node
import { createRequire as __lwCreateRequire } from 'node:module'; const require = __lwCreateRequire(import.meta.url);
var __defProp = Object.defineProperty;
var __name = (target, value) => __defProp(target, "name", { value, configurable: true });

// src/config/errors.ts
var InputError = class extends Error {
  static {
    __name(this, "InputError");
  }
  constructor(message) {
    super(message);
    this.name = "InputError";
  }
};

// src/cli/main.ts
var commands = {};
function usage() {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ["usage: layerwise <command> [flags]", "", "commands:", ...rows, "", "Run `layerwise <command> --help` for its flags."].join("\n");
}
__name(usage, "usage");
async function main(argv, io2) {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    io2.out(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io2.err(`layerwise: unknown command '${name}' (expected one of: ${Object.keys(commands).join(", ")})`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io2);
  } catch (err) {
    if (err instanceof InputError) {
      io2.err(err.message);
      return 2;
    }
    io2.err(`layerwise ${name}: ${err.message}`);
    return 2;
  }
}
__name(main, "main");

// src/cli.ts
var io = {
  out: /* @__PURE__ */ __name((t) => process.stdout.write(`${t}
`), "out"),
  err: /* @__PURE__ */ __name((t) => process.stderr.write(`${t}
`), "err"),
  cwd: process.cwd(),
  env: process.env
};
process.exitCode = await main(process.argv.slice(2), io);
