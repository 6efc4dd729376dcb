import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.js';
import type { Database } from '../platform/database.js';
import type { Caller } from '../platform/auth/access.js';
import type { Capability } from '../platform/capability.js';
import { fail } from '../platform/errors.js';
import { canonicalJson } from '../platform/canonical-json.js';
import { isWithin, jurisdictionByCode } from '../standard/regions.js';
import type { RecordType } from '../standard/standard.js';
import { checkParameterValue, compileRule, celParameters, type CompiledRule } from './compile.js';
import { checkRuleDocument, readReferenceFiles, readRuleFiles, rulesDir, RuleFileError } from './files.js';
import { recordTypeOf, type ParameterValue, type RefinementDefinition, type ResolvedRule, type RuleDefinition, type RulePack, type RuleVersionDefinition } from './rule.js';
import { checkRefinement, NATIONAL, resolveRules, type StoredVersion } from './tiers.js';
import * as store from './rulebook.store.js';

export const LPR_SERIES = 'lpr_1y';

/** A rule ready to run: its resolved form, its compiled condition and its parameters in CEL's types. */
export interface ExecutableRule {
  rule: ResolvedRule;
  compiled: CompiledRule;
  params: Record<string, unknown>;
  /** The parameter values as numbers and strings, for an alert's facts. */
  values: Record<string, ParameterValue>;
}

export interface ReferenceRate {
  effectiveOn: string;
  rate: number;
  source: string;
  createdBy: string;
}

/** One stored version of a rule or refinement, as the history shows it. */
export interface RuleVersionView {
  ruleId: string;
  jurisdiction: string;
  version: number;
  kind: 'rule' | 'refinement';
  effectiveFrom: string;
  effectiveTo: string | null;
  source: string;
  createdBy: string;
  createdAt: string;
  definition: RuleDefinition | RefinementDefinition;
}

const CACHE_MS = 1000;

function digestOf(definition: unknown): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}

function toStored(row: store.RuleVersionRow): StoredVersion {
  return row.kind === 'rule'
    ? { kind: 'rule', jurisdiction: row.jurisdiction_code, version: row.version, definition: row.definition as RuleDefinition }
    : { kind: 'refinement', jurisdiction: row.jurisdiction_code, version: row.version, definition: row.definition as RefinementDefinition };
}

/** Refuse a jurisdiction that cannot hold rules (a district, an unknown code) or that the caller does not supervise. */
function assertMayWrite(caller: Caller, jurisdiction: string): void {
  const { principal } = caller;
  if (principal.role !== 'supervisor') fail('FH_FORBIDDEN');
  if (jurisdiction !== NATIONAL && (!jurisdictionByCode(jurisdiction) || !jurisdiction.endsWith('00'))) fail('FH_INVALID_JURISDICTION', { field: 'jurisdiction' });
  if (!isWithin(jurisdiction, principal.jurisdictionCode)) fail('FH_OUT_OF_JURISDICTION', { field: 'jurisdiction' });
}

/**
 * The rulebook: rules and refinements of every tier, versioned in the database, resolved for a
 * jurisdiction and date, compiled once; and the reference data they read (the one-year LPR).
 */
export class RulebookService {
  private cache: { at: number; versions: StoredVersion[] } | undefined;
  private readonly resolved = new WeakMap<StoredVersion[], Map<string, ResolvedRule[]>>();
  private lprCache: { at: number; rates: ReferenceRate[] } | undefined;
  private readonly compiledRules = new Map<string, CompiledRule>();

  constructor(private readonly platform: Platform) {}

  private get db(): Kysely<Database> {
    return this.platform.database.db;
  }

  /** The capability: the rule files are loaded at start, before anything reads the rules. */
  capability(): Capability {
    return { name: 'rulebook', start: async () => void (await this.syncFiles()) };
  }

  /**
   * Load `rules/` into the database: each file's version is inserted once; a stored version whose
   * file now differs is refused (FH_RULE_VERSION_CONFLICT), as is a file refinement that loosens a
   * parameter. Reference series are added value by value. Returns how many versions were new.
   */
  async syncFiles(dir: string = rulesDir): Promise<{ added: number; files: number }> {
    const files = await readRuleFiles(dir);
    let added = 0;
    for (const file of files) {
      if (await this.storeVersion(file, file.source, 'file')) added++;
    }
    const versions = await this.storedVersions(true);
    for (const file of files) {
      if (file.kind !== 'refinement') continue;
      try {
        checkRefinement(versions, file.definition, checkParameterValue);
      } catch (error) {
        throw new RuleFileError(file.source.replace(/^rules\//, ''), (error as Error).message);
      }
    }
    for (const series of await readReferenceFiles(dir)) {
      for (const rate of series.rates) {
        await store.insertReferenceRate(this.db, { series: series.series, effective_on: rate.effectiveOn, rate: rate.rate, source: series.source.zh + ' / ' + series.source.en, created_by: 'file' });
      }
    }
    this.lprCache = undefined;
    return { added, files: files.length };
  }

  /** Insert one version; true when new, false when the same content was stored already. */
  private async storeVersion(read: RuleVersionDefinition, source: string, createdBy: string, db: Kysely<Database> = this.db): Promise<boolean> {
    const definition = read.definition;
    const ruleId = read.kind === 'rule' ? read.definition.id : read.definition.refines;
    const digest = digestOf(definition);
    const existing = await store.findVersion(db, ruleId, definition.jurisdiction, definition.version);
    if (existing) {
      if (existing.digest !== digest) fail('FH_RULE_VERSION_CONFLICT', { field: 'version', details: { ruleId, jurisdiction: definition.jurisdiction, version: definition.version, source } });
      return false;
    }
    // Inside the caller's transaction (PGlite has one connection: a query beside it would wait forever).
    const base = read.kind === 'rule' ? undefined : (await store.allVersions(db)).find((row) => row.rule_id === ruleId && row.kind === 'rule');
    const recordType = read.kind === 'rule' ? recordTypeOf(read.definition) : (base?.record_type ?? 'loan');
    const pack = read.kind === 'rule' ? read.definition.pack : (base?.pack ?? 'conduct');
    const inserted = await store.insertVersion(db, {
      rule_id: ruleId,
      jurisdiction_code: definition.jurisdiction,
      version: definition.version,
      kind: read.kind,
      pack,
      record_type: recordType,
      definition: JSON.stringify(definition),
      effective_from: definition.effective.from,
      effective_to: definition.effective.to ?? null,
      digest,
      source,
      created_by: createdBy,
    });
    this.cache = undefined;
    return inserted;
  }

  /** Every stored version, cached for a second (the rulebook changes rarely; a write here clears it at once). */
  async storedVersions(fresh = false): Promise<StoredVersion[]> {
    if (!fresh && this.cache && Date.now() - this.cache.at < CACHE_MS) return this.cache.versions;
    const versions = (await store.allVersions(this.db)).map(toStored);
    this.cache = { at: Date.now(), versions };
    return versions;
  }

  /**
   * The rules in force in `jurisdiction` on `date` (YYYY-MM-DD, China), parameters resolved
   * through the tiers; optionally of one pack or record type.
   */
  async rulesInForce(jurisdiction: string, date: string, options: { pack?: RulePack; recordType?: RecordType } = {}): Promise<ResolvedRule[]> {
    const versions = await this.storedVersions();
    // Resolved once per jurisdiction and day for as long as the stored versions are the same list.
    let byDay = this.resolved.get(versions);
    if (!byDay) this.resolved.set(versions, (byDay = new Map()));
    let rules = byDay.get(`${jurisdiction}|${date}`);
    if (!rules) byDay.set(`${jurisdiction}|${date}`, (rules = resolveRules(versions, jurisdiction, date)));
    return rules.filter(
      (rule) => (!options.pack || rule.definition.pack === options.pack) && (!options.recordType || recordTypeOf(rule.definition) === options.recordType),
    );
  }

  /** The value of one parameter of a rule in force in `jurisdiction` on `date`, or undefined when the rule is not in force there. */
  async parameterValue(jurisdiction: string, ruleId: string, parameter: string, date: string): Promise<ParameterValue | undefined> {
    const rule = (await this.rulesInForce(jurisdiction, date)).find((r) => r.id === ruleId);
    return rule?.parameters.find((p) => p.name === parameter)?.value;
  }

  /**
   * What the stored rules of `pack` on `recordType` read, in any jurisdiction and period: their
   * features and record fields (`fields` null when some rule may read any field). What a check
   * must be ready to compute and read, whichever rules turn out to be in force. `only`: of the
   * rules it accepts (by their compiled form) alone.
   */
  async reads(pack: RulePack, recordType: RecordType, only?: (compiled: CompiledRule) => boolean): Promise<{ features: Set<string>; fields: Set<string> | null }> {
    const features = new Set<string>();
    let fields: Set<string> | null = new Set<string>();
    for (const version of await this.storedVersions()) {
      if (version.kind !== 'rule' || version.definition.pack !== pack || recordTypeOf(version.definition) !== recordType) continue;
      // The key `executable` uses for the same definition (a refinement changes parameters, never the condition).
      const key = `${version.definition.id}|${version.version}@${version.jurisdiction}`;
      let compiled = this.compiledRules.get(key);
      if (!compiled) {
        compiled = compileRule(version.definition);
        this.compiledRules.set(key, compiled);
      }
      if (only && !only(compiled)) continue;
      for (const name of compiled.features) features.add(name);
      if (!compiled.fieldsComplete) fields = null;
      for (const name of compiled.fields) fields?.add(name);
    }
    return { features, fields };
  }

  /** A resolved rule compiled and ready to evaluate (compiled once per rule version). */
  executable(rule: ResolvedRule): ExecutableRule {
    const key = `${rule.id}|${rule.version}`;
    let compiled = this.compiledRules.get(key);
    if (!compiled) {
      compiled = compileRule(rule.definition);
      this.compiledRules.set(key, compiled);
    }
    const values = Object.fromEntries(rule.parameters.map((p) => [p.name, p.value]));
    return { rule, compiled, params: celParameters(rule.definition, values), values };
  }

  /** Every stored version of a rule, at every tier, oldest first. */
  async versions(ruleId: string): Promise<RuleVersionView[]> {
    const rows = (await store.allVersions(this.db)).filter((row) => row.rule_id === ruleId);
    if (rows.length === 0) fail('FH_NOT_FOUND', { field: 'ruleId' });
    return rows.map((row) => ({
      ruleId: row.rule_id,
      jurisdiction: row.jurisdiction_code,
      version: row.version,
      kind: row.kind,
      effectiveFrom: row.effective_from,
      effectiveTo: row.effective_to,
      source: row.source,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      definition: row.definition,
    }));
  }

  /**
   * Check a proposed change without storing it: a new rule, or new parameter values for a rule as
   * `jurisdiction` would set them. Throws the codes the write would. The proposal resolves the rule
   * as it would be in force, with the change, in any jurisdiction under the change's, from the
   * change's effective date (for a dry run).
   */
  async proposal(caller: Caller, change: ProposedChange): Promise<Proposal> {
    assertMayWrite(caller, change.jurisdiction);
    const versions = await this.storedVersions(true);
    const read = await this.proposedVersion(versions, change);
    const ruleId = ruleIdOfRead(read);
    const effectiveFrom = read.definition.effective.from;
    const all = [...versions.filter((v) => !(v.jurisdiction === change.jurisdiction && ruleIdOf(v) === ruleId)), toStoredRead(read)];
    const recordType = read.kind === 'rule' ? recordTypeOf(read.definition) : (versions.find((v) => v.kind === 'rule' && v.definition.id === ruleId) as Extract<StoredVersion, { kind: 'rule' }>).definition.recordTypes[0]!;
    return {
      ruleId,
      recordType,
      effectiveFrom,
      resolvedAt: (jurisdiction: string) => Promise.resolve(resolveRules(all, jurisdiction, effectiveFrom).find((r) => r.id === ruleId)),
    };
  }

  private async proposedVersion(versions: StoredVersion[], change: ProposedChange): Promise<RuleVersionDefinition> {
    if (change.kind === 'rule') {
      const definition = { ...change.rule, jurisdiction: change.jurisdiction, version: (await store.latestVersionNumber(this.db, change.rule.id, change.jurisdiction)) + 1 };
      const read = readDocument(definition);
      // A rule of the same id made by a tier above cannot be replaced from below.
      const owner = versions.find((v) => v.kind === 'rule' && v.definition.id === change.rule.id);
      if (owner && owner.jurisdiction !== change.jurisdiction) fail('FH_OUT_OF_JURISDICTION', { field: 'rule.id', details: { ruleId: change.rule.id, madeBy: owner.jurisdiction } });
      return read;
    }
    const owner = versions.find((v) => v.kind === 'rule' && v.definition.id === change.ruleId);
    if (!owner) fail('FH_NOT_FOUND', { field: 'ruleId' });
    const effective = { from: change.effectiveFrom };
    if (owner.jurisdiction === change.jurisdiction) {
      // The tier that made the rule changes its own parameter: a new version of the rule, which may go either way.
      const base = resolveRules(versions, change.jurisdiction, change.effectiveFrom).find((r) => r.id === change.ruleId)?.definition ?? (owner.definition as RuleDefinition);
      const parameters = { ...base.parameters };
      for (const [name, value] of Object.entries(change.parameters)) {
        const def = parameters[name];
        if (!def) fail('FH_RULE_PARAMETER_INVALID', { field: `parameters.${name}`, details: { parameter: name, expected: `one of ${Object.keys(parameters).join(', ')}` } });
        parameters[name] = { ...def, value };
      }
      const version = (await store.latestVersionNumber(this.db, change.ruleId, change.jurisdiction)) + 1;
      return readDocument({ ...base, version, effective, parameters });
    }
    if (!isWithin(change.jurisdiction, owner.jurisdiction)) fail('FH_OUT_OF_JURISDICTION', { field: 'jurisdiction', details: { ruleId: change.ruleId, madeBy: owner.jurisdiction } });
    const version = (await store.latestVersionNumber(this.db, change.ruleId, change.jurisdiction)) + 1;
    const refinement: RefinementDefinition = { refines: change.ruleId, version, jurisdiction: change.jurisdiction, effective, parameters: change.parameters, reason: change.reason };
    checkRefinement(versions, refinement, checkParameterValue);
    return { kind: 'refinement', definition: refinement };
  }

  /**
   * Store a change: a new rule of the caller's jurisdiction, a refinement of a rule above it, or a
   * new version of a rule it made. Audited. Returns the rule as now resolved in that jurisdiction
   * from the change's effective date.
   */
  async apply(caller: Caller, change: ProposedChange): Promise<ResolvedRule> {
    assertMayWrite(caller, change.jurisdiction);
    const versions = await this.storedVersions(true);
    const read = await this.proposedVersion(versions, change);
    const ruleId = ruleIdOfRead(read);
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.storeVersion(read, 'api', caller.actor.id ?? caller.actor.role, trx))) fail('FH_CONFLICT', { field: 'version' });
      await this.platform.audit.record(trx, caller.actor, {
        action: read.kind === 'rule' ? 'rule.version' : 'rule.refine',
        resource: `rule:${ruleId}@${change.jurisdiction}#${read.definition.version}`,
        reason: change.kind === 'parameters' ? change.reason.zh : `${change.rule.title.zh}`,
        detail: { kind: read.kind, effectiveFrom: read.definition.effective.from, ...(change.kind === 'parameters' ? { parameters: change.parameters } : {}) },
      });
    });
    this.cache = undefined;
    const resolved = (await this.rulesInForce(change.jurisdiction, read.definition.effective.from)).find((r) => r.id === ruleId);
    if (!resolved) fail('FH_NOT_FOUND', { field: 'ruleId' });
    return resolved;
  }

  /** The one-year LPR history, oldest first, each value with its source. */
  async lprHistory(): Promise<ReferenceRate[]> {
    if (this.lprCache && Date.now() - this.lprCache.at < CACHE_MS) return this.lprCache.rates;
    const rates = (await store.referenceRates(this.db, LPR_SERIES)).map((row) => ({ effectiveOn: row.effective_on, rate: row.rate, source: row.source, createdBy: row.created_by }));
    this.lprCache = { at: Date.now(), rates };
    return rates;
  }

  /** A function giving the one-year LPR in force on a date (the latest value on or before it), or undefined before the first. */
  async lprLookup(): Promise<(date: string) => number | undefined> {
    const rates = await this.lprHistory();
    return (date: string) => {
      let lo = 0;
      let hi = rates.length - 1;
      let found: number | undefined;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (rates[mid]!.effectiveOn <= date) {
          found = rates[mid]!.rate;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    };
  }

  /** Add a published LPR value (national supervisors only). A date already in the series is refused: published values do not change. */
  async addLpr(caller: Caller, input: { effectiveOn: string; rate: number; source: string }): Promise<ReferenceRate> {
    if (caller.principal.role !== 'supervisor' || caller.principal.jurisdictionCode !== NATIONAL) fail('FH_FORBIDDEN');
    if (!(input.rate > 0 && input.rate < 0.5)) fail('FH_VALIDATION', { field: 'body.rate', details: { min: 0, max: 0.5 } });
    const createdBy = caller.actor.id ?? 'supervisor';
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.insertReferenceRate(trx, { series: LPR_SERIES, effective_on: input.effectiveOn, rate: input.rate, source: input.source, created_by: createdBy }))) {
        fail('FH_CONFLICT', { field: 'body.effectiveOn', details: { effectiveOn: input.effectiveOn } });
      }
      await this.platform.audit.record(trx, caller.actor, { action: 'reference.lpr.add', resource: `reference:${LPR_SERIES}:${input.effectiveOn}`, reason: input.source, detail: { rate: input.rate } });
    });
    this.lprCache = undefined;
    return { effectiveOn: input.effectiveOn, rate: input.rate, source: input.source, createdBy };
  }
}

/** A checked change, not stored: the rule as it would resolve with it. */
export interface Proposal {
  ruleId: string;
  recordType: RecordType;
  effectiveFrom: string;
  resolvedAt(jurisdiction: string): Promise<ResolvedRule | undefined>;
}

/** A change a supervisor proposes: new parameter values for a rule, or a whole new rule. */
export type ProposedChange =
  | { kind: 'parameters'; jurisdiction: string; ruleId: string; parameters: Record<string, ParameterValue>; effectiveFrom: string; reason: { zh: string; en: string } }
  | { kind: 'rule'; jurisdiction: string; rule: Omit<RuleDefinition, 'jurisdiction' | 'version'> };

function readDocument(definition: unknown): RuleVersionDefinition {
  return checkRuleDocument(definition, 'rule.');
}

function ruleIdOf(v: StoredVersion): string {
  return v.kind === 'rule' ? v.definition.id : v.definition.refines;
}

function ruleIdOfRead(read: RuleVersionDefinition): string {
  return read.kind === 'rule' ? read.definition.id : read.definition.refines;
}

function toStoredRead(read: RuleVersionDefinition): StoredVersion {
  return read.kind === 'rule'
    ? { kind: 'rule', jurisdiction: read.definition.jurisdiction, version: read.definition.version, definition: read.definition }
    : { kind: 'refinement', jurisdiction: read.definition.jurisdiction, version: read.definition.version, definition: read.definition };
}

