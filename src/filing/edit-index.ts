import { editCatalogue, type EditDef } from './edits/index.js';
import { parseEdits } from './parse-edits.js';
import { recordTypeDef, type RecordType } from '../standard/standard.js';

/** Every edit a filing can fail: the pipeline's file-level edits, then the standard's catalogue. */
export const allEdits: readonly EditDef[] = [...parseEdits, ...editCatalogue];

/** The edits by id. */
export const allEditsById: ReadonlyMap<string, EditDef> = new Map(allEdits.map((edit) => [edit.id, edit]));

/** Fields whose values are resident ID numbers (or may be), masked in finding examples. */
export function sensitiveFieldsOf(recordType: RecordType): Set<string> {
  return new Set(recordTypeDef(recordType).fields.filter((f) => f.type === 'resident_id' || f.type === 'party_id').map((f) => f.name));
}
