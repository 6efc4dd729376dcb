/**
 * The one error catalogue. Every error a client can see has a stable code, an HTTP status and a
 * message in Chinese and English. Clients branch on `code`, never on the message text.
 */
export const errorCatalogue = {
  FH_VALIDATION: { status: 400, zh: '请求参数不合法', en: 'The request is not valid' },
  FH_MALFORMED_JSON: { status: 400, zh: '请求体不是合法的 JSON', en: 'The request body is not valid JSON' },
  FH_INVALID_TEXT: { status: 400, zh: '文本中含有无法保存的字符（空字符或不成对的代理字符）', en: 'The text holds a character that cannot be stored (a NUL or an unpaired surrogate)' },
  FH_BAD_URL: { status: 400, zh: '请求地址中的百分号编码不合法', en: 'The request path has a malformed percent-escape' },
  FH_MALFORMED_REQUEST: { status: 400, zh: '请求格式不合法', en: 'The request is not well-formed HTTP' },
  FH_INVALID_USCC: { status: 400, zh: '统一社会信用代码不合法', en: 'The unified social credit code is not valid' },
  FH_INVALID_RESIDENT_ID: { status: 400, zh: '居民身份证号码不合法', en: 'The resident identity card number is not valid' },
  FH_INVALID_JURISDICTION: { status: 400, zh: '行政区划代码不存在', en: 'The jurisdiction code is unknown' },
  FH_AUTH_WEAK_PASSWORD: { status: 400, zh: '密码至少需要 8 个字符', en: 'The password must have at least 8 characters' },
  FH_AUDIT_TEXT_INVALID: { status: 400, zh: '文本含有无法如实保存的字符（空字符或不成对的代理项），请删除后重试', en: 'The text holds a character that cannot be stored as it is (a NUL or an unpaired UTF-16 surrogate); remove it and try again' },
  FH_UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Authentication is required' },
  FH_AUTH_INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'The username or password is wrong' },
  FH_AUTH_INVALID_API_KEY: { status: 401, zh: 'API 密钥无效或已吊销', en: 'The API key is invalid or revoked' },
  FH_AUTH_SESSION_EXPIRED: { status: 401, zh: '会话已过期，请重新登录', en: 'The session has expired; log in again' },
  FH_FORBIDDEN: { status: 403, zh: '无权访问', en: 'You may not do this' },
  FH_OUT_OF_JURISDICTION: { status: 403, zh: '超出本辖区的监管范围', en: 'This is outside your jurisdiction' },
  FH_NOT_FOUND: { status: 404, zh: '资源不存在', en: 'Not found' },
  FH_ROUTE_NOT_FOUND: { status: 404, zh: '接口不存在', en: 'No such endpoint' },
  FH_METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  FH_REQUEST_TIMEOUT: { status: 408, zh: '请求未在限定时间内发送完毕', en: 'The request did not arrive in time' },
  FH_CONFLICT: { status: 409, zh: '与现有数据冲突', en: 'Conflicts with existing data' },
  FH_REGISTRY_DUPLICATE_USCC: { status: 409, zh: '该统一社会信用代码已登记', en: 'An institution with this unified social credit code is already registered' },
  FH_AUTH_USERNAME_TAKEN: { status: 409, zh: '用户名已被占用', en: 'The username is taken' },
  FH_IDENTITY_CONSUMER_EXISTS: { status: 409, zh: '该身份证号码已注册', en: 'A consumer with this identity card number is already registered' },
  FH_REGISTRY_INVALID_TRANSITION: { status: 409, zh: '许可状态不允许此操作', en: 'The licence cannot move to that status from its current status' },
  FH_REGISTRY_LICENCE_EXISTS: { status: 409, zh: '该机构已有此类型的有效许可或申请', en: 'The institution already holds or has applied for a licence of this type' },
  FH_REGISTRY_QUALIFICATIONS_MISSING: { status: 409, zh: '许可资质条件未满足', en: 'The qualifications the licence requires are not all met' },
  FH_FILING_IN_PROGRESS: { status: 409, zh: '该报送类型和报告期已有文件正在处理中，请待其完成后再上传', en: 'Another upload for this record type and period is still being processed; wait for it to finish' },
  FH_FILING_PERIOD_ACCEPTED: { status: 409, zh: '该报告期已有被接受的报送；如需更正，请以重新报送方式（resubmission=true）上传新版本', en: 'A filing for this period was already accepted; to correct it, upload a new version as a resubmission (resubmission=true)' },
  FH_FILING_STATUS: { status: 409, zh: '报送当前状态不允许此操作', en: "The filing's status does not allow this" },
  FH_RULE_VERSION_CONFLICT: { status: 409, zh: '规则的该版本已存在且内容不同；修改已发布的规则须使用新的版本号', en: 'This version of the rule already exists with other content; a changed rule needs a new version number' },
  FH_ALERT_TRANSITION: { status: 409, zh: '预警当前状态不允许此操作', en: "The alert's status does not allow this step" },
  FH_RULE_SYNTAX: { status: 422, zh: '规则条件有语法错误', en: 'The rule condition has a syntax error' },
  FH_RULE_UNKNOWN_FEATURE: { status: 422, zh: '规则引用了不存在或不适用于该记录类型的特征', en: 'The rule reads a feature that does not exist or does not apply to its record type' },
  FH_RULE_TYPE: { status: 422, zh: '规则条件的类型不正确（未知字段或参数、类型不匹配，或结果不是真假值）', en: 'The rule condition does not type-check (an unknown field or parameter, mismatched types, or a result that is not true or false)' },
  FH_RULE_PARAMETER_INVALID: { status: 422, zh: '规则参数的取值类型或范围不正确', en: 'A rule parameter has the wrong type or is out of range' },
  FH_RULE_PARAMETER_LOOSENED: { status: 422, zh: '下级辖区只能收紧上级规则的参数，不能放宽', en: 'A lower tier may tighten a parameter of a rule above it, never loosen it' },
  FH_SCREEN_MALFORMED_XML: { status: 400, zh: '报文不是合法的 XML', en: 'The message is not well-formed XML' },
  FH_SCREEN_XML_FORBIDDEN: { status: 400, zh: '报文含有不允许的 XML 结构（文档类型声明或实体）', en: 'The message holds XML that is not allowed (a document type declaration or an entity)' },
  FH_SCREEN_MESSAGE_UNSUPPORTED: { status: 422, zh: '不支持的报文类型、版本或命名空间', en: 'The message type, version or namespace is not supported' },
  FH_SCREEN_AMOUNT_INVALID: { status: 422, zh: '金额缺失、不是正数或超出范围', en: 'The amount is missing, not positive or out of range' },
  FH_SCREEN_AMOUNT_PRECISION: { status: 422, zh: '金额的小数位数超过该币种的最小单位', en: 'The amount has more decimal places than its currency has minor units' },
  FH_SCREEN_CURRENCY_UNKNOWN: { status: 422, zh: '币种代码不是有效的 ISO 4217 代码', en: 'The currency is not an ISO 4217 currency code' },
  FH_SCREEN_CURRENCY_NOT_ENABLED: { status: 422, zh: '本机构未开通该币种的交易筛查', en: 'Screening in this currency is not enabled for the institution' },
  FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS: { status: 422, zh: '决策阈值超出监管部门设定的范围', en: 'A decision threshold is outside the bounds the supervisor set' },
  FH_SCREEN_IDEMPOTENCY_MISMATCH: { status: 409, zh: '该幂等键已用于内容不同的请求', en: 'This idempotency key was used for a request with a different body' },
  FH_SCREEN_REMINDER_CLOSED: { status: 409, zh: '该交易提醒已确认、拒绝或过期', en: 'The reminder was already confirmed, rejected or expired' },
  FH_SCREEN_OUTCOME_CONFLICT: { status: 409, zh: '该决策已报告了不同的结果', en: 'A different outcome was already reported for this decision' },
  FH_SCREEN_COUNTERS_UNAVAILABLE: { status: 503, zh: '交易筛查计数服务暂不可用，请稍后重试', en: 'The screening counters are unavailable; try again shortly' },
  FH_CONSENT_MISSING: { status: 403, zh: '没有信息主体本人的授权', en: 'There is no authorisation from the person concerned' },
  FH_CONSENT_EXPIRED: { status: 403, zh: '信息主体的授权已过期', en: "The person's authorisation has expired" },
  FH_CONSENT_WITHDRAWN: { status: 403, zh: '信息主体已撤回授权', en: 'The person has withdrawn the authorisation' },
  FH_CONSENT_PURPOSE: { status: 403, zh: '用途不在信息主体授权的范围内', en: "The purpose is outside what the person authorised" },
  FH_CONSENT_CLOSED: { status: 409, zh: '该授权已撤回或已过期', en: 'The authorisation was already withdrawn or has expired' },
  FH_CREDIT_DISPUTE_CLOSED: { status: 409, zh: '该异议已处理完毕', en: 'The dispute has already been answered' },
  FH_CREDIT_CORRECTION_MISSING: { status: 409, zh: '尚未收到更正后的报送，不能以"已更正"答复', en: 'No corrected filing has arrived yet, so the dispute cannot be answered as corrected' },
  FH_CREDIT_TRAINING_DATA: { status: 422, zh: '可用于训练评分模型的数据不足', en: 'There is not enough data to train the credit score' },
  // Data rights (PIPL Art.45–47, 50)
  FH_DATA_NOTHING_TO_CORRECT: { status: 422, zh: '更正内容与现有信息相同，没有需要更正的内容', en: 'Nothing would change: the correction matches what is held' },
  FH_DATA_LEGAL_HOLD: { status: 409, zh: '存在尚未办结的事项或法定保存义务，暂不能删除，原因见详情', en: 'A pending case or a legal duty to keep the data forbids deletion now; the reasons are in the details' },
  // The evidence vault
  FH_EVIDENCE_NOT_FOUND: { status: 404, zh: '证据不存在或不属于您', en: 'No such evidence item of yours' },
  FH_EVIDENCE_EMPTY: { status: 400, zh: '上传的文件是空的', en: 'The uploaded file is empty' },
  FH_EVIDENCE_TYPE_MISMATCH: { status: 400, zh: '文件的实际类型与声明的类型或扩展名不符', en: 'The file is not of the type its content type or name says' },
  FH_EVIDENCE_TYPE_NOT_ALLOWED: { status: 415, zh: '不接受此类文件作为证据（可上传 PDF、图片、录音、视频或纯文本）', en: 'This kind of file is not accepted as evidence (PDF, images, recordings, video or plain text are)' },
  FH_EVIDENCE_TOO_LARGE: { status: 413, zh: '证据文件超过大小限制', en: 'The evidence file is larger than the limit' },
  FH_EVIDENCE_DAMAGED: { status: 409, zh: '保存的证据已损坏或被改动', en: 'The stored evidence is damaged or was altered' },
  FH_EVIDENCE_ERASED: { status: 410, zh: '该证据已应本人要求删除，仅保留其哈希与回执', en: 'The item was erased at the owner\'s request; only its hash and receipt are kept' },
  // Complaints
  FH_COMPLAINT_STATUS: { status: 409, zh: '投诉当前状态不允许此操作', en: "The complaint's status does not allow this step" },
  FH_COMPLAINT_EXTENSION: { status: 409, zh: '该投诉不能再延长处理期限', en: 'The deadline of this complaint cannot be extended that way' },
  FH_COMPLAINT_REGION_REQUIRED: { status: 400, zh: '投诉未登记的机构时，请提供您所在地区的行政区划代码', en: 'A complaint against an unregistered institution needs the code of your region' },
  // Online mediation
  FH_MEDIATION_EXISTS: { status: 409, zh: '该投诉已申请调解', en: 'Mediation of this complaint was already requested' },
  FH_MEDIATION_STATUS: { status: 409, zh: '调解案件当前状态不允许此操作', en: "The mediation case's status does not allow this step" },
  FH_MEDIATION_CLOSED: { status: 409, zh: '调解案件已结案', en: 'The mediation case is closed' },
  FH_MEDIATION_NOT_ASSIGNED: { status: 403, zh: '该案件由其他调解员办理', en: 'Another mediator handles this case' },
  FH_MEDIATION_PROPOSAL_STALE: { status: 409, zh: '该调解方案已被新的方案取代', en: 'The proposal was replaced by a newer one' },
  FH_MEDIATION_ALREADY_ANSWERED: { status: 409, zh: '您已答复过该调解方案', en: 'You have already answered this proposal' },
  FH_MEDIATION_NOT_CLOSED: { status: 409, zh: '调解尚未结案，暂无调解结果', en: 'The mediation is not closed yet, so there is no outcome to download' },
  FH_MEDIATOR_REVOKED: { status: 409, zh: '该调解员的任命已撤销', en: "The mediator's appointment was already revoked" },
  // Audit log: an access that cannot be recorded is not served.
  FH_AUDIT_UNAVAILABLE: { status: 503, zh: '审计日志暂时无法记录本次访问，请稍后重试', en: 'The audit log cannot record this access just now; try again shortly' },
  FH_PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体超过大小限制', en: 'The request body is larger than the limit' },
  FH_URI_TOO_LONG: { status: 414, zh: '请求地址过长', en: 'The request path is too long' },
  FH_UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  FH_RATE_LIMITED: { status: 429, zh: '请求过于频繁', en: 'Too many requests' },
  FH_HEADERS_TOO_LARGE: { status: 431, zh: '请求头过大', en: 'The request headers are too large' },
  FH_INTERNAL: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
  FH_DATABASE_UNAVAILABLE: { status: 503, zh: '数据库暂不可用，请稍后重试', en: 'The database is unavailable; try again later' },
  FH_AUTH_BUSY: { status: 503, zh: '登录请求过多，请稍后重试', en: 'Too many logins are being checked; try again shortly' },
  FH_NOT_READY: { status: 503, zh: '服务尚未就绪', en: 'The service is not ready' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

import { errorGuide } from './error-guide.js';

/** The JSON body of every error reply. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: { zh: string; en: string };
    /** Where the fault is, e.g. `body.uscc`, `query.page`, `row 12 column principal`. */
    field?: string;
    /** Machine-readable particulars, e.g. `{ limit: 1048576 }`. */
    details?: Record<string, unknown>;
  };
}

/** An error from the catalogue. Services throw it; the HTTP layer turns it into an ErrorBody. */
export class FhError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${errorCatalogue[code].en}${field ? ` (${field})` : ''}`, options);
    this.name = 'FhError';
    this.status = errorCatalogue[code].status;
  }

  toBody(): ErrorBody {
    const entry = errorCatalogue[this.code];
    return {
      error: {
        code: this.code,
        message: { zh: entry.zh, en: entry.en },
        ...(this.field !== undefined ? { field: this.field } : {}),
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

/** Throw the catalogue error `code`, optionally naming the field at fault. */
export function fail(code: ErrorCode, options: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}): never {
  throw new FhError(code, options.field, options.details, { cause: options.cause });
}

/** Render the catalogue as the Markdown reference committed at docs/errors.md. */
export function renderErrorReference(): string {
  const lines = [
    '# Error codes / 错误码',
    '',
    'Generated from `src/platform/errors.ts` (`npx tsx src/main.ts docs`); a test keeps it current.',
    'Every error reply has the body `{ "error": { "code", "message": { "zh", "en" }, "field"?, "details"? } }`.',
    'A code that belongs to one area carries its name (`FH_AUTH_…`, `FH_REGISTRY_…`, `FH_IDENTITY_…`, `FH_FILING_…`, `FH_AUDIT_…`); the others can come from any route.',
    'Codes are stable: branch on them, never on the message text.',
    '',
    '| code | HTTP | 中文 | English | cause | what to do |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    const guide = errorGuide[code as ErrorCode];
    lines.push(`| \`${code}\` | ${entry.status} | ${entry.zh} | ${entry.en} | ${guide.cause} | ${guide.action} |`);
  }
  return `${lines.join('\n')}\n`;
}
