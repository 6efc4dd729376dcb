import type { ErrorCode } from './errors.js';

/** Why a caller meets an error, and what it should do next: the body of docs/errors.md. */
export interface ErrorGuide {
  cause: string;
  action: string;
}

/**
 * One entry per code of the catalogue; the compiler refuses a code without one, so a new error
 * cannot ship undocumented.
 */
export const errorGuide: Record<ErrorCode, ErrorGuide> = {
  FH_VALIDATION: {
    cause: 'A parameter, query or body field is missing, of the wrong type, or out of range; `field` names it (`body.x`, `query.x`, `params.x`).',
    action: 'Correct the named field and send the request again; do not retry unchanged.',
  },
  FH_INVALID_TEXT: {
    cause: 'A text value holds a NUL character or an unpaired UTF-16 surrogate, which cannot be stored or signed exactly; `field` names it.',
    action: 'Remove the character (it is usually a copy-and-paste or encoding fault) and send again.',
  },
  FH_AUDIT_TEXT_INVALID: {
    cause: 'Text for the audit log (a reason, a note, a detail) holds a NUL or an unpaired UTF-16 surrogate: it could not be stored exactly as given, and the log seals only what it stores; `field` names the part.',
    action: 'Remove the character (usually a copy-and-paste or encoding fault) and send again; nothing was done.',
  },
  FH_BAD_URL: { cause: 'The path holds a malformed percent-escape (such as `%zz`).', action: 'Percent-encode the path correctly.' },
  FH_MALFORMED_REQUEST: { cause: 'The request is not well-formed HTTP.', action: 'Fix the client; do not retry unchanged.' },
  FH_REQUEST_TIMEOUT: { cause: 'The request was not received completely within the server’s time limit.', action: 'Retry on a steadier connection; send large files compressed.' },
  FH_URI_TOO_LONG: { cause: 'The path and query are longer than the server accepts.', action: 'Send fewer or shorter query parameters.' },
  FH_HEADERS_TOO_LARGE: { cause: 'The request headers are larger than the server accepts.', action: 'Send fewer or smaller headers (cookies included).' },
  FH_MALFORMED_JSON: { cause: 'The request body could not be parsed as JSON.', action: 'Send a well-formed JSON document with `Content-Type: application/json`.' },
  FH_INVALID_USCC: {
    cause: 'A unified social credit code fails its GB 32100-2015 format or check character.',
    action: 'Check the 18 characters against the business licence; lower case is accepted and upper-cased.',
  },
  FH_INVALID_RESIDENT_ID: {
    cause: 'A resident identity card number fails its GB 11643-1999 format, birth date or check digit.',
    action: 'Check the 18 characters against the card; a final lower-case x is accepted.',
  },
  FH_INVALID_JURISDICTION: { cause: 'The administrative division code is not in GB/T 2260, or is not allowed here.', action: 'Use a province or city code from `GET /v1/public/jurisdictions`.' },
  FH_AUTH_WEAK_PASSWORD: { cause: 'The new password is shorter than 8 characters.', action: 'Choose a longer password.' },
  FH_UNAUTHENTICATED: { cause: 'The route needs a session or an API key and the request carried neither.', action: 'Log in (`POST /v1/auth/login`) or send `Authorization: Bearer <API key>`.' },
  FH_AUTH_INVALID_CREDENTIALS: {
    cause: 'The username or the password is wrong (the reply does not say which).',
    action: 'Check both and try again; repeated failures are rate-limited.',
  },
  FH_AUTH_INVALID_API_KEY: { cause: 'The API key is unknown, malformed or revoked.', action: 'Issue a new key in the institution portal and use it.' },
  FH_AUTH_SESSION_EXPIRED: { cause: 'The session token has expired or was ended by logging out.', action: 'Log in again.' },
  FH_FORBIDDEN: { cause: 'The caller is authenticated but its role may not call this route.', action: 'Use an account with the role the route requires; do not retry.' },
  FH_OUT_OF_JURISDICTION: { cause: 'The record belongs to an institution outside the supervisor’s jurisdiction.', action: 'Ask a supervisor of that jurisdiction or of a higher tier.' },
  FH_NOT_FOUND: { cause: 'No record with that id exists, or the caller may not know that it does.', action: 'Check the id; do not retry unchanged.' },
  FH_ROUTE_NOT_FOUND: { cause: 'No endpoint has this path.', action: 'Check the path against `/openapi.json`.' },
  FH_METHOD_NOT_ALLOWED: { cause: 'The path exists but not with this HTTP method.', action: 'Use a method the OpenAPI document lists for the path.' },
  FH_CONFLICT: { cause: 'The request conflicts with data stored since the caller last read it.', action: 'Read the record again and decide whether to repeat the change.' },
  FH_REGISTRY_DUPLICATE_USCC: { cause: 'An institution with this unified social credit code is already registered.', action: 'Look it up instead of registering it again.' },
  FH_AUTH_USERNAME_TAKEN: { cause: 'Another account already has this username.', action: 'Choose another username.' },
  FH_IDENTITY_CONSUMER_EXISTS: { cause: 'A consumer with this resident identity card number is already registered.', action: 'Log in with the existing account.' },
  FH_REGISTRY_INVALID_TRANSITION: { cause: 'The licence’s current status does not allow the requested move (for example revoked → approved).', action: 'Read the licence’s history and choose a transition its status allows.' },
  FH_REGISTRY_LICENCE_EXISTS: { cause: 'The institution already holds, or has applied for, a licence of this type.', action: 'Work on the existing licence instead of applying again.' },
  FH_REGISTRY_QUALIFICATIONS_MISSING: { cause: 'A licence cannot be approved until every qualification it requires is checked as met.', action: 'Record each qualification as met, with a note, then approve.' },
  FH_FILING_IN_PROGRESS: { cause: 'Another upload for the same record type and period is still being validated, signed or loaded.', action: 'Wait for it to finish (its status is in `GET /v1/filings`), then upload.' },
  FH_FILING_PERIOD_ACCEPTED: { cause: 'A filing for this record type and period was already accepted.', action: 'To correct it, upload the corrected file as a resubmission.' },
  FH_FILING_STATUS: { cause: 'The filing’s status does not allow this step (for example signing a filing with errors).', action: 'Read the filing and its findings; upload a corrected file if it was rejected.' },
  // Online mediation
  FH_MEDIATION_EXISTS: { cause: 'A mediation case already exists for the complaint; `details.caseId` names it.', action: 'Follow that case instead of requesting another.' },
  FH_MEDIATION_STATUS: { cause: 'The step does not fit the case’s status: taking a case another mediator already took, or proposing before the case is taken; `details.status` gives it.', action: 'Read the case again and take the step its status allows.' },
  FH_MEDIATION_CLOSED: { cause: 'The case is settled or closed as not settled; positions, proposals and answers are no longer taken. `details.status` gives the outcome.', action: 'Download the signed outcome; a case not settled goes to arbitration or court as it names.' },
  FH_MEDIATION_NOT_ASSIGNED: { cause: 'The case is in the hands of another mediator of the jurisdiction; only the mediator who took it proposes or closes it.', action: 'Take a case from the queue that nobody has taken yet.' },
  FH_MEDIATION_PROPOSAL_STALE: { cause: 'The mediator made a newer proposal after the one answered; only the latest can be accepted or rejected.', action: 'Read the case again and answer the current proposal.' },
  FH_MEDIATION_ALREADY_ANSWERED: { cause: 'Each party answers a proposal once; this party already did (`details.answer`).', action: 'Wait for the other party or for a new proposal.' },
  FH_MEDIATION_NOT_CLOSED: { cause: 'The signed outcome exists only once the case is settled or closed as not settled.', action: 'Ask for it again after the case is closed.' },
  FH_MEDIATOR_REVOKED: { cause: 'The mediator’s appointment already ended; their account no longer logs in.', action: 'Appoint a mediator again if one is needed.' },
  FH_EVIDENCE_NOT_FOUND: { cause: 'The evidence id does not exist, belongs to someone else, was erased, or is not part of the case; `field` names which id.', action: 'List your evidence (GET /v1/consumer/evidence or /v1/institution/evidence) and use an id from there.' },
  FH_EVIDENCE_EMPTY: { cause: 'The upload carried no bytes.', action: 'Send the file content as the request body.' },
  FH_EVIDENCE_TYPE_MISMATCH: { cause: 'The type found in the file\'s first bytes disagrees with the Content-Type header or the file name\'s extension; `field` says which, `details` gives both.', action: 'Send the file with its true content type and extension (or application/octet-stream), or convert it.' },
  FH_EVIDENCE_TYPE_NOT_ALLOWED: { cause: 'The file\'s first bytes show a type the vault does not keep (`details.detected`; null when unknown); `details.allowed` lists those it keeps.', action: 'Convert it to PDF, an image (JPEG, PNG, WebP, HEIC, GIF), a recording (MP3, M4A/AAC, WAV, AMR, OGG/Opus), video (MP4/MOV) or UTF-8 plain text.' },
  FH_EVIDENCE_TOO_LARGE: { cause: 'The file is larger than `details.limitBytes` (FH_EVIDENCE_MAX_BYTES, 64 MiB by default); nothing was kept.', action: 'Compress or split the recording or video, or ask the operator for a larger limit.' },
  FH_EVIDENCE_DAMAGED: { cause: 'Reading the stored item back failed its authentication tags or its hash no longer matches the receipt: the file on disk was altered, cut short or lost.', action: 'Report it to the operator, who restores it from backup; your receipt still proves what was deposited.' },
  FH_EVIDENCE_ERASED: { cause: 'The item was erased at its owner\'s request (PIPL Art.47); its content is gone.', action: 'Its receipt still verifies against a copy of the file you kept.' },
  FH_AUDIT_UNAVAILABLE: { cause: 'The access could not be written to the audit log in time (the database is slow or unreachable, or too many accesses wait to be written), so it was not served.', action: 'Retry after the seconds in `Retry-After`.' },
  FH_PAYLOAD_TOO_LARGE: { cause: 'The request body or uploaded file is larger than the limit in `details.limit`.', action: 'Split the file by period or record type, or compress it with gzip.' },
  FH_UNSUPPORTED_MEDIA_TYPE: { cause: 'The `Content-Type` is not one the route accepts.', action: 'Send JSON, CSV or JSON Lines as the route documents.' },
  FH_RATE_LIMITED: { cause: 'Too many requests (or failed logins) from this account or address in a short time.', action: 'Wait the seconds in the `Retry-After` header, then try again.' },
  FH_AUTH_BUSY: {
    cause: 'Too many logins are waiting for their password check at once; nothing was checked.',
    action: 'Retry after the seconds in `Retry-After`.',
  },
  FH_INTERNAL: { cause: 'An unexpected fault in the server; it is logged with the request id.', action: 'Retry later; if it persists, report the request id to the operator.' },
  FH_DATABASE_UNAVAILABLE: { cause: 'The database cannot be reached or refused the connection; nothing was changed.', action: 'Retry after the seconds in `Retry-After`.' },
  FH_RULE_VERSION_CONFLICT: {
    cause: 'A rule file or request carries a rule id, jurisdiction and version that is already stored with different content. Published versions never change, so alerts can always be explained by the version that raised them.',
    action: 'Give the changed rule the next version number (`GET /v1/rules` shows the versions in force).',
  },
  FH_SCREEN_MALFORMED_XML: { cause: 'The body was sent as XML but does not parse; `details` gives the line and column where parsing stopped.', action: 'Send a well-formed pacs.008 document; do not retry unchanged.' },
  FH_SCREEN_XML_FORBIDDEN: {
    cause: 'The XML holds a DOCTYPE, an entity declaration or an entity reference other than the five predefined ones. They are refused outright, so that entity expansion (an XML bomb) and external entities cannot reach the parser.',
    action: 'Send the message without a document type declaration; ISO 20022 messages need none.',
  },
  FH_SCREEN_MESSAGE_UNSUPPORTED: {
    cause: 'The message is not a credit transfer Fenghuo screens: another ISO 20022 message, a pacs.008 version before .001.08, a namespace that is not `urn:iso:std:iso:20022:tech:xsd:pacs.008.001.NN`, or a Tazama `TxTp` other than `pacs.008.001.NN`; `field` names the part.',
    action: 'Send pacs.008.001.08 or later, or the native JSON form.',
  },
  FH_SCREEN_AMOUNT_INVALID: { cause: 'The amount is missing, zero, negative, not a decimal number, or larger than the screening API accepts; `field` names it.', action: 'Send the amount as a positive decimal in the currency’s major unit (for example `1250.50`).' },
  FH_SCREEN_AMOUNT_PRECISION: { cause: 'The amount has more decimal places than ISO 4217 gives its currency (two for CNY, none for JPY, three for KWD); `field` names it and `details` the currency and its minor units.', action: 'Round the amount to the currency’s minor unit as the payment will settle.' },
  FH_SCREEN_CURRENCY_UNKNOWN: { cause: 'The currency is not an active ISO 4217 code; `field` names it.', action: 'Send the three-letter ISO 4217 code of the payment’s currency.' },
  FH_SCREEN_CURRENCY_NOT_ENABLED: { cause: 'The currency is a valid ISO 4217 code, but the institution’s screening settings do not list it; `details` gives the currencies that are enabled.', action: 'Ask for the currency to be enabled in the institution’s screening settings, or screen the payment in an enabled currency.' },
  FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS: { cause: 'A decision threshold is outside the range the institution’s supervisor allows, or the thresholds are not in order (confirm ≤ review ≤ block); `field` names it and `details` the bounds.', action: 'Choose thresholds within the bounds shown.' },
  FH_SCREEN_IDEMPOTENCY_MISMATCH: { cause: 'The `Idempotency-Key` was used before by this institution with a different body: the key must name one payment.', action: 'Use a new key for a new payment; to retry, send the same body again with the same key.' },
  FH_SCREEN_REMINDER_CLOSED: { cause: 'The safe-transaction reminder was already confirmed, rejected or expired; `details` gives its status.', action: 'Read the decision again; a payment that expired can be sent again as a new payment.' },
  FH_SCREEN_OUTCOME_CONFLICT: { cause: 'The decision already has another outcome on record (confirmed fraud or a false positive); an outcome is recorded once.', action: 'Read the decision; if the first report was wrong, contact the supervisor.' },
  FH_SCREEN_COUNTERS_UNAVAILABLE: { cause: 'The shared counters (Redis) did not answer, so the velocity features cannot be computed and no decision was made; nothing was counted.', action: 'Retry after a short wait; treat the payment by your own fallback policy meanwhile.' },
  FH_CONSENT_MISSING: { cause: 'No recorded authorisation of the person lets this institution do this (for a credit inquiry: query their report); `details` names the scope asked for.', action: 'Obtain the person’s authorisation (they grant it in the Fenghuo portal) before asking again.' },
  FH_CONSENT_EXPIRED: { cause: 'The person’s authorisation ended on its expiry date (China time); `details` gives it.', action: 'Ask the person to grant a new authorisation.' },
  FH_CONSENT_WITHDRAWN: { cause: 'The person withdrew the authorisation (PIPL Art.15); it stopped having effect at that moment. `details` gives when.', action: 'Do not ask again unless the person grants a new authorisation.' },
  FH_CONSENT_PURPOSE: { cause: 'The person authorised other purposes than the one given (for example post-loan management, not loan approval); `details` lists what they authorised.', action: 'Ask only for an authorised purpose, or obtain an authorisation for this one.' },
  FH_CONSENT_CLOSED: { cause: 'The authorisation was already withdrawn or has expired: there is nothing to withdraw.', action: 'Read your authorisations again; grant a new one if needed.' },
  FH_CREDIT_DISPUTE_CLOSED: { cause: 'The dispute was already answered (corrected or kept with a statement); `details` gives its status. An answer is given once.', action: 'Read the dispute again; a new objection is a new dispute.' },
  FH_CREDIT_CORRECTION_MISSING: { cause: 'The answer says the tradeline was corrected, but no filing has changed it since the dispute was filed.', action: 'Resubmit the corrected loan or repayment records first (a resubmission of the period), then answer.' },
  FH_CREDIT_TRAINING_DATA: { cause: 'Training needs people with a tradeline by the snapshot month and at least 20 of them who went 90 days past due in the year after, and 20 who did not; `details` gives the counts found.', action: 'Train again once more months of loan and repayment filings have been accepted, or choose an earlier snapshot.' },
  FH_DATA_NOTHING_TO_CORRECT: { cause: 'The correction gives the same name or number the platform already holds, so nothing would change.', action: 'Give the new value; to correct a record an institution reported, dispute it on the credit report.' },
  FH_DATA_LEGAL_HOLD: { cause: 'A pending case (an unanswered credit dispute, a complaint or mediation not closed, a payment awaiting your answer) forbids deletion now; `details.holds` names each with its legal basis. The refusal is recorded.', action: 'Wait until the case is closed, or close it, then ask again.' },
  // Complaints
  FH_COMPLAINT_STATUS: { cause: 'The step does not fit the complaint as it stands: an answer to a complaint already answered, feedback before the final answer or given twice, mediation for a complaint that is not disputed. `details` gives its status.', action: 'Read the complaint again: someone else may have moved it meanwhile.' },
  FH_COMPLAINT_EXTENSION: { cause: 'A complex extension is granted once and before the deadline; the further extension needs the complex one first and a supervisor’s approval of a pending request. `details` gives the extension it has.', action: 'Read the complaint’s deadline again; ask the supervisor for the further extension if the case needs it.' },
  FH_COMPLAINT_REGION_REQUIRED: { cause: 'A complaint against an institution that is not registered goes to the supervisor of your region, and your identity number does not give one.', action: 'Choose your region (province or city) and file again.' },
  FH_ALERT_TRANSITION: {
    cause: 'The alert cannot move to the requested status from its current one (new → triaged → escalated or dismissed; a dismissed, escalated or superseded alert is closed). `details` names both statuses.',
    action: 'Read the alert again: someone else may have moved it meanwhile.',
  },
  FH_RULE_SYNTAX: { cause: 'The rule condition (or a derived expression) is not valid CEL; `field` names the expression and `details` the line, column and problem.', action: 'Correct the expression at the position given.' },
  FH_RULE_UNKNOWN_FEATURE: {
    cause: 'The condition reads `features.<name>` for a feature that is not in the catalogue, or that is not computed for the rule’s record type; `details.feature` names it.',
    action: 'Use a feature listed for the record type in the rulebook documentation (docs/rulebook.md).',
  },
  FH_RULE_TYPE: { cause: 'The condition names a record field or parameter that does not exist, compares values of different types, or does not give true or false; `details` says where and what.', action: 'Correct the expression; money and counts are whole numbers (int), rates decimals (double).' },
  FH_RULE_PARAMETER_INVALID: { cause: 'A rule parameter’s value is of the wrong type, outside its range, or not one of its codes; `field` names `parameters.<name>` and `details` what is expected.', action: 'Send a value of the stated type and range (money in fen, rates as decimals: 0.24 = 24%).' },
  FH_RULE_PARAMETER_LOOSENED: {
    cause: 'A province or city set a parameter looser than the tier above it (a cap higher, a floor lower, a fixed value changed); `field` names `parameters.<name>`, `details` the parent tier and its value.',
    action: 'Set a value at least as strict as the parent’s; only the tier that made a rule can relax it, by a new version of the rule.',
  },
  FH_NOT_READY: { cause: 'The server is starting (migrating, loading) and does not yet take requests.', action: 'Retry shortly; `GET /ready` says when it is ready.' },
};
