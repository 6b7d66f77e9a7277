import { describe, expect, it } from 'vitest';
import { PoisonMessage } from '#shared/messages';
import { csvCell, csvColumns, parseExportMessage } from '../../../functions/exportLogs/export.ts';

describe('CSV exports', () => {
  it('quote commas, quotes and line breaks, and anything a spreadsheet would run as a formula', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    for (const formula of ['=1+1', '+1', '-1', '@SUM(A1)']) expect(csvCell(formula)).toBe(`"${formula}"`);
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(3)).toBe('3');
  });

  it('have a column for every field the log’s categories may store', () => {
    expect(csvColumns('admin-actions')).toEqual(
      expect.arrayContaining(['camContext.qToken', 'requestId', 'deadline']),
    );
    expect(csvColumns('security')).toEqual(
      expect.arrayContaining(['serverId', 'containerId', 'configKey', 'version']),
    );
  });

  it('send a message that is not an export straight to the dead-letter queue', () => {
    for (const body of ['', '{', '{}', '{"kind":"log-export","tenantId":"t","exportId":"../x"}'])
      expect(() => parseExportMessage(body)).toThrow(PoisonMessage);
  });
});
