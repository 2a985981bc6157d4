// The inspection worker's own entry point: only the SCORM core, none of the Nest modules.
export { serveInspections } from './lib/scorm/inspection-worker';
