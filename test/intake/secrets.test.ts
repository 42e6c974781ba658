import { describe, expect, it } from "vitest";
import { BadInput } from "../../src/core/errors.js";
import { registrySecretsFromEnv } from "../../src/intake/secrets.js";

const LONG = "0123456789abcdef-long-enough";

describe("registry secrets from the environment", () => {
  it("reads one secret per source and ignores unset and empty variables", () => {
    expect(
      registrySecretsFromEnv({
        STAGECOACH_REGISTRY_SECRET_DOCKERHUB: LONG,
        STAGECOACH_REGISTRY_SECRET_GENERIC: `${LONG}-generic`,
        STAGECOACH_REGISTRY_SECRET_QUAY: "",
        STAGECOACH_REGISTRY_SECRET_GHCR: LONG,
      }),
    ).toEqual({ dockerhub: LONG, generic: `${LONG}-generic` });
  });

  it.each([
    ["shorter than 16 characters", "short", "at least 16 characters"],
    ["with a space", "0123456789 abcdef", "printable ASCII"],
    ["with a newline", "0123456789abcdef\n", "printable ASCII"],
  ])("refuses to start with a secret %s, naming the variable", (_case, value, problem) => {
    const env = { STAGECOACH_REGISTRY_SECRET_HARBOR: value };
    expect(() => registrySecretsFromEnv(env)).toThrow(BadInput);
    expect(() => registrySecretsFromEnv(env)).toThrow(`STAGECOACH_REGISTRY_SECRET_HARBOR must be ${problem}`);
  });

  it("never puts the secret itself in the error", () => {
    let message = "";
    try {
      registrySecretsFromEnv({ STAGECOACH_REGISTRY_SECRET_ACR: "tiny-secret" });
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain("STAGECOACH_REGISTRY_SECRET_ACR");
    expect(message).not.toContain("tiny-secret");
  });
});
