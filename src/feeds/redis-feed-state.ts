// Redis adapter for what newswatch remembers about each feed between polls: the conditional-GET
// validators and the feed's health (last success, last error, failures in a row, next poll, and
// how many new articles it brought in the last 24 hours). Each write is one MULTI round trip.
//
// Keys: `{prefix}:feed:<feedId>` — a hash of the fields below;
//       `{prefix}:feed:<feedId>:new-articles` — a sorted set, one member per poll that found new
//       articles, scored by time, trimmed to 24 h and expiring when the feed goes quiet.

import type { ChainableCommander, Redis } from "ioredis";
import { redisKey } from "../redis-keys.js";
import type { ConditionalState } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** The per-poll log outlives its window by an hour so a read at the edge still finds it. */
const NEW_ARTICLES_TTL_MS = DAY_MS + 60 * 60 * 1000;
/** Error messages are for people; a runaway one must not bloat the hash. */
const MAX_ERROR_LENGTH = 1000;

export type FeedStatus = "ok" | "not-modified" | "error";

export interface FeedHealth {
  feedId: string;
  lastSuccessAt?: Date;
  /** How the last poll ended. */
  lastStatus?: FeedStatus;
  lastErrorAt?: Date;
  lastError?: string;
  lastErrorCode?: string;
  /** Failures since the last success (0 when healthy or never polled). */
  failuresInRow: number;
  nextPollAt?: Date;
  /** Items in the feed at the last successful poll that returned a body. */
  lastItems?: number;
  /** New articles found by the last successful poll. */
  lastNewArticles?: number;
  /** New articles the feed brought in the 24 hours before the health was read. */
  itemsLast24h: number;
}

export interface FeedSuccess {
  at: Date;
  items: number;
  newArticles: number;
  status: "ok" | "not-modified";
}

export interface FeedFailure {
  at: Date;
  error: { code: string; message: string };
}

const FIELD = {
  etag: "etag",
  lastModified: "lastModified",
  validatorsUrl: "validatorsUrl",
  lastSuccessAt: "lastSuccessAt",
  lastStatus: "lastStatus",
  lastErrorAt: "lastErrorAt",
  lastError: "lastError",
  lastErrorCode: "lastErrorCode",
  failuresInRow: "failuresInRow",
  nextPollAt: "nextPollAt",
  backoffUntil: "backoffUntil",
  lastItems: "lastItems",
  lastNewArticles: "lastNewArticles",
} as const;

export class RedisFeedState {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async getConditional(feedId: string): Promise<ConditionalState> {
    const [etag, lastModified, url] = await this.redis.hmget(
      this.stateKey(feedId),
      FIELD.etag,
      FIELD.lastModified,
      FIELD.validatorsUrl,
    );
    const state: ConditionalState = {};
    if (etag) state.etag = etag;
    if (lastModified) state.lastModified = lastModified;
    if (url) state.url = url;
    return state;
  }

  /**
   * Replaces the validators. They are stored with the URL that issued them (`state.url`, the final
   * URL after redirects) so the fetcher never sends one URL's ETag to another; a state without
   * validators clears them.
   */
  async setConditional(feedId: string, state: ConditionalState): Promise<void> {
    const key = this.stateKey(feedId);
    const multi = this.redis.multi().hdel(key, FIELD.etag, FIELD.lastModified, FIELD.validatorsUrl);
    const fields: Record<string, string> = {};
    if (state.etag) fields[FIELD.etag] = state.etag;
    if (state.lastModified) fields[FIELD.lastModified] = state.lastModified;
    if (Object.keys(fields).length > 0) {
      if (state.url) fields[FIELD.validatorsUrl] = state.url;
      multi.hset(key, fields);
    }
    await execChecked(multi);
  }

  async recordSuccess(feedId: string, success: FeedSuccess): Promise<void> {
    const at = success.at.getTime();
    const logKey = this.newArticlesKey(feedId);
    const multi = this.redis.multi().hset(this.stateKey(feedId), {
      [FIELD.lastSuccessAt]: success.at.toISOString(),
      [FIELD.lastStatus]: success.status,
      [FIELD.failuresInRow]: "0",
      [FIELD.lastItems]: String(success.items),
      [FIELD.lastNewArticles]: String(success.newArticles),
    });
    if (success.newArticles > 0) {
      // The member carries the count; the time in it keeps two polls with equal counts apart.
      multi.zadd(logKey, at, `${at}:${success.newArticles}`).pexpire(logKey, NEW_ARTICLES_TTL_MS);
    }
    multi.zremrangebyscore(logKey, "-inf", `(${at - DAY_MS}`);
    await execChecked(multi);
  }

  /** Records a failed poll and returns the number of failures in a row, this one included. */
  async recordFailure(feedId: string, failure: FeedFailure): Promise<number> {
    const key = this.stateKey(feedId);
    const results = await execChecked(
      this.redis
        .multi()
        .hincrby(key, FIELD.failuresInRow, 1)
        .hset(key, {
          [FIELD.lastErrorAt]: failure.at.toISOString(),
          [FIELD.lastError]: failure.error.message.slice(0, MAX_ERROR_LENGTH),
          [FIELD.lastErrorCode]: failure.error.code,
          [FIELD.lastStatus]: "error",
        }),
    );
    return Number(results[0]);
  }

  async setNextPoll(feedId: string, at: Date): Promise<void> {
    await this.redis.hset(this.stateKey(feedId), FIELD.nextPollAt, at.toISOString());
  }

  /** Until when a failing (or rate-limited) feed must be left alone; undefined when it is not backing off. */
  async backoffUntil(feedId: string): Promise<Date | undefined> {
    return readDate((await this.redis.hget(this.stateKey(feedId), FIELD.backoffUntil)) ?? undefined);
  }

  async setBackoffUntil(feedId: string, until: Date | undefined): Promise<void> {
    const key = this.stateKey(feedId);
    if (until === undefined) await this.redis.hdel(key, FIELD.backoffUntil);
    else await this.redis.hset(key, FIELD.backoffUntil, until.toISOString());
  }

  /** Health of the given feeds, in the same order, read in one pipelined round trip. */
  async getHealth(feedIds: string[], now: Date = new Date()): Promise<FeedHealth[]> {
    if (feedIds.length === 0) return [];
    const since = now.getTime() - DAY_MS;
    const pipeline = this.redis.pipeline();
    for (const feedId of feedIds) {
      pipeline.hgetall(this.stateKey(feedId));
      pipeline.zrangebyscore(this.newArticlesKey(feedId), `(${since}`, "+inf");
    }
    const results = await execChecked(pipeline);
    return feedIds.map((feedId, index) => {
      const fields = (results[2 * index] ?? {}) as Record<string, string>;
      const log = (results[2 * index + 1] ?? []) as string[];
      return toHealth(feedId, fields, log);
    });
  }

  private stateKey(feedId: string): string {
    return redisKey(this.prefix, "feed", feedId);
  }

  private newArticlesKey(feedId: string): string {
    return redisKey(this.prefix, "feed", feedId, "new-articles");
  }
}

function toHealth(feedId: string, fields: Record<string, string>, log: string[]): FeedHealth {
  const health: FeedHealth = {
    feedId,
    failuresInRow: Number(fields[FIELD.failuresInRow] ?? 0),
    itemsLast24h: log.reduce((sum, member) => sum + Number(member.slice(member.indexOf(":") + 1)), 0),
  };
  const lastSuccessAt = readDate(fields[FIELD.lastSuccessAt]);
  if (lastSuccessAt) health.lastSuccessAt = lastSuccessAt;
  const lastStatus = fields[FIELD.lastStatus];
  if (lastStatus === "ok" || lastStatus === "not-modified" || lastStatus === "error") {
    health.lastStatus = lastStatus;
  }
  const lastErrorAt = readDate(fields[FIELD.lastErrorAt]);
  if (lastErrorAt) health.lastErrorAt = lastErrorAt;
  if (fields[FIELD.lastError] !== undefined) health.lastError = fields[FIELD.lastError];
  if (fields[FIELD.lastErrorCode] !== undefined) health.lastErrorCode = fields[FIELD.lastErrorCode];
  const nextPollAt = readDate(fields[FIELD.nextPollAt]);
  if (nextPollAt) health.nextPollAt = nextPollAt;
  if (fields[FIELD.lastItems] !== undefined) health.lastItems = Number(fields[FIELD.lastItems]);
  if (fields[FIELD.lastNewArticles] !== undefined)
    health.lastNewArticles = Number(fields[FIELD.lastNewArticles]);
  return health;
}

function readDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Runs a MULTI or pipeline and returns the replies, throwing the first command error. */
async function execChecked(commands: ChainableCommander): Promise<unknown[]> {
  const replies = await commands.exec();
  if (replies === null) throw new Error("Redis transaction was aborted");
  return replies.map(([err, reply]) => {
    if (err) throw err;
    return reply;
  });
}
