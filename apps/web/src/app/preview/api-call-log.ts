/** One call on the SCORM API, as SCORM Cloud's debug log shows it. */
export interface ApiCall {
  /** Order of the call in this preview, from 1. */
  seq: number;
  /** ISO time of the call. */
  at: string;
  /** Who called: the SCO in the frame, or the player itself (Continue, Exit, a choice). */
  caller: 'sco' | 'player';
  /** The item whose SCO was open. */
  itemId: string | null;
  method: string;
  /** The data-model element for GetValue/SetValue, else empty. */
  element: string;
  /** The value set, or the argument of the other calls. */
  value: string;
  /** What the call returned. */
  result: string;
  /** The API's last error code after the call ("0": none). */
  errorCode: string;
}

/** Calls whose method, element, value or result contains `text` (case-insensitive); errors only if asked. */
export function filterCalls(calls: readonly ApiCall[], text: string, errorsOnly = false): ApiCall[] {
  const needle = text.trim().toLowerCase();
  return calls.filter((call) => {
    if (errorsOnly && call.errorCode === '0') return false;
    if (!needle) return true;
    return [call.method, call.element, call.value, call.result, call.itemId ?? ''].some((field) =>
      field.toLowerCase().includes(needle),
    );
  });
}

/** One line per call, tab-separated, to paste into an issue or a spreadsheet. */
export function formatCalls(calls: readonly ApiCall[]): string {
  const header = ['#', 'time', 'caller', 'item', 'call', 'value', 'return', 'error'].join('\t');
  const lines = calls.map((call) =>
    [
      call.seq,
      call.at,
      call.caller,
      call.itemId ?? '',
      call.element ? `${call.method}("${call.element}")` : `${call.method}(${quoted(call.value)})`,
      call.element ? call.value : '',
      call.result,
      call.errorCode,
    ].join('\t'),
  );
  return [header, ...lines].join('\n');
}

function quoted(value: string): string {
  return value === '' ? '""' : `"${value}"`;
}
