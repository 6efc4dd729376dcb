/** Shapes of the Fenghuo HTTP API as the UI reads them (see scratch/API.md and /openapi.json). */

export type Role = 'supervisor' | 'institution' | 'consumer';

export interface Named {
  code: string;
  nameZh: string;
  nameEn: string;
}

export type Principal =
  | { role: 'supervisor'; userId: string; displayName: string; jurisdiction: Named }
  | { role: 'institution'; institutionId: string; keyId: string; institution: { uscc: string; nameZh: string; nameEn: string } }
  | { role: 'consumer'; userId: string; consumerId: string; displayName: string };

export interface SessionReply {
  token: string;
  expiresAt: string;
  principal: Principal;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Jurisdiction extends Named {
  level: 'country' | 'province' | 'city';
  parentCode: string | null;
}

export interface Qualification {
  key: string;
  nameZh: string;
  nameEn: string;
}

export interface LicenceType {
  type: string;
  nameZh: string;
  nameEn: string;
  qualifications: Qualification[];
}

export const licenceStatuses = ['applied', 'approved', 'suspended', 'revoked'] as const;
export type LicenceStatus = (typeof licenceStatuses)[number];

export interface LicenceSummary {
  licenceId: string;
  licenceNo: string | null;
  type: string;
  status: LicenceStatus;
  statusChangedAt: string;
}

export interface InstitutionSummary {
  institutionId: string;
  uscc: string;
  nameZh: string;
  nameEn: string;
  kind: string;
  jurisdiction: Named;
  licences: LicenceSummary[];
}

export interface QualificationCheck extends Qualification {
  met: boolean;
  note: string | null;
  checkedAt: string | null;
}

export interface StatusChange {
  fromStatus: LicenceStatus | null;
  toStatus: LicenceStatus;
  reason: string | null;
  at: string;
}

export interface Licence extends LicenceSummary {
  appliedAt: string;
  qualifications: QualificationCheck[];
  history: StatusChange[];
}

export interface InstitutionDetail extends Omit<InstitutionSummary, 'licences'> {
  registeredAt: string;
  licences: Licence[];
}

export interface RegionCount extends Named {
  institutions: number;
  approvedLicences: number;
}

export interface SupervisorOverview {
  jurisdiction: Named;
  institutions: number;
  licencesByStatus: Record<LicenceStatus, number>;
  licencesByType: Record<string, number>;
  consumers: number;
  byRegion: RegionCount[];
  business: BusinessOverview;
}

/** The filed business of a jurisdiction (GET /v1/supervisor/overview `business`). Money in fen, rates as decimals. */
export interface BusinessOverview {
  loans: { loans: number; principalFen: number; disbursedFen: number; borrowers: number; averageAnnualisedCost: number | null; aboveCap: number };
  loansByMonth: { month: string; loans: number; principalFen: number }[];
  repayments: { instalments: number; overdue: number; overdueRate: number | null };
  complaints: { complaints: number; open: number; byCategory: { category: string; count: number }[] };
  multiLendingBorrowers: number;
  costCap: number;
}

export const filingStatuses = ['received', 'validating', 'errors', 'warnings', 'clean', 'verified', 'signed', 'accepted', 'superseded'] as const;
export type FilingStatus = (typeof filingStatuses)[number];

export interface FilingView {
  filingId: string;
  institutionId: string;
  recordType: string;
  period: string;
  version: number;
  status: FilingStatus;
  contentType: string;
  fileHash: string | null;
  fileBytes: number | null;
  encoding: string | null;
  recordCount: number | null;
  errorCount: number;
  warningCount: number;
  explanations: Record<string, string> | null;
  createdAt: string;
  validatedAt: string | null;
  verifiedAt: string | null;
  signedAt: string | null;
  acceptedAt: string | null;
  supersededAt: string | null;
}

export type Severity = 'error' | 'warning';

export interface FindingCount {
  editId: string;
  editClass: string;
  severity: Severity;
  count: number;
  zh: string;
  en: string;
}

export interface FilingDetail extends FilingView {
  findings: FindingCount[];
  receiptId: string | null;
}

export interface FindingExample {
  editId: string;
  /** 1-based record number; 0 for the header or the whole file. */
  rowNumber: number;
  values: Record<string, string>;
}

export interface FindingsPage {
  counts: FindingCount[];
  items: FindingExample[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SignedReceipt {
  receipt: {
    receiptId: string;
    filingId: string;
    fileHash: string;
    hashAlgorithm: 'sha256';
    institution: { id: string; uscc: string; nameZh: string; nameEn: string };
    recordType: string;
    period: string;
    version: number;
    recordCount: number;
    signedAt: string;
    keyId: string;
    algorithm: 'ed25519' | 'sm2';
  };
  signature: string;
}

export interface ReceiptCheck {
  valid: boolean;
  reason?: string;
  receiptId: string;
  keyId: string;
  algorithm: string;
}

export type EditClass = 'syntactical' | 'validity' | 'quality' | 'macro';

export interface Edit {
  id: string;
  editClass: EditClass;
  severity: Severity;
  scope: 'header' | 'row' | 'file';
  recordTypes: 'all' | string[];
  fields: string[];
  zh: string;
  en: string;
}

export interface StandardField {
  name: string;
  type: string;
  required: boolean;
  zh: string;
  en: string;
  descriptionZh: string;
  descriptionEn: string;
  codeList?: string;
  maxLength?: number;
  min?: number;
  max?: number;
}

export interface RecordType {
  type: string;
  zh: string;
  en: string;
  descriptionZh: string;
  descriptionEn: string;
  idField: string;
  fields: StandardField[];
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

export interface ConsumerProfile {
  consumerId: string;
  displayName: string;
  residentIdMasked: string;
  birthDate: string | null;
  sex: string | null;
  region: Named | null;
  registeredAt: string;
}

export interface AccessLogEntry {
  seq: number | string;
  occurredAt: string;
  actorRole: string;
  action: string;
  reason: string | null;
  resource: string | null;
}
