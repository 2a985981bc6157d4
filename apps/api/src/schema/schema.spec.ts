import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printApiSchema } from './api-schema';

const SCHEMA_FILE = join(__dirname, '..', '..', 'schema.gql');

describe('committed schema.gql', () => {
  it('matches the schema the code builds (run `npm run schema:generate` after changing the API)', async () => {
    const generated = await printApiSchema();
    if (process.env['UPDATE_SCHEMA'] === '1') writeFileSync(SCHEMA_FILE, generated);
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(generated);
  });
});
