import { describe, expect, it } from "vitest";
import { NewswatchError } from "../../../src/errors.js";
import { connectionFailureCode, translatePostgresError } from "../../../src/store/postgres.js";
import { parseStoreUrl } from "../../../src/store/store-url.js";

const location = parseStoreUrl("postgres://nw:secret@db.internal:5433/news", "/");
if (location.engine !== "postgres") throw new Error("expected a PostgreSQL location");

function errorWithCode(code: string, message = "boom"): Error {
  return Object.assign(new Error(message), { code });
}

describe("connectionFailureCode", () => {
  it.each([
    [errorWithCode("ECONNREFUSED"), "ECONNREFUSED"],
    [errorWithCode("57P01", "terminating connection due to administrator command"), "57P01"],
    [errorWithCode("08006"), "08006"],
    [new AggregateError([errorWithCode("ECONNREFUSED"), errorWithCode("ECONNREFUSED")]), "ECONNREFUSED"],
    [new Error("Connection terminated unexpectedly"), "connection lost"],
    [new Error("timeout exceeded when trying to connect"), "connection lost"],
  ])("sees an outage in %s", (err, code) => {
    expect(connectionFailureCode(err)).toBe(code);
  });

  it.each([
    [errorWithCode("23505", "duplicate key value violates unique constraint")],
    [errorWithCode("42P01", 'relation "matches" does not exist')],
    [new Error("syntax error")],
    ["a string"],
    [null],
  ])("does not mistake %s for an outage", (err) => {
    expect(connectionFailureCode(err)).toBeUndefined();
  });
});

describe("translatePostgresError", () => {
  it("turns an outage into a retryable NW_STORE_UNREACHABLE naming host and port only", () => {
    const cause = errorWithCode("ECONNRESET");
    const translated = translatePostgresError(location, cause) as NewswatchError;
    expect(translated).toBeInstanceOf(NewswatchError);
    expect(translated.code).toBe("NW_STORE_UNREACHABLE");
    expect(translated.retryable).toBe(true);
    expect(translated.cause).toBe(cause);
    expect(translated.message).toContain("db.internal:5433");
    expect(translated.message).not.toContain("secret");
  });

  it("passes other errors through untouched", () => {
    const err = errorWithCode("23505");
    expect(translatePostgresError(location, err)).toBe(err);
  });
});
