import http from "node:http";
import type { AddressInfo } from "node:net";
import { seededRandom } from "../../helpers/seeded-random.js";

export { seededRandom };

// Local HTTP feeds for the server and service tests: RSS documents whose items are built from a seeded word
// list, so no two items are near-duplicates of each other and each topic gets a known number of articles.

const VOCABULARY =
  "harbour ledger violet orchard granite compass lantern meadow quartz ribbon saddle thimble walnut zephyr anchor beacon cobalt dynamo ember falcon glacier hazel indigo jasper kestrel lagoon marble nectar onyx pepper quiver raven sable tundra umber velvet willow yarrow zinnia basalt cedar dahlia egret fennel garnet heron iris juniper kelp lilac maple nutmeg olive".split(
    " ",
  );

export interface FixtureItem {
  guid: string;
  title: string;
  text: string;
  link: string;
  published: string;
}

/** `count` items about `keyword`, each with its own random words. */
export function makeItems(keyword: string, count: number, seed: number, base: string): FixtureItem[] {
  const random = seededRandom(seed);
  const words = (n: number) =>
    Array.from({ length: n }, () => VOCABULARY[Math.floor(random() * VOCABULARY.length)]).join(" ");
  return Array.from({ length: count }, (_, i) => {
    const guid = `${keyword}-${seed}-${i}`;
    return {
      guid,
      title: `${keyword} ${words(6)}`,
      text: `${words(12)} ${keyword} ${words(25)}`,
      link: `${base}/articles/${guid}`,
      // Fixed dates, so two runs over the same feeds store the same thing.
      published: new Date(Date.UTC(2026, 10, 1, 0, 0, 0) + (seed * 1000 + i) * 1000).toUTCString(),
    };
  });
}

export function rssOf(title: string, items: FixtureItem[]): string {
  const entries = items
    .map(
      (item) =>
        `<item><title>${item.title}</title><link>${item.link}</link><guid>${item.guid}</guid><pubDate>${item.published}</pubDate><description>${item.text}</description></item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${title}</title><link>http://feeds.test/</link>\n${entries}\n</channel></rss>`;
}

/** An HTTP server whose documents the test can replace at any time; 404 for unknown paths. */
export class FeedServer {
  readonly documents = new Map<string, string>();
  /** Paths answered with this status instead of their document. */
  readonly failWith = new Map<string, number>();
  /** Requests received, for tests that check a poll did not reach the remote. */
  requests = 0;
  private server: http.Server | undefined;
  base = "";

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.requests++;
      const status = this.failWith.get(req.url ?? "");
      if (status !== undefined) return void res.writeHead(status).end("unavailable");
      const body = this.documents.get(req.url ?? "");
      if (body === undefined) return void res.writeHead(404).end();
      res.writeHead(200, { "Content-Type": "application/rss+xml; charset=utf-8" }).end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}

/** Waits for `condition` to hold, checking every `everyMs`, failing after `deadlineMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  condition: (value: T) => boolean,
  what: string,
  deadlineMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (condition(last)) return last;
    } catch (err) {
      if (Date.now() > until) throw err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
