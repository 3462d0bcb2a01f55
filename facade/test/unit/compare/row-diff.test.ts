import { diffBodies } from '../../../src/core/compare/body';
import { compileNormalizers } from '../../../src/core/compare/normalize';
import { redactDifferences } from '../../../src/core/compare/redact';
import { diffRows, ORDER_PATH } from '../../../src/core/compare/row-diff';

const csv = (...rows: string[]): string => `${['order_id,placed_on,total', ...rows].join('\r\n')}\r\n`;
const rows = ['1041,2026-12-01,12.50', '1042,2026-12-02,7.00', '1043,2026-12-03,99.00', '1044,2026-12-03,3.20'];

describe('CSV and TSV answers compared by rows, in any order', () => {
  it('the same rows in another order are one difference of order, not one per line', () => {
    const d = diffRows(csv(...rows), csv(rows[2]!, rows[0]!, rows[3]!, rows[1]!));
    expect(d).toEqual([{ path: ORDER_PATH, kind: 'changed', primary: 2, shadow: 3 }]);
  });

  it('a changed row is named by its key wherever it stands on either side', () => {
    const shuffled = [rows[3]!, '1043,2026-12-03,9.90', rows[1]!, rows[0]!];
    const d = diffRows(csv(...rows), csv(...shuffled))!;
    expect(d.filter((x) => x.path !== ORDER_PATH)).toEqual([{ path: 'text["row 1043"]', kind: 'changed', primary: '1043,2026-12-03,99.00', shadow: '1043,2026-12-03,9.90' }]);
    // a row's path is a path like any other: stored with its values readable, not masked as unreadable
    expect(redactDifferences(d, [], { key: 'k' }).find((x) => x.path !== ORDER_PATH)?.shadow).toBe('1043,2026-12-03,9.90');
    // the same row changed with the rows in the primary's own order: the same field
    expect(diffRows(csv(...rows), csv(rows[0]!, rows[1]!, '1043,2026-12-03,9.90', rows[3]!))).toEqual([
      { path: 'text["row 1043"]', kind: 'changed', primary: '1043,2026-12-03,99.00', shadow: '1043,2026-12-03,9.90' },
    ]);
  });

  it('a row missing, a row more, a header changed, quoted keys and duplicate keys', () => {
    expect(diffRows(csv(...rows), csv(rows[0]!, rows[1]!, rows[3]!))).toEqual([{ path: 'text["row 1043"]', kind: 'removed', primary: rows[2], shadow: undefined }]);
    expect(diffRows(csv(...rows), csv(...rows, '1045,2026-12-04,1.00'))).toEqual([{ path: 'text["row 1045"]', kind: 'added', primary: undefined, shadow: '1045,2026-12-04,1.00' }]);
    expect(diffRows(csv(...rows), `${['order_id;placed_on;total', ...rows].join('\n')}\n`)).toEqual([{ path: 'text[1]', kind: 'changed', primary: 'order_id,placed_on,total', shadow: 'order_id;placed_on;total' }]);
    expect(diffRows('name,n\n"Smith, J.",1\n"Smith, J.",2\n', 'name,n\n"Smith, J.",1\n"Smith, J.",3\n')).toEqual([
      { path: 'text["row Smith, J."]', kind: 'changed', primary: '"Smith, J.",2', shadow: '"Smith, J.",3' },
    ]);
  });

  it('rows that differ only by a time each side stamped are paired by their template, not reported missing', () => {
    const d = diffRows('id\tsynced\n7\t12:00:01\n8\t12:00:02\n', 'id\tsynced\n8\t12:00:09\n7\t12:00:08\n')!;
    expect(d.map((x) => `${x.path} ${x.kind}`).sort()).toEqual([`${ORDER_PATH} changed`, 'text["row 7"] changed', 'text["row 8"] changed']);
  });

  it('is how diffBodies compares two CSV answers (text/csv, TSV), and only those', () => {
    const none = compileNormalizers([]);
    const shuffled = csv(rows[1]!, rows[0]!, rows[3]!, rows[2]!);
    expect(diffBodies({ primary: Buffer.from(csv(...rows)), shadow: Buffer.from(shuffled), primaryType: 'text/csv; charset=utf-8', shadowType: 'text/csv' }, none).map((x) => x.path)).toEqual([ORDER_PATH]);
    // plain text keeps its lines: a log's order is its meaning
    expect(diffBodies({ primary: Buffer.from(csv(...rows)), shadow: Buffer.from(shuffled), primaryType: 'text/plain', shadowType: 'text/plain' }, none).map((x) => x.path)).toContain('text[2]');
  });
});

describe('a large export', () => {
  it('rows sharing one template (ids and times set aside) are matched in linear time, and too many differing rows fall back', () => {
    const uuid = (i: number): string => `9f1c2a7e-1111-4222-8333-${String(i).padStart(12, '0')}`;
    const many = Array.from({ length: 40_000 }, (_, i) => `${uuid(i)},12:00:${String(i % 60).padStart(2, '0')},open`);
    const reversed = [...many].reverse();
    const d = diffRows(`id,at,state\n${many.join('\n')}\n`, `id,at,state\n${reversed.join('\n')}\n`);
    expect(d).toEqual([{ path: ORDER_PATH, kind: 'changed', primary: 2, shadow: 40_001 }]);
    const closed = many.map((r) => r.replace('open', 'closed'));
    expect(diffRows(`id,at,state\n${many.join('\n')}\n`, `id,at,state\n${closed.join('\n')}\n`)).toBeNull();
  });
});
