import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { parseMatchesOptions } from "../cli/matches-command.js";
import type { TopicSpec } from "../config/types.js";
import { errorMessage, isNewswatchError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Queues } from "../queue/queues.js";
import type { MatchFilter, MatchRow } from "../store/types.js";
import { isAuthorised, needsToken } from "./auth.js";
import type { FeedHealthRow } from "./feed-health.js";
import type { NewswatchMetrics } from "./metrics.js";

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; rejects (or overruns the timeout) when it does not. */
  check(): Promise<unknown>;
}

export interface ServerDeps {
  logger: Logger;
  /** Required on `/api` and `/queues` when set. */
  token?: string;
  metrics: NewswatchMetrics;
  readiness: ReadinessCheck[];
  readinessTimeoutMs?: number;
  /** The topics in force (they change on a live reload). */
  topics(): { topics: TopicSpec[]; aliases: Record<string, string[]> };
  feeds(): Promise<FeedHealthRow[]>;
  listMatches(filter: MatchFilter): Promise<MatchRow[]>;
  /** The queues shown on the dashboard at `/queues`; no dashboard without them. */
  queues?: Queues;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

type MatchesQuery = { topic?: string; since?: string; until?: string; limit?: string; offset?: string };

function parseOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d+$/.test(value)) throw new Error(`offset must be a whole number ≥ 0, not "${value}"`);
  return Number(value);
}

/** The `next` link of a page: the same filters, the following offset. */
function nextLink(query: MatchesQuery, limit: number, offset: number): string {
  const params = new URLSearchParams();
  for (const key of ["topic", "since", "until"] as const) {
    const value = query[key];
    if (value !== undefined) params.set(key, value);
  }
  params.set("limit", String(limit));
  params.set("offset", String(offset + limit));
  return `/api/matches?${params.toString()}`;
}

/** The HTTP server, built but not listening: tests call `inject`, the service calls `listen`. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: "http" }) as FastifyBaseLogger,
    // One log line per request would drown the job logs (Prometheus alone scrapes every few seconds).
    logController: new LogController({ disableRequestLogging: true }),
  });
  const timeoutMs = deps.readinessTimeoutMs ?? 2000;

  if (deps.token !== undefined) {
    const token = deps.token;
    app.addHook("onRequest", async (request, reply) => {
      // The matched route, not only the raw URL: "/%61pi/topics" is routed to /api/topics too.
      const path = request.routeOptions.url ?? "";
      const raw = request.url.split("?")[0] ?? "";
      if ((!needsToken(path) && !needsToken(raw)) || isAuthorised(request.headers.authorization, token))
        return;
      // Browsers prompt for Basic credentials (the token as password) on the dashboard; API clients send a bearer.
      reply.header(
        "www-authenticate",
        path.startsWith("/queues") || raw.startsWith("/queues")
          ? 'Basic realm="newswatch", charset="UTF-8"'
          : 'Bearer realm="newswatch"',
      );
      return reply
        .code(401)
        .send({ error: "unauthorised", message: "send Authorization: Bearer <server.token>" });
    });
  }

  app.get("/healthz", async () => ({ status: "ok" }));

  app.get("/readyz", async (_request, reply) => {
    const results = await Promise.all(
      deps.readiness.map(async (r) => {
        try {
          await withTimeout(r.check(), timeoutMs);
          return [r.name, "ok"] as const;
        } catch (err) {
          return [r.name, errorMessage(err)] as const;
        }
      }),
    );
    const failing = results.filter(([, outcome]) => outcome !== "ok").map(([name]) => name);
    const checks = Object.fromEntries(results);
    if (failing.length > 0) return reply.code(503).send({ status: "unavailable", failing, checks });
    return { status: "ready", checks };
  });

  app.get("/metrics", async (_request, reply) => {
    const body = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(body);
  });

  app.get("/api/topics", async () => {
    const { topics, aliases } = deps.topics();
    return {
      topics: topics.map((t) => ({
        id: t.id,
        name: t.name,
        query: t.query,
        alert: t.alert,
        minScore: t.minScore,
      })),
      aliases,
    };
  });

  app.get("/api/feeds", async () => ({ feeds: await deps.feeds() }));

  app.get<{ Querystring: MatchesQuery }>("/api/matches", async (request, reply) => {
    const query = request.query;
    let filter: MatchFilter;
    let offset: number;
    try {
      filter = parseMatchesOptions({
        topic: query.topic,
        since: query.since,
        until: query.until,
        limit: query.limit ?? String(DEFAULT_PAGE_SIZE),
      }).filter;
      offset = parseOffset(query.offset);
    } catch (err) {
      return reply.code(400).send({ error: "bad request", message: errorMessage(err).replaceAll("--", "") });
    }
    const limit = Math.min(filter.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    // One row more than the page tells whether a next page exists.
    const rows = await deps.listMatches({ ...filter, limit: limit + 1, offset });
    const page = rows.slice(0, limit);
    return {
      matches: page,
      limit,
      offset,
      next: rows.length > limit ? nextLink(query, limit, offset) : null,
    };
  });

  if (deps.queues) {
    const board = new FastifyAdapter();
    createBullBoard({
      queues: [deps.queues.feeds, deps.queues.articles, deps.queues.digests].map((q) => new BullMQAdapter(q)),
      serverAdapter: board,
    });
    board.setBasePath("/queues");
    await app.register(board.registerPlugin(), { prefix: "/queues" });
  }

  app.setErrorHandler((err, request, reply) => {
    request.log.error({ err, url: request.url }, "request failed");
    const status =
      isNewswatchError(err) && err.code === "NW_STORE_UNREACHABLE"
        ? 503
        : ((err as { statusCode?: number }).statusCode ?? 500);
    return reply
      .code(status)
      .send({ error: status >= 500 ? "internal error" : "bad request", message: errorMessage(err) });
  });
  return app;
}
