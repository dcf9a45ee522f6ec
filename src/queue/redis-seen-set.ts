import type { Redis } from "ioredis";
import { contentDigestOf, seenKeysOf } from "../feeds/item-digest.js";
import type { Article } from "../feeds/types.js";
import { redisKey } from "../redis-keys.js";

export interface SeenFilterResult {
  /** Never seen under its GUID nor its canonical URL. */
  fresh: Article[];
  /** Seen before, but its headline or text changed since: passed on as an update. */
  changed: Article[];
  /** Seen before, unchanged. */
  unchanged: number;
}

/**
 * The seen-set: which feed items newswatch has already passed on, remembered far longer than any feed keeps
 * an item (default 90 days) so an old item never comes back as new. Values are content digests, so an edit
 * is noticed. Marking happens only after the articles are safely queued: a crash in between re-emits them,
 * and the idempotent processor absorbs the repeat.
 */
export class RedisSeenSet {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  private key(k: string): string {
    return redisKey(this.prefix, "seen", k);
  }

  async filterUnseen(articles: Article[]): Promise<SeenFilterResult> {
    if (articles.length === 0) return { fresh: [], changed: [], unchanged: 0 };
    const keys: string[] = [];
    for (const a of articles) {
      const { byGuid, byUrl } = seenKeysOf(a);
      keys.push(this.key(byGuid), this.key(byUrl ?? byGuid));
    }
    const values = await this.redis.mget(keys);
    const result: SeenFilterResult = { fresh: [], changed: [], unchanged: 0 };
    // One feed can list the same item twice; pass it on once.
    const inThisBatch = new Set<string>();
    articles.forEach((article, i) => {
      const guidKey = keys[2 * i] ?? "";
      const urlKey = keys[2 * i + 1] ?? "";
      if (inThisBatch.has(guidKey) || inThisBatch.has(urlKey)) {
        result.unchanged++;
        return;
      }
      inThisBatch.add(guidKey);
      inThisBatch.add(urlKey);
      const byGuid = values[2 * i];
      const byUrl = values[2 * i + 1];
      const digest = contentDigestOf(article);
      if (byGuid == null && byUrl == null) result.fresh.push(article);
      // Changed only when neither identity already carries this content (another feed may have passed it on).
      else if (byGuid !== digest && byUrl !== digest) result.changed.push(article);
      else result.unchanged++;
    });
    return result;
  }

  async markSeen(articles: Article[]): Promise<void> {
    if (articles.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const a of articles) {
      const digest = contentDigestOf(a);
      const { byGuid, byUrl } = seenKeysOf(a);
      pipeline.set(this.key(byGuid), digest, "PX", this.ttlMs);
      if (byUrl) pipeline.set(this.key(byUrl), digest, "PX", this.ttlMs);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }
}
