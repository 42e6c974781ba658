import type { RouteDefinition } from "./route.js";

/**
 * Matches a request to a route by method and path template. Parameters marked multi-segment in
 * GitHub's description (`{path}`, `{ref}`, `{branch}`…) may contain slashes; templates with more
 * literal text are tried first so `/commits/{ref}/status` wins over `/commits/{ref}`.
 */

export interface Match {
  readonly route: RouteDefinition;
  readonly params: Record<string, string>;
}

interface Compiled {
  readonly route: RouteDefinition;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly literalLength: number;
}

export function compileTemplate(
  template: string,
  isMultiSegment: (name: string) => boolean,
): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const segments = template.split("/");
  const source = segments
    .map((segment, index) =>
      segment.replace(
        /\{(\w+)\}|([^{]+)/g,
        (_whole, name: string | undefined, literal: string | undefined) => {
          if (name === undefined) return (literal ?? "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          names.push(name);
          if (!isMultiSegment(name)) return "([^/]+)";
          return index === segments.length - 1 ? "(.*)" : "(.+)";
        },
      ),
    )
    .join("/");
  return { pattern: new RegExp(`^${source}/?$`), names };
}

export class Router {
  readonly #routes: Compiled[];

  constructor(
    routes: readonly RouteDefinition[],
    isMultiSegment: (routeKey: string, name: string) => boolean,
  ) {
    this.#routes = routes
      .map((route) => {
        const { pattern, names } = compileTemplate(route.template, (name) => isMultiSegment(route.key, name));
        return { route, pattern, names, literalLength: route.template.replace(/\{\w+\}/g, "").length };
      })
      .sort((a, b) => b.literalLength - a.literalLength);
  }

  match(method: string, path: string): Match | undefined {
    const lower = method.toLowerCase();
    for (const candidate of this.#routes) {
      if (candidate.route.method !== lower) continue;
      const found = candidate.pattern.exec(path);
      if (found === null) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] ?? "");
      });
      return { route: candidate.route, params };
    }
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Finds which of GitHub's operations a path belongs to, to name it in a violation. */
export function findGithubOperation(
  operations: readonly string[],
  method: string,
  path: string,
): string | undefined {
  return operations.find((key) => {
    const [verb = "", template = ""] = key.split(" ");
    if (verb !== method.toUpperCase()) return false;
    return compileTemplate(template, () => false).pattern.test(path);
  });
}
