import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { HttpError } from "../errors.js";
import type { Installation, InstallationToken, Permissions } from "../model/apps.js";
import type { State } from "../state.js";
import { looksLikeJwt, verifyAppJwt } from "./jwt.js";
import type { Caller } from "./route.js";

/** Who a request is from: the app (JWT) or an installation (`ghs_…` token). */

const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

export function authenticate(state: State, headers: IncomingHttpHeaders): Caller {
  const header = headers.authorization ?? "";
  const match = /^(token|bearer)\s+(\S+)$/i.exec(header);
  const credential = match?.[2];
  if (credential === undefined) throw new HttpError(401, "Requires authentication");
  if (looksLikeJwt(credential)) {
    const app = verifyAppJwt(credential, state.apps.values(), Math.floor(Date.now() / 1000));
    return { kind: "app", app, actor: app.bot };
  }
  const token = state.tokens.get(credential);
  if (token === undefined) throw new HttpError(401, "Bad credentials");
  if (token.expiresAt.getTime() <= Date.now()) {
    state.tokens.delete(credential);
    throw new HttpError(401, "Bad credentials");
  }
  const installation = token.installation;
  return { kind: "installation", installation, app: installation.app, actor: installation.app.bot, token };
}

/** Issues an installation token, optionally narrowed to some permissions and repositories. */
export function issueToken(
  state: State,
  installation: Installation,
  narrowing: { permissions?: Permissions; repositoryIds?: ReadonlySet<number> } = {},
): InstallationToken {
  const token: InstallationToken = {
    token: `ghs_${randomBytes(18).toString("base64url")}`,
    installation,
    expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS),
    permissions: narrowing.permissions ?? installation.permissions,
    repositoryIds: narrowing.repositoryIds,
  };
  state.tokens.set(token.token, token);
  return token;
}
