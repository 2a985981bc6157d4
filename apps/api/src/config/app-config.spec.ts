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

  it('selects the embedded SQLite database without DATABASE_URL, PostgreSQL with a postgres:// one', () => {
    expect(loadAppConfig({}).server.databaseUrl).toBe('');
    const url = 'postgres://app:secret@db.internal:5432/scorm';
    expect(loadAppConfig({ DATABASE_URL: url }).server.databaseUrl).toBe(url);
    expect(loadAppConfig({ DATABASE_URL: 'postgresql://db/scorm' }).server.databaseUrl).toBe(
      'postgresql://db/scorm',
    );
  });

  it('refuses to start with a DATABASE_URL that names no PostgreSQL database', () => {
    expect(() => loadAppConfig({ DATABASE_URL: 'mysql://db/scorm' })).toThrow(
      /DATABASE_URL must be a PostgreSQL URL/,
    );
    expect(() => loadAppConfig({ DATABASE_URL: './data/scorm.sqlite' })).toThrow(
      /or unset for the embedded SQLite database/,
    );
  });

  it('selects Redis with REDIS_URL, and refuses it without DATABASE_URL: a SQLite file cannot be shared', () => {
    expect(loadAppConfig({}).redisUrl).toBeNull();
    expect(loadAppConfig({}).jobs.stalledAfterMs).toBe(30000);
    const both = loadAppConfig({ DATABASE_URL: 'postgres://db/scorm', REDIS_URL: 'redis://cache:6379' });
    expect(both.redisUrl).toBe('redis://cache:6379');
    expect(() => loadAppConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(
      /REDIS_URL needs DATABASE_URL: .*SQLite file cannot be shared/,
    );
  });
});
