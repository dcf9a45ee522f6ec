import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { parseStoreUrl } from "../../../src/store/store-url.js";

describe("parseStoreUrl", () => {
  it("resolves a relative SQLite path against the working directory", () => {
    expect(parseStoreUrl("sqlite:./data/newswatch.db", "/srv/nw")).toEqual({
      engine: "sqlite",
      file: "/srv/nw/data/newswatch.db",
    });
  });

  it("keeps an absolute SQLite path and the in-memory database", () => {
    expect(parseStoreUrl("sqlite:/var/lib/nw.db", "/srv")).toEqual({
      engine: "sqlite",
      file: "/var/lib/nw.db",
    });
    expect(parseStoreUrl("sqlite::memory:", "/srv")).toEqual({ engine: "sqlite", file: ":memory:" });
  });

  it("takes the PostgreSQL schema out of the URL and names the server without credentials", () => {
    const location = parseStoreUrl(
      "postgresql://nw:secret@db.internal:6543/news?schema=nw_prod&sslmode=require",
      "/",
    );
    expect(location).toEqual({
      engine: "postgres",
      connectionString: "postgresql://nw:secret@db.internal:6543/news?sslmode=require",
      displayName: "db.internal:6543/news",
      host: "db.internal",
      port: 6543,
      schema: "nw_prod",
    });
  });

  it("uses port 5432 and the schema option when the URL has none", () => {
    const location = parseStoreUrl("postgres://db/news", "/", "nw_test");
    expect(location).toMatchObject({ port: 5432, schema: "nw_test", displayName: "db:5432/news" });
  });

  it.each([
    ["mysql://db/news", "expected sqlite:PATH"],
    ["sqlite:", "a file path is missing"],
    ["postgres://db/news?schema=Bad-Name", "lower-case letters"],
  ])("refuses %j", (url, problem) => {
    expect(() => parseStoreUrl(url, "/")).toThrow(NewswatchError);
    expect(() => parseStoreUrl(url, "/")).toThrow(problem);
  });

  it("does not echo a password in its refusal", () => {
    expect(() => parseStoreUrl("postgres://nw:secret@db/news?schema=Bad", "/")).not.toThrow(/secret/);
  });
});
