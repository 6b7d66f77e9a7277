import type { SourceProblem } from './mapping.ts';

// The body of an Auth0 Custom Webhook log stream in any of its content formats: JSON array
// (JSONARRAY), JSON lines (JSONLINES: one log per line) or a single JSON object (JSONOBJECT).
// Pointers into JSON lines use the position of the log among the non-blank lines, so `/2/data/ip`
// means the same log whichever format carried it.

export interface Auth0Body {
  logs: unknown[];
  problems: SourceProblem[];
}

/** The logs of a log-stream body, or the problems that keep it from being one. */
export function parseAuth0Body(text: string): Auth0Body {
  if (text.trim() === '') return { logs: [], problems: [{ pointer: '', detail: 'the body is empty' }] };
  try {
    const whole: unknown = JSON.parse(text);
    if (Array.isArray(whole)) return { logs: whole, problems: [] };
    if (typeof whole === 'object' && whole !== null) return { logs: [whole], problems: [] };
    return {
      logs: [],
      problems: [{ pointer: '', detail: 'the body must be a JSON array, JSON lines or one JSON object' }],
    };
  } catch {
    return parseJsonLines(text);
  }
}

function parseJsonLines(text: string): Auth0Body {
  const logs: unknown[] = [];
  const problems: SourceProblem[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, number) => {
    if (line.trim() === '') return;
    const index = logs.length;
    try {
      logs.push(JSON.parse(line));
    } catch {
      // Kept in place so the indexes of the following logs stay those of their lines.
      logs.push(undefined);
      problems.push({
        pointer: `/${index}`,
        detail: `line ${number + 1} is not JSON (the body is neither a JSON array nor JSON lines)`,
      });
    }
  });
  return { logs, problems };
}
