// The story index in Redis: identity keys and LSH buckets of every article seen within the dedup
// window, and a compact record per article. One Lua script per article does the whole check-and-insert
// (identity → near-duplicate candidates → confirmation → insert), so concurrent workers handling copies
// of one story serialise on Redis and always end with one story. A chunk's scripts go in one pipeline.
//
// Layout, all under redisKey(prefix, "dedup"), sized for ~400 bytes per article:
//   …:n                    counter handing out 32-bit article refs
//   …:r:<ref/256>          string of 256 fixed-size record slots (SETRANGE/GETRANGE)
//   …:i:<gen>:<shard>      hash: 6 bytes of the identity digest → ref  (small hashes stay listpacks)
//   …:b:<gen>:<shard>      hash: low 2 bytes of the band key → up to 15 refs, 4 bytes each
// A shard plus its field name carry 52+ bits of an identity digest and 20+ bits of a band key: a
// false identity hit is negligible, a false band hit only costs one rejected candidate.
// Hash fields cannot expire one by one before Redis 7.4, so identity and bucket hashes are written per
// generation (half the window by default) and expire whole; lookups read the generations the window spans,
// and every record carries its indexing time so that the window is exact however late a key expires.

import { createHash } from "node:crypto";
import type { Redis, Result } from "ioredis";
import { NewswatchError } from "../errors.js";
import type { Article } from "../feeds/types.js";
import { redisKey } from "../redis-keys.js";
import {
  type ArticleFingerprint,
  DEFAULT_DEDUP_THRESHOLDS,
  type DedupThresholds,
  MAX_TITLE_NUMBERS,
  MIN_LEAD_WORDS,
  TITLE_KEY_MAX_BYTES,
} from "./fingerprint.js";

export interface StoryAssignment {
  articleId: string;
  /** The id of the story's first article. */
  storyId: string;
  isNewStory: boolean;
  kind: "new" | "same-article" | "near-duplicate";
  /** For a known article: the stored article it is; for a near-duplicate: the article it resembles. */
  duplicateOf?: string;
}

export interface StoryIndexOptions {
  /** How long the index remembers an article (dedup.window). */
  windowMs: number;
  /** A near-duplicate joins a story only if the story started at most this long before (dedup.story_window). */
  storyWindowMs: number;
  /** Confirmation thresholds (dedup.jaccard, dedup.title_similarity); missing ones take the defaults. */
  thresholds?: Partial<DedupThresholds>;
  /** Articles expected per window; sizes the hash shards so that they stay compact listpacks. */
  capacity?: number;
  /** Generations per window: more means memory returns sooner after the window, fewer means fewer lookups. */
  generations?: number;
}

export interface ArticleToAssign {
  article: Pick<Article, "id" | "feedId" | "guid" | "canonicalUrl" | "published">;
  fingerprint: ArticleFingerprint;
}

const DEFAULT_CAPACITY = 1_000_000;
const DEFAULT_GENERATIONS = 2;
/** Hash entries aimed for per shard: well under Redis's default listpack limit of 128. */
const ENTRIES_PER_SHARD = 64;
const IDENTITY_KINDS = 3;
const RECORD_HEADER_BYTES = 48;

const KIND_BY_CODE = { 1: "new", 2: "same-article", 3: "near-duplicate" } as const;

declare module "ioredis" {
  interface RedisCommander<Context> {
    newswatchAssignStoryBuffer(
      ...args: Array<string | Buffer | number>
    ): Result<[number, Buffer, Buffer], Context>;
  }
}

const ASSIGN_STORY_SCRIPT = `
local base = ARGV[1]
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local genMs = tonumber(ARGV[4])
local storyWindow = tonumber(ARGV[5])
local jaccardMin = tonumber(ARGV[6])
local titleMin = tonumber(ARGV[7])
local jaccardAlone = tonumber(ARGV[8])
local minLead = tonumber(ARGV[9])
local slotSize = tonumber(ARGV[10])
local articleId = ARGV[11]
local published = tonumber(ARGV[12])
local body = ARGV[13]
local nIdentity = tonumber(ARGV[14])
local nBands = tonumber(ARGV[15 + 2 * nIdentity])
local bandArg = 16 + 2 * nIdentity
-- "insert": index without looking anything up (rebuilding or bulk-loading an index).
local insertOnly = ARGV[bandArg + 2 * nBands] == "insert"

local nowSec = math.floor(now / 1000)
local oldestSec = math.floor((now - window) / 1000)
local gen = math.floor(now / genMs)
local firstGen = math.floor((now - window) / genMs)
-- Relative TTLs: expiry follows the caller's clock (the now argument), not the Redis server's.
local bucketTtl = (gen + 1) * genMs + window - now

local function u32(s, i)
  local a, b, c, d = string.byte(s, i, i + 3)
  return ((a * 256 + b) * 256 + c) * 256 + d
end
local function pack32(n)
  return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

-- body: leadWords(1) numberCount(1) numbers(2 each, fixed room) titleLength(1) title(fixed room) signature
local NUMBERS_ROOM = ${MAX_TITLE_NUMBERS * 2}
local TITLE_ROOM = ${TITLE_KEY_MAX_BYTES}
local SIG_AT = 3 + NUMBERS_ROOM + 1 + TITLE_ROOM
local function parse(b)
  local count = string.byte(b, 2)
  local numbers = {}
  for i = 0, count - 1 do numbers[#numbers + 1] = string.sub(b, 3 + 2 * i, 4 + 2 * i) end
  local titleLength = string.byte(b, 3 + NUMBERS_ROOM)
  return {
    lead = string.byte(b, 1),
    numbers = numbers,
    title = string.sub(b, 4 + NUMBERS_ROOM, 3 + NUMBERS_ROOM + titleLength),
    sig = string.sub(b, SIG_AT),
  }
end

local function codepoints(s)
  local out, i, n = {}, 1, #s
  while i <= n do
    local c = string.byte(s, i)
    if c < 128 then out[#out + 1] = c; i = i + 1
    elseif c < 224 then out[#out + 1] = (c % 32) * 64 + string.byte(s, i + 1) % 64; i = i + 2
    elseif c < 240 then
      out[#out + 1] = ((c % 16) * 64 + string.byte(s, i + 1) % 64) * 64 + string.byte(s, i + 2) % 64; i = i + 3
    else
      out[#out + 1] = (((c % 8) * 64 + string.byte(s, i + 1) % 64) * 64 + string.byte(s, i + 2) % 64) * 64
        + string.byte(s, i + 3) % 64
      i = i + 4
    end
  end
  return out
end

-- Dice coefficient of character bigrams, as string-similarity's compareTwoStrings computes it.
local function dice(a, b)
  if a == b then return 1 end
  local ca, cb = codepoints(a), codepoints(b)
  if #ca < 2 or #cb < 2 then return 0 end
  local counts = {}
  for i = 1, #ca - 1 do
    local k = ca[i] * 65536 + ca[i + 1]
    counts[k] = (counts[k] or 0) + 1
  end
  local shared = 0
  for i = 1, #cb - 1 do
    local k = cb[i] * 65536 + cb[i + 1]
    local c = counts[k]
    if c ~= nil and c > 0 then counts[k] = c - 1; shared = shared + 1 end
  end
  return 2 * shared / (#ca + #cb - 2)
end

local function jaccard(a, b)
  if #a ~= #b or #a == 0 then return 0 end
  if a == string.rep("\\255", #a) or b == string.rep("\\255", #b) then return 0 end
  local equal = 0
  local ba, bb = { string.byte(a, 1, -1) }, { string.byte(b, 1, -1) }
  for i = 1, #ba do
    if ba[i] == bb[i] then equal = equal + 1 end
  end
  return equal / #ba
end

local function exclusive(xs, ys)
  for _, x in ipairs(xs) do
    local found = false
    for _, y in ipairs(ys) do if x == y then found = true; break end end
    if not found then return true end
  end
  return false
end

local function similar(a, b)
  if exclusive(a.numbers, b.numbers) and exclusive(b.numbers, a.numbers) then return false, 0 end
  local j = jaccard(a.sig, b.sig)
  if math.min(a.lead, b.lead) < minLead then return (a.title == b.title and j >= jaccardMin), j end
  if j >= jaccardAlone then return true, j end
  if j < jaccardMin then return false, j end
  return dice(a.title, b.title) >= titleMin, j
end

local function recordKey(ref) return base .. ":r:" .. math.floor(ref / 256) end
local function readRecord(ref)
  local at = (ref % 256) * slotSize
  local raw = redis.call("GETRANGE", recordKey(ref), at, at + slotSize - 1)
  if #raw < slotSize then return nil end
  local indexed = u32(raw, 45)
  if indexed < oldestSec then return nil end
  return {
    id = string.sub(raw, 1, 20),
    story = string.sub(raw, 21, 40),
    storyStart = u32(raw, 41),
    body = string.sub(raw, 49),
  }
end
local function writeRecord(ref, id, story, storyStart, recordBody)
  local key = recordKey(ref)
  redis.call("SETRANGE", key, (ref % 256) * slotSize, id .. story .. pack32(storyStart) .. pack32(nowSec) .. recordBody)
  redis.call("PEXPIRE", key, window + genMs)
end

-- A new ref; the first of a block (refs come from INCR inside this script, so it is written first)
-- allocates the block at its final size: growing a string by SETRANGE would double its allocation.
local function newRef()
  local ref = redis.call("INCR", KEYS[1])
  if ref % 256 == 0 or ref == 1 then redis.call("SET", recordKey(ref), string.rep("\\0", 256 * slotSize)) end
  return ref
end

local function identityKey(g, i) return base .. ":i:" .. g .. ":" .. ARGV[13 + 2 * i] end
local function bandKey(g, i) return base .. ":b:" .. g .. ":" .. ARGV[bandArg + 2 * i - 2] end

local function indexArticle(ref)
  local refBytes = pack32(ref)
  for i = 1, nIdentity do
    local key = identityKey(gen, i)
    redis.call("HSET", key, ARGV[14 + 2 * i], ref)
    redis.call("PEXPIRE", key, bucketTtl)
  end
  for i = 1, nBands do
    local key = bandKey(gen, i)
    local field = ARGV[bandArg + 2 * i - 1]
    local refs = redis.call("HGET", key, field) or ""
    local present = false
    for at = 1, #refs, 4 do if string.sub(refs, at, at + 3) == refBytes then present = true; break end end
    if not present then
      refs = refs .. refBytes
      if #refs > 60 then refs = string.sub(refs, 5) end
      redis.call("HSET", key, field, refs)
      redis.call("PEXPIRE", key, bucketTtl)
    end
  end
end

if insertOnly then
  local ref = newRef()
  writeRecord(ref, articleId, articleId, published, body)
  indexArticle(ref)
  return { 1, articleId, "" }
end

-- 1. Identity: canonical URL, feed + guid, content hash.
for i = 1, nIdentity do
  for g = gen, firstGen, -1 do
    local ref = redis.call("HGET", identityKey(g, i), ARGV[14 + 2 * i])
    if ref then
      ref = tonumber(ref)
      local record = readRecord(ref)
      if record ~= nil then
        writeRecord(ref, record.id, record.story, record.storyStart, body)
        indexArticle(ref)
        return { 2, record.story, record.id }
      end
    end
  end
end

-- 2. Near-duplicates: candidates from the LSH buckets, confirmed, best estimated Jaccard wins.
local mine = parse(body)
local seen = {}
local best, bestJaccard = nil, -1
for i = 1, nBands do
  for g = gen, firstGen, -1 do
    local refs = redis.call("HGET", bandKey(g, i), ARGV[bandArg + 2 * i - 1])
    if refs then
      for at = 1, #refs, 4 do
        local ref = u32(refs, at)
        if not seen[ref] then
          seen[ref] = true
          local record = readRecord(ref)
          if record ~= nil and math.abs(published - record.storyStart) <= storyWindow then
            local ok, j = similar(mine, parse(record.body))
            if ok and (j > bestJaccard or (j == bestJaccard and ref < best.ref)) then
              best, bestJaccard = { ref = ref, record = record }, j
            end
          end
        end
      end
    end
  end
end

-- 3. Insert.
local ref = newRef()
if best ~= nil then
  writeRecord(ref, articleId, best.record.story, best.record.storyStart, body)
  indexArticle(ref)
  return { 3, best.record.story, best.record.id }
end
writeRecord(ref, articleId, articleId, published, body)
indexArticle(ref)
return { 1, articleId, "" }
`;

function shardBitsFor(entries: number): number {
  return Math.max(4, Math.min(24, Math.ceil(Math.log2(Math.max(1, entries) / ENTRIES_PER_SHARD))));
}

function idBytes(id: string): Buffer {
  if (!/^[0-9a-f]{40}$/.test(id)) {
    throw new NewswatchError(
      "NW_INPUT_INVALID",
      `article id must be 40 lower-case hex digits (sha1), got "${id}"`,
    );
  }
  return Buffer.from(id, "hex");
}

/** The fixed-size part of a record the script compares: lead size, headline numbers, title key, signature. */
export function packRecordBody(fingerprint: ArticleFingerprint): Buffer {
  const title = Buffer.from(fingerprint.titleKey, "utf8");
  if (title.length > TITLE_KEY_MAX_BYTES) throw new RangeError("title key longer than a record slot allows");
  const body = Buffer.alloc(2 + MAX_TITLE_NUMBERS * 2 + 1 + TITLE_KEY_MAX_BYTES);
  body[0] = Math.min(255, fingerprint.leadWords);
  const numbers = fingerprint.titleNumbers.slice(0, MAX_TITLE_NUMBERS);
  body[1] = numbers.length;
  for (const [i, n] of numbers.entries()) body.writeUInt16BE(n, 2 + 2 * i);
  body[2 + MAX_TITLE_NUMBERS * 2] = title.length;
  title.copy(body, 3 + MAX_TITLE_NUMBERS * 2);
  return Buffer.concat([body, fingerprint.packedSignature]);
}

export class RedisStoryIndex {
  private readonly base: string;
  private readonly generationMs: number;
  private readonly identityShardBits: number;
  private readonly bandShardBits: number;
  private readonly options: Required<Omit<StoryIndexOptions, "thresholds">>;
  private readonly thresholds: DedupThresholds;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: StoryIndexOptions,
  ) {
    this.options = {
      capacity: DEFAULT_CAPACITY,
      generations: DEFAULT_GENERATIONS,
      ...options,
    };
    this.thresholds = { ...DEFAULT_DEDUP_THRESHOLDS, ...options.thresholds };
    this.base = redisKey(prefix, "dedup");
    this.generationMs = Math.ceil(this.options.windowMs / this.options.generations);
    const perGeneration = this.options.capacity / this.options.generations;
    this.identityShardBits = shardBitsFor(perGeneration * IDENTITY_KINDS);
    // Bucket fields are fewer than band keys once copies share buckets; size for the worst case.
    this.bandShardBits = shardBitsFor(perGeneration * 10);
    // KEYS[1] (the ref counter) routes the script to the prefix's slot on a Redis Cluster; every
    // other key it touches shares the {prefix} hash tag, so it lives in that slot too.
    redis.defineCommand("newswatchAssignStory", { numberOfKeys: 1, lua: ASSIGN_STORY_SCRIPT });
  }

  /** Redis key pattern of everything this index writes (for clean-up and memory accounting). */
  get keyPattern(): string {
    return `${this.base}:*`;
  }

  /**
   * Assigns each article to a story, in order, one atomic script per article, all in one pipeline.
   * Retrying a chunk gives the same story ids (its articles are then known: kind "same-article").
   */
  async assignStories(articles: readonly ArticleToAssign[], now: Date): Promise<StoryAssignment[]> {
    const replies = await this.runScript(articles, now, "check");
    return replies.map(([code, storyId, duplicateOf], index) => {
      const kind = KIND_BY_CODE[code as 1 | 2 | 3];
      const assignment: StoryAssignment = {
        articleId: articles[index]!.article.id,
        storyId: storyId.toString("hex"),
        isNewStory: kind === "new",
        kind,
      };
      if (duplicateOf.length > 0) assignment.duplicateOf = duplicateOf.toString("hex");
      return assignment;
    });
  }

  /**
   * Indexes articles as new stories without checking them: for loading an index in bulk (rebuilding it
   * from the store after Redis lost it, or filling a benchmark). Same pipelining as `assignStories`.
   */
  async indexArticles(articles: readonly ArticleToAssign[], now: Date): Promise<void> {
    await this.runScript(articles, now, "insert");
  }

  private async runScript(
    articles: readonly ArticleToAssign[],
    now: Date,
    mode: "check" | "insert",
  ): Promise<Array<[number, Buffer, Buffer]>> {
    if (articles.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const item of articles) {
      pipeline.newswatchAssignStoryBuffer(`${this.base}:n`, ...this.scriptArguments(item, now), mode);
    }
    const results = await pipeline.exec();
    if (results === null) throw new NewswatchError("NW_REDIS_UNREACHABLE", "Redis pipeline was aborted");
    return results.map(([error, reply]) => {
      if (error !== null) {
        throw new NewswatchError("NW_REDIS_UNREACHABLE", `story index script failed: ${error.message}`, {
          retryable: true,
          cause: error,
        });
      }
      return reply as [number, Buffer, Buffer];
    });
  }

  private scriptArguments(
    { article, fingerprint }: ArticleToAssign,
    now: Date,
  ): Array<string | Buffer | number> {
    const body = packRecordBody(fingerprint);
    const thresholds = this.thresholds;
    const identities = [
      `url\n${article.canonicalUrl}`,
      `guid\n${article.feedId}\n${article.guid}`,
      `content\n${fingerprint.contentHash}`,
    ].filter((identity) => !/\n$/.test(identity));
    const publishedMs = Date.parse(article.published);
    const args: Array<string | Buffer | number> = [
      this.base,
      now.getTime(),
      this.options.windowMs,
      this.generationMs,
      Math.floor(this.options.storyWindowMs / 1000),
      thresholds.jaccard,
      thresholds.titleSimilarity,
      thresholds.jaccardAlone,
      MIN_LEAD_WORDS,
      RECORD_HEADER_BYTES + body.length,
      idBytes(article.id),
      Math.floor((Number.isNaN(publishedMs) ? now.getTime() : publishedMs) / 1000),
      body,
      identities.length,
    ];
    for (const identity of identities) {
      const digest = createHash("sha1").update(identity).digest();
      args.push(digest.readUInt32BE(0) >>> (32 - this.identityShardBits), digest.subarray(4, 10));
    }
    args.push(fingerprint.bandKeys.length);
    for (const bandKey of fingerprint.bandKeys) {
      const value = Number.parseInt(bandKey, 16);
      args.push(value >>> (32 - this.bandShardBits), Buffer.from(bandKey.slice(4), "hex"));
    }
    return args;
  }
}
