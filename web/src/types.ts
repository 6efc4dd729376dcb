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
import type { Static } from '@sinclair/typebox';
import type { BilingualText, Severity as RuleSeverity } from '../../src/rulebook/rule.js';
import type { RuleView } from '../../src/rulebook/rulebook.routes.js';
import type { Fact, FactType } from '../../src/rulebook/explain.js';
import type { AlertStatus } from '../../src/monitoring/monitoring.schema.js';
import type { CalendarEntry, ObligationStatus } from '../../src/monitoring/obligations.js';
import type { AlertDetail as MonitoringAlertDetail, AlertPage as MonitoringAlertPage, AlertSummary as MonitoringAlertSummary, DryRunJob as MonitoringDryRunJob } from '../../src/monitoring/monitoring.service.js';
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

export type Role = 'supervisor' | 'institution' | 'consumer' | 'mediator';

export type Named = JurisdictionRef;

export type Principal =
  | { role: 'supervisor'; userId: string; displayName: string; jurisdiction: Named }
  | { role: 'institution'; institutionId: string; keyId: string; institution: { uscc: string; nameZh: string; nameEn: string } }
  | { role: 'consumer'; userId: string; consumerId: string; displayName: string }
  | { role: 'mediator'; userId: string; displayName: string; jurisdiction: Named };

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
 * the dry runs of a refinement): the server's own shapes.
 */

/** A text in both languages, as rules and alerts carry them. */
export type ZhEn = BilingualText;
export type { AlertStatus, Fact, RuleSeverity };
export type AlertSummary = MonitoringAlertSummary;
export type AlertDetail = MonitoringAlertDetail;
/** GET /v1/supervisor/alerts and /v1/institution/alerts */
export type AlertsReply = MonitoringAlertPage;
/** The moves a supervisor makes; `superseded` is the system's. */
export type AlertMove = Exclude<AlertStatus, 'new' | 'superseded'>;
export type ValueType = FactType;
export type ParameterUnit = 'days' | 'working_days' | 'hours' | 'calls' | 'times';
/** GET /v1/rules: one rule in force, its parameters resolved through the tiers. */
export type Rule = Static<typeof RuleView>;
export type RuleParameter = Rule['parameters'][number];
export type ParameterType = RuleParameter['type'];
/** GET /v1/rules */
export interface RulesReply {
  jurisdiction: { code: string; nameZh: string; nameEn: string };
  date: string;
  rules: Rule[];
}
/** GET /v1/supervisor/institutions/:id/filing-calendar and /v1/institution/filing-calendar: one month of one record type. */
export type { CalendarEntry, ObligationStatus };
/** GET /v1/supervisor/rules/dry-runs/:jobId (who started it stays with the server). */
export type DryRunJob = Omit<MonitoringDryRunJob, 'owner'>;
