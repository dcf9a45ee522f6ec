import type { Command } from "commander";
import { createChannel } from "../digest/channels/create-channel.js";
import { type DigestRunResult, deliverDigest, previewDigest } from "../digest/deliver.js";
import { DIGEST_FORMATS, type DigestFormat, renderDigest } from "../digest/render.js";
import { NewswatchError } from "../errors.js";
import { createLogger } from "../log.js";
import { createSqlDeliveryLedger } from "../store/deliveries.js";
import { openStore } from "../store/open-store.js";
import { loadCliConfig } from "./load-cli-config.js";

// `newswatch digest NAME`: build the digest now and deliver it through its channels, claiming its
// matches; `--dry-run` prints it (Markdown by default) and claims nothing.

export interface DigestCommandOptions {
  dryRun?: boolean;
  format?: string;
}

export function registerDigestCommand(program: Command): void {
  program
    .command("digest")
    .description("build a digest now and deliver it; --dry-run prints it and marks nothing sent")
    .argument("<name>", "the digest's name in the configuration")
    .option("--dry-run", "print the digest instead of delivering it; nothing is marked sent")
    .option("--format <format>", `output of --dry-run: ${DIGEST_FORMATS.join(", ")} (default markdown)`)
    .action(async (name: string, options: DigestCommandOptions, command: Command) => {
      const format = options.format ?? "markdown";
      if (!(DIGEST_FORMATS as readonly string[]).includes(format)) {
        return fail(
          new NewswatchError(
            "NW_INPUT_INVALID",
            `--format must be one of ${DIGEST_FORMATS.join(", ")}, not "${format}"`,
          ),
        );
      }
      const config = await loadCliConfig(command, { print: (line) => process.stderr.write(`${line}\n`) });
      const spec = config.digests.find((d) => d.name === name);
      if (spec === undefined) {
        const known = config.digests.map((d) => d.name);
        const hint = known.length === 0 ? "no digests are configured" : `configured: ${known.join(", ")}`;
        return fail(new NewswatchError("NW_INPUT_INVALID", `no digest named "${name}" (${hint})`));
      }
      const logger = createLogger({ level: process.env.LOG_LEVEL ?? "warn" });
      const topicNames = new Map(config.topics.map((t) => [t.id, t.name]));
      try {
        const store = await openStore(process.env.DATABASE_URL || config.store.url, { logger });
        try {
          const ledger = createSqlDeliveryLedger(store.db, store.engine);
          if (options.dryRun) {
            const digest = await previewDigest(spec, ledger, new Date(), { topicNames });
            process.stdout.write(renderDigest(digest, format as DigestFormat));
            return;
          }
          const result = await deliverDigest(
            spec,
            {
              ledger,
              channels: spec.deliver.map((c) => createChannel(c)),
              now: () => new Date(),
              sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
              logger,
            },
            { topicNames },
          );
          process.stdout.write(formatRunResult(result));
          if (result.status === "incomplete") process.exitCode = 1;
        } finally {
          await store.close();
        }
      } catch (err) {
        return fail(err, 2);
      }
    });
}

/** What a delivery did, for people: one line per delivery and one per channel. */
export function formatRunResult(result: DigestRunResult): string {
  if (result.status === "empty") return `digest ${result.digest}: nothing new, nothing sent\n`;
  const lines: string[] = [];
  for (const d of result.deliveries) {
    lines.push(
      `digest ${result.digest}: ${d.resumed ? "resumed" : "delivery"} ${d.deliveryId}, ${d.stories} stories (${d.matches} matches)`,
    );
    for (const c of d.channels)
      lines.push(`  ${c.channel.padEnd(20)} ${c.status}${c.error === undefined ? "" : `: ${c.error}`}`);
  }
  if (result.skipped > 0) lines.push(`  ${result.skipped} matches skipped`);
  return `${lines.join("\n")}\n`;
}

function fail(err: unknown, exitCode = 1): void {
  if (!(err instanceof NewswatchError)) throw err;
  process.stderr.write(`newswatch digest: ${err.message}\n`);
  process.exitCode = err.code === "NW_INPUT_INVALID" ? 1 : exitCode;
}
