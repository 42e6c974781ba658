import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchemaText } from "../../src/config/json-schema.js";
import { parseConfig } from "../../src/config/parse.js";
import { ConfigError, formatProblem } from "../../src/core/errors.js";

const VALID = `environments:
  dev:
    path: envs/dev
    autoMerge: true
  test:
    path: envs/test
    from: dev
    promotion: auto
    approvals: { required: 1 }
  prod:
    path: envs/prod
    from: test
    promotion: manual
    approvals:
      required: 2
      from: ["@acme/sre", "alice"]
    soak: 2h
    freeze:
      - { days: [fri, sat, sun], from: "16:00", to: "23:59", timezone: Europe/Berlin }
apps:
  api:
    image: ghcr.io/acme/api
    tags: { semver: "^1.0.0" }
  web:
    image: ghcr.io/acme/web
    tags: { pattern: '^main-(?<build>\\d+)-[0-9a-f]{7}$', order: numerical, by: build }
    digest: pin
promote:
  include: ["**/*.yaml", "**/*.yml"]
  exclude: ["**/secrets/**", "**/replicas.yml"]
commands:
  promote: { allow: ["@acme/release-managers"] }
`;

function problems(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

const ENVS = `environments:
  dev:
    path: envs/dev
`;

describe("parseConfig", () => {
  it("accepts the configuration from the design brief and applies defaults", () => {
    const config = parseConfig(VALID);
    expect(Object.keys(config.environments)).toEqual(["dev", "test", "prod"]);
    expect(config.environments["prod"]?.approvals).toEqual({
      required: 2,
      from: ["@acme/sre", "alice"],
      allowStale: false,
    });
    expect(config.environments["prod"]?.freeze?.[0]).toMatchObject({
      days: ["fri", "sat", "sun"],
      timezone: "Europe/Berlin",
    });
    expect(config.apps["api"]?.tags).toEqual({ semver: "^1.0.0", prerelease: false });
    expect(config.apps["web"]?.digest).toBe("pin");
    expect(config.environments["dev"]?.autoMerge).toBe(true);
    expect(config.environments["test"]?.autoMerge).toBe(false);
  });

  it("defaults promote to YAML files and commands to none", () => {
    const config = parseConfig(ENVS);
    expect(config.promote).toEqual({ include: ["**/*.yaml", "**/*.yml"], exclude: [] });
    expect(config.apps).toEqual({});
    expect(config.commands).toEqual({});
  });

  it.each([
    {
      behaviour: "a typo in a key is an error that names the key, suggests the fix and points at the key",
      text: `${ENVS}    promtion: auto\n`,
      expected: [
        `.github/stagecoach.yml:4:5 unknown key "promtion" (did you mean "promotion"?) in environments.dev`,
      ],
    },
    {
      behaviour: "an unknown top-level key is an error",
      text: `${ENVS}aps: {}\n`,
      expected: [`.github/stagecoach.yml:4:1 unknown key "aps" (did you mean "apps"?)`],
    },
    {
      behaviour: "a wrong type names what was expected and what was found",
      text: `${ENVS}    autoMerge: "yes"\n`,
      expected: [
        `.github/stagecoach.yml:4:16 environments.dev.autoMerge must be a boolean, not a string ("yes")`,
      ],
    },
    {
      behaviour: "a missing required key points at the entry that lacks it",
      text: `environments:\n  dev:\n    from: x\n`,
      expected: [`.github/stagecoach.yml:2:3 environments.dev.path is required`],
    },
    {
      behaviour: "an enum value suggests the closest allowed value",
      text: `${ENVS}  test:\n    path: envs/test\n    from: dev\n    promotion: manul\n`,
      expected: [
        `.github/stagecoach.yml:7:16 environments.test.promotion must be one of "auto", "manual" (did you mean "manual"?)`,
      ],
    },
    {
      behaviour: "from naming an unknown environment suggests the known one",
      text: `${ENVS}  test:\n    path: envs/test\n    from: dve\n`,
      expected: [
        `.github/stagecoach.yml:6:11 environments.test.from names unknown environment "dve" (did you mean "dev"?)`,
      ],
    },
    {
      behaviour: "a cycle in from is reported on every environment in it",
      text: `environments:\n  a:\n    path: envs/a\n  b:\n    path: envs/b\n    from: c\n  c:\n    path: envs/c\n    from: b\n`,
      expected: [
        ".github/stagecoach.yml:6:11 environments.b.from is part of a promotion cycle: c -> b -> c",
        ".github/stagecoach.yml:9:11 environments.c.from is part of a promotion cycle: c -> b -> c",
      ],
    },
    {
      behaviour: "an environment folder inside another is an overlap",
      text: `${ENVS}  test:\n    path: envs/dev/test\n`,
      expected: [
        `.github/stagecoach.yml:5:11 environments.test.path overlaps the folder of environment "dev" (envs/dev); environment folders must not contain each other`,
      ],
    },
    {
      behaviour: "two environments on the same folder overlap even when spelled differently",
      text: `${ENVS}  test:\n    path: envs/dev/\n`,
      expected: [
        `.github/stagecoach.yml:5:11 environments.test.path overlaps the folder of environment "dev" (envs/dev); environment folders must not contain each other`,
      ],
    },
    {
      behaviour: "an absolute path is refused",
      text: `environments:\n  dev:\n    path: /envs/dev\n`,
      expected: [
        `.github/stagecoach.yml:3:11 environments.dev.path must be relative to the repository root, not absolute`,
      ],
    },
    {
      behaviour: "a path that escapes the repository is refused",
      text: `environments:\n  dev:\n    path: envs/../../etc\n`,
      expected: [`.github/stagecoach.yml:3:11 environments.dev.path must not leave the repository ('..')`],
    },
    {
      behaviour: "an invalid semver range is refused",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { semver: "^1.x.y.z" }\n`,
      expected: [
        `.github/stagecoach.yml:7:21 apps.api.tags.semver must be a semver range such as ^1.0.0 or >=2.3 <3`,
      ],
    },
    {
      behaviour: "a regex that does not compile is refused with the engine's reason",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { pattern: "^(main-" }\n`,
      expected: [
        `.github/stagecoach.yml:7:22 apps.api.tags.pattern is not a valid regular expression (RE2 syntax: no lookaround or backreferences): missing closing ): \`^(main-\``,
      ],
    },
    {
      behaviour: "a regex with lookahead (not RE2) is refused",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { pattern: "^(?=v)v\\\\d+$" }\n`,
      expected: [
        ".github/stagecoach.yml:7:22 apps.api.tags.pattern is not a valid regular expression (RE2 syntax: no lookaround or backreferences): invalid or unsupported Perl syntax: `(?=`",
      ],
    },
    {
      behaviour: "a catastrophic-backtracking regex is refused",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { pattern: "^(\\\\d+)+$" }\n`,
      expected: [
        `.github/stagecoach.yml:7:22 apps.api.tags.pattern nests quantifiers (like (a+)+), which backtracks catastrophically; simplify it`,
      ],
    },
    {
      behaviour: "ordering by a capture group the pattern lacks is refused",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { pattern: "^b-(?<build>\\\\d+)$", by: bild }\n`,
      expected: [
        `.github/stagecoach.yml:7:48 apps.api.tags.by names capture group "bild", which the pattern does not have (it has: build)`,
      ],
    },
    {
      behaviour: "an image with a tag is refused: the config names images, versions come from events",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api:1.0\n`,
      expected: [`.github/stagecoach.yml:6:12 apps.api.image name the image without a tag or digest`],
    },
    {
      behaviour: "mixing semver and pattern keys reports the key that does not belong",
      text: `${ENVS}apps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { semver: "^1", order: numerical }\n`,
      expected: [`.github/stagecoach.yml:7:27 unknown key "order" in apps.api.tags`],
    },
    {
      behaviour: "a malformed duration is refused",
      text: `${ENVS}  test:\n    path: envs/test\n    from: dev\n    soak: 2 hours\n`,
      expected: [
        `.github/stagecoach.yml:7:11 environments.test.soak must be a duration like 30m, 2h, 1d or 1h30m`,
      ],
    },
    {
      behaviour: "an unknown time zone is refused",
      text: `${ENVS}    freeze:\n      - { days: [fri], from: "16:00", to: "23:00", timezone: Mars/Olympus }\n`,
      expected: [
        `.github/stagecoach.yml:5:62 environments.dev.freeze.0.timezone must be an IANA time zone such as Europe/Berlin or UTC`,
      ],
    },
    {
      behaviour: "requiring more approvals than listed users can give is refused",
      text: `${ENVS}    approvals: { required: 2, from: [alice] }\n`,
      expected: [
        `.github/stagecoach.yml:4:28 environments.dev.approvals.required needs 2 approvals but only 1 user is listed in approvals.from`,
      ],
    },
    {
      behaviour: "promotion without from is refused as having no effect",
      text: `${ENVS}    promotion: auto\n`,
      expected: [
        ".github/stagecoach.yml:4:16 environments.dev.promotion has no effect without `from` (nothing is promoted into a first environment)",
      ],
    },
    {
      behaviour: "environment names that cannot be part of a branch name are refused",
      text: `environments:\n  Dev Env:\n    path: envs/dev\n`,
      expected: [
        `.github/stagecoach.yml:2:3 "Dev Env" must be lowercase letters, digits, '.', '_' or '-' (it becomes part of branch names)`,
      ],
    },
    {
      behaviour: "YAML syntax errors carry their line",
      text: `environments:\n  dev:\n    path: [envs/dev\n`,
      expected: [expect.stringMatching(/^\.github\/stagecoach\.yml:\d+:\d+ YAML: /) as unknown as string],
    },
    {
      behaviour: "duplicate keys are an error rather than last-one-wins",
      text: `environments:\n  dev:\n    path: envs/dev\n    path: envs/other\n`,
      expected: [
        expect.stringMatching(
          /^\.github\/stagecoach\.yml:4:5 YAML: Map keys must be unique/,
        ) as unknown as string,
      ],
    },
    {
      behaviour: "an empty file says what it needs",
      text: "# nothing yet\n",
      expected: [".github/stagecoach.yml:1:1 is empty; it needs at least `environments`"],
    },
  ])("$behaviour", ({ text, expected }) => {
    expect(problems(text)).toEqual(expected);
  });

  it("reports every schema problem of a file at once, in line order", () => {
    const text = `environments:\n  dev:\n    path: envs/dev\n    autoMerge: 1\n    colour: blue\napps:\n  api:\n    image: "Not An Image!"\n`;
    expect(problems(text)).toHaveLength(3);
    expect(problems(text).map((line) => line.split(" ")[0])).toEqual([
      ".github/stagecoach.yml:4:16",
      ".github/stagecoach.yml:5:5",
      ".github/stagecoach.yml:8:12",
    ]);
  });

  it("limits aliases so an alias bomb cannot exhaust memory", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "environments: {dev: {path: envs/dev}}",
    ].join("\n");
    expect(problems(bomb)[0]).toMatch(/^\.github\/stagecoach\.yml:1:1 YAML: .*[Aa]lias/);
  });

  it("names the file it was given", () => {
    expect(() => parseConfig("environments: 3\n", "org/.github/stagecoach.yml")).toThrow(
      "org/.github/stagecoach.yml:1:15 environments must be a record, not a number (3)",
    );
  });
});

describe("the committed JSON Schema", () => {
  it("is what the zod schema generates (run `npm run schema` after changing the config)", () => {
    const committed = readFileSync(new URL("../../schema/stagecoach.schema.json", import.meta.url), "utf8");
    expect(committed).toBe(configJsonSchemaText());
  });

  it("describes the contract keys editors complete", () => {
    const schema = JSON.parse(configJsonSchemaText()) as {
      properties: {
        environments: { additionalProperties: { properties: Record<string, unknown> } };
        apps: { additionalProperties: { properties: Record<string, unknown> } };
      };
    };
    expect(Object.keys(schema.properties.environments.additionalProperties.properties)).toEqual(
      expect.arrayContaining(["path", "from", "promotion", "approvals", "autoMerge", "soak", "freeze"]),
    );
    expect(Object.keys(schema.properties.apps.additionalProperties.properties)).toEqual([
      "image",
      "tags",
      "digest",
    ]);
  });
});

describe("freeze windows in the config", () => {
  it.each([
    { end: "2026-12-19", message: "end is not after start" },
    { end: "2026-02-30", message: 'end "2026-02-30" is not a real date or time' },
  ])("refuses a dated window whose $message", ({ end, message }) => {
    expect(problems(`${ENVS}    freeze:\n      - { start: "2026-12-20", end: "${end}" }\n`)).toEqual([
      `.github/stagecoach.yml:5:9 environments.dev.freeze.0 ${message}`,
    ]);
  });

  it("accepts a window that ends later on the day it starts", () => {
    expect(
      problems(
        `${ENVS}    freeze:\n      - { start: "2026-12-20T18:00", end: "2026-12-20", timezone: Europe/Berlin }\n`,
      ),
    ).toEqual([]);
  });
});
