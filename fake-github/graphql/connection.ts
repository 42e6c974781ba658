import { z } from "zod";
import type { GqlObject } from "./context.js";

/** Relay connections with `first`/`last`/`after`/`before` over an in-memory list. */

export const PageArgs = z.looseObject({
  first: z.number().int().min(0).max(100).nullish(),
  last: z.number().int().min(0).max(100).nullish(),
  after: z.string().nullish(),
  before: z.string().nullish(),
});

const cursorOf = (index: number): string => Buffer.from(`cursor:${index}`).toString("base64");
const indexOf = (cursor: string): number =>
  Number(Buffer.from(cursor, "base64").toString().replace("cursor:", ""));

export function connection<T>(
  items: readonly T[],
  rawArgs: unknown,
  toNode: (item: T) => GqlObject,
): GqlObject {
  const args = PageArgs.parse(rawArgs ?? {});
  let start = args.after == null ? 0 : indexOf(args.after) + 1;
  let end = args.before == null ? items.length : indexOf(args.before);
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end).map((item, offset) => ({ item, cursor: cursorOf(start + offset) }));
  const nodes = slice.map(({ item }) => toNode(item));
  return {
    totalCount: items.length,
    nodes,
    edges: slice.map(({ cursor }, index) => ({ cursor, node: nodes[index] })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice[0]?.cursor ?? null,
      endCursor: slice.at(-1)?.cursor ?? null,
    },
  };
}
