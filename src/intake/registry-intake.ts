import type { AuthForm } from "./auth.js";
import type { IntakeResult, RegistrySource } from "./event.js";

/**
 * The fixed contract of a registry source on `POST /stagecoach/registry/<source>`: which credential
 * forms that registry can actually send, and how its JSON body becomes events.
 */
export interface RegistryIntake {
  readonly source: RegistrySource;
  /** Accepted credential forms, each compared with this source's own secret. Anything else is 401. */
  readonly auth: readonly AuthForm[];
  /** Parses the JSON body; throws `BadInput` naming the field for a malformed one. */
  readonly parse: (body: unknown) => IntakeResult;
}
