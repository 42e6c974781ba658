import { z } from "zod";

/**
 * The machine-readable block hidden in every Stagecoach PR body. Any replica, after any restart,
 * rebuilds what it needs from it: which environment and app versions a PR carries, where they came from,
 * who asked. Parsing ignores unknown fields, so a newer replica's PRs stay readable by an older one.
 */

const Version = z.object({
  app: z.string(),
  image: z.string(),
  tag: z.string(),
  digest: z.string().optional(),
  /** The version the environment ran before, when known. */
  from: z.string().optional(),
});

const Source = z.object({
  /** How the version was announced: ghcr, dispatch, dockerhub, …, or a promotion. */
  event: z.string(),
  repo: z.string().optional(),
  sha: z.string().optional(),
  url: z.string().optional(),
});

/** One step of a change's journey: the PR that carried it into an environment. */
const Step = z.object({
  env: z.string(),
  number: z.number().int(),
  mergedAt: z.string().optional(),
  mergedBy: z.string().optional(),
  mergeSha: z.string().optional(),
});

export const PrMetadata = z.object({
  v: z.literal(1),
  kind: z.enum(["bump", "promotion", "rollback"]),
  env: z.string(),
  versions: z.array(Version),
  source: Source.optional(),
  /** Earlier PRs this change passed through, oldest first. */
  chain: z.array(Step).default([]),
  /** Who asked for it with a command; their approval does not count. */
  requestedBy: z.string().optional(),
  /** Versions this PR carried before it was updated to the current one. */
  superseded: z.array(z.string()).default([]),
  /** Paths of non-image changes this PR replays. */
  files: z.array(z.string()).default([]),
});

export type PrMetadata = z.output<typeof PrMetadata>;
export type PrVersion = z.output<typeof Version>;

const MARKER = "stagecoach:meta";
const BLOCK = /<!--\s*stagecoach:meta\s+(\{[\s\S]*?\})\s*-->/g;

/** The hidden block. `<`, `>` and `&` are escaped inside the JSON so it can never close the comment. */
export function renderMetadata(metadata: PrMetadata): string {
  const json = JSON.stringify(metadata).replace(
    /[<>&]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `<!-- ${MARKER} ${json} -->`;
}

/** The last valid metadata block in a PR body, or undefined (not a Stagecoach PR, or edited beyond use). */
export function parseMetadata(body: string | null | undefined): PrMetadata | undefined {
  if (body === null || body === undefined) return undefined;
  const blocks = [...body.matchAll(BLOCK)];
  for (const block of blocks.reverse()) {
    try {
      const parsed = PrMetadata.safeParse(JSON.parse(block[1] ?? ""));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: keep looking at earlier blocks
    }
  }
  return undefined;
}
