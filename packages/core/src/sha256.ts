/** SHA-256 of a text, hex: node:crypto loads on first use (a few ms a hook that never hashes would pay). */
import { createRequire } from "node:module";
import type * as CryptoModule from "node:crypto";

type Crypto = typeof CryptoModule;
let crypto: Crypto | null = null;

export function sha256(text: string): string {
  crypto ??= createRequire(import.meta.url)("node:crypto") as Crypto;
  return crypto.createHash("sha256").update(text).digest("hex");
}
