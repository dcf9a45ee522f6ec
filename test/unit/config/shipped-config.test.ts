import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { validateQuery } from "../../../src/match/validate.js";
import { repoRoot } from "./helpers.js";

const shipped = path.join(repoRoot, "config/newswatch.yaml");

describe("the shipped config/newswatch.yaml", () => {
  it("loads without problems on a machine with no variables set", async () => {
    const config = await loadConfig(shipped, { env: {}, checkQuery: validateQuery });
    expect(config.files).toEqual([shipped, path.join(repoRoot, "config/topics.yaml")]);
    expect(config.redis.url).toBe("redis://127.0.0.1:6379");
    expect(config.store.url).toBe("sqlite:./data/newswatch.db");
    expect(config.server).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(JSON.stringify(config)).not.toContain("${");
  });

  it("polls 10 to 20 real public feeds over https, world, Korea and Russia desks among them", async () => {
    const config = await loadConfig(shipped, { env: {} });
    const feeds = config.feeds.list;
    expect(feeds.length).toBeGreaterThanOrEqual(10);
    expect(feeds.length).toBeLessThanOrEqual(20);
    for (const feed of feeds) {
      expect(new URL(feed.url).protocol).toBe("https:");
      expect(new URL(feed.url).hostname).not.toMatch(/example\./);
    }
    const tags = new Set(feeds.flatMap((feed) => feed.tags));
    expect([...tags]).toEqual(expect.arrayContaining(["world", "korea", "russia"]));
    expect(new Set(feeds.map((feed) => feed.id)).size).toBe(feeds.length);
  });

  it("sends the digest of the seed topics to files, so it runs without mail or chat credentials", async () => {
    const config = await loadConfig(shipped, { env: {} });
    expect(config.topics.map((topic) => topic.id)).toEqual(["russia-dprk", "sanctions"]);
    expect(config.digests).toHaveLength(1);
    expect(config.digests[0]).toMatchObject({ name: "morning", topics: ["russia-dprk", "sanctions"] });
    for (const channel of [...(config.digests[0]?.deliver ?? []), ...config.alerts.deliver]) {
      expect(channel.type).toBe("file");
    }
  });

  it("takes the service's addresses from the environment when they are set", async () => {
    const config = await loadConfig(shipped, {
      env: {
        REDIS_URL: "redis://redis:6379",
        DATABASE_URL: "postgres://nw@postgres/nw",
        NEWSWATCH_HOST: "0.0.0.0",
        NEWSWATCH_PORT: "9000",
      },
    });
    expect(config.redis.url).toBe("redis://redis:6379");
    expect(config.store.url).toBe("postgres://nw@postgres/nw");
    expect(config.server).toEqual({ host: "0.0.0.0", port: 9000 });
  });
});
