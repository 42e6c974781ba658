import { freezeWindowProblem } from "../core/freeze.js";
import { compileUserPattern } from "../core/user-regex.js";
import { normaliseImageName } from "../core/image-ref.js";
import { suggest } from "../core/suggest.js";
import type { Config } from "./schema.js";

export interface PathIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

function normalisePath(path: string): string {
  return path
    .split("/")
    .filter((part) => part !== "")
    .join("/");
}

function contains(outer: string, inner: string): boolean {
  return outer === inner || inner.startsWith(`${outer}/`);
}

/** Rules that relate one part of a schema-valid config to another. */
export function crossCheck(config: Config): PathIssue[] {
  const issues: PathIssue[] = [];
  const envNames = Object.keys(config.environments);

  if (envNames.length === 0) {
    issues.push({ path: ["environments"], message: "declare at least one environment" });
  }

  for (const [name, env] of Object.entries(config.environments)) {
    const at = ["environments", name];
    if (env.from === undefined) {
      if (env.promotion !== undefined) {
        issues.push({
          path: [...at, "promotion"],
          message: "has no effect without `from` (nothing is promoted into a first environment)",
        });
      }
      if (env.soak !== undefined) {
        issues.push({
          path: [...at, "soak"],
          message: "needs `from`: soak time is counted in the environment this one is promoted from",
        });
      }
    } else if (!(env.from in config.environments)) {
      issues.push({
        path: [...at, "from"],
        message: `names unknown environment "${env.from}"${didYouMean(env.from, envNames)}`,
      });
    } else if (env.from === name) {
      issues.push({ path: [...at, "from"], message: "an environment cannot be promoted from itself" });
    }
    const approvals = env.approvals;
    if (approvals?.from !== undefined && approvals.from.every((who) => !who.startsWith("@"))) {
      const users = new Set(approvals.from.map((who) => who.toLowerCase())).size;
      if (users < approvals.required) {
        issues.push({
          path: [...at, "approvals", "required"],
          message: `needs ${approvals.required} approvals but only ${users} ${users === 1 ? "user is" : "users are"} listed in approvals.from`,
        });
      }
    }
    env.freeze?.forEach((window, index) => {
      const problem = freezeWindowProblem(window);
      if (problem !== undefined) issues.push({ path: [...at, "freeze", index], message: problem });
    });
  }

  issues.push(...findCycles(config));

  const paths = Object.entries(config.environments).map(([name, env]) => ({
    name,
    path: normalisePath(env.path),
  }));
  paths.forEach((current, index) => {
    for (const earlier of paths.slice(0, index)) {
      if (contains(earlier.path, current.path) || contains(current.path, earlier.path)) {
        issues.push({
          path: ["environments", current.name, "path"],
          message: `overlaps the folder of environment "${earlier.name}" (${earlier.path}); environment folders must not contain each other`,
        });
      }
    }
  });

  const imageOwners = new Map<string, string>();
  for (const [name, app] of Object.entries(config.apps)) {
    const image = safeImageName(app.image);
    if (image !== undefined) {
      const owner = imageOwners.get(image);
      if (owner !== undefined) {
        issues.push({
          path: ["apps", name, "image"],
          message: `is the same image as apps.${owner}; each image belongs to one app`,
        });
      } else {
        imageOwners.set(image, name);
      }
    }
    const tags = app.tags;
    if (tags !== undefined && "pattern" in tags && tags.by !== undefined) {
      const regex = safeCompile(tags.pattern);
      if (regex !== undefined && !regex.groupNames.includes(tags.by)) {
        issues.push({
          path: ["apps", name, "tags", "by"],
          message: `names capture group "${tags.by}", which the pattern does not have${regex.groupNames.length > 0 ? ` (it has: ${regex.groupNames.join(", ")})` : " (it has no named groups; write (?<name>…))"}`,
        });
      }
    }
  }
  return issues;
}

function findCycles(config: Config): PathIssue[] {
  const issues: PathIssue[] = [];
  const reported = new Set<string>();
  for (const start of Object.keys(config.environments)) {
    const seen: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !seen.includes(current)) {
      seen.push(current);
      const next: string | undefined = config.environments[current]?.from;
      current = next !== undefined && next in config.environments && next !== current ? next : undefined;
    }
    if (current === undefined) continue;
    const cycle = seen.slice(seen.indexOf(current));
    const key = [...cycle].sort().join(",");
    if (reported.has(key) || cycle.length < 2) continue;
    reported.add(key);
    const loop = [...cycle.slice().reverse(), cycle.at(-1)].join(" -> ");
    for (const member of cycle) {
      issues.push({
        path: ["environments", member, "from"],
        message: `is part of a promotion cycle: ${loop}`,
      });
    }
  }
  return issues;
}

function didYouMean(value: string, candidates: readonly string[]): string {
  const best = suggest(value, candidates);
  const known = candidates.length > 0 ? ` (known: ${candidates.join(", ")})` : "";
  return best === undefined ? known : ` (did you mean "${best}"?)`;
}

function safeImageName(image: string): string | undefined {
  try {
    return normaliseImageName(image);
  } catch {
    return undefined;
  }
}

function safeCompile(pattern: string): ReturnType<typeof compileUserPattern> | undefined {
  try {
    return compileUserPattern(pattern);
  } catch {
    return undefined;
  }
}
