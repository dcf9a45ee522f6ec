import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { hasBearerToken, isAuthorised, isLoopbackHost, needsToken } from "../../../src/server/auth.js";
import { assertProtectedBinding } from "../../../src/server/start-server.js";

describe("hasBearerToken", () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ["accepts the exact token", "Bearer s3cret", true],
    ["accepts any case of the scheme", "bearer s3cret", true],
    ["refuses a missing header", undefined, false],
    ["refuses another token", "Bearer s3cre", false],
    ["refuses a longer token", "Bearer s3cret-and-more", false],
    ["refuses the token without the scheme", "s3cret", false],
    ["refuses Basic credentials", "Basic s3cret", false],
    ["refuses an empty bearer", "Bearer ", false],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => expect(hasBearerToken(header, "s3cret")).toBe(expected));
  }
});

describe("needsToken", () => {
  it("protects the API and the dashboard, not health, readiness or metrics", () => {
    for (const p of ["/api", "/api/matches", "/queues", "/queues/api/queues", "/queues/static/app.js"])
      expect(needsToken(p), p).toBe(true);
    for (const p of ["/healthz", "/readyz", "/metrics", "/apix", "/queuesx"])
      expect(needsToken(p), p).toBe(false);
  });
});

describe("binding", () => {
  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "192.168.1.10", "newswatch.example.org"])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it("refuses a public address without a token and allows it with one", () => {
    expect(() => assertProtectedBinding({ host: "0.0.0.0" })).toThrow(NewswatchError);
    expect(() => assertProtectedBinding({ host: "::" })).toThrow(/server\.token/);
    expect(() => assertProtectedBinding({ host: "0.0.0.0", token: "t" })).not.toThrow();
    expect(() => assertProtectedBinding({ host: "127.0.0.1" })).not.toThrow();
  });
});

describe("isAuthorised", () => {
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString("base64")}`;
  it("accepts a bearer token or Basic credentials whose password is the token", () => {
    expect(isAuthorised("Bearer s3cret", "s3cret")).toBe(true);
    expect(isAuthorised(basic("admin:s3cret"), "s3cret")).toBe(true);
    expect(isAuthorised(basic(":s3cret"), "s3cret")).toBe(true);
  });

  it("refuses other Basic credentials", () => {
    expect(isAuthorised(basic("admin:wrong"), "s3cret")).toBe(false);
    expect(isAuthorised(basic("s3cret"), "s3cret")).toBe(false);
    expect(isAuthorised(basic("s3cret:admin"), "s3cret")).toBe(false);
    expect(isAuthorised(undefined, "s3cret")).toBe(false);
  });
});
