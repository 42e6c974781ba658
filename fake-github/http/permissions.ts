import { forbiddenForIntegration } from "../errors.js";
import { permits, type PermissionLevel } from "../model/apps.js";
import type { State } from "../state.js";
import type { Caller, Permission } from "./route.js";

/** Per-route permission checks, answering like GitHub: 403 "Resource not accessible by integration". */

export function parsePermission(permission: Permission): { name: string; level: PermissionLevel } {
  const [name = "", level = "read"] = permission.split(":");
  return { name, level: level as PermissionLevel };
}

export function hasAnyPermission(caller: Caller, permissions: readonly Permission[]): boolean {
  if (caller.kind !== "installation" || permissions.length === 0) return true;
  return permissions.some((permission) => {
    const { name, level } = parsePermission(permission);
    return permits(caller.token.permissions, name, level);
  });
}

/** Throws (and records a violation) unless the caller has one of `permissions`. */
export function requirePermission(
  state: State,
  caller: Caller,
  request: string,
  permissions: readonly Permission[],
): void {
  if (hasAnyPermission(caller, permissions)) return;
  const granted = caller.kind === "installation" ? JSON.stringify(caller.token.permissions) : "{}";
  state.violations.record({
    kind: "permission-denied",
    request,
    message: `needs ${permissions.join(" or ")}; the installation has ${granted}`,
  });
  throw forbiddenForIntegration();
}

/** Issue endpoints on a pull request accept the `pull_requests` permission too; on an issue, only `issues`. */
export function issuePermissions(isPull: boolean, level: PermissionLevel): Permission[] {
  return isPull ? [`issues:${level}`, `pull_requests:${level}`] : [`issues:${level}`];
}
