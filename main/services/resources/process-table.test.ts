import { describe, expect, it } from 'vitest';
import { parsePsTable, treeMembers } from './process-table';

describe('process table', () => {
  const table = parsePsTable(
    ['    1     0     1', '  100     1   100', '  101   100   100', '  102   101   100', '  150     1   100', '  200     1   200', '  201   200   200', ''].join('\n'),
  );

  it('parses ps rows', () => {
    expect(table).toHaveLength(7);
    expect(table[2]).toEqual({ pid: 101, ppid: 100, pgid: 100 });
  });

  it('finds descendants and orphaned members of the root’s group, and nothing else', () => {
    expect([...treeMembers([100], table)].sort()).toEqual([100, 101, 102, 150]);
    expect([...treeMembers([200], table)].sort()).toEqual([200, 201]);
    expect([...treeMembers([999], table)]).toEqual([999]);
  });
});
