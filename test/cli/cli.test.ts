import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/run.js";

const EXAMPLE = fileURLToPath(new URL("../../examples/config-repo", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "stagecoach-cli-"));
  await cp(EXAMPLE, dir, { recursive: true });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: dir,
  });
  return { code, stdout, stderr };
}

describe("stagecoach validate", () => {
  it("accepts the example repository and summarises it", async () => {
    const result = await run("validate");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("valid: 3 environment(s) (dev -> test, test -> prod); 3 app(s)");
  });

  it("prints one file:line:col problem per line and exits 1", async () => {
    await writeFile(
      join(dir, ".github/stagecoach.yml"),
      "environments:\n  dev:\n    path: envs/dev\n    promtion: auto\n  test:\n    path: envs/tset\n    from: dve\n",
    );
    const result = await run("validate", "--dir", dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      '.github/stagecoach.yml:4:5 unknown key "promtion" (did you mean "promotion"?) in environments.dev\n',
    );
  });

  it("reports environment folders that do not exist", async () => {
    await writeFile(
      join(dir, ".github/stagecoach.yml"),
      "environments:\n  dev:\n    path: envs/dev\n  qa:\n    path: envs/qa\n    from: dev\n",
    );
    const result = await run("validate");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      ".github/stagecoach.yml:5:11 environments.qa.path: folder envs/qa does not exist in this repository\n",
    );
  });

  it("warns about files in environment folders that Stagecoach will leave alone", async () => {
    await writeFile(join(dir, "envs/dev/broken.yaml"), "a: [1\n");
    const result = await run("validate");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^envs\/dev\/broken\.yaml:\d+:\d+ warning: does not parse as YAML/);
  });

  it("says so when there is no config", async () => {
    await rm(join(dir, ".github"), { recursive: true });
    const result = await run("validate");
    expect(result).toMatchObject({ code: 1, stderr: `stagecoach: no .github/stagecoach.yml in ${dir}\n` });
  });
});

describe("stagecoach bump", () => {
  it("prints a unified diff of exactly the tag characters, with paths relative to the repository", async () => {
    const result = await run("bump", "ghcr.io/acme/api:1.4.0", "--env", "dev");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("--- a/envs/dev/kustomization.yaml\n+++ b/envs/dev/kustomization.yaml\n");
    expect(result.stdout).toContain('-    newTag: "1.3.0"\n+    newTag: "1.4.0"\n');
    expect(result.stdout).toContain(
      "-          image: 'ghcr.io/acme/api:1.3.0'\n+          image: 'ghcr.io/acme/api:1.4.0'\n",
    );
    expect(result.stdout.match(/^[-+][^-+]/gm)).toHaveLength(4);
    expect(await readFile(join(dir, "envs/dev/kustomization.yaml"), "utf8")).toContain('newTag: "1.3.0"');
  });

  it("writes the edit with --write and touches no other environment", async () => {
    const before = await readFile(join(dir, "envs/test/kustomization.yaml"), "utf8");
    const result = await run("bump", "ghcr.io/acme/api:1.4.0", "--env", "dev", "--write");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/wrote 2 file\(s\)/);
    expect(await readFile(join(dir, "envs/dev/kustomization.yaml"), "utf8")).toContain('newTag: "1.4.0"');
    expect(await readFile(join(dir, "envs/test/kustomization.yaml"), "utf8")).toBe(before);
  });

  it.each([
    {
      behaviour: "already there",
      reference: "ghcr.io/acme/api:1.3.0",
      output: "nothing to change in dev: dev already runs 1.3.0\n",
    },
    {
      behaviour: "not an upgrade",
      reference: "ghcr.io/acme/api:1.2.0",
      output: "nothing to change in dev: 1.2.0 is older than the deployed 1.3.0\n",
    },
    {
      behaviour: "outside the policy",
      reference: "ghcr.io/acme/api:2.0.0",
      output: "nothing to change in dev: 2.0.0 is outside ^1.0.0\n",
    },
  ])(
    "explains when nothing changes because the version is $behaviour, and exits 0",
    async ({ reference, output }) => {
      const result = await run("bump", reference, "--env", "dev");
      expect(result).toMatchObject({ code: 0, stdout: output });
    },
  );

  it.each([
    {
      behaviour: "an unknown environment",
      argv: ["ghcr.io/acme/api:1.4.0", "--env", "stage"],
      message: 'unknown environment "stage" (environments: dev, test, prod)',
    },
    {
      behaviour: "a malformed reference",
      argv: ["ghcr.io/Acme/api:1.4.0!", "--env", "dev"],
      message: "invalid image reference",
    },
    {
      behaviour: "a reference without a tag",
      argv: ["ghcr.io/acme/api", "--env", "dev"],
      message: "has no tag",
    },
    {
      behaviour: "an image no app declares",
      argv: ["ghcr.io/acme/other:1.0.0", "--env", "dev"],
      message: "no app in .github/stagecoach.yml has image ghcr.io/acme/other",
    },
    { behaviour: "a missing --env", argv: ["ghcr.io/acme/api:1.4.0"], message: "--env is required" },
    {
      behaviour: "an unknown option",
      argv: ["ghcr.io/acme/api:1.4.0", "--env", "dev", "--force"],
      message: "Unknown option '--force'",
    },
  ])("exits 1 with a clear message on $behaviour", async ({ argv, message }) => {
    const result = await run("bump", ...argv);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
  });

  it("reports an invalid config with file and line", async () => {
    await writeFile(
      join(dir, ".github/stagecoach.yml"),
      "environments:\n  dev:\n    path: envs/dev\napps:\n  api:\n    image: ghcr.io/acme/api\n    tags: { semver: nope }\n",
    );
    const result = await run("bump", "ghcr.io/acme/api:1.4.0", "--env", "dev");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      ".github/stagecoach.yml:7:21 apps.api.tags.semver must be a semver range such as ^1.0.0 or >=2.3 <3\n",
    );
  });
});

describe("stagecoach --help", () => {
  it.each([["--help"], ["validate", "--help"], ["bump", "--help"]])(
    "prints usage for %j and exits 0",
    async (...argv) => {
      const result = await run(...argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: stagecoach/);
    },
  );

  it("rejects an unknown command", async () => {
    const result = await run("deploy");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown command "deploy"/);
  });

  it("runs as a program and sets its exit code", async () => {
    const exec = promisify(execFile);
    const failure = await exec(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "bump", "nope:", "--env", "dev", "--dir", dir],
      { cwd: ROOT },
    ).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("invalid image reference") as unknown,
    });
  });
});
