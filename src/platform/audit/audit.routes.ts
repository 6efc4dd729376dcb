import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform.js';
import { fail } from '../errors.js';

const SignedHeadReply = Type.Object({
  treeSize: Type.Integer({ minimum: 1, description: 'Entries in the tree this head covers' }),
  rootHash: Type.String({ description: 'RFC 9162 Merkle tree hash of those entries, hex' }),
  signedAt: Type.String({ format: 'date-time' }),
  algorithm: Type.Union([Type.Literal('ed25519'), Type.Literal('sm2')]),
  keyId: Type.String(),
  signature: Type.String({ description: 'Over the canonical JSON of {log: "fenghuo-audit-v1", treeSize, rootHash, signedAt, algorithm, keyId}: base64 (Ed25519) or hex (SM2)' }),
});

/** The audit log's newest signed head, for anyone to keep and later check with `fenghuo verify --against`. */
export function auditRoutes(platform: Platform): FastifyPluginAsync {
  return async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.get(
      '/platform/audit-head',
      {
        config: { access: 'public' },
        schema: {
          tags: ['platform'],
          summary: "The audit log's newest signed head (tree size, root hash, time): keep a copy; `fenghuo verify --against` proves the log still extends it",
          response: { 200: SignedHeadReply },
        },
      },
      async () => (await platform.audit.latestHead()) ?? fail('FH_NOT_FOUND', { field: 'audit-head' }),
    );
  };
}
