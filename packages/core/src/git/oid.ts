/** Object ids of both hash formats: 40-hex SHA-1 and 64-hex SHA-256. */

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const ZERO = /^(?:0{40}|0{64})$/;

export function isOid(value: string): boolean {
  return OID.test(value);
}

/** The all-zero id git uses for "no object" (ref creation, deletion), in either hash format. */
export function isZeroOid(value: string): boolean {
  return ZERO.test(value);
}

export function zeroOid(format: "sha1" | "sha256"): string {
  return "0".repeat(format === "sha256" ? 64 : 40);
}

export function emptyTreeOid(format: "sha1" | "sha256"): string {
  return format === "sha256" ? "6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321" : "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
}
