import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import type { Redis } from "ioredis";
import type { NewswatchConfig, TopicSpec } from "../config/types.js";
import { ConfigError, errorMessage, formatConfigProblem } from "../errors.js";
import type { FeedSpec } from "../feeds/types.js";
import type { Logger } from "../log.js";
import { compileTopics, type Matcher } from "../match/matcher.js";
import { redisKey } from "../redis-keys.js";
import { watchFiles } from "./reload-watch.js";

// Live configuration edits. A process whose files change (or that gets SIGHUP) reloads them; a valid edit
// is compiled, put in force at once, and published through Redis with a version number. Every other
// process receives the validated topics, aliases and feeds from Redis, not from its own files, so
// replicas on other hosts agree with the one that saw the edit; a process that starts late reads the
// stored version. An invalid edit is logged with its file:line:col problems and changes nothing.

/** The part of the configuration that can change while the service runs. */
export interface LiveSettings {
  topics: TopicSpec[];
  aliases: Record<string, string[]>;
  feeds: FeedSpec[];
}

export interface PublishedSettings {
  version: number;
  hash: string;
  /** When the files this came from were last edited (the newest edit wins at start-up). */
  editedAt: string;
  settings: LiveSettings;
}

export function liveSettingsOf(config: NewswatchConfig): LiveSettings {
  // Positions point into one host's files: they do not travel.
  const topics = config.topics.map(({ queryPosition: _position, ...topic }) => topic);
  return { topics, aliases: config.aliases, feeds: config.feeds.list };
}

export function hashSettings(settings: LiveSettings): string {
  return createHash("sha256").update(JSON.stringify(settings)).digest("hex");
}

export function liveConfigKey(prefix: string): string {
  return redisKey(prefix, "config", "live");
}

export function liveConfigChannel(prefix: string): string {
  return redisKey(prefix, "config", "changed");
}

// Publishes unless the stored settings are already these; returns the version in force.
const PUBLISH = `
if redis.call("HGET", KEYS[1], "hash") == ARGV[1] then
  return tonumber(redis.call("HGET", KEYS[1], "version"))
end
local version = redis.call("HINCRBY", KEYS[1], "version", 1)
redis.call("HSET", KEYS[1], "hash", ARGV[1], "payload", ARGV[2], "editedAt", ARGV[3])
redis.call("PUBLISH", ARGV[4], version)
return version`;

/** The shared record of the settings in force, in Redis. */
export class RedisLiveConfig {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async publish(settings: LiveSettings, editedAt: Date): Promise<number> {
    const hash = hashSettings(settings);
    const version = await this.redis.eval(
      PUBLISH,
      1,
      liveConfigKey(this.prefix),
      hash,
      JSON.stringify(settings),
      editedAt.toISOString(),
      liveConfigChannel(this.prefix),
    );
    return Number(version);
  }

  async read(): Promise<PublishedSettings | undefined> {
    const h = await this.redis.hgetall(liveConfigKey(this.prefix));
    if (!h.version || !h.payload || !h.hash) return undefined;
    return {
      version: Number(h.version),
      hash: h.hash,
      editedAt: h.editedAt ?? new Date(0).toISOString(),
      settings: JSON.parse(h.payload) as LiveSettings,
    };
  }
}

export interface LiveConfigOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** The configuration the process started with. */
  initial: NewswatchConfig;
  /** Reads and validates the files again; throws ConfigError when they are invalid. */
  loadConfig: () => Promise<NewswatchConfig>;
  /** Puts new settings in force in this process. */
  apply: (settings: LiveSettings, matcher: Matcher, previous: LiveSettings) => void | Promise<void>;
  /**
   * Puts the process-local part of a valid edit of this process's own files in force (digests and alerts:
   * their channels carry secrets, so they are read from each host's files and never published to Redis).
   */
  applyLocal?: (config: NewswatchConfig) => void | Promise<void>;
  /** Watch the configuration files (default true). */
  watch?: boolean;
  debounceMs?: number;
}

export interface LiveConfig {
  /** The settings in force and their shared version (0 before anything was published). */
  current(): { version: number; settings: LiveSettings };
  /** Read the files again (SIGHUP). Resolves when the reload is done, valid or not. */
  reload(reason: string): Promise<void>;
  close(): Promise<void>;
}

async function newestEdit(files: readonly string[]): Promise<Date> {
  const times = await Promise.all(
    files.map((f) =>
      stat(f).then(
        (s) => s.mtimeMs,
        () => 0,
      ),
    ),
  );
  return new Date(Math.max(0, ...times));
}

/** Starts following configuration edits: from the files of this process and from Redis. */
export async function startLiveConfig(options: LiveConfigOptions): Promise<LiveConfig> {
  const { redis, prefix, logger } = options;
  const log = logger.child({ component: "config-reload" });
  const shared = new RedisLiveConfig(redis, prefix);
  let settings = liveSettingsOf(options.initial);
  let hash = hashSettings(settings);
  let version = 0;
  let files = options.initial.files;
  // One change at a time: a reload and a message from Redis never interleave.
  let queue: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>) => {
    queue = queue.then(work).catch((err) => log.error({ err }, "configuration change failed"));
    return queue;
  };

  const adopt = async (next: LiveSettings, nextVersion: number, source: string) => {
    const nextHash = hashSettings(next);
    if (nextHash === hash) {
      version = Math.max(version, nextVersion);
      return;
    }
    let matcher: Matcher;
    try {
      matcher = compileTopics(next.topics, next.aliases);
    } catch (err) {
      log.error(
        { err: errorMessage(err), version: nextVersion, source },
        "published topics do not compile here; keeping the previous topics",
      );
      return;
    }
    const previous = settings;
    await options.apply(next, matcher, previous);
    settings = next;
    hash = nextHash;
    version = Math.max(version, nextVersion);
    log.info({ version, source, topics: next.topics.length, feeds: next.feeds.length }, "topics reloaded");
  };

  const reloadFiles = async (reason: string) => {
    let config: NewswatchConfig;
    try {
      config = await options.loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) {
        log.error(
          { reason, problems: err.problems.map(formatConfigProblem) },
          "configuration edit is invalid; the previous topics stay in force",
        );
        for (const problem of err.problems)
          log.error({ problem: formatConfigProblem(problem) }, "configuration problem");
      } else {
        log.error({ reason, err }, "could not reload the configuration; the previous topics stay in force");
      }
      return;
    }
    files = config.files;
    watcher?.setFiles(files);
    await options.applyLocal?.(config);
    const next = liveSettingsOf(config);
    if (hashSettings(next) === hash) {
      log.info({ reason }, "configuration reloaded; topics and feeds unchanged");
      return;
    }
    let matcher: Matcher;
    try {
      matcher = compileTopics(next.topics, next.aliases);
    } catch (err) {
      log.error(
        { reason, err: errorMessage(err) },
        "configuration edit is invalid; the previous topics stay in force",
      );
      return;
    }
    const previous = settings;
    await options.apply(next, matcher, previous);
    settings = next;
    hash = hashSettings(next);
    version = await shared.publish(next, new Date());
    log.info({ reason, version, topics: next.topics.length, feeds: next.feeds.length }, "topics reloaded");
  };

  // Subscribe before reading the stored version, so nothing published in between is missed.
  const subscriber = redis.duplicate();
  subscriber.on("error", (err) =>
    log.warn({ err: errorMessage(err) }, "configuration subscription connection error"),
  );
  await subscriber.subscribe(liveConfigChannel(prefix));
  subscriber.on("message", (_channel, message) => {
    const announced = Number(message);
    if (!(announced > version)) return;
    void serially(async () => {
      const stored = await shared.read();
      if (stored && stored.version > version) await adopt(stored.settings, stored.version, "redis");
    });
  });

  await serially(async () => {
    const stored = await shared.read();
    const editedAt = await newestEdit(files);
    if (!stored || (stored.hash !== hash && editedAt.getTime() > Date.parse(stored.editedAt))) {
      // Nothing shared yet, or our files were edited after the shared settings: ours win.
      version = await shared.publish(settings, editedAt);
      log.info({ version }, "configuration published");
    } else if (stored.hash === hash) {
      version = stored.version;
    } else {
      // Another process published a newer edit than our files hold.
      await adopt(stored.settings, stored.version, "redis");
    }
  });

  const watcher =
    options.watch === false
      ? undefined
      : watchFiles(files, (changed) => void serially(() => reloadFiles(`changed: ${changed.join(", ")}`)), {
          debounceMs: options.debounceMs,
          onError: (err) => log.warn({ err: errorMessage(err) }, "cannot watch the configuration files"),
        });

  // Late pub/sub deliveries are harmless, but a version published while the subscriber reconnected would be
  // missed: check the stored version now and then.
  const poll = setInterval(() => {
    void serially(async () => {
      const stored = await shared.read();
      if (stored && stored.version > version) await adopt(stored.settings, stored.version, "redis");
    });
  }, 30_000);
  poll.unref();

  return {
    current: () => ({ version, settings }),
    reload: (reason) => serially(() => reloadFiles(reason)),
    async close() {
      clearInterval(poll);
      watcher?.close();
      await queue;
      subscriber.disconnect();
    },
  };
}
