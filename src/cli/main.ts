#!/usr/bin/env node
import { Command } from "commander";
import { VERSION } from "../version.js";

// Each command lives in its own file and registers itself here.
// Convention: `export function registerXCommand(program: Command): void`.

const program = new Command();
program
  .name("newswatch")
  .description("Self-hosted news monitoring: feeds in, matched stories out as alerts and digests.")
  .version(VERSION)
  .option(
    "--config <file>",
    "configuration file (env NEWSWATCH_CONFIG)",
    process.env.NEWSWATCH_CONFIG ?? "config/newswatch.yaml",
  )
  .showHelpAfterError();

// -- command registrations (one line each) --
(await import("./run-command.js")).registerRunCommand(program);
(await import("./feeds-command.js")).registerFeedsCommand(program);
(await import("./validate-command.js")).registerValidateCommand(program);
(await import("./match-command.js")).registerMatchCommand(program);
(await import("./explain-command.js")).registerExplainCommand(program);
(await import("./matches-command.js")).registerMatchesCommand(program);
(await import("./digest-command.js")).registerDigestCommand(program);

await program.parseAsync(process.argv);
