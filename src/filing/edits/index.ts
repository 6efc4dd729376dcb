/**
 * The edits of the filing pipeline: the catalogue, the file validator, and the mapping of
 * validated records onto the domain tables.
 */
export { editCatalogue, editById, editAppliesTo, editsFor, defaultThresholds, retiredEdits } from './catalogue.js';
export type { EditClass, EditDef, EditScope, EditSeverity, EditThresholds, RetiredEdit } from './catalogue.js';
export type { FileStats, FileValidator, IdRegister, NormalizedRecord, RowFinding, ValidatorContext } from './types.js';
export { IdSet } from './id-set.js';
export { createValidator, macroFindings } from './validator.js';
export { copyColumns, toCopyLine, toCopyValues, domainColumns } from './copy.js';
export type { CopyContext, DomainColumn } from './copy.js';
export { annualisedCostOfLoan, loanTermsOf } from './loan-cost.js';
