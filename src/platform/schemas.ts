import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** The error reply every route documents. */
export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable code from docs/errors.md, e.g. FH_VALIDATION' }),
      message: Type.Object({ zh: Type.String(), en: Type.String() }),
      field: Type.Optional(Type.String({ description: 'Where the fault is, e.g. body.uscc' })),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { description: 'Error reply' },
);

/** Standard error responses, merged into each route's `response` schema. */
export const errorResponses = {
  400: ErrorReply,
  401: ErrorReply,
  403: ErrorReply,
  404: ErrorReply,
  409: ErrorReply,
  413: ErrorReply,
  503: ErrorReply,
} as const;

export const Pagination = Type.Object({
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
});
export type Pagination = Static<typeof Pagination>;

/** A page of items with the total count. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
}

export const JurisdictionRef = Type.Object({ code: Type.String(), nameZh: Type.String(), nameEn: Type.String() });
