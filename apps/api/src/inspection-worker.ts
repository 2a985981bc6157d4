import { serveInspections } from '@scorm-merge/scorm/inspection-worker';
import { parentPort } from 'node:worker_threads';

// Bundled as its own file (see webpack.config.js); the server starts it as a worker thread.
if (!parentPort) throw new Error('inspection-worker.js runs as a worker thread of the server');
serveInspections(parentPort);
