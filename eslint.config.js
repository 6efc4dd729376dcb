// Type-aware lint that keeps the boundaries of the codebase: run by `npm test` with no warnings allowed.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const capabilities = ['registry', 'identity', 'filing', 'supervision', 'standard', 'demo', 'rulebook', 'monitoring', 'screening', 'privacy', 'credit', 'complaints', 'evidence', 'mediation'];

/**
 * The unified data standard's domain tables (src/standard/domain.schema.ts) are the published shape of
 * filed data: filing writes them and every supervisory capability reads them in SQL, as the design's
 * "domain tables" step says. They are the standard's, not a capability's private store.
 */
const sharedSchemas = ['../standard/domain.schema.js', '../../standard/domain.schema.js'];

/** Import patterns that reach into another folder's store or schema, from one or two levels down. */
const foreignInternals = ['../*/*.store.js', '../*/*.schema.js', '../../*/*.store.js', '../../*/*.schema.js'];

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'data/', 'bench/tmp/', 'coverage/', 'test-results/', 'scratch/', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // Suppressions must say why (`-- reason`).
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The platform is what every capability stands on: it knows none of them, nor the HTTP assembly.
    files: ['src/platform/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...capabilities.flatMap((c) => [`../${c}/*`, `../../${c}/*`]), '../api/*', '../../api/*'],
              message: 'The platform imports no capability and nothing from src/api.',
            },
          ],
        },
      ],
    },
  },
  {
    // A capability reads another only through its service, never its store or schema.
    files: capabilities.map((c) => `src/${c}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: [...foreignInternals, ...sharedSchemas.map((p) => `!${p}`)], message: 'Read another capability through its service, not its store or schema.' }] },
      ],
    },
  },
  {
    // A capability's routes are a plugin given only the services it uses: never the whole set from src/api.
    files: capabilities.map((c) => `src/${c}/**/*.routes.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [...foreignInternals, ...sharedSchemas.map((p) => `!${p}`)], message: 'Read another capability through its service, not its store or schema.' },
            { group: ['../api/*', '../../api/*'], message: 'Routes receive the services they use as arguments; they import nothing from src/api.' },
          ],
        },
      ],
    },
  },
);
