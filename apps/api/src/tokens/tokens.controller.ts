import { Body, Controller, Delete, Get, Inject, Param, Post } from '@nestjs/common'
import { ApiBearerAuth, ApiCookieAuth } from '@nestjs/swagger'
import {
  type CreateTokenInput,
  createdTokenSchema,
  createTokenSchema,
  tokenListSchema,
} from '@rapport/api-client'
import { permissionsOfScopes } from '@rapport/domain'
import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/audit.repository.js'
import { CredentialCache } from '../auth/credential-cache.js'
import { Caller, type Origin, type Principal, RequestOrigin, Requires } from '../auth/principal.js'
import { randomSecret, sha256 } from '../auth/secrets.js'
import { DB } from '../database/database.js'
import { Endpoint } from '../http/openapi.js'
import { forbidden, notFound } from '../http/problem.js'
import { uuidSchema, valid } from '../http/validation.js'
import { findToken, insertToken, listTokens, revokeToken } from './tokens.repository.js'

export const tokenPrefix = 'rap_'

@Controller('api/v1/tokens')
@ApiCookieAuth()
@ApiBearerAuth()
@Requires('tokens:write')
export class TokensController {
  constructor(
    @Inject(DB) private readonly db: Kysely<any>,
    @Inject(CredentialCache) private readonly credentials: CredentialCache,
  ) {}

  @Get()
  @Endpoint({
    tag: 'tokens',
    summary: 'API tokens of the workspace (never their secrets)',
    response: tokenListSchema,
    errors: [403],
  })
  async list(@Caller() caller: Principal) {
    return { items: await listTokens(this.db, caller.workspaceId) }
  }

  @Post()
  @Endpoint({
    tag: 'tokens',
    summary: 'Create an API token; its secret is in this answer only',
    status: 201,
    body: createTokenSchema,
    response: createdTokenSchema,
    errors: [403],
  })
  async create(
    @Caller() caller: Principal,
    @Body(valid(createTokenSchema)) input: CreateTokenInput,
    @RequestOrigin() origin: Origin,
  ) {
    // A token can never do more than the person (or token) that made it.
    const beyond = permissionsOfScopes(input.scopes).filter((p) => !caller.permissions.has(p))
    if (beyond.length) throw forbidden(`you cannot grant what you do not have: ${beyond.join(', ')}`)
    const secret = randomSecret(tokenPrefix)
    const id = await this.db.transaction().execute(async (trx) => {
      const tokenId = await insertToken(trx, {
        workspaceId: caller.workspaceId,
        name: input.name,
        tokenHash: sha256(secret),
        prefix: secret.slice(0, tokenPrefix.length + 6),
        scopes: [...new Set(input.scopes)],
        createdBy: caller.userId,
        expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
      })
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'token.created',
        targetType: 'token',
        targetId: tokenId,
        details: { name: input.name, scopes: input.scopes, expiresInDays: input.expiresInDays ?? null },
      })
      return tokenId
    })
    const token = await findToken(this.db, caller.workspaceId, id)
    return { ...token, token: secret }
  }

  @Delete(':id')
  @Endpoint({ tag: 'tokens', summary: 'Revoke an API token at once', status: 204, errors: [403, 404] })
  async revoke(@Caller() caller: Principal, @Param('id') id: string, @RequestOrigin() origin: Origin) {
    const token = uuidSchema.safeParse(id).success
      ? await findToken(this.db, caller.workspaceId, id)
      : undefined
    if (!token) throw notFound('token')
    if (token.revokedAt) return
    await this.db.transaction().execute(async (trx) => {
      await revokeToken(trx, caller.workspaceId, id)
      await recordAudit(trx, caller.workspaceId, caller, origin, {
        action: 'token.revoked',
        targetType: 'token',
        targetId: id,
        details: { name: token.name },
      })
    })
    this.credentials.forgetToken(id)
  }
}
