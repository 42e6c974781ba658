import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse.js";
import { changedVersions, planPromotion } from "../../src/core/promotion.js";
import { yaml } from "../helpers/text.js";

const CONFIG = parseConfig(yaml`
  environments:
    dev: { path: envs/dev }
    test: { path: envs/test, from: dev, promotion: auto }
  apps:
    api: { image: ghcr.io/acme/api }
    web: { image: ghcr.io/acme/web, digest: pin }
  promote:
    include: ["**/*.yaml"]
    exclude: ["**/replicas.yaml"]
`);

const DIGEST = `sha256:${"d".repeat(64)}`;
const deployment = (env: string, tag: string, replicas = 2): string =>
  `kind: Deployment\nmetadata: {name: api}\nspec:\n  replicas: ${replicas} # ${env}\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:${tag}\n`;
const settings = (level: string, extra = ""): string =>
  `kind: ConfigMap\nmetadata: {name: settings}\ndata:\n  LOG_LEVEL: ${level}${extra}\n`;

function files(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

describe("changedVersions", () => {
  it("names the apps whose version or digest changed in the source folder", () => {
    const before = files({
      "envs/dev/api.yaml": deployment("dev", "1.3.0"),
      "envs/dev/web.yaml": "image: ghcr.io/acme/web:2.0.0\n",
    });
    const after = files({
      "envs/dev/api.yaml": deployment("dev", "1.4.0"),
      "envs/dev/web.yaml": `image: ghcr.io/acme/web:2.0.0@${DIGEST}\n`,
    });
    expect(changedVersions(CONFIG, "dev", before, after)).toEqual([
      { app: "api", tag: "1.4.0" },
      { app: "web", tag: "2.0.0", digest: DIGEST },
    ]);
  });
});

describe("planPromotion", () => {
  const before = files({
    "envs/dev/api.yaml": deployment("dev", "1.3.0"),
    "envs/dev/settings.yaml": settings("info"),
  });
  const after = files({
    "envs/dev/api.yaml": deployment("dev", "1.4.0", 3),
    "envs/dev/settings.yaml": settings("debug"),
  });
  const target = files({
    "envs/test/api.yaml": deployment("test", "1.2.0", 5),
    "envs/test/settings.yaml": settings("info"),
  });

  it("carries the image as intent and replays the other changes, leaving what differs per environment", () => {
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before,
      after,
      targetFiles: target,
      replay: true,
    });
    expect(plan.intents).toEqual([{ app: "api", tag: "1.4.0" }]);
    expect(plan.previous.get("api")).toBe("1.2.0");
    expect(plan.files.map((file) => [file.path, file.after])).toEqual([
      ["envs/test/api.yaml", deployment("test", "1.4.0", 5)],
      ["envs/test/settings.yaml", settings("debug")],
    ]);
    // replicas differ per environment (5 in test, 2 before in dev): a divergence, reported, not guessed.
    expect(plan.diverged).toEqual([
      {
        path: "envs/test/api.yaml",
        problems: [
          {
            path: "spec.replicas",
            line: 4,
            message: "test has replicas: 5 where dev had 2 before the change; left alone",
          },
        ],
      },
    ]);
  });

  it("carries only images when asked to, for an app-only promotion", () => {
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before: new Map(),
      after: new Map(),
      targetFiles: target,
      replay: false,
      intents: [{ app: "api", tag: "1.4.0" }],
    });
    expect(plan.files.map((file) => file.path)).toEqual(["envs/test/api.yaml"]);
    expect(plan.diverged).toEqual([]);
  });

  it("honours promote.exclude and creates and deletes files", () => {
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before: files({ "envs/dev/replicas.yaml": "replicas: 1\n", "envs/dev/old.yaml": "a: 1\n" }),
      after: files({ "envs/dev/replicas.yaml": "replicas: 2\n", "envs/dev/new.yaml": "b: 2\n" }),
      targetFiles: files({ "envs/test/replicas.yaml": "replicas: 1\n", "envs/test/old.yaml": "a: 1\n" }),
      replay: true,
    });
    expect(plan.files.map((file) => [file.path, file.after])).toEqual([
      ["envs/test/new.yaml", "b: 2\n"],
      ["envs/test/old.yaml", null],
    ]);
  });

  it("does not move a held app and says why", () => {
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before,
      after,
      targetFiles: target,
      replay: false,
      held: new Map([["api", "held by rollback #7"]]),
    });
    expect(plan.files).toEqual([]);
    expect(plan.notApplied).toEqual([{ app: "api", reason: "held by rollback #7" }]);
  });

  it("never downgrades a target that is ahead", () => {
    const ahead = files({ "envs/test/api.yaml": deployment("test", "1.5.0") });
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before,
      after,
      targetFiles: ahead,
      replay: false,
    });
    expect(plan.files).toEqual([]);
    expect(plan.notApplied).toEqual([{ app: "api", reason: "1.4.0 is older than the deployed 1.5.0" }]);
  });

  it("carries the exact digest the source pinned", () => {
    const plan = planPromotion({
      config: CONFIG,
      source: "dev",
      target: "test",
      before: files({ "envs/dev/web.yaml": "image: ghcr.io/acme/web:2.0.0\n" }),
      after: files({ "envs/dev/web.yaml": `image: ghcr.io/acme/web:2.1.0@${DIGEST}\n` }),
      targetFiles: files({ "envs/test/web.yaml": "image: ghcr.io/acme/web:2.0.0 # test\n" }),
      replay: true,
    });
    expect(plan.files.map((file) => file.after)).toEqual([
      `image: ghcr.io/acme/web:2.1.0@${DIGEST} # test\n`,
    ]);
  });

  it("copies a non-YAML file only when the target is what the source was", () => {
    const plan = planPromotion({
      config: parseConfig(yaml`
        environments:
          dev: { path: envs/dev }
          test: { path: envs/test, from: dev }
        promote: { include: ["**"] }
      `),
      source: "dev",
      target: "test",
      before: files({ "envs/dev/a.txt": "one\n", "envs/dev/b.txt": "x\n" }),
      after: files({ "envs/dev/a.txt": "two\n", "envs/dev/b.txt": "y\n" }),
      targetFiles: files({ "envs/test/a.txt": "one\n", "envs/test/b.txt": "test's own\n" }),
      replay: true,
    });
    expect(plan.files.map((file) => [file.path, file.after])).toEqual([["envs/test/a.txt", "two\n"]]);
    expect(plan.diverged.map((entry) => entry.path)).toEqual(["envs/test/b.txt"]);
  });
});
