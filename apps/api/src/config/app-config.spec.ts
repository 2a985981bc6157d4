import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the shipped defaults are what this test checks
import defaults from '../../../../config/default.json';
import { loadAppConfig } from './app-config';

describe('loadAppConfig', () => {
  it('uses config/default.json when nothing overrides it', () => {
    const config = loadAppConfig({});
    expect(config.upload).toEqual(defaults.upload);
    expect(config.server.port).toBe(3000);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.dataDir).toBe(resolve('./data'));
  });

  it('merges CONFIG_FILE over the defaults key by key, and PORT / DATA_DIR win over both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorm-config-'));
    const file = join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify({ server: { port: 4000 }, upload: { maxPackagesPerSession: 5 } }));
    const config = loadAppConfig({ CONFIG_FILE: file, DATA_DIR: dir });
    expect(config.upload).toEqual({ ...defaults.upload, maxPackagesPerSession: 5 });
    expect(config.server.port).toBe(4000);
    expect(config.server.dataDir).toBe(dir);
    expect(loadAppConfig({ CONFIG_FILE: file, PORT: '4100' }).server.port).toBe(4100);
  });

  it('takes server.host from CONFIG_FILE, and HOST wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scorm-config-'));
    const file = join(dir, 'custom.json');
    writeFileSync(file, JSON.stringify({ server: { host: '127.0.0.1' } }));
    expect(loadAppConfig({ CONFIG_FILE: file }).server.host).toBe('127.0.0.1');
    expect(loadAppConfig({ CONFIG_FILE: file, HOST: '::1' }).server.host).toBe('::1');
    expect(loadAppConfig({ HOST: 'localhost' }).server.host).toBe('localhost');
    expect(loadAppConfig({ CONFIG_FILE: file }).server.port).toBe(3000);
  });

  it('refuses a bad PORT and an unreadable or malformed CONFIG_FILE with a clear message', () => {
    expect(() => loadAppConfig({ PORT: 'eighty' })).toThrow(/PORT must be an integer/);
    expect(() => loadAppConfig({ CONFIG_FILE: '/nonexistent/config.json' })).toThrow(/cannot be read/);
    const dir = mkdtempSync(join(tmpdir(), 'scorm-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    expect(() => loadAppConfig({ CONFIG_FILE: join(dir, 'bad.json') })).toThrow(/not valid JSON/);
  });
});
