import { rename, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { createTwoFilesPatch } from "diff";
import { CONFIG_PATH, configPosition, parseConfig } from "../config/parse.js";
import type { Config } from "../config/schema.js";
import { environmentFolder, planBump, type BumpPlan } from "../core/bump.js";
import { BadInput, ConfigError, formatProblem, type ConfigProblem } from "../core/errors.js";
import { imageName, normaliseImageName, parseImageRef } from "../core/image-ref.js";
import { parseYaml } from "../core/yaml/source.js";
import { localSnapshot } from "../repo/local.js";
import { readFolder, type RepoSnapshot } from "../repo/snapshot.js";

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
}

const USAGE = `Usage: stagecoach <command> [options]

Commands:
  validate   Check .github/stagecoach.yml and the environment folders
  bump       Show (or write) the edit Stagecoach would make for a published image

Run "stagecoach <command> --help" for a command's options.
`;

const VALIDATE_USAGE = `Usage: stagecoach validate [--dir D]

Checks D/.github/stagecoach.yml (default D: the current directory). Exits 0 when it is valid, or 1
with one "<file>:<line>:<col> <message>" line per problem on stderr. Files in environment folders that
Stagecoach will leave alone (templates, files that do not parse) are listed as warnings.

Options:
  --dir D     the config repository's checkout
  -h, --help  show this help
`;

const BUMP_USAGE = `Usage: stagecoach bump <image>:<tag>[@sha256:<hex>] --env <env> [--dir D] [--write]

Prints the unified diff (paths relative to D) of what Stagecoach would commit to environment <env>
when <image>:<tag> is published, or writes it with --write. When nothing would change, says why and
exits 0. Exits 1 on bad input (malformed reference, unknown environment or app, invalid config).

Options:
  --env ENV   the environment to edit (required)
  --dir D     the config repository's checkout (default: the current directory)
  --write     write the edit instead of printing the diff
  -h, --help  show this help
`;

/** Runs the CLI; returns the exit code. Never calls process.exit, so tests can run it in process. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "validate":
        return await validate(rest, io);
      case "bump":
        return await bump(rest, io);
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.stdout(USAGE);
        return command === undefined ? 1 : 0;
      default:
        io.stderr(`stagecoach: unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.problems.map(formatProblem).join("\n")}\n`);
      return 1;
    }
    if (error instanceof BadInput) {
      io.stderr(`stagecoach: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function parse(
  args: readonly string[],
  options: ParseArgsConfig["options"],
  usage: string,
  allowPositionals: boolean,
): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new BadInput(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`, {
      cause: error,
    });
  }
}

async function loadConfig(snapshot: RepoSnapshot, dir: string): Promise<{ config: Config; text: string }> {
  const text = await snapshot.read(CONFIG_PATH);
  if (text === undefined) throw new BadInput(`no ${CONFIG_PATH} in ${dir}`);
  return { config: parseConfig(text, CONFIG_PATH), text };
}

async function validate(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { dir: { type: "string" } }, VALIDATE_USAGE, false);
  if (values["help"] === true) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  const dir = resolve(io.cwd, stringOption(values["dir"]) ?? ".");
  const snapshot = await localSnapshot(dir);
  const { config, text } = await loadConfig(snapshot, dir);

  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(config.environments)) {
    const folder = environmentFolder(config, name);
    if (!snapshot.paths.some((path) => path.startsWith(`${folder}/`))) {
      problems.push({
        file: CONFIG_PATH,
        ...configPosition(text, ["environments", name, "path"]),
        message: `environments.${name}.path: folder ${folder} does not exist in this repository`,
      });
    }
  }
  if (problems.length > 0) {
    io.stderr(`${problems.map(formatProblem).join("\n")}\n`);
    return 1;
  }
  for (const name of Object.keys(config.environments)) {
    const files = await readFolder(snapshot, environmentFolder(config, name));
    for (const [path, fileText] of files) {
      if (!/\.ya?ml$/i.test(path)) continue;
      const parsed = parseYaml(path, fileText);
      if (!parsed.ok)
        io.stderr(
          `${path}:${parsed.problem.line}:${parsed.problem.col} warning: ${parsed.problem.message}\n`,
        );
    }
  }
  io.stdout(`${CONFIG_PATH} is valid: ${describeChain(config)}; ${Object.keys(config.apps).length} app(s)\n`);
  if (config._extends !== undefined) {
    io.stdout(`note: _extends (${config._extends}) is resolved by the app, not checked here\n`);
  }
  return 0;
}

function describeChain(config: Config): string {
  const names = Object.keys(config.environments);
  const edges = names
    .map((name) => ({ name, from: config.environments[name]?.from }))
    .filter((edge): edge is { name: string; from: string } => edge.from !== undefined)
    .map((edge) => `${edge.from} -> ${edge.name}`);
  return `${names.length} environment(s)${edges.length > 0 ? ` (${edges.join(", ")})` : ""}`;
}

async function bump(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { env: { type: "string" }, dir: { type: "string" }, write: { type: "boolean" } },
    BUMP_USAGE,
    true,
  );
  if (values["help"] === true) {
    io.stdout(BUMP_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new BadInput(`give exactly one image reference\n\n${BUMP_USAGE}`);
  const env = stringOption(values["env"]);
  if (env === undefined) throw new BadInput(`--env is required\n\n${BUMP_USAGE}`);
  const reference = positionals[0] ?? "";
  let ref;
  try {
    ref = parseImageRef(reference);
  } catch (error) {
    throw new BadInput(error instanceof Error ? error.message : String(error), { cause: error });
  }
  if (ref.tag === undefined)
    throw new BadInput(`"${reference}" has no tag; write it as image:tag, e.g. ${imageName(ref)}:1.4.0`);

  const dir = resolve(io.cwd, stringOption(values["dir"]) ?? ".");
  const snapshot = await localSnapshot(dir);
  const { config } = await loadConfig(snapshot, dir);
  if (config.environments[env] === undefined) {
    throw new BadInput(
      `unknown environment "${env}" (environments: ${Object.keys(config.environments).join(", ")})`,
    );
  }
  const image = imageName(ref);
  const app = Object.entries(config.apps).find(
    ([, candidate]) => normaliseImageName(candidate.image) === image,
  )?.[0];
  if (app === undefined) {
    const known = Object.entries(config.apps).map(([name, candidate]) => `${name}: ${candidate.image}`);
    throw new BadInput(
      `no app in ${CONFIG_PATH} has image ${image}${known.length > 0 ? ` (apps: ${known.join(", ")})` : ""}`,
    );
  }

  const files = await readFolder(snapshot, environmentFolder(config, env));
  const plan = planBump({
    config,
    environment: env,
    app,
    candidate: { tag: ref.tag, ...(ref.digest !== undefined && { digest: ref.digest }) },
    files,
  });
  for (const warning of plan.warnings)
    io.stderr(`${warning.file}:${warning.line}:${warning.col} warning: ${warning.message}\n`);
  for (const skip of plan.skipped) {
    if (skip.code !== "already-current")
      io.stderr(`${skip.file}:${skip.line} skipped ${skip.where}: ${skip.reason}\n`);
  }
  if (plan.files.length === 0) {
    io.stdout(`nothing to change in ${env}: ${plan.noChangeReason ?? "no reference needs it"}\n`);
    return 0;
  }
  if (values["write"] === true) {
    await writePlan(dir, plan);
    io.stdout(`${describePlan(plan)}; wrote ${plan.files.length} file(s)\n`);
  } else {
    for (const file of plan.files) {
      io.stdout(
        createTwoFilesPatch(
          `a/${file.path}`,
          `b/${file.path}`,
          file.before,
          file.after,
          undefined,
          undefined,
          { context: 3 },
        ),
      );
    }
  }
  return 0;
}

function describePlan(plan: BumpPlan): string {
  const changes = plan.files.flatMap((file) => file.changes);
  return `${plan.app} in ${plan.environment}: ${changes.map((change) => `${change.file}:${change.line} ${change.from} -> ${change.to}`).join(", ")}`;
}

async function writePlan(dir: string, plan: BumpPlan): Promise<void> {
  // Write every file beside its target first, then rename: a failure never leaves half the edit.
  const staged: { temporary: string; target: string }[] = [];
  for (const file of plan.files) {
    const target = join(dir, ...file.path.split("/"));
    const temporary = `${target}.stagecoach-${process.pid}.tmp`;
    await writeFile(temporary, file.after, "utf8");
    staged.push({ temporary, target });
  }
  for (const { temporary, target } of staged) await rename(temporary, target);
}

function stringOption(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
