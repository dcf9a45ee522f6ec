import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { conditionalStateOf, type FetchOptions, fetchFeed } from "../../../src/feeds/fetch.js";
import type { FetchOutcome } from "../../../src/feeds/types.js";
import { USER_AGENT } from "../../../src/version.js";

const FEED_XML = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test wire</title>
<item><title>Lavrov arrives in Pyongyang</title><link>https://example.org/a1</link><guid>a1</guid></item>
</channel></rss>`;
const FEED_BYTES = Buffer.from(FEED_XML, "utf8");
const ETAG = '"v1-abc"';
const LAST_MODIFIED = "Sun, 01 Mar 2026 10:00:00 GMT";
const FIXED_NOW = new Date("2026-03-01T12:00:00.000Z");

// A throwaway self-signed certificate for 127.0.0.1 / localhost (EC P-256, 100 years), used only to
// show that a certificate the system does not trust is reported as a TLS problem.
const TEST_TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgaiCkIF5kdhQv4xOU
Oma/9v+w4e2L+yYpGD64POWTA4+hRANCAAT+7VShE/JADp0vMmUSEYWBDpHJSsal
220B+3l3WciXKxanwVFlMnICcm9/zQ3bCrm6HTdeN/K1HrreCUh00ne7
-----END PRIVATE KEY-----
`;
const TEST_TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUIpCUKW1Ybu/FiQmS1Oj2yZ5TvHgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyODE4NTA0MFoYDzIxMjYxMTA0
MTg1MDQwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAT+7VShE/JADp0vMmUSEYWBDpHJSsal220B+3l3WciXKxanwVFlMnIC
cm9/zQ3bCrm6HTdeN/K1HrreCUh00ne7o28wbTAdBgNVHQ4EFgQUWJoFPY2vA6gR
Mi3LS/2/JO1WvrcwHwYDVR0jBBgwFoAUWJoFPY2vA6gRMi3LS/2/JO1WvrcwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIgQ3WeTNkuLpt7N/GSS1IO+KCu3DvNb1aAD4WAjnLwrBgCIQCe
TQF3ioVln2wPUYYpBYUaSxpGeqVAlCtQzwRTVmBPZw==
-----END CERTIFICATE-----
`;

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Every request the server saw, by path, so tests can check what the fetcher sent. */
const received = new Map<string, IncomingHttpHeaders[]>();
/** Resolves when the server side of a request's connection has closed. */
const connectionClosed = new Map<string, Promise<void>>();
/** Whether the server finished writing a response before its connection went away. */
const responseFinished = new Map<string, boolean>();

function sendFeed(res: ServerResponse, body: Buffer, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(200, { "Content-Type": "application/rss+xml; charset=utf-8", ...headers });
  res.end(body);
}

function redirect(status: number, location: string): Handler {
  return (_req, res) => {
    res.writeHead(status, { Location: location });
    res.end();
  };
}

const routes: Record<string, Handler> = {
  "/feed": (req, res) => {
    if (req.headers["if-none-match"] === ETAG && req.headers["if-modified-since"] === LAST_MODIFIED) {
      res.writeHead(304, { ETag: ETAG });
      res.end();
      return;
    }
    sendFeed(res, FEED_BYTES, { ETag: ETAG, "Last-Modified": LAST_MODIFIED });
  },
  "/plain": (_req, res) => sendFeed(res, FEED_BYTES),
  "/stall-body": (_req, res) => {
    res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Length": 10_000 });
    res.write(FEED_BYTES.subarray(0, 40));
  },
  "/silent": () => {
    // Never answers.
  },
  "/oversize-declared": (_req, res) => {
    res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Length": 5_000_000 });
    res.write(Buffer.alloc(16_384, 0x20));
  },
  "/oversize-chunked": (_req, res) => {
    res.writeHead(200, { "Content-Type": "application/rss+xml" });
    const chunk = Buffer.alloc(65_536, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 50_000_000) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    res.on("close", () => res.removeAllListeners("drain"));
    pump();
  },
  "/gzip-bomb": (_req, res) => sendFeed(res, gzipBomb, { "Content-Encoding": "gzip" }),
  "/gzip": (_req, res) => sendFeed(res, zlib.gzipSync(FEED_BYTES), { "Content-Encoding": "gzip" }),
  "/deflate-zlib": (_req, res) =>
    sendFeed(res, zlib.deflateSync(FEED_BYTES), { "Content-Encoding": "deflate" }),
  "/deflate-raw": (_req, res) =>
    sendFeed(res, zlib.deflateRawSync(FEED_BYTES), { "Content-Encoding": "deflate" }),
  "/br": (_req, res) => sendFeed(res, zlib.brotliCompressSync(FEED_BYTES), { "Content-Encoding": "br" }),
  "/gzip-mislabelled": (_req, res) => sendFeed(res, FEED_BYTES, { "Content-Encoding": "gzip" }),
  "/gzip-corrupt": (_req, res) =>
    sendFeed(res, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(64, 0xff)]), {
      "Content-Encoding": "gzip",
    }),
  "/compress": (_req, res) => sendFeed(res, FEED_BYTES, { "Content-Encoding": "compress" }),
  "/truncated": (req, res) => {
    res.writeHead(200, { "Content-Type": "application/rss+xml", "Content-Length": 10_000 });
    res.write(FEED_BYTES.subarray(0, 40), () => req.socket.destroy());
  },
  "/chain/3": redirect(301, "/chain/2"),
  "/chain/2": redirect(302, "chain-1-target"),
  "/chain/chain-1-target": redirect(307, "../chain/0"),
  "/chain/0": (_req, res) => sendFeed(res, FEED_BYTES),
  "/relative/deep/start": redirect(308, "../feed.xml?x=1"),
  "/relative/feed.xml": (_req, res) => sendFeed(res, FEED_BYTES),
  "/loop/a": redirect(301, "/loop/b"),
  "/loop/b": redirect(302, "/loop/c"),
  "/loop/c": redirect(303, "/loop/a"),
  "/self": redirect(301, "/self"),
  "/to-file": redirect(302, "file:///etc/passwd"),
  "/no-location": (_req, res) => {
    res.writeHead(302);
    res.end();
  },
  "/moved": redirect(301, "/moved-here"),
  "/moved-here": (req, res) => {
    if (req.headers["if-none-match"] === '"moved-v1"') {
      res.writeHead(304);
      res.end();
      return;
    }
    sendFeed(res, FEED_BYTES, { ETag: '"moved-v1"' });
  },
  "/429": (_req, res) => {
    res.writeHead(429, { "Retry-After": "120" });
    res.end("slow down");
  },
  "/503": (_req, res) => {
    res.writeHead(503, { "Retry-After": new Date(FIXED_NOW.getTime() + 90_000).toUTCString() });
    res.end("maintenance");
  },
  "/404": (_req, res) => {
    res.writeHead(404);
    res.end();
  },
  "/410": (_req, res) => {
    res.writeHead(410);
    res.end();
  },
  "/500": (_req, res) => {
    res.writeHead(500);
    res.end();
  },
  "/403": (_req, res) => {
    res.writeHead(403);
    res.end();
  },
};
// /hop/6 → /hop/5 → … → /hop/0 (a feed): six redirects in all.
for (let n = 1; n <= 6; n++) routes[`/hop/${n}`] = redirect(302, `/hop/${n - 1}`);
routes["/hop/0"] = (_req, res) => sendFeed(res, FEED_BYTES);

let gzipBomb: Buffer;
let server: http.Server;
let tlsServer: https.Server;
let base: string;
let tlsBase: string;
let tempDir: string;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
  const list = received.get(path) ?? [];
  list.push(req.headers);
  received.set(path, list);
  connectionClosed.set(path, new Promise((resolve) => req.socket.once("close", () => resolve())));
  responseFinished.set(path, false);
  res.once("finish", () => responseFinished.set(path, true));
  const route = routes[path];
  if (route) route(req, res);
  else {
    res.writeHead(404);
    res.end();
  }
}

function listen(srv: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) =>
    srv.listen(0, "127.0.0.1", () => resolve((srv.address() as AddressInfo).port)),
  );
}

function close(srv: http.Server | https.Server): Promise<void> {
  return new Promise((resolve) => {
    srv.closeAllConnections();
    srv.close(() => resolve());
  });
}

const options: FetchOptions = {
  timeoutMs: 2_000,
  maxBytes: 1_000_000,
  userAgent: USER_AGENT,
  now: () => FIXED_NOW,
};

async function fetchError(url: string, overrides: Partial<FetchOptions> = {}): Promise<NewswatchError> {
  try {
    await fetchFeed(url, {}, { ...options, ...overrides });
  } catch (err) {
    expect(err).toBeInstanceOf(NewswatchError);
    return err as NewswatchError;
  }
  throw new Error(`expected ${url} to fail`);
}

function expectBody(outcome: FetchOutcome): Buffer {
  expect(outcome.kind).toBe("ok");
  if (outcome.kind !== "ok") throw new Error("not ok");
  return outcome.body;
}

beforeAll(async () => {
  // 20 MB of spaces compress to about 20 kB.
  gzipBomb = zlib.gzipSync(Buffer.alloc(20_000_000, 0x20));
  server = http.createServer(handle);
  base = `http://127.0.0.1:${await listen(server)}`;
  tlsServer = https.createServer({ key: TEST_TLS_KEY, cert: TEST_TLS_CERT }, (_req, res) =>
    sendFeed(res, FEED_BYTES),
  );
  tlsBase = `https://127.0.0.1:${await listen(tlsServer)}`;
  tempDir = await mkdtemp(join(tmpdir(), "nwtest-fetch-"));
});

afterAll(async () => {
  await close(server);
  await close(tlsServer);
  await rm(tempDir, { recursive: true, force: true });
});

describe("fetchFeed: conditional GET", () => {
  it("returns the body with its validators, then not-modified when they still hold", async () => {
    const first = await fetchFeed(`${base}/feed`, {}, options);
    expect(expectBody(first).equals(FEED_BYTES)).toBe(true);
    if (first.kind !== "ok") return;
    expect(first.status).toBe(200);
    expect(first.etag).toBe(ETAG);
    expect(first.lastModified).toBe(LAST_MODIFIED);
    expect(first.contentType).toBe("application/rss+xml; charset=utf-8");
    expect(first.finalUrl).toBe(`${base}/feed`);

    const second = await fetchFeed(`${base}/feed`, conditionalStateOf(first), options);
    expect(second.kind).toBe("not-modified");
    expect(second.etag).toBe(ETAG);
    expect(second.lastModified).toBe(LAST_MODIFIED);
    const requests = received.get("/feed") ?? [];
    const last = requests[requests.length - 1];
    expect(last?.["if-none-match"]).toBe(ETAG);
    expect(last?.["if-modified-since"]).toBe(LAST_MODIFIED);
  });

  it("sends no validators on a first poll", async () => {
    await fetchFeed(`${base}/plain`, {}, options);
    const headers = received.get("/plain")?.at(-1);
    expect(headers?.["if-none-match"]).toBeUndefined();
    expect(headers?.["if-modified-since"]).toBeUndefined();
  });

  it("sends validators only to the URL that issued them after a redirect", async () => {
    const first = await fetchFeed(`${base}/moved`, {}, options);
    expect(first.finalUrl).toBe(`${base}/moved-here`);
    const state = conditionalStateOf(first);
    expect(state).toEqual({ url: `${base}/moved-here`, etag: '"moved-v1"' });

    const second = await fetchFeed(`${base}/moved`, state, options);
    expect(second.kind).toBe("not-modified");
    expect(received.get("/moved")?.at(-1)?.["if-none-match"]).toBeUndefined();
    expect(received.get("/moved-here")?.at(-1)?.["if-none-match"]).toBe('"moved-v1"');
  });

  it("identifies itself as newswatch and asks for feeds in any supported encoding", async () => {
    await fetchFeed(`${base}/plain`, {}, options);
    const headers = received.get("/plain")?.at(-1);
    expect(headers?.["user-agent"]).toMatch(/^newswatch\/\d+\.\d+\.\d+/);
    expect(headers?.accept).toBe(
      "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
    );
    expect(headers?.["accept-encoding"]).toBe("gzip, deflate, br");
  });
});

describe("fetchFeed: timeouts", () => {
  it("aborts a body that stalls after the headers", async () => {
    const err = await fetchError(`${base}/stall-body`, { timeoutMs: 300 });
    expect(err.code).toBe("NW_FEED_TIMEOUT");
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`${base}/stall-body: no complete response within 300 ms`);
    // The connection is torn down, not left hanging.
    await connectionClosed.get("/stall-body");
  });

  it("aborts a server that never answers", async () => {
    const err = await fetchError(`${base}/silent`, { timeoutMs: 300 });
    expect(err.code).toBe("NW_FEED_TIMEOUT");
    expect(err.retryable).toBe(true);
    await connectionClosed.get("/silent");
    expect(responseFinished.get("/silent")).toBe(false);
  });
});

describe("fetchFeed: size limit", () => {
  it("refuses a body whose Content-Length exceeds the limit", async () => {
    const err = await fetchError(`${base}/oversize-declared`, { maxBytes: 100_000 });
    expect(err.code).toBe("NW_FEED_TOO_LARGE");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain("Content-Length 5000000");
    await connectionClosed.get("/oversize-declared");
  });

  it("aborts a chunked body once it passes the limit", async () => {
    const err = await fetchError(`${base}/oversize-chunked`, { maxBytes: 100_000 });
    expect(err.code).toBe("NW_FEED_TOO_LARGE");
    expect(err.message).toContain("limit of 100000 bytes");
    await connectionClosed.get("/oversize-chunked");
    expect(responseFinished.get("/oversize-chunked")).toBe(false);
  });

  it("stops decompressing a gzip bomb at the limit", async () => {
    expect(gzipBomb.length).toBeLessThan(100_000);
    const err = await fetchError(`${base}/gzip-bomb`, { maxBytes: 1_000_000 });
    expect(err.code).toBe("NW_FEED_TOO_LARGE");
    expect(err.message).toContain("once decompressed (gzip)");
  });

  it("accepts a body exactly at the limit", async () => {
    const outcome = await fetchFeed(`${base}/plain`, {}, { ...options, maxBytes: FEED_BYTES.length });
    expect(expectBody(outcome).length).toBe(FEED_BYTES.length);
  });
});

describe("fetchFeed: content encodings", () => {
  for (const path of ["/gzip", "/deflate-zlib", "/deflate-raw", "/br", "/gzip-mislabelled"]) {
    it(`decodes ${path.slice(1)}`, async () => {
      const body = expectBody(await fetchFeed(`${base}${path}`, {}, options));
      expect(body.toString("utf8")).toBe(FEED_XML);
    });
  }

  it("reports a corrupt gzip body", async () => {
    const err = await fetchError(`${base}/gzip-corrupt`);
    expect(err.code).toBe("NW_FEED_HTTP");
    expect(err.message).toContain("could not decode the gzip body");
  });

  it("refuses an encoding it cannot decode", async () => {
    const err = await fetchError(`${base}/compress`);
    expect(err.code).toBe("NW_FEED_HTTP");
    expect(err.message).toBe(`${base}/compress: unsupported Content-Encoding "compress"`);
  });

  it("reports a connection cut before the body was complete as retryable", async () => {
    const err = await fetchError(`${base}/truncated`);
    expect(err.code).toBe("NW_FEED_NETWORK");
    expect(err.retryable).toBe(true);
  });
});

describe("fetchFeed: redirects", () => {
  it("follows a chain of three, relative Locations included", async () => {
    const outcome = await fetchFeed(`${base}/chain/3`, {}, options);
    expect(expectBody(outcome).equals(FEED_BYTES)).toBe(true);
    expect(outcome.finalUrl).toBe(`${base}/chain/0`);
  });

  it("resolves a Location relative to the redirecting URL", async () => {
    const outcome = await fetchFeed(`${base}/relative/deep/start`, {}, options);
    expect(outcome.finalUrl).toBe(`${base}/relative/feed.xml?x=1`);
  });

  it("follows exactly five redirects", async () => {
    const outcome = await fetchFeed(`${base}/hop/5`, {}, options);
    expect(outcome.finalUrl).toBe(`${base}/hop/0`);
  });

  it("refuses a sixth redirect", async () => {
    const feedRequestsBefore = received.get("/hop/0")?.length ?? 0;
    const err = await fetchError(`${base}/hop/6`);
    expect(err.code).toBe("NW_FEED_TOO_MANY_REDIRECTS");
    expect(err.retryable).toBe(false);
    expect(err.message).toBe(`${base}/hop/6: more than 5 redirects (the last one to ${base}/hop/0)`);
    expect(received.get("/hop/0")?.length ?? 0).toBe(feedRequestsBefore);
  });

  it("honours a smaller maxRedirects", async () => {
    const err = await fetchError(`${base}/chain/3`, { maxRedirects: 2 });
    expect(err.code).toBe("NW_FEED_TOO_MANY_REDIRECTS");
  });

  it("detects a loop", async () => {
    const err = await fetchError(`${base}/loop/a`);
    expect(err.code).toBe("NW_FEED_REDIRECT_LOOP");
    expect(err.message).toBe(
      `${base}/loop/a: redirect loop: ${base}/loop/a → ${base}/loop/b → ${base}/loop/c → ${base}/loop/a`,
    );
  });

  it("detects a URL that redirects to itself", async () => {
    const err = await fetchError(`${base}/self`);
    expect(err.code).toBe("NW_FEED_REDIRECT_LOOP");
  });

  it("refuses a redirect to a local file", async () => {
    const err = await fetchError(`${base}/to-file`);
    expect(err.code).toBe("NW_FEED_HTTP");
    expect(err.message).toContain("unsupported scheme file:");
  });

  it("reports a redirect without a Location", async () => {
    const err = await fetchError(`${base}/no-location`);
    expect(err.code).toBe("NW_FEED_HTTP");
    expect(err.message).toContain("without a Location header");
  });
});

describe("fetchFeed: failure statuses", () => {
  it("keeps the Retry-After seconds of a 429", async () => {
    const err = await fetchError(`${base}/429`);
    expect(err.code).toBe("NW_FEED_RATE_LIMITED");
    expect(err.retryable).toBe(true);
    expect(err.retryAfterMs).toBe(120_000);
    expect(err.message).toBe(`${base}/429: HTTP 429 Too Many Requests (retry after 120 s)`);
  });

  it("reads the Retry-After date of a 503", async () => {
    const err = await fetchError(`${base}/503`);
    expect(err.code).toBe("NW_FEED_RATE_LIMITED");
    expect(err.retryAfterMs).toBe(90_000);
    expect(err.message).toBe(`${base}/503: HTTP 503 Service Unavailable (retry after 90 s)`);
  });

  for (const status of [404, 410]) {
    it(`reports ${status} as gone for good`, async () => {
      const err = await fetchError(`${base}/${status}`);
      expect(err.code).toBe("NW_FEED_GONE");
      expect(err.retryable).toBe(false);
      expect(err.message).toContain(`${base}/${status}: HTTP ${status}`);
    });
  }

  it("retries a 500 but not a 403", async () => {
    const serverError = await fetchError(`${base}/500`);
    expect([serverError.code, serverError.retryable]).toEqual(["NW_FEED_HTTP", true]);
    const forbidden = await fetchError(`${base}/403`);
    expect([forbidden.code, forbidden.retryable]).toEqual(["NW_FEED_HTTP", false]);
  });

  it("reports a refused connection as a retryable network error", async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    await close(closed);
    const err = await fetchError(`http://127.0.0.1:${port}/rss`);
    expect(err.code).toBe("NW_FEED_NETWORK");
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`http://127.0.0.1:${port}/rss: connection refused (ECONNREFUSED)`);
  });

  it("reports an untrusted certificate as a TLS problem", async () => {
    const err = await fetchError(`${tlsBase}/rss`);
    expect(err.code).toBe("NW_FEED_TLS");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(`${tlsBase}/rss: TLS failure`);
  });

  it("keeps credentials out of the message", async () => {
    const err = await fetchError(`http://reader:pa55word@127.0.0.1:${new URL(base).port}/404`);
    expect(err.message).not.toContain("pa55word");
    expect(err.message).not.toContain("reader");
  });

  it("refuses a scheme it cannot fetch", async () => {
    const err = await fetchError("ftp://127.0.0.1/feed.xml");
    expect(err.code).toBe("NW_FEED_HTTP");
    expect(err.message).toContain("unsupported scheme ftp:");
  });
});

describe("fetchFeed: file:// URLs", () => {
  it("reads a local feed file", async () => {
    const path = join(tempDir, "local.xml");
    await writeFile(path, FEED_BYTES);
    const outcome = await fetchFeed(pathToFileURL(path).href, {}, options);
    expect(expectBody(outcome).equals(FEED_BYTES)).toBe(true);
    if (outcome.kind !== "ok") return;
    expect(outcome.status).toBe(200);
    expect(outcome.contentType).toBeUndefined();
  });

  it("returns a gzip-compressed file as stored", async () => {
    const path = join(tempDir, "local.xml.gz");
    const gz = zlib.gzipSync(FEED_BYTES);
    await writeFile(path, gz);
    const body = expectBody(await fetchFeed(pathToFileURL(path).href, {}, options));
    expect(body.equals(gz)).toBe(true);
  });

  it("reports a missing file as gone, naming the path", async () => {
    const path = join(tempDir, "missing.xml");
    const err = await fetchError(pathToFileURL(path).href);
    expect(err.code).toBe("NW_FEED_GONE");
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(path);
  });

  it("refuses a file over the limit", async () => {
    const path = join(tempDir, "big.xml");
    await writeFile(path, Buffer.alloc(300_000, 0x20));
    const err = await fetchError(pathToFileURL(path).href, { maxBytes: 100_000 });
    expect(err.code).toBe("NW_FEED_TOO_LARGE");
    expect(err.message).toContain(path);
  });

  it("reports a directory as not a feed", async () => {
    const err = await fetchError(pathToFileURL(tempDir).href);
    expect(err.code).toBe("NW_FEED_GONE");
    expect(err.message).toContain("is a directory");
  });
});
