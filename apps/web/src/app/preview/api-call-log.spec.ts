import { filterCalls, formatCalls, type ApiCall } from './api-call-log';

function call(seq: number, change: Partial<ApiCall>): ApiCall {
  return {
    seq,
    at: `2026-01-01T00:00:0${seq}.000Z`,
    caller: 'sco',
    itemId: 'item-1',
    method: 'GetValue',
    element: '',
    value: '',
    result: '',
    errorCode: '0',
    ...change,
  };
}

const CALLS = [
  call(1, { method: 'Initialize', result: 'true' }),
  call(2, { method: 'SetValue', element: 'cmi.completion_status', value: 'completed', result: 'true' }),
  call(3, { method: 'GetValue', element: 'cmi.bogus', result: '', errorCode: '401' }),
];

describe('api call log', () => {
  it('filters on element, value or call, ignoring case', () => {
    expect(filterCalls(CALLS, 'COMPLETION').map((c) => c.seq)).toEqual([2]);
    expect(filterCalls(CALLS, 'initialize').map((c) => c.seq)).toEqual([1]);
    expect(filterCalls(CALLS, '  ').map((c) => c.seq)).toEqual([1, 2, 3]);
  });

  it('keeps only failed calls when asked', () => {
    expect(filterCalls(CALLS, '', true).map((c) => c.seq)).toEqual([3]);
  });

  it('copies as one tab-separated line per call with the element, value, return and error code', () => {
    const lines = formatCalls(CALLS).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('#\ttime\tcaller\titem\tcall\tvalue\treturn\terror');
    expect(lines[1]).toBe('1\t2026-01-01T00:00:01.000Z\tsco\titem-1\tInitialize("")\t\ttrue\t0');
    expect(lines[2]).toBe(
      '2\t2026-01-01T00:00:02.000Z\tsco\titem-1\tSetValue("cmi.completion_status")\tcompleted\ttrue\t0',
    );
    expect(lines[3]).toContain('GetValue("cmi.bogus")\t\t\t401');
  });
});
