import { Redis, type RedisOptions } from "ioredis";
import { NewswatchError } from "../errors.js";
import { redactUrl } from "../log.js";

/** "127.0.0.1:6379" for a redis:// URL: where we looked, for error messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "127.0.0.1"}:${u.port || "6379"}${u.pathname && u.pathname !== "/" ? u.pathname : ""}`;
  } catch {
    return redactUrl(url);
  }
}

function unreachable(url: string, cause: unknown): NewswatchError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NewswatchError(
    "NW_REDIS_UNREACHABLE",
    `cannot reach Redis at ${describeRedisUrl(url)} (${reason}). Start it with ` +
      "`redis-server --daemonize yes` (or `docker compose up -d redis`), or point REDIS_URL / redis.url at a running Redis.",
    { cause, retryable: true },
  );
}

/**
 * Open a Redis connection for BullMQ workers and adapters, failing fast (within `timeoutMs`) with one clear
 * error when Redis does not answer, instead of reconnecting forever in silence. Once connected, the client
 * reconnects on its own during the service's life.
 */
export async function connectRedis(
  url: string,
  options: { timeoutMs?: number; extra?: RedisOptions } = {},
): Promise<Redis> {
  const timeoutMs = options.timeoutMs ?? 5000;
  let connectedOnce = false;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: Math.min(timeoutMs, 5000),
    // Before the first successful connection: give up at once; afterwards reconnect with a capped backoff.
    retryStrategy: (times) => (connectedOnce ? Math.min(times * 200, 5000) : null),
    ...options.extra,
  });
  // Without a listener ioredis prints every connection error; we report the first one ourselves.
  let firstError: Error | undefined;
  redis.on("error", (err: Error) => {
    firstError ??= err;
  });
  const timer = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    t.unref();
  });
  try {
    await Promise.race([redis.connect(), timer]);
    await Promise.race([redis.ping(), timer]);
    connectedOnce = true;
    return redis;
  } catch (err) {
    redis.disconnect();
    throw unreachable(url, firstError ?? err);
  }
}
