/** Types of secrets-corpus.mjs and secrets-fakes.mjs (plain JavaScript so that the benchmarks can load them too). */
export type Language = "rust" | "go" | "python" | "java" | "yaml" | "toml" | "env" | "terraform";
export type PlantedKind =
  | "aws-access-key-id"
  | "aws-secret-access-key"
  | "github"
  | "github-fine-grained"
  | "gitlab"
  | "slack"
  | "stripe"
  | "google"
  | "npm"
  | "private-key"
  | "jwt"
  | "password";
export type PrivateKeyType = "rsa" | "pkcs8" | "ec" | "ed25519" | "openssh";

/** One planted credential: the file and 1-based line that hold it (for a private key, its BEGIN line). */
export interface Planted {
  path: string;
  line: number;
  kind: PlantedKind;
  value: string;
  language: Language;
}

export interface Fakes {
  random(): number;
  pick(alphabet: string, length: number): string;
  int(min: number, max: number): number;
  oneOf<T>(items: readonly T[]): T;
  awsAccessKeyId(): string;
  awsSecretAccessKey(): string;
  github(): string;
  githubFineGrained(): string;
  gitlab(): string;
  slack(): string;
  stripe(): string;
  google(): string;
  npm(): string;
  jwt(): string;
  password(length?: number, bare?: boolean): string;
  privateKey(type: PrivateKeyType): string[];
}

export const LANGUAGES: Record<Language, string>;
export const EXPECTED_KINDS: Record<PlantedKind, string[]>;
export const BASE62: string;
export function createFakes(seed: number): Fakes;
export function privateKeyHeader(type: PrivateKeyType): string;
export function cleanCorpus(options: { seed: number; filesPerLanguage?: number; snippets?: number }): Record<string, string>;
export function plantedCorpus(options: { seed: number; rounds?: number; filler?: number }): { files: Record<string, string>; planted: Planted[] };
