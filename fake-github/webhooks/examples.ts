import { readFileSync } from "node:fs";
import { packageFile } from "../package-file.js";
import { z } from "zod";

/** GitHub's own example webhook payloads (`@octokit/webhooks-examples`), loaded once when needed. */

const Definitions = z.array(
  z.object({ name: z.string(), examples: z.array(z.record(z.string(), z.unknown())) }),
);

let definitions: z.infer<typeof Definitions> | undefined;

function load(): z.infer<typeof Definitions> {
  if (definitions === undefined) {
    const file = packageFile("@octokit/webhooks-examples", "api.github.com/index.json");
    definitions = Definitions.parse(JSON.parse(readFileSync(file, "utf8")));
  }
  return definitions;
}

/** A deep copy of GitHub's example for `event` (and `action`), optionally the first matching `where`. */
export function webhookExample(
  event: string,
  action?: string,
  where: (example: Record<string, unknown>) => boolean = () => true,
): Record<string, unknown> | undefined {
  const examples = load().find((definition) => definition.name === event)?.examples ?? [];
  const found = examples.find(
    (example) => (action === undefined || example["action"] === action) && where(example),
  );
  return found === undefined ? undefined : structuredClone(found);
}
