/** One step of the demo: what it does, what it should come to, and how it is printed. */
import type { Style } from "@shipgate/core";
import { indent } from "./shell.js";

export interface Step {
  title: string;
  /** The outcome that shows shipgate working: "refused", "accepted", "promoted", "rolled back to v3"... */
  expect: string;
  run(): Promise<{ outcome: string; output: string }>;
  /** What to show once the step ran (the file committed, the app answering). */
  after?(): Promise<string>;
}

export interface Printer {
  write(text: string): void;
  style: Style;
}

/**
 * Runs the steps in order and prints each one; returns how many did not come out as expected. With `chained`, each step
 * builds on the one before, so the first that goes wrong ends the run (what follows would only fail for the same reason).
 */
export async function runSteps(steps: readonly Step[], out: Printer, stopped: () => boolean, chained: boolean): Promise<number> {
  const s = out.style;
  let failures = 0;
  for (const step of steps) {
    if (stopped()) break;
    out.write(`\n${s.bold(`▶ ${step.title}`)}\n`);
    let outcome: string;
    try {
      const result = await step.run();
      out.write(indent(result.output));
      outcome = stopped() ? "stopped" : result.outcome;
      if (step.after && !stopped()) out.write(indent(await step.after()));
    } catch (error) {
      outcome = `failed: ${(error as Error).message}`;
    }
    const ok = outcome === step.expect;
    if (!ok) failures++;
    out.write(`  ${ok ? s.green(`✔ ${outcome}, as it should be`) : s.red(`✖ ${outcome}, expected ${step.expect}`)}\n`);
    if ((!ok && chained) || stopped()) break;
  }
  return failures;
}
