/**
 * Intake: every way an "image published" event arrives, normalised into one zod-checked `ImagePublished`.
 * GitHub webhooks are parsed by `parseGitHubPackageEvent` / `parseRepositoryDispatch` (the Probot wiring
 * passes payload and delivery id); other registries post to `createRegistryHandler`'s endpoint.
 */
export { ImagePublished, RegistrySource, Source, type IntakeResult } from "./event.js";
export { signatureOf, SIGNATURE_HEADER, type AuthForm } from "./auth.js";
export {
  createRegistryHandler,
  MAX_BODY_BYTES,
  REGISTRY_PATH,
  type IntakeLog,
  type RegistryHandler,
  type RegistryHandlerDeps,
} from "./registry-handler.js";
export { registrySecretsFromEnv, registrySecretVariable } from "./secrets.js";
export { parseGitHubPackageEvent } from "./sources/github-package.js";
export { IMAGE_PUBLISHED_EVENT_TYPE, parseRepositoryDispatch } from "./sources/repository-dispatch.js";
export { registryIntakes } from "./sources/index.js";
