import type { Command } from "commander";
import { configPathOf, loadCliConfig } from "./load-cli-config.js";

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** `newswatch validate`: exit 0 with a one-line summary, or exit 1 listing every problem. */
export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check the configuration; on problems print each as file:line:col and exit 1")
    .action(async (_options: unknown, command: Command) => {
      const config = await loadCliConfig(command);
      const summary = [
        count(config.feeds.list.length, "feed"),
        count(config.topics.length, "topic"),
        count(config.digests.length, "digest"),
      ].join(", ");
      process.stdout.write(`configuration OK: ${configPathOf(command)} (${summary})\n`);
    });
}
