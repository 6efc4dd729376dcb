/**
 * Shapes of the Fenghuo HTTP API as the UI reads them. Where a server module exports the shape of a
 * reply, it is imported from there (type-only: no server code reaches the bundle); the rest are
 * shapes the routes build themselves, described here after /openapi.json.
 */
import type { FilingService, FilingView } from '../../src/filing/filing.service.js';
import type { FilingStatus } from '../../src/filing/filing.schema.js';
import type { EditDef } from '../../src/filing/edits/catalogue.js';
import type { InstitutionKind, LicenceStatus, LicenceType as LicenceTypeCode, Qualification } from '../../src/registry/licence-types.js';
import type { JurisdictionRef, LicenceView, Overview } from '../../src/registry/registry.service.js';
import type { BusinessOverview } from '../../src/supervision/supervision.service.js';
import type { LoanCostView } from '../../src/supervision/loan-cost.service.js';
import type { Jurisdiction } from '../../src/standard/regions.js';
import type { CodeList } from '../../src/standard/standard.js';
import { zh } from './i18n/zh.js';

export type { BusinessOverview, CodeList, FilingStatus, FilingView, InstitutionKind, Jurisdiction, LicenceStatus, Qualification };
export type { FindingCount } from '../../src/filing/filing.service.js';
export type { SignedReceipt } from '../../src/filing/receipt.js';
export type { InstitutionDetail, InstitutionSummary, LicenceSummary, Page } from '../../src/registry/registry.service.js';
export type { AccessLogEntry, ConsumerProfile } from '../../src/identity/identity.service.js';

/** The codes in the order the UI lists them: the keys of their names, which the compiler holds to the server's types. */
export const licenceStatuses = Object.keys(zh.status) as LicenceStatus[];
export const filingStatuses = Object.keys(zh.filingStatus) as FilingStatus[];
export const institutionKinds = Object.keys(zh.kind) as InstitutionKind[];
export const severities = Object.keys(zh.severity) as RuleSeverity[];
export const alertStatuses = Object.keys(zh.alertStatus) as AlertStatus[];

export type Role = 'supervisor' | 'institution' | 'consumer';

export type Named = JurisdictionRef;

export type Principal =
  | { role: 'supervisor'; userId: string; displayName: string; jurisdiction: Named }
  | { role: 'institution'; institutionId: string; keyId: string; institution: { uscc: string; nameZh: string; nameEn: string } }
  | { role: 'consumer'; userId: string; consumerId: string; displayName: string };

export interface SessionReply {
  token: string;
  expiresAt: string;
  principal: Principal;
}

/** A licence type with the qualifications it needs (GET /v1/public/licence-types). */
export interface LicenceType {
  type: LicenceTypeCode;
  nameZh: string;
  nameEn: string;
  qualifications: Qualification[];
}

/** One licence with its checklist and history, as the institution detail lists it. */
export type Licence = LicenceView;
export type QualificationCheck = Licence['qualifications'][number];

/** GET /v1/supervisor/overview: the registry's counts, the consumers and the filed business. */
export interface SupervisorOverview extends Overview {
  consumers: number;
  business: BusinessOverview;
}

export type Severity = EditDef['severity'];

/** GET /v1/filings/:id */
export type FilingDetail = Awaited<ReturnType<FilingService['get']>>;

/** GET /v1/filings/:id/findings */
export type FindingsPage = Awaited<ReturnType<FilingService['findings']>>;
export type FindingExample = FindingsPage['items'][number];

/** POST /v1/receipts/:id/verify: the check, with what was checked (built by the route). */
export interface ReceiptCheck {
  valid: boolean;
  reason?: string;
  receiptId: string;
  keyId: string;
  algorithm: string;
}

export type Edit = EditDef;
export type { FindingFigure } from '../../src/filing/edits/figures.js';

/** GET /v1/standard/record-types: the record types of the data standard with their fields. */
export type RecordType = ReturnType<FilingService['recordTypes']>[number];
export type StandardField = RecordType['fields'][number];

/** GET /v1/standard/code-lists */
export interface CodeListsReply {
  version: string;
  codeLists: CodeList[];
}

export interface ApiKeyView {
  keyId: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface IssuedApiKey {
  apiKey: string;
  keyId: string;
  createdAt: string;
}

/** GET /v1/loans/:loanId/cost: the true cost of one loan. */
export type LoanCostReply = LoanCostView;

/*
 * The rulebook and supervisory monitoring (GET /v1/rules, /v1/supervisor/alerts, /v1/institution/alerts,
 * the dry runs of a refinement), as the routes reply.
 */

/** A text in both languages, as rules and alerts carry them. */
export interface ZhEn {
  zh: string;
  en: string;
}

export type RuleSeverity = 'low' | 'medium' | 'high';
export type AlertStatus = 'new' | 'triaged' | 'escalated' | 'dismissed' | 'superseded';
/** The moves a supervisor makes; `superseded` is the system's. */
export type AlertMove = 'triaged' | 'escalated' | 'dismissed';
export type ParameterType = 'money_fen' | 'rate' | 'integer' | 'decimal' | 'date' | 'boolean' | 'code';
export type ParameterUnit = 'days' | 'working_days' | 'hours' | 'calls' | 'times';
export type ValueType = ParameterType | 'datetime' | 'string';

/** What a rule cites: the law, its article and the figure the rule encodes. */
export interface RuleBasis {
  law: ZhEn;
  article: string;
  figure: ZhEn;
}

/** The value one tier set for a parameter. */
export interface ParameterTier {
  jurisdiction: string;
  value: unknown;
  version: string | number;
  effectiveFrom: string;
}

export interface RuleParameter {
  name: string;
  type: ParameterType;
  /** A cap may only go down in a lower tier, a floor only up; a fixed value is not refined. */
  direction: 'cap' | 'floor' | 'fixed';
  unit?: ParameterUnit | (string & {});
  label: ZhEn;
  verified?: boolean;
  min?: number;
  max?: number;
  /** For a code: the allowed codes, strictest first. */
  codes?: string[];
  /** The value in force after every tier. */
  value: unknown;
  /** The tier whose value is in force. */
  setBy: string;
  tiers: ParameterTier[];
}

export interface Rule {
  id: string;
  pack: string;
  version: string;
  jurisdiction: string;
  title: ZhEn;
  explanation: ZhEn;
  basis: RuleBasis;
  severity: RuleSeverity;
  recordTypes: string[];
  /** Why the rule reads the law this way, where the reading is a choice. */
  note?: ZhEn;
  condition: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  parameters: RuleParameter[];
}

/** GET /v1/rules */
export interface RulesReply {
  jurisdiction: { code: string; nameZh: string; nameEn: string };
  date: string;
  rules: Rule[];
}

/** A value an alert was raised on: a computed feature, a rule parameter or a field of the record. */
export interface Fact {
  name: string;
  label: ZhEn;
  kind: 'feature' | 'parameter' | 'field' | 'derived';
  type: ValueType;
  value: unknown;
}

export interface AlertSummary {
  id: string;
  ruleId: string;
  ruleVersion: string;
  title: ZhEn;
  severity: RuleSeverity;
  status: AlertStatus;
  institution: { id: string; nameZh: string; nameEn: string };
  jurisdictionCode: string;
  recordType: string;
  period: string;
  recordId: string;
  createdAt: string;
  updatedAt: string;
}

export interface AlertDetail extends AlertSummary {
  explanation: ZhEn;
  basis: RuleBasis;
  facts: Fact[];
  records: { recordType: string; recordId: string; filingId: string; period: string }[];
  history: { from: AlertStatus | null; to: AlertStatus; at: string; by: string; reason: string | null }[];
}

/** GET /v1/supervisor/alerts and /v1/institution/alerts */
export interface AlertsReply {
  items: AlertSummary[];
  total: number;
  page: number;
  pageSize: number;
  counts: {
    byRule: { ruleId: string; title: ZhEn; count: number }[];
    bySeverity: Partial<Record<RuleSeverity, number>>;
    byStatus: Partial<Record<AlertStatus, number>>;
  };
}

/** GET /v1/supervisor/rules/dry-runs/:jobId */
export interface DryRunJob {
  jobId: string;
  status: 'running' | 'done' | 'failed';
  progress: { checked: number; total: number };
  result?: {
    added: number;
    removed: number;
    unchanged: number;
    byInstitution: { institutionId: string; nameZh: string; nameEn: string; added: number; removed: number }[];
    examples: { change: 'added' | 'removed'; institutionId: string; recordType: string; recordId: string; period: string; facts: Fact[] }[];
  };
  error?: { code: string; message: ZhEn };
}
