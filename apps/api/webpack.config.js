const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('path');

module.exports = {
  output: {
    path: join(__dirname, '../../dist/apps/api'),
    clean: true,
    ...(process.env.NODE_ENV !== 'production' && {
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    }),
  },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      // Parses uploaded packages off the event loop (see InspectionWorker).
      additionalEntryPoints: [{ entryName: 'inspection-worker', entryPath: './src/inspection-worker.ts' }],
      tsConfig: './tsconfig.app.json',
      // The preview's LMS bridge wraps it; scorm-again is a devDependency, so the build carries the file.
      assets: [{ input: 'node_modules/scorm-again/dist', glob: 'cross-frame-api.min.js', output: 'preview' }],
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      sourceMap: true,
    }),
  ],
};
