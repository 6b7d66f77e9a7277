/**
 * Copies everything written to stdout (where the functions' JSON logs go) into `lines`, still
 * printing it; the returned function puts stdout back as it was.
 */
export function teeStdout(lines: string[]): () => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
}
