import type { Article } from "../feeds/types.js";
import type { MatchInput, TopicMatch } from "../match/types.js";
import type { SavedEntry, StoredEntry } from "../store/types.js";

// Glue of the process stage: dedup → match → store, for one chunk of articles. Idempotent: the story
// index recognises articles it has seen, and the store inserts (topic, story) matches only once, so a
// retried chunk changes nothing.

export type AssignmentKind = "new" | "same-article" | "near-duplicate";

export interface StoryDecision {
  articleId: string;
  storyId: string;
  isNewStory: boolean;
  kind: AssignmentKind;
}

export interface ProcessPorts {
  assignStories(articles: Article[]): Promise<StoryDecision[]>;
  matchArticle(input: MatchInput): TopicMatch[];
  saveChunk(entries: StoredEntry[]): Promise<SavedEntry[]>;
}

export interface ChunkResult {
  articles: number;
  newArticles: number;
  updatedArticles: number;
  newStories: number;
  duplicates: { sameArticle: number; nearDuplicate: number };
  /** (topic, story) matches created by this chunk. */
  newMatches: Array<{
    topicId: string;
    storyId: string;
    articleId: string;
    score: number;
    title: string;
    source: string;
    url: string;
  }>;
}

export function toMatchInput(article: Article): MatchInput {
  return {
    id: article.id,
    title: article.title,
    text: article.text,
    url: article.url,
    source: article.source,
    published: article.published,
  };
}

export async function processChunk(articles: Article[], ports: ProcessPorts): Promise<ChunkResult> {
  const decisions = await ports.assignStories(articles);
  const byId = new Map(decisions.map((d) => [d.articleId, d]));
  const entries: StoredEntry[] = [];
  const duplicates = { sameArticle: 0, nearDuplicate: 0 };
  let newStories = 0;
  for (const article of articles) {
    const decision = byId.get(article.id) ?? {
      articleId: article.id,
      storyId: article.id,
      isNewStory: true,
      kind: "new" as const,
    };
    if (decision.kind === "same-article") duplicates.sameArticle++;
    if (decision.kind === "near-duplicate") duplicates.nearDuplicate++;
    if (decision.isNewStory) newStories++;
    // Every article is matched, even one the story index already knew: after a crash between the index and
    // the store, the retried chunk sees "same-article" for articles the store never got. The store ignores
    // the matches of articles it already holds, so a known article never yields a second match.
    const matches = ports.matchArticle(toMatchInput(article));
    entries.push({ article, story: { id: decision.storyId, isNew: decision.isNewStory }, matches });
  }
  const saved = await ports.saveChunk(entries);
  const result: ChunkResult = {
    articles: articles.length,
    newArticles: 0,
    updatedArticles: 0,
    newStories,
    duplicates,
    newMatches: [],
  };
  const articleById = new Map(articles.map((a) => [a.id, a]));
  for (const s of saved) {
    if (s.articleIsNew) result.newArticles++;
    else result.updatedArticles++;
    const article = articleById.get(s.articleId);
    for (const m of s.newMatches) {
      result.newMatches.push({
        topicId: m.topicId,
        storyId: s.storyId,
        articleId: s.articleId,
        score: m.score,
        title: article?.title ?? "",
        source: article?.source ?? "",
        url: article?.url ?? "",
      });
    }
  }
  return result;
}
