import { z } from "zod";
import { BadInput } from "./core/errors.js";
import { registrySecretsFromEnv, type RegistrySource } from "./intake/index.js";

const Numbers = z.object({
  STAGECOACH_COALESCE_MS: z.coerce.number().int().min(0).max(60_000).default(150),
  STAGECOACH_INDEX_TTL_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(10 * 60 * 1000),
});

export interface Settings {
  /** How long a burst of image events for one branch is gathered before the first commit. */
  readonly coalesceMs: number;
  /** How long the config-repository index is trusted without a refresh. */
  readonly indexTtlMs: number;
  /** One secret per non-GitHub registry source; a source without one is refused. */
  readonly registrySecrets: Partial<Record<RegistrySource, string>>;
}

/** Stagecoach's own settings from the environment (Probot reads APP_ID, PRIVATE_KEY, WEBHOOK_SECRET…). */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Settings {
  const parsed = Numbers.safeParse({
    STAGECOACH_COALESCE_MS: env["STAGECOACH_COALESCE_MS"] === "" ? undefined : env["STAGECOACH_COALESCE_MS"],
    STAGECOACH_INDEX_TTL_MS:
      env["STAGECOACH_INDEX_TTL_MS"] === "" ? undefined : env["STAGECOACH_INDEX_TTL_MS"],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BadInput(`${String(issue?.path[0] ?? "setting")} ${issue?.message ?? "is invalid"}`, {
      cause: parsed.error,
    });
  }
  return {
    coalesceMs: parsed.data.STAGECOACH_COALESCE_MS,
    indexTtlMs: parsed.data.STAGECOACH_INDEX_TTL_MS,
    registrySecrets: registrySecretsFromEnv(env),
  };
}
