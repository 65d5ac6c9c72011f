import { createInterface } from 'node:readline';

/** Asks one question at the terminal (stderr, so --json stdout stays clean); null without a TTY. */
export async function ask(question: string): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}
