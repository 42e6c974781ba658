import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

/**
 * The ways a registry can prove it knows a source's secret. Each source accepts only the forms its
 * registry can actually send: a header where the registry lets you set one, a query parameter where it
 * cannot (query strings end up in access logs, so they are not offered where a header works).
 */
export type AuthForm =
  /** `Authorization: Bearer <secret>` (ACR custom headers, EventBridge API-key connection, Harbor). */
  | "bearer"
  /** `Authorization: <secret>` verbatim: Harbor's "Auth Header" field sends exactly what was typed. */
  | "authorization"
  /** `Authorization: Basic base64(<any user>:<secret>)`: an EventBridge BASIC connection. */
  | "basic"
  /** `?token=<secret>`: Docker Hub, Quay and Pub/Sub push take nothing but a URL. */
  | "query-token"
  /** `X-Stagecoach-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`: the generic form. */
  | "signature-256";

export const SIGNATURE_HEADER = "x-stagecoach-signature-256";

export interface PresentedCredentials {
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams;
  /** The raw body; needed only by `signature-256`. */
  readonly body?: Buffer;
}

/** Whether checking one of these forms needs the request body first. */
export function needsBody(forms: readonly AuthForm[]): boolean {
  return forms.includes("signature-256");
}

/** `sha256=<hex>` over the raw body, as a sender computes it for `X-Stagecoach-Signature-256`. */
export function signatureOf(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Constant-time equality. Both sides are hashed first so that neither the comparison nor an early
 * length mismatch says anything about the secret.
 */
export function safeEqual(presented: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function authorization(headers: IncomingHttpHeaders): { scheme: string; value: string } | undefined {
  const header = headers.authorization;
  if (header === undefined || header === "") return undefined;
  const match = /^(\S+) +(\S.*)$/.exec(header);
  return match === null
    ? { scheme: "", value: header }
    : { scheme: (match[1] ?? "").toLowerCase(), value: match[2] ?? "" };
}

function presents(form: AuthForm, secret: string, credentials: PresentedCredentials): boolean {
  const auth = authorization(credentials.headers);
  switch (form) {
    case "bearer":
      return auth?.scheme === "bearer" && safeEqual(auth.value, secret);
    case "authorization":
      return (
        credentials.headers.authorization !== undefined &&
        safeEqual(credentials.headers.authorization, secret)
      );
    case "basic": {
      if (auth?.scheme !== "basic") return false;
      const decoded = Buffer.from(auth.value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon !== -1 && safeEqual(decoded.slice(colon + 1), secret);
    }
    case "query-token": {
      const tokens = credentials.query.getAll("token");
      return tokens.length === 1 && safeEqual(tokens[0] ?? "", secret);
    }
    case "signature-256": {
      const header = credentials.headers[SIGNATURE_HEADER];
      if (typeof header !== "string" || credentials.body === undefined) return false;
      return safeEqual(header.toLowerCase(), signatureOf(secret, credentials.body));
    }
  }
}

/** True when the request carries this source's secret in one of the accepted forms. */
export function hasValidCredential(
  forms: readonly AuthForm[],
  secret: string | undefined,
  credentials: PresentedCredentials,
): boolean {
  if (secret === undefined || secret === "") return false;
  return forms.some((form) => presents(form, secret, credentials));
}
