import { FIND_API_SCRIPT, scriptJson } from './page-helpers';
import { MERGE_OBJECTIVE_PREFIX } from './prerequisite-sequencing';

/**
 * ES5 source of the SCORM 1.2 → 2004 run-time adapter. It defines `createScorm12Adapter(get2004Api)`,
 * which returns an object with the eight SCORM 1.2 API functions implemented on top of a
 * SCORM 2004 API (API_1484_11): `cmi.core.*` → `cmi.*`, lesson_status ↔ completion/success status,
 * scores (with scaled), CMITimespan ↔ ISO 8601 durations, objectives and interactions.
 * Exported separately so unit tests can run it against a fake 2004 API.
 */
export const SCORM12_ADAPTER_SCRIPT = `
function createScorm12Adapter(get2004Api) {
  'use strict';
  var ERRORS = {
    '0': 'No error', '101': 'General exception', '201': 'Invalid argument error',
    '202': 'Element cannot have children', '203': 'Element not an array - cannot have count',
    '301': 'Not initialized', '401': 'Not implemented error',
    '402': 'Invalid set value, element is a keyword', '403': 'Element is read only',
    '404': 'Element is write only', '405': 'Incorrect data type'
  };
  var FROM_2004 = {
    '0': '0', '101': '101', '102': '101', '103': '101', '104': '101', '111': '101',
    '112': '301', '113': '301', '122': '301', '123': '301', '132': '301', '133': '301',
    '142': '301', '143': '301', '201': '201', '301': '101', '351': '101', '391': '101',
    '401': '201', '402': '401', '404': '403', '405': '404', '406': '405', '407': '405', '408': '201'
  };
  var CORE_CHILDREN = 'student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time';
  var READ_ONLY = /^cmi\\.(core\\.(_children|student_id|student_name|credit|entry|total_time|lesson_mode|score\\._children)|launch_data|comments_from_lms|student_data\\..*|(objectives|interactions)\\.(_children|_count)|objectives\\.\\d+\\.score\\._children|interactions\\.\\d+\\.(objectives|correct_responses)\\._count|student_preference\\._children|core\\.score\\._children)$/;
  var api = null;
  var initialized = false;
  var finished = false;
  var lastError = '0';
  var diagnostic = '';
  var interactionTypes = {};

  function fail(code, why) { lastError = String(code); diagnostic = why || ''; return false; }
  function ok() { lastError = '0'; diagnostic = ''; return true; }

  function pad(n, width) { var s = String(n); while (s.length < width) s = '0' + s; return s; }
  function timespanToIso(value) {
    var m = /^(\\d{2,4}):(\\d{2}):(\\d{2})(\\.\\d{1,2})?$/.exec(value);
    if (!m || Number(m[2]) > 59 || Number(m[3]) > 59) return null;
    var h = Number(m[1]), min = Number(m[2]), s = Number(m[3] + (m[4] || ''));
    var out = 'PT';
    if (h) out += h + 'H';
    if (min) out += min + 'M';
    if (s || out === 'PT') out += (Math.round(s * 100) / 100) + 'S';
    return out;
  }
  function isoToTimespan(value) {
    var m = /^P(?:(\\d+(?:\\.\\d+)?)Y)?(?:(\\d+(?:\\.\\d+)?)M)?(?:(\\d+(?:\\.\\d+)?)D)?(?:T(?:(\\d+(?:\\.\\d+)?)H)?(?:(\\d+(?:\\.\\d+)?)M)?(?:(\\d+(?:\\.\\d+)?)S)?)?$/.exec(value || '');
    if (!m) return '0000:00:00.00';
    var seconds = Number(m[1] || 0) * 31536000 + Number(m[2] || 0) * 2592000 + Number(m[3] || 0) * 86400 +
      Number(m[4] || 0) * 3600 + Number(m[5] || 0) * 60 + Number(m[6] || 0);
    var cs = Math.round(seconds * 100);
    var h = Math.floor(cs / 360000);
    if (h > 9999) return '9999:59:59.99';
    cs -= h * 360000;
    var min = Math.floor(cs / 6000);
    cs -= min * 6000;
    return pad(h, 4) + ':' + pad(min, 2) + ':' + pad(Math.floor(cs / 100), 2) + '.' + pad(cs % 100, 2);
  }
  function timeToTimestamp(value) {
    var m = /^(\\d{2}):(\\d{2}):(\\d{2})(\\.\\d{1,2})?$/.exec(value);
    if (!m) return null;
    var d = new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1, 2) + '-' + pad(d.getDate(), 2) + 'T' + m[1] + ':' + m[2] + ':' + m[3] + (m[4] || '');
  }
  function isDecimal(value) { return /^-?\\d+(\\.\\d+)?$/.test(String(value)); }

  function lmsGet(element) {
    var value = api.GetValue(element);
    var code = String(api.GetLastError());
    if (code === '0' || code === '' || code === '403') { ok(); return code === '403' ? '' : String(value); }
    fail(FROM_2004[code] || '101', String(api.GetDiagnostic(code)));
    return '';
  }
  function lmsSet(element, value) {
    if (String(api.SetValue(element, String(value))) === 'true') return ok();
    var code = String(api.GetLastError());
    return fail(FROM_2004[code] || '101', String(api.GetDiagnostic(code)));
  }
  function statusFrom(success, completion) {
    if (success === 'passed' || success === 'failed') return success;
    if (completion === 'completed' || completion === 'incomplete') return completion;
    return 'not attempted';
  }
  function setStatus(prefix, value) {
    switch (value) {
      case 'passed': case 'failed':
        return lmsSet(prefix + 'success_status', value) && lmsSet(prefix + 'completion_status', 'completed');
      case 'completed': case 'browsed':
        return lmsSet(prefix + 'completion_status', 'completed');
      case 'incomplete':
        return lmsSet(prefix + 'completion_status', 'incomplete');
      case 'not attempted':
        return lmsSet(prefix + 'completion_status', 'not attempted');
      default:
        return fail(405, 'Not a SCORM 1.2 lesson status: ' + value);
    }
  }
  function updateScaled() {
    var raw = lmsGet('cmi.score.raw');
    if (!isDecimal(raw)) return ok();
    var passing = lmsGet('cmi.scaled_passing_score');
    var min = lmsGet('cmi.score.min');
    var max = lmsGet('cmi.score.max');
    var scaled;
    // A 1.2 masteryscore compares with the raw score (0-100), so keep that scale when one exists.
    if (!isDecimal(passing) && isDecimal(min) && isDecimal(max) && Number(max) > Number(min)) {
      scaled = (Number(raw) - Number(min)) / (Number(max) - Number(min));
    } else {
      scaled = Number(raw) / 100;
    }
    scaled = Math.max(-1, Math.min(1, Math.round(scaled * 10000) / 10000));
    lmsSet('cmi.score.scaled', String(scaled));
    return ok();
  }
  function countOf(prefix) { var n = Number(lmsGet(prefix + '._count')); return isNaN(n) ? 0 : n; }
  // Objectives the merge added (prerequisites) are listed by the LMS but are not the SCO's: hidden,
  // so the SCO's own objectives keep the indexes it expects.
  var mergeObjectivePrefix = ${scriptJson(MERGE_OBJECTIVE_PREFIX)};
  var listedObjectives = 0;
  var scoObjectiveIndexes = [];
  function readListedObjectives() {
    listedObjectives = countOf('cmi.objectives');
    scoObjectiveIndexes = [];
    for (var i = 0; i < listedObjectives; i++) {
      if (lmsGet('cmi.objectives.' + i + '.id').indexOf(mergeObjectivePrefix) !== 0) scoObjectiveIndexes.push(i);
    }
  }
  function objectivePrefix(index) {
    var n = Number(index);
    var at = n < scoObjectiveIndexes.length ? scoObjectiveIndexes[n] : listedObjectives + n - scoObjectiveIndexes.length;
    return 'cmi.objectives.' + at + '.';
  }
  function objectiveCount() {
    var count = countOf('cmi.objectives') - (listedObjectives - scoObjectiveIndexes.length);
    ok();
    return String(count);
  }
  function joinComments(prefix) {
    var parts = [];
    var n = countOf(prefix);
    for (var i = 0; i < n; i++) parts.push(lmsGet(prefix + '.' + i + '.comment'));
    ok();
    return parts.join('\\n');
  }
  function convertResponse(type, value) {
    if (type === 'true-false') {
      if (value === 't' || value === '1') return 'true';
      if (value === 'f' || value === '0') return 'false';
      return value;
    }
    if (type === 'choice' || type === 'sequencing') return value.replace(/^\\{|\\}$/g, '').split(',').join('[,]');
    if (type === 'matching') {
      return value.replace(/^\\{|\\}$/g, '').split(',').map(function (pair) { return pair.split('.').join('[.]'); }).join('[,]');
    }
    return value;
  }

  function getValue(element) {
    var m;
    switch (element) {
      case 'cmi.core._children': ok(); return CORE_CHILDREN;
      case 'cmi.core.student_id': return lmsGet('cmi.learner_id');
      case 'cmi.core.student_name': return lmsGet('cmi.learner_name');
      case 'cmi.core.lesson_location': return lmsGet('cmi.location');
      case 'cmi.core.credit': return lmsGet('cmi.credit');
      case 'cmi.core.lesson_status': {
        var success = lmsGet('cmi.success_status');
        var status = statusFrom(success, lmsGet('cmi.completion_status'));
        if (status === 'not attempted' && lmsGet('cmi.mode') === 'browse') status = 'browsed';
        ok();
        return status;
      }
      case 'cmi.core.entry': return lmsGet('cmi.entry');
      case 'cmi.core.score._children': ok(); return 'raw,min,max';
      case 'cmi.core.score.raw': return lmsGet('cmi.score.raw');
      case 'cmi.core.score.min': return lmsGet('cmi.score.min');
      case 'cmi.core.score.max': return lmsGet('cmi.score.max');
      case 'cmi.core.total_time': return isoToTimespan(lmsGet('cmi.total_time'));
      case 'cmi.core.lesson_mode': return lmsGet('cmi.mode');
      case 'cmi.core.exit': case 'cmi.core.session_time': fail(404, element + ' is write only'); return '';
      case 'cmi.suspend_data': return lmsGet('cmi.suspend_data');
      case 'cmi.launch_data': return lmsGet('cmi.launch_data');
      case 'cmi.comments': return joinComments('cmi.comments_from_learner');
      case 'cmi.comments_from_lms': return joinComments('cmi.comments_from_lms');
      case 'cmi.student_data._children': ok(); return 'mastery_score,max_time_allowed,time_limit_action';
      case 'cmi.student_data.mastery_score': {
        var passing = lmsGet('cmi.scaled_passing_score');
        ok();
        return isDecimal(passing) ? String(Math.round(Number(passing) * 10000) / 100) : '';
      }
      case 'cmi.student_data.max_time_allowed': {
        var limit = lmsGet('cmi.max_time_allowed');
        ok();
        return limit ? isoToTimespan(limit) : '';
      }
      case 'cmi.student_data.time_limit_action': return lmsGet('cmi.time_limit_action');
      case 'cmi.student_preference._children': ok(); return 'audio,language,speed,text';
      case 'cmi.student_preference.audio': {
        var level = lmsGet('cmi.learner_preference.audio_level');
        return isDecimal(level) ? String(Number(level) === 0 ? -1 : Math.min(100, Math.round(Number(level) * 50))) : level;
      }
      case 'cmi.student_preference.language': return lmsGet('cmi.learner_preference.language');
      case 'cmi.student_preference.speed': {
        var speed = lmsGet('cmi.learner_preference.delivery_speed');
        return isDecimal(speed) ? String(Math.max(-100, Math.min(100, Math.round((Number(speed) - 1) * 100)))) : speed;
      }
      case 'cmi.student_preference.text': return lmsGet('cmi.learner_preference.audio_captioning');
      case 'cmi.objectives._children': ok(); return 'id,score,status';
      case 'cmi.objectives._count': return objectiveCount();
      case 'cmi.interactions._children': ok(); return 'id,objectives,time,type,correct_responses,weighting,student_response,result,latency';
      case 'cmi.interactions._count': return lmsGet('cmi.interactions._count');
    }
    if ((m = /^cmi\\.objectives\\.(\\d+)\\.(id|score\\.raw|score\\.min|score\\.max)$/.exec(element))) {
      return lmsGet(objectivePrefix(m[1]) + m[2]);
    }
    if ((m = /^cmi\\.objectives\\.(\\d+)\\.score\\._children$/.exec(element))) { ok(); return 'raw,min,max'; }
    if ((m = /^cmi\\.objectives\\.(\\d+)\\.status$/.exec(element))) {
      var p = objectivePrefix(m[1]);
      var objectiveStatus = statusFrom(lmsGet(p + 'success_status'), lmsGet(p + 'completion_status'));
      ok();
      return objectiveStatus;
    }
    if ((m = /^cmi\\.interactions\\.(\\d+)\\.(objectives|correct_responses)\\._count$/.exec(element))) {
      return lmsGet(element);
    }
    if (/^cmi\\.interactions\\.\\d+\\./.test(element)) { fail(404, element + ' is write only'); return ''; }
    fail(201, element + ' is not a SCORM 1.2 data model element');
    return '';
  }

  function setValue(element, value) {
    var m;
    if (READ_ONLY.test(element)) return fail(403, element + ' is read only');
    switch (element) {
      case 'cmi.core.lesson_location': return lmsSet('cmi.location', value);
      case 'cmi.core.lesson_status': return setStatus('cmi.', value);
      case 'cmi.core.score.raw':
      case 'cmi.core.score.min':
      case 'cmi.core.score.max':
        if (value !== '' && !isDecimal(value)) return fail(405, 'Not a number: ' + value);
        return lmsSet('cmi.score.' + element.slice(15), value) && updateScaled();
      case 'cmi.core.exit':
        if (['', 'time-out', 'suspend', 'logout'].indexOf(value) === -1) return fail(405, 'Not a SCORM 1.2 exit value: ' + value);
        return lmsSet('cmi.exit', value);
      case 'cmi.core.session_time': {
        var iso = timespanToIso(value);
        return iso ? lmsSet('cmi.session_time', iso) : fail(405, 'Not a CMITimespan: ' + value);
      }
      case 'cmi.suspend_data': return lmsSet('cmi.suspend_data', value);
      case 'cmi.comments': return lmsSet('cmi.comments_from_learner.' + countOf('cmi.comments_from_learner') + '.comment', value);
      case 'cmi.student_preference.audio':
        if (!isDecimal(value)) return fail(405, 'Not a number: ' + value);
        // 1.2: -1 off, 0 no change, 1-100 volume; 2004: 0 off, 1 default level.
        return lmsSet('cmi.learner_preference.audio_level', String(Number(value) < 0 ? 0 : Number(value) === 0 ? 1 : Number(value) / 50));
      case 'cmi.student_preference.language': return lmsSet('cmi.learner_preference.language', value);
      case 'cmi.student_preference.speed':
        if (!isDecimal(value)) return fail(405, 'Not a number: ' + value);
        return lmsSet('cmi.learner_preference.delivery_speed', String(Math.max(0.01, 1 + Number(value) / 100)));
      case 'cmi.student_preference.text': return lmsSet('cmi.learner_preference.audio_captioning', value);
    }
    if ((m = /^cmi\\.objectives\\.(\\d+)\\.(id|score\\.raw|score\\.min|score\\.max)$/.exec(element))) {
      return lmsSet(objectivePrefix(m[1]) + m[2], value);
    }
    if ((m = /^cmi\\.objectives\\.(\\d+)\\.status$/.exec(element))) return setStatus(objectivePrefix(m[1]), value);
    if ((m = /^cmi\\.interactions\\.(\\d+)\\.(.+)$/.exec(element))) {
      var base = 'cmi.interactions.' + m[1] + '.';
      var field = m[2];
      var sub;
      switch (field) {
        case 'id': case 'weighting': return lmsSet(base + field, value);
        case 'type': interactionTypes[m[1]] = value; return lmsSet(base + 'type', value);
        case 'time': {
          var stamp = timeToTimestamp(value);
          return stamp ? lmsSet(base + 'timestamp', stamp) : fail(405, 'Not a CMITime: ' + value);
        }
        case 'latency': {
          var latency = timespanToIso(value);
          return latency ? lmsSet(base + 'latency', latency) : fail(405, 'Not a CMITimespan: ' + value);
        }
        case 'student_response': return lmsSet(base + 'learner_response', convertResponse(interactionTypes[m[1]], value));
        case 'result': return lmsSet(base + 'result', value === 'wrong' ? 'incorrect' : value);
      }
      if ((sub = /^objectives\\.(\\d+)\\.id$/.exec(field))) return lmsSet(base + field, value);
      if ((sub = /^correct_responses\\.(\\d+)\\.pattern$/.exec(field))) {
        return lmsSet(base + field, convertResponse(interactionTypes[m[1]], value));
      }
    }
    if (/^cmi\\./.test(element)) return fail(201, element + ' is not a writable SCORM 1.2 data model element');
    return fail(201, 'Unknown element: ' + element);
  }

  function finish() {
    if (!initialized || finished) return false;
    finished = true;
    if (String(api.Terminate('')) === 'true') return ok();
    var code = String(api.GetLastError());
    return fail(FROM_2004[code] || '101', String(api.GetDiagnostic(code)));
  }

  return {
    LMSInitialize: function (parameter) {
      if (parameter !== '' && parameter !== undefined && parameter !== null) { fail(201, 'The parameter must be empty'); return 'false'; }
      if (initialized) { fail(101, 'Already initialized'); return 'false'; }
      api = get2004Api();
      if (!api) { fail(101, 'No SCORM 2004 API (API_1484_11) was found'); return 'false'; }
      if (String(api.Initialize('')) !== 'true') {
        var code = String(api.GetLastError());
        fail(FROM_2004[code] || '101', String(api.GetDiagnostic(code)));
        return 'false';
      }
      initialized = true;
      readListedObjectives();
      ok();
      return 'true';
    },
    LMSFinish: function (parameter) {
      if (parameter !== '' && parameter !== undefined && parameter !== null) { fail(201, 'The parameter must be empty'); return 'false'; }
      if (!initialized || finished) { fail(301, 'Not initialized'); return 'false'; }
      return finish() ? 'true' : 'false';
    },
    LMSGetValue: function (element) {
      if (!initialized || finished) { fail(301, 'Not initialized'); return ''; }
      return getValue(String(element));
    },
    LMSSetValue: function (element, value) {
      if (!initialized || finished) { fail(301, 'Not initialized'); return 'false'; }
      return setValue(String(element), value === undefined || value === null ? '' : String(value)) ? 'true' : 'false';
    },
    LMSCommit: function (parameter) {
      if (parameter !== '' && parameter !== undefined && parameter !== null) { fail(201, 'The parameter must be empty'); return 'false'; }
      if (!initialized || finished) { fail(301, 'Not initialized'); return 'false'; }
      if (String(api.Commit('')) === 'true') { ok(); return 'true'; }
      var code = String(api.GetLastError());
      fail(FROM_2004[code] || '101', String(api.GetDiagnostic(code)));
      return 'false';
    },
    LMSGetLastError: function () { return lastError; },
    LMSGetErrorString: function (code) { return ERRORS[String(code)] || ''; },
    LMSGetDiagnostic: function (code) {
      if (code === undefined || code === null || code === '' || String(code) === lastError) return diagnostic || ERRORS[lastError] || '';
      return ERRORS[String(code)] || '';
    },
    /** Ends the 2004 session if the SCO never called LMSFinish (the page is going away). */
    _finishIfOpen: function () { finish(); }
  };
}
`;

/**
 * The adapter page a SCORM 1.2 SCO is launched through in a SCORM 2004 course. It provides
 * `window.API` (SCORM 1.2) on top of the LMS's API_1484_11 and shows the original launch page,
 * unchanged, in a full-window frame. `?sco=<resource id>` picks the page from a fixed list (no
 * arbitrary URLs); any other query parameters (item `parameters`) and the fragment are passed on.
 *
 * @param launches resource id → launch URL relative to the zip root (query string kept)
 */
export function renderScorm12Adapter(launches: ReadonlyMap<string, string>): string {
  const targets: Record<string, string> = {};
  for (const [id, href] of launches) {
    targets[id] = /^([a-z][a-z0-9+.-]*:|\/)/i.test(href) ? href : `../${href}`;
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Course content</title>
  <style>
    html, body { margin: 0; height: 100%; overflow: hidden; background: #fff; }
    iframe { position: fixed; inset: 0; width: 100%; height: 100%; border: 0; display: block; }
    p { font: 1rem/1.5 system-ui, sans-serif; margin: 2rem; }
  </style>
</head>
<body>
  <script>
${SCORM12_ADAPTER_SCRIPT}
  (function () {
    'use strict';
    var TARGETS = ${scriptJson(targets)};
${FIND_API_SCRIPT}
    var adapter = createScorm12Adapter(function () { return findScormApi('API_1484_11'); });
    window.API = adapter;

    var query = window.location.search.replace(/^\\?/, '').split('&');
    var sco = null;
    var passOn = [];
    for (var i = 0; i < query.length; i++) {
      if (!query[i]) continue;
      var eq = query[i].indexOf('=');
      var key = decodeURIComponent(eq === -1 ? query[i] : query[i].slice(0, eq));
      if (key === 'sco' && sco === null) sco = decodeURIComponent(query[i].slice(eq + 1));
      else passOn.push(query[i]);
    }
    var target = sco !== null && Object.prototype.hasOwnProperty.call(TARGETS, sco) ? TARGETS[sco] : null;
    if (target === null) {
      document.body.insertAdjacentHTML('beforeend', '<p role="alert">This activity could not be found in the course.</p>');
      return;
    }
    if (passOn.length > 0) {
      var hashAt = target.indexOf('#');
      var hash = hashAt === -1 ? '' : target.slice(hashAt);
      var head = hashAt === -1 ? target : target.slice(0, hashAt);
      target = head + (head.indexOf('?') === -1 ? '?' : '&') + passOn.join('&') + hash;
    }
    if (window.location.hash && target.indexOf('#') === -1) target += window.location.hash;

    var frame = document.createElement('iframe');
    frame.title = 'Course content';
    frame.setAttribute('allow', 'fullscreen; autoplay; clipboard-write');
    frame.setAttribute('allowfullscreen', '');
    frame.src = target;
    document.body.appendChild(frame);

    var closed = false;
    function close() {
      if (closed) return;
      closed = true;
      // Unload the SCO first, so its own unload handler can still report and call LMSFinish.
      try { if (frame.parentNode) frame.parentNode.removeChild(frame); } catch (e) { /* already gone */ }
      adapter._finishIfOpen();
    }
    window.addEventListener('pagehide', close);
    window.addEventListener('unload', close);
  })();
  </script>
</body>
</html>
`;
}
