/** Putting an API error on the form field it names, so the user sees where the fault is. */
import type { FormInstance } from 'antd';
import { ApiError, describeError, fieldName } from '../api.js';

/**
 * Mark the form field the error names (`body.username` → `username`) and return true; when the
 * error names no field of this form, return false so the caller shows it as a message.
 * `byCode` places errors whose field is outside the form (a credential refused as a whole, say)
 * on the form field the user should correct.
 */
export function showFieldError(form: FormInstance, error: unknown, fields: string[], byCode: Record<string, string> = {}): boolean {
  if (!(error instanceof ApiError)) return false;
  const name = byCode[error.code] ?? (error.field ? (fieldName(error.field).split('.')[0] ?? '') : '');
  if (!fields.includes(name)) return false;
  form.setFields([{ name, errors: [error.localMessage()] }]);
  form.scrollToField(name);
  return true;
}

/** The error text for a message toast. */
export { describeError };
