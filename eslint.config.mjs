import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/.angular', '**/tmp', '**/test-output', '**/bench-output'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web'] },
            {
              // The SCORM core is framework-free, so the CLI and any other host can use it as it is.
              sourceTag: 'scope:scorm',
              onlyDependOnLibsWithTags: ['scope:scorm'],
              bannedExternalImports: [
                '@nestjs/*',
                'typeorm',
                'better-sqlite3',
                'pg',
                'ioredis',
                'bullmq',
                'graphql',
                'graphql-*',
                '@apollo/*',
                '@angular/*',
                'rxjs',
                'openai',
                'express',
              ],
            },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:scorm'] },
            { sourceTag: 'scope:packages', onlyDependOnLibsWithTags: ['scope:packages', 'scope:scorm'] },
            {
              sourceTag: 'scope:descriptions',
              onlyDependOnLibsWithTags: ['scope:packages', 'scope:descriptions', 'scope:scorm'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Project ESLint configs extend the root one by relative import; that is not a module dependency.
    files: ['**/eslint.config.mjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
];
