import { randomUUID } from "node:crypto";

/** Numeric ids and GraphQL node ids. One counter for every kind keeps ids unique and deterministic. */
export class Ids {
  #next: number;

  constructor(start = 1000) {
    this.#next = start;
  }

  next(): number {
    return this.#next++;
  }
}

/** A node id that names its kind, e.g. `PR_…`; `parseNodeId` reverses it. */
export function nodeId(prefix: string, key: string | number): string {
  return `${prefix}_${Buffer.from(String(key)).toString("base64url")}`;
}

export function parseNodeId(id: string): { prefix: string; key: string } | undefined {
  const match = /^([A-Za-z]+)_([A-Za-z0-9_-]+)$/.exec(id);
  if (match === null) return undefined;
  const [, prefix, encoded] = match;
  if (prefix === undefined || encoded === undefined) return undefined;
  return { prefix, key: Buffer.from(encoded, "base64url").toString() };
}

export function guid(): string {
  return randomUUID();
}
