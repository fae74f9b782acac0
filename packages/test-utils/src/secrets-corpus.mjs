/**
 * Generated source trees in eight languages (Rust, Go, Python, Java, YAML, TOML, .env, Terraform) for the secrets
 * policy and the tools it is compared with: `cleanCorpus` is code that talks about passwords, tokens and keys without
 * holding one (the shapes that gave false alarms on real projects among them); `plantedCorpus` is the same kind of code
 * with fake credentials of every well-known format planted at known lines. Plain JavaScript for the tests and the bench.
 */
import { createFakes } from "./secrets-fakes.mjs";
import { CLEAN } from "./secrets-corpus-clean.mjs";
import { PLANTED } from "./secrets-corpus-planted.mjs";

/** The languages, each with the extension (or file name) its files get. */
export const LANGUAGES = { rust: ".rs", go: ".go", python: ".py", java: ".java", yaml: ".yml", toml: ".toml", env: ".env", terraform: ".tf" };

/** What a scanner must report for each planted kind: any of these finding kinds (shipgate's names). */
export const EXPECTED_KINDS = {
  "aws-access-key-id": ["AWS access key id"],
  "aws-secret-access-key": ["AWS secret access key", "high-entropy value assigned to a secret-like name"],
  github: ["GitHub token"],
  "github-fine-grained": ["GitHub fine-grained token"],
  gitlab: ["GitLab token"],
  slack: ["Slack token"],
  stripe: ["Stripe live key"],
  google: ["Google API key"],
  npm: ["npm token"],
  "private-key": ["private key"],
  jwt: ["JSON Web Token"],
  password: ["high-entropy value assigned to a secret-like name"],
};

/**
 * `filesPerLanguage` files per language of `snippets` snippets each (a snippet is a few lines: a function, a config
 * block), none holding a credential. Returns path -> content.
 */
export function cleanCorpus({ seed, filesPerLanguage = 6, snippets = 40 }) {
  const fakes = createFakes(seed);
  const files = {};
  for (const [language, extension] of Object.entries(LANGUAGES)) {
    for (let n = 0; n < filesPerLanguage; n++) {
      const lines = [];
      for (let i = 0; i < snippets; i++) lines.push(...fakes.oneOf(CLEAN[language])(words(fakes)), "");
      files[pathFor(language, extension, "clean", n)] = lines.join("\n");
    }
  }
  return files;
}

/**
 * The same kind of code with every kind of fake credential planted in each language's idioms, `rounds` times per
 * language, between clean snippets. Returns the files and, for each credential, where it is and what it is.
 */
export function plantedCorpus({ seed, rounds = 2, filler = 4 }) {
  const fakes = createFakes(seed);
  const files = {};
  const planted = [];
  for (const [language, extension] of Object.entries(LANGUAGES)) {
    for (let n = 0; n < rounds; n++) {
      const path = pathFor(language, extension, "planted", n);
      const lines = [];
      for (const [kind, plant] of Object.entries(PLANTED[language])) {
        for (let i = 0; i < filler; i++) lines.push(...fakes.oneOf(CLEAN[language])(words(fakes)), "");
        const { lines: block, value } = plant(fakes, words(fakes));
        planted.push({ path, line: lines.length + block.findIndex((line) => line.includes(value)) + 1, kind, value, language });
        lines.push(...block, "");
      }
      files[path] = lines.join("\n");
    }
  }
  return { files, planted };
}

export { BASE62, createFakes, privateKeyHeader } from "./secrets-fakes.mjs";

function pathFor(language, extension, corpus, n) {
  const name = extension === ".env" ? `${corpus}-${n}.env` : `${corpus}_${n}${extension}`;
  return `${language}/${name}`;
}

/** Random names and words for one snippet: what real code calls its secrets, users and services. */
function words(fakes) {
  const { oneOf, int } = fakes;
  return {
    secret: oneOf([
      "password",
      "db_password",
      "admin_password",
      "api_key",
      "api_token",
      "access_token",
      "refresh_token",
      "auth_token",
      "client_secret",
      "secret_key",
      "jwt_secret",
      "session_token",
      "webhook_secret",
      "private_key",
      "credentials",
    ]),
    service: oneOf(["billing", "users", "orders", "search", "notifications", "payments", "inventory", "gateway"]),
    user: oneOf(["alice", "bob", "admin", "service", "deploy", "ci"]),
    port: int(1024, 9999),
    number: int(1, 999),
    fixture: oneOf([
      "refreshed-token-123",
      "test-token",
      "not-a-real-secret",
      "fake-api-key-for-tests",
      "my-secret-password",
      "super-secret-jwt-key-for-dev",
      "expired-token-42",
      "invalid_token_value",
      "token-for-user-7",
      "secret-value-1",
      "new-password-2024",
      "old_password_1",
    ]),
    placeholder: oneOf([
      "changeme",
      "<your-api-token>",
      "${DB_PASSWORD}",
      "{{ .Values.token }}",
      "xxxxxxxxxxxxxxxxxxxx",
      "REPLACE_ME",
      "your-secret-here",
      "********",
      "TODO",
      "",
    ]),
  };
}
