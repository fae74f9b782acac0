/** Byte sizes as users write them: 500000, "500 KB", "5MB", "1.5 GiB". */

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseSize(value: number | string): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.floor(value) : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return null;
  const unit = (match[2] ?? "").toLowerCase() || "b";
  const factor = UNITS[unit];
  return factor === undefined ? null : Math.floor(Number(match[1]) * factor);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? "TiB"}`;
}

/**
 * A size and a limit in the unit the user wrote the limit in ("2.4 MB" over "2 MB"; bytes for a plain number), with
 * enough decimals that a size just over the limit does not read as equal to it.
 */
export function formatSizeAgainst(bytes: number, limit: number | string): { size: string; limit: string } {
  const written = typeof limit === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(limit) : null;
  const unit = written?.[2] ?? "";
  const factor = UNITS[unit.toLowerCase()];
  if (written === null || unit === "" || factor === undefined || factor === 1) {
    const limitBytes = parseSize(limit) ?? 0;
    return { size: `${bytes} bytes`, limit: `${limitBytes}-byte` };
  }
  const limitValue = Number(written[1]);
  for (let digits = 1; digits <= 3; digits++) {
    const shown = Number((bytes / factor).toFixed(digits));
    if (shown !== limitValue || bytes === limitValue * factor) return { size: `${shown} ${unit}`, limit: `${written[1]} ${unit}` };
  }
  return { size: `${bytes} bytes`, limit: `${written[1]} ${unit}` };
}
