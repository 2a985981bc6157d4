/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside an inline <script> (no `</script>`, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * ES5 source of `findScormApi(name)`: the SCORM API discovery algorithm. It walks from this
 * window up the parent frames (at most 500), then the opener's frames, and tolerates cross-origin frames.
 */
export const FIND_API_SCRIPT = `
  function findApiIn(win, name) {
    var tries = 0;
    try {
      while (win && !win[name] && win.parent && win.parent !== win && tries < 500) {
        tries++;
        win = win.parent;
      }
      return win && win[name] ? win[name] : null;
    } catch (e) {
      return null;
    }
  }
  function findScormApi(name) {
    var api = findApiIn(window, name);
    try {
      if (!api && window.opener) api = findApiIn(window.opener, name);
      if (!api && window.top && window.top.opener) api = findApiIn(window.top.opener, name);
    } catch (e) {
      api = api || null;
    }
    return api;
  }
`;
