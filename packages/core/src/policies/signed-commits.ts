/** signed-commits: every commit a push brings onto a protected branch carries a verified GPG or SSH signature. */
import * as v from "valibot";
import { definePolicy, type Issue } from "./policy.js";
import { refMatcher } from "./protected-refs.js";
import type { Change } from "../change/types.js";

/** git's `%G?` letters. */
export const SIGNATURE_STATUSES = ["G", "B", "U", "X", "Y", "R", "E", "N"] as const;
export type SignatureStatus = (typeof SIGNATURE_STATUSES)[number];

const options = v.strictObject({
  /** Branch globs whose new commits must be signed (short like `main` or full like `refs/heads/main`). */
  branches: v.optional(v.array(v.string()), ["main", "master", "release/*"]),
  /** `%G?` statuses that pass: G good; U good but untrusted key; X/Y expired signature/key; R revoked; B bad; E unverifiable; N none. */
  allowed: v.optional(v.array(v.picklist(SIGNATURE_STATUSES, `expected one of ${SIGNATURE_STATUSES.join(", ")}`)), ["G"]),
  /** SSH signatures: the allowed-signers file (`gpg.ssh.allowedSignersFile`) on the server. */
  allowedSignersFile: v.optional(v.string()),
  /** GPG signatures: the keyring directory (GNUPGHOME) holding the trusted public keys; it must be writable. */
  gnupgHome: v.optional(v.string()),
});

export type SignedCommitsOptions = v.InferOutput<typeof options>;

const EXPLAIN: Record<SignatureStatus, string> = {
  G: "has a good signature",
  B: "has a bad signature",
  U: "is signed by a key that is not trusted on the server",
  X: "has an expired signature",
  Y: "is signed by an expired key",
  R: "is signed by a revoked key",
  E: "has a signature the server cannot check (unknown key)",
  N: "is not signed",
};

export default definePolicy({
  id: "signed-commits",
  summary: "commits reaching protected branches carry verified GPG or SSH signatures",
  stages: ["pre-receive"],
  options,
  lines: "none",
  async check({ change, options: o }) {
    const statuses = await verifyNewCommits(change, o);
    const issues: Issue[] = [];
    for (const { oid, status, ref } of statuses) {
      if ((o.allowed as readonly string[]).includes(status)) continue;
      issues.push({
        ref,
        commit: oid,
        message: `commit ${oid.slice(0, 12)} ${EXPLAIN[status]} (${status}); ${ref.replace(/^refs\/heads\//, "")} accepts only ${o.allowed.join(", ")}`,
        fix:
          status === "U" || status === "E"
            ? "Ask an admin to add your public key to the server's allowed signers / keyring, or sign with a key it already trusts."
            : "Sign your commits (git config commit.gpgSign true) and re-sign these: git rebase --exec 'git commit --amend --no-edit -S' <base>.",
      });
    }
    return { issues };
  },
});

interface Verified {
  oid: string;
  status: SignatureStatus;
  ref: string;
}

/**
 * The commits this push adds to protected branches, verified with one `git log --stdin --format=%H %G? %S` walk:
 * from the new tips, not from what any protected branch already holds. A commit first pushed to a lax branch is
 * therefore checked when it reaches a protected one, and a history already on a protected branch is not re-checked.
 */
async function verifyNewCommits(change: Change, o: SignedCommitsOptions): Promise<Verified[]> {
  const isProtected = refMatcher(o.branches, "refs/heads/");
  const updates = change.refs.filter((ref) => ref.kind === "branch" && !ref.deleted && isProtected(ref.name));
  if (updates.length === 0) return [];
  const git = change.repo.git;
  const existing = await git.text(["for-each-ref", "--format=%(objectname) %(refname)", "refs/heads/"]);
  const known = existing
    .split("\n")
    .map((line) => line.split(" "))
    .filter(([oid, name]) => oid !== undefined && name !== undefined && isProtected(name))
    .map(([oid]) => oid as string);
  for (const ref of updates) if (!ref.created) known.push(ref.oldOid);
  const refByTip = new Map(updates.map((ref) => [ref.newOid, ref.name]));
  const input = [...refByTip.keys(), ...[...new Set(known)].map((oid) => `^${oid}`)].join("\n") + "\n";
  const config = o.allowedSignersFile === undefined ? [] : ["-c", `gpg.ssh.allowedSignersFile=${o.allowedSignersFile}`];
  const { stdout } = await git.run([...config, "log", "--no-show-signature", "--no-decorate", "--source", "--format=%H %G? %S", "--stdin"], {
    input,
    ...(o.gnupgHome === undefined ? {} : { env: { GNUPGHOME: o.gnupgHome } }),
  });
  const verified: Verified[] = [];
  for (const line of stdout.toString("latin1").split("\n")) {
    const [oid, status, source] = line.split(" ");
    if (oid === undefined || status === undefined || oid === "") continue;
    const letter = (SIGNATURE_STATUSES as readonly string[]).includes(status) ? (status as SignatureStatus) : "E";
    verified.push({ oid, status: letter, ref: refByTip.get(source ?? "") ?? updates[0]?.name ?? "" });
  }
  return verified.reverse();
}
