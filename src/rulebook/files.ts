/**
 * Reading the rulebook's files: `rules/national/*.yaml`, `rules/provinces/<code>/*.yaml`,
 * `rules/cities/<code>/*.yaml` and the reference series in `rules/reference/`. A file that is not
 * a well-formed rule or refinement stops the start with the file and the fault named: a rulebook
 * that silently skipped a rule would silently stop supervising.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { Type, type Static } from '@sinclair/typebox';
import { FhError, fail } from '../platform/errors.js';
import { RefinementDefinitionSchema, RuleDefinitionSchema, type RuleVersionDefinition } from './rule.js';
import { compileRule } from './compile.js';
import { NATIONAL, tierOf } from './tiers.js';

export const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));

export const ReferenceSeriesSchema = Type.Object(
  {
    series: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }),
    source: Type.Object({ zh: Type.String({ minLength: 1 }), en: Type.String({ minLength: 1 }) }),
    rates: Type.Array(Type.Object({ effectiveOn: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), rate: Type.Number({ minimum: 0, exclusiveMaximum: 1 }) }, { additionalProperties: false }), { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ReferenceSeries = Static<typeof ReferenceSeriesSchema>;

/** A rule or refinement read from a file, with the file it came from. */
export type RuleFile = RuleVersionDefinition & { source: string };

/** A file that could not be read as a rule: the start stops with this message. */
export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`rules/${file}: ${problem}`);
    this.name = 'RuleFileError';
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out;
    throw error;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out;
}

/**
 * Check one rule or refinement document and compile a rule's condition. Throws FH_VALIDATION for a
 * document of the wrong shape (`field` the path at fault), and the compile step's codes
 * (FH_RULE_SYNTAX, FH_RULE_UNKNOWN_FEATURE, FH_RULE_TYPE, FH_RULE_PARAMETER_INVALID).
 */
export function checkRuleDocument(document: unknown, fieldPrefix = ''): RuleVersionDefinition {
  const shape = (schema: Parameters<typeof Value.Errors>[0]): never => {
    const first = [...Value.Errors(schema, document)][0];
    fail('FH_VALIDATION', { field: `${fieldPrefix}${(first?.path ?? '').replace(/^\//, '').split('/').join('.')}` || fieldPrefix || 'rule', details: { problem: first?.message ?? 'not a rule' } });
  };
  if (typeof document === 'object' && document !== null && 'refines' in document) {
    if (!Value.Check(RefinementDefinitionSchema, document)) return shape(RefinementDefinitionSchema);
    return { kind: 'refinement', definition: document };
  }
  if (!Value.Check(RuleDefinitionSchema, document)) return shape(RuleDefinitionSchema);
  compileRule(document);
  return { kind: 'rule', definition: document };
}

/** Parse and check one rule or refinement document read from a file; `where` names the file in errors. */
export function readRuleDocument(document: unknown, where: string): RuleVersionDefinition {
  try {
    return checkRuleDocument(document);
  } catch (error) {
    if (error instanceof FhError) throw new RuleFileError(where, `${error.code} at ${error.field ?? '?'} ${JSON.stringify(error.details ?? {})}`);
    throw error;
  }
}

function describe(schema: Parameters<typeof Value.Errors>[0], value: unknown): string {
  const first = [...Value.Errors(schema, value)][0];
  return first ? `${first.path || '/'} ${first.message}` : 'not a rule';
}

/** The jurisdiction a file's folder says it belongs to: national/ 000000, provinces/<code>/, cities/<code>/. */
function folderJurisdiction(file: string): string | undefined {
  const [tier, code] = file.split('/');
  if (tier === 'national') return NATIONAL;
  if ((tier === 'provinces' || tier === 'cities') && code && /^\d{6}$/.test(code)) return code;
  return undefined;
}

/** Every rule and refinement under `dir` (default: the repository's `rules/`), reference data excluded. */
export async function readRuleFiles(dir: string = rulesDir): Promise<RuleFile[]> {
  const out: RuleFile[] = [];
  for (const path of await yamlFiles(dir)) {
    const file = relative(dir, path).split('\\').join('/');
    if (file.startsWith('reference/')) continue;
    const expected = folderJurisdiction(file);
    if (!expected) throw new RuleFileError(file, 'a rule file belongs in national/, provinces/<code>/ or cities/<code>/');
    let document: unknown;
    try {
      document = parseYaml(await readFile(path, 'utf8'));
    } catch (error) {
      throw new RuleFileError(file, `not valid YAML: ${(error as Error).message}`);
    }
    const read = readRuleDocument(document, file);
    const jurisdiction = read.definition.jurisdiction;
    if (jurisdiction !== expected) throw new RuleFileError(file, `jurisdiction ${jurisdiction} does not match its folder (${expected})`);
    const tier = file.split('/')[0];
    if ((tier === 'provinces' && tierOf(jurisdiction) !== 'province') || (tier === 'cities' && tierOf(jurisdiction) !== 'city')) {
      throw new RuleFileError(file, `${jurisdiction} is not a ${tier === 'provinces' ? 'province' : 'city'} code`);
    }
    out.push({ ...read, source: `rules/${file}` });
  }
  return out;
}

/** The reference series under `dir/reference/`. */
export async function readReferenceFiles(dir: string = rulesDir): Promise<ReferenceSeries[]> {
  const out: ReferenceSeries[] = [];
  for (const path of await yamlFiles(join(dir, 'reference'))) {
    const file = relative(dir, path);
    const document: unknown = parseYaml(await readFile(path, 'utf8'));
    if (!Value.Check(ReferenceSeriesSchema, document)) throw new RuleFileError(file, describe(ReferenceSeriesSchema, document));
    out.push(document);
  }
  return out;
}
