import { createHmac, timingSafeEqual } from "node:crypto";

/** GitHub's webhook signatures: HMAC of the exact body bytes with the app's webhook secret. */

export function signature256(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export function signature1(secret: string, body: string): string {
  return `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`;
}

export function verifySignature256(secret: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signature256(secret, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
