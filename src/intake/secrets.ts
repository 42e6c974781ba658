import { z } from "zod";
import { BadInput } from "../core/errors.js";
import { RegistrySource } from "./event.js";

/**
 * Each registry source has its own secret, so a leaked Docker Hub URL token opens nothing else.
 * `STAGECOACH_REGISTRY_SECRET_<SOURCE>` (e.g. `STAGECOACH_REGISTRY_SECRET_DOCKERHUB`); a source without one
 * refuses every request. An empty variable counts as unset.
 */
export const REGISTRY_SECRET_PREFIX = "STAGECOACH_REGISTRY_SECRET_";

export const RegistrySecret = z
  .string()
  .min(16, "must be at least 16 characters")
  .max(1024, "must be at most 1024 characters")
  // Secrets travel in headers and URLs: printable ASCII only, no spaces.
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");
export type RegistrySecret = z.infer<typeof RegistrySecret>;

export function registrySecretVariable(source: RegistrySource): string {
  return `${REGISTRY_SECRET_PREFIX}${source.toUpperCase()}`;
}

/** Reads the registry secrets at startup; throws `BadInput` naming the variable that is unfit. */
export function registrySecretsFromEnv(env: NodeJS.ProcessEnv): Partial<Record<RegistrySource, string>> {
  const secrets: Partial<Record<RegistrySource, string>> = {};
  for (const source of RegistrySource.options) {
    const variable = registrySecretVariable(source);
    const value = env[variable];
    if (value === undefined || value === "") continue;
    const parsed = RegistrySecret.safeParse(value);
    if (!parsed.success) {
      const problem = parsed.error.issues.map((issue) => issue.message).join(", ");
      throw new BadInput(`${variable} ${problem}`, { cause: parsed.error });
    }
    secrets[source] = parsed.data;
  }
  return secrets;
}
