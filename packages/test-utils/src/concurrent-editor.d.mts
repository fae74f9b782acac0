/** Types of concurrent-editor.mjs (plain JavaScript so that the benchmarks can load it too). */
export interface EditJournalEntry {
  /** Content of the last rewrite, truncation ("") or atomic save; null when the file was only appended to. */
  reset: string | null;
  /** Lines appended since the last reset. */
  appended: string[];
  saves: number;
}
export type EditJournal = Map<string, EditJournalEntry>;

export interface EditCheck {
  files: number;
  saves: number;
  bytesSaved: number;
  bytesLost: number;
  wrong: { path: string; lost: number; final: string; expectedTail: string }[];
}

export function seededRandom(seed: number): () => number;
export function fixerStarted(gitDir: string): boolean;
export function startEditing(options: { dir: string; paths: readonly string[]; seed: number; startWhen?: () => boolean }): { stop(): Promise<EditJournal> };
export function readBlobs(dir: string, env: NodeJS.ProcessEnv, specs: readonly string[]): Map<string, Buffer>;
export function checkEdits(journal: EditJournal, sources: { read(path: string): Buffer; staged(path: string): Buffer; fixed(path: string): Buffer }): EditCheck;
