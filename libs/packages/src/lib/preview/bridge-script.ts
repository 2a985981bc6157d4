import { SCORM12_ADAPTER_SCRIPT } from '@scorm-merge/scorm';
import { readFileSync } from 'node:fs';

/**
 * The bridge served from the content origin: scorm-again's CrossFrameAPI as `window.API_1484_11`,
 * posting every call to the top window (the player, which answers with scorm-again's CrossFrameLMS)
 * and only to the app origin named on its script tag. `window.API` (1.2) is the same CrossFrameAPI
 * in a 1.2 course; in a 2004 course it is the merge's 1.2 → 2004 adapter over it, as the merged
 * course's adapter page would give a 1.2 SCO (which, framed in a sandbox, cannot reach that page).
 */
export function bridgeScript(crossFrameApiScript: string): string {
  const crossFrameApi = readFileSync(crossFrameApiScript, 'utf8').replace(/\/\/# sourceMappingURL=.*$/m, '');
  return `${crossFrameApi}
${SCORM12_ADAPTER_SCRIPT}
;(function () {
  'use strict';
  var script = document.currentScript;
  var appOrigin = (script && script.getAttribute('data-app-origin')) || '';
  var family = script && script.getAttribute('data-scorm-family');
  if (!appOrigin || window.top === window || typeof CrossFrameAPI !== 'function') return;
  var api = new CrossFrameAPI(appOrigin, window.top);
  var bridged = {
    API_1484_11: api,
    API: family === '2004' ? createScorm12Adapter(function () { return api; }) : api,
  };
  // A SCO that declares \`var API = null;\` (or keeps its own API in that global) writes over the name
  // before it searches: its own value wins, and null falls back to the bridge.
  Object.keys(bridged).forEach(function (name) {
    var own = null;
    Object.defineProperty(window, name, {
      configurable: true,
      get: function () { return own == null ? bridged[name] : own; },
      set: function (value) { own = value; },
    });
  });
  // ADL's discovery code starts at window.parent, which in the sandbox is a cross-origin window that
  // throws on every read. \`parent\` is [Replaceable], so such a document gets a stand-in parent that
  // holds the bridge and is its own parent, which ends any search there.
  var parentReadable = true;
  try {
    void window.parent.API_1484_11;
  } catch (error) {
    parentReadable = false;
  }
  if (!parentReadable) {
    var standIn = { API_1484_11: window.API_1484_11, API: bridged.API };
    standIn.parent = standIn;
    standIn.top = standIn;
    Object.defineProperty(window, 'parent', { configurable: true, value: standIn });
  }
})();
`;
}
