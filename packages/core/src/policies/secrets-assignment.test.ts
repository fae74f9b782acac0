import { describe, expect, it } from "vitest";
import { BASE62, createFakes } from "@shipgate/test-utils/secrets-corpus";
import { scanLine, wordLike } from "./secrets.js";

const OPTIONS = { entropy: { enabled: true, threshold: 3.5, minLength: 12 } };
const fakes = createFakes(Number(process.env["SHIPGATE_SECRETS_SEED"] ?? 20261206));

/** The values the generic rule reports on a line. */
const reported = (line: string) => scanLine(line, OPTIONS).map((hit) => hit.value);

/** Lines where the generic rule must find no value, by what they show. */
const NOT_SECRETS: [string, string[]][] = [
  [
    "reads `::` as a path, not an assignment, in the Rust lines that were refused on a real project",
    [
      "    pub use super::change_password::change_password,",
      "let request = PasswordResetRequest::read_and_delete(pool, token).await?;",
      "use crate::auth::{token::Token, api_key::ApiKey};",
      "let hash = password::hash(&password)?;",
    ],
  ],
  [
    "does not take the name of a secret for the secret (`from_secret: cargo_api_token`)",
    [
      "        from_secret: cargo_api_token",
      "      password: ${{ secrets.DB_PASSWORD }}",
      "  secretKeyRef: { name: app-secrets, key: api_token }",
      "API_TOKEN_ENV = API_TOKEN_FROM_VAULT_V2",
    ],
  ],
  [
    "skips test fixtures made of words and short numbers (`newToken: 'refreshed-token-123'`)",
    [
      "    newToken: 'refreshed-token-123',",
      'let token = "super-secret-jwt-key-for-dev";',
      'password = "new-password-2024"',
      'api_key: "fake_api_key_for_tests"',
      'String accessToken = "test-9f2Kq81mZ0";',
      "TOKEN_HEADER=X-Auth-Token",
    ],
  ],
  [
    "skips expressions, calls, ternaries, types, regular expressions and paths after the operator",
    [
      "const hasExclamationToken = !!node.exclamationToken;",
      "nextLastSignificantToken = postfixIncDec ? \"?ExpressionBraceEnd\" : '}';",
      "tokenLocation ? tokenLocation.startOffset : this.preprocessor.droppedBufferSize",
      "setPrivateKey(privateKey: NodeJS.ArrayBufferView): void;",
      "const secretKey = this.#reader.int32()",
      "_check_password_hook=Module._check_password_hook=e.check_password_hook.value,",
      'token_re = r"^gh[pousr]_[A-Za-z0-9]{36}$"',
      '"./lib/tokenize": "./lib/tokenize.js",',
      "localhost:5432:postgres:password:md532e12f215ba27cb750c9e093ce4b5127",
      'password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"',
    ],
  ],
];

describe("the generic secrets rule", () => {
  it.each(NOT_SECRETS)("%s", (_what, lines) => {
    for (const line of lines) expect(reported(line), line).toEqual([]);
  });

  it("reports a random value after =, :, := and =>, with or without quotes where the language allows it", () => {
    const value = fakes.password(24, true);
    const lines = [
      `password = "${value}"`,
      `password="${value}"`,
      `  password: "${value}"`,
      `  password: ${value}`,
      `{"password":"${value}"}`,
      `password := "${value}"`,
      `'password' => '${value}',`,
      `:api_key => "${value}"`,
      `DB_PASSWORD=${value}`,
      `export API_TOKEN=${value} # staging`,
      `db.password=${value}`,
      `config["client_secret"] = "${value}"`,
      `ENV['SECRET_KEY'] = '${value}'`,
      `const API_TOKEN: &str = "${value}";`,
      `static CLIENT_SECRET: &'static str = "${value}";`,
      `password: str = "${value}"`,
      `val apiKey: String = "${value}"`,
      `var authToken string = "${value}"`,
      `let token = r#"${value}"#;`,
      `AUTH_TOKEN = f"${value}"`,
      `url = "https://api.example.net/v1?access_token=${value}&page=2"`,
      `"Server=db;User Id=app;Password=${value};"`,
    ];
    for (const line of lines) expect(reported(line), line).toEqual([value]);
  });

  it("reports a random value as the text of an XML element so named, and on a .netrc line", () => {
    const value = fakes.password(24, true);
    const lines = [
      `<password>${value}</password>`,
      `    <DbPassword>${value}</DbPassword>`,
      `<sec:apiToken> ${value} </sec:apiToken>`,
      `machine api.example.net login deploy password ${value}`,
      `machine api.example.net login deploy password ${value} account ops`,
      `default login anonymous password ${value}`,
      `  password ${value}`,
    ];
    for (const line of lines) expect(reported(line), line).toEqual([value]);
  });

  it("reads no value from an XML element that holds markup, a template or words, nor from prose that says password", () => {
    const value = fakes.password(24, true);
    const lines = [
      "<password><![CDATA[",
      "<password>${DB_PASSWORD}</password>",
      "<password>{{ vault.db_password }}</password>",
      "<secretName>database-credentials</secretName>",
      `<passwordHint>ask the team lead</passwordHint>`,
      `password ${value} is the one for staging`,
      "password    The password to use when connecting",
      "machine example.com login me password $NETRC_PASSWORD",
      `<token-count>${value}`,
    ];
    for (const line of lines) expect(reported(line), line).toEqual([]);
  });

  it("reports random passwords with symbols when they are quoted, whatever letters they hold", () => {
    for (let i = 0; i < 200; i++) {
      const value = fakes.password();
      expect(reported(`password = "${value}"`), value).toEqual([value]);
    }
  });

  it("does not read a value where the syntax says there is none: `::`, `==`, `=~`, `key:value` without a space", () => {
    const value = fakes.password(24, true);
    const lines = [`password::${value}`, `password == ${value}`, `if token =~ ${value}`, `password:${value}`, `password != "${value}"`];
    for (const line of lines) expect(reported(line), line).toEqual([]);
  });
});

describe("word-like values", () => {
  it("reads identifiers, paths and fixture words as words", () => {
    const words = [
      "refreshed-token-123",
      "./lib/tokenize.js",
      "AuthenticationMD5Password",
      "cargo_api_token",
      "NonSharedBuffer",
      "SyntaxKind.Unknown",
      "X-Auth-Token",
    ];
    for (const word of words) expect(wordLike(word), word).toBe(true);
  });

  it("almost never reads a random alphanumeric string of 16 characters as words: under 1 in 1,000 of 20,000", () => {
    let words = 0;
    for (let i = 0; i < 20_000; i++) if (wordLike(fakes.pick(BASE62, 16))) words++;
    expect(words).toBeLessThan(20);
  });

  it("does not read a random alphanumeric string of 24 characters as words, in 20,000 of them", () => {
    const misread: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const value = fakes.pick(BASE62, 24);
      if (wordLike(value)) misread.push(value);
    }
    expect(misread).toEqual([]);
  });
});
