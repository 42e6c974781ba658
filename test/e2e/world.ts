import { afterEach } from "vitest";
import { startWorld, type World, type WorldOptions } from "../../harness/world.js";

/** Helpers the end-to-end suites share: one world per test, and the config repo's usual files. */

/** A Deployment running `ghcr.io/acme/api:<tag>`, with an optional comment after the image. */
export const apiDeployment = (tag: string, comment = ""): string =>
  `kind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:${tag}${comment}\n`;

/**
 * dev (auto-merge) → test (auto) → prod (manual) and the api app: the chain the promotion and command
 * suites share. Each appends its own apps and sections (`apps:` comes last, so more apps can follow).
 */
export const CHAIN_CONFIG = `environments:
  dev:
    path: envs/dev
    autoMerge: true
  test:
    path: envs/test
    from: dev
    promotion: auto
  prod:
    path: envs/prod
    from: test
    promotion: manual
apps:
  api:
    image: ghcr.io/acme/api
    tags: { semver: "^1.0.0" }
`;

/** Who may `/promote` in the shared chain. */
export const PROMOTE_ALLOW = `commands:
  promote: { allow: ["@acme/release-managers", "@acme/sre"] }
`;

export const DIGEST = (character: string): string => `sha256:${character.repeat(64)}`;

/**
 * One world per test: `start` begins it (with `files()` unless the options say otherwise), `current`
 * returns it, and it is closed after each test.
 */
export function worldPerTest(files: () => Readonly<Record<string, string>>): {
  start: (options?: WorldOptions) => Promise<World>;
  current: () => World;
} {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  return {
    start: async (options = {}) => {
      world = await startWorld({ files: files(), ...options });
      return world;
    },
    current: () => {
      if (world === undefined) throw new Error("no world");
      return world;
    },
  };
}
