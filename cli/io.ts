/** Where commands write, injectable so tests read what a command printed. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** stdout and stderr, one line per call. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
};

/** An Io that keeps what was written (tests). */
export function memoryIo(): Io & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t) };
}
