import { type ForeignKeyConstraintBuilder, type Kysely, sql } from "kysely";
import type { StoreEngine } from "./types.js";

// Forward-only schema migrations. Append new versions; never edit one that has shipped.
// Migrations see an untyped Kysely because they describe the tables as they were at that version.

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, engine: StoreEngine): Promise<void>;
}

// Ids sort byte-wise in both engines (PostgreSQL's default collation would order them by locale),
// so ties in listings come out in the same order whichever engine stores them.
function idType(engine: StoreEngine) {
  return engine === "postgres" ? sql`text collate "C"` : sql`text`;
}

function timestampType(engine: StoreEngine): "timestamptz" | "text" {
  return engine === "postgres" ? "timestamptz" : "text";
}

// A chunk inserts an article before its story row (it learns which articles are new first), so the
// reference is checked at commit.
const storyReference = (fk: ForeignKeyConstraintBuilder) =>
  fk.onDelete("cascade").deferrable().initiallyDeferred();

const initialSchema: Migration = {
  version: 1,
  name: "feeds, articles, stories, sources, matches, deliveries, tombstones",
  async up(untyped, engine) {
    // biome-ignore lint/suspicious/noExplicitAny: migrations describe tables the current types may not know
    const db = untyped as Kysely<any>;
    const ts = timestampType(engine);
    const id = idType(engine);

    await db.schema
      .createTable("feeds")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("tags", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("last_success_at", ts)
      .addColumn("last_status", "integer")
      .addColumn("last_error_at", ts)
      .addColumn("last_error", "text")
      .addColumn("failures_in_row", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("next_poll_at", ts)
      .addColumn("items_seen_total", "integer", (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable("stories")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("headline_article_id", id, (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("published", ts, (c) => c.notNull())
      .addColumn("first_seen", ts, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("stories_first_seen").on("stories").column("first_seen").execute();

    await db.schema
      .createTable("articles")
      .addColumn("id", id, (c) => c.primaryKey())
      .addColumn("canonical_url", "text", (c) => c.unique())
      .addColumn("feed_id", id, (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("guid", "text", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addColumn("summary", "text", (c) => c.notNull())
      .addColumn("published", ts, (c) => c.notNull())
      .addColumn("updated", ts)
      .addColumn("first_seen", ts, (c) => c.notNull())
      .addColumn("author", "text")
      .addColumn("language", "text")
      .addColumn("content_hash", "text", (c) => c.notNull())
      .addColumn("story_id", id, (c) => c.notNull())
      .addForeignKeyConstraint("articles_story_fk", ["story_id"], "stories", ["id"], storyReference)
      .execute();
    await db.schema.createIndex("articles_first_seen").on("articles").column("first_seen").execute();
    await db.schema.createIndex("articles_story").on("articles").column("story_id").execute();

    await db.schema
      .createTable("story_sources")
      .addColumn("story_id", id, (c) => c.notNull())
      .addColumn("article_id", id, (c) => c.notNull().unique())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("published", ts, (c) => c.notNull())
      .addForeignKeyConstraint("story_sources_story_fk", ["story_id"], "stories", ["id"], storyReference)
      .execute();
    await db.schema
      .createIndex("story_sources_story")
      .on("story_sources")
      .columns(["story_id", "published", "article_id"])
      .execute();

    await db.schema
      .createTable("matches")
      .addColumn("topic_id", id, (c) => c.notNull())
      .addColumn("story_id", id, (c) => c.notNull())
      .addColumn("article_id", id, (c) => c.notNull())
      .addColumn("score", "double precision", (c) => c.notNull())
      .addColumn("matched", "text", (c) => c.notNull())
      .addColumn("snippet", "text", (c) => c.notNull())
      .addColumn("first_seen", ts, (c) => c.notNull())
      .addPrimaryKeyConstraint("matches_pk", ["topic_id", "story_id"])
      .addForeignKeyConstraint("matches_story_fk", ["story_id"], "stories", ["id"], storyReference)
      .execute();
    await db.schema
      .createIndex("matches_topic_time")
      .on("matches")
      .columns(["topic_id", "first_seen", "story_id"])
      .execute();
    await db.schema
      .createIndex("matches_time")
      .on("matches")
      .columns(["first_seen", "topic_id", "story_id"])
      .execute();
    await db.schema.createIndex("matches_story").on("matches").column("story_id").execute();

    // Deliveries are kept when retention prunes stories: they reference stories by id only.
    await db.schema
      .createTable("deliveries")
      .addColumn("id", engine === "postgres" ? "serial" : "integer", (c) =>
        engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_error", "text")
      .addColumn("created_at", ts, (c) => c.notNull())
      .addColumn("sent_at", ts)
      .addUniqueConstraint("deliveries_run_channel", ["delivery_id", "channel"])
      .execute();
    await db.schema
      .createIndex("deliveries_digest_time")
      .on("deliveries")
      .columns(["digest", "created_at"])
      .execute();

    await db.schema
      .createTable("delivery_items")
      .addColumn("delivery_id", "text", (c) => c.notNull())
      .addColumn("digest", "text", (c) => c.notNull())
      .addColumn("topic_id", id, (c) => c.notNull())
      .addColumn("story_id", id, (c) => c.notNull())
      .addUniqueConstraint("delivery_items_once", ["digest", "topic_id", "story_id"])
      .execute();
    await db.schema.createIndex("delivery_items_run").on("delivery_items").column("delivery_id").execute();

    await db.schema
      .createTable("tombstones")
      .addColumn("article_id", id, (c) => c.primaryKey())
      .addColumn("removed_at", ts, (c) => c.notNull())
      .execute();
  },
};

/** Every migration, in order; the last one's version is the schema version this code knows. */
export const migrations: readonly Migration[] = [initialSchema];

export const knownSchemaVersion: number = migrations[migrations.length - 1]?.version ?? 0;
