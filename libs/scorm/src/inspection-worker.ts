// The inspection worker's own entry point: only the SCORM core, none of the Nest modules.
export { serveInspections } from './lib/inspection/inspection-worker';
