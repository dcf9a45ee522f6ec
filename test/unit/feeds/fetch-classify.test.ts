import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../../src/errors.js";
import {
  classifyHttpFailure,
  classifyNetworkFailure,
  conditionalStateOf,
  redactFeedUrl,
} from "../../../src/feeds/fetch.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const URL_ = "https://news.example.org/rss";

describe("classifyHttpFailure", () => {
  const cases: Array<[status: number, code: ErrorCode, retryable: boolean]> = [
    [404, "NW_FEED_GONE", false],
    [410, "NW_FEED_GONE", false],
    [429, "NW_FEED_RATE_LIMITED", true],
    [503, "NW_FEED_RATE_LIMITED", true],
    [500, "NW_FEED_HTTP", true],
    [502, "NW_FEED_HTTP", true],
    [504, "NW_FEED_HTTP", true],
    [408, "NW_FEED_HTTP", true],
    [400, "NW_FEED_HTTP", false],
    [401, "NW_FEED_HTTP", false],
    [403, "NW_FEED_HTTP", false],
    [451, "NW_FEED_HTTP", false],
  ];
  for (const [status, code, retryable] of cases) {
    it(`sorts HTTP ${status} as ${code}${retryable ? ", retryable" : ""}`, () => {
      const err = classifyHttpFailure(URL_, status, undefined, undefined, NOW);
      expect(err.code).toBe(code);
      expect(err.retryable).toBe(retryable);
      expect(err.message).toContain(URL_);
      expect(err.message).toContain(`HTTP ${status}`);
    });
  }

  it("names the status text and the wait the remote asked for", () => {
    const err = classifyHttpFailure(URL_, 503, "Service Unavailable", "120", NOW);
    expect(err.message).toBe(`${URL_}: HTTP 503 Service Unavailable (retry after 120 s)`);
    expect(err.retryAfterMs).toBe(120_000);
  });

  it("reads a Retry-After date against the given clock", () => {
    const err = classifyHttpFailure(URL_, 429, "", "Sun, 01 Mar 2026 12:05:00 GMT", NOW);
    expect(err.retryAfterMs).toBe(300_000);
    expect(err.message).toContain("Too Many Requests");
  });

  it("leaves retryAfterMs undefined without a header", () => {
    const err = classifyHttpFailure(URL_, 429, undefined, undefined, NOW);
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.message).not.toContain("retry after");
  });

  it("never shows credentials from the URL", () => {
    const err = classifyHttpFailure(
      "https://alice:s3cret@news.example.org/rss",
      500,
      undefined,
      undefined,
      NOW,
    );
    expect(err.message).not.toContain("s3cret");
    expect(err.message).not.toContain("alice");
    expect(err.message).toContain("news.example.org/rss");
  });
});

describe("classifyNetworkFailure", () => {
  const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

  const cases: Array<[code: string, expected: ErrorCode, retryable: boolean, says: string]> = [
    ["ECONNREFUSED", "NW_FEED_NETWORK", true, "connection refused"],
    ["ECONNRESET", "NW_FEED_NETWORK", true, "connection reset"],
    ["ENOTFOUND", "NW_FEED_NETWORK", true, "host not found"],
    ["EAI_AGAIN", "NW_FEED_NETWORK", true, "DNS"],
    ["CERT_HAS_EXPIRED", "NW_FEED_TLS", false, "certificate has expired"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "NW_FEED_TLS", false, "self-signed"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "NW_FEED_TLS", false, "altnames"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "NW_FEED_TLS", false, "wrong version"],
    ["HPE_INVALID_CONSTANT", "NW_FEED_HTTP", false, "invalid HTTP response"],
  ];
  const messages: Record<string, string> = {
    CERT_HAS_EXPIRED: "certificate has expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
    ERR_TLS_CERT_ALTNAME_INVALID: "Host: x. is not in the cert's altnames",
    ERR_SSL_WRONG_VERSION_NUMBER: "wrong version number",
  };
  for (const [code, expected, retryable, says] of cases) {
    it(`sorts ${code} as ${expected}`, () => {
      const err = classifyNetworkFailure(URL_, failure(code, messages[code] ?? `connect ${code}`));
      expect(err.code).toBe(expected);
      expect(err.retryable).toBe(retryable);
      expect(err.message).toContain(URL_);
      expect(err.message).toContain(says);
      expect(err.cause).toBeInstanceOf(Error);
    });
  }

  it("treats an unknown socket failure as a retryable network error", () => {
    const err = classifyNetworkFailure(URL_, new Error("socket hang up"));
    expect(err.code).toBe("NW_FEED_NETWORK");
    expect(err.retryable).toBe(true);
    expect(err.message).toBe(`${URL_}: network error: socket hang up`);
  });
});

describe("redactFeedUrl", () => {
  it("hides user and password", () => {
    expect(redactFeedUrl("https://bob:hunter2@feeds.example.org/a?x=1")).toBe(
      "https://***@feeds.example.org/a?x=1",
    );
  });
  it("hides a token passed as user name", () => {
    expect(redactFeedUrl("https://tok3n@feeds.example.org/a")).not.toContain("tok3n");
  });
  it("leaves a URL without credentials alone", () => {
    expect(redactFeedUrl("https://feeds.example.org/a")).toBe("https://feeds.example.org/a");
  });
  it("hides credentials even in a string that is not a valid URL", () => {
    expect(redactFeedUrl("http://u:p@exa mple")).not.toContain("u:p");
  });
});

describe("conditionalStateOf", () => {
  it("keeps the validators with the URL that sent them", () => {
    expect(
      conditionalStateOf({
        kind: "not-modified",
        finalUrl: "https://b/rss",
        etag: '"e1"',
        lastModified: undefined,
      }),
    ).toEqual({ url: "https://b/rss", etag: '"e1"' });
  });
});
