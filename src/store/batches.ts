/** Rows per multi-row statement: well below both engines' bound-parameter limits. */
export const rowsPerStatement = 200;

/** Ids per `IN (…)` list. */
export const idsPerQuery = 500;

export function* inBatches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
