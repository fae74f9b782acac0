/**
 * Fake credentials in the real formats, made at run time from a seeded generator, so no file of the repository holds a
 * string that a secret scanner (ours, secretlint, a forge's push protection) would take for a credential. Each one is
 * format-correct: checksummed where the format has a checksum (GitHub, npm), a signed JWT, real private keys made by
 * node:crypto. Plain JavaScript so that both the tests and `bench/secrets.mjs` (plain Node) can use it.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { crc32 } from "node:zlib";
import { seededRandom } from "./concurrent-editor.mjs";

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const DIGITS = "0123456789";
export const BASE62 = DIGITS + UPPER + LOWER;
const BASE64 = UPPER + LOWER + DIGITS + "+/";
const BASE64URL = UPPER + LOWER + DIGITS + "-_";
const BASE32 = UPPER + "234567";
const HEX = "0123456789abcdef";
/** Characters of a generated password: no `$`, `{` or `%`, which would make it read as a template. */
const PASSWORD = BASE62 + "!@#^&*-_+=.";
/** The PEM armour, split so that no source line holds a whole private-key header. */
const DASHES = "-----";

/** Fake credentials of every format, from one seed: `fakes.github()`, `fakes.privateKey("rsa")`, ... */
export function createFakes(seed) {
  const random = seededRandom(seed);
  const pick = (alphabet, length) => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const oneOf = (items) => items[Math.floor(random() * items.length)];
  // GitHub and npm tokens end in a checksum of their random part: a CRC32 in base62, six characters.
  const checksummed = (prefix, body) => `${prefix}${body}${base62(crc32(body), 6)}`;
  return {
    random,
    pick,
    int,
    oneOf,
    awsAccessKeyId: () => `${oneOf(["AKIA", "ASIA"])}${pick(BASE32, 16)}`,
    awsSecretAccessKey: () => pick(BASE64, 40),
    github: () => checksummed(oneOf(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]), pick(BASE62, 30)),
    githubFineGrained: () => `github_pat_${pick(BASE62, 22)}_${pick(BASE62, 59)}`,
    gitlab: () => `glpat-${pick(BASE64URL, 20)}`,
    slack: () =>
      random() < 0.5
        ? `xoxb-${pick(DIGITS, int(10, 13))}-${pick(DIGITS, int(10, 13))}-${pick(BASE62, 24)}`
        : `xoxp-${pick(DIGITS, 12)}-${pick(DIGITS, 12)}-${pick(DIGITS, 13)}-${pick(HEX, 32)}`,
    stripe: () => `${oneOf(["sk", "rk"])}_live_${pick(BASE62, oneOf([24, 99]))}`,
    google: () => `AIza${pick(BASE64URL, 35)}`,
    npm: () => checksummed("npm_", pick(BASE62, 30)),
    jwt: () => {
      const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
      const payload = base64url(JSON.stringify({ sub: pick(BASE62, 12), iat: int(1_600_000_000, 1_800_000_000), scope: "read write" }));
      const signature = createHmac("sha256", pick(BASE62, 32)).update(`${header}.${payload}`).digest("base64url");
      return `${header}.${payload}.${signature}`;
    },
    /** A random password of `length` characters (20 to 32 by default); `bare` keeps to token characters. */
    password: (length = int(20, 32), bare = false) => pick(bare ? BASE62 + "-_." : PASSWORD, length),
    /** PEM lines of a real private key: "rsa" (PKCS#1), "pkcs8" (RSA in PKCS#8), "ec" (SEC1), "ed25519", "openssh". */
    privateKey: (type) => pemLines(type, pick),
  };
}

/** The BEGIN line of each private key type, to know what a scanner must report. */
export function privateKeyHeader(type) {
  const label = { rsa: "RSA PRIVATE KEY", pkcs8: "PRIVATE KEY", ec: "EC PRIVATE KEY", ed25519: "PRIVATE KEY", openssh: "OPENSSH PRIVATE KEY" }[type];
  return `${DASHES}BEGIN ${label}${DASHES}`;
}

function pemLines(type, pick) {
  if (type === "openssh") {
    // node:crypto cannot write the OpenSSH format: the armour and a body that starts as OpenSSH keys start.
    const body = Buffer.concat([Buffer.from("openssh-key-v1\0"), Buffer.from(pick(BASE62, 300))]).toString("base64");
    return armour("OPENSSH PRIVATE KEY", body);
  }
  const [kind, options, encoding] = {
    rsa: ["rsa", { modulusLength: 1024 }, { type: "pkcs1", format: "pem" }],
    pkcs8: ["rsa", { modulusLength: 1024 }, { type: "pkcs8", format: "pem" }],
    ec: ["ec", { namedCurve: "P-256" }, { type: "sec1", format: "pem" }],
    ed25519: ["ed25519", {}, { type: "pkcs8", format: "pem" }],
  }[type];
  const { privateKey } = generateKeyPairSync(kind, { ...options, privateKeyEncoding: encoding, publicKeyEncoding: { type: "spki", format: "pem" } });
  return privateKey.trim().split("\n");
}

function armour(label, body) {
  const lines = body.match(/.{1,70}/g);
  return [`${DASHES}BEGIN ${label}${DASHES}`, ...lines, `${DASHES}END ${label}${DASHES}`];
}

function base64url(text) {
  return Buffer.from(text).toString("base64url");
}

function base62(number, width) {
  let out = "";
  for (let n = number; n > 0; n = Math.floor(n / 62)) out = BASE62[n % 62] + out;
  return out.padStart(width, "0");
}
