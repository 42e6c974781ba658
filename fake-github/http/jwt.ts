import { createVerify } from "node:crypto";
import { z } from "zod";
import { HttpError } from "../errors.js";
import type { App } from "../model/apps.js";

/**
 * GitHub App JWTs: RS256, `iss` = app id (or client id), `exp` in the future and at most ten minutes
 * after `iat`. Failures answer 401 with GitHub's messages.
 */

const Header = z.object({ alg: z.literal("RS256") });
const Claims = z.object({ iss: z.union([z.number(), z.string()]), iat: z.number(), exp: z.number() });

const CLOCK_SKEW_SECONDS = 60;

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

export function verifyAppJwt(token: string, apps: Iterable<App>, nowSeconds: number): App {
  const [headerPart = "", claimsPart = "", signaturePart = ""] = token.split(".");
  let claims: z.infer<typeof Claims>;
  try {
    Header.parse(decodePart(headerPart));
    claims = Claims.parse(decodePart(claimsPart));
  } catch (error) {
    throw new HttpError(
      401,
      "A JSON web token could not be decoded",
      { documentationUrl: "https://docs.github.com/rest" },
      error,
    );
  }
  const app = [...apps].find(
    (candidate) => String(candidate.id) === String(claims.iss) || candidate.clientId === claims.iss,
  );
  if (app === undefined) throw new HttpError(401, "A JSON web token could not be decoded");
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${headerPart}.${claimsPart}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signaturePart, "base64url"))) {
    throw new HttpError(401, "A JSON web token could not be decoded");
  }
  if (claims.exp <= nowSeconds) {
    throw new HttpError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new HttpError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
  if (claims.exp - claims.iat > 600 + CLOCK_SKEW_SECONDS) {
    throw new HttpError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
  return app;
}
