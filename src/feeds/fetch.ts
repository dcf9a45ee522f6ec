// The HTTP adapter of feed ingestion: one polite GET of a feed (or a read of a file:// feed).
// node:http / node:https directly, so one deadline covers connect + headers + body, the byte limit
// aborts the download, and decompression stays under our control. Charset decoding is not done
// here: the raw bytes and the Content-Type go on to decodeFeedBytes.

import { createReadStream } from "node:fs";
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { Transform } from "node:stream";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { NewswatchError } from "../errors.js";
import { parseRetryAfter } from "./retry-after.js";
import type { ConditionalState, FetchedFeed, FetchOutcome } from "./types.js";

export const FEED_ACCEPT =
  "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8";
export const DEFAULT_MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchOptions {
  /** Deadline for the whole fetch: every connect, header and body of every redirect hop. */
  timeoutMs: number;
  /** Limit on the body, counted both as received and after decompression. */
  maxBytes: number;
  userAgent: string;
  maxRedirects?: number;
  /** Clock for reading Retry-After dates; the system clock when absent. */
  now?: () => Date;
}

/**
 * Fetches one feed. Resolves with the body (kind "ok") or "not-modified" on 304; rejects with a
 * NewswatchError whose code and `retryable` flag say what went wrong and whether retrying can help.
 */
export async function fetchFeed(
  url: string,
  conditional: ConditionalState,
  options: FetchOptions,
): Promise<FetchOutcome> {
  let start: URL;
  try {
    start = new URL(url);
  } catch (cause) {
    throw new NewswatchError("NW_FEED_HTTP", `${redactFeedUrl(url)}: not a valid URL`, { cause });
  }
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const request: RequestContext = {
    signal: deadline.signal,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
  };
  try {
    if (start.protocol === "file:") return await readFeedFile(start, request);
    if (start.protocol !== "http:" && start.protocol !== "https:") {
      throw new NewswatchError(
        "NW_FEED_HTTP",
        `${redactFeedUrl(start)}: unsupported scheme ${start.protocol} (use http, https or file)`,
      );
    }
    return await fetchOverHttp(start, conditional, options, request);
  } finally {
    clearTimeout(timer);
  }
}

/** The validators to keep for the next poll of this feed (tied to the URL that sent them). */
export function conditionalStateOf(outcome: FetchOutcome): ConditionalState {
  const state: ConditionalState = { url: outcome.finalUrl };
  if (outcome.etag !== undefined) state.etag = outcome.etag;
  if (outcome.lastModified !== undefined) state.lastModified = outcome.lastModified;
  return state;
}

/**
 * The one place an HTTP failure status becomes an error: gone (404/410) is final, rate limiting
 * (429/503) carries the Retry-After, other 5xx and 408 are worth retrying, other 4xx are not.
 */
export function classifyHttpFailure(
  url: string,
  status: number,
  statusText: string | undefined,
  retryAfterHeader: string | undefined,
  now: Date,
): NewswatchError {
  const what =
    `${redactFeedUrl(url)}: HTTP ${status} ${statusText || http.STATUS_CODES[status] || ""}`.trimEnd();
  if (status === 404 || status === 410) {
    return new NewswatchError("NW_FEED_GONE", what);
  }
  if (status === 429 || status === 503) {
    const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
    const hint = retryAfterMs === undefined ? "" : ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)`;
    return new NewswatchError("NW_FEED_RATE_LIMITED", what + hint, { retryable: true, retryAfterMs });
  }
  if (status === 408 || status >= 500) {
    return new NewswatchError("NW_FEED_HTTP", what, { retryable: true });
  }
  if (status === 401 || status === 403) {
    return new NewswatchError("NW_FEED_HTTP", `${what} (check the feed URL and its credentials)`);
  }
  return new NewswatchError("NW_FEED_HTTP", what);
}

const NETWORK_DESCRIPTIONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "DNS lookup failed temporarily",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed while sending",
  ECONNABORTED: "connection aborted",
};

const TLS_CODES = new Set([
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_REVOKED",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Sorts a socket-level failure: TLS problems are configuration problems, the rest is worth retrying. */
export function classifyNetworkFailure(url: string | URL, err: unknown): NewswatchError {
  const code = errorCode(err);
  const detail = describeError(err);
  const where = redactFeedUrl(url);
  if (
    code !== undefined &&
    (TLS_CODES.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"))
  ) {
    return new NewswatchError("NW_FEED_TLS", `${where}: TLS failure: ${detail} (${code})`, { cause: err });
  }
  if (code?.startsWith("HPE_")) {
    return new NewswatchError("NW_FEED_HTTP", `${where}: invalid HTTP response: ${detail} (${code})`, {
      cause: err,
    });
  }
  const description = (code && NETWORK_DESCRIPTIONS[code]) || `network error: ${detail}`;
  const suffix = code ? ` (${code})` : "";
  return new NewswatchError("NW_FEED_NETWORK", `${where}: ${description}${suffix}`, {
    retryable: true,
    cause: err,
  });
}

/** The URL as it may appear in messages and logs: any user name and password replaced by ***. */
export function redactFeedUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return String(url).replace(/\/\/[^@/]*@/, "//***@");
  }
  if (parsed.username || parsed.password) {
    parsed.username = "***";
    parsed.password = "";
  }
  return parsed.href;
}

interface RequestContext {
  signal: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
}

async function fetchOverHttp(
  start: URL,
  conditional: ConditionalState,
  options: FetchOptions,
  request: RequestContext,
): Promise<FetchOutcome> {
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const chain: URL[] = [start];
  let current = start;
  for (;;) {
    // Validators belong to the URL that issued them; without a recorded URL, to the feed's own URL.
    const hop = chain.length - 1;
    const sendValidators = conditional.url === undefined ? hop === 0 : conditional.url === current.href;
    const headers = requestHeaders(options.userAgent, sendValidators ? conditional : {});
    const response = await sendRequest(current, headers, request);
    const status = response.statusCode ?? 0;

    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      const next = redirectTarget(current, status, response.headers.location);
      if (chain.some((seen) => seen.href === next.href)) {
        const path = [...chain, next].map((u) => redactFeedUrl(u)).join(" → ");
        throw new NewswatchError("NW_FEED_REDIRECT_LOOP", `${redactFeedUrl(start)}: redirect loop: ${path}`);
      }
      if (chain.length > maxRedirects) {
        throw new NewswatchError(
          "NW_FEED_TOO_MANY_REDIRECTS",
          `${redactFeedUrl(start)}: more than ${maxRedirects} redirects (the last one to ${redactFeedUrl(next)})`,
        );
      }
      chain.push(next);
      current = next;
      continue;
    }

    if (status === 304) {
      response.destroy();
      return {
        kind: "not-modified",
        finalUrl: current.href,
        etag: headerValue(response.headers, "etag") ?? (sendValidators ? conditional.etag : undefined),
        lastModified:
          headerValue(response.headers, "last-modified") ??
          (sendValidators ? conditional.lastModified : undefined),
      };
    }

    if (status >= 200 && status < 300) {
      const body = await readBody(response, current, request);
      return {
        kind: "ok",
        finalUrl: current.href,
        status,
        body,
        contentType: headerValue(response.headers, "content-type"),
        etag: headerValue(response.headers, "etag"),
        lastModified: headerValue(response.headers, "last-modified"),
      };
    }

    response.destroy();
    const now = options.now ? options.now() : new Date();
    throw classifyHttpFailure(
      current.href,
      status,
      response.statusMessage,
      headerValue(response.headers, "retry-after"),
      now,
    );
  }
}

function requestHeaders(userAgent: string, validators: ConditionalState): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    "User-Agent": userAgent,
    Accept: FEED_ACCEPT,
    "Accept-Encoding": "gzip, deflate, br",
  };
  if (validators.etag) headers["If-None-Match"] = validators.etag;
  if (validators.lastModified) headers["If-Modified-Since"] = validators.lastModified;
  return headers;
}

function redirectTarget(current: URL, status: number, location: string | undefined): URL {
  const where = redactFeedUrl(current);
  if (!location) {
    throw new NewswatchError("NW_FEED_HTTP", `${where}: HTTP ${status} redirect without a Location header`);
  }
  let next: URL;
  try {
    next = new URL(location, current);
  } catch (cause) {
    throw new NewswatchError("NW_FEED_HTTP", `${where}: HTTP ${status} redirect to an invalid URL`, {
      cause,
    });
  }
  // Never let a remote server point us at a local file or another protocol.
  if (next.protocol !== "http:" && next.protocol !== "https:") {
    throw new NewswatchError(
      "NW_FEED_HTTP",
      `${where}: HTTP ${status} redirect to unsupported scheme ${next.protocol} refused`,
    );
  }
  return next;
}

function sendRequest(
  url: URL,
  headers: OutgoingHttpHeaders,
  request: RequestContext,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (request.signal.aborted) {
      reject(timeoutError(url, request.timeoutMs));
      return;
    }
    const transport = url.protocol === "https:" ? https : http;
    // agent: false — one connection per poll; feeds are polled minutes apart, pooling would only hold sockets.
    const req = transport.request(
      url,
      { method: "GET", headers, agent: false, signal: request.signal },
      resolve,
    );
    req.on("error", (err) => {
      reject(
        request.signal.aborted ? timeoutError(url, request.timeoutMs) : classifyNetworkFailure(url, err),
      );
    });
    req.end();
  });
}

type Encoding = "identity" | "gzip" | "deflate" | "br";

function contentEncoding(headers: IncomingHttpHeaders, url: URL): Encoding {
  const value = (headerValue(headers, "content-encoding") ?? "").trim().toLowerCase();
  switch (value) {
    case "":
    case "identity":
      return "identity";
    case "gzip":
    case "x-gzip":
      return "gzip";
    case "deflate":
      return "deflate";
    case "br":
      return "br";
    default:
      throw new NewswatchError(
        "NW_FEED_HTTP",
        `${redactFeedUrl(url)}: unsupported Content-Encoding "${value}"`,
      );
  }
}

/** A zlib stream starts with a CMF byte naming deflate (8) and a check that makes CMF·256+FLG divisible by 31. */
function hasZlibHeader(head: Buffer): boolean {
  const cmf = head[0];
  const flg = head[1];
  if (cmf === undefined || flg === undefined) return false;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

function createDecoder(encoding: Exclude<Encoding, "identity">, head: Buffer): Transform | "identity" {
  switch (encoding) {
    case "gzip":
      // Some servers label a plain body as gzip; without the gzip magic, take the bytes as they are.
      return head[0] === 0x1f && head[1] === 0x8b ? zlib.createGunzip() : "identity";
    case "deflate":
      // "deflate" should mean zlib-wrapped (RFC 9110), but many servers send raw deflate.
      return hasZlibHeader(head) ? zlib.createInflate() : zlib.createInflateRaw();
    case "br":
      return zlib.createBrotliDecompress();
  }
}

function readBody(response: IncomingMessage, url: URL, request: RequestContext): Promise<Buffer> {
  const { maxBytes, signal } = request;
  const declared = Number(headerValue(response.headers, "content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return Promise.reject(
      new NewswatchError(
        "NW_FEED_TOO_LARGE",
        `${redactFeedUrl(url)}: Content-Length ${declared} bytes exceeds the limit of ${maxBytes} bytes`,
      ),
    );
  }
  let encoding: Encoding;
  try {
    encoding = contentEncoding(response.headers, url);
  } catch (err) {
    response.destroy();
    return Promise.reject(err);
  }

  return new Promise<Buffer>((resolve, reject) => {
    const decoded: Buffer[] = [];
    let decodedBytes = 0;
    let wireBytes = 0;
    // Until the first two bytes are in we cannot tell gzip from a mislabelled body or zlib from raw deflate.
    let head: Buffer[] = [];
    let decoder: Transform | "identity" | undefined = encoding === "identity" ? "identity" : undefined;
    let settled = false;

    const finish = (err: NewswatchError | undefined) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err) {
        if (decoder !== undefined && decoder !== "identity") decoder.destroy();
        response.destroy();
        reject(err);
      } else {
        resolve(Buffer.concat(decoded, decodedBytes));
      }
    };
    const onAbort = () => finish(timeoutError(url, request.timeoutMs));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener("abort", onAbort, { once: true });

    const tooLarge = (what: string) =>
      new NewswatchError(
        "NW_FEED_TOO_LARGE",
        `${redactFeedUrl(url)}: body exceeds the limit of ${maxBytes} bytes ${what} (download aborted)`,
      );
    const collect = (chunk: Buffer) => {
      if (settled) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) finish(tooLarge(`once decompressed (${encoding})`));
      else decoded.push(chunk);
    };
    const feed = (chunk: Buffer) => {
      if (decoder === "identity") {
        collect(chunk);
      } else if (decoder !== undefined && !decoder.write(chunk)) {
        response.pause();
        decoder.once("drain", () => response.resume());
      }
    };
    const chooseDecoder = () => {
      const first = Buffer.concat(head);
      head = [];
      decoder = encoding === "identity" ? "identity" : createDecoder(encoding, first);
      if (decoder !== "identity") {
        decoder.on("data", collect);
        decoder.on("end", () => finish(undefined));
        decoder.on("error", (err) =>
          finish(
            new NewswatchError(
              "NW_FEED_HTTP",
              `${redactFeedUrl(url)}: could not decode the ${encoding} body`,
              {
                cause: err,
              },
            ),
          ),
        );
      }
      feed(first);
    };

    response.on("data", (chunk: Buffer) => {
      if (settled) return;
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) {
        finish(tooLarge("as received"));
        return;
      }
      if (decoder !== undefined) {
        feed(chunk);
        return;
      }
      head.push(chunk);
      if (wireBytes >= 2) chooseDecoder();
    });
    response.on("end", () => {
      if (settled) return;
      if (decoder === undefined) {
        if (wireBytes === 0) {
          finish(undefined);
          return;
        }
        chooseDecoder();
      }
      if (decoder === "identity") finish(undefined);
      else decoder?.end();
    });
    response.on("error", (err) => {
      finish(signal.aborted ? timeoutError(url, request.timeoutMs) : classifyNetworkFailure(url, err));
    });
    response.on("close", () => {
      if (!response.complete) {
        finish(
          new NewswatchError(
            "NW_FEED_NETWORK",
            `${redactFeedUrl(url)}: connection closed before the body was complete`,
            {
              retryable: true,
            },
          ),
        );
      }
    });
  });
}

function readFeedFile(url: URL, request: RequestContext): Promise<FetchedFeed> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (cause) {
    return Promise.reject(
      new NewswatchError("NW_FEED_GONE", `${redactFeedUrl(url)}: not a local file path`, { cause }),
    );
  }
  return new Promise<FetchedFeed>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const stream = createReadStream(path);
    const finish = (err: NewswatchError | undefined) => {
      if (settled) return;
      settled = true;
      request.signal.removeEventListener("abort", onAbort);
      if (err) {
        stream.destroy();
        reject(err);
        return;
      }
      // Returned as stored: a gzip-compressed file is recognised by its magic bytes when decoded.
      resolve({
        kind: "ok",
        finalUrl: url.href,
        status: 200,
        body: Buffer.concat(chunks, bytes),
        contentType: undefined,
        etag: undefined,
        lastModified: undefined,
      });
    };
    const onAbort = () => finish(timeoutError(url, request.timeoutMs));
    request.signal.addEventListener("abort", onAbort, { once: true });
    stream.on("data", (chunk) => {
      const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      bytes += buffer.length;
      if (bytes > request.maxBytes) {
        finish(
          new NewswatchError(
            "NW_FEED_TOO_LARGE",
            `${url.href}: file ${path} exceeds the limit of ${request.maxBytes} bytes`,
          ),
        );
      } else {
        chunks.push(buffer);
      }
    });
    stream.on("end", () => finish(undefined));
    stream.on("error", (err) => finish(fileError(url, path, err)));
  });
}

function fileError(url: URL, path: string, err: unknown): NewswatchError {
  switch (errorCode(err)) {
    case "ENOENT":
    case "ENOTDIR":
      return new NewswatchError("NW_FEED_GONE", `${url.href}: no such file ${path}`, { cause: err });
    case "EISDIR":
      return new NewswatchError("NW_FEED_GONE", `${url.href}: ${path} is a directory, not a feed file`, {
        cause: err,
      });
    case "EACCES":
    case "EPERM":
      return new NewswatchError("NW_FEED_GONE", `${url.href}: permission denied reading ${path}`, {
        cause: err,
      });
    default:
      return new NewswatchError(
        "NW_FEED_NETWORK",
        `${url.href}: could not read ${path}: ${describeError(err)}`,
        {
          retryable: true,
          cause: err,
        },
      );
  }
}

function timeoutError(url: URL, timeoutMs: number): NewswatchError {
  const limit = timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 100) / 10} s`;
  return new NewswatchError(
    "NW_FEED_TIMEOUT",
    `${redactFeedUrl(url)}: no complete response within ${limit}`,
    {
      retryable: true,
    },
  );
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) return value[0];
  return value;
}

function errorCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "string")
    return err.code;
  return undefined;
}

function describeError(err: unknown): string {
  if (err instanceof AggregateError && !err.message) {
    return err.errors.map((inner) => describeError(inner)).join("; ");
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
