import type { Command } from "commander";
import type { NewswatchConfig } from "../config/types.js";
import { errorMessage, isNewswatchError } from "../errors.js";
import { createLogger } from "../log.js";
import { ALL_ROLES, type Role } from "../queue/names.js";
import { runOnce } from "../service/run-once.js";
import { formatRunOnceSummary } from "../service/run-once-summary.js";
import { runService } from "../service/run-service.js";
import { loadCliConfig } from "./load-cli-config.js";
import { createProgress } from "./progress.js";

export function parseRoles(value: string): Role[] {
  const roles = value
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  for (const role of roles) {
    if (!(ALL_ROLES as readonly string[]).includes(role)) {
      throw new Error(`unknown role '${role}' (roles: ${ALL_ROLES.join(", ")})`);
    }
  }
  if (roles.length === 0) throw new Error(`--role needs at least one of: ${ALL_ROLES.join(", ")}`);
  return [...new Set(roles)] as Role[];
}

/**
 * DESIGN.md: the API token comes from the environment. `server.token` in the YAML wins; otherwise a
 * non-empty NEWSWATCH_TOKEN is used, so a deployment never has to write the token into a file.
 */
export function withTokenFromEnvironment(config: NewswatchConfig, env: NodeJS.ProcessEnv): NewswatchConfig {
  const fromEnv = env.NEWSWATCH_TOKEN?.trim();
  if (config.server.token !== undefined || !fromEnv) return config;
  return { ...config, server: { ...config.server, token: fromEnv } };
}

/** Infrastructure we cannot reach at start-up: one clear line, exit 2. */
function failStartup(err: unknown): never {
  if (
    isNewswatchError(err) &&
    (err.code === "NW_REDIS_UNREACHABLE" ||
      err.code === "NW_STORE_UNREACHABLE" ||
      err.code === "NW_STORE_SCHEMA_TOO_NEW")
  ) {
    process.stderr.write(`newswatch: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
  process.exit(1);
}

export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run the service (all roles unless --role); --once polls every feed once and exits")
    .option("--role <roles>", `comma-separated roles: ${ALL_ROLES.join(", ")}`)
    .option("--concurrency <n>", "articles chunks processed at once per processor", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`--concurrency must be a whole number ≥ 1, got '${v}'`);
      return n;
    })
    .option("--once", "poll every feed once, process everything, print a summary and exit")
    .action(async (opts: { role?: string; concurrency?: number; once?: boolean }, command: Command) => {
      const config = withTokenFromEnvironment(await loadCliConfig(command), process.env);
      const logger = createLogger();
      let roles: Role[];
      try {
        roles = opts.role ? parseRoles(opts.role) : [...ALL_ROLES];
      } catch (err) {
        process.stderr.write(`newswatch: ${errorMessage(err)}\n`);
        process.exit(1);
      }
      if (opts.once) {
        const progress = createProgress("polling");
        try {
          const summary = await runOnce(config, logger, {
            concurrency: opts.concurrency,
            onProgress: (d, t) => progress.update(d, t),
          });
          progress.done();
          process.stdout.write(`${formatRunOnceSummary(summary)}\n`);
          return;
        } catch (err) {
          progress.done();
          failStartup(err);
        }
      }
      let service: Awaited<ReturnType<typeof runService>>;
      try {
        service = await runService(config, logger, { roles, concurrency: opts.concurrency });
      } catch (err) {
        failStartup(err);
      }
      const shutdown = (signal: string) => {
        logger.info({ signal }, "signal received");
        // A second signal, or a drain that overruns 10 s, ends the process at once.
        const hardStop = setTimeout(() => process.exit(1), 10_000);
        hardStop.unref();
        service.stop(8000).then(
          () => process.exit(0),
          (err) => {
            logger.error({ err }, "error while stopping");
            process.exit(1);
          },
        );
      };
      // SIGHUP: read the configuration files again (topics and feeds change without a restart).
      process.on("SIGHUP", () => {
        logger.info({ signal: "SIGHUP" }, "signal received");
        void service.reload("SIGHUP");
      });
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
